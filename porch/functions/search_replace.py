"""search-replace: find fields by value, value regex, field path or file glob; change them.

Port of the catalog's ``search-replace``: ConfigMap keys ``by-value`` | ``by-value-regex``,
``by-path`` (dots, ``*``, ``**``, ``[n]``, ``[*]``), ``by-file-path`` (doublestar glob),
``put-value``, ``put-comment`` (``${n}`` capture groups); an absolute ``by-path`` with only
``put-value`` creates the field. The value regex is unanchored, as in the catalog. Pure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from porch.functions import globs, nodes, objects
from porch.functions.failures import fail
from porch.krm import yamlio
from porch.krm.resourcelist import ResourceList
from porch.krm.yamlview import Map, Seq

KEYS = ("by-value", "by-file-path", "by-value-regex", "by-path", "put-value", "put-comment")
_GROUP_REF = re.compile(r"\$\{([0-9]+)\}")


@dataclass
class _Search:
    by_value: str = ""
    by_value_regex: str = ""
    by_path: str = ""
    by_file_path: str = ""
    put_value: str = ""
    put_comment: str = ""
    regex: re.Pattern[str] | None = None
    file: str = ""
    results: list[dict[str, Any]] = field(default_factory=list)

    def path_match(self, path: str) -> bool:
        if not self.by_path:
            return False
        return match_path(path.removeprefix(".").split("."), self.by_path.split("."))

    def value_match(self, value: str) -> bool:
        if self.by_value and self.by_value == value:
            return True
        return self.regex is not None and self.regex.search(value) is not None

    def criteria(self, value: str, path: str) -> bool:
        by_path, by_value = self.path_match(path), self.value_match(value)
        no_value_matcher = not self.by_value and not self.by_value_regex
        return (by_value and (by_path or not self.by_path)) or (by_path and no_value_matcher)

    def on_scalar(self, slot: nodes.Slot) -> None:
        value = nodes.scalar_text(slot.value)
        if not self.criteria(value, slot.path):
            return
        if self.put_comment:
            comment = resolve(value, self.by_value_regex, self.put_comment)
            nodes.set_line_comment(slot.parent, slot.key, comment)
        if self.put_value:
            slot.value = nodes.restyled(
                slot.value, resolve(value, self.by_value_regex, self.put_value)
            )
        if self.file:
            self._record(slot.path.removeprefix("."), _rendered(slot.value))

    def on_mapping(self, mapping: Map, path: str) -> None:
        if not self.put_comment:
            return
        for key, seq in nodes.fields(mapping):
            if isinstance(seq, Seq) and self.path_match(f"{path}.{key}".removeprefix(".")):
                nodes.set_line_comment(mapping, key, self.put_comment)
                nodes.set_flow(seq, flow=True)
                shown = yamlio.dump(Map({"v": seq})).removeprefix("v: ").strip()
                nodes.set_flow(seq, flow=False)
                self._record(f"{self.by_path} # {self.put_comment}", _strip_comment(shown))

    def _record(self, path: str, value: str) -> None:
        verb = (
            "Mutated field value to"
            if self.put_comment or self.put_value
            else "Matched field value"
        )
        self.results.append(
            {
                "message": f"{verb} {nodes.go_quote(value)}",
                "field": {"path": path},
                "file": {"path": self.file},
            }
        )


def _strip_comment(text: str) -> str:
    return text.split(" #", 1)[0].strip()


def _rendered(value: Any) -> str:
    """The scalar as yaml.v3 would print the node (quotes included)."""
    return yamlio.dump(Map({"v": value})).removeprefix("v:").split(" #", 1)[0].strip()


def match_path(elems: list[str], pattern: list[str]) -> bool:
    """``elems`` against ``pattern`` where ``*`` is one element and ``**`` any number."""
    rows, cols = len(elems), len(pattern)
    table = [[False] * (cols + 1) for _ in range(rows + 1)]
    table[0][0] = True
    for j in range(1, cols + 1):
        if pattern[j - 1] == "**":
            table[0][j] = table[0][j - 1]
    for i in range(1, rows + 1):
        for j in range(1, cols + 1):
            if pattern[j - 1] == "**":
                table[i][j] = table[i][j - 1] or table[i - 1][j]
            elif pattern[j - 1] == "*" or _element_match(elems[i - 1], pattern[j - 1]):
                table[i][j] = table[i - 1][j - 1]
    return table[rows][cols]


def _element_match(elem: str, pattern: str) -> bool:
    if elem == pattern:
        return True
    if "[" not in elem:
        return False
    elem_parts, pattern_parts = elem.split("["), pattern.split("[")
    if pattern_parts[0] != "*" and elem_parts[0] != pattern_parts[0]:
        return False
    return len(pattern_parts) > 1 and pattern_parts[1] in ("*]", elem_parts[1])


def resolve(value: str, value_regex: str, template: str) -> str:
    """``template`` with ``${n}`` replaced by capture group n of ``value_regex`` on ``value``."""
    if not value_regex:
        return template
    match = re.search(value_regex, value)
    result = template
    if match is not None:
        for number, group in enumerate(match.groups(), start=1):
            result = result.replace(f"${{{number}}}", group or "")
    if _GROUP_REF.search(result):
        raise ValueError("unable to resolve capture groups")
    return result


def _is_absolute(path: str) -> bool:
    return all(part and "*" not in part for part in path.split("."))


def _put_by_path(search: _Search, item: Map) -> None:
    parts = search.by_path.split(".")
    holder = nodes.ensure_map(item, *parts[:-1])
    holder[parts[-1]] = nodes.plain_scalar(search.put_value)
    search.results.append(
        {
            "message": f"Mutated field value to {nodes.go_quote(search.put_value)}",
            "field": {"path": search.by_path},
            "file": {"path": search.file},
        }
    )


def _decode(fc: Map | None) -> _Search:
    data = objects.config_data(fc)
    for key in data:
        if key not in KEYS:
            quoted = "[" + " ".join(nodes.go_quote(k) for k in KEYS) + "]"
            raise ValueError(f"invalid matcher {nodes.go_quote(key)}, must be one of {quoted}")
    search = _Search(
        by_value=data.get("by-value", ""),
        by_value_regex=data.get("by-value-regex", ""),
        by_path=data.get("by-path", ""),
        by_file_path=data.get("by-file-path", ""),
        put_value=data.get("put-value", ""),
        put_comment=data.get("put-comment", ""),
    )
    if search.by_value and search.by_value_regex:
        raise ValueError('only one of ["by-value", "by-value-regex"] can be provided')
    if search.by_value_regex:
        search.regex = _compile(search.by_value_regex)
    return search


def _compile(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"error parsing regexp: {exc}") from None


def _perform(search: _Search, item: Map) -> None:
    search.file = objects.path_of(item)
    if search.by_file_path and not globs.match(search.by_file_path, search.file):
        return
    creates = _is_absolute(search.by_path) and "[" not in search.by_path
    if creates and search.put_value and not search.by_value and not search.by_value_regex:
        _put_by_path(search, item)
        return
    nodes.walk(item, on_mapping=search.on_mapping, on_scalar=search.on_scalar)


def run(rl: ResourceList) -> ResourceList:
    try:
        search = _decode(rl.function_config)
        for item in rl.items:
            _perform(search, item)
    except ValueError as exc:
        raise fail(
            f"failed to perform search-replace operation: {nodes.go_quote(str(exc))}"
        ) from None
    rl.results.extend(search.results or [{"message": "no matches"}])
    return rl


__all__ = ["KEYS", "match_path", "resolve", "run"]
