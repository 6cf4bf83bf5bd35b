"""Which resources a function step sees (selectors, exclusions) and merging its output back.

Why it exists: a pipeline step (or ``fn eval --match-*/--exclude-*``) may run on a subset.
kpt's rules: a selector matches when every field it sets matches exactly (labels and
annotations: all listed pairs present); selectors are OR-ed (an item matching two is
passed twice — kpt's quirk, kept); exclusions are OR-ed and empty ones ignored. The output
is merged back by a temporary ``kpt-resource-id`` annotation: unselected items stay in
place, selected ones are replaced or (when missing) deleted, new ones are appended.

Pure; no I/O. It must not run functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from porch.kpt import bookkeeping
from porch.kpt.kptfile import Selector
from porch.krm.yamlview import Map


def _meta(item: Any) -> dict[str, Any]:
    meta = item.get("metadata")
    return meta if isinstance(meta, dict) else {}


def _pairs(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(k): "" if v is None else str(v) for k, v in value.items()}


def matches(item: Map, selector: Selector) -> bool:
    meta = _meta(item)
    checks = (
        (selector.name, meta.get("name")),
        (selector.namespace, meta.get("namespace")),
        (selector.kind, item.get("kind")),
        (selector.api_version, item.get("apiVersion")),
    )
    if any(want and want != str(have or "") for want, have in checks):
        return False
    labels, notes = _pairs(meta.get("labels")), _pairs(meta.get("annotations"))
    return all(labels.get(k) == v for k, v in selector.labels.items()) and all(
        notes.get(k) == v for k, v in selector.annotations.items()
    )


def select(
    items: list[Map], *, selectors: Sequence[Selector], exclusions: Sequence[Selector]
) -> list[Map]:
    chosen = (
        list(items)
        if not selectors
        else [item for item in items for sel in selectors if matches(item, sel)]
    )
    active = [e for e in exclusions if not e.is_empty()]
    return [item for item in chosen if not any(matches(item, e) for e in active)]


def stamp(items: list[Map]) -> None:
    for number, item in enumerate(items):
        bookkeeping.set_value(item, bookkeeping.RESOURCE_ID, str(number))


def unstamp(items: list[Map]) -> None:
    for item in items:
        bookkeeping.clear(item, bookkeeping.RESOURCE_ID)


def merge_back(output: list[Map], selected: list[Map], items: list[Map]) -> list[Map]:
    """Full list after a step that ran on ``selected`` and produced ``output``."""
    by_id = {bookkeeping.get(o, bookkeeping.RESOURCE_ID): o for o in reversed(output)}
    chosen = {bookkeeping.get(s, bookkeeping.RESOURCE_ID) for s in selected}
    result = []
    for item in items:
        rid = bookkeeping.get(item, bookkeeping.RESOURCE_ID)
        if rid not in chosen:
            result.append(item)
        elif rid in by_id:
            result.append(by_id[rid])
    result.extend(o for o in output if not bookkeeping.get(o, bookkeeping.RESOURCE_ID))
    return result


__all__ = ["matches", "merge_back", "select", "stamp", "unstamp"]
