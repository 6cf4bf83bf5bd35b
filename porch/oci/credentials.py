"""Registry credentials, and scrubbing them from text that may be shown or logged.

Pure; no I/O. A password or token only ever becomes an ``Authorization`` header.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field

_REDACTED = "***"


@dataclass(frozen=True)
class RegistryCredentials:
    """A username and a password or token (basic auth, or exchanged for a bearer token)."""

    username: str = ""
    password: str = field(default="", repr=False)

    def basic_header(self) -> str:
        raw = f"{self.username}:{self.password}".encode()
        return "Basic " + base64.b64encode(raw).decode("ascii")


def redact(text: str, credentials: RegistryCredentials | None) -> str:
    """``text`` with the password (and its basic-auth encoding) replaced."""
    if credentials is None or not credentials.password:
        return text
    encoded = credentials.basic_header().removeprefix("Basic ")
    return text.replace(encoded, _REDACTED).replace(credentials.password, _REDACTED)


__all__ = ["RegistryCredentials", "redact"]
