"""Static bearer tokens, in kube-apiserver's ``--token-auth-file`` CSV format.

Each line is ``token,user,uid,"group1,group2"`` (groups optional). Local mode creates one admin
token on first start and writes it into the kubeconfig. Tokens are compared in constant time.
This module reads and writes only the file it is given; it must not log tokens.
"""

from __future__ import annotations

import csv
import hmac
import io
import os
import secrets
import uuid
from collections.abc import Mapping
from pathlib import Path

from porch.security.identity import UserInfo


def _parse(text: str) -> list[tuple[str, UserInfo]]:
    entries: list[tuple[str, UserInfo]] = []
    for row in csv.reader(io.StringIO(text)):
        if not row or not row[0].strip() or row[0].lstrip().startswith("#"):
            continue
        if len(row) < 3:
            raise ValueError("token file lines need at least token,user,uid")
        token, name, uid = (cell.strip() for cell in row[:3])
        groups = tuple(g.strip() for g in row[3].split(",") if g.strip()) if len(row) > 3 else ()
        entries.append((token, UserInfo(name=name, uid=uid, groups=groups)))
    return entries


def load_tokens(path: Path) -> dict[str, UserInfo]:
    """token -> user, from a token file (raises ValueError on a malformed line)."""
    return dict(_parse(path.read_text()))


def _line(token: str, user: UserInfo) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(
        [token, user.name, user.uid, ",".join(user.groups)]
    )
    return out.getvalue()


def ensure_token_file(
    path: Path, *, user: str = "admin", groups: tuple[str, ...] = ("system:masters",)
) -> str:
    """The token of ``user`` in ``path``, adding a random one (file mode 0600) if missing."""
    existing = _parse(path.read_text()) if path.exists() else []
    for token, info in existing:
        if info.name == user:
            return token
    token = secrets.token_urlsafe(32)
    line = _line(token, UserInfo(name=user, uid=str(uuid.uuid4()), groups=groups))
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.fchmod(fd, 0o600)
        if path.stat().st_size and not path.read_bytes().endswith(b"\n"):
            os.write(fd, b"\n")
        os.write(fd, line.encode())
    finally:
        os.close(fd)
    return token


def authenticate(tokens: Mapping[str, UserInfo], header_value: str | None) -> UserInfo | None:
    """The user for an ``Authorization: Bearer <token>`` header value, or None.

    Every known token is compared (in constant time) so timing does not reveal a prefix match.
    """
    if not header_value:
        return None
    scheme, _, token = header_value.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return None
    found: UserInfo | None = None
    for known, user in tokens.items():
        if hmac.compare_digest(known.encode(), token.encode()):
            found = user
    return found


__all__ = ["UserInfo", "authenticate", "ensure_token_file", "load_tokens"]
