"""The Package aggregate: every revision of one package, one consistency boundary.

Package-wide rules need all revisions at once: unique workspace names, the next revision
number on approval, exactly one latest published revision. Events are stored per revision
subject, but every append is checked against the package's wildcard subject, so the whole
package is the unit of optimistic concurrency (reference/eventstore.md §1.2).

Creation and resource updates are two-step: the API's command reserves (a pending
creation, a pending submission) and the orchestrator answers with the outcome event under
the same command id. Rules that need more than this package (no nested packages, "is
another revision's upstream", the revisions a task reads) are resolved by the caller from
its read model and passed in the command, so ``decide`` stays pure.

Revision numbers never decrease, even after the latest one is deleted: a tag ``P/vN`` is
never reused, which keeps GitOps tools that cached it honest.

Pure; no I/O.
"""

from __future__ import annotations

import uuid
from typing import Any

import msgspec

from porch.domain import events as ev
from porch.domain.common import CommandMeta, event_fields
from porch.errors import (
    AlreadyExists,
    Cause,
    CommandRejected,
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
)
from porch.model import names

DRAFT, PROPOSED, PUBLISHED, DELETION_PROPOSED = "Draft", "Proposed", "Published", "DeletionProposed"
LIFECYCLES = (DRAFT, PROPOSED, PUBLISHED, DELETION_PROPOSED)
LATEST_LABEL = "kpt.dev/latest-revision"
PLACEHOLDER = -1  # the revision that tracks the registered branch
TASK_TYPES = ("init", "clone", "edit", "upgrade")
_KIND = "PackageRevision.porch.kpt.dev"


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
    render_status: dict[str, Any] | None = None
    kptfile: dict[str, Any] | None = None  # objects.kptfile_summary of the Kptfile
    finalizers: tuple[str, ...] = ()
    owner_references: tuple[dict[str, Any], ...] = ()
    deletion_timestamp: str = ""
    pending_submission: str = ""  # command id of resources submitted, not yet rendered


class PendingCreation(msgspec.Struct, frozen=True, kw_only=True):
    """A requested creation with no outcome yet: holds the workspace, is not served."""

    workspace: str
    command_id: str
    uid: str
    requested: str
    requested_by: str


class PackageState(msgspec.Struct, frozen=True, kw_only=True):
    namespace: str
    repository: str
    package: str
    revisions: dict[str, RevisionState] = {}
    highest_revision: int = 0
    pending: dict[str, PendingCreation] = {}
    # Workspaces deleted through the API -> the commits Porch had written for them, until
    # Git no longer has the ref: a discovery pass that listed the ref before git-sync
    # removed it must not bring the revision back.
    deleted: dict[str, tuple[str, ...]] = {}

    def latest_workspace(self) -> str | None:
        """The published (or deletion-proposed) revision with the highest number."""
        best: tuple[int, str] | None = None
        for ws, rev in self.revisions.items():
            counts = rev.lifecycle in (PUBLISHED, DELETION_PROPOSED) and rev.revision > 0
            if counts and (best is None or rev.revision > best[0]):
                best = (rev.revision, ws)
        return best[1] if best else None

    def by_name(self, name: str) -> RevisionState | None:
        for ws, rev in self.revisions.items():
            if (
                names.revision_name(repository=self.repository, package=self.package, workspace=ws)
                == name
            ):
                return rev
        return None


def empty(*, namespace: str, repository: str, package: str) -> PackageState:
    return PackageState(namespace=namespace, repository=repository, package=package)


# --- Commands ---------------------------------------------------------------------------


class SourceRevision(msgspec.Struct, frozen=True, kw_only=True):
    """A revision a creation task reads, as the caller found it in its read model."""

    name: str
    repository: str
    package: str
    revision: int
    lifecycle: str


