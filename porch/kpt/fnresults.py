"""Function results as kpt reports them: result items and the ``FunctionResultList``.

Why it exists: a function's ``results`` arrive in several shapes (the spec's list, the
legacy ``{items: [...]}`` wrapper, ``resourceRef.metadata.name``, ``field.suggestedValue``)
and kpt stores them in one typed shape, field order fixed, empty fields omitted — in
``--results-dir/results.yaml`` and in the Kptfile's ``renderStatus``. This module does
that normalisation and writes the list.

Pure except ``save``, which writes ``results.yaml`` into the given directory.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from porch.kpt.fnrun import Record
from porch.kpt.kptfileschema import scalar_text
from porch.krm import yamlio
from porch.krm.yamlview import Literal, Map, Seq

API_VERSION = "kpt.dev/v1"
KIND = "FunctionResultList"
FILE_NAME = "results.yaml"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return yamlio.dump(yamlio.to_node(value)).strip()
    return scalar_text(value).strip()


def normalize(result: dict[str, Any]) -> dict[str, Any]:
    """One result in kpt's ``ResultItem`` shape and order (legacy spellings migrated)."""
    out: dict[str, Any] = {}
    if result.get("message"):
        out["message"] = str(result["message"])
    if result.get("severity"):
        out["severity"] = str(result["severity"])
    ref = _resource_ref(result.get("resourceRef"))
    if ref:
        out["resourceRef"] = ref
    field = _field(result.get("field"))
    if field:
        out["field"] = field
    file = _file(result.get("file"))
    if file:
        out["file"] = file
    tags = result.get("tags")
    if isinstance(tags, dict) and tags:
        out["tags"] = {str(k): _text(tags[k]) for k in sorted(tags, key=str)}
    return out


def _resource_ref(ref: Any) -> dict[str, str]:
    if not isinstance(ref, dict):
        return {}
    legacy = ref.get("metadata")
    meta: dict[str, Any] = legacy if isinstance(legacy, dict) else {}
    values = {
        "apiVersion": _text(ref.get("apiVersion")),
        "kind": _text(ref.get("kind")),
        "name": _text(ref.get("name") or meta.get("name")),
        "namespace": _text(ref.get("namespace") or meta.get("namespace")),
    }
    if values["namespace"] == "''":
        values["namespace"] = ""
    return {k: v for k, v in values.items() if v}


def _field(field: Any) -> dict[str, str]:
    if not isinstance(field, dict):
        return {}
    proposed = field.get("proposedValue", field.get("suggestedValue"))
    values = {
        "path": _text(field.get("path")),
        "currentValue": _text(field.get("currentValue")),
        "proposedValue": _text(proposed),
    }
    return {k: v for k, v in values.items() if v}


def _file(file: Any) -> dict[str, Any]:
    if not isinstance(file, dict):
        return {}
    out: dict[str, Any] = {}
    if file.get("path"):
        out["path"] = _text(file["path"])
    index = file.get("index")
    if isinstance(index, int) and index:
        out["index"] = int(index)
    return out


def normalize_all(results: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    return [normalize(r) for r in results]


def result_list(records: Sequence[Record], *, exit_code: int) -> Map:
    doc = Map()
    doc["apiVersion"] = API_VERSION
    doc["kind"] = KIND
    doc["metadata"] = Map(name="fnresults")
    doc["exitCode"] = exit_code
    items = Seq()
    for record in records:
        item = Map()
        if record.image:
            item["image"] = record.image
        if record.exec:
            item["exec"] = record.exec
        if record.stderr:
            item["stderr"] = _multiline(record.stderr)
        item["exitCode"] = record.exit_code
        if record.results:
            item["results"] = yamlio.to_node(normalize_all(record.results))
        items.append(item)
    if items:
        doc["items"] = items
    return doc


def _multiline(text: str) -> str:
    return Literal(text) if "\n" in text else text


def save(directory: Path, records: Sequence[Record], *, exit_code: int) -> Path:
    """Write ``results.yaml`` (wide sequences, like kpt) and return its path."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / FILE_NAME
    path.write_text(yamlio.dump(result_list(records, exit_code=exit_code), compact_sequences=False))
    return path


__all__ = ["FILE_NAME", "normalize", "normalize_all", "result_list", "save"]
