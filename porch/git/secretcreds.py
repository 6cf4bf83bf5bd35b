"""Git credentials from the data of the Secret a repository or a clone names.

Basic-auth Secrets hold ``username``/``password``; token Secrets hold ``token`` or
``bearerToken`` (libgit2 cannot send an ``Authorization: Bearer`` header, so a token goes as
the basic-auth password, which GitHub, GitLab and Gitea accept). Shared by git-sync and the
orchestrator's task worker. Messages name the Secret and never quote a value. Pure.
"""

from __future__ import annotations

from collections.abc import Mapping

from porch.errors import Invalid
from porch.git.credentials import Credentials


def from_secret(name: str, data: Mapping[str, str]) -> Credentials:
    """The credentials in Secret ``name`` (its decoded ``data``); ``Invalid`` without any."""
    token = data.get("token") or data.get("bearerToken")
    if token:
        return Credentials(username=data.get("username") or "token", password=token)
    if "password" in data:
        return Credentials(username=data.get("username", ""), password=data["password"])
    raise Invalid(f'secret "{name}" holds neither username/password nor token/bearerToken')


__all__ = ["from_secret"]
