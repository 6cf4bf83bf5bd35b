"""The Package aggregate: every revision of one package, one consistency boundary.

Package-wide rules need all revisions at once: unique workspace names, the next revision
number on approval, exactly one latest published revision. Events are stored per revision
subject, but every append is checked against the package's wildcard subject, so the whole
package is the unit of optimistic concurrency (reference/eventstore.md §1.2).

Revision numbers never decrease, even after the latest one is deleted: a tag ``P/vN`` is
never reused, which keeps GitOps tools that cached it honest.

Pure; no I/O.
"""

from __future__ import annotations

from typing import Any

import msgspec

from porch.domain import events as ev
from porch.domain.common import CommandMeta, event_fields
from porch.errors import AlreadyExists, Cause, CommandRejected, Forbidden, Invalid, NotFound
from porch.model import names

DRAFT, PROPOSED, PUBLISHED, DELETION_PROPOSED = "Draft", "Proposed", "Published", "DeletionProposed"
LIFECYCLES = (DRAFT, PROPOSED, PUBLISHED, DELETION_PROPOSED)
LATEST_LABEL = "kpt.dev/latest-revision"


class RevisionState(msgspec.Struct, frozen=True, kw_only=True):
    workspace: str
    uid: str
    created: str
    created_by: str
    lifecycle: str
    tasks: tuple[ev.Task, ...]
    resources: dict[str, str]
    revision: int = 0
    labels: dict[str, str] = {}
    annotations: dict[str, str] = {}
    generation: int = 1
    published_by: str = ""
    published_at: str = ""
    synced_commit: str = ""
    synced_ref: str = ""
    sync_error: str = ""


class PackageState(msgspec.Struct, frozen=True, kw_only=True):
    namespace: str
    repository: str
    package: str
    revisions: dict[str, RevisionState] = {}
    highest_revision: int = 0

    def latest_workspace(self) -> str | None:
        """The published (or deletion-proposed) revision with the highest number."""
        best: tuple[int, str] | None = None
        for ws, rev in self.revisions.items():
            counts = rev.lifecycle in (PUBLISHED, DELETION_PROPOSED) and rev.revision > 0
            if counts and (best is None or rev.revision > best[0]):
                best = (rev.revision, ws)
        return best[1] if best else None


def empty(*, namespace: str, repository: str, package: str) -> PackageState:
    return PackageState(namespace=namespace, repository=repository, package=package)


# --- Commands ---------------------------------------------------------------------------


class CreateRevision(msgspec.Struct, frozen=True, kw_only=True):
    meta: CommandMeta
    workspace: str
    uid: str
    lifecycle: str = DRAFT
    tasks: tuple[ev.Task, ...]
    resources: dict[str, str]
    labels: dict[str, str] = {}
    annotations: dict[str, str] = {}


class UpdateResources(msgspec.Struct, frozen=True, kw_only=True):
    meta: CommandMeta
    workspace: str
    resources: dict[str, str]


class UpdateMetadata(msgspec.Struct, frozen=True, kw_only=True):
    meta: CommandMeta
    workspace: str
    labels: dict[str, str]
    annotations: dict[str, str]


class ChangeLifecycle(msgspec.Struct, frozen=True, kw_only=True):
    """A lifecycle change through the main resource (PUT/PATCH packagerevisions/NAME)."""

    meta: CommandMeta
    workspace: str
    lifecycle: str


class ChangeApproval(msgspec.Struct, frozen=True, kw_only=True):
    """A lifecycle change through the ``approval`` subresource."""

    meta: CommandMeta
    workspace: str
    lifecycle: str


class DeleteRevision(msgspec.Struct, frozen=True, kw_only=True):
    meta: CommandMeta
    workspace: str


Command = (
    CreateRevision
    | UpdateResources
    | UpdateMetadata
    | ChangeLifecycle
    | ChangeApproval
    | DeleteRevision
)


def _name(state: PackageState, workspace: str) -> str:
    return names.revision_name(
        repository=state.repository, package=state.package, workspace=workspace
    )


def _existing(state: PackageState, workspace: str) -> RevisionState:
    rev = state.revisions.get(workspace)
    if rev is None:
        raise NotFound(f'packagerevisions.porch.kpt.dev "{_name(state, workspace)}" not found')
    return rev