class CreateRevision(msgspec.Struct, frozen=True, kw_only=True):
    """Request a new revision. ``sources`` maps a role (``upstream`` for clone, ``source``
    for edit, ``oldUpstream``/``newUpstream``/``local`` for upgrade) to the revision the
    caller resolved; ``other_packages`` lists the repository's other package paths."""

    meta: CommandMeta
    workspace: str
    uid: str
    lifecycle: str = DRAFT
    tasks: tuple[ev.Task, ...] = ()
    inputs: dict[str, Any] = {}
    deployment: bool = False
    labels: dict[str, str] = {}
    annotations: dict[str, str] = {}
    sources: dict[str, SourceRevision] = {}
    other_packages: tuple[str, ...] = ()


class UpdateResources(msgspec.Struct, frozen=True, kw_only=True):
    meta: CommandMeta
    workspace: str
    resources: dict[str, str]
    push_on_render_failure: bool = False


class UpdateMetadata(msgspec.Struct, frozen=True, kw_only=True):
    meta: CommandMeta
    workspace: str
    labels: dict[str, str]
    annotations: dict[str, str]
    finalizers: tuple[str, ...] | None = None  # None: keep the current ones
    owner_references: tuple[dict[str, Any], ...] | None = None


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
    """``upstream_of``: names of revisions (any package) whose task reads this one."""

    meta: CommandMeta
    workspace: str
    upstream_of: tuple[str, ...] = ()


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
        return _update_resources(state, rev, command, common)
    if isinstance(command, UpdateMetadata):
        return _update_metadata(state, rev, command, common)
    if isinstance(command, ChangeLifecycle | ChangeApproval):
        if rev.pending_submission:
            raise _busy(state, ws)
        if isinstance(command, ChangeLifecycle):
            return _lifecycle(state, rev, command, common)
        return _approval(state, rev, command, common)
    return _delete(state, rev, command, common)


def _busy(state: PackageState, ws: str) -> Conflict:
    return Conflict(
        f'Operation cannot be fulfilled on packagerevisions.porch.kpt.dev "{_name(state, ws)}": '
        "a resource update is still being rendered; try again"
    )


def _check_labels(
    state: PackageState, ws: str, labels: dict[str, str], *, current: dict[str, str]
) -> None:
    if labels.get(LATEST_LABEL) != current.get(LATEST_LABEL):
        raise Invalid(
            f'{_KIND} "{_name(state, ws)}" is invalid: '
            f"metadata.labels: the label {LATEST_LABEL} is computed and cannot be set",
            causes=[
                Cause("FieldValueForbidden", "computed label", f"metadata.labels[{LATEST_LABEL}]")
            ],
        )


# --- create -----------------------------------------------------------------------------


def default_task(package: str) -> ev.Task:
    """What Porch adds when a create names no task."""
    return ev.Task(type="init", init={"description": f"{package} description"})


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
        kind=_KIND,
        name=name,
    )
    if command.lifecycle != DRAFT:
        raise Invalid(
            f'{_KIND} "{name}" is invalid: spec.lifecycle: Unsupported '
            f'value: "{command.lifecycle}": new package revisions must be created as Draft',
            causes=[Cause("FieldValueNotSupported", "must be Draft", "spec.lifecycle")],
        )
    if len(command.tasks) > 1:
        raise Invalid(
            f'{_KIND} "{name}" is invalid: spec.tasks: '
            "task list must not contain more than one task",
            causes=[Cause("FieldValueInvalid", "at most one task", "spec.tasks")],
        )
    tasks = command.tasks or (default_task(state.package),)
    _check_labels(state, ws, command.labels, current={})
    if ws in state.revisions or ws in state.pending:
        raise AlreadyExists(
            f'packagerevisions.porch.kpt.dev "{name}" already exists: workspace name '
            f'"{ws}" must be unique for package "{state.package}" in repository '
            f'"{state.repository}"'
        )
    _check_not_nested(state, name, command.other_packages)
    _check_task(state, name, tasks[0], command.sources)
    return [
        ev.RevisionCreationRequested(
            **event_fields(command.meta),
            namespace=state.namespace,
            repository=state.repository,
            package=state.package,
            workspace=ws,
            uid=command.uid,
            tasks=tasks,
            inputs=command.inputs,
            deployment=command.deployment,
            labels=command.labels,
            annotations=command.annotations,
        )
    ]


