"""Commented YAML text straight to :class:`~porch.krm.yamlview.Map`/``Seq`` values.

Why it exists: reading a package is mostly parsing commented files, and building a
go-yaml node for every mapping and sequence only to turn it into a Map or Seq did the
work twice. This builder makes the values from libyaml's events directly (keeping a
node per key and scalar, the values' sources) and records where each entry sits, so
:mod:`porch.krm.yamlcomments` hangs the comments on the same objects the node tree
would have carried them to. Input it leaves to the node tree (anchors, aliases,
complex keys) raises :class:`~porch.krm.yamlview.Unusual`. Pure; no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import yaml

from porch.krm import yamlcomments, yamlparse
from porch.krm.yamlnode import FLOW, MAPTAG, SEQTAG
from porch.krm.yamlview import NOTHING, Map, Seq, Unusual, event_scalar

_COMMENT_TAIL = re.compile(r"(?:^|[ \t])#.*$")
# Typed Any: events are compared by exact type, and narrowing would hide their marks.
_SCALAR: Any = yaml.ScalarEvent
_MAPPING_START: Any = yaml.MappingStartEvent
_MAPPING_END: Any = yaml.MappingEndEvent
_SEQUENCE_START: Any = yaml.SequenceStartEvent
_SEQUENCE_END: Any = yaml.SequenceEndEvent


def parse(text: str, *, source: str = "<input>") -> tuple[Any, str]:
    """The value of ``text``'s first document and the comment block above it; the value
    is ``NOTHING`` when there is no document. ``Invalid`` for bad YAML, ``Unusual`` for
    input the node tree must handle."""
    builder = _Builder(text)
    value = yamlparse.parse_with(text, builder.build, source=source)
    if value is NOTHING:
        return value, ""
    return value, yamlcomments.attach(text, spans=builder.spans, entries=builder.entries)


class _Builder:
    """``yamlparse``'s builder, producing values instead of nodes (same spans, entries)."""

    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")
        # Lines a comment could be on: a one-line scalar elsewhere needs no span (spans
        # only tell whose line comment a ``#`` is, and which lines a multi-line node fills).
        self.marked = {number for number, line in enumerate(self.lines) if "#" in line}
        self.spans: list[yamlcomments.Span] = []
        self.entries: list[yamlcomments.Entry] = []
        self._parents: list[int] = []
        self._flow = 0  # inside a flow collection: no entries (its comments are not kept)

    def build(self, events: Iterator[Any]) -> Any:
        for event in events:
            if type(event) is yaml.DocumentStartEvent:
                first = next(events)
                if type(first) is _SCALAR:
                    if first.anchor is not None:
                        raise Unusual
                    return event_scalar(first)[1]
                return self._container(first, events)
        return NOTHING

    def _container(self, event: Any, events: Iterator[Any]) -> Map | Seq:
        kind = type(event)
        if event.anchor is not None:
            raise Unusual
        if kind is _MAPPING_START:
            return self._mapping(event, events)
        if kind is _SEQUENCE_START:
            return self._sequence(event, events)
        raise Unusual  # an alias

    def _mapping(self, start: Any, events: Iterator[Any]) -> Map:
        # The hottest loop of a read: scalars (most keys and values) are handled inline.
        flow = bool(start.flow_style)
        result = Map()
        if flow:
            result.style = FLOW
        if start.tag is not None:
            result.tag = yamlparse.tag_of(start.tag, MAPTAG)
        self._flow += flow
        in_flow = self._flow
        spans, entries, parents, src = self.spans, self.entries, self._parents, result.src
        marked = self.marked
        for event in events:
            if type(event) is _MAPPING_END:
                self._flow -= flow
                if flow:
                    self._span(result, start, event)
                return result
            if type(event) is not _SCALAR or event.anchor is not None:
                raise Unusual  # complex key or anchor
            key_node, key = event_scalar(event)
            first, last = event.start_mark, event.end_mark
            line = first.line
            if line != last.line or line in marked:
                spans.append((key_node, line, first.column, last.line, last.column))
            if in_flow:
                entry = parents[-1] if parents else -1
            else:
                outer = parents[-1] if parents else -1
                entries.append(yamlcomments.Entry(line, first.column, key_node, outer))
                entry = len(entries) - 1
            value_event = next(events)
            if type(value_event) is _SCALAR and value_event.anchor is None:
                node, value = event_scalar(value_event)  # a scalar looks at no parent
                first, last = value_event.start_mark, value_event.end_mark
                line = first.line
                if line != last.line or line in marked:
                    spans.append((node, line, first.column, last.line, last.column))
                src[key] = (key_node, value, node)
            else:
                parents.append(entry)
                value = self._container(value_event, events)
                parents.pop()
                src[key] = (key_node, None, None)
            dict.__setitem__(result, key, value)
        raise Unusual  # the stream ended inside the mapping: the node tree reports it

    def _sequence(self, start: Any, events: Iterator[Any]) -> Seq:
        flow = bool(start.flow_style)
        result = Seq()
        if flow:
            result.style = FLOW
        if start.tag is not None:
            result.tag = yamlparse.tag_of(start.tag, SEQTAG)
        self._flow += flow
        items, entries, parents = result.src, self.entries, self._parents
        for event in events:
            if type(event) is _SEQUENCE_END:
                self._flow -= flow
                if flow:
                    self._span(result, start, event)
                return result
            line, column = self._dash(event.start_mark)
            index = -1
            if not self._flow:
                parent = parents[-1] if parents else -1
                entries.append(yamlcomments.Entry(line, column, result, parent, True))
                index = len(entries) - 1
            parents.append(index if index >= 0 else (parents or [-1])[-1])
            if type(event) is _SCALAR and event.anchor is None:
                node, value = event_scalar(event)
                parents.pop()
                if index >= 0:
                    entries[index].holder = node
                first, last = event.start_mark, event.end_mark
                if first.line != last.line or first.line in self.marked:
                    self._span(node, event, event)  # a scalar item's text
                items.append((value, node))
            else:
                value = self._container(event, events)
                parents.pop()
                if index >= 0:
                    entries[index].holder = value
                items.append(None)
            list.append(result, value)
        raise Unusual

    def _span(self, holder: Any, start: Any, end: Any) -> None:
        first, last = start.start_mark, end.end_mark
        self.spans.append((holder, first.line, first.column, last.line, last.column))

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


__all__ = ["parse"]
