"""list-setters: report the setters a package uses, their values, types and use counts.

Port of the catalog's ``list-setters``: setters are found in ``# kpt-set:`` comments
(scalar patterns and array keys) and in the configs of the Kptfile's ``apply-setters``
mutators; one message per setter, sorted by name; resources are not changed. Pure; no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from porch.functions import nodes, objects, setters
from porch.functions.failures import fail
from porch.krm import yamlio
from porch.krm.resourcelist import ResourceList
from porch.krm.yamlview import Map, Seq


@dataclass
class _Setter:
    name: str
    value: str
    type: str
    count: int

    def message(self) -> str:
        return f"Name: {self.name}, Value: {self.value}, Type: {self.type}, Count: {self.count}"


class _Lister:
    def __init__(self) -> None:
        self.scalars: dict[str, _Setter] = {}
        self.arrays: dict[str, _Setter] = {}

    def on_mapping(self, mapping: Map, _path: str) -> None:
        for key, seq in nodes.fields(mapping):
            if not isinstance(seq, Seq):
                continue
            pattern = setters.pattern_of(setters.sequence_comment(mapping, key))
            if not pattern:
                continue
            name = setters.clean(pattern)
            if name in self.arrays:
                self.arrays[name].count += 1
            else:
                values = sorted(nodes.scalar_text(v) for v in seq)
                self.arrays[name] = _Setter(name, f"[{', '.join(values)}]", "array", 1)

    def on_scalar(self, slot: nodes.Slot) -> None:
        pattern = setters.pattern_of(nodes.line_comment(slot.parent, slot.key))
        if not pattern:
            return
        value_type = nodes.scalar_tag(slot.value)
        current = nodes.scalar_text(slot.value)
        for name, value in setters.current_values(pattern, current).items():
            known = self.scalars.get(name)
            if known is None:
                self.scalars[name] = _Setter(name, value, value_type, 1)
                continue
            if known.type == "str" and value_type != "str":
                known.type = value_type
            known.count += 1

    def add_declared(self, declared: dict[str, str]) -> None:
        for name, value in declared.items():
            values = _array_values(value)
            if values is not None:
                self.arrays[name] = _Setter(name, f"[{', '.join(values)}]", "array", 0)
            else:
                self.scalars[name] = _Setter(name, value, "str", 0)

    def results(self) -> list[dict[str, Any]]:
        found = sorted([*self.arrays.values(), *self.scalars.values()], key=lambda s: s.name)
        if not found:
            return [{"message": "no setters found", "severity": "warning"}]
        return [{"message": setter.message()} for setter in found]


def _array_values(value: str) -> list[str] | None:
    try:
        parsed = yamlio.load(value)
    except Exception:  # not YAML at all: a scalar setter
        return None
    if not isinstance(parsed, Seq):
        return None
    return [
        yamlio.dump(v).replace("\n", "") if nodes.is_collection(v) else nodes.scalar_text(v)
        for v in parsed
    ]


def _declared(items: list[Map]) -> dict[str, str]:
    """Setters declared by ``apply-setters`` steps of the Kptfile (last one wins)."""
    kptfile = next((i for i in items if objects.path_of(i) == "Kptfile"), None)
    pipeline = kptfile.get("pipeline") if kptfile is not None else None
    mutators = pipeline.get("mutators") if isinstance(pipeline, dict) else None
    merged: dict[str, str] = {}
    for step in mutators or []:
        if not isinstance(step, dict) or "apply-setters" not in objects.text(step.get("image")):
            continue
        if isinstance(step.get("configMap"), dict):
            merged.update({str(k): objects.text(v) for k, v in step["configMap"].items()})
        elif step.get("configPath"):
            config = next((i for i in items if objects.path_of(i) == step["configPath"]), None)
            merged.update(objects.config_data(config))
    return merged


def run(rl: ResourceList) -> ResourceList:
    lister = _Lister()
    try:
        lister.add_declared(_declared(rl.items))
        for item in rl.items:
            nodes.walk(item, on_mapping=lister.on_mapping, on_scalar=lister.on_scalar)
    except ValueError as exc:
        raise fail(f"failed to list setters: {exc}") from None
    rl.results.extend(lister.results())
    return rl


__all__ = ["run"]
