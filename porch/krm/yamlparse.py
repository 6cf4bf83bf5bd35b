"""Text to :mod:`porch.krm.yamlnode` trees, the way kyaml reads package files.

libyaml (through PyYAML's C parser) does the YAML; this module turns its events into nodes
with go-yaml v3 tags and styles, then hangs the source comments on the nodes where go-yaml
v3 would (head comments on the entry they precede, line comments on the node that ends the
line, trailing comments as foot comments of the block they close). Files are split into
documents like kyaml's ByteReader. Pure; no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import yaml

from porch.errors import Invalid
from porch.krm import yamlcomments
from porch.krm.yamlnode import (
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

T = TypeVar("T")
_SEPARATOR = re.compile(r"\n---.*\n")
_COMMENT_TAIL = re.compile(r"(?:^|[ \t])#.*$")
_STYLES = {"'": SINGLE, '"': DOUBLE, "|": LITERAL, ">": FOLDED}
_CORE_TAG = "tag:yaml.org,2002:"
# libyaml when PyYAML was built with it (20x faster); the pure-Python parser otherwise.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SCALAR = yaml.ScalarEvent
_MAPPING_START, _MAPPING_END = yaml.MappingStartEvent, yaml.MappingEndEvent
_SEQUENCE_START, _SEQUENCE_END = yaml.SequenceStartEvent, yaml.SequenceEndEvent


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
    commented = "#" in text  # without comments there is nothing to place: a leaner build
    builder = _Builder(text) if commented else None
    try:
        root = builder.build(_events(text)) if builder else _build_plain(_events(text))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark is not None else source
        raise Invalid(f"{where}: invalid YAML: {getattr(exc, 'problem', None) or exc}") from exc
    if root is None:
        return None
    if builder is None:
        return Document(root=root)
    head = yamlcomments.attach(text, spans=builder.spans, entries=builder.entries)
    return Document(root=root, head=head)


def parse_with(text: str, build: Callable[[Iterator[Any]], T], *, source: str = "<input>") -> T:
    """``build`` applied to the libyaml events of ``text``'s first document, syntax errors
    reported like ``parse`` reports them (for builders that skip the node tree)."""
    loader = _LOADER(text)
    try:
        # Events straight from the parser (no generator in between: a read pulls tens of
        # thousands); builders stop at the end of the first document's root.
        return build(iter(loader.get_event, None))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark is not None else source
        raise Invalid(f"{where}: invalid YAML: {getattr(exc, 'problem', None) or exc}") from exc
    finally:
        loader.dispose()


def _events(text: str) -> Iterator[Any]:
    """libyaml's events up to the end of the first document (all a caller reads)."""
    loader = _LOADER(text)
    get = loader.get_event
    try:
        while True:
            event = get()
            yield event
            if type(event) is yaml.DocumentEndEvent or type(event) is yaml.StreamEndEvent:
                return
    finally:
        loader.dispose()


def _build_plain(events: Iterator[Any]) -> Node | None:
    """``_Builder.build`` for text without comments: no positions to remember."""
    for event in events:
        if type(event) is yaml.DocumentStartEvent:
            return _plain_node(next(events), events, {})
    return None


def _plain_node(event: Any, events: Iterator[Any], anchors: dict[str, Node]) -> Node:
    kind = type(event)
    if kind is _SCALAR:
        node = _scalar(event)
    elif kind is _MAPPING_START or kind is _SEQUENCE_START:
        mapping = kind is _MAPPING_START
        end = _MAPPING_END if mapping else _SEQUENCE_END
        default = MAPTAG if mapping else SEQTAG
        node = Node(MAP if mapping else SEQ, tag=_tag(event.tag, default))
        if event.flow_style:
            node.style = FLOW
        content = node.content
        for child in events:
            child_kind = type(child)
            if child_kind is end:
                break
            if child_kind is _SCALAR and not child.anchor:
                content.append(_scalar(child))
            else:
                content.append(_plain_node(child, events, anchors))
    elif kind is yaml.AliasEvent:
        if event.anchor not in anchors:
            raise yaml.YAMLError(f"unknown anchor {event.anchor!r}")
        return anchors[event.anchor].copy()
    else:
        raise yaml.YAMLError(f"unexpected {kind.__name__}")
    if event.anchor:
        anchors[event.anchor] = node
    return node


