"""Applying PATCH bodies: JSON merge patch (RFC 7386), JSON patch (RFC 6902), and
strategic merge patch. Pure; no I/O.

Strategic merge patch is a merge patch whose lists are replaced, except where kube's Go
types tag a list ``patchStrategy: merge``: of ours, only ObjectMeta's ``finalizers`` (a set
of strings: the patch's values are added) and ``ownerReferences`` (merged by ``uid``), as
kube-apiserver does for every built-in type. Its directives: ``$patch: replace|delete`` on
a map or a list item, ``$deleteFromPrimitiveList/<list>``, ``$setElementOrder/<list>`` and
``$retainKeys``; any other ``$`` key is dropped.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import jsonpatch

from porch.errors import BadRequest, Invalid, PorchError

MERGE = "application/merge-patch+json"
JSON_PATCH = "application/json-patch+json"
STRATEGIC = "application/strategic-merge-patch+json"
APPLY = "application/apply-patch+yaml"


class UnsupportedMediaType(PorchError):
    code = 415
    reason = "UnsupportedMediaType"


def merge(target: Any, patch: Any) -> Any:
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    out = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = merge(out.get(key), value)
    return out


# ObjectMeta's lists with kube's ``patchStrategy: merge``, and their merge key (None: a set).
_MERGED_LISTS: dict[tuple[str, ...], str | None] = {
    ("metadata", "finalizers"): None,
    ("metadata", "ownerReferences"): "uid",
}
_DELETE = object()  # a ``$patch: delete`` map: its key goes
_DELETE_FROM = "$deleteFromPrimitiveList/"
_ORDER = "$setElementOrder/"


def strategic(target: Any, patch: Any, path: tuple[str, ...] = ()) -> Any:
    """``patch`` (a strategic merge patch) applied to ``target``."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    directive = patch.get("$patch")
    if directive == "replace":
        return _strip_directives(patch)
    if directive == "delete":
        return _DELETE
    if directive is not None:
        raise BadRequest(f"unknown patch type: {directive!r} in map: {_where(path)}")
    out = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if key.startswith(_DELETE_FROM):
            name = key[len(_DELETE_FROM) :]
            if isinstance(out.get(name), list) and isinstance(value, list):
                out[name] = [item for item in out[name] if item not in value]
    for key, value in patch.items():
        if key.startswith("$"):
            continue
        where = (*path, key)
        if value is None:
            out.pop(key, None)
        elif where in _MERGED_LISTS and isinstance(value, list):
            out[key] = _merge_list(out.get(key), value, _MERGED_LISTS[where], where)
        else:
            merged = strategic(out.get(key), value, where)
            if merged is _DELETE:
                out.pop(key, None)
            else:
                out[key] = merged
    for key, value in patch.items():
        if key.startswith(_ORDER) and isinstance(out.get(key[len(_ORDER) :]), list):
            name = key[len(_ORDER) :]
            out[name] = _ordered(out[name], value, _MERGED_LISTS.get((*path, name)))
    retain = patch.get("$retainKeys")
    if isinstance(retain, list):
        out = {k: v for k, v in out.items() if k in retain}
    return out


def _merge_list(target: Any, patch: list[Any], key: str | None, path: tuple[str, ...]) -> Any:
    have = list(target) if isinstance(target, list) else []
    if key is None:  # a set of scalars: kube appends the new values, keeping the first of each
        out: list[Any] = []
        for item in [*have, *patch]:
            if item not in out:
                out.append(item)
        return out
    if any(isinstance(i, dict) and i.get("$patch") == "replace" for i in patch):
        return [_strip_directives(i) for i in patch if not _is_directive_item(i)]
    for item in patch:
        if not isinstance(item, dict) or item.get(key) is None:
            raise BadRequest(f"map: {item} does not contain declared merge key: {key}")
        at = next(
            (n for n, h in enumerate(have) if isinstance(h, dict) and h.get(key) == item[key]), None
        )
        if item.get("$patch") == "delete":
            have = [h for h in have if not (isinstance(h, dict) and h.get(key) == item[key])]
        elif at is None:
            have.append(_strip_directives(item))
        else:
            have[at] = strategic(have[at], item, path)
    return have


def _is_directive_item(item: Any) -> bool:
    return isinstance(item, dict) and set(item) == {"$patch"}


def _ordered(items: list[Any], order: Any, key: str | None) -> list[Any]:
    """Items named in ``$setElementOrder`` in that order; the others after, as they were."""
    if not isinstance(order, list):
        return items
    ids = [o.get(key) if key and isinstance(o, dict) else o for o in order]

    def rank(item: Any) -> int:
        ident = item.get(key) if key and isinstance(item, dict) else item
        return ids.index(ident) if ident in ids else len(ids)

    return sorted(items, key=rank)  # stable: unnamed items keep their order


def _where(path: tuple[str, ...]) -> str:
    return ".".join(path) or "<root>"


def _strip_directives(patch: Any) -> Any:
    if isinstance(patch, dict):
        return {k: _strip_directives(v) for k, v in patch.items() if not k.startswith("$")}
    if isinstance(patch, list):
        return [_strip_directives(v) for v in patch]
    return patch


def apply(content_type: str, current: dict[str, Any], patch: Any) -> dict[str, Any]:
    kind = content_type.split(";")[0].strip()
    if kind == MERGE:
        result = merge(current, patch)
    elif kind == STRATEGIC:
        result = strategic(current, patch)
    elif kind == JSON_PATCH:
        if not isinstance(patch, list):
            raise BadRequest("a JSON patch must be a list of operations")
        try:
            result = jsonpatch.apply_patch(current, patch)
        except (jsonpatch.JsonPatchException, jsonpatch.JsonPointerException) as exc:
            detail = re.sub(r" \(<class '[^']+'>\)", "", str(exc))  # Python type names
            raise Invalid(f"the JSON patch could not be applied: {detail}") from exc
    else:
        raise UnsupportedMediaType(
            f"the body of the request was in an unknown format - accepted media types "
            f"include: {JSON_PATCH}, {MERGE}, {STRATEGIC}"
        )
    if not isinstance(result, dict):
        raise BadRequest("the patched object is not an object")
    return result


__all__ = [
    "APPLY",
    "JSON_PATCH",
    "MERGE",
    "STRATEGIC",
    "UnsupportedMediaType",
    "apply",
    "merge",
    "strategic",
]
