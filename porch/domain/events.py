"""Every event type of the stream, as frozen tagged msgspec Structs: a public contract.

Rules (STYLE §2-3): past-tense names; a tag is ``<Name>.v<N>`` and never changes meaning;
new fields get defaults; a type change means a new tag. Readers skip tags they do not know
(see ``KNOWN_TYPES``). Pure; no I/O.
"""

from __future__ import annotations

from typing import Any

import msgspec

from porch.domain.common import Actor


class Event(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    """Fields every event carries."""

    id: str
    time: str
    actor: Actor
    command_id: str


# --- Repository -------------------------------------------------------------------------


class RepositoryRegistered(Event, frozen=True, kw_only=True, tag="RepositoryRegistered.v1"):
    namespace: str
    name: str
    uid: str
    spec: dict[str, Any]
    labels: dict[str, str] = {}
    annotations: dict[str, str] = {}


class RepositoryUpdated(Event, frozen=True, kw_only=True, tag="RepositoryUpdated.v1"):
    spec: dict[str, Any]
    labels: dict[str, str] = {}
    annotations: dict[str, str] = {}


class RepositoryUnregistered(Event, frozen=True, kw_only=True, tag="RepositoryUnregistered.v1"):
    pass


class RepositoryConnected(Event, frozen=True, kw_only=True, tag="RepositoryConnected.v1"):
    """git-sync reached the repository and found its branch."""

    commit: str = ""
    repository_uid: str = ""  # the registration read (see RepositorySynced)


class RepositoryConnectionFailed(
    Event, frozen=True, kw_only=True, tag="RepositoryConnectionFailed.v1"
):
    reason: str
    message: str
    repository_uid: str = ""  # the registration read (see RepositorySynced)


# --- Package revisions (all revisions of one package share a consistency boundary) ------


class Task(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """A creation task as the API shows it (``type`` plus one payload)."""

    type: str
    init: dict[str, Any] | None = None
    clone: dict[str, Any] | None = None
    edit: dict[str, Any] | None = None
    upgrade: dict[str, Any] | None = None


class RevisionCreated(Event, frozen=True, kw_only=True, tag="RevisionCreated.v1"):
    namespace: str
    repository: str
    package: str
    workspace: str
    uid: str
    tasks: tuple[Task, ...]
    resources: dict[str, str]  # package-relative path -> sha256 hex of the content
    labels: dict[str, str] = {}
    annotations: dict[str, str] = {}
    render_status: dict[str, Any] | None = None
    # objects.kptfile_summary of the Kptfile (what the API objects mirror from it)
    kptfile: dict[str, Any] | None = None


class RevisionCreationRequested(
    Event, frozen=True, kw_only=True, tag="RevisionCreationRequested.v1"
):
    """A create command accepted by the API: reserves the workspace; the orchestrator runs
    the task (and render) and answers with ``RevisionCreated`` (same ``command_id``) or
    ``RevisionCreationFailed``. A pending revision is not served."""

    namespace: str
    repository: str
    package: str
    workspace: str
    uid: str
    tasks: tuple[Task, ...]
    # What the task reads, resolved by the API when it decided (so the orchestrator's work
    # is self-contained): source/upstream revisions' resources (path -> digest), names,
    # Git locks. Never credentials: a Secret is named, not copied.
    inputs: dict[str, Any] = {}
    deployment: bool = False  # the repository's spec.deployment when requested
    labels: dict[str, str] = {}
    annotations: dict[str, str] = {}


class RevisionCreationFailed(Event, frozen=True, kw_only=True, tag="RevisionCreationFailed.v1"):
    """The task (or its render) failed: the reserved workspace is released."""

    workspace: str
    reason: str
    message: str
    render_status: dict[str, Any] | None = None


class RevisionResourcesSubmitted(
    Event, frozen=True, kw_only=True, tag="RevisionResourcesSubmitted.v1"
):
    """New resources for a Draft, not yet rendered; answered by ``RevisionResourcesUpdated``
    (rendered, same ``command_id``) or ``RevisionResourcesRejected``."""

    workspace: str
    resources: dict[str, str]
    push_on_render_failure: bool = False


class RevisionResourcesUpdated(Event, frozen=True, kw_only=True, tag="RevisionResourcesUpdated.v1"):
    workspace: str
    resources: dict[str, str]
    render_status: dict[str, Any] | None = None  # Porch's status.renderStatus
    kptfile: dict[str, Any] | None = None  # objects.kptfile_summary; None: unchanged


class RevisionResourcesRejected(
    Event, frozen=True, kw_only=True, tag="RevisionResourcesRejected.v1"
):
    """Render failed and nothing was kept; the Draft's resources are unchanged."""

    workspace: str
    reason: str
    message: str
    render_status: dict[str, Any] | None = None


class RevisionMetadataUpdated(Event, frozen=True, kw_only=True, tag="RevisionMetadataUpdated.v1"):
    workspace: str
    labels: dict[str, str]
    annotations: dict[str, str]
    finalizers: tuple[str, ...] = ()
    owner_references: tuple[dict[str, Any], ...] = ()


class RevisionDeletionStarted(Event, frozen=True, kw_only=True, tag="RevisionDeletionStarted.v1"):
    """A delete of a revision with finalizers: ``deletionTimestamp`` is set (this event's
    time); the revision goes once its last finalizer is removed."""

    workspace: str


class RevisionProposed(Event, frozen=True, kw_only=True, tag="RevisionProposed.v1"):
    workspace: str


class RevisionRejected(Event, frozen=True, kw_only=True, tag="RevisionRejected.v1"):
    """Proposed back to Draft."""

    workspace: str


class RevisionApproved(Event, frozen=True, kw_only=True, tag="RevisionApproved.v1"):
    workspace: str
    revision: int


class RevisionDeletionProposed(Event, frozen=True, kw_only=True, tag="RevisionDeletionProposed.v1"):
    workspace: str


class RevisionDeletionRejected(Event, frozen=True, kw_only=True, tag="RevisionDeletionRejected.v1"):
    """DeletionProposed back to Published."""

    workspace: str


class RevisionDeleted(Event, frozen=True, kw_only=True, tag="RevisionDeleted.v1"):
    workspace: str


class RevisionSynced(Event, frozen=True, kw_only=True, tag="RevisionSynced.v1"):
    """git-sync wrote the revision to its repository (a fact, not a command)."""

    workspace: str
    revision: int
    commit: str
    ref: str
    source_event: str


class RevisionSyncFailed(Event, frozen=True, kw_only=True, tag="RevisionSyncFailed.v1"):
    workspace: str
    reason: str
    message: str
    source_event: str


# --- Facts read from Git or OCI by git-sync (not commands; see docs/architecture.md) -----


class RepositorySynced(Event, frozen=True, kw_only=True, tag="RepositorySynced.v1"):
    """git-sync listed the repository's refs (a full discovery pass) at ``commit``.

    ``repository_uid`` on this and the other facts of a pass names the registration whose
    target was read; the fold drops facts of an earlier registration of the same name (a
    pass still running when the Repository was deleted and created again). Empty: unknown,
    applied (facts written before the field existed)."""

    commit: str = ""
    package_count: int = 0
    repository_uid: str = ""


class RevisionDiscovered(Event, frozen=True, kw_only=True, tag="RevisionDiscovered.v1"):
    """A revision as found in Git/OCI: a draft or proposed branch, a tag ``P/vN`` (with its
    deletionProposed marker, if any) or the branch placeholder (revision -1, workspace =
    branch name). The fold adds it when unknown, updates it when ``commit`` differs from
    what the projection holds, and ignores it when it is what Porch wrote itself."""

    namespace: str
    repository: str
    package: str
    workspace: str
    lifecycle: str  # Draft | Proposed | Published | DeletionProposed
    revision: int  # 0 unpublished, N > 0 published, -1 the branch placeholder
    resources: dict[str, str]  # package-relative path -> sha256 in the blob store
    commit: str
    ref: str  # e.g. refs/heads/drafts/P/W, refs/tags/P/v3, refs/heads/main
    tasks: tuple[Task, ...] = ()  # from the commit's kpt:{json} lines, when present
    author: str = ""  # the commit author of the newest commit touching the package
    authored: str = ""  # its time, RFC 3339
    kptfile: dict[str, Any] | None = None  # objects.kptfile_summary of its Kptfile
    repository_uid: str = ""  # the registration read (see RepositorySynced)


class RevisionRemoved(Event, frozen=True, kw_only=True, tag="RevisionRemoved.v1"):
    """The ref behind a discovered or synced revision disappeared from Git/OCI."""

    workspace: str
    ref: str
    repository_uid: str = ""  # the registration read (see RepositorySynced)


RepositoryEvent = (
    RepositoryRegistered
    | RepositoryUpdated
    | RepositoryUnregistered
    | RepositoryConnected
    | RepositoryConnectionFailed
    | RepositorySynced
)
PackageEvent = (
    RevisionCreated
    | RevisionResourcesUpdated
    | RevisionMetadataUpdated
    | RevisionProposed
    | RevisionRejected
    | RevisionApproved
    | RevisionDeletionProposed
    | RevisionDeletionRejected
    | RevisionDeleted
    | RevisionSynced
    | RevisionSyncFailed
    | RevisionDiscovered
    | RevisionRemoved
    | RevisionCreationRequested
    | RevisionCreationFailed
    | RevisionResourcesSubmitted
    | RevisionResourcesRejected
    | RevisionDeletionStarted
)
AnyEvent = RepositoryEvent | PackageEvent

_ALL: tuple[type[Event], ...] = (
    RepositoryRegistered,
    RepositoryUpdated,
    RepositoryUnregistered,
    RepositoryConnected,
    RepositoryConnectionFailed,
    RevisionCreated,
    RevisionResourcesUpdated,
    RevisionMetadataUpdated,
    RevisionProposed,
    RevisionRejected,
    RevisionApproved,
    RevisionDeletionProposed,
    RevisionDeletionRejected,
    RevisionDeleted,
    RevisionSynced,
    RevisionSyncFailed,
    RepositorySynced,
    RevisionDiscovered,
    RevisionRemoved,
    RevisionCreationRequested,
    RevisionCreationFailed,
    RevisionResourcesSubmitted,
    RevisionResourcesRejected,
    RevisionDeletionStarted,
)
KNOWN_TYPES: frozenset[str] = frozenset(str(cls.__struct_config__.tag) for cls in _ALL)

_decoder: msgspec.json.Decoder[AnyEvent] = msgspec.json.Decoder(AnyEvent)
_encoder = msgspec.json.Encoder()


def type_of(event: Event) -> str:
    return str(type(event).__struct_config__.tag)


def encode(event: Event) -> bytes:
    return _encoder.encode(event)


def decode(data: bytes) -> AnyEvent:
    """Decode one known event; raises ``msgspec.ValidationError`` for unknown tags."""
    return _decoder.decode(data)


__all__ = [
    "KNOWN_TYPES",
    "AnyEvent",
    "Event",
    "PackageEvent",
    "RepositoryConnected",
    "RepositoryConnectionFailed",
    "RepositoryEvent",
    "RepositoryRegistered",
    "RepositorySynced",
    "RepositoryUnregistered",
    "RepositoryUpdated",
    "RevisionApproved",
    "RevisionCreated",
    "RevisionCreationFailed",
    "RevisionCreationRequested",
    "RevisionDeleted",
    "RevisionDeletionProposed",
    "RevisionDeletionRejected",
    "RevisionDeletionStarted",
    "RevisionDiscovered",
    "RevisionMetadataUpdated",
    "RevisionProposed",
    "RevisionRejected",
    "RevisionRemoved",
    "RevisionResourcesRejected",
    "RevisionResourcesSubmitted",
    "RevisionResourcesUpdated",
    "RevisionSyncFailed",
    "RevisionSynced",
    "Task",
    "decode",
    "encode",
    "type_of",
]
