"""create-setters: mark fields whose values match given setters with ``# kpt-set:`` comments.

Port of the catalog's ``create-setters`` (inverse of apply-setters): ConfigMap ``data``
maps setter names to values; a value that parses as a YAML list is an array setter that
tags sequences with the same sorted elements, any other value replaces matching substrings
of single-line scalars (longest values first) to form the comment's pattern. Pure; no I/O.
"""

from __future__ import annotations

from typing import Any

from porch.functions import nodes, objects
from porch.functions.failures import fail
from porch.krm import yamlio
from porch.krm.resourcelist import ResourceList
from porch.krm.yamlview import Map, Seq


class _Creator:
    def __init__(self, scalars: list[tuple[str, str]], arrays: list[tuple[str, list[str]]]) -> None:
        self.scalars = scalars  # (name, value), longest value first
        self.arrays = arrays
        self.results: list[dict[str, Any]] = []
        self.file = ""

    def _record(self, path: str, value: str, comment: str) -> None:
        message = f"Added line comment {nodes.go_quote(comment)} for field with value "
        result: dict[str, Any] = {"message": message + nodes.go_quote(value)}
        if path:
            result["field"] = {"path": path}
        if self.file:
            result["file"] = {"path": self.file}
        self.results.append(result)

    def replace(self, value: str) -> str:
        """Go's ``strings.Replacer``: leftmost match, earlier setters win at a position."""
        out, position = [], 0
        while position < len(value):
            for name, old in self.scalars:
                if old and value.startswith(old, position):
                    out.append(f"${{{name}}}")
                    position += len(old)
                    break
            else:
                out.append(value[position])
                position += 1
        return "".join(out)

    def on_scalar(self, slot: nodes.Slot) -> None:
        value = nodes.scalar_text(slot.value)
        if "\n" in value:
            return
        pattern = self.replace(value)
        if pattern != value:
            comment = f"kpt-set: {pattern}"
            nodes.set_line_comment(slot.parent, slot.key, comment)
            self._record(slot.path.removeprefix("."), value, comment)

    def on_mapping(self, mapping: Map, path: str) -> None:
        for key, seq in nodes.fields(mapping):
            if isinstance(seq, Seq):
                self._tag_array(mapping, key, seq, f"{path}.{key}".removeprefix("."))

    def _tag_array(self, mapping: Map, key: str, seq: Seq, path: str) -> None:
        values = sorted(nodes.scalar_text(v) for v in seq)
        flow = nodes.is_flow(seq)
        if flow and any(old in v for v in values for _, old in self.scalars):
            nodes.set_flow(seq, flow=False)
        for name, wanted in self.arrays:
            if values == wanted:
                if nodes.is_flow(seq) and values:
                    nodes.set_flow(seq, flow=False)
                comment = f"kpt-set: ${{{name}}}"
                nodes.set_line_comment(mapping, key, comment)
                self._record(path, "[" + " ".join(values) + "]", comment)
                return


def _decode(fc: Map | None) -> _Creator:
    data = objects.config_data(fc)
    if not data:
        raise ValueError("config map cannot be empty")
    scalars, arrays = [], []
    for name, value in data.items():
        try:
            parsed = yamlio.load(value) if value.strip() else value
        except Exception:  # the catalog reports any unparsable value the same way
            raise ValueError("parsing error") from None
        if isinstance(parsed, Seq):
            arrays.append((name, sorted(nodes.scalar_text(v) for v in parsed)))
        elif not isinstance(parsed, Map):
            scalars.append((name, value))
    scalars.sort(key=lambda pair: -len(pair[1]))
    return _Creator(scalars, arrays)


def run(rl: ResourceList) -> ResourceList:
    try:
        creator = _decode(rl.function_config)
        for item in rl.items:
            creator.file = objects.path_of(item)
            nodes.walk(item, on_mapping=creator.on_mapping, on_scalar=creator.on_scalar)
        if not creator.results:
            raise ValueError("no matches for the input list of setters")
    except ValueError as exc:
        raise fail(f"failed to create setters: {exc}") from None
    rl.results.extend(creator.results)
    return rl


__all__ = ["run"]
