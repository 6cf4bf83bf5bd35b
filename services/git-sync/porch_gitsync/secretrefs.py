"""Credentials for a repository from the Secret its spec names, read at the moment of use.

Which keys make credentials is ``porch.git.secretcreds`` (shared with the orchestrator's
task worker). Values are never logged and never leave this process.
"""

from __future__ import annotations

from porch.eventlog import secrets
from porch.eventlog.secrets import SecretStore
from porch.git import Credentials, secretcreds


async def credentials(store: SecretStore, *, namespace: str, name: str) -> Credentials | None:
    """None when no Secret is named; ``NotFound`` or ``Invalid`` when it cannot be used."""
    if not name:
        return None
    return secretcreds.from_secret(name, secrets.values(await store.get(namespace, name)))


__all__ = ["credentials"]
