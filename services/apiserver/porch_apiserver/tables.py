"""Server-side printing: ``meta.k8s.io/v1`` Table documents for ``kubectl get``.

kubectl prints what the server sends, so Porch's columns (reference/porch.md §1.1, §1.2) and the
humanized Age must be computed here (reference/apis.md §2). Also decides from the Accept header
whether a Table was asked for. Pure: the clock arrives as ``now``; no I/O, no HTTP types.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import msgspec

from porch_apiserver import discovery, resources
from porch_apiserver.resources import ResourceDef

Json = dict[str, Any]
LATEST_LABEL = "kpt.dev/latest-revision"
TABLE_CONTENT_TYPE = "application/json;as=Table;v=v1;g=meta.k8s.io"
_TABLE_VERSIONS = ("v1", "v1beta1")
INCLUDE_OBJECT = ("None", "Metadata", "Object")

Cell = str | int | bool | float | None


@dataclass(frozen=True, kw_only=True)
class Column:
    """One column: its definition as sent to kubectl and how to compute a cell."""

    name: str
    type: str
    description: str
    cell: Callable[[Json, datetime], Cell]
    priority: int = 0
    format: str = ""

    def definition(self) -> Json:
        return {
            "name": self.name,
            "type": self.type,
            "format": self.format,
            "description": self.description,
            "priority": self.priority,
        }


def human_duration(seconds: float) -> str:
    """Like k8s.io/apimachinery ``duration.HumanDuration``: ``5s``, ``3m``, ``2d3h``, ``3y``."""
    secs = int(seconds)
    if secs < -1:
        return "<invalid>"
    if secs < 0:
        return "0s"
    if secs < 120:
        return f"{secs}s"
    minutes, hours = secs // 60, secs // 3600
    days = hours // 24
    if minutes < 10:
        return f"{minutes}m{secs % 60}s" if secs % 60 else f"{minutes}m"
    if minutes < 180:
        return f"{minutes}m"
    if hours < 8:
        return f"{hours}h{minutes % 60}m" if minutes % 60 else f"{hours}h"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        return f"{days}d{hours % 24}h" if hours % 24 else f"{days}d"
    if hours < 24 * 365 * 2:
        return f"{days}d"
    if hours < 24 * 365 * 8:
        return f"{days // 365}y{days % 365}d" if days % 365 else f"{days // 365}y"
    return f"{days // 365}y"


def _parse_time(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def age(obj: Json, now: datetime) -> str:
    """Humanized time since ``metadata.creationTimestamp`` (``<unknown>`` when absent)."""
    stamp = _get(obj, "metadata", "creationTimestamp")
    created = _parse_time(stamp) if isinstance(stamp, str) else None
    if created is None:
        return "<unknown>"
    return human_duration((now - created).total_seconds())


def _get(obj: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def _text(*path: str) -> Callable[[Json, datetime], Cell]:
    def cell(obj: Json, _now: datetime) -> Cell:
        value = _get(obj, *path)
        return value if isinstance(value, str) else ""

    return cell


def _revision(obj: Json, _now: datetime) -> Cell:
    value = _get(obj, "spec", "revision")
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _latest(obj: Json, _now: datetime) -> Cell:
    return bool(_get(obj, "metadata", "labels", LATEST_LABEL) == "true")


def _deployment(obj: Json, _now: datetime) -> Cell:
    return _get(obj, "spec", "deployment") is True


def _ready(obj: Json, _now: datetime) -> Cell:
    conditions = _get(obj, "status", "conditions")
    for condition in conditions if isinstance(conditions, list) else []:
        if isinstance(condition, dict) and condition.get("type") == "Ready":
            status = condition.get("status")
            return status if isinstance(status, str) else ""
    return ""


def _address(obj: Json, now: datetime) -> Cell:
    return _text("spec", "git", "repo")(obj, now) or _text("spec", "oci", "registry")(obj, now)


_NAME = Column(
    name="Name",
    type="string",
    format="name",
    description="Name must be unique within a namespace.",
    cell=_text("metadata", "name"),
)
_AGE = Column(
    name="Age",
    type="date",
    description="CreationTimestamp is when the object was created (humanized).",
    cell=age,
)

_WIDE_AGE = dataclasses.replace(_AGE, priority=1)


def _files(obj: Json, _now: datetime) -> Cell:
    return len(_get(obj, "spec", "resources") or {})


def _col(name: str, type_: str, cell: Callable[[Json, datetime], Cell], doc: str) -> Column:
    return Column(name=name, type=type_, description=doc, cell=cell)


_COLUMNS: dict[str, tuple[Column, ...]] = {
    resources.PACKAGE_REVISIONS.plural: (
        _NAME,
        _col("Package", "string", _text("spec", "packageName"), "Package path in the repository."),
        _col("WorkspaceName", "string", _text("spec", "workspaceName"), "Workspace of the change."),
        _col("Revision", "integer", _revision, "Revision number (0 until published)."),
        _col("Latest", "boolean", _latest, "Whether this is the latest published revision."),
        _col("Lifecycle", "string", _text("spec", "lifecycle"), "Draft, Proposed, Published..."),
        _col("Repository", "string", _text("spec", "repository"), "Repository name."),
        _WIDE_AGE,
    ),
    resources.PACKAGE_REVISION_RESOURCES.plural: (
        _NAME,
        _col("Package", "string", _text("spec", "packageName"), "Package path in the repository."),
        _col("WorkspaceName", "string", _text("spec", "workspaceName"), "Workspace of the change."),
        _col("Revision", "integer", _revision, "Revision number (0 until published)."),
        _col("Repository", "string", _text("spec", "repository"), "Repository name."),
        _col("Files", "integer", _files, "Number of files in the package."),
        _WIDE_AGE,
    ),
    resources.REPOSITORIES.plural: (
        _NAME,
        _col("Type", "string", _text("spec", "type"), "Repository type (git or oci)."),
        _col("Content", "string", _text("spec", "content"), "Repository content."),
        _col("Sync Schedule", "string", _text("spec", "sync", "schedule"), "Cron sync schedule."),
        _col("Deployment", "boolean", _deployment, "Whether packages are deployment-ready."),
        _col("Ready", "string", _ready, "Status of the Ready condition."),
        _col("Address", "string", _address, "Git repository URL or OCI registry."),
        dataclasses.replace(
            _col("Branch", "string", _text("spec", "git", "branch"), "Git branch."), priority=1
        ),
        _WIDE_AGE,
    ),
}


def _data_count(obj: Json, _now: datetime) -> Cell:
    return len(_get(obj, "data") or {})


# Core v1 (local mode), with kube-apiserver's columns.
_COLUMNS["secrets"] = (
    _NAME,
    _col("Type", "string", _text("type"), "The type of the secret."),
    _col("Data", "string", _data_count, "The number of keys in the secret."),
    _AGE,
)
_COLUMNS["namespaces"] = (
    _NAME,
    _col("Status", "string", _text("status", "phase"), "The status of the namespace."),
    _AGE,
)


def columns_for(resource: ResourceDef) -> tuple[Column, ...]:
    """The columns of ``resource`` (Name and Age for a resource without its own)."""
    return _COLUMNS.get(resource.plural, (_NAME, _AGE))


def _row_object(obj: Json, include_object: str) -> Json | None:
    if include_object == "None":
        return None
    if include_object == "Object":
        return obj
    metadata = obj.get("metadata")
    return {
        "kind": "PartialObjectMetadata",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": dict(metadata) if isinstance(metadata, dict) else {},
    }


def table_for(
    resource: ResourceDef,
    objects: list[Json],
    *,
    resource_version: str,
    continue_token: str = "",
    include_object: str = "Metadata",
    now: datetime,
    with_definitions: bool = True,
    remaining_item_count: int | None = None,
) -> Json:
    """A ``meta.k8s.io/v1`` Table of ``objects``.

    ``include_object`` is the ``includeObject`` query parameter (None, Metadata or Object).
    Without ``with_definitions`` (watch events after the first) ``columnDefinitions`` is null,
    as kube-apiserver sends it. ``now`` must be timezone-aware.
    """
    if include_object not in INCLUDE_OBJECT:
        raise ValueError(f"includeObject must be one of {', '.join(INCLUDE_OBJECT)}")
    columns = columns_for(resource)
    metadata: Json = {"resourceVersion": resource_version}
    if continue_token:
        metadata["continue"] = continue_token
    if remaining_item_count is not None:
        metadata["remainingItemCount"] = remaining_item_count
    return {
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": metadata,
        "columnDefinitions": [c.definition() for c in columns] if with_definitions else None,
        "rows": [
            {
                "cells": [c.cell(obj, now) for c in columns],
                "object": _row_object(obj, include_object),
            }
            for obj in objects
        ],
    }


# key -> (resourceVersion/includeObject, creation time (epoch s) or None, age text, row)
RowCache = dict[str, tuple[str, float | None, str, bytes]]


def encoded_table(
    resource: ResourceDef,
    objects: list[tuple[str, Json]],
    *,
    cache: RowCache,
    resource_version: str,
    continue_token: str = "",
    include_object: str = "Metadata",
    now: datetime,
    remaining_item_count: int | None = None,
) -> bytes:
    """``table_for`` as JSON bytes, reusing each row's encoding while its object and its
    humanized age are unchanged (a 10,000-row list re-renders nothing but the ages)."""
    head = table_for(
        resource,
        [],
        resource_version=resource_version,
        continue_token=continue_token,
        include_object=include_object,
        now=now,
        remaining_item_count=remaining_item_count,
    )
    columns = columns_for(resource)
    aged = any(c.cell is age for c in columns)
    now_s = now.timestamp()
    rows: list[bytes] = []
    for key, obj in objects:
        version = f"{_get(obj, 'metadata', 'resourceVersion')}/{include_object}"
        hit = cache.get(key)
        if hit is not None and hit[0] == version:
            created = hit[1]
            text = _age_text(created, now_s) if aged else ""
            if text == hit[2]:
                rows.append(hit[3])
                continue
        else:
            stamp = _get(obj, "metadata", "creationTimestamp")
            parsed = _parse_time(stamp) if isinstance(stamp, str) else None
            created = parsed.timestamp() if parsed else None
            text = _age_text(created, now_s) if aged else ""
        row = {
            "cells": [c.cell(obj, now) for c in columns],
            "object": _row_object(obj, include_object),
        }
        data = _encoder.encode(row)
        cache[key] = (version, created, text, data)
        rows.append(data)
    encoded = _encoder.encode(head)
    assert encoded.endswith(b'"rows":[]}')
    return encoded[:-2] + b",".join(rows) + b"]}"


def _age_text(created: float | None, now_s: float) -> str:
    return "<unknown>" if created is None else human_duration(now_s - created)


_encoder = msgspec.json.Encoder()


def wants_table(accept: str) -> bool:
    """True when the first acceptable Accept alternative is a ``meta.k8s.io`` Table.

    kubectl asks for ``as=Table;v=v1;g=meta.k8s.io`` (then v1beta1, then plain JSON);
    ``-o yaml`` and friends ask for plain JSON.
    """
    for media in discovery.parse_accept(accept):
        if not media.matches_json():
            continue
        wanted = media.params.get("as")
        if wanted is None:
            return False
        if (
            wanted == "Table"
            and media.params.get("g") == "meta.k8s.io"
            and media.params.get("v") in _TABLE_VERSIONS
        ):
            return True
    return False


__all__ = [
    "INCLUDE_OBJECT",
    "LATEST_LABEL",
    "TABLE_CONTENT_TYPE",
    "Column",
    "age",
    "columns_for",
    "human_duration",
    "table_for",
    "wants_table",
]