def _check_not_nested(state: PackageState, name: str, others: tuple[str, ...]) -> None:
    mine = state.package
    for other in others:
        if other == mine:
            continue
        if mine.startswith(other + "/") or other.startswith(mine + "/"):
            inside = mine.startswith(other + "/")
            raise Invalid(
                f'{_KIND} "{name}" is invalid: spec.packageName: Invalid value: "{mine}": '
                + (
                    f'cannot create a package inside package "{other}"'
                    if inside
                    else f'cannot create a package that contains package "{other}"'
                )
                + f' in repository "{state.repository}"',
                causes=[Cause("FieldValueInvalid", "nested package", "spec.packageName")],
            )


def task_payload(task: ev.Task) -> dict[str, Any]:
    value = getattr(task, task.type, None) if task.type in TASK_TYPES else None
    return value if isinstance(value, dict) else {}


def _ref_name(payload: dict[str, Any], key: str) -> str:
    ref = payload.get(key)
    return str(ref.get("name") or "") if isinstance(ref, dict) else ""


def clone_upstream_name(task: ev.Task) -> str:
    """The registered revision a clone reads (``clone.upstreamRef.upstreamRef.name``), or ''."""
    up = task_payload(task).get("upstreamRef") if task.type == "clone" else None
    return _ref_name(up, "upstreamRef") if isinstance(up, dict) else ""


def upstream_names(task: ev.Task) -> tuple[str, ...]:
    """Names of the registered revisions a task was made from (their delete is refused)."""
    if task.type == "clone":
        found = clone_upstream_name(task)
    elif task.type == "upgrade":
        found = _ref_name(task_payload(task), "newUpstreamRef")
    else:
        found = ""
    return (found,) if found else ()


def _check_task(
    state: PackageState, name: str, task: ev.Task, sources: dict[str, SourceRevision]
) -> None:
    if task.type not in TASK_TYPES:
        raise Invalid(
            f'{_KIND} "{name}" is invalid: spec.tasks[0].type: Unsupported value: '
            f'"{task.type}": supported values: "init", "clone", "edit", "upgrade"',
            causes=[Cause("FieldValueNotSupported", "unknown task type", "spec.tasks[0].type")],
        )
    if task.type == "clone":
        if state.revisions or state.pending:
            raise CommandRejected(
                f"`clone` cannot create a new revision for package {state.package!r} that "
                f"already exists in repo {state.repository!r}; make subsequent revisions "
                "using `copy`"
            )
        if clone_upstream_name(task):
            up = _source(
                sources,
                "upstream",
                "clone",
                {"upstreamRef": {"name": clone_upstream_name(task)}},
                "upstreamRef",
            )
            _check_published(up, role="upstream", task="clone")
    elif task.type == "edit":
        src = _source(sources, "source", "edit", task_payload(task), "sourceRef")
        if (src.repository, src.package) != (state.repository, state.package):
            raise CommandRejected(
                f"source revision {src.name!r} must be from the same package "
                f"{state.package!r} in repository {state.repository!r}"
            )
        _check_published(src, role="source", task="edit")
    elif task.type == "upgrade":
        payload = task_payload(task)
        for role, key in (
            ("oldUpstream", "oldUpstreamRef"),
            ("newUpstream", "newUpstreamRef"),
            ("local", "localPackageRevisionRef"),
        ):
            _check_published(
                _source(sources, role, "upgrade", payload, key), role=role, task="upgrade"
            )


def _source(
    sources: dict[str, SourceRevision], role: str, task: str, payload: dict[str, Any], key: str
) -> SourceRevision:
    found = sources.get(role)
    if found is None:
        ref = _ref_name(payload, key)
        if not ref:
            raise Invalid(
                f"spec.tasks[0].{task}.{key}.name: Required value",
                causes=[
                    Cause(
                        "FieldValueRequired", "Required value", f"spec.tasks[0].{task}.{key}.name"
                    )
                ],
            )
        raise NotFound(f'packagerevisions.porch.kpt.dev "{ref}" not found')
    return found


