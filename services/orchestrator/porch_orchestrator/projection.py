"""The projection as a pure fold: one event in, the KV writes and work items out.

Keeps every aggregate state in memory (the orchestrator is the single writer, so its
memory is the truth of what the buckets hold) and computes, per event, which API objects
changed. Idempotent: an event whose sequence is not newer than its aggregate's stored
sequence changes nothing, so replays after a crash are harmless. Pure; no I/O.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from porch.domain import events as ev
from porch.domain import objects, packages, repository, snapshots, syncwork
from porch.eventlog.subjects import Aggregate, sync_work
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

    @property
    def empty(self) -> bool:
        return not (self.repositories or self.revisions or self.state or self.work)


class Projection:
    def __init__(self) -> None:
        self.repos: dict[RepoKey, snapshots.StoredRepository] = {}
        self.packages: dict[PkgKey, snapshots.StoredPackage] = {}
        self._objects: dict[PkgKey, dict[str, dict[str, Any]]] = {}

    # --- loading -------------------------------------------------------------------------

    def load(self, stored: dict[str, snapshots.StoredRepository | snapshots.StoredPackage]) -> None:
        """Adopt states read back from the state bucket (a restart)."""
        for state_key, value in stored.items():
            if isinstance(value, snapshots.StoredRepository):
                self.repos[_repo_key(state_key)] = value  # tombstones too: they carry the seq
            else:
                s = value.state
                self.packages[(s.namespace, s.repository, s.package)] = value
        for key in self.packages:
            self._objects[key] = self._render(key)

    def objects(self) -> dict[str, dict[str, Any]]:
        """Every revision object currently projected, by KV key."""
        out: dict[str, dict[str, Any]] = {}
        for (ns, _, _), objs in self._objects.items():
            for name, obj in objs.items():
                out[snapshots.object_key(ns, name)] = obj
        return out

    # --- folding -------------------------------------------------------------------------

    def apply(self, *, seq: int, where: Aggregate, event: ev.AnyEvent) -> Changes:
        if where.is_repository:
            if isinstance(event, ev.RepositoryEvent):
                return self._apply_repository(seq, where, event)
        elif isinstance(event, ev.PackageEvent):
            return self._apply_package(seq, where, event)
        log.warning("event %d of type %s does not belong on its subject", seq, ev.type_of(event))
        return Changes()

    def _apply_repository(self, seq: int, where: Aggregate, event: ev.RepositoryEvent) -> Changes:
        key = (where.namespace, where.repository)
        stored = self.repos.get(key)
        if stored is not None and seq <= stored.seq:
            return Changes()
        state = repository.evolve(stored.state if stored else None, event)
        new = snapshots.StoredRepository(seq=seq, state=state)
        changes = Changes()
        changes.state[snapshots.repository_state_key(*key)] = new
        obj_key = snapshots.object_key(*key)
        self.repos[key] = new  # an unregistered repository stays as a tombstone with its seq
        if state is None:
            changes.repositories[obj_key] = None
        else:
            changes.repositories[obj_key] = objects.repository_object(state)
            work = _connect_work(state, event)
            if work is not None:
                changes.work.append(work)
        for pkg_key in [k for k in self.packages if k[:2] == key]:
            self._rerender(pkg_key, changes)
        return changes

    def _apply_package(self, seq: int, where: Aggregate, event: ev.PackageEvent) -> Changes:
        key = (where.namespace, where.repository, where.package)
        stored = self.packages.get(key)
        if stored is not None and seq <= stored.seq:
            return Changes()
        base = (
            stored.state
            if stored
            else packages.empty(namespace=key[0], repository=key[1], package=key[2])
        )
        state = packages.evolve(base, event)
        new = snapshots.StoredPackage(seq=seq, state=state)
        self.packages[key] = new
        changes = Changes()
        changes.state[snapshots.package_state_key(*key)] = new
        self._rerender(key, changes)
        work = self._publish_work(state, event)
        if work is not None:
            changes.work.append(work)
        return changes

    # --- rendering -----------------------------------------------------------------------

    def _render(self, key: PkgKey) -> dict[str, dict[str, Any]]:
        repo = self.repos.get(key[:2])
        stored = self.packages.get(key)
        if repo is None or repo.state is None or stored is None:
            return {}  # revisions of an unregistered repository are not served
        deployment = bool(repo.state.spec.get("deployment", False))
        return objects.revision_objects(stored.state, deployment=deployment)

    def _rerender(self, key: PkgKey, changes: Changes) -> None:
        before = self._objects.get(key, {})
        after = self._render(key)
        self._objects[key] = after
        for name in before.keys() - after.keys():
            changes.revisions[snapshots.object_key(key[0], name)] = None
        for name, obj in after.items():
            if before.get(name) != obj:
                changes.revisions[snapshots.object_key(key[0], name)] = obj

    def _publish_work(
        self, state: packages.PackageState, event: ev.PackageEvent
    ) -> tuple[str, syncwork.Work] | None:
        if not isinstance(event, ev.RevisionApproved):
            return None
        repo = self.repos.get((state.namespace, state.repository))
        rev = state.revisions.get(event.workspace)
        if repo is None or repo.state is None or rev is None:
            return None
        target = _git_target(repo.state)
        if target is None:
            return None
        work = syncwork.PublishRevision(
            namespace=state.namespace,
            repository=state.repository,
            package=state.package,
            workspace=event.workspace,
            revision=event.revision,
            resources=rev.resources,
            target=target,
            author=event.actor.user,
            time=event.time,
            source_event=event.id,
        )
        return _subject(state.namespace, state.repository), work


def _repo_key(state_key: str) -> RepoKey:
    _, ns, name = state_key.split(".")
    return decode_token(ns), decode_token(name)


def _subject(namespace: str, repo: str) -> str:
    return sync_work(namespace, repo)


def _git_target(state: repository.RepositoryState) -> syncwork.GitTarget | None:
    if state.spec.get("type") != "git":
        return None
    git = state.spec.get("git") or {}
    return syncwork.GitTarget(
        url=str(git.get("repo", "")),
        branch=str(git.get("branch", "main")),
        directory=str(git.get("directory", "/")),
        secret_ref=str((git.get("secretRef") or {}).get("name", "")),
        author=str(git.get("author", "")),
        email=str(git.get("email", "")),
    )


def _connect_work(
    state: repository.RepositoryState, event: ev.RepositoryEvent
) -> tuple[str, syncwork.Work] | None:
    if not isinstance(event, ev.RepositoryRegistered | ev.RepositoryUpdated):
        return None
    target = _git_target(state)
    if target is None:
        return None
    work = syncwork.ConnectRepository(
        namespace=state.namespace, repository=state.name, target=target, source_event=event.id
    )
    return _subject(state.namespace, state.name), work


__all__ = ["Changes", "Projection"]
