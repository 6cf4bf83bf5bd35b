"""Reading a package directory into annotated KRM resources, the way kpt's reader does.

Why it exists: render, eval and source all start from "every resource of this package":
the ``Kptfile`` and ``*.yaml``/``*.yml``/``*.json`` files, walked in lexical order, not
descending into subpackages unless asked, honouring each package's ``.krmignore``, with
path/index/seqindent annotations (and the owning package's absolute path when rendering).
Non-KRM files are never opened. Malformed YAML is an ``Invalid`` naming file and line;
symbolic links that leave the package are refused.

Reads files only; never writes. It must not run functions or interpret Kptfiles beyond
noticing that a directory holds one.
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass
from pathlib import Path

from porch.errors import Invalid
from porch.kpt import bookkeeping, krmignore
from porch.kpt.kptfile import FILE_NAME
from porch.krm import yamlio
from porch.krm.yamlview import Map

MATCH = (FILE_NAME, "*.yaml", "*.yml", "*.json")


@dataclass(frozen=True)
class Original:
    """A file as it was read: its text and the fingerprint of its documents (before any
    annotation), so a writer can tell it changed without parsing it again."""

    text: str
    fingerprint: str


# Files read, by resolved path; filled by the reader when the caller passes one.
Originals = dict[Path, Original]


@dataclass(frozen=True)
class Options:
    include_subpackages: bool = False
    package_path: str = ""  # value of the package-path annotation; empty for none
    originals: Originals | None = None  # where to record each file read


def is_package(directory: Path) -> bool:
    return (directory / FILE_NAME).is_file()


def read_package(root: Path, *, options: Options | None = None) -> list[Map]:
    """Every resource under ``root`` with reader annotations (paths relative to ``root``)."""
    options = options or Options()
    root = root.resolve()
    items: list[Map] = []
    _walk(root, root, root, options, items)
    return items


def direct_subpackages(root: Path) -> list[str]:
    """Relative paths of the nearest nested packages (not descending into them), sorted."""
    found: list[str] = []
    _find_packages(root, root, found)
    return sorted(found)


def _find_packages(root: Path, directory: Path, found: list[str]) -> None:
    for entry in _entries(directory):
        if not entry.is_dir(follow_symlinks=False) or entry.name == ".git":
            continue
        path = Path(entry.path)
        if is_package(path):
            found.append(path.relative_to(root).as_posix())
        else:
            _find_packages(root, path, found)


def _entries(directory: Path) -> list[os.DirEntry[str]]:
    with os.scandir(directory) as it:
        return sorted(it, key=lambda e: e.name)


def _matcher(package: Path) -> krmignore.Matcher:
    ignore = package / krmignore.FILE_NAME
    return krmignore.parse(ignore.read_text()) if ignore.is_file() else krmignore.Matcher()


def _walk(
    root: Path,
    package: Path,
    directory: Path,
    options: Options,
    items: list[Map],
) -> None:
    """Depth-first in lexical order, like Go's ``filepath.Walk`` (links are not followed)."""
    matcher = _matcher(package)
    for entry in _entries(directory):
        path = Path(entry.path)
        rel = path.relative_to(package).as_posix()
        if entry.is_dir(follow_symlinks=False):
            if entry.name == ".git" or matcher.ignored(rel, is_dir=True):
                continue
            if not is_package(path):
                _walk(root, package, path, options, items)
            elif options.include_subpackages:
                _walk(root, path, path, options, items)  # with its own .krmignore
            continue
        if matcher.ignored(rel, is_dir=False):
            continue
        if any(fnmatch.fnmatchcase(entry.name, pattern) for pattern in MATCH):
            items.extend(
                read_file(
                    root,
                    path,
                    package_path=options.package_path,
                    originals=options.originals,
                    resolved=True,
                )
            )


def read_file(
    root: Path,
    path: Path,
    *,
    package_path: str = "",
    originals: Originals | None = None,
    resolved: bool = False,
) -> list[Map]:
    """The resources of one file, annotated with their path relative to ``root``.

    ``resolved``: ``path``'s directory holds no symbolic link (the walk resolved the root
    and does not follow links), so only a linked file needs resolving."""
    rel = path.relative_to(root).as_posix()
    linked = path.is_symlink()
    if linked:
        target = path.resolve()
        if not target.is_relative_to(root):
            raise Invalid(f"{rel}: symbolic link points outside the package ({target})")
    text = path.read_text(encoding="utf-8")
    docs = yamlio.parse_documents(text, source=rel)
    if originals is not None:
        key = path if resolved and not linked else path.resolve()
        originals[key] = Original(text, yamlio.fingerprint([d.node for d in docs]))
    items = []
    for index, doc in enumerate(docs):
        if not isinstance(doc.node, Map):
            raise Invalid(
                f"{rel}:{doc.line + 1}: input resource list must contain only KRM resources: "
                f"{rel}: resource must have `apiVersion`, `kind`, and `name`"
            )
        yamlio.set_mark(doc.node, yamlio.FROM_FILE)
        bookkeeping.add_reader_annotations(
            doc.node, path=rel, index=index, seqindent=doc.seqindent, package_path=package_path
        )
        items.append(doc.node)
    return items


__all__ = [
    "MATCH",
    "Options",
    "Original",
    "Originals",
    "direct_subpackages",
    "is_package",
    "read_file",
    "read_package",
]