def _check_published(src: SourceRevision, *, role: str, task: str) -> None:
    if src.revision == PLACEHOLDER:
        raise CommandRejected(
            f"cannot {task} from {src.name}: it is the placeholder revision that tracks a "
            "branch; use a published revision"
        )
    if src.lifecycle not in (PUBLISHED, DELETION_PROPOSED):
        raise CommandRejected(
            f"cannot {task} from {src.name}: the {role} revision must be published "
            f"(its lifecycle is {src.lifecycle})"
        )


# --- resources, metadata, lifecycle, delete ----------------------------------------------


def _update_resources(
    state: PackageState, rev: RevisionState, command: UpdateResources, common: dict[str, Any]
) -> list[ev.PackageEvent]:
    ws = command.workspace
    if rev.lifecycle != DRAFT:
        raise CommandRejected(
            f"cannot update resources of package revision {_name(state, ws)}: "
            f"lifecycle is {rev.lifecycle}, only Draft revisions may change"
        )
    if rev.pending_submission:
        raise _busy(state, ws)
    if command.resources == rev.resources:
        return []
    return [
        ev.RevisionResourcesSubmitted(
            **common,
            workspace=ws,
            resources=command.resources,
            push_on_render_failure=command.push_on_render_failure,
        )
    ]


def _update_metadata(
    state: PackageState, rev: RevisionState, command: UpdateMetadata, common: dict[str, Any]
) -> list[ev.PackageEvent]:
    ws = command.workspace
    _check_labels(state, ws, command.labels, current=rev.labels)
    finalizers = rev.finalizers if command.finalizers is None else command.finalizers
    owners = rev.owner_references if command.owner_references is None else command.owner_references
    added = set(finalizers) - set(rev.finalizers)
    if rev.deletion_timestamp and added:
        raise Forbidden(
            f'{_KIND} "{_name(state, ws)}" is forbidden: no new finalizers can be added if '
            "the object is being deleted, found new finalizers " + str(sorted(added))
        )
    new = (command.labels, command.annotations, tuple(finalizers), tuple(owners))
    if new == (rev.labels, rev.annotations, rev.finalizers, rev.owner_references):
        return []
    return [
        ev.RevisionMetadataUpdated(
            **common,
            workspace=ws,
            labels=command.labels,
            annotations=command.annotations,
            finalizers=tuple(finalizers),
            owner_references=tuple(owners),
        )
    ]


def _delete(
    state: PackageState, rev: RevisionState, command: DeleteRevision, common: dict[str, Any]
) -> list[ev.PackageEvent]:
    ws = command.workspace
    if rev.lifecycle == PUBLISHED:
        raise Forbidden(
            f'packagerevisions.porch.kpt.dev "{_name(state, ws)}" is forbidden: published '
            "PackageRevisions must be proposed for deletion by setting spec.lifecycle to "
            "'DeletionProposed' prior to deletion"
        )
    if command.upstream_of:
        raise Forbidden(
            f"unable to delete package revision {_name(state, ws)}: it is the upstream of "
            + ", ".join(sorted(command.upstream_of))
        )
    if rev.deletion_timestamp:
        return []  # already being deleted; the finalizers decide when it goes
    if rev.finalizers:
        return [ev.RevisionDeletionStarted(**common, workspace=ws)]
    return [ev.RevisionDeleted(**common, workspace=ws)]


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

_replace = msgspec.structs.replace
_DISCOVERED_UID = uuid.UUID("3d7e1f0a-58c2-4a8e-9a43-7f0d2b6c9e15")


