"""Has a package changed? kpt's package comparisons, on file maps.

``pkg update`` keeps a subpackage that upstream deleted when the local copy differs from
the one last fetched, and ``fast-forward`` refuses to run over local edits. kpt compares
path sets (files and the directories holding them), Kptfiles with their upstream and lock
ignored, and other files after a YAML round trip that drops the Config Connector
attribution annotation (a byte comparison when they do not parse). Pure; no I/O.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping

from porch.errors import PorchError
from porch.kpt import pkg_kptfilestruct as struct
from porch.kpt import pkg_mergecomment, pkg_resources, pkg_tree

Files = Mapping[str, bytes]


def package_entries(files: Files) -> set[str]:
    """Paths of a package's own files and directories ("." included), as kpt walks them."""
    own = pkg_tree.own_files(files)
    entries = {"."}
    for path in own:
        entries.add(path)
        parent = posixpath.dirname(path)
        while parent:
            entries.add(parent)
            parent = posixpath.dirname(parent)
    return entries


def package_diff(first: Files, second: Files) -> set[str]:
    """kpt's PkgDiff: paths that exist on one side only, or differ."""
    one, two = package_entries(first), package_entries(second)
    diff = one ^ two
    for path in one & two:
        if path not in first:
            continue  # a directory
        if posixpath.basename(path) == pkg_tree.KPTFILE:
            if not kptfiles_equal(first[path], second[path]):
                diff.add(path)
        elif not resources_equal(first[path], second[path]):
            diff.add(path)
    return diff


def kptfiles_equal(first: bytes, second: bytes) -> bool:
    def without_upstream(raw: bytes) -> str:
        kf = struct.parse(raw.decode("utf-8"))
        kf.remove("upstream")
        kf.remove("upstreamLock")
        return struct.dump(kf)

    return without_upstream(first) == without_upstream(second)


def resources_equal(first: bytes, second: bytes) -> bool:
    try:
        return _canonical(first) == _canonical(second)
    except (PorchError, UnicodeDecodeError):
        return first == second


def _canonical(raw: bytes) -> str:
    resources = pkg_resources.parse_file("f.yaml", raw.decode("utf-8"))
    for resource in resources:
        metadata = resource.node.get("metadata")
        annotations = metadata.get("annotations") if metadata is not None else None
        if annotations is not None:
            annotations.remove(pkg_mergecomment.CNRM_BLUEPRINT)
    return pkg_resources.format_file(resources)


def tree_diff(first: Files, second: Files) -> set[str]:
    """kyaml's copyutil.Diff: files present on one side only or with other contents."""
    names = set(first) | set(second)
    return {p for p in names if first.get(p) != second.get(p)}


__all__ = ["kptfiles_equal", "package_diff", "package_entries", "resources_equal", "tree_diff"]
