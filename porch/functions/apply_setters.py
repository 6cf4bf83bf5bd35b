"""apply-setters: write setter values into fields marked ``# kpt-set: <pattern>``.

Port of the catalog's ``apply-setters``: ConfigMap ``data`` maps setter names to values;
scalars whose pattern names a given setter get the pattern with every setter substituted
(missing ones recovered from the current value, else an error) and their tag cleared;
sequences marked with one array setter get the parsed list. Pure; no I/O.
"""

from __future__ import annotations

from typing import Any

from porch.functions import nodes, objects, setters
from porch.functions.failures import fail
from porch.krm import yamlio
from porch.krm.resourcelist import ResourceList
from porch.krm.yamlview import Map, Seq


class _Applier:
    def __init__(self, values: dict[str, str]) -> None:
        self.values = values
        self.results: list[dict[str, Any]] = []
        self.file = ""

    def _mentions(self, pattern: str) -> bool:
        return any(f"${{{name}}}" in pattern for name in self.values)

    def _record(self, path: str, value: str) -> None:
        result: dict[str, Any] = {"message": f"set field value to {nodes.go_quote(value)}"}
        if path:
            result["field"] = {"path": path}
        if self.file:
            result["file"] = {"path": self.file}
        self.results.append(result)

    def on_scalar(self, slot: nodes.Slot) -> None:
        pattern = setters.pattern_of(nodes.line_comment(slot.parent, slot.key))
        if not pattern or not self._mentions(pattern):
            return
        resolved = pattern
        for name, value in self.values.items():
            resolved = resolved.replace(f"${{{name}}}", value)
        current = nodes.scalar_text(slot.value)
        for name, value in setters.current_values(pattern, current).items():
            resolved = resolved.replace(f"${{{name}}}", value)
        unresolved = setters.references(resolved)
        if unresolved:
            raise ValueError(f"values for setters [{' '.join(unresolved)}] must be provided")
        slot.value = nodes.restyled(slot.value, resolved)
        self._record(slot.path.removeprefix("."), resolved)

    def on_mapping(self, mapping: Map, path: str) -> None:
        for key, value in nodes.fields(mapping):
            if isinstance(value, Seq):
                self._apply_array(mapping, key, value, path)

    def _apply_array(self, mapping: Map, key: str, seq: Seq, path: str) -> None:
        pattern = setters.pattern_of(setters.sequence_comment(mapping, key))
        if not pattern or not self._mentions(pattern):
            return
        if not setters.is_array_pattern(pattern):
            raise ValueError(f"invalid setter pattern for array node: {nodes.go_quote(pattern)}")
        raw = self.values.get(setters.clean(pattern), "")
        field_path = f"{path}.{key}".removeprefix(".")
        comment = nodes.line_comment(mapping, key)
        nodes.forget_comments(mapping, key)  # the old value's comment slots go with it
        mapping[key] = new = _parse_array(raw)
        nodes.set_line_comment(mapping, key, comment)
        nodes.set_flow(new, flow=not raw)
        self._record(field_path, raw)


def _parse_array(raw: str) -> Seq:
    if not raw:
        return Seq()
    problem = f"input to array setter must be an array of values, but found {nodes.go_quote(raw)}"
    try:
        parsed = yamlio.load(raw)
    except Exception:  # any parse failure means the value is not a list
        raise ValueError(problem) from None
    if not isinstance(parsed, Seq):
        raise ValueError(problem)
    return parsed


def run(rl: ResourceList) -> ResourceList:
    applier = _Applier(objects.config_data(rl.function_config))
    try:
        for item in rl.items:
            applier.file = objects.path_of(item)
            nodes.walk(item, on_mapping=applier.on_mapping, on_scalar=applier.on_scalar)
    except ValueError as exc:
        raise fail(f"failed to apply setters: {exc}") from None
    rl.results.extend(applier.results or [{"message": "no matches for input setter(s)"}])
    return rl


__all__ = ["run"]
