"""Field paths for server-side apply: kube's ``fieldsV1`` tokens, read off an object
through its kind's published OpenAPI schema. Pure; no I/O.

A path is a tuple of tokens (``("f:metadata", "f:finalizers", 'v:"a"')``): ``f:<name>`` a
map key, ``v:<json>`` a scalar of a ``x-kubernetes-list-type: set`` list, ``k:{<keys>}`` an
item of a ``map`` list by its ``x-kubernetes-list-map-keys``. Lists without a type are
atomic (one leaf), as for CRDs and Porch's own types, which carry no list markers; an item
typed ``x-kubernetes-map-type: atomic`` (kube's OwnerReference) is one leaf too. Encoded as
a trie, a member that also has children carries ``.``, exactly as kube writes
``managedFields``. Identity and server-owned fields are never part of a field set.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping
from typing import Any

from porch.errors import BadRequest
from porch_apiserver import openapi

Json = dict[str, Any]
Path = tuple[str, ...]
Schema = Mapping[str, Any] | None
SELF = "."  # fieldsV1: the node itself is a member, besides its children
_UNOWNED: frozenset[Path] = frozenset(
    tuple(f"f:{name}" for name in dotted.split("."))
    for dotted in (
        "apiVersion",
        "kind",
        "status",
        "metadata.name",
        "metadata.namespace",
        "metadata.uid",
        "metadata.resourceVersion",
        "metadata.creationTimestamp",
        "metadata.generation",
        "metadata.managedFields",
        "metadata.deletionTimestamp",
        "metadata.deletionGracePeriodSeconds",
        "metadata.selfLink",
    )
)
# ObjectMeta's lists, for a kind without a published schema.
_META_ONLY: Json = {
    "type": "object",
    "properties": {
        "metadata": {
            "type": "object",
            "properties": {
                "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                "annotations": {"type": "object", "additionalProperties": {"type": "string"}},
                "finalizers": {
                    "type": "array",
                    "items": {"type": "string"},
                    "x-kubernetes-list-type": "set",
                },
                "ownerReferences": {
                    "type": "array",
                    "items": {"type": "object", "x-kubernetes-map-type": "atomic"},
                    "x-kubernetes-list-type": "map",
                    "x-kubernetes-list-map-keys": ["uid"],
                },
            },
        }
    },
}


class _Node:
    """The value of a member that has children: compared by presence only."""

    def __repr__(self) -> str:
        return "NODE"


NODE = _Node()
MISSING = object()


# --- schemas -----------------------------------------------------------------------------------


@functools.cache
def _kind_schema(kind: str) -> Json:
    return openapi.schema_for(kind) or _META_ONLY  # resolved once; only read here


def schema_of(obj: Any) -> Json:
    """The published schema of ``obj``'s kind (ObjectMeta's lists only, if none)."""
    kind = obj.get("kind") if isinstance(obj, dict) else None
    return _kind_schema(kind) if isinstance(kind, str) and kind else _META_ONLY


def child(schema: Schema, key: str) -> Schema:
    if not isinstance(schema, Mapping):
        return None
    props = schema.get("properties")
    if isinstance(props, Mapping) and key in props:
        found: Schema = props[key]
        return found
    extra = schema.get("additionalProperties")
    return extra if isinstance(extra, Mapping) else None


def _is_map(schema: Schema) -> bool:
    """A map type (string keys to values), not a struct: kube owns it as a node when an
    update creates it (``f:labels: {.: {}, f:a: {}}``), as it does Go maps."""
    if not isinstance(schema, Mapping) or "properties" in schema:
        return False
    extra = schema.get("additionalProperties")
    return isinstance(extra, Mapping) or bool(schema.get("x-kubernetes-preserve-unknown-fields"))


def atomic_map(schema: Schema) -> bool:
    """``x-kubernetes-map-type: atomic`` (Go's ``+structType=atomic``, e.g. OwnerReference):
    one owner for the whole object."""
    return isinstance(schema, Mapping) and schema.get("x-kubernetes-map-type") == "atomic"


def list_type(schema: Schema) -> tuple[str, tuple[str, ...]]:
    if not isinstance(schema, Mapping):
        return "atomic", ()
    kind = schema.get("x-kubernetes-list-type", "atomic")
    keys = tuple(schema.get("x-kubernetes-list-map-keys") or ())
    if kind == "set" or (kind == "map" and keys):
        return kind, keys
    return "atomic", ()


def items_of(schema: Schema) -> Schema:
    return schema.get("items") if isinstance(schema, Mapping) else None


# --- path tokens -------------------------------------------------------------------------------


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def item_token(item: Any, kind: str, keys: tuple[str, ...], where: Path, *, strict: bool) -> str:
    """``v:<json>`` for a set's scalar, ``k:{<sorted keys>}`` for a map list's item; ""
    for an item that has none (skipped, or a 400 when ``strict``)."""
    if kind == "set":
        if not isinstance(item, dict | list):
            return f"v:{_compact(item)}"
        problem = "a set may only hold scalars"
    elif isinstance(item, dict):
        missing = [k for k in keys if item.get(k) is None]
        if not missing:
            return f"k:{_compact({k: item[k] for k in sorted(keys)})}"
        problem = (
            f'associative list with keys has an element that omits key field "{missing[0]}" '
            "(and doesn't have default value)"
        )
    else:
        problem = "associative list with keys has an element that is not an object"
    if strict:
        raise BadRequest(f"{dotted(where)}: {problem}")
    return ""


def dotted(path: Iterable[str]) -> str:
    """A path as kube prints it in conflicts: ``.metadata.ownerReferences[uid="1"].name``."""
    out = []
    for token in path:
        if token.startswith("f:"):
            out.append(f".{token[2:]}")
        elif token.startswith("k:"):
            keys = json.loads(token[2:])
            out.append("[" + ",".join(f"{k}={_go_value(v)}" for k, v in keys.items()) + "]")
        elif token.startswith("v:"):
            out.append(f"[={_go_value(json.loads(token[2:]))}]")
        else:
            out.append(f"[{token[2:]}]")
    return "".join(out)


def _go_value(value: Any) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # Go's %q, for ordinary strings
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    return str(value)


def owned(path: Path) -> bool:
    return not any(path[: len(u)] == u for u in _UNOWNED)


# --- field sets --------------------------------------------------------------------------------


def fieldset(
    obj: Any, schema: Schema = None, *, update: bool = False, strict: bool = False
) -> dict[Path, Any]:
    """The owned paths of ``obj`` with their values (a node's value is a marker).

    Apply sets (``update=False``) hold leaves, empty maps and associative list items, as
    structured-merge-diff's ``ToFieldSet``; ``Update`` sets also hold the maps and
    associative lists themselves, which kube's comparison reports when a write adds them.
    ``strict`` makes a set item that is not a scalar, a map item without its keys, or a
    duplicate item a 400 (an applied config); otherwise they are skipped (stored objects).
    """
    out: dict[Path, Any] = {}
    if isinstance(obj, dict):
        _walk_map(obj, schema if schema is not None else schema_of(obj), (), out, update, strict)
    return {p: v for p, v in out.items() if owned(p)}


def _walk(
    value: Any, schema: Schema, path: Path, out: dict[Path, Any], update: bool, strict: bool
) -> None:
    if isinstance(value, dict) and value and not atomic_map(schema):
        if update and _is_map(schema):
            out[path] = NODE
        _walk_map(value, schema, path, out, update, strict)
        return
    kind, keys = list_type(schema) if isinstance(value, list) else ("atomic", ())
    if kind == "atomic":
        out[path] = value
        return
    if update:
        out[path] = NODE
    items = items_of(schema)
    for item in value:
        token = item_token(item, kind, keys, path, strict=strict)
        where = (*path, token)
        if not token:
            continue
        if where in out:
            if strict:
                raise BadRequest(f"{dotted(where)}: duplicate entries for key {dotted((token,))}")
            continue
        if kind == "set" or atomic_map(items):
            out[where] = item
            continue
        out[where] = NODE
        _walk_map(item, items, where, out, update, strict)


def _walk_map(
    value: Json, schema: Schema, path: Path, out: dict[Path, Any], update: bool, strict: bool
) -> None:
    for key, sub in value.items():
        where = (*path, f"f:{key}")
        if owned(where):
            _walk(sub, child(schema, str(key)), where, out, update, strict)


def leaves(obj: Any, schema: Schema = None) -> set[Path]:
    """The paths an apply of ``obj`` owns."""
    return set(fieldset(obj, schema))


def step(node: Any, token: str) -> tuple[bool, Any]:
    if token.startswith("f:"):
        if isinstance(node, dict) and token[2:] in node:
            return True, node[token[2:]]
        return False, None
    if not isinstance(node, list):
        return False, None
    wanted = json.loads(token[2:])
    for item in node:
        if token.startswith("v:") and item == wanted and type(item) is type(wanted):
            return True, item
        if (
            token.startswith("k:")
            and isinstance(item, dict)
            and all(item.get(k) == v for k, v in wanted.items())
        ):
            return True, item
    return False, None


def value_at(obj: Any, path: Path) -> tuple[bool, Any]:
    for token in path:
        found, obj = step(obj, token)
        if not found:
            return False, None
    return True, obj


# --- fieldsV1 ----------------------------------------------------------------------------------


def fields_v1(paths: Iterable[Path]) -> Json:
    """The ``fieldsV1`` trie: ``{"f:metadata": {"f:finalizers": {'v:"a"': {}}}}``, with
    ``.`` where a member has children, keys sorted as kube sorts them."""
    members = set(paths)
    root: Json = {}
    for path in members:
        node = root
        for token in path:
            node = node.setdefault(token, {})
    for path in members:
        node = _trie_at(root, path)
        if node:
            node[SELF] = {}
    return _sorted_trie(root)


def _trie_at(trie: Json, path: Path) -> Json:
    for token in path:
        trie = trie[token]
    return trie


def _sorted_trie(trie: Json) -> Json:
    # "." sorts before "f:" (fields by name), then "k:", then "v:": kube's order.
    return {k: _sorted_trie(trie[k]) for k in sorted(trie)}


def parse_fields_v1(trie: Any, prefix: Path = ()) -> frozenset[Path]:
    """The member paths of a ``fieldsV1`` trie (unknown keys are ignored)."""
    if not isinstance(trie, dict):
        return frozenset()
    out: set[Path] = set()
    for key, sub in trie.items():
        if key == SELF:
            if prefix:
                out.add(prefix)
        elif isinstance(key, str) and key[:2] in ("f:", "k:", "v:", "i:"):
            path = (*prefix, key)
            if isinstance(sub, dict) and sub:
                out |= parse_fields_v1(sub, path)
            else:
                out.add(path)
    return frozenset(out)


__all__ = [
    "MISSING",
    "NODE",
    "SELF",
    "Path",
    "Schema",
    "atomic_map",
    "child",
    "dotted",
    "fields_v1",
    "fieldset",
    "item_token",
    "items_of",
    "leaves",
    "list_type",
    "owned",
    "parse_fields_v1",
    "schema_of",
    "step",
    "value_at",
]
