"""Package directories on disk as ``{relative path: bytes}`` maps, and back.

The kpt package operations compute whole new file maps in memory; this module is the only
place that reads or writes the directories: it reads a tree (skipping ``.git`` and
symlinks) and applies a new map by writing changed files and deleting removed ones, so a
failed operation never leaves a half-written package. kpt writes a new Kptfile with mode
0600 and creates package directories 0700; that is kept. I/O only; no package logic.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from porch.errors import Invalid, NotFound

KPTFILE = "Kptfile"


def read_tree(root: Path) -> dict[str, bytes]:
    """Every regular file below ``root``; ``.git`` directories and symlinks are left out."""
    if not root.is_dir():
        raise NotFound(f"{root} is not a directory")
    files: dict[str, bytes] = {}
    for directory, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d != ".git")
        base = Path(directory)
        for name in sorted(filenames):
            path = base / name
            if path.is_symlink() or not path.is_file():
                continue
            files[path.relative_to(root).as_posix()] = path.read_bytes()
    return files


def executables(root: Path, paths: Mapping[str, bytes]) -> frozenset[str]:
    return frozenset(p for p in paths if os.access(root / p, os.X_OK))


def _write(path: Path, data: bytes, *, executable: bool) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    existed = path.exists()
    path.write_bytes(data)
    if not existed:
        mode = 0o600 if path.name == KPTFILE else 0o755 if executable else 0o644
        path.chmod(mode)
    elif executable:
        path.chmod(path.stat().st_mode | 0o111)


def apply(
    root: Path,
    before: Mapping[str, bytes],
    after: Mapping[str, bytes],
    *,
    executables: frozenset[str] = frozenset(),
) -> None:
    """Make ``root`` hold ``after`` where it held ``before``: changed and new files are
    written, removed ones deleted, directories left empty by deletions removed."""
    for path in sorted(set(before) - set(after)):
        target = root / path
        if target.exists():
            target.unlink()
        _prune_empty(target.parent, root)
    for path, data in after.items():
        if before.get(path) != data or not (root / path).exists():
            _write(root / path, data, executable=path in executables)


def _prune_empty(directory: Path, root: Path) -> None:
    while directory != root and directory.is_dir() and not any(directory.iterdir()):
        directory.rmdir()
        directory = directory.parent


def create(root: Path, files: Mapping[str, bytes], *, executables: frozenset[str]) -> None:
    """Write a new package into ``root`` (absent or empty); nothing is left on failure."""
    existed = root.exists()
    if existed and (not root.is_dir() or any(root.iterdir())):
        raise Invalid(f'destination directory "{root}" already exists')
    try:
        root.mkdir(mode=0o700, parents=False, exist_ok=True)
        for path, data in sorted(files.items()):
            _write(root / path, data, executable=path in executables)
    except OSError as exc:
        _remove_tree(root, keep_root=existed)
        raise Invalid(f"cannot write the package to {root}: {exc}") from exc


def _remove_tree(root: Path, *, keep_root: bool) -> None:
    for directory, dirnames, filenames in os.walk(root, topdown=False):
        for name in filenames:
            (Path(directory) / name).unlink(missing_ok=True)
        for name in dirnames:
            (Path(directory) / name).rmdir()
    if not keep_root and root.exists():
        root.rmdir()


__all__ = ["apply", "create", "executables", "read_tree"]
