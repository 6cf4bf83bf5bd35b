"""kpt's bookkeeping annotations on in-memory resources: names, reading, writing, clearing.

Why it exists: while resources travel through functions, kpt records where each came from
(file path and position, package, sequence indent style) in annotations, in both the
``internal.config.kubernetes.io/*`` and the legacy ``config.kubernetes.io/*`` spelling.
They are added on read, kept in sync around function calls and stripped on write; this
module is the one place that knows their names and how kyaml writes them (values
single-quoted, a new ``annotations`` map appended to ``metadata``, an emptied one removed).

Pure; no I/O. It must not decide *when* annotations are added or stripped (``reading``,
``writing`` and ``fnrun`` do).
"""

from __future__ import annotations

from typing import Any

from porch.krm import yamlio
from porch.krm.yamlview import Map, SingleQuoted

PATH = "internal.config.kubernetes.io/path"
INDEX = "internal.config.kubernetes.io/index"
ID = "internal.config.kubernetes.io/id"
LEGACY_PATH = "config.kubernetes.io/path"
LEGACY_INDEX = "config.kubernetes.io/index"
LEGACY_ID = "config.k8s.io/id"
SEQINDENT = "internal.config.kubernetes.io/seqindent"
PACKAGE_PATH = "internal.config.kubernetes.io/package-path"
MIGRATION_ID = "internal.config.kubernetes.io/annotations-migration-resource-id"
RESOURCE_ID = "internal.config.kubernetes.io/kpt-resource-id"
LOCAL_CONFIG = "config.kubernetes.io/local-config"

# Marks a ``metadata: {}`` written by the user, so stripping our annotations keeps it.
KEEP_EMPTY = "_krm_keep_empty"

# What a reader adds and a package writer removes again.
READER = (LEGACY_INDEX, LEGACY_PATH, INDEX, PACKAGE_PATH, PATH, SEQINDENT)
PAIRS = ((PATH, LEGACY_PATH), (INDEX, LEGACY_INDEX), (ID, LEGACY_ID))


def annotations_of(item: Any) -> dict[str, str]:
    notes = _notes(item)
    if notes is None:
        return {}
    return {str(k): "" if v is None else str(v) for k, v in notes.items()}


def _notes(item: Any) -> dict[Any, Any] | None:
    if type(item) is Map:  # the usual shape, checked without isinstance
        meta = dict.get(item, "metadata")
        if type(meta) is Map:
            notes = dict.get(meta, "annotations")
            if type(notes) is Map:
                return notes
    meta = item.get("metadata") if isinstance(item, dict) else None
    notes = meta.get("annotations") if isinstance(meta, dict) else None
    return notes if isinstance(notes, dict) else None


def notes_of(item: Any) -> dict[Any, Any] | None:
    """The annotations mapping itself (None when there is none), for callers that read
    several keys of one resource."""
    return _notes(item)


def text_of(notes: dict[Any, Any], key: str) -> str:
    """``get`` on a mapping from ``notes_of``."""
    value = notes.get(key)
    return "" if value is None else str(value)


def get(item: Any, key: str) -> str:
    """``annotations_of(item).get(key, "")`` without copying every annotation (it is asked
    for a handful of keys per resource, many times per function call)."""
    notes = _notes(item)
    if notes is None or key not in notes:
        return ""
    value = notes[key]
    return "" if value is None else str(value)


def set_value(item: Map, key: str, value: str) -> None:
    """Set one annotation the way kyaml does: single-quoted, appended when new."""
    meta = item.get("metadata")
    if not isinstance(meta, dict):
        meta = item["metadata"] = Map()
    notes = meta.get("annotations")
    if not isinstance(notes, dict):
        notes = meta["annotations"] = Map()
    notes[key] = SingleQuoted(value)


def clear(item: Any, key: str) -> None:
    """Remove one annotation; an ``annotations`` map left empty is removed too."""
    meta = item.get("metadata") if isinstance(item, dict) else None
    if not isinstance(meta, dict):
        return
    notes = meta.get("annotations")
    if isinstance(notes, dict) and key in notes:
        del notes[key]
    clear_empty(item)


