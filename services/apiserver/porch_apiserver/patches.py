"""Applying PATCH bodies: JSON merge patch (RFC 7386), JSON patch (RFC 6902), and
strategic merge patch treated as a merge patch once its ``$`` directives are dropped
(our types have no list merge keys, like custom resources). Pure; no I/O.
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
        result = merge(current, _strip_directives(patch))
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


__all__ = ["APPLY", "JSON_PATCH", "MERGE", "STRATEGIC", "UnsupportedMediaType", "apply", "merge"]
