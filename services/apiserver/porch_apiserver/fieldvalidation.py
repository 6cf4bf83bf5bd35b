"""Server-side field validation (``fieldValidation=Ignore|Warn|Strict``). Pure; no I/O.

kubectl sends ``Strict`` on apply/create/replace and leaves validation to the server
(reference/apis.md §1.5, §4): an unknown field is then a 400 ``strict decoding error``;
with ``Warn`` (the default) the write goes through and the response carries a
``Warning: 299`` header per field, which kubectl prints. Fields are checked against the
published OpenAPI schema of the kind; ``status`` (server-owned, ignored on writes) and any
field the stored object already has (the server put it there: echoing it back is no
mistake) are never unknown. Unless ``Strict`` refused them, unknown fields are then pruned
before the write, as kube-apiserver does (``prune``), so they are never stored.
"""

from __future__ import annotations

import functools
from typing import Any

from porch.errors import BadRequest
from porch_apiserver import openapi

IGNORE, WARN, STRICT = "Ignore", "Warn", "Strict"
_MODES = (IGNORE, WARN, STRICT)
_SERVER_OWNED = frozenset({"status"})


def mode(value: str | None) -> str:
    """The requested mode; unset means Warn, as in kube-apiserver."""
    if not value:
        return WARN
    if value not in _MODES:
        raise BadRequest(
            f'fieldValidation must be one of "Ignore", "Warn" or "Strict", not "{value}"'
        )
    return value


def unknown_fields(body: Any, schema: Any, known: Any = None, path: str = "") -> list[str]:
    """Dotted paths of ``body``'s fields that ``schema`` does not declare."""
    if not isinstance(schema, dict):
        return []
    if isinstance(body, list):
        items = schema.get("items")
        return [
            f for i, v in enumerate(body) for f in unknown_fields(v, items, None, f"{path}[{i}]")
        ]
    if not isinstance(body, dict) or schema.get("x-kubernetes-preserve-unknown-fields"):
        return []
    props = schema.get("properties")
    extra = schema.get("additionalProperties")
    if props is None:
        if isinstance(extra, dict):
            return [
                f for k, v in body.items() for f in unknown_fields(v, extra, None, f"{path}.{k}")
            ]
        return []
    have = known if isinstance(known, dict) else {}
    found: list[str] = []
    for key, value in body.items():
        where = f"{path}.{key}" if path else str(key)
        if not path and key in _SERVER_OWNED:
            continue
        if key in props:
            found += unknown_fields(value, props[key], have.get(key), where)
        elif key not in have:
            found.append(where)
    return found


def pruned(body: Any, schema: Any, known: Any = None, *, top: bool = True) -> Any:
    """``body`` without the fields ``schema`` does not declare (kube drops them before
    storing unless ``Strict`` refused them). ``x-kubernetes-preserve-unknown-fields``
    subtrees, top-level ``status`` and the fields ``known`` (the stored object) has stay."""
    if not isinstance(schema, dict):
        return body
    if isinstance(body, list):
        items = schema.get("items")
        return [pruned(v, items, top=False) for v in body]
    if not isinstance(body, dict) or schema.get("x-kubernetes-preserve-unknown-fields"):
        return body
    props = schema.get("properties")
    extra = schema.get("additionalProperties")
    if props is None:
        if isinstance(extra, dict):
            return {k: pruned(v, extra, top=False) for k, v in body.items()}
        return body
    have = known if isinstance(known, dict) else {}
    out: dict[str, Any] = {}
    for key, value in body.items():
        if top and key in _SERVER_OWNED:
            out[key] = value
        elif key in props:
            out[key] = pruned(value, props[key], have.get(key), top=False)
        elif key in have:
            out[key] = value
    return out


def prune(body: Any, *, kind: str, current: Any = None) -> Any:
    """``pruned`` against the published schema of ``kind`` (unchanged if it has none)."""
    schema = _schema(kind)
    return pruned(body, schema, current) if schema is not None else body


def check(value: str | None, body: Any, *, kind: str, current: Any = None) -> list[str]:
    """Warnings to send (Warn), nothing (Ignore), or a 400 (Strict with unknown fields)."""
    chosen = mode(value)
    if chosen == IGNORE:
        return []
    schema = _schema(kind)
    found = unknown_fields(body, schema, current) if schema is not None else []
    if not found:
        return []
    if chosen == STRICT:
        listed = ", ".join(f'unknown field "{f}"' for f in found)
        raise BadRequest(f"strict decoding error: {listed}")
    return [f'unknown field "{f}"' for f in found]


@functools.cache
def _schema(kind: str) -> Any:
    return openapi.schema_for(kind)  # resolved once; only read here


def warning_header(message: str) -> str:
    """One ``Warning`` header value (RFC 7234 code 299, as kube-apiserver sends)."""
    escaped = message.replace("\\", "\\\\").replace('"', '\\"')
    return f'299 - "{escaped}"'


__all__ = [
    "IGNORE",
    "STRICT",
    "WARN",
    "check",
    "mode",
    "prune",
    "pruned",
    "unknown_fields",
    "warning_header",
]
