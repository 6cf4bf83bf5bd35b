"""The projection as a pure fold: one event in, the KV writes and work items out.

Keeps every aggregate state in memory (the orchestrator is the single writer, so its
memory is the truth of what the buckets hold) and computes, per event, which API objects
changed. Idempotent: an event whose sequence is not newer than its aggregate's stored
sequence changes nothing, so replays after a crash are harmless. Pure; no I/O.

Per-event cost matters (a cold start folds every event ever appended): a revision object is
rebuilt only when its state (frozen, so compared by identity), its latest flag or the
repository's deployment flag changed, and names and keys are computed once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import msgspec

from porch.domain import events as ev
from porch.domain import objects, packages, repository, snapshots, syncwork, taskwork
from porch.eventlog.subjects import Aggregate, sync_work
from porch.eventlog.subjects import task_work as task_subject
from porch.model import names
from porch.model.names import decode_token

log = logging.getLogger(__name__)

RepoKey = tuple[str, str]
PkgKey = tuple[str, str, str]


@dataclass
class Changes:
    """What one event asks of the buckets and of git-sync."""

    repositories: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    revisions: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    state: dict[str, snapshots.StoredRepository | snapshots.StoredPackage] = field(
        default_factory=dict
    )
    work: list[tuple[str, syncwork.Work]] = field(default_factory=list)  # (subject, work)
    tasks: list[tuple[str, taskwork.RunTask]] = field(default_factory=list)  # for the worker

    @property
    def empty(self) -> bool:
        return not (self.repositories or self.revisions or self.state or self.work or self.tasks)

    def merge(self, later: Changes) -> None:
        """Add the changes of a later event: per key only the last value counts, work
        items keep their order."""
        self.repositories.update(later.repositories)
        self.revisions.update(later.revisions)
        self.state.update(later.state)
        self.work.extend(later.work)
        self.tasks.extend(later.tasks)


@dataclass(frozen=True, slots=True)
class _Rendered:
    """One served revision object and what it was built from."""

    rev: packages.RevisionState
    latest: bool
    deployment: bool
    key: str  # KV key of the object
    obj: dict[str, Any]

    def built_from(self, rev: packages.RevisionState, *, latest: bool, deployment: bool) -> bool:
        # States are frozen and replaced on change, so identity means "unchanged".
        return self.rev is rev and self.latest == latest and self.deployment == deployment


class Projection:
    def __init__(self) -> None:
        self.repos: dict[RepoKey, snapshots.StoredRepository] = {}
        self.packages: dict[PkgKey, snapshots.StoredPackage] = {}
        self._objects: dict[PkgKey, dict[str, _Rendered]] = {}  # by workspace
        self._by_repo: dict[RepoKey, set[PkgKey]] = {}
        self._state_keys: dict[PkgKey, str] = {}
        self._subjects: dict[RepoKey, str] = {}
        self._targets: dict[RepoKey, tuple[repository.RepositoryState, syncwork.Target | None]] = {}

    # --- loading -------------------------------------------------------------------------

    def load(self, stored: dict[str, snapshots.StoredRepository | snapshots.StoredPackage]) -> None:
        """Adopt states read back from the state bucket (a restart)."""
        for state_key, value in stored.items():
            if isinstance(value, snapshots.StoredRepository):
                self.repos[_repo_key(state_key)] = value  # tombstones too: they carry the seq
            else:
                s = value.state
                key = (s.namespace, s.repository, s.package)
                self.packages[key] = value
                self._by_repo.setdefault(key[:2], set()).add(key)
        for key in self.packages:
            self._objects[key] = self._render(key, {})

    def objects(self) -> dict[str, dict[str, Any]]:
        """Every revision object currently projected, by KV key."""
        return {r.key: r.obj for objs in self._objects.values() for r in objs.values()}

    # --- folding -------------------------------------------------------------------------

    def apply(self, *, seq: int, where: Aggregate, event: ev.AnyEvent) -> Changes:
        return self.apply_batch([(seq, where, event)])

    def apply_batch(self, events: Iterable[tuple[int, Aggregate, ev.AnyEvent]]) -> Changes:
        """Fold events in stream order into one set of changes (the last value of each key,
        every work item in order). Each touched package's objects are rendered once, at the
        end; the result equals applying the events one by one and merging the changes."""
        changes = Changes()
        dirty: set[PkgKey] = set()
        for seq, where, event in events:
            if where.is_repository:
                if isinstance(event, ev.RepositoryEvent):
                    self._apply_repository(seq, where, event, changes, dirty)
                    continue
            elif isinstance(event, ev.PackageEvent):
                self._apply_package(seq, where, event, changes, dirty)
                continue
            log.warning(
                "event %d of type %s does not belong on its subject", seq, ev.type_of(event)
            )
        for key in sorted(dirty):
            self._rerender(key, changes)
        return changes

    def _apply_repository(
        self,
        seq: int,
        where: Aggregate,
        event: ev.RepositoryEvent,
        changes: Changes,
        dirty: set[PkgKey],
    ) -> None:
        key = (where.namespace, where.repository)
        stored = self.repos.get(key)
        if stored is not None and seq <= stored.seq:
            return
        before = stored.state if stored else None
        state = before if _stale(event, before) else repository.evolve(before, event)
        new = snapshots.StoredRepository(seq=seq, state=state)
        # The stored seq always moves: writers append expecting it as the subject's last.
        changes.state[snapshots.repository_state_key(*key)] = new
        self.repos[key] = new  # an unregistered repository stays as a tombstone with its seq
        if (
            stored is not None
            and state == stored.state
            and not isinstance(event, ev.RepositoryRegistered | ev.RepositoryUpdated)
        ):
            # A fact that changes nothing (each poll's RepositorySynced) leaves the object
            # alone, as kube-apiserver skips no-op writes: no new resourceVersion, no watch
            # event.
            return
        obj_key = snapshots.object_key(*key)
        if state is None:
            changes.repositories[obj_key] = None
        else:
            changes.repositories[obj_key] = objects.repository_object(state)
            work = _connect_work(state, event)
            if work is not None:
                changes.work.append(work)
        dirty.update(self._by_repo.get(key, ()))

    def _apply_package(
        self,
        seq: int,
        where: Aggregate,
        event: ev.PackageEvent,
        changes: Changes,
        dirty: set[PkgKey],
    ) -> None:
        key = (where.namespace, where.repository, where.package)
        stored = self.packages.get(key)
        if stored is not None and seq <= stored.seq:
            return
        base = (
            stored.state
            if stored
            else packages.empty(namespace=key[0], repository=key[1], package=key[2])
        )
        repo = self.repos.get(key[:2])
        # A stale fact still moves the stored seq: writers append expecting it.
        stale = _stale(event, repo.state if repo else None)
        state = base if stale else packages.evolve(base, event)
        new = snapshots.StoredPackage(seq=seq, state=state)
        if stored is None:
            self._by_repo.setdefault(key[:2], set()).add(key)
        self.packages[key] = new
        state_key = self._state_keys.get(key)
        if state_key is None:
            state_key = self._state_keys[key] = snapshots.package_state_key(*key)
        changes.state[state_key] = new
        dirty.add(key)
        target = self._target(key[:2])
        if target is not None:
            work = git_work(base, state, event, target)
            if work is not None:
                changes.work.append((self._sync_subject(key[:2]), work))
        task = task_work(seq, state, event)
        if task is not None:
            changes.tasks.append((task_subject(key[0], key[1]), task))

    # --- rendering -----------------------------------------------------------------------

    def _sync_subject(self, key: RepoKey) -> str:
        subject = self._subjects.get(key)
        if subject is None:
            subject = self._subjects[key] = _subject(*key)
        return subject

    def _target(self, key: RepoKey) -> syncwork.Target | None:
        repo = self.repos.get(key)
        if repo is None or repo.state is None:
            return None
        cached = self._targets.get(key)
        if cached is None or cached[0] is not repo.state:
            cached = self._targets[key] = (repo.state, _target(repo.state))
        return cached[1]

    def _render(self, key: PkgKey, before: dict[str, _Rendered]) -> dict[str, _Rendered]:
        """The package's revision objects, reusing those whose inputs did not change
        (the same as ``objects.revision_objects``, which the unit tests check)."""
        repo = self.repos.get(key[:2])
        stored = self.packages.get(key)
        if repo is None or repo.state is None or stored is None:
            return {}  # revisions of an unregistered repository are not served
        deployment = bool(repo.state.spec.get("deployment", False))
        pkg = stored.state
        latest_ws = pkg.latest_workspace()
        out: dict[str, _Rendered] = {}
        for ws, rev in pkg.revisions.items():
            latest = ws == latest_ws
            old = before.get(ws)
            if old is not None and old.built_from(rev, latest=latest, deployment=deployment):
                out[ws] = old
                continue
            obj = objects.revision_object(pkg, rev, latest=latest, deployment=deployment)
            if old is not None:
                obj_key = old.key
            else:
                name = names.revision_name(repository=key[1], package=key[2], workspace=ws)
                obj_key = snapshots.object_key(key[0], name)
            out[ws] = _Rendered(rev, latest, deployment, obj_key, obj)
        return out

    def _rerender(self, key: PkgKey, changes: Changes) -> None:
        before = self._objects.get(key, {})
        after = self._render(key, before)
        self._objects[key] = after
        for ws, old in before.items():
            if ws not in after:
                changes.revisions[old.key] = None
        for ws, new in after.items():
            prior = before.get(ws)
            if prior is None or (prior is not new and prior.obj != new.obj):
                changes.revisions[new.key] = new.obj


def _repo_key(state_key: str) -> RepoKey:
    _, ns, name = state_key.split(".")
    return decode_token(ns), decode_token(name)


def _subject(namespace: str, repo: str) -> str:
    return sync_work(namespace, repo)


def _target(state: repository.RepositoryState) -> syncwork.Target | None:
    kind = state.spec.get("type")
    if kind == "oci":
        oci = state.spec.get("oci") or {}
        return syncwork.OciTarget(
            registry=str(oci.get("registry", "")),
            secret_ref=str((oci.get("secretRef") or {}).get("name", "")),
        )
    if kind != "git":
        return None
    git = state.spec.get("git") or {}
    return syncwork.GitTarget(
        url=str(git.get("repo", "")),
        branch=str(git.get("branch", "main")),
        directory=str(git.get("directory", "/")),
        secret_ref=str((git.get("secretRef") or {}).get("name", "")),
        author=str(git.get("author", "")),
        email=str(git.get("email", "")),
        create_branch=bool(git.get("createBranch", False)),
    )


def _stale(event: ev.Event, registration: repository.State) -> bool:
    """A fact git-sync read for an earlier registration of this repository's name."""
    uid = getattr(event, "repository_uid", "")
    return bool(uid) and registration is not None and registration.uid != uid


