"""What a command needs from beyond its own package, read from the mirror.

The package is the consistency boundary, so rules that look at other packages (the
revisions a task reads, nested package paths, "is another revision's upstream") are
resolved here from the read model and passed into the command; ``decide`` stays pure.

``inputs`` of a creation request, by role (``upstream`` for clone, ``source`` for edit,
``oldUpstream``/``newUpstream``/``local`` for upgrade)::

    {"name", "repository", "package", "workspace", "revision", "lifecycle",
     "resources": {path: sha256},            # the files, in the blob store
     "git": {"repo", "branch", "directory", "secretRef"} | None,  # its repository (no secrets)
     "lock": {"type": "git", "git": {"repo", "directory", "ref", "commit"}} | None}

The shape is ``porch.domain.taskwork.RevisionInput`` (extra keys are ignored there);
``lock`` (``taskwork.git_lock``) is what the new Kptfile's ``upstreamLock`` records, None
until git-sync has written the published revision.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import Any

from porch.domain import events as ev
from porch.domain import packages, snapshots, taskwork
from porch_apiserver import translating
from porch_apiserver.mirror import Mirror

Json = dict[str, Any]


@dataclass(frozen=True)
class Resolved:
    sources: dict[str, packages.SourceRevision] = field(default_factory=dict)
    inputs: dict[str, Any] = field(default_factory=dict)


def resolve(mirror: Mirror, namespace: str, task: ev.Task | None) -> Resolved:
    """The registered revisions ``task`` reads; unknown names are left out (the domain
    answers NotFound for them)."""
    if task is None:
        return Resolved()
    out = Resolved()
    for role, name in translating.ref_names(task).items():
        found = _revision(mirror, namespace, name)
        if found is None:
            continue
        obj, rev = found
        spec = obj["spec"]
        out.sources[role] = packages.SourceRevision(
            name=name,
            repository=spec["repository"],
            package=spec["packageName"],
            revision=int(spec["revision"]),
            lifecycle=spec["lifecycle"],
        )
        out.inputs[role] = _input(mirror, namespace, obj, rev)
    return out


def _revision(
    mirror: Mirror, namespace: str, name: str
) -> tuple[Json, packages.RevisionState] | None:
    entry = mirror.revisions.objects.get(snapshots.object_key(namespace, name))
    if entry is None:
        return None
    obj = entry[0]
    spec = obj["spec"]
    stored = mirror.package_state(namespace, spec["repository"], spec["packageName"])
    rev = stored.state.revisions.get(spec["workspaceName"]) if stored else None
    return (obj, rev) if rev is not None else None


def _input(mirror: Mirror, namespace: str, obj: Json, rev: packages.RevisionState) -> Json:
    spec = obj["spec"]
    repo = mirror.repository_state(namespace, spec["repository"])
    git = (repo.state.spec.get("git") if repo and repo.state else None) or None
    where: Json | None = None
    lock: Json | None = None
    if isinstance(git, dict):
        directory = posixpath.join(str(git.get("directory") or "/"), spec["packageName"])
        directory = directory.lstrip("/")
        where = {
            "repo": str(git.get("repo", "")),
            "branch": str(git.get("branch", "main")),
            "directory": directory,
            "secretRef": str((git.get("secretRef") or {}).get("name", "")),
        }
        if rev.synced_commit and rev.revision > 0:
            lock = taskwork.git_lock(
                repo=where["repo"],
                repo_directory=str(git.get("directory") or "/"),
                package=spec["packageName"],
                revision=rev.revision,
                commit=rev.synced_commit,
            )
    return {
        "name": obj["metadata"]["name"],
        "repository": spec["repository"],
        "package": spec["packageName"],
        "workspace": spec["workspaceName"],
        "revision": int(spec["revision"]),
        "lifecycle": spec["lifecycle"],
        "resources": dict(rev.resources),
        "git": where,
        "lock": lock,
    }


def packages_of(mirror: Mirror, namespace: str, repository: str) -> tuple[str, ...]:
    """Package paths of the repository that hold a revision or a pending creation."""
    found: list[str] = []
    for value in list(mirror.states.values()):
        if not isinstance(value, snapshots.StoredPackage):
            continue
        state = value.state
        if (state.namespace, state.repository) == (namespace, repository) and (
            state.revisions or state.pending
        ):
            found.append(state.package)
    return tuple(sorted(found))


def downstream_of(mirror: Mirror, namespace: str, name: str) -> tuple[str, ...]:
    """Names of the revisions whose creation task read revision ``name`` as upstream."""
    found: list[str] = []
    for obj, _ in list(mirror.revisions.objects.values()):
        meta = obj.get("metadata") or {}
        if meta.get("namespace") != namespace or meta.get("name") == name:
            continue
        task = translating.task_of(obj)
        if task is not None and name in packages.upstream_names(task):
            found.append(str(meta.get("name")))
    return tuple(sorted(found))


__all__ = ["Resolved", "downstream_of", "packages_of", "resolve"]
