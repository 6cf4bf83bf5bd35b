"""Work items the orchestrator hands to git-sync: self-contained, so git-sync reads no
projection to do them. Credentials never travel here: only the name of the Secret that
holds them. Every item names the event that caused it (``source_event``); git-sync writes
that id into what it creates (a ``Porch-Event-Id`` commit trailer, an OCI annotation) so
a redelivered item is recognised as done.

Git layout (Porch's, reference/porch.md §2), P = package path incl. the directory:
Draft = branch ``drafts/P/W``, Proposed = ``proposed/P/W``, Published N = tag ``P/vN`` on a
commit of the registered branch, DeletionProposed = plus branch ``deletionProposed/P/vN``,
the branch placeholder = P on the registered branch itself (revision -1).
Pure; no I/O.
"""

from __future__ import annotations

from typing import Any

import msgspec


class GitTarget(msgspec.Struct, frozen=True, kw_only=True, tag="git"):
    url: str
    branch: str = "main"
    directory: str = "/"
    secret_ref: str = ""
    author: str = ""
    email: str = ""
    create_branch: bool = False  # spec.git.createBranch: git-sync creates a missing branch


class OciTarget(msgspec.Struct, frozen=True, kw_only=True, tag="oci"):
    registry: str  # e.g. 127.0.0.1:5000/porch ; a package P is the image <registry>/<P>
    secret_ref: str = ""


Target = GitTarget | OciTarget


class ConnectRepository(msgspec.Struct, frozen=True, kw_only=True, tag="connect.v1"):
    """Check that the repository and its branch are reachable; report readiness."""

    namespace: str
    repository: str
    target: Target
    source_event: str
    repository_uid: str = ""  # the registration this is for; facts carry it


class PublishRevision(msgspec.Struct, frozen=True, kw_only=True, tag="publish.v1"):
    """Write a published revision to the deployment branch and tag it ``P/vN``."""

    namespace: str
    repository: str
    package: str
    workspace: str
    revision: int
    resources: dict[str, str]  # path -> sha256 of the content in the blob store
    target: Target
    author: str
    time: str
    source_event: str
    task: dict[str, Any] | None = None  # the creation task, for the kpt:{json} line


class WriteDraft(msgspec.Struct, frozen=True, kw_only=True, tag="draft.v1"):
    """Commit the package tree on ``drafts/P/W`` (``proposed/P/W`` when Proposed), parent =
    the branch's current head (or the registered branch's head for a new draft)."""

    namespace: str
    repository: str
    package: str
    workspace: str
    lifecycle: str  # Draft | Proposed
    resources: dict[str, str]
    target: Target
    author: str
    time: str
    message: str  # Porch's: "Creating new empty revision", "Rendering package", ...
    task: dict[str, Any] | None = None
    source_event: str


class MoveRevision(msgspec.Struct, frozen=True, kw_only=True, tag="move.v1"):
    """Propose (drafts/P/W -> proposed/P/W) or reject (back), in one atomic push."""

    namespace: str
    repository: str
    package: str
    workspace: str
    to_lifecycle: str  # Proposed | Draft
    target: Target
    source_event: str


class MarkDeletion(msgspec.Struct, frozen=True, kw_only=True, tag="mark-deletion.v1"):
    """Create (``proposed``) or delete the marker branch ``deletionProposed/P/vN``."""

    namespace: str
    repository: str
    package: str
    workspace: str
    revision: int
    proposed: bool
    target: Target
    source_event: str


class DeleteRevision(msgspec.Struct, frozen=True, kw_only=True, tag="delete.v1"):
    """Remove a revision from Git: a Draft/Proposed branch; a published tag ``P/vN`` and its
    marker; for the placeholder (revision -1), a commit "Delete P" removing P from the
    registered branch."""

    namespace: str
    repository: str
    package: str
    workspace: str
    lifecycle: str
    revision: int
    target: Target
    author: str
    time: str
    source_event: str


class SyncRepository(msgspec.Struct, frozen=True, kw_only=True, tag="sync.v1"):
    """A full discovery pass now (``porchctl repo sync``, or the poll timer)."""

    namespace: str
    repository: str
    target: Target
    source_event: str
    repository_uid: str = ""  # the registration this is for; facts carry it


Work = (
    ConnectRepository
    | PublishRevision
    | WriteDraft
    | MoveRevision
    | MarkDeletion
    | DeleteRevision
    | SyncRepository
)

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
    "DeleteRevision",
    "GitTarget",
    "MarkDeletion",
    "MoveRevision",
    "OciTarget",
    "PublishRevision",
    "SyncRepository",
    "Target",
    "Work",
    "WriteDraft",
    "decode",
    "encode",
    "message_id",
]
