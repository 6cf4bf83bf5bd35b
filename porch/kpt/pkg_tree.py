"""Package trees as file maps: where the packages are and what their Kptfiles say.

A package tree is ``{path: bytes}`` with a Kptfile at the root; every directory below that
holds a Kptfile is a nested package. Helpers here find direct and nested subpackages,
read and replace Kptfiles, and cut a subtree out of a map or put one in, which is what
``pkg get`` and ``pkg update`` do with directories. Pure; no I/O.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping

from porch.kpt import pkg_kptfilestruct as struct
from porch.krm.yamlnode import Node

KPTFILE = "Kptfile"
Files = Mapping[str, bytes]


def join(directory: str, path: str) -> str:
    return posixpath.join(directory, path) if directory else path


def package_dirs(files: Files) -> list[str]:
    """Every package directory ("" is the root when it has a Kptfile), shallowest first."""
    dirs = {posixpath.dirname(p) for p in files if posixpath.basename(p) == KPTFILE}
    return sorted(dirs, key=lambda d: (d.count("/") + (1 if d else 0), d))


def _under(path: str, directory: str) -> bool:
    return not directory or path.startswith(directory + "/")


def subpackages(files: Files, directory: str = "", *, recursive: bool = True) -> list[str]:
    """Package directories strictly below ``directory``; only the direct ones unless
    ``recursive``."""
    below = [d for d in package_dirs(files) if d != directory and _under(d, directory)]
    if recursive:
        return below
    return [d for d in below if not any(o != d and _under(d, o) for o in below)]


def subtree(files: Files, directory: str) -> dict[str, bytes]:
    """The files below ``directory``, with paths relative to it."""
    if not directory:
        return dict(files)
    prefix = directory + "/"
    return {p[len(prefix) :]: data for p, data in files.items() if p.startswith(prefix)}


def replace_subtree(files: Files, directory: str, new: Files) -> dict[str, bytes]:
    """``files`` with everything below ``directory`` replaced by ``new``."""
    prefix = directory + "/" if directory else ""
    kept = {p: d for p, d in files.items() if not p.startswith(prefix)} if prefix else {}
    kept.update({prefix + p: d for p, d in new.items()})
    return kept


def own_files(files: Files, directory: str = "") -> dict[str, bytes]:
    """The files of the package at ``directory`` itself (relative paths), without the
    files of nested packages."""
    inner = subtree(files, directory)
    nested = subpackages(inner, "", recursive=False)
    return {p: d for p, d in inner.items() if not any(p.startswith(n + "/") for n in nested)}


def kptfile(files: Files, directory: str = "") -> Node | None:
    """The normalized Kptfile of the package at ``directory`` (None when it has none)."""
    raw = files.get(join(directory, KPTFILE))
    if raw is None:
        return None
    return struct.parse(raw.decode("utf-8"), source=join(directory, KPTFILE))


def with_kptfile(files: Files, directory: str, kf: Node) -> dict[str, bytes]:
    out = dict(files)
    out[join(directory, KPTFILE)] = struct.dump(kf).encode("utf-8")
    return out


__all__ = [
    "join",
    "kptfile",
    "own_files",
    "package_dirs",
    "replace_subtree",
    "subpackages",
    "subtree",
    "with_kptfile",
]
