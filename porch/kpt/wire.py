"""ResourceList text as kpt writes and reads it (function stdin/stdout, ``-o stdout``, pipes).

Why it exists: a resource inside ``items:`` must look the way kyaml prints it — its head
comment after the ``- `` marker, every sequence compact — and, read back, must come out as
if it had been read from its own file: comments at the right indentation, end-of-line
comments one space after their value. ruamel alone attaches an item's head comment to
the sequence and keeps absolute comment columns, so items are cut out of the text and
parsed one by one (flow-style and JSON input fall back to plain parsing).

Pure; no I/O. It must not add or strip kpt's bookkeeping bookkeeping.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from porch.errors import Invalid
from porch.krm import yamlio

API_VERSION = "config.kubernetes.io/v1"
KIND = "ResourceList"


@dataclass
class Parsed:
    """What a ResourceList (or a plain stream of documents) held."""

    items: list[Any]
    function_config: CommentedMap | None = None
    results: list[dict[str, Any]] = field(default_factory=list)
    wrapped: bool = False


def dump(
    items: list[CommentedMap],
    *,
    function_config: CommentedMap | None = None,
    results: list[dict[str, Any]] | None = None,
    kind: str = KIND,
    api_version: str = API_VERSION,
) -> str:
    """A ResourceList the way kyaml's ``ByteWriter`` wraps items."""
    out = [f"apiVersion: {api_version}", f"kind: {kind}"]
    if items:
        out.append("items:")
        out.extend(_item_text(item) for item in items)
    else:
        out.append("items: []")
    if function_config is not None:
        out.append("functionConfig:")
        out.append(_indented(yamlio.dump(function_config), first="  "))
    if results:
        out.append("results:")
        out.append(yamlio.dump(yamlio.to_node(results)).rstrip("\n"))
    return "\n".join(line.rstrip("\n") for line in out) + "\n"


def _item_text(item: CommentedMap) -> str:
    """``- `` plus the item; a head comment goes before the ``-`` when it came that way."""
    if yamlio.has_head_blank_lines(item):  # copy only when there is something to drop
        item = yamlio.copy_node(item)
        yamlio.drop_head_blank_lines(item)
    text = yamlio.dump(item)
    if not yamlio.has_mark(item, yamlio.HEAD_OUTSIDE):
        return _indented(text, first="- ")
    lines = text.split("\n")
    head = 0
    while head < len(lines) and lines[head].startswith("#"):
        head += 1
    body = "\n".join(lines[head:])
    return "\n".join([*lines[:head], _indented(body, first="- ")])


def _indented(text: str, *, first: str) -> str:
    lines = text.rstrip("\n").split("\n")
    rest = ["  " + line if line else line for line in lines[1:]]
    return "\n".join([first + lines[0], *rest])


def parse(text: str, *, source: str = "<stdin>") -> Parsed:
    """Items, functionConfig and results of a ResourceList/List, or a plain document stream."""
    quick = _parse_block_list(text, source=source)
    if quick is not None:
        return quick
    docs = yamlio.parse_documents(text, source=source)
    if len(docs) == 1 and _is_list(docs[0].node):
        return _unwrap(docs[0].node, text, source=source)
    return Parsed(items=[doc.node for doc in docs])


def _is_list(node: Any) -> bool:
    if not isinstance(node, dict) or node.get("kind") not in (KIND, "List"):
        return False
    return "items" in node or "functionConfig" in node


def _unwrap(node: CommentedMap, text: str, *, source: str) -> Parsed:
    items = node.get("items")
    if items is None:
        items = CommentedSeq()
    if not isinstance(items, list):
        raise Invalid(f"{source}: items must be a list")
    config = node.get("functionConfig") if node.get("kind") == KIND else None
    return Parsed(
        items=_items(node, items, text, source=source),
        function_config=config if isinstance(config, CommentedMap) else None,
        results=_results(node.get("results")),
        wrapped=True,
    )


def _results(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, dict):  # legacy ``{name, items: [...]}`` form
        value = value.get("items")
    if not isinstance(value, list):
        return []
    return [yamlio.to_plain(r) for r in value if isinstance(r, dict)]


def _items(node: CommentedMap, items: list[Any], text: str, *, source: str) -> list[Any]:
    """Re-parse each block-style item from its own text, so comments sit where they belong."""
    if not items or getattr(getattr(items, "fa", None), "flow_style", lambda: None)():
        return list(items)
    try:
        blocks = _item_blocks(node, items, text)
    except (AttributeError, KeyError, IndexError, TypeError, ValueError):
        return list(items)
    if blocks is None:
        return list(items)
    parsed = []
    for block, outside in blocks:
        try:
            item = yamlio.load(block, source=source)
        except Invalid:  # e.g. an alias to an anchor in another item: keep the whole parse
            return list(items)
        if outside:
            yamlio.set_mark(item, yamlio.HEAD_OUTSIDE)
        parsed.append(item)
    return parsed


# A top-level key as kyaml and functions write it (anything else takes the slow path).
_TOP_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*:( |$)")


def _parse_block_list(text: str, *, source: str) -> Parsed | None:
    """A block-style ResourceList without parsing it whole: each item is parsed from its own
    text anyway, so parsing the list too doubled the cost of reading a function's output.

    ``None`` unless the text is plainly laid out (simple top-level keys, one block
    sequence of items, every item parsing on its own); the full parse then decides, with
    its error messages, so the result is always what ``parse`` would give.
    """
    lines = text.replace("\r\n", "\n").split("\n")
    keys = _top_level_keys(lines)
    if keys is None or "items" not in keys or lines[keys["items"]] != "items:":
        return None
    start = keys["items"]
    end = min((line for line in keys.values() if line > start), default=len(lines))
    rest = "\n".join(lines[:start] + lines[end:])
    try:
        node = yamlio.load(rest, source=source)
        blocks = _blocks_between(lines, start, end)
        if blocks is None or not isinstance(node, CommentedMap) or node.get("kind") != KIND:
            return None
        items = [_load_item(block, outside, source=source) for block, outside in blocks]
    except Invalid:
        return None
    config = node.get("functionConfig")
    return Parsed(
        items=items,
        function_config=config if isinstance(config, CommentedMap) else None,
        results=_results(node.get("results")),
        wrapped=True,
    )


