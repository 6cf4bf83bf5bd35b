"""``kpt pkg update``: bring a fetched package up to a new upstream version.

Orchestration as kpt does it: the root Kptfile gets the new ref (if given) and the
strategy (kpt's CLI always passes one, so ``resource-merge`` replaces what the Kptfile
said). Then the root and every nested package with its own upstream are updated in turn:
their upstream is fetched at the new ref ("updated") and at the locked commit ("origin"),
merge comments are put on all three copies, and the package and the remote subpackages
found in any copy are updated by kpt's add/delete table and the package's strategy
(:mod:`porch.kpt.pkg_strategies`). The lock is rewritten from the updated fetch and merge
comments are stamped on the whole tree at the end. The work is done on file maps; the
directory is only touched once everything succeeded (kpt rewrites the root Kptfile's ref
and strategy before it starts, so a failed kpt update leaves that change behind).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from porch.errors import Invalid
from porch.kpt import pkg_diff, pkg_files, pkg_strategies, pkg_tree, pkgget
from porch.kpt import pkg_kptfilestruct as struct
from porch.kpt.pkg_git import Fetched, RepoCache
from porch.krm.yamlnode import Node

Files = dict[str, bytes]


class Fetcher(Protocol):
    def fetch(self, url: str, *, directory: str, ref: str) -> Fetched: ...


@dataclass
class Updated:
    """The package after the update, and what kpt would have printed."""

    files: Files
    packages: int = 0
    messages: list[str] = field(default_factory=list)
    executables: set[str] = field(default_factory=set)


def _git(kf: Node, section: str = "upstream") -> Node | None:
    return kf.lookup(section, "git")


def update_files(
    files: Files, fetcher: Fetcher, *, ref: str | None = None, strategy: str | None = None
) -> Updated:
    """The package tree ``files`` updated from upstream (kpt's update.Command.Run)."""
    root = pkg_tree.kptfile(files, "")
    if root is None:
        raise Invalid("no Kptfile found in the package")
    git = _git(root)
    if git is None:
        raise Invalid("package must have an upstream reference")
    original_ref = git.text("ref")
    if ref:
        git.set("ref", struct.go_string(ref))
    if strategy:
        up = root.get("upstream")
        assert up is not None
        up.set("updateStrategy", struct.go_string(strategy))
    state = Updated(files=pkg_tree.with_kptfile(files, "", struct.normalize(root) or root))
    stack = [""]
    while stack:
        directory = stack.pop()
        state.packages += 1
        _update_remote_package(state, directory, fetcher)
        for sub in pkg_tree.subpackages(state.files, directory, recursive=False):
            sub_kf = pkg_tree.kptfile(state.files, sub)
            if sub_kf is None or _git(sub_kf) is None:
                continue
            if _follows_root(sub_kf, root, original_ref):
                _retarget(sub_kf, ref=ref, strategy=strategy)
                state.files = pkg_tree.with_kptfile(state.files, sub, sub_kf)
            stack.append(sub)
    state.messages.append(f"Updated {state.packages} package(s).")
    state.files = pkgget.add_merge_comments(state.files, attribution=False)
    return state


def _follows_root(sub: Node, root: Node, original_ref: str) -> bool:
    sub_git, root_git = _git(sub), _git(root)
    assert sub_git is not None
    assert root_git is not None
    sub_dir = posixpath.normpath(sub_git.text("directory") or ".")
    root_dir = posixpath.normpath(root_git.text("directory") or ".")
    return (
        sub_git.text("repo") == root_git.text("repo")
        and sub_git.text("ref") == original_ref
        and sub_dir.startswith(root_dir)
    )


def _retarget(kf: Node, *, ref: str | None, strategy: str | None) -> None:
    git = _git(kf)
    up = kf.get("upstream")
    assert git is not None
    assert up is not None
    if ref:
        git.set("ref", struct.go_string(ref))
    if strategy:
        up.set("updateStrategy", struct.go_string(strategy))


def _update_remote_package(state: Updated, directory: str, fetcher: Fetcher) -> None:
    """One package with its own upstream (kpt's updateRootPackage)."""
    local = pkg_tree.subtree(state.files, directory)
    kf = pkg_tree.kptfile(local, "")
    git = _git(kf) if kf is not None else None
    if kf is None or git is None:
        raise Invalid(f"{directory or '.'}: package must have an upstream reference")
    repo, path, ref = git.text("repo"), git.text("directory"), git.text("ref")
    state.messages.append(f"Fetching upstream from {repo}@{ref}")
    updated = fetcher.fetch(repo, directory=path, ref=ref)
    state.executables.update(pkg_tree.join(directory, p) for p in updated.executables)
    origin: Files = {}
    lock = _git(kf, "upstreamLock")
    if kf.get("upstreamLock") is not None and lock is not None:
        state.messages.append(f"Fetching origin from {repo}@{ref}")
        origin = fetcher.fetch(
            lock.text("repo"), directory=lock.text("directory"), ref=lock.text("commit")
        ).files
    stack = [""]
    while stack:
        rel = stack.pop()
        local = _update_package(local, rel, updated.files, origin, state)
        for sub in _remote_subpackages(local, updated.files, origin, rel):
            stack.append(sub)
    local = _write_lock(local, updated)
    state.files = pkg_tree.replace_subtree(state.files, directory, local)


def _remote_subpackages(local: Files, updated: Files, origin: Files, rel: str) -> list[str]:
    found: set[str] = set()
    for files in (local, updated, origin):
        inner = pkg_tree.subtree(files, rel)
        for sub in pkg_tree.subpackages(inner, "", recursive=False):
            kf = pkg_tree.kptfile(inner, sub)
            if kf is not None and kf.get("upstream") is not None:
                found.add(pkg_tree.join(rel, sub))
    return sorted(found)


def _write_lock(local: Files, updated: Fetched) -> Files:
    kf = pkg_tree.kptfile(local, "")
    if kf is None:
        raise Invalid("the updated package has no Kptfile")
    kf.set("upstreamLock", pkgget.lock(updated))
    return pkg_tree.with_kptfile(local, "", struct.normalize(kf) or kf)


def _update_package(local: Files, rel: str, updated: Files, origin: Files, state: Updated) -> Files:
    """kpt's updatePackage: the add/delete table, else merge with the package's strategy."""
    is_root = rel == ""
    name = rel or "."
    mine, theirs, base = (pkg_tree.subtree(t, rel) for t in (local, updated, origin))
    local_exists = pkg_tree.KPTFILE in mine
    updated_exists = is_root or pkg_tree.KPTFILE in theirs
    origin_exists = is_root or pkg_tree.KPTFILE in base
    if not origin_exists and local_exists and updated_exists:
        raise Invalid(f'subpackage "{name}" added in both upstream and local')
    if not origin_exists and not local_exists and updated_exists:
        state.messages.append(f'Adding package "{posixpath.basename(rel)}" from upstream.')
        new = pkg_strategies.copy_package(theirs, {}, copy_root_kptfile=not is_root, nested=False)
        return pkg_tree.replace_subtree(local, rel, new)
    if origin_exists and local_exists and not updated_exists:
        if not pkg_diff.tree_diff(base, mine):
            state.messages.append(f'Deleting package "{posixpath.basename(rel)}" from local.')
            return pkg_tree.replace_subtree(local, rel, {})
        return local
    if not (origin_exists and local_exists and updated_exists):
        return local
    return pkg_tree.replace_subtree(local, rel, _merge_package(mine, theirs, base, is_root))


def _merge_package(local: Files, updated: Files, origin: Files, is_root: bool) -> Files:
    local, updated, origin = (
        pkgget.add_merge_comments(t, attribution=False) for t in (local, updated, origin)
    )
    if _unfetched(updated, is_root=is_root):
        return pkg_strategies.update_kptfile(local, updated, origin, take_upstream=True)
    if _unfetched(origin, is_root=is_root):
        raise Invalid("no origin available for package")
    kf = pkg_tree.kptfile(local, "")
    strategy = kf.text("upstream", "updateStrategy") if kf is not None else ""
    updater = pkg_strategies.STRATEGIES.get(strategy)
    if updater is None:
        raise Invalid(f"unrecognized update strategy {strategy}")
    return updater(local, updated, origin, is_root=is_root)


def _unfetched(files: Files, *, is_root: bool) -> bool:
    kf = pkg_tree.kptfile(files, "")
    if kf is None:
        if is_root:
            return False
        raise Invalid("no Kptfile found")
    return kf.get("upstream") is not None and kf.get("upstreamLock") is None


def update(
    pkg_dir: Path,
    *,
    ref: str | None = None,
    strategy: str = "resource-merge",
    cache_dir: Path | None = None,
) -> Updated:
    """Update the package in ``pkg_dir`` in place; nothing is changed on error."""
    if strategy not in pkgget.STRATEGIES:
        raise Invalid(f'unknown update strategy "{strategy}"')
    before = pkg_files.read_tree(pkg_dir)
    fetcher = RepoCache(cache_dir or pkgget.default_cache_dir())
    result = update_files(before, fetcher, ref=ref, strategy=strategy)
    pkg_files.apply(pkg_dir, before, result.files, executables=frozenset(result.executables))
    return result


__all__ = ["Fetcher", "Updated", "update", "update_files"]
