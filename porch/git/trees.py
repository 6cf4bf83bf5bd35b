"""In-memory tree work on a bare repository: replace or remove a package directory, list a
package's files, find packages (directories holding a ``Kptfile``).

No working tree and no network: callers own fetching and pushing. Synchronous.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import pygit2
from pygit2.enums import FileMode, ObjectType

KPTFILE = "Kptfile"
# How far back along a branch the author of a package's newest change is looked for.
_HISTORY_DEPTH = 200


def _without(index: pygit2.Index, prefix: str) -> None:
    segments = prefix.split("/")
    # A file sitting where the package directory or one of its parents must go goes too.
    blocking = {"/".join(segments[:depth]) for depth in range(1, len(segments) + 1)}
    for entry in list(index):
        if entry.path in blocking or entry.path.startswith(prefix + "/"):
            index.remove(entry.path)


def replace_dir(
    repo: pygit2.Repository, *, base: pygit2.Tree | None, prefix: str, files: Mapping[str, bytes]
) -> pygit2.Oid:
    """``base`` with directory ``prefix`` holding exactly ``files`` (package-relative paths)."""
    index = pygit2.Index()
    if base is not None:
        index.read_tree(base)
    _without(index, prefix)
    for path, content in sorted(files.items()):
        blob = repo.create_blob(content)
        index.add(pygit2.IndexEntry(f"{prefix}/{path}", blob, FileMode.BLOB))
    return index.write_tree(repo)


def remove_dir(repo: pygit2.Repository, *, base: pygit2.Tree, prefix: str) -> pygit2.Oid:
    index = pygit2.Index()
    index.read_tree(base)
    _without(index, prefix)
    return index.write_tree(repo)


def subtree(tree: pygit2.Tree, path: str) -> pygit2.Tree | None:
    """The tree at ``path`` ('' is ``tree`` itself), or None when it is missing or a file."""
    if not path:
        return tree
    try:
        obj = tree[path]
    except KeyError:
        return None
    return obj if isinstance(obj, pygit2.Tree) else None


def files(repo: pygit2.Repository, tree: pygit2.Tree, prefix: str = "") -> dict[str, pygit2.Oid]:
    """Every blob under ``tree`` (recursively): relative path -> blob id. Symlinks and
    submodules are not package content and are skipped."""
    out: dict[str, pygit2.Oid] = {}
    for entry in tree:
        path = f"{prefix}{entry.name}"
        if entry.type == ObjectType.TREE:
            sub = repo[entry.id]
            assert isinstance(sub, pygit2.Tree)
            out.update(files(repo, sub, prefix=path + "/"))
        elif entry.type == ObjectType.BLOB and entry.filemode != FileMode.LINK:
            out[path] = entry.id
    return out


def packages(repo: pygit2.Repository, tree: pygit2.Tree, prefix: str = "") -> Iterator[str]:
    """Paths (relative to ``tree``) of directories holding a Kptfile; nested packages belong
    to their parent, so the walk stops at a package."""
    names = {entry.name: entry for entry in tree}
    if prefix and KPTFILE in names and names[KPTFILE].type == ObjectType.BLOB:
        yield prefix.rstrip("/")
        return
    for name, entry in sorted(names.items()):
        if entry.type == ObjectType.TREE and name != ".git":
            sub = repo[entry.id]
            assert isinstance(sub, pygit2.Tree)
            yield from packages(repo, sub, prefix=f"{prefix}{name}/")


def is_package(tree: pygit2.Tree, path: str) -> bool:
    sub = subtree(tree, path)
    return sub is not None and KPTFILE in sub


def _entry_id(tree: pygit2.Tree, path: str) -> pygit2.Oid | None:
    try:
        return tree[path].id
    except KeyError:
        return None


def last_change(repo: pygit2.Repository, head: pygit2.Commit, path: str) -> pygit2.Commit:
    """The newest commit (first-parent history from ``head``) that changed ``path``."""
    commit = head
    current = _entry_id(head.tree, path)
    for _ in range(_HISTORY_DEPTH):
        if not commit.parent_ids:
            return commit
        parent = commit.parents[0]
        if _entry_id(parent.tree, path) != current:
            return commit
        commit = parent
    return commit


__all__ = [
    "KPTFILE",
    "files",
    "is_package",
    "last_change",
    "packages",
    "remove_dir",
    "replace_dir",
    "subtree",
]