def clear_empty(item: Any) -> None:
    meta = item.get("metadata") if isinstance(item, dict) else None
    if isinstance(meta, dict) and "annotations" in meta:
        notes = meta["annotations"]
        if notes is None or (isinstance(notes, dict) and not notes):
            del meta["annotations"]
    if isinstance(meta, dict) and not meta and not yamlio.has_mark(meta, KEEP_EMPTY):
        del item["metadata"]  # kyaml drops an emptied metadata map too


def clear_all(item: Any, keys: tuple[str, ...] | list[str]) -> None:
    """``clear`` of every key, with one lookup of the annotations (same result)."""
    meta = item.get("metadata") if isinstance(item, dict) else None
    if not keys or not isinstance(meta, dict):
        return
    notes = meta.get("annotations")
    if isinstance(notes, dict):
        for key in keys:
            if key in notes:
                del notes[key]
    clear_empty(item)


def copy_legacy(item: Map) -> None:
    """Fill whichever of each internal/legacy pair is missing from the other (kyaml)."""
    notes = _notes(item)
    if notes is None:
        return
    for new, legacy in PAIRS:  # set_value writes into this same mapping
        now_new, now_legacy = text_of(notes, new), text_of(notes, legacy)
        if now_new and not now_legacy:
            set_value(item, legacy, now_new)
        elif not now_new and now_legacy:
            set_value(item, new, now_legacy)


def path_of(item: Any) -> str:
    return get(item, PATH) or get(item, LEGACY_PATH)


def index_of(item: Any) -> str:
    return get(item, INDEX) or get(item, LEGACY_INDEX)


def set_path(item: Map, path: str) -> None:
    set_value(item, PATH, path)
    set_value(item, LEGACY_PATH, path)


def set_index(item: Map, index: int | str) -> None:
    set_value(item, INDEX, str(index))
    set_value(item, LEGACY_INDEX, str(index))


def add_reader_annotations(
    item: Map, *, path: str, index: int, seqindent: str, package_path: str = ""
) -> None:
    """What kyaml's package reader records, in its (sorted) order."""
    meta = item.get("metadata")
    if isinstance(meta, dict) and not meta:
        yamlio.set_mark(meta, KEEP_EMPTY)
    copy_legacy(item)
    values = {
        LEGACY_INDEX: str(index),
        LEGACY_PATH: path,
        INDEX: str(index),
        PATH: path,
        SEQINDENT: seqindent,
    }
    if package_path:
        values[PACKAGE_PATH] = package_path
    ordered = sorted(values)
    set_value(item, ordered[0], values[ordered[0]])  # makes the annotations mapping
    notes = _notes(item)
    assert notes is not None
    for key in ordered[1:]:
        notes[key] = SingleQuoted(values[key])


def default_path(item: Any, *, directory: str = "") -> str:
    """Where a resource without a path goes: ``<namespace>/<kind>_<name>.yaml``."""
    meta = item.get("metadata") if isinstance(item, dict) else None
    meta = meta if isinstance(meta, dict) else {}
    name = f"{str(item.get('kind') or '').lower()}_{meta.get('name') or ''}.yaml"
    parts = [p for p in (directory, str(meta.get("namespace") or ""), name) if p]
    return "/".join(parts)


__all__ = [
    "ID",
    "INDEX",
    "KEEP_EMPTY",
    "LEGACY_ID",
    "LEGACY_INDEX",
    "LEGACY_PATH",
    "LOCAL_CONFIG",
    "MIGRATION_ID",
    "PACKAGE_PATH",
    "PAIRS",
    "PATH",
    "READER",
    "RESOURCE_ID",
    "SEQINDENT",
    "add_reader_annotations",
    "annotations_of",
    "clear",
    "clear_all",
    "clear_empty",
    "copy_legacy",
    "default_path",
    "get",
    "index_of",
    "notes_of",
    "path_of",
    "set_index",
    "set_path",
    "set_value",
    "text_of",
]
