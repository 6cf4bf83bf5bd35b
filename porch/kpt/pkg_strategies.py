"""The four ``pkg update`` strategies, each turning (local, updated, origin) into new local.

- resource-merge: per package (the package and its local subpackages): Kptfile 3-way
  merge, resource 3-way merge (:mod:`porch.kpt.merge3`), non-KRM files taken from upstream
  unless edited locally; subpackages added, kept or dropped by kpt's table.
- fast-forward: refuse when local differs from origin, else force-delete-replace and drop
  the render status from the Kptfile.
- force-delete-replace: Kptfile merge, then the package contents replaced by upstream's.
- copy-merge: Kptfile merge, upstream files copied over local, files deleted upstream
  removed, local-only files kept.
All trees are ``{path: bytes}`` relative to the package being updated. Pure; no I/O.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Mapping

from porch.errors import Invalid
from porch.kpt import kptfilemerge, merge3, pkg_diff, pkg_tree
from porch.kpt import pkg_kptfilestruct as struct
from porch.kpt.pkg_resources import is_yaml_name
from porch.krm.yamlnode import Node

Files = Mapping[str, bytes]
KPTFILE = pkg_tree.KPTFILE
Updater = Callable[[Files, Files, Files], dict[str, bytes]]


# -- helpers shared by the strategies ----------------------------------------------------


def copy_package(
    src: Files, dst: Files, *, copy_root_kptfile: bool, nested: bool
) -> dict[str, bytes]:
    """kpt's CopyPackage: the package's own files (and nested packages when ``nested``);
    the root Kptfile is never copied over an existing one."""
    out = dict(dst)
    chosen = src if nested else pkg_tree.own_files(src)
    for path, data in chosen.items():
        if path == KPTFILE and (path in out or not copy_root_kptfile):
            continue
        out[path] = data
    return out


def remove_package_content(files: Files, *, remove_root_kptfile: bool) -> dict[str, bytes]:
    own = pkg_tree.own_files(files)
    return {
        p: d for p, d in files.items() if p not in own or (p == KPTFILE and not remove_root_kptfile)
    }


def _is_krm(path: str) -> bool:
    return posixpath.basename(path) == KPTFILE or is_yaml_name(path)


def _non_krm(files: Files) -> dict[str, bytes]:
    own = pkg_tree.own_files(files)
    return {p: d for p, d in own.items() if not _is_krm(p) and ".git" not in p}


def replace_non_krm_files(updated: Files, original: Files, local: Files) -> dict[str, bytes]:
    """Non-KRM files: a local edit or addition wins; otherwise upstream's version (an
    unedited file deleted upstream is deleted)."""
    ups, orig, mine = _non_krm(updated), _non_krm(original), _non_krm(local)
    out = dict(local)
    edited = {p for p in mine if p not in orig or orig[p] != mine[p]}
    for path in mine:
        if path not in edited and path not in ups:
            del out[path]
    for path, data in ups.items():
        if path not in edited:
            out[path] = data
    return out


def _kptfile(files: Files) -> Node | None:
    return pkg_tree.kptfile(files, "")


def update_kptfile(
    local: Files, updated: Files, origin: Files, *, take_upstream: bool
) -> dict[str, bytes]:
    merged = kptfilemerge.update(
        _kptfile(local), _kptfile(updated), _kptfile(origin), take_upstream=take_upstream
    )
    return pkg_tree.with_kptfile(local, "", merged)


def _exists(files: Files, directory: str) -> bool:
    return directory in ("", ".") or any(p.startswith(directory + "/") for p in files)


def _local_subpackages(*trees: Files) -> list[str]:
    """kpt's FindSubpackagesForPaths(Local, recursive): packages without upstream, sorted."""
    found: set[str] = set()
    for files in trees:
        for directory in pkg_tree.subpackages(files, ""):
            kf = pkg_tree.kptfile(files, directory)
            if kf is not None and kf.get("upstream") is None:
                found.add(directory)
    return sorted(found)


# -- resource-merge -------------------------------------------------------------------------


def resource_merge(
    local: Files, updated: Files, origin: Files, *, is_root: bool
) -> dict[str, bytes]:
    if not is_root and _upstream_changed(local, origin):
        return dict(local)  # the user pointed this package somewhere else
    out = dict(local)
    for sub in ["", *_local_subpackages(local, updated, origin)]:
        sub_local = pkg_tree.subtree(out, sub)
        merged = _merge_one(
            sub or ".",
            sub_local if _exists(out, sub) else None,
            pkg_tree.subtree(updated, sub) if _exists(updated, sub) else None,
            pkg_tree.subtree(origin, sub) if _exists(origin, sub) else None,
            is_root=is_root and not sub,
        )
        if merged is not None:
            out = pkg_tree.replace_subtree(out, sub, merged)
    return out


def _upstream_changed(local: Files, origin: Files) -> bool:
    mine, base = _kptfile(local), _kptfile(origin)
    if base is None or mine is None:
        raise Invalid("no Kptfile to compare the upstream of")
    if base.get("upstream") is None:
        return False
    return struct.dump(mine.lookup("upstream", "git") or Node("map")) != struct.dump(
        base.lookup("upstream", "git") or Node("map")
    )


