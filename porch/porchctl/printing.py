"""Output formats as kubectl prints them: server Tables, custom columns, yaml, json, name.

Tables follow kubectl's tab writer (columns padded by 3 spaces to a minimum of 6, the last
column unpadded, headers upper-cased; ``-o wide`` adds priority columns; ``-A`` adds
NAMESPACE). Pure: strings in, strings out.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

import yaml

from porch.porchctl.failures import CliError

Json = dict[str, Any]
NONE = "<none>"
_PADDING, _MIN_WIDTH = 3, 6


def align(rows: Sequence[Sequence[str]], widths: Sequence[int] | None = None) -> str:
    """Rows as kubectl's tab writer lays them out (``widths`` forces at least those)."""
    if not rows:
        return ""
    cols = max(len(r) for r in rows)
    found = column_widths(rows)
    if widths is not None:
        found = [max(a, b) for a, b in zip(found, list(widths) + [0] * cols, strict=False)]
    out = []
    for row in rows:
        cells = [cell.ljust(found[i]) if i < len(row) - 1 else cell for i, cell in enumerate(row)]
        out.append("".join(cells))
    return "\n".join(out) + "\n"


def column_widths(rows: Sequence[Sequence[str]]) -> list[int]:
    cols = max((len(r) for r in rows), default=0)
    return [
        max(_MIN_WIDTH, max((len(r[i]) for r in rows if i < len(r)), default=0) + _PADDING)
        for i in range(cols)
    ]


def cell_text(value: Any) -> str:
    if value is None:
        return NONE
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def table_rows(
    table: Json, *, wide: bool = False, with_namespace: bool = False, headers: bool = True
) -> list[list[str]]:
    """A server ``Table`` as rows of text (header first unless ``headers`` is False)."""
    columns = table.get("columnDefinitions") or []
    shown = [i for i, c in enumerate(columns) if wide or not c.get("priority")]
    rows: list[list[str]] = []
    if headers:
        head = [str(columns[i].get("name", "")).upper() for i in shown]
        rows.append(["NAMESPACE", *head] if with_namespace else head)
    for row in table.get("rows") or []:
        cells = row.get("cells") or []
        texts = [cell_text(cells[i]) if i < len(cells) else "" for i in shown]
        if with_namespace:
            meta = (row.get("object") or {}).get("metadata") or {}
            texts.insert(0, str(meta.get("namespace", "")))
        rows.append(texts)
    return rows


def watch_rows(event_table: Json, shown_columns: Sequence[Json], *, wide: bool) -> list[list[str]]:
    """Rows of a Table sent in a watch event (its columnDefinitions may be null)."""
    table = dict(event_table)
    table["columnDefinitions"] = table.get("columnDefinitions") or list(shown_columns)
    return table_rows(table, wide=wide, headers=False)


# --- custom columns (a JSONPath subset: .a.b, .a[0], {.a.b}) ------------------------------

_STEP = re.compile(r"\.([^.\[\]]+)|\[(\d+)\]")


def parse_custom_columns(spec: str) -> list[tuple[str, str]]:
    """``NAME:.path,...`` -> [(header, path)]; a malformed spec is the user's error."""
    out = []
    for part in spec.split(","):
        header, sep, path = part.partition(":")
        if not sep or not header or not path:
            raise CliError(
                f'custom-columns format specified incorrectly: "{part}", '
                "expected <header>:<json-path-expr>"
            )
        out.append((header, path.strip().removeprefix("{").removesuffix("}")))
    return out


def lookup(obj: Any, path: str) -> Any:
    """The value at ``path`` or None when any step is missing."""
    pos, cur = 0, obj
    if path in ("", "."):
        return obj
    while pos < len(path):
        m = _STEP.match(path, pos)
        if m is None:
            raise CliError(f"unrecognized JSONPath expression {path!r}")
        pos = m.end()
        if m.group(1) is not None:
            cur = cur.get(m.group(1)) if isinstance(cur, dict) else None
        else:
            i = int(m.group(2))
            cur = cur[i] if isinstance(cur, list) and i < len(cur) else None
        if cur is None:
            return None
    return cur


def custom_columns(objects: Iterable[Json], spec: str, *, headers: bool = True) -> str:
    columns = parse_custom_columns(spec)
    rows = [[h for h, _ in columns]] if headers else []
    rows += [[cell_text(lookup(o, p)) for _, p in columns] for o in objects]
    return align(rows)


# --- whole objects ------------------------------------------------------------------------


def as_list(objects: Sequence[Json]) -> Json:
    return {
        "apiVersion": "v1",
        "items": list(objects),
        "kind": "List",
        "metadata": {"resourceVersion": ""},
    }


def to_yaml(value: Any) -> str:
    return yaml.dump(
        value,
        Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper),
        sort_keys=True,
        default_flow_style=False,
        allow_unicode=True,
        width=1 << 30,
    )


def to_json(value: Any) -> str:
    return json.dumps(value, indent=4, sort_keys=False, ensure_ascii=False) + "\n"


def names(objects: Iterable[Json], qualified_kind: str) -> str:
    return "".join(f"{qualified_kind}/{o.get('metadata', {}).get('name', '')}\n" for o in objects)


def objects_output(objects: Sequence[Json], output: str, *, single: bool, kind: str) -> str:
    """``-o yaml|json|name|custom-columns=...`` of plain objects."""
    if output == "name":
        return names(objects, kind)
    if output.startswith("custom-columns="):
        return custom_columns(objects, output.split("=", 1)[1])
    value: Any = objects[0] if single and len(objects) == 1 else as_list(objects)
    if output == "yaml":
        return to_yaml(value)
    if output == "json":
        return to_json(value)
    raise CliError(
        f'unable to match a printer suitable for the output format "{output}", allowed formats '
        "are: custom-columns,json,name,wide,yaml"
    )


__all__ = [
    "align",
    "cell_text",
    "custom_columns",
    "lookup",
    "objects_output",
    "parse_custom_columns",
    "table_rows",
    "to_json",
    "to_yaml",
    "watch_rows",
]
