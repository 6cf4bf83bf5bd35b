"""Work items the orchestrator hands to git-sync: self-contained, so git-sync reads no
projection. Credentials never travel here: only the name of the Secret that holds them.
Pure; no I/O.
"""

from __future__ import annotations

import msgspec


class GitTarget(msgspec.Struct, frozen=True, kw_only=True):
    url: str
    branch: str = "main"
    directory: str = "/"
    secret_ref: str = ""
    author: str = ""
    email: str = ""


class ConnectRepository(msgspec.Struct, frozen=True, kw_only=True, tag="connect.v1"):
    """Check that the repository and its branch are reachable; report readiness."""

    namespace: str
    repository: str
    git: GitTarget
    source_event: str


class PublishRevision(msgspec.Struct, frozen=True, kw_only=True, tag="publish.v1"):
    """Write a published revision to the deployment branch and tag it ``P/vN``."""

    namespace: str
    repository: str
    package: str
    workspace: str
    revision: int
    resources: dict[str, str]  # path -> sha256 of the content in the blob store
    git: GitTarget
    author: str
    time: str
    source_event: str


Work = ConnectRepository | PublishRevision

_enc = msgspec.json.Encoder()
_dec: msgspec.json.Decoder[Work] = msgspec.json.Decoder(Work)


def encode(work: Work) -> bytes:
    return _enc.encode(work)


def decode(data: bytes) -> Work:
    return _dec.decode(data)


def message_id(work: Work) -> str:
    return f"{type(work).__struct_config__.tag}:{work.source_event}"


__all__ = [
    "ConnectRepository",
    "GitTarget",
    "PublishRevision",
    "Work",
    "decode",
    "encode",
    "message_id",
]