def parse_all(text: str, *, source: str = "<input>") -> list[Document]:
    docs = (parse(part, source=source) for part in split_documents(text, source=source))
    return [d for d in docs if d is not None and not _is_null_document(d)]


def _is_null_document(doc: Document) -> bool:
    return doc.root.kind == SCALAR and doc.root.tag == "!!null"


class _Builder:
    """Consumes libyaml events into nodes, remembering where each node sits."""

    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")
        self.spans: list[yamlcomments.Span] = []
        self.entries: list[yamlcomments.Entry] = []
        self._anchors: dict[str, Node] = {}
        self._parents: list[int] = []
        self._flow = 0  # inside a flow collection: no entries (its comments are not kept)

    def build(self, events: Iterator[Any]) -> Node | None:
        self._events = events
        for event in self._events:
            if isinstance(event, yaml.DocumentStartEvent):
                return self._node(next(self._events))
        return None

    def _node(self, event: Any) -> Node:
        kind = type(event)  # exact types: libyaml's events are never subclassed
        if kind is _SCALAR:
            node = _scalar(event)
        elif kind is _MAPPING_START:
            node = self._mapping(event)
        elif kind is _SEQUENCE_START:
            node = self._sequence(event)
        elif kind is yaml.AliasEvent:
            if event.anchor not in self._anchors:
                raise yaml.YAMLError(f"unknown anchor {event.anchor!r}")
            return self._anchors[event.anchor].copy()
        else:
            raise yaml.YAMLError(f"unexpected {kind.__name__}")
        if event.anchor:
            self._anchors[event.anchor] = node
        return node

    def _mark(self, node: Node, start: Any, end: Any) -> None:
        self.spans.append((node, start.line, start.column, end.line, end.column))

    def _entry(self, holder: Node, line: int, column: int, *, item: bool = False) -> int:
        if self._flow:
            return -1
        parent = self._parents[-1] if self._parents else -1
        self.entries.append(yamlcomments.Entry(line, column, holder, parent, item))
        return len(self.entries) - 1

    def _push(self, index: int) -> None:
        self._parents.append(index if index >= 0 else (self._parents or [-1])[-1])

    def _mapping(self, start: Any) -> Node:
        # The hottest loop of a parse: scalars (most keys and values) are handled inline.
        flow = bool(start.flow_style)
        node = Node(MAP, tag=_tag(start.tag, MAPTAG), style=FLOW if flow else 0)
        self._flow += flow
        events, spans, entries, parents = self._events, self.spans, self.entries, self._parents
        content = node.content
        for event in events:
            kind = type(event)
            if kind is _MAPPING_END:
                self._flow -= flow
                self._close(node, flow, start, event)
                return node
            key = _scalar(event) if kind is _SCALAR and not event.anchor else self._node(event)
            first, last = event.start_mark, event.end_mark
            spans.append((key, first.line, first.column, last.line, last.column))
            outer = parents[-1] if parents else -1
            if self._flow:
                parents.append(outer)
            else:
                entries.append(yamlcomments.Entry(first.line, first.column, key, outer, False))
                parents.append(len(entries) - 1)
            value_event = next(events)
            if type(value_event) is _SCALAR and not value_event.anchor:
                value = _scalar(value_event)
            else:
                value = self._node(value_event)
            parents.pop()
            if value.kind == SCALAR:
                first, last = value_event.start_mark, value_event.end_mark
                spans.append((value, first.line, first.column, last.line, last.column))
            content.append(key)
            content.append(value)
        raise yaml.YAMLError("unexpected end of the event stream")

    def _sequence(self, start: Any) -> Node:
        flow = bool(start.flow_style)
        node = Node(SEQ, tag=_tag(start.tag, SEQTAG), style=FLOW if flow else 0)
        self._flow += flow
        while True:
            event = next(self._events)
            if type(event) is _SEQUENCE_END:
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


def tag_of(raw: str | None, default: str) -> str:
    """go-yaml's short form of a tag libyaml reported (``default`` when there is none)."""
    return _tag(raw, default)


def scalar_node(event: Any) -> Node:
    """The node of a libyaml scalar event, tagged and styled as go-yaml v3 would."""
    return _scalar(event)


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


__all__ = [
    "Document",
    "parse",
    "parse_all",
    "parse_with",
    "scalar_node",
    "split_documents",
    "tag_of",
]
