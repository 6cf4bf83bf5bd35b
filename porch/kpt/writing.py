"""Writing annotated resources back to files, all or nothing, the way kpt's writer lays them out.

Why it exists: after render/eval/sink the resources must land in files named by their path
annotation, ordered by index, one document per resource with its own sequence indentation,
bookkeeping annotations stripped (a lone resource in a ``*.json`` file is written as JSON).
Every path is checked and every file's text computed before the first byte is written;
files are then replaced through temporary files and renames, so a failure leaves the
package as it was. A file whose content would not change is not touched at all, which
keeps unchanged files byte-identical.

Writes files under the given root only. It must not decide which resources exist (callers
pass the final list and the files to delete).
"""

from __future__ import annotations

import contextlib
import os
import posixpath
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from porch.errors import Cause, Invalid
from porch.kpt import bookkeeping, reading
from porch.krm import yamlio, yamlview
from porch.krm.yamlview import Map

# Stripped from every resource written to a file.
FILE_ANNOTATIONS = (
    bookkeeping.INDEX,
    bookkeeping.LEGACY_INDEX,
    bookkeeping.SEQINDENT,
    bookkeeping.PATH,
    bookkeeping.LEGACY_PATH,
    bookkeeping.PACKAGE_PATH,
    bookkeeping.ID,
    bookkeeping.LEGACY_ID,
)


@dataclass(frozen=True)
class Plan:
    """What a write would do: file texts by relative path, and files to delete."""

    files: dict[str, str]
    deletes: tuple[str, ...] = ()
    # The documents behind each text (stripped copies), to fingerprint when needed.
    documents: dict[str, list[Any]] = field(default_factory=dict)


def default_paths_and_indexes(items: list[Map]) -> None:
    """kyaml's ``DefaultPathAndIndexAnnotation``: give every resource a path and an index."""
    counts: dict[str, int] = {}
    for item in items:
        bookkeeping.copy_legacy(item)
        path = bookkeeping.path_of(item)
        if not path:
            bookkeeping.set_path(item, bookkeeping.default_path(item))
            continue
        index = bookkeeping.index_of(item)
        if index.isdigit():
            counts[path] = max(counts.get(path, 0), int(index))
    for item in items:
        if bookkeeping.index_of(item):
            continue
        path = bookkeeping.path_of(item)
        bookkeeping.set_index(item, counts.get(path, 0))
        counts[path] = counts.get(path, 0) + 1


def check_path(path: str, *, root: str = ".") -> str:
    """The cleaned relative path, or ``Invalid`` if it is absolute or leaves the package."""
    if path.startswith("/") or os.path.isabs(path):
        raise Invalid(
            "package paths may not be absolute paths",
            causes=[Cause(reason="FieldValueInvalid", message=path, field=bookkeeping.PATH)],
        )
    clean = posixpath.normpath(path)
    if ".." in clean.split("/") or clean == ".":
        raise Invalid(
            f"resource must be written under package {root}: {clean}",
            causes=[Cause(reason="FieldValueInvalid", message=path, field=bookkeeping.PATH)],
        )
    return clean


def group_by_file(items: list[Map], *, root: str = ".") -> dict[str, list[Map]]:
    files: dict[str, list[Map]] = {}
    for item in items:
        files.setdefault(check_path(bookkeeping.path_of(item), root=root), []).append(item)
    for group in files.values():
        group.sort(key=_index_key)
    return files


def _index_key(item: Map) -> tuple[int, int]:
    index = bookkeeping.index_of(item)
    return (0, 0) if not index.lstrip("-").isdigit() else (1, int(index))


def render_file(path: str, items: list[Map], *, strip: tuple[str, ...] = FILE_ANNOTATIONS) -> str:
    """The text of one file holding ``items`` (already sorted)."""
    return _render(path, items, strip)[0]


def _render(path: str, items: list[Map], strip: tuple[str, ...]) -> tuple[str, list[Any]]:
    """The text of one file and the stripped documents it was dumped from."""
    styles = [bookkeeping.get(item, bookkeeping.SEQINDENT) for item in items]
    cleaned = [_stripped(item, strip) for item in items]
    if len(cleaned) == 1 and path.endswith(".json"):
        return yamlio.dump_json(cleaned[0]), cleaned
    text = "---\n".join(
        yamlio.dump(item, compact_sequences=style != yamlio.WIDE)
        for item, style in zip(cleaned, styles, strict=True)
    )
    return text, cleaned