def decide(state: PackageState, command: Command) -> list[ev.PackageEvent]:
    if isinstance(command, CreateRevision):
        return _create(state, command)
    rev = _existing(state, command.workspace)
    common = event_fields(command.meta)
    ws = command.workspace
    if isinstance(command, UpdateResources):
        if rev.lifecycle != DRAFT:
            raise CommandRejected(
                f"cannot update resources of package revision {_name(state, ws)}: "
                f"lifecycle is {rev.lifecycle}, only Draft revisions may change"
            )
        if command.resources == rev.resources:
            return []
        return [ev.RevisionResourcesUpdated(**common, workspace=ws, resources=command.resources)]
    if isinstance(command, UpdateMetadata):
        _check_labels(state, ws, command.labels, current=rev.labels)
        if (command.labels, command.annotations) == (rev.labels, rev.annotations):
            return []
        return [
            ev.RevisionMetadataUpdated(
                **common, workspace=ws, labels=command.labels, annotations=command.annotations
            )
        ]
    if isinstance(command, ChangeLifecycle):
        return _lifecycle(state, rev, command, common)
    if isinstance(command, ChangeApproval):
        return _approval(state, rev, command, common)
    if rev.lifecycle == PUBLISHED:
        raise Forbidden(
            f"unable to delete package revision {_name(state, ws)}: "
            "Published package revisions must be proposed for deletion prior to deletion"
        )
    return [ev.RevisionDeleted(**common, workspace=ws)]


def _check_labels(
    state: PackageState, ws: str, labels: dict[str, str], *, current: dict[str, str]
) -> None:
    if labels.get(LATEST_LABEL) != current.get(LATEST_LABEL):
        raise Invalid(
            f'PackageRevision.porch.kpt.dev "{_name(state, ws)}" is invalid: '
            f"metadata.labels: the label {LATEST_LABEL} is computed and cannot be set",
            causes=[
                Cause("FieldValueForbidden", "computed label", f"metadata.labels[{LATEST_LABEL}]")
            ],
        )


def _create(state: PackageState, command: CreateRevision) -> list[ev.PackageEvent]:
    ws = command.workspace
    name = _name(state, ws)
    names.require(
        [
            ("spec.packageName", state.package, names.package_path_problem(state.package)),
            ("spec.workspaceName", ws, names.label_problem(ws)),
            ("spec.repository", state.repository, names.label_problem(state.repository)),
            ("metadata.name", name, names.subdomain_problem(name)),
        ],
        kind="PackageRevision.porch.kpt.dev",
        name=name,
    )
    if command.lifecycle != DRAFT:
        raise Invalid(
            f'PackageRevision.porch.kpt.dev "{name}" is invalid: spec.lifecycle: Unsupported '
            f'value: "{command.lifecycle}": new package revisions must be created as Draft',
            causes=[Cause("FieldValueNotSupported", "must be Draft", "spec.lifecycle")],
        )
    if len(command.tasks) > 1:
        raise Invalid(
            f'PackageRevision.porch.kpt.dev "{name}" is invalid: spec.tasks: '
            "task list must not contain more than one task",
            causes=[Cause("FieldValueInvalid", "at most one task", "spec.tasks")],
        )
    _check_labels(state, ws, command.labels, current={})
    if ws in state.revisions:
        raise AlreadyExists(
            f'packagerevisions.porch.kpt.dev "{name}" already exists: workspace name '
            f'"{ws}" must be unique for package "{state.package}" in repository '
            f'"{state.repository}"'
        )
    meta = command.meta
    return [
        ev.RevisionCreated(
            **event_fields(meta),
            namespace=state.namespace,
            repository=state.repository,
            package=state.package,
            workspace=ws,
            uid=command.uid,
            tasks=command.tasks,
            resources=command.resources,
            labels=command.labels,
            annotations=command.annotations,
        )
    ]


def _lifecycle(
    state: PackageState, rev: RevisionState, command: ChangeLifecycle, common: dict[str, Any]
) -> list[ev.PackageEvent]:
    ws, old, new = command.workspace, rev.lifecycle, command.lifecycle
    if new == old:
        return []
    if (old, new) == (DRAFT, PROPOSED):
        return [ev.RevisionProposed(**common, workspace=ws)]
    if (old, new) == (PROPOSED, DRAFT):
        return [ev.RevisionRejected(**common, workspace=ws)]
    if (old, new) == (PUBLISHED, DELETION_PROPOSED):
        return [ev.RevisionDeletionProposed(**common, workspace=ws)]
    if (old, new) == (DELETION_PROPOSED, PUBLISHED):
        return [ev.RevisionDeletionRejected(**common, workspace=ws)]
    if new not in LIFECYCLES:
        raise Invalid(f"spec.lifecycle: Unsupported value: {new!r}")
    raise CommandRejected(
        f"cannot change lifecycle of package revision {_name(state, ws)} from {old} to {new}"
        + ("; use the approval subresource to publish" if new == PUBLISHED else "")
    )


