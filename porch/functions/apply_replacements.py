"""apply-replacements: copy a field of one resource into fields of others.

Port of the catalog's ``apply-replacements`` (kustomize ``replacements``): config is only
``ApplyReplacements`` with a kustomize ``replacements`` list. A source (exactly one
resource, ``fieldPath`` defaulting to ``metadata.name``, optional ``delimiter``/``index``)
feeds ``targets`` chosen by ``select``/``reject``; each target field path (``a.b``,
``[name=x]`` list selectors, ``*``, list indexes) is replaced, or created with ``create``.
Pure; no I/O.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any

from porch.functions import nodes, objects
from porch.functions.failures import fail
from porch.krm.resourcelist import ResourceList
from porch.krm.yamlview import Map, Seq

KIND = "ApplyReplacements"
API_VERSION = "fn.kpt.dev/v1alpha1"


@dataclass(frozen=True)
class Options:
    delimiter: str = ""
    index: int = 0
    create: bool = False


def _options(raw: Any) -> Options:
    raw = raw if isinstance(raw, dict) else {}
    return Options(
        delimiter=objects.text(raw.get("delimiter")),
        index=int(raw.get("index") or 0),
        create=raw.get("create") is True,
    )


# -- selecting resources ----------------------------------------------------------------


def _regex_match(pattern: str, value: str) -> bool:
    try:
        return re.fullmatch(pattern, value) is not None
    except re.error:
        return pattern == value


def _label_match(selector: str, labels: dict[str, Any]) -> bool:
    for term in (t.strip() for t in selector.split(",") if t.strip()):
        if "!=" in term:
            key, value = (p.strip() for p in term.split("!=", 1))
            if objects.text(labels.get(key)) == value and key in labels:
                return False
        elif "=" in term:
            key, value = (p.strip() for p in term.replace("==", "=").split("=", 1))
            if key not in labels or objects.text(labels[key]) != value:
                return False
        elif term.startswith("!"):
            if term[1:] in labels:
                return False
        elif term not in labels:
            return False
    return True


def selects(selector: Any, item: Map) -> bool:
    """kustomize ``Selector`` semantics: every given part must match."""
    if not isinstance(selector, dict):
        return False
    own_group, own_version = objects.split_api_version(objects.api_version(item))
    wanted = {k: objects.text(selector.get(k)) for k in ("group", "version", "kind")}
    if any(
        v and v != own
        for v, own in zip(
            wanted.values(), (own_group, own_version, objects.kind(item)), strict=True
        )
    ):
        return False
    for key, own in (("name", objects.name(item)), ("namespace", objects.namespace(item))):
        pattern = objects.text(selector.get(key))
        if pattern and not _regex_match(pattern, own):
            return False
    meta = objects.metadata(item)
    for key, holder in (("labelSelector", "labels"), ("annotationSelector", "annotations")):
        expr = objects.text(selector.get(key))
        if expr and not _label_match(expr, dict(meta.get(holder) or {})):
            return False
    return True


def _describe(selector: Any) -> str:
    parts = {
        k: objects.text(v) for k, v in (selector or {}).items() if k not in ("fieldPath", "options")
    }
    return ", ".join(f"{k}={v}" for k, v in parts.items() if v) or "<empty selector>"


# -- field paths ------------------------------------------------------------------------


def split_path(path: str) -> list[str]:
    """Split on dots outside brackets (``a.[name=x.y].b`` has three steps)."""
    steps: list[str] = []
    current: list[str] = []
    depth = 0
    for char in path:
        if char == "." and depth == 0:
            steps.append("".join(current))
            current = []
            continue
        depth += {"[": 1, "]": -1}.get(char, 0)
        current.append(char)
    steps.append("".join(current))
    return [s for s in steps if s]


def _children(node: Any, step: str, *, create: bool) -> list[tuple[Any, Any]]:
    """(parent, key) slots ``step`` selects inside ``node``."""
    if step.startswith("[") and step.endswith("]") and "=" in step:
        key, _, value = step[1:-1].partition("=")
        if not isinstance(node, Seq):
            return []
        found = [
            (node, i)
            for i, e in enumerate(node)
            if isinstance(e, dict) and objects.text(e.get(key)) == value
        ]
        if not found and create:
            node.append(Map({key: value}))
            found = [(node, len(node) - 1)]
        return found
    if step.startswith("[") and step.endswith("]"):
        step = step[1:-1]  # a bracketed key may contain dots: data.[app.kubernetes.io/app]
    elif step == "*":
        keys = range(len(node)) if isinstance(node, Seq) else list(node or {})
        return [(node, k) for k in keys]
    if isinstance(node, Seq):
        return [(node, int(step))] if step.isdigit() and int(step) < len(node) else []
    if isinstance(node, Map) and (step in node or create):
        return [(node, step)]
    return []


def find_slots(item: Map, path: str, *, create: bool = False) -> list[tuple[Any, Any]]:
    slots: list[tuple[Any, Any]] = [(None, item)]
    steps = split_path(path)
    for step in steps:
        next_slots = []
        for parent, key in slots:
            node = item if parent is None else _get(parent, key)
            if node is None and create and parent is not None:
                node = parent[key] = Seq() if step.startswith("[") else Map()
            next_slots.extend(_children(node, step, create=create))
        slots = next_slots
    return [(p, k) for p, k in slots if p is not None]


# -- the replacement --------------------------------------------------------------------


def _source_value(items: list[Map], source: Any) -> Any:
    matches = [item for item in items if selects(source, item)]
    if not matches:
        raise ValueError(f"nothing selected by {_describe(source)}")
    if len(matches) > 1:
        raise ValueError(f"multiple matches for selector {_describe(source)}")
    path = objects.text(source.get("fieldPath")) or "metadata.name"
    slots = find_slots(matches[0], path)
    if not slots:
        raise ValueError(
            f"fieldPath `{path}` is missing for replacement source {_describe(source)}"
        )
    parent, key = slots[0]
    value = parent[key]
    options = _options(source.get("options"))
    if options.delimiter and not nodes.is_collection(value):
        parts = nodes.scalar_text(value).split(options.delimiter)
        if not 0 <= options.index < len(parts):
            shown = nodes.scalar_text(value)
            raise ValueError(f"options.index {options.index} is out of bounds for value {shown}")
        return parts[options.index]
    return value


def _write(parent: Any, key: Any, value: Any, options: Options) -> None:
    if options.delimiter and not nodes.is_collection(value):
        current = nodes.scalar_text(parent[key]) if key in _keys(parent) else ""
        parts = current.split(options.delimiter)
        if options.index >= len(parts):
            parts.extend([""] * (options.index - len(parts) + 1))
        if options.index < 0:
            parts.insert(0, nodes.scalar_text(value))
        else:
            parts[options.index] = nodes.scalar_text(value)
        parent[key] = options.delimiter.join(parts)
        return
    parent[key] = copy.deepcopy(value)


def _get(parent: Any, key: Any) -> Any:
    return parent[key] if key in _keys(parent) else None


def _keys(parent: Any) -> Any:
    return range(len(parent)) if isinstance(parent, Seq) else parent


def _apply_target(items: list[Map], target: Any, value: Any) -> None:
    select = target.get("select")
    rejects = target.get("reject") or []
    options = _options(target.get("options"))
    for item in items:
        if not selects(select, item) or any(selects(r, item) for r in rejects):
            continue
        for path in target.get("fieldPaths") or []:
            slots = find_slots(item, objects.text(path), create=options.create)
            if not slots and not options.create:
                raise ValueError(
                    f"unable to find field {objects.text(path)!s} in replacement target"
                )
            for parent, key in slots:
                _write(parent, key, value, options)


def run(rl: ResourceList) -> ResourceList:
    fc = rl.function_config
    if fc is None:
        raise fail("FunctionConfig is missing. Expect `ApplyReplacements`")
    if objects.kind(fc) != KIND or objects.api_version(fc) != API_VERSION:
        raise fail(
            f"received functionConfig of kind {objects.kind(fc)} and apiVersion "
            f"{objects.api_version(fc)}, only functionConfig of kind {KIND} and apiVersion "
            f"{API_VERSION} is supported"
        )
    try:
        for replacement in fc.get("replacements") or []:
            value = _source_value(rl.items, replacement.get("source") or {})
            for target in replacement.get("targets") or []:
                _apply_target(rl.items, target, value)
    except (ValueError, TypeError, AttributeError) as exc:
        raise fail(str(exc)) from None
    return rl


__all__ = ["find_slots", "run", "selects", "split_path"]