def _stripped(item: Map, keys: tuple[str, ...]) -> Any:
    """``item`` without the annotations ``keys``; only the maps on the way to them are
    copied (nothing else is changed, and the result is only read)."""
    copy = yamlview.shallow_copy(item)
    meta = copy.get("metadata")
    if type(meta) is Map:
        meta = copy["metadata"] = yamlview.shallow_copy(meta)
        notes = meta.get("annotations")
        if type(notes) is Map:
            notes = meta["annotations"] = yamlview.shallow_copy(notes)
            for key in keys:  # what ``clear_all`` does, with the lookups done once
                if key in notes:
                    del notes[key]
            bookkeeping.clear_empty(copy)
            return copy
    bookkeeping.clear_all(copy, keys)
    return copy


def plan(items: list[Map], *, root: Path, deletes: set[str] | None = None) -> Plan:
    """Compute every file's text; raises ``Invalid`` before anything is written."""
    default_paths_and_indexes(items)
    groups = group_by_file(items, root=str(root))
    rendered = {path: _render(path, group, FILE_ANNOTATIONS) for path, group in groups.items()}
    files = {path: text for path, (text, _) in rendered.items()}
    for path in files:
        if (root / path).is_dir():
            raise Invalid(f"config.kubernetes.io/path cannot be a directory: {path}")
    gone = sorted((deletes or set()) - set(files))
    for path in gone:
        check_path(path, root=str(root))
    documents = {path: docs for path, (_, docs) in rendered.items()}
    return Plan(files=files, deletes=tuple(gone), documents=documents)


def apply(plan_: Plan, *, root: Path, originals: reading.Originals | None = None) -> list[str]:
    """Write the plan: temp files first, then renames, then deletes. Returns changed paths.

    ``originals`` (from the reader) spare re-parsing files that visibly changed."""
    changed = [
        path
        for path, text in plan_.files.items()
        if not _unchanged(
            root / path,
            text,
            documents=plan_.documents.get(path),
            original=_original(root / path, originals),
        )
    ]
    staged: list[tuple[Path, Path]] = []
    try:
        for path in changed:
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            staged.append((_stage(target, plan_.files[path]), target))
    except BaseException:
        for temp, _ in staged:
            with contextlib.suppress(OSError):
                temp.unlink()
        raise
    for temp, target in staged:
        os.replace(temp, target)
    for path in plan_.deletes:
        with contextlib.suppress(FileNotFoundError):
            (root / path).unlink()
    return changed + list(plan_.deletes)


def _original(target: Path, originals: reading.Originals | None) -> reading.Original | None:
    """What the reader recorded for ``target`` (keyed by resolved path; most paths under a
    resolved root already are, so ``resolve`` and its system calls are the fallback)."""
    if not originals:
        return None
    found = originals.get(target)
    return found if found is not None else originals.get(target.resolve())


def _stage(target: Path, text: str) -> Path:
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    try:
        mode = target.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o644
    os.chmod(name, mode)
    return Path(name)


def _unchanged(
    target: Path,
    text: str,
    *,
    documents: list[Any] | None = None,
    original: reading.Original | None = None,
) -> bool:
    """True when ``target`` already says ``text``, byte for byte or once normalised.

    ``documents`` are what ``text`` was dumped from and ``original`` the file as read: when
    the file still says what was read and the values differ, normalising it cannot give
    ``text``, so it need not be parsed again (the slow part of a render's write)."""
    if not target.is_file():
        return False
    current = target.read_text(encoding="utf-8")
    if current == text:
        return True
    if _other_values(current, documents, original):
        return False
    try:
        docs = yamlio.parse_documents(current, source=str(target))
    except Invalid:
        return False
    if target.name.endswith(".json") and len(docs) == 1:
        return yamlio.dump_json(docs[0].node) == text
    normalised = "---\n".join(
        yamlio.dump(d.node, compact_sequences=d.seqindent != yamlio.WIDE) for d in docs
    )
    return normalised == text


def _other_values(
    current: str, documents: list[Any] | None, original: reading.Original | None
) -> bool:
    if documents is None or original is None or original.text != current:
        return False
    return original.fingerprint != yamlio.fingerprint(documents)


def write(
    items: list[Map],
    *,
    root: Path,
    deletes: set[str] | None = None,
    originals: reading.Originals | None = None,
) -> list[str]:
    """Plan and apply in one go (``Invalid`` before any change)."""
    return apply(plan(items, root=root, deletes=deletes), root=root, originals=originals)


__all__ = [
    "FILE_ANNOTATIONS",
    "Plan",
    "apply",
    "check_path",
    "default_paths_and_indexes",
    "group_by_file",
    "plan",
    "render_file",
    "write",
]