def _merge_one(
    name: str, local: Files | None, updated: Files | None, origin: Files | None, *, is_root: bool
) -> dict[str, bytes] | None:
    """One package of a resource-merge; None leaves it as it is."""
    if origin is None and local is not None and updated is not None:
        raise Invalid(f'subpackage "{name}" added in both upstream and local')
    if origin is None and local is None and updated is not None:
        return copy_package(updated, {}, copy_root_kptfile=not is_root, nested=False)
    if local is None or updated is None:
        if origin is not None and local is not None and not pkg_diff.package_diff(origin, local):
            return {}
        return None
    assert origin is not None
    out = update_kptfile(local, updated, origin, take_upstream=not is_root)
    out = merge3.merge_files(origin, updated, out)
    return replace_non_krm_files(updated, origin, out)


# -- force-delete-replace, fast-forward, copy-merge -----------------------------------------


def force_delete_replace(
    local: Files, updated: Files, origin: Files, *, is_root: bool
) -> dict[str, bytes]:
    out = update_kptfile(local, updated, origin, take_upstream=True)
    for sub in ["", *_local_subpackages(out, updated)]:
        root_here = is_root and not sub
        content = remove_package_content(
            pkg_tree.subtree(out, sub), remove_root_kptfile=not root_here
        )
        if _exists(updated, sub):
            content = copy_package(
                pkg_tree.subtree(updated, sub),
                content,
                copy_root_kptfile=not root_here,
                nested=False,
            )
            out = pkg_tree.replace_subtree(out, sub, content)
        else:
            out = pkg_tree.replace_subtree(out, sub, {})
    return out


def fast_forward(local: Files, updated: Files, origin: Files, *, is_root: bool) -> dict[str, bytes]:
    changed = local_changes(local, origin)
    if changed:
        raise Invalid(
            f"local package files have been modified: [{' '.join(sorted(changed))}].\n"
            "  use a different update --strategy."
        )
    out = force_delete_replace(local, updated, origin, is_root=is_root)
    kf = _kptfile(out)
    if kf is not None:
        out = pkg_tree.with_kptfile(out, "", clear_render_status(kf))
    return out


def local_changes(local: Files, origin: Files) -> set[str]:
    """What fast-forward counts as local modifications (against an empty origin when the
    package was never fetched, as kpt compares with an empty directory then)."""
    changes: set[str] = set()
    for sub in ["", *_local_subpackages(local, origin)]:
        if not (_exists(local, sub) and _exists(origin, sub)):
            changes.update(["%s (Package)", sub or "."])  # kpt's Insert("%s (Package)", path)
            continue
        diff = pkg_diff.package_diff(pkg_tree.subtree(local, sub), pkg_tree.subtree(origin, sub))
        if KPTFILE in diff and not sub and not _kptfile_changed(local, origin):
            diff.discard(KPTFILE)
        changes.update(diff)
    return changes


def _kptfile_changed(local: Files, origin: Files) -> bool:
    mine = _kptfile(local)
    if mine is None:
        return True
    for name in ("upstream", "upstreamLock"):
        mine.remove(name)
    mine = clear_render_status(mine)
    base = _kptfile(origin)
    if base is None:
        return struct.dump(mine) != struct.dump(struct.new(mine.text("metadata", "name")))
    base = clear_render_status(base)
    meta = base.get("metadata")
    if meta is not None:
        meta.set("name", struct.go_string(mine.text("metadata", "name")))
    return struct.dump(struct.normalize(mine)) != struct.dump(struct.normalize(base))


def clear_render_status(kf: Node) -> Node:
    """kpt's clearRenderStatus: no renderStatus, no Rendered condition, no empty status."""
    status = kf.get("status")
    if status is None:
        return kf
    status.remove("renderStatus")
    conditions = status.get("conditions")
    if conditions is not None:
        conditions.content = [c for c in conditions.content if c.text("type") != "Rendered"]
        if not conditions.content:
            status.remove("conditions")
    if not status.content:
        kf.remove("status")
    return kf


def copy_merge(local: Files, updated: Files, origin: Files, *, is_root: bool) -> dict[str, bytes]:
    out = update_kptfile(local, updated, origin, take_upstream=True)
    out = copy_package(updated, out, copy_root_kptfile=is_root, nested=True)
    return remove_stale(origin, updated, out)


def remove_stale(origin: Files, updated: Files, local: Files) -> dict[str, bytes]:
    """Files (and directories) that existed in origin but are gone upstream go locally."""
    out = {p: d for p, d in local.items() if p == KPTFILE or p in updated or p not in origin}
    origin_dirs, updated_dirs = _dirs(origin), _dirs(updated)
    for directory in sorted((_dirs(local) - updated_dirs) & origin_dirs, reverse=True):
        if any(p.startswith(directory + "/") for p in out):
            raise Invalid(f'cannot remove directory "{directory}": it is not empty')
    return out


def _dirs(files: Files) -> set[str]:
    dirs: set[str] = set()
    for path in files:
        parent = posixpath.dirname(path)
        while parent:
            dirs.add(parent)
            parent = posixpath.dirname(parent)
    return dirs


STRATEGIES: dict[str, Callable[..., dict[str, bytes]]] = {
    "resource-merge": resource_merge,
    "fast-forward": fast_forward,
    "force-delete-replace": force_delete_replace,
    "copy-merge": copy_merge,
}

__all__ = [
    "STRATEGIES",
    "clear_render_status",
    "copy_merge",
    "copy_package",
    "fast_forward",
    "force_delete_replace",
    "local_changes",
    "remove_package_content",
    "remove_stale",
    "replace_non_krm_files",
    "resource_merge",
    "update_kptfile",
]
