"""Moving KRM objects into a Starlark script and merging what it returns back in place.

Items go in as plain dicts/lists/scalars (what the catalog's starlark function hands its
script); what comes back is merged into the original nodes so unchanged fields keep
their comments, quoting and key order, changed values keep their comments, new keys are
appended in sorted order and new objects come out sorted — the result kpt's comment and
order healing gives the catalog's output. Pure; no I/O.
"""

from __future__ import annotations

from typing import Any

from porch.functions import nodes
from porch.krm.yamlview import Literal, Map, Seq


def to_plain(value: Any) -> Any:
    """A value as builtin Python data (exact ``dict``/``list``/``str``/``int`` ...)."""
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_plain(v) for v in value]
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return nodes.scalar_text(value)


def to_node(value: Any) -> Any:
    """New data as Map/Seq values the way yaml.v3 marshals a Go map: keys sorted."""
    if isinstance(value, dict):
        node = Map()
        for key in sorted(value, key=str):
            node[str(key)] = to_node(value[key])
        return node
    if isinstance(value, list | tuple):
        return Seq([to_node(v) for v in value])
    if isinstance(value, str):
        return Literal(value) if "\n" in value else nodes.go_string(value)
    return value


def _same_scalar(old: Any, new: Any) -> bool:
    plain = to_plain(old)
    return type(plain) is type(new) and plain == new


def merge_map(old: Map, new: dict[str, Any]) -> Map:
    for key in [k for k in old if str(k) not in new]:
        del old[key]
    for key in list(old):
        old[key] = merge_value(old[key], new[str(key)])
    existing = {str(k) for k in old}
    for key in sorted(k for k in new if k not in existing):
        old[key] = to_node(new[key])
    return old


def merge_seq(old: Seq, new: list[Any]) -> Seq:
    for index in range(min(len(old), len(new))):
        # kpt keeps an element's comment only if unchanged, as a Seq does
        old[index] = merge_value(old[index], new[index])
    del old[len(new) :]
    old.extend(to_node(v) for v in new[len(old) :])
    return old


def merge_value(old: Any, new: Any) -> Any:
    if isinstance(old, Map) and isinstance(new, dict):
        return merge_map(old, new)
    if isinstance(old, Seq) and isinstance(new, list):
        return merge_seq(old, new)
    if not nodes.is_collection(old) and _same_scalar(old, new):
        return old
    return to_node(new)


__all__ = ["merge_map", "merge_seq", "merge_value", "to_node", "to_plain"]