def evolve(state: PackageState, event: ev.PackageEvent) -> PackageState:
    if isinstance(event, ev.RevisionCreationRequested):
        pending = PendingCreation(
            workspace=event.workspace,
            command_id=event.command_id,
            uid=event.uid,
            requested=event.time,
            requested_by=event.actor.user,
        )
        return _replace(state, pending={**state.pending, event.workspace: pending})
    if isinstance(event, ev.RevisionCreated):
        return _created(state, event)
    if isinstance(event, ev.RevisionCreationFailed):
        return _release(state, event.workspace, event.command_id)
    if isinstance(event, ev.RevisionDiscovered):
        return _discovered(state, event)
    found = state.revisions.get(event.workspace)
    if found is None:
        return _after_deletion(state, event)  # a fact about a revision deleted meanwhile
    rev = found
    if isinstance(event, ev.RevisionResourcesSubmitted):
        return _put(state, _replace(rev, pending_submission=event.command_id))
    if isinstance(event, ev.RevisionResourcesUpdated):
        kptfile = event.kptfile if event.kptfile is not None else rev.kptfile
        updated = _replace(
            rev,
            resources=event.resources,
            render_status=event.render_status,
            kptfile=kptfile,
            pending_submission=_settled(rev, event.command_id),
            generation=rev.generation + (event.resources != rev.resources),
        )
        return _put(state, updated)
    if isinstance(event, ev.RevisionResourcesRejected):
        return _put(state, _replace(rev, pending_submission=_settled(rev, event.command_id)))
    if isinstance(event, ev.RevisionMetadataUpdated):
        if rev.deletion_timestamp and not event.finalizers:
            return _remove(state, rev.workspace)  # the last finalizer went: delete completes
        return _put(
            state,
            _replace(
                rev,
                labels=event.labels,
                annotations=event.annotations,
                finalizers=event.finalizers,
                owner_references=event.owner_references,
            ),
        )
    if isinstance(event, ev.RevisionDeletionStarted):
        return _put(state, _replace(rev, deletion_timestamp=rev.deletion_timestamp or event.time))
    if isinstance(event, ev.RevisionProposed | ev.RevisionDeletionRejected):
        target = PROPOSED if isinstance(event, ev.RevisionProposed) else PUBLISHED
        return _put(state, _replace(rev, lifecycle=target, generation=rev.generation + 1))
    if isinstance(event, ev.RevisionRejected):
        return _put(state, _replace(rev, lifecycle=DRAFT, generation=rev.generation + 1))
    if isinstance(event, ev.RevisionApproved):
        published = _replace(
            rev,
            lifecycle=PUBLISHED,
            revision=event.revision,
            published_by=event.actor.user,
            published_at=event.time,
            generation=rev.generation + 1,
        )
        state = _put(state, published)
        return _replace(state, highest_revision=max(state.highest_revision, event.revision))
    if isinstance(event, ev.RevisionDeletionProposed):
        return _put(
            state, _replace(rev, lifecycle=DELETION_PROPOSED, generation=rev.generation + 1)
        )
    if isinstance(event, ev.RevisionSynced):
        return _put(
            state, _replace(rev, synced_commit=event.commit, synced_ref=event.ref, sync_error="")
        )
    if isinstance(event, ev.RevisionSyncFailed):
        return _put(state, _replace(rev, sync_error=f"{event.reason}: {event.message}"))
    if isinstance(event, ev.RevisionRemoved):
        if rev.synced_ref and rev.synced_ref != event.ref:
            return state  # an old ref went (e.g. the draft branch after approval)
        return _remove(state, rev.workspace)
    if isinstance(event, ev.RevisionDeleted):
        commits = tuple(c for c in (rev.synced_commit,) if c)
        tombstones = {**state.deleted, event.workspace: commits}
        return _replace(_remove(state, event.workspace), deleted=tombstones)
    return state


def _after_deletion(state: PackageState, event: ev.PackageEvent) -> PackageState:
    """A write that reached Git after its revision was deleted is remembered as ours; once
    the ref is gone from Git the workspace is free for what Git shows next."""
    tomb = state.deleted.get(event.workspace)
    if tomb is None:
        return state
    if isinstance(event, ev.RevisionSynced) and event.commit and event.commit not in tomb:
        return _replace(state, deleted={**state.deleted, event.workspace: (*tomb, event.commit)})
    if isinstance(event, ev.RevisionRemoved):
        return _untomb(state, event.workspace)
    return state


