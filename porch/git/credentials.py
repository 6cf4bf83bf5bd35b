"""Git credentials, and the one place that scrubs them from URLs and messages.

A password or token reaches libgit2 through a credentials callback and nowhere else: it must
never appear in a repr, an error message, a log line, a cache path or commit metadata. This
module does no I/O and does not talk to libgit2 beyond building its credential objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit, urlunsplit

import pygit2
from pygit2.enums import CredentialType

from porch.errors import GitError

_REDACTED = "***"


@dataclass(frozen=True)
class Credentials:
    """A username and a password or token for HTTP(S) or SSH remotes."""

    username: str = ""
    password: str = field(default="", repr=False)


def public_url(url: str) -> str:
    """``url`` without any ``user:password@`` part, safe to show and to hash."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return _REDACTED
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=host))


def redact(text: str, *, url: str, credentials: Credentials | None) -> str:
    """``text`` with the URL's user info and every known password replaced.

    Usernames are not secret and stay (``git@host`` would otherwise garble every "git").
    """
    text = text.replace(url, public_url(url))
    secrets = {credentials.password} if credentials is not None else set()
    try:
        password = urlsplit(url).password or ""
    except ValueError:
        password = ""
    secrets.update({password, unquote(password)})
    # Longest first so a secret that contains another is replaced whole.
    for secret in sorted(secrets - {""}, key=len, reverse=True):
        text = text.replace(secret, _REDACTED)
    return text


def libgit2_credential(
    credentials: Credentials, *, username_from_url: str | None, allowed: CredentialType
) -> pygit2.UserPass | pygit2.Username | pygit2.KeypairFromAgent:
    """The credential object libgit2 asked for, built from ``credentials``.

    SSH without a password falls back to the SSH agent; that is the only key source we offer.
    """
    username = credentials.username or username_from_url or ""
    if allowed & CredentialType.USERPASS_PLAINTEXT:
        return pygit2.UserPass(username, credentials.password)
    if allowed & CredentialType.SSH_KEY:
        return pygit2.KeypairFromAgent(username)
    if allowed & CredentialType.USERNAME:
        return pygit2.Username(username)
    raise GitError(f"the Git server asks for an unsupported credential type ({allowed!r})")


__all__ = ["Credentials", "libgit2_credential", "public_url", "redact"]
