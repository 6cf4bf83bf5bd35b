"""Text to :mod:`porch.kpt.pkg_yamlnode` trees, the way kyaml reads package files.

libyaml (through PyYAML's C parser) does the YAML; this module turns its events into nodes
with go-yaml v3 tags and styles, then hangs the source comments on the nodes where go-yaml
v3 would (head comments on the entry they precede, line comments on the node that ends the
line, trailing comments as foot comments of the block they close). Files are split into
documents like kyaml's ByteReader. Pure; no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from porch.errors import Invalid
from porch.kpt import pkg_yamlcomments
from porch.kpt.pkg_yamlnode import (
    DOUBLE,
    FLOW,
    FOLDED,
    LITERAL,
    MAP,
    MAPTAG,
    SCALAR,
    SEQ,
    SEQTAG,
    SINGLE,
    STR,
    TAGGED,
    Node,
    resolve,
)

_SEPARATOR = re.compile(r"\n---.*\n")
_COMMENT_TAIL = re.compile(r"(?:^|[ \t])#.*$")
_STYLES = {"'": SINGLE, '"': DOUBLE, "|": LITERAL, ">": FOLDED}
_CORE_TAG = "tag:yaml.org,2002:"
# libyaml when PyYAML was built with it (20x faster); the pure-Python parser otherwise.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class Document:
    """One YAML document: its root node and the comment block above it (kept apart from
    the first key's comment when a blank line separates them)."""

    root: Node
    head: str = ""


def split_documents(text: str, *, source: str = "<input>") -> list[str]:
    """kyaml's document split: a line starting with ``---`` separates documents."""
    text = text.replace("\r\n", "\n")
    parts: list[str] = []
    previous = 0
    for match in _SEPARATOR.finditer(text):
        rest = match.group()[4:].strip()
        if rest and not rest.startswith("#"):
            raise Invalid(f"{source}: invalid document separator: {match.group().strip()}")
        parts.append(text[previous : match.start()])
        previous = match.end()
    parts.append(text[previous:])
    return [p + "\n" if i < len(parts) - 1 else p for i, p in enumerate(parts)]


def parse(text: str, *, source: str = "<input>") -> Document | None:
    """The first document of ``text``; None when it holds no node (empty or comments)."""
    builder = _Builder(text)
    try:
        root = builder.build(yaml.parse(text, Loader=_LOADER))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark is not None else source
        raise Invalid(f"{where}: invalid YAML: {getattr(exc, 'problem', None) or exc}") from exc
    if root is None:
        return None
    head = pkg_yamlcomments.attach(text, root=root, spans=builder.spans, entries=builder.entries)
    return Document(root=root, head=head)


def parse_all(text: str, *, source: str = "<input>") -> list[Document]:
    docs = (parse(part, source=source) for part in split_documents(text, source=source))
    return [d for d in docs if d is not None and not _is_null_document(d)]


def _is_null_document(doc: Document) -> bool:
    return doc.root.kind == SCALAR and doc.root.tag == "!!null"


class _Builder:
    """Consumes libyaml events into nodes, remembering where each node sits."""

    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")
        self.spans: list[pkg_yamlcomments.Span] = []
        self.entries: list[pkg_yamlcomments.Entry] = []
        self._anchors: dict[str, Node] = {}
        self._parents: list[int] = []
        self._flow = 0  # inside a flow collection: no entries (its comments are not kept)

    def build(self, events: Any) -> Node | None:
        self._events = iter(events)
        for event in self._events:
            if isinstance(event, yaml.DocumentStartEvent):
                return self._node(next(self._events))
        return None

    def _node(self, event: Any) -> Node:
        if isinstance(event, yaml.ScalarEvent):
            node = _scalar(event)
        elif isinstance(event, yaml.AliasEvent):
            if event.anchor not in self._anchors:
                raise yaml.YAMLError(f"unknown anchor {event.anchor!r}")
            node = self._anchors[event.anchor].copy()
        elif isinstance(event, yaml.MappingStartEvent):
            node = self._mapping(event)
        elif isinstance(event, yaml.SequenceStartEvent):
            node = self._sequence(event)
        else:
            raise yaml.YAMLError(f"unexpected {type(event).__name__}")
        anchor = getattr(event, "anchor", None)
        if anchor and not isinstance(event, yaml.AliasEvent):
            self._anchors[anchor] = node
        return node

    def _mark(self, node: Node, start: Any, end: Any) -> None:
        self.spans.append((node, start.line, start.column, end.line, end.column))

    def _entry(self, holder: Node, line: int, column: int, *, item: bool = False) -> int:
        if self._flow:
            return -1
        parent = self._parents[-1] if self._parents else -1
        self.entries.append(pkg_yamlcomments.Entry(line, column, holder, parent, item))
        return len(self.entries) - 1

    def _push(self, index: int) -> None:
        self._parents.append(index if index >= 0 else (self._parents or [-1])[-1])

    def _mapping(self, start: Any) -> Node:
        flow = bool(start.flow_style)
        node = Node(MAP, tag=_tag(start.tag, MAPTAG), style=FLOW if flow else 0)
        self._flow += flow
        while True:
            event = next(self._events)
            if isinstance(event, yaml.MappingEndEvent):
                self._flow -= flow
                self._close(node, flow, start, event)
                return node
            key = self._node(event)
            self._mark(key, event.start_mark, event.end_mark)
            index = self._entry(key, event.start_mark.line, event.start_mark.column)
            self._push(index)
            value_event = next(self._events)
            value = self._node(value_event)
            self._parents.pop()
            if value.kind == SCALAR:
                self._mark(value, value_event.start_mark, value_event.end_mark)
            node.content.extend([key, value])

    def _sequence(self, start: Any) -> Node:
        flow = bool(start.flow_style)
        node = Node(SEQ, tag=_tag(start.tag, SEQTAG), style=FLOW if flow else 0)
        self._flow += flow
        while True:
            event = next(self._events)
            if isinstance(event, yaml.SequenceEndEvent):
                self._flow -= flow
                self._close(node, flow, start, event)
                return node
            line, column = self._dash(event.start_mark)
            index = self._entry(node, line, column, item=True)
            self._push(index)
            item = self._node(event)
            self._parents.pop()
            if index >= 0:
                self.entries[index].holder = item
            if item.kind == SCALAR:
                self._mark(item, event.start_mark, event.end_mark)
            node.content.append(item)

    def _close(self, node: Node, flow: bool, start: Any, end: Any) -> None:
        # Only flow collections and scalars occupy text a comment search must skip.
        if flow:
            self._mark(node, start.start_mark, end.end_mark)

    def _dash(self, mark: Any) -> tuple[int, int]:
        """Line and column of the ``-`` that introduces the item starting at ``mark``."""
        if self._flow:
            return mark.line, mark.column
        before = self.lines[mark.line][: mark.column].rstrip()
        if before.endswith("-"):
            return mark.line, len(before) - 1
        for number in range(mark.line - 1, -1, -1):
            content = _COMMENT_TAIL.sub("", self.lines[number]).rstrip()
            if content:
                if content.endswith("-"):
                    return number, len(content) - 1
                break
        return mark.line, mark.column


def _tag(raw: str | None, default: str) -> str:
    if raw is None or raw == "!":
        return default
    if raw.startswith(_CORE_TAG):
        return "!!" + raw[len(_CORE_TAG) :]
    return raw


def _scalar(event: Any) -> Node:
    style = _STYLES.get(event.style or "", 0)
    value = event.value
    explicit = event.tag is not None and event.tag != "!"
    if explicit:
        return Node(SCALAR, tag=_tag(event.tag, STR), value=value, style=style | TAGGED)
    tag = STR if style else resolve(value)
    return Node(SCALAR, tag=tag, value=value, style=style)


__all__ = ["Document", "parse", "parse_all", "split_documents"]
