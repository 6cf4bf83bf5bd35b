"""ResourceList text as kpt writes and reads it (function stdin/stdout, ``-o stdout``, pipes).

Why it exists: a resource inside ``items:`` must look the way kyaml prints it — its head
comment after the ``- `` marker, every sequence compact — and, read back, must come out as
if it had been read from its own file: comments at the right indentation, end-of-line
comments one space after their value: comments before an item's ``-`` or on its line
become the head comment of its first key.

Pure; no I/O. It must not add or strip kpt's bookkeeping bookkeeping.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from porch.errors import Invalid
from porch.krm import yamlemit, yamlio, yamlview
from porch.krm.yamlnode import MAP, Node, sequence
from porch.krm.yamlview import Map, Seq

API_VERSION = "config.kubernetes.io/v1"
KIND = "ResourceList"


@dataclass
class Parsed:
    """What a ResourceList (or a plain stream of documents) held."""

    items: list[Any]
    function_config: Map | None = None
    results: list[dict[str, Any]] = field(default_factory=list)
    wrapped: bool = False


def dump(
    items: list[Map],
    *,
    function_config: Map | None = None,
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


def _item_text(item: Map) -> str:
    """``- `` plus the item; a head comment goes before the ``-`` when it came that way."""
    if yamlio.has_head_blank_lines(item):  # copy only when there is something to drop
        item = yamlio.copy_node(item)
        yamlio.drop_head_blank_lines(item)
    node = yamlview.to_node(item)
    if yamlio.has_mark(item, yamlio.HEAD_OUTSIDE) and node.kind == MAP and node.content:
        first = node.content[0]
        if first.head:
            moved = Node(first.kind, tag=first.tag, value=first.value, style=first.style)
            moved.content, moved.line, moved.foot = first.content, first.line, first.foot
            node.head, node.content[0] = first.head, moved
    return yamlemit.emit(sequence([node])).rstrip("\n")


def _indented(text: str, *, first: str) -> str:
    lines = text.rstrip("\n").split("\n")
    rest = ["  " + line if line else line for line in lines[1:]]
    return "\n".join([first + lines[0], *rest])


def parse(text: str, *, source: str = "<stdin>") -> Parsed:
    """Items, functionConfig and results of a ResourceList/List, or a plain document stream."""
    docs = yamlio.parse_documents(text, source=source)
    if len(docs) == 1 and _is_list(docs[0].node):
        return _unwrap(docs[0].node, source=source)
    return Parsed(items=[doc.node for doc in docs])


def _is_list(node: Any) -> bool:
    if not isinstance(node, dict) or node.get("kind") not in (KIND, "List"):
        return False
    return "items" in node or "functionConfig" in node


def _unwrap(node: Map, *, source: str) -> Parsed:
    items = node.get("items")
    if items is None:
        items = Seq()
    if not isinstance(items, list):
        raise Invalid(f"{source}: items must be a list")
    config = node.get("functionConfig") if node.get("kind") == KIND else None
    return Parsed(
        items=[_as_read_from_file(item) for item in items],
        function_config=config if isinstance(config, Map) else None,
        results=_results(node.get("results")),
        wrapped=True,
    )


def _results(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, dict):  # legacy ``{name, items: [...]}`` form
        value = value.get("items")
    if not isinstance(value, list):
        return []
    return [yamlio.to_plain(r) for r in value if isinstance(r, dict)]


def _as_read_from_file(item: Any) -> Any:
    """An item with its comments where reading it from its own file puts them: those before
    its ``-`` and on the ``-`` line become the head comment of its first key."""
    if not isinstance(item, Map) or yamlview.is_flow(item) or not item:
        return item
    outside, inline = item.head, item.line
    if not outside and not inline:
        return item
    first = item.src.get(next(iter(item)))
    parts = [outside, inline, first[0].head if first is not None else ""]
    item.head = item.line = ""
    yamlio.set_head_comment(
        item, "\n".join(line for part in parts for line in part.split("\n") if line.strip())
    )
    if outside:
        yamlio.set_mark(item, yamlio.HEAD_OUTSIDE)
    return item


__all__ = ["API_VERSION", "KIND", "Parsed", "dump", "parse"]
