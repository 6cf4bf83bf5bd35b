"""Kustomize field specs: which field of which kinds a transformer edits.

A spec is ``{group, version, kind, path: a/b/c, create}``; empty selector parts match
anything, ``name[]`` steps into every element of a list. ``visit`` hands each matching
field's parent and key to a callback, creating missing maps when ``create`` is set (as
kustomize's ``fieldspec`` filter does). Pure; no I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from porch.functions import objects
from porch.krm.yamlview import Map, Seq


@dataclass(frozen=True)
class FieldSpec:
    path: str
    group: str = ""
    version: str = ""
    kind: str = ""
    create: bool = False

    def selects(self, item: Map) -> bool:
        own_group, own_version = objects.split_api_version(objects.api_version(item))
        return (
            (not self.group or self.group == own_group)
            and (not self.version or self.version == own_version)
            and (not self.kind or self.kind == objects.kind(item))
        )


def parse(raw: Any) -> FieldSpec:
    if not isinstance(raw, dict):
        raise ValueError(f"a field spec must be a mapping, got {raw!r}")
    return FieldSpec(
        path=objects.text(raw.get("path")),
        group=objects.text(raw.get("group")),
        version=objects.text(raw.get("version")),
        kind=objects.text(raw.get("kind")),
        create=raw.get("create") is True or objects.text(raw.get("create")) == "true",
    )


def parse_all(raw: Any) -> list[FieldSpec]:
    return [parse(entry) for entry in raw or []] if isinstance(raw, list) else []


Visit = Callable[[Map, str], None]


def visit(item: Map, spec: FieldSpec, callback: Visit) -> None:
    """Call ``callback(parent, key)`` for the field ``spec.path`` names in ``item``."""
    steps = [step for step in spec.path.split("/") if step]
    if steps:
        _descend(item, steps, spec.create, callback)


def _descend(node: Any, steps: list[str], create: bool, callback: Visit) -> None:
    step, rest = steps[0], steps[1:]
    if step.endswith("[]"):
        children = node.get(step[:-2]) if isinstance(node, Map) else None
        if isinstance(children, Seq):
            for child in children:
                if rest:
                    _descend(child, rest, create, callback)
        return
    if not isinstance(node, Map):
        return
    if not rest:
        callback(node, step)
        return
    child = node.get(step)
    if child is None and create:
        child = node[step] = Map()
    if child is not None:
        _descend(child, rest, create, callback)


def visit_all(item: Map, specs: Iterable[FieldSpec], callback: Visit) -> None:
    for spec in specs:
        if spec.selects(item):
            visit(item, spec, callback)


__all__ = ["FieldSpec", "parse", "parse_all", "visit", "visit_all"]
