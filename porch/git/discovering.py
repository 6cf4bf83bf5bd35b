"""Read a repository's package revisions from Git in Porch's layout (the discovery pass).

One fetch of every branch and tag, then: each directory with a Kptfile under the registered
directory on the branch is the placeholder revision -1; tags ``P/vN`` are published revisions
(DeletionProposed when ``deletionProposed/P/vN`` exists), ``drafts/P/W`` and ``proposed/P/W``
are unpublished ones. Each revision gets a fingerprint that changes exactly when what a
``RevisionDiscovered`` would say changes, so callers pass the fingerprints they announced last
time and only changed revisions have their files read. Synchronous; callers wrap calls in
``asyncio.to_thread``. Knows nothing about events or NATS.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pygit2

from porch.errors import NotFound
from porch.git import layout, remotes, trees
from porch.git.credentials import public_url
from porch.git.writing import Remote, peel_commit

_FETCH_ALL = ["+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*"]
CREATION_TASKS = frozenset({"init", "clone", "edit", "upgrade"})
# How many commits of a draft's history are read for its tasks.
_TASK_DEPTH = 50


@dataclass(frozen=True)
class Found:
    """One revision as Git shows it; ``files`` is None when its fingerprint was known."""

    package: str  # relative to the registered directory
    workspace: str
    lifecycle: str  # Draft | Proposed | Published | DeletionProposed
    revision: int
    ref: str
    fingerprint: str
    commit: str = ""
    tasks: tuple[dict[str, Any], ...] = ()
    author: str = ""
    authored: str = ""
    files: dict[str, bytes] | None = None

    @property
    def key(self) -> str:
        return f"{self.package}/{self.workspace}"


@dataclass(frozen=True)
class Listing:
    head: str  # the registered branch's head commit
    found: list[Found] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # "<ref>: why", for warnings


def _rfc3339(sig: pygit2.Signature) -> str:
    return datetime.fromtimestamp(sig.time, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _tasks(commit: pygit2.Commit, *, path: str, workspace: str) -> tuple[dict[str, Any], ...]:
    """Creation tasks recorded in the ``kpt:{json}`` lines of the revision's own commits."""
    found: list[dict[str, Any]] = []
    current: pygit2.Commit | None = commit
    for _ in range(_TASK_DEPTH):
        if current is None:
            break
        mine = [
            m
            for m in layout.kpt_metadata(current.message)
            if m.get("package") == path and m.get("workspaceName") == workspace
        ]
        if not mine:
            break
        for meta in reversed(mine):
            task = meta.get("task")
            if isinstance(task, dict) and task.get("type") in CREATION_TASKS:
                found.append(task)
        current = current.parents[0] if current.parent_ids else None
    return tuple(reversed(found))


def _tag_workspace(commit: pygit2.Commit, *, path: str, revision: int) -> str:
    for meta in layout.kpt_metadata(commit.message):
        name = meta.get("workspaceName")
        if meta.get("package") == path and isinstance(name, str) and name:
            return name
    return f"v{revision}"


class _Pass:
    """State of one discovery pass over a fetched cache clone."""

    def __init__(self, repo: pygit2.Repository, remote: Remote, known: Mapping[str, str]) -> None:
        self.repo = repo
        self.remote = remote
        self.known = known
        self.found: dict[str, Found] = {}
        self.ignored: list[str] = []

    def add(
        self,
        *,
        path: str,
        workspace: str,
        lifecycle: str,
        revision: int,
        ref: str,
        commit: pygit2.Commit,
        tasks: bool,
    ) -> None:
        package = layout.relative_package(self.remote.directory, path)
        if package is None:
            return
        tree = trees.subtree(commit.tree, path)
        if tree is None or trees.KPTFILE not in tree:
            self.ignored.append(f"{ref}: no Kptfile at {path}")
            return
        # The placeholder changes with the package's tree, not with every commit on the branch.
        anchor = str(tree.id) if revision == -1 else str(commit.id)
        fingerprint = f"{lifecycle}:{revision}:{ref}:{anchor}"
        key = f"{package}/{workspace}"
        if self.known.get(key) == fingerprint:
            self.found[key] = Found(package, workspace, lifecycle, revision, ref, fingerprint)
            return
        changed = trees.last_change(self.repo, commit, path) if revision == -1 else commit
        blobs = trees.files(self.repo, tree)
        self.found[key] = Found(
            package=package,
            workspace=workspace,
            lifecycle=lifecycle,
            revision=revision,
            ref=ref,
            fingerprint=fingerprint,
            commit=str(changed.id),
            tasks=_tasks(commit, path=path, workspace=workspace) if tasks else (),
            author=changed.author.name,
            authored=_rfc3339(changed.author),
            files={p: self._read(oid) for p, oid in blobs.items()},
        )

    def _read(self, oid: pygit2.Oid) -> bytes:
        blob = self.repo[oid]
        assert isinstance(blob, pygit2.Blob)
        return blob.data