def _approval(
    state: PackageState, rev: RevisionState, command: ChangeApproval, common: dict[str, Any]
) -> list[ev.PackageEvent]:
    ws, old, new = command.workspace, rev.lifecycle, command.lifecycle
    if (old, new) == (PROPOSED, PUBLISHED):
        return [ev.RevisionApproved(**common, workspace=ws, revision=state.highest_revision + 1)]
    if (old, new) == (PROPOSED, DRAFT):
        return [ev.RevisionRejected(**common, workspace=ws)]
    if (old, new) == (PUBLISHED, DELETION_PROPOSED):
        return [ev.RevisionDeletionProposed(**common, workspace=ws)]
    if (old, new) == (DELETION_PROPOSED, PUBLISHED):
        return [ev.RevisionDeletionRejected(**common, workspace=ws)]
    if new == PUBLISHED:
        raise CommandRejected(f"cannot approve package with {old} lifecycle")
    raise CommandRejected(
        f"cannot change approval of package revision {_name(state, ws)} from {old} to {new}"
    )


# --- Evolve -----------------------------------------------------------------------------


def evolve(state: PackageState, event: ev.PackageEvent) -> PackageState:
    if isinstance(event, ev.RevisionCreated):
        rev = RevisionState(
            workspace=event.workspace,
            uid=event.uid,
            created=event.time,
            created_by=event.actor.user,
            lifecycle=DRAFT,
            tasks=event.tasks,
            resources=event.resources,
            labels=event.labels,
            annotations=event.annotations,
        )
        return _put(state, rev)
    found = state.revisions.get(event.workspace)
    if found is None:
        return state  # a fact about a revision deleted meanwhile
    rev = found
    replace = msgspec.structs.replace
    if isinstance(event, ev.RevisionResourcesUpdated):
        return _put(state, replace(rev, resources=event.resources, generation=rev.generation + 1))
    if isinstance(event, ev.RevisionMetadataUpdated):
        return _put(state, replace(rev, labels=event.labels, annotations=event.annotations))
    if isinstance(event, ev.RevisionProposed | ev.RevisionDeletionRejected):
        target = PROPOSED if isinstance(event, ev.RevisionProposed) else PUBLISHED
        return _put(state, replace(rev, lifecycle=target, generation=rev.generation + 1))
    if isinstance(event, ev.RevisionRejected):
        return _put(state, replace(rev, lifecycle=DRAFT, generation=rev.generation + 1))
    if isinstance(event, ev.RevisionApproved):
        published = replace(
            rev,
            lifecycle=PUBLISHED,
            revision=event.revision,
            published_by=event.actor.user,
            published_at=event.time,
            generation=rev.generation + 1,
        )
        state = _put(state, published)
        return replace(state, highest_revision=max(state.highest_revision, event.revision))
    if isinstance(event, ev.RevisionDeletionProposed):
        return _put(state, replace(rev, lifecycle=DELETION_PROPOSED, generation=rev.generation + 1))
    if isinstance(event, ev.RevisionSynced):
        return _put(
            state, replace(rev, synced_commit=event.commit, synced_ref=event.ref, sync_error="")
        )
    if isinstance(event, ev.RevisionSyncFailed):
        return _put(state, replace(rev, sync_error=f"{event.reason}: {event.message}"))
    if isinstance(event, ev.RevisionDeleted):
        remaining = {ws: r for ws, r in state.revisions.items() if ws != event.workspace}
        return msgspec.structs.replace(state, revisions=remaining)
    return state  # Git facts are folded once discovery lands


def _put(state: PackageState, rev: RevisionState) -> PackageState:
    return msgspec.structs.replace(state, revisions={**state.revisions, rev.workspace: rev})


__all__ = [
    "DELETION_PROPOSED",
    "DRAFT",
    "LATEST_LABEL",
    "LIFECYCLES",
    "PROPOSED",
    "PUBLISHED",
    "ChangeApproval",
    "ChangeLifecycle",
    "Command",
    "CreateRevision",
    "DeleteRevision",
    "PackageState",
    "RevisionState",
    "UpdateMetadata",
    "UpdateResources",
    "decide",
    "empty",
    "evolve",
]
