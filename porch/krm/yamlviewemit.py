""":class:`~porch.krm.yamlview.Map`/``Seq`` values printed without building nodes first.

Why it exists: writing a rendered package used to turn every resource back into a
go-yaml node tree (``yamlview.to_node``) only to print it. This writer walks the values
and their source nodes directly and prints exactly what ``yamlemit`` prints for the tree
``to_node`` would build: an unchanged scalar through its source node, a changed one with
go-yaml's presentation and the comments of the node it replaced. Rare shapes (a flow or
empty collection, a scalar document) go through the node path. Pure; no I/O.
"""

from __future__ import annotations

from typing import Any

from porch.krm import yamlview
from porch.krm.yamlemit import WIDE, Writer, inline_suffix
from porch.krm.yamlnode import FLOW, Node
from porch.krm.yamlparse import Document
from porch.krm.yamlview import Map, Seq

_CONTAINERS = (dict, list, tuple)
_VIEWS = (Map, Seq)
_NO_SOURCES: dict[Any, yamlview.Source] = {}


def emit(value: Any, *, head: str = "", seq_indent: str = "") -> str:
    """``yamlemit.emit`` of ``yamlview.to_node(value)`` with the document head ``head``."""
    writer = _ViewWriter(wide=seq_indent == WIDE)
    if _is_block(value):
        writer.view_document(value, head)
    else:
        writer.document(Document(root=yamlview.to_node(value), head=head))
    return writer.text()


def _is_block(value: Any) -> bool:
    """What ``yamlemit`` prints as a block: a non-empty collection not in flow style."""
    if type(value) in _VIEWS:
        return bool(value) and not value.style & FLOW
    return isinstance(value, _CONTAINERS) and bool(value)


def _comments(value: Any) -> tuple[str, str, str]:
    """A collection's own head, line and foot comments (plain ones have none)."""
    if type(value) in _VIEWS:
        return value.head, value.line, value.foot
    return "", "", ""


def _entry_node(item: Any, found: yamlview.Source | None) -> Node:
    """The node ``to_node`` gives a mapping's scalar value (see ``yamlview._map_node``)."""
    source = found[2] if found is not None else None
    if source is None:
        return yamlview.new_scalar(item)
    if type(item) is type(found[1]) and (item == found[1] or item != item):  # type: ignore[index]
        return source
    node = yamlview.new_scalar(item)
    node.head, node.line, node.foot = source.head, source.line, source.foot
    return node


class _ViewWriter(Writer):
    def view_document(self, root: Any, head: str) -> None:
        if head:
            self._comment_lines(head, 0)
            self.lines.append("")
        own_head, _, own_foot = _comments(root)
        if own_head:
            self._comment_lines(own_head, 0)
        if isinstance(root, dict):
            self.view_mapping(root, 0)
        else:
            self.view_sequence(root, 0)
        self._finish()
        if own_foot:
            self._comment_lines(own_foot, 0)

    def view_mapping(
        self, value: dict[Any, Any], indent: int, *, inline_first: bool = False
    ) -> None:
        src = value.src if type(value) is Map else _NO_SOURCES
        first = inline_first
        for key, item in value.items():
            found = src.get(key)
            key_node = found[0] if found is not None else yamlview.new_scalar(key)
            if not isinstance(item, _CONTAINERS) and not (
                key_node.head or key_node.line or key_node.foot
            ):
                node = _entry_node(item, found)
                if not (node.line or node.foot) and self._scalar_line(
                    self._key(key_node) + ":", node, indent, inline=first
                ):
                    first = False
                    continue
            if first:
                first = False
                self._put(" ")
                if key_node.head:
                    self._put_comment_block(key_node.head, indent)
                    self._start(indent)
            else:
                if key_node.head:
                    self._comment_lines(key_node.head, indent)
                self._start(indent)
            self._put(self._key(key_node) + ":")
            if isinstance(item, _CONTAINERS):
                self._view_value(key_node, item, indent)
                foot = key_node.foot or _comments(item)[2]
            else:
                node = _entry_node(item, found)
                self._inline(node, indent + 2, line_comment=node.line or key_node.line)
                foot = key_node.foot or node.foot
            self._foot(foot, indent)

    def _scalar_line(self, lead: str, node: Node, indent: int, *, inline: bool) -> bool:
        """The common line ``lead`` + scalar with no comments, written in one go (what
        ``_start``, ``_put`` and ``_inline`` would write); False for a block scalar."""
        suffix = inline_suffix(node.value, node.tag, node.style, indent + 2)
        if suffix is None:
            return False
        if inline:
            self._put(" " + lead + suffix)
            self._finish()
            return True
        self._finish()
        if self.foot_indent == indent:
            self.lines.append("")
        self.foot_indent = -1
        self.lines.append(" " * indent + lead + suffix)
        return True

    def _view_value(self, key: Node, value: Any, indent: int) -> None:
        if _is_block(value):
            self._line_comment(key.line or _comments(value)[1])
            self._finish()
            if isinstance(value, dict):
                self.view_mapping(value, indent + 2)
            else:
                self.view_sequence(value, indent + 2 if self.wide else indent)
            return
        node = yamlview.to_node(value)
        self._inline(node, indent + 2, line_comment=node.line or key.line)

    def view_sequence(self, value: Any, indent: int, *, inline_first: bool = False) -> None:
        src = value.src if type(value) is Seq else []
        known = len(src)
        for index, item in enumerate(value):
            if isinstance(item, _CONTAINERS):
                head, line, foot = _comments(item)
                node = None
            else:
                found = src[index] if index < known else None
                if found is not None and type(item) is type(found[0]) and item == found[0]:
                    node = found[1]
                else:
                    node = yamlview.new_scalar(item)
                head, line, foot = node.head, node.line, node.foot
                inline = index == 0 and inline_first
                if not (head or line or foot) and self._scalar_line(
                    "-", node, indent, inline=inline
                ):
                    continue
            if index == 0 and inline_first:
                self._put(" ")
            else:
                if head:
                    self._comment_lines(head, indent)
                self._start(indent)
            self._put("-")
            if node is not None:
                self._inline(node, indent + 2, line_comment=line)
            elif _is_block(item) and isinstance(item, dict):
                if line:
                    self._line_comment(line)
                    self._finish()
                    self.view_mapping(item, indent + 2)
                else:
                    self.view_mapping(item, indent + 2, inline_first=True)
            elif _is_block(item):
                self.view_sequence(item, indent + 2, inline_first=True)
            else:
                self._inline(yamlview.to_node(item), indent + 2, line_comment=line)
            self._foot(foot, indent)


__all__ = ["emit"]