def _connect_work(
    state: repository.RepositoryState, event: ev.RepositoryEvent
) -> tuple[str, syncwork.Work] | None:
    if not isinstance(event, ev.RepositoryRegistered | ev.RepositoryUpdated):
        return None
    target = _target(state)
    if target is None:
        return None
    work = syncwork.ConnectRepository(
        namespace=state.namespace,
        repository=state.name,
        target=target,
        source_event=event.id,
        repository_uid=state.uid,
    )
    return _subject(state.namespace, state.name), work


# Porch's commit messages per creation task (reference/porch.md §2).
DRAFT_MESSAGES = {
    "init": "Creating new empty revision",
    "clone": "Creating new revision by cloning",
    "edit": "Creating new revision by copying previous revision",
    "upgrade": "Upgrading revision",
}
RENDER_MESSAGE = "Rendering package"


def task_dict(task: ev.Task) -> dict[str, Any]:
    """A task as the API shows it (and as the ``kpt:{json}`` commit line carries it)."""
    out: dict[str, Any] = msgspec.to_builtins(task)
    return out


def _creation_task(rev: packages.RevisionState | None) -> dict[str, Any] | None:
    return task_dict(rev.tasks[0]) if rev is not None and rev.tasks else None


def git_work(
    before: packages.PackageState,
    after: packages.PackageState,
    event: ev.PackageEvent,
    target: syncwork.Target,
) -> syncwork.Work | None:
    """The Git (or OCI) effect of a package event, if any. Facts read from Git
    (``RevisionDiscovered``/``RevisionRemoved``) and git-sync's own reports cause none."""
    pkg = after
    common: dict[str, Any] = {
        "namespace": pkg.namespace,
        "repository": pkg.repository,
        "package": pkg.package,
        "target": target,
        "source_event": event.id,
    }
    if isinstance(event, ev.RevisionCreated | ev.RevisionResourcesUpdated):
        rev = after.revisions.get(event.workspace)
        if rev is None:
            return None  # the fold did not accept it (e.g. an answer to a withdrawn request)
        if isinstance(event, ev.RevisionCreated):
            task = _creation_task(rev)
            message = DRAFT_MESSAGES.get(str((task or {}).get("type")), DRAFT_MESSAGES["init"])
        else:
            task, message = {"type": "render"}, RENDER_MESSAGE
        return syncwork.WriteDraft(
            **common,
            workspace=event.workspace,
            lifecycle=rev.lifecycle,
            resources=event.resources,
            author=event.actor.user,
            time=event.time,
            message=message,
            task=task,
        )
    if isinstance(event, ev.RevisionProposed | ev.RevisionRejected):
        to = packages.PROPOSED if isinstance(event, ev.RevisionProposed) else packages.DRAFT
        return syncwork.MoveRevision(**common, workspace=event.workspace, to_lifecycle=to)
    if isinstance(event, ev.RevisionApproved):
        rev = after.revisions.get(event.workspace)
        if rev is None:
            return None
        return syncwork.PublishRevision(
            **common,
            workspace=event.workspace,
            revision=event.revision,
            resources=rev.resources,
            author=event.actor.user,
            time=event.time,
            task=_creation_task(rev),
        )
    if isinstance(event, ev.RevisionDeletionProposed | ev.RevisionDeletionRejected):
        rev = after.revisions.get(event.workspace)
        if rev is None:
            return None
        return syncwork.MarkDeletion(
            **common,
            workspace=event.workspace,
            revision=rev.revision,
            proposed=isinstance(event, ev.RevisionDeletionProposed),
        )
    if isinstance(event, ev.RevisionDeleted | ev.RevisionMetadataUpdated):
        # A delete, or the last finalizer removed from a revision being deleted.
        gone = before.revisions.get(event.workspace)
        if gone is None or event.workspace in after.revisions:
            return None
        return syncwork.DeleteRevision(
            **common,
            workspace=event.workspace,
            lifecycle=gone.lifecycle,
            revision=gone.revision,
            author=event.actor.user,
            time=event.time,
        )
    return None


def task_work(
    seq: int, after: packages.PackageState, event: ev.PackageEvent
) -> taskwork.RunTask | None:
    """Work for the task worker: a creation request the fold accepted as pending, or
    resources submitted to a Draft (and recorded as its pending submission)."""
    if isinstance(event, ev.RevisionCreationRequested):
        pending = after.pending.get(event.workspace)
        if pending is None or pending.command_id != event.command_id:
            return None
    elif isinstance(event, ev.RevisionResourcesSubmitted):
        rev = after.revisions.get(event.workspace)
        if rev is None or rev.pending_submission != event.command_id:
            return None
    else:
        return None
    return taskwork.RunTask(
        namespace=after.namespace,
        repository=after.repository,
        package=after.package,
        workspace=event.workspace,
        request=event,
        request_seq=seq,
        source_event=event.id,
    )


__all__ = [
    "DRAFT_MESSAGES",
    "RENDER_MESSAGE",
    "Changes",
    "Projection",
    "git_work",
    "task_dict",
    "task_work",
]
