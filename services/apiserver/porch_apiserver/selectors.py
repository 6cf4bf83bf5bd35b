"""Label and field selectors as kube-apiserver parses them. Pure; no I/O.

Label grammar (comma = AND): ``k=v``, ``k==v``, ``k!=v``, ``k in (a,b)``, ``k notin (a,b)``,
``k``, ``!k``. Field selectors: ``f=v``, ``f==v``, ``f!=v`` over a per-resource set of
supported fields (plus Porch's ``spec.packageMetadata.labels[<key>]`` on package revisions);
anything else is a 400 naming the field, and a ``spec.lifecycle`` that is not a lifecycle is a
400 too, as in Porch.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from porch.errors import BadRequest

Predicate = Callable[[dict[str, Any]], bool]

_SET = re.compile(r"^\s*(!?)([A-Za-z0-9./_-]+)\s*(?:(in|notin)\s*\(([^)]*)\))?\s*$")
_EQ = re.compile(r"^\s*([A-Za-z0-9./_-]+)\s*(==|=|!=)\s*([A-Za-z0-9._-]*)\s*$")


def _split(selector: str) -> list[str]:
    """Split on commas that are not inside parentheses."""
    parts, depth, cur = [], 0, ""
    for ch in selector:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    if cur.strip():
        parts.append(cur)
    return parts


Requirement = tuple[str, str, frozenset[str]]  # (key, operator, values)


def _holds(req: Requirement, m: Mapping[str, str]) -> bool:
    key, op, values = req
    if op == "exists":
        return key in m
    if op == "!exists":
        return key not in m
    if op in ("=", "==", "in"):
        return m.get(key) in values
    return m.get(key) not in values  # "!=" and "notin" match objects without the key


def parse_labels(selector: str) -> list[Requirement]:
    reqs: list[Requirement] = []
    for part in _split(selector or ""):
        eq = _EQ.match(part)
        if eq:
            key, op, value = eq.groups()
            reqs.append((key, op, frozenset({value})))
            continue
        st = _SET.match(part)
        if not st or (st.group(1) and st.group(3)):
            raise BadRequest(f"unable to parse requirement: {part.strip()!r}")
        neg, key, op, values = st.groups()
        if op:
            reqs.append((key, op, frozenset(v.strip() for v in values.split(",") if v.strip())))
        else:
            reqs.append((key, "!exists" if neg else "exists", frozenset()))
    return reqs


def labels(selector: str) -> Callable[[Mapping[str, str]], bool]:
    reqs = parse_labels(selector)
    return lambda m: all(_holds(r, m) for r in reqs)


FieldGetter = Callable[[dict[str, Any]], str]


def fields(selector: str, supported: Mapping[str, FieldGetter]) -> Predicate:
    reqs: list[tuple[FieldGetter, bool, str]] = []
    for part in _split(selector or ""):
        match = re.match(r"^\s*([^=!]+?)\s*(==|=|!=)\s*(.*?)\s*$", part)
        if not match:
            raise BadRequest(f"invalid field selector: {part.strip()!r}")
        name, op, value = match.groups()
        direct = None if name.endswith("[*]") else supported.get(name)
        getter = direct or _keyed(name, supported)
        if getter is None:
            raise BadRequest(f"field label not supported: {name}")
        allowed = VALUES.get(name)
        if allowed is not None and value not in allowed:
            raise BadRequest(
                f'invalid value "{value}" for field selector {name}: '
                f"must be one of {', '.join(allowed)}"
            )
        reqs.append((getter, op != "!=", value))
    return lambda o: all((g(o) == v) == want for g, want, v in reqs)


def matcher(
    namespace: str | None, label: str, field: str, supported: Mapping[str, FieldGetter]
) -> Predicate:
    """Whether an object is in ``namespace`` (None: any) and matches both selectors. Watches
    run it per watcher per change, so the common unselected case checks the namespace
    only."""
    by_labels = labels(label)
    by_fields = fields(field, supported)
    if not label and not field:

        def in_scope(obj: dict[str, Any]) -> bool:
            return namespace is None or (obj.get("metadata") or {}).get("namespace") == namespace

        return in_scope

    def matches(obj: dict[str, Any]) -> bool:
        meta = obj.get("metadata") or {}
        if namespace is not None and meta.get("namespace") != namespace:
            return False
        return by_labels(meta.get("labels") or {}) and by_fields(obj)

    return matches


def _get(*path: str) -> Callable[[dict[str, Any]], str]:
    def getter(obj: dict[str, Any]) -> str:
        cur: Any = obj
        for key in path:
            cur = cur.get(key) if isinstance(cur, dict) else None
        return "" if cur is None else str(cur)

    return getter


PACKAGE_LABELS = "spec.packageMetadata.labels"
_KEYED = re.compile(r"^([A-Za-z.]+)\[([A-Za-z0-9./_-]+)\]$")


def _keyed(name: str, supported: Mapping[str, FieldGetter]) -> FieldGetter | None:
    """A getter for ``map[key]`` when the resource supports the map (``map[*]``)."""
    match = _KEYED.match(name)
    if match is None or f"{match.group(1)}[*]" not in supported:
        return None
    return _get(*match.group(1).split("."), match.group(2))


COMMON_FIELDS = {
    "metadata.name": _get("metadata", "name"),
    "metadata.namespace": _get("metadata", "namespace"),
}
REVISION_FIELDS = {
    **COMMON_FIELDS,
    "spec.revision": _get("spec", "revision"),
    "spec.packageName": _get("spec", "packageName"),
    "spec.repository": _get("spec", "repository"),
    "spec.workspaceName": _get("spec", "workspaceName"),
    "spec.lifecycle": _get("spec", "lifecycle"),
    f"{PACKAGE_LABELS}[*]": _get(),  # marker: any key, see _keyed
}
VALUES = {"spec.lifecycle": ("Draft", "Proposed", "Published", "DeletionProposed")}

__all__ = [
    "COMMON_FIELDS",
    "PACKAGE_LABELS",
    "REVISION_FIELDS",
    "VALUES",
    "fields",
    "labels",
    "matcher",
]