def _untomb(state: PackageState, workspace: str) -> PackageState:
    if workspace not in state.deleted:
        return state
    return _replace(state, deleted={w: c for w, c in state.deleted.items() if w != workspace})


def _settled(rev: RevisionState, command_id: str) -> str:
    return "" if rev.pending_submission in ("", command_id) else rev.pending_submission


def _created(state: PackageState, event: ev.RevisionCreated) -> PackageState:
    pending = state.pending.get(event.workspace)
    if pending is not None and pending.command_id != event.command_id:
        return state  # an outcome for a request that no longer holds the workspace
    if pending is None and event.workspace in state.revisions:
        return state
    # No request at all: a history written before creation requests existed; adopted.
    rev = RevisionState(
        workspace=event.workspace,
        uid=pending.uid if pending else event.uid,
        created=pending.requested if pending else event.time,
        created_by=pending.requested_by if pending else event.actor.user,
        lifecycle=DRAFT,
        tasks=event.tasks,
        resources=event.resources,
        labels=event.labels,
        annotations=event.annotations,
        render_status=event.render_status,
        kptfile=event.kptfile,
    )
    return _put(_release(state, event.workspace, event.command_id), rev)


def _release(state: PackageState, workspace: str, command_id: str) -> PackageState:
    pending = state.pending.get(workspace)
    if pending is None or pending.command_id != command_id:
        return state
    rest = {ws: p for ws, p in state.pending.items() if ws != workspace}
    return _replace(state, pending=rest)


def _discovered(state: PackageState, event: ev.RevisionDiscovered) -> PackageState:
    highest = max(state.highest_revision, event.revision)
    if event.workspace in state.pending:
        return _replace(state, highest_revision=highest)  # our own creation is on its way
    if event.commit in state.deleted.get(event.workspace, ()):
        return _replace(state, highest_revision=highest)  # deleted; git-sync removes it
    state = _untomb(state, event.workspace)  # something else is there now
    known = state.revisions.get(event.workspace)
    if known is not None and known.synced_commit == event.commit:
        return _replace(state, highest_revision=highest)  # what we wrote ourselves
    published = event.lifecycle in (PUBLISHED, DELETION_PROPOSED) and event.revision > 0
    if known is None:
        rev = RevisionState(
            workspace=event.workspace,
            uid=str(uuid.uuid5(_DISCOVERED_UID, event.id)),
            created=event.authored or event.time,
            created_by=event.author,
            lifecycle=event.lifecycle,
            tasks=event.tasks[:1],
            resources=event.resources,
            revision=event.revision,
            published_by=event.author if published else "",
            published_at=(event.authored or event.time) if published else "",
            synced_commit=event.commit,
            synced_ref=event.ref,
            kptfile=event.kptfile,
        )
    else:
        rev = _replace(
            known,
            lifecycle=event.lifecycle,
            revision=event.revision,
            resources=event.resources,
            kptfile=event.kptfile if event.kptfile is not None else known.kptfile,
            synced_commit=event.commit,
            synced_ref=event.ref,
            generation=known.generation + 1,
        )
    return _replace(_put(state, rev), highest_revision=highest)


def _put(state: PackageState, rev: RevisionState) -> PackageState:
    return _replace(state, revisions={**state.revisions, rev.workspace: rev})


def _remove(state: PackageState, workspace: str) -> PackageState:
    remaining = {ws: r for ws, r in state.revisions.items() if ws != workspace}
    return _replace(state, revisions=remaining)


__all__ = [
    "DELETION_PROPOSED",
    "DRAFT",
    "LATEST_LABEL",
    "LIFECYCLES",
    "PLACEHOLDER",
    "PROPOSED",
    "PUBLISHED",
    "TASK_TYPES",
    "ChangeApproval",
    "ChangeLifecycle",
    "Command",
    "CreateRevision",
    "DeleteRevision",
    "PackageState",
    "PendingCreation",
    "RevisionState",
    "SourceRevision",
    "UpdateMetadata",
    "UpdateResources",
    "clone_upstream_name",
    "decide",
    "default_task",
    "empty",
    "evolve",
    "task_payload",
    "upstream_names",
]