def _top_level_keys(lines: list[str]) -> dict[str, int] | None:
    """The line of every top-level key; ``None`` for anything but simple unique keys."""
    keys: dict[str, int] = {}
    for number, line in enumerate(lines):
        if not line or line[0] in " #" or line in ("-", "- ") or line.startswith("- "):
            continue  # indented, a comment or an entry of a top-level sequence
        if not _TOP_KEY.match(line):
            return None
        key = line.split(":", 1)[0]
        if key in keys:
            return None
        keys[key] = number
    return keys


def _blocks_between(lines: list[str], start: int, end: int) -> list[tuple[str, bool]] | None:
    """``_item_blocks`` for the items between ``start`` (``items:``) and ``end``; ``None``
    unless every line is a comment, an item's ``-`` or indented under it."""
    content = [i for i in range(start + 1, end) if lines[i].strip(" ")]
    first = next((i for i in content if not lines[i].lstrip(" ").startswith("#")), None)
    if first is None:
        return None
    dash_col = len(lines[first]) - len(lines[first].lstrip(" "))
    if lines[first][dash_col] != "-" or lines[first][dash_col + 1 :][:1] not in (" ", ""):
        return None
    starts = []
    for i in content:
        line = lines[i]
        indent = len(line) - len(line.lstrip(" "))
        if indent == dash_col and line[dash_col] == "-" and line[dash_col + 1 :][:1] in (" ", ""):
            starts.append(i)
        elif indent < dash_col + 2 and not line.lstrip(" ").startswith("#"):
            return None
    return _cut(lines, start, end, starts, dash_col)


def _load_item(block: str, outside: bool, *, source: str) -> Any:
    item = yamlio.load(block, source=source)
    if outside:
        yamlio.set_mark(item, yamlio.HEAD_OUTSIDE)
    return item


def _item_blocks(node: CommentedMap, items: Any, text: str) -> list[tuple[str, bool]] | None:
    """Each item's text (dedented) and whether its head comment sat before its ``-``."""
    lines = text.replace("\r\n", "\n").split("\n")
    found = _first_dash(lines, int(items.lc.item(0)[0]))
    if found is None:
        return None
    first_line, dash_col = found
    end = _end_of_items(node, len(lines))
    starts = [
        i
        for i in range(first_line, end)
        if lines[i][dash_col : dash_col + 1] == "-"
        and not lines[i][:dash_col].strip()
        and lines[i][dash_col + 1 : dash_col + 2] in (" ", "")
    ]
    if len(starts) != len(items):
        return None
    return _cut(lines, int(node.lc.key("items")[0]), end, starts, dash_col)


def _cut(
    lines: list[str], items_line: int, end: int, starts: list[int], dash_col: int
) -> list[tuple[str, bool]]:
    """Each item's text between its ``-`` line and the next, comments assigned as kyaml does."""
    head = _leading_comments(lines, items_line + 1, starts[0], dash_col)
    blocks = []
    for i, start in enumerate(starts):
        stop = starts[i + 1] if i + 1 < len(starts) else end
        body = lines[start:stop]
        following = _trailing_comments(body, dash_col) if i + 1 < len(starts) else []
        body = body[: len(body) - len(following)]
        text = "".join(c.strip() + "\n" for c in head) + _dedent(body, dash_col + 2)
        blocks.append((text, bool(head)))
        head = following
    return blocks


def _is_outer_comment(line: str, dash_col: int) -> bool:
    stripped = line.lstrip(" ")
    return stripped.startswith("#") and len(line) - len(stripped) <= dash_col


def _leading_comments(lines: list[str], start: int, stop: int, dash_col: int) -> list[str]:
    return [line for line in lines[start:stop] if _is_outer_comment(line, dash_col)]


def _trailing_comments(body: list[str], dash_col: int) -> list[str]:
    """Comment lines at the end of an item's text that introduce the next item."""
    count = 0
    for line in reversed(body):
        if _is_outer_comment(line, dash_col):
            count += 1
        elif line.strip():
            break
        else:
            count += 1
    tail = body[len(body) - count :]
    return tail if any(line.strip() for line in tail) else []


def _first_dash(lines: list[str], line: int) -> tuple[int, int] | None:
    """Line and column of the ``-`` opening the first item (it may sit above the content)."""
    for i in range(line, -1, -1):
        stripped = lines[i].lstrip(" ")
        if stripped.startswith("-"):
            return i, len(lines[i]) - len(stripped)
        if i != line and not stripped.startswith("#") and stripped:
            return None
    return None


def _end_of_items(node: CommentedMap, total: int) -> int:
    keys = list(node.keys())
    after = keys[keys.index("items") + 1 :]
    return min((int(node.lc.key(k)[0]) for k in after), default=total)


def _dedent(block: list[str], width: int) -> str:
    out = []
    for i, line in enumerate(block):
        if i == 0:
            line = " " * width + line[width:]
        prefix = line[:width]
        out.append(line[width:] if not prefix.strip() else line.lstrip(" "))
    while out and not out[-1].strip():
        out.pop()
    return "\n".join(out) + "\n"


__all__ = ["API_VERSION", "KIND", "Parsed", "dump", "parse"]