def discover(remote: Remote, *, known: Mapping[str, str], cache_dir: Path) -> Listing:
    """Every revision in ``remote``; ``known`` maps ``Found.key`` to the fingerprint already
    announced (those revisions come back without files). Raises ``GitError`` when the server
    is unreachable or refuses access, ``NotFound`` when the branch is missing."""
    with remotes.cached_repository(remote.url, cache_dir=cache_dir) as repo:
        advertised = remotes.fetch(
            repo, remote.url, refspecs=_FETCH_ALL, credentials=remote.credentials
        )
        branch = layout.branch_ref(remote.branch)
        head = peel_commit(repo, advertised.get(branch))
        if head is None:
            raise NotFound(f'branch "{remote.branch}" not found in {public_url(remote.url)}')
        walk = _Pass(repo, remote, known)
        _placeholders(walk, head=head, branch=branch)
        _refs(walk, advertised)
        return Listing(head=str(head.id), found=list(walk.found.values()), ignored=walk.ignored)


def _placeholders(walk: _Pass, *, head: pygit2.Commit, branch: str) -> None:
    directory = walk.remote.directory.strip("/")
    root = trees.subtree(head.tree, directory)
    if root is None:
        return
    for rel in trees.packages(walk.repo, root):
        path = layout.package_path(directory, rel)
        walk.add(
            path=path,
            workspace=walk.remote.branch,
            lifecycle="Published",
            revision=-1,
            ref=branch,
            commit=head,
            tasks=False,
        )


def _refs(walk: _Pass, advertised: Mapping[str, str]) -> None:
    markers = {
        (name.path, name.revision)
        for ref in advertised
        if (name := layout.parse_ref(ref)) is not None and name.kind == "marker"
    }
    # Drafts first so a proposed branch of the same workspace (mid-move) wins, tags last.
    order = {"draft": 0, "proposed": 1, "tag": 2}
    parsed = [(ref, layout.parse_ref(ref)) for ref in advertised if not ref.endswith("^{}")]
    for ref, name in sorted(parsed, key=lambda p: (order.get(p[1].kind, 9) if p[1] else 9, p[0])):
        if name is None:
            if ref.startswith(layout.TAGS):
                walk.ignored.append(f"{ref}: not a package revision tag (P/vN)")
            continue
        if name.kind == "marker":
            continue
        commit = peel_commit(walk.repo, advertised[ref])
        if commit is None:
            walk.ignored.append(f"{ref}: does not point at a commit")
            continue
        if name.kind == "tag":
            deleting = (name.path, name.revision) in markers
            walk.add(
                path=name.path,
                workspace=_tag_workspace(commit, path=name.path, revision=name.revision),
                lifecycle="DeletionProposed" if deleting else "Published",
                revision=name.revision,
                ref=ref,
                commit=commit,
                tasks=True,
            )
        else:
            walk.add(
                path=name.path,
                workspace=name.workspace,
                lifecycle="Proposed" if name.kind == "proposed" else "Draft",
                revision=0,
                ref=ref,
                commit=commit,
                tasks=True,
            )


__all__ = ["CREATION_TASKS", "Found", "Listing", "discover"]
