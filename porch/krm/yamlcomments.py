"""Source comments onto parsed nodes, placed the way go-yaml v3 places them.

libyaml drops comments, so they are recovered from the text: a comment after content on
the same line is the line comment of the node that ends the line (of the key when a block
follows it); comment lines before an entry are its head comment; comment lines that close
a block (before a dedent or the end, or right after content and followed by a blank line)
are foot comments of the entry whose indentation they share. Blank lines only survive
between comment lines of one block and after the document's opening comment block, as
kyaml's writer keeps them. Pure; no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from porch.krm.yamlnode import FLOW, MAP, Node

_LINE_COMMENT = re.compile(r"(?:^|[ \t])(#.*)$")


class Entry:
    """A mapping key or sequence item: where it starts and what holds its comments (a
    node, or a ``yamlview`` Map/Seq when values are built straight from the events)."""

    __slots__ = ("column", "holder", "item", "line", "parent")

    def __init__(self, line: int, column: int, holder: Any, parent: int, item: bool = False):
        self.line = line
        self.column = column
        self.holder = holder
        self.parent = parent  # index of the enclosing entry, -1 at the top
        self.item = item  # a sequence item rather than a mapping key


@dataclass
class _Lines:
    kinds: list[str]  # "content", "blank", "comment" or "inside" (within a multi-line node)
    ends: dict[int, tuple[int, Any]] = field(default_factory=dict)  # last holder per line


# (holder, start line, start column, end line, end column); holders have comment slots
Span = tuple[Any, int, int, int, int]


def attach(text: str, *, spans: list[Span], entries: list[Entry]) -> str:
    """Set head/line/foot comments on the holders in ``spans`` and ``entries`` (nodes or
    Map/Seq values, all with ``head``, ``line`` and ``foot``); returns the document head."""
    lines = text.split("\n")
    info = _classify(lines, spans)
    _line_comments(lines, info, entries)
    return _block_comments(lines, info, entries)


def _classify(lines: list[str], spans: list[Span]) -> _Lines:
    kinds = []
    for ln in lines:
        stripped = ln.lstrip()
        kinds.append("content" if stripped[:1] not in _NOT_CONTENT else _KIND[stripped[:1]])
    info = _Lines(kinds)
    total = len(kinds)
    for node, start_line, _start_col, end_line, end_col in spans:
        if end_line > start_line + 1:  # most spans sit on one line
            for i in range(start_line + 1, min(end_line, total)):
                kinds[i] = "inside"
        if end_col > 0 or end_line == start_line:
            if end_line > start_line and end_line < len(kinds):
                kinds[end_line] = "content"
            known = info.ends.get(end_line)
            if known is None or known[0] <= end_col:
                info.ends[end_line] = (end_col, node)
    return info


_KIND = {"": "blank", "#": "comment"}
_NOT_CONTENT = frozenset(_KIND)


def _line_comments(lines: list[str], info: _Lines, entries: list[Entry]) -> None:
    first_entry_on: dict[int, Entry] = {}
    for entry in entries:
        first_entry_on.setdefault(entry.line, entry)
    for number, kind in enumerate(info.kinds):
        if kind != "content" or "#" not in lines[number]:
            continue
        end = info.ends.get(number)
        start = end[0] if end else 0
        match = _LINE_COMMENT.search(lines[number], start)
        if match is None:
            continue
        owner = end[1] if end else None
        if owner is None and number in first_entry_on:
            owner = first_entry_on[number].holder
        if owner is not None:
            owner.line = match.group(1).rstrip()


def _block_comments(lines: list[str], info: _Lines, entries: list[Entry]) -> str:
    doc_head: list[str] = []
    starts = sorted(range(len(entries)), key=lambda i: entries[i].line)
    pointer = 0
    previous = -1
    number = 0
    kinds = info.kinds
    while number < len(kinds):
        if kinds[number] not in ("blank", "comment"):
            while pointer < len(starts) and entries[starts[pointer]].line <= number:
                previous = starts[pointer]
                pointer += 1
            number += 1
            continue
        end = number
        while end < len(kinds) and kinds[end] in ("blank", "comment"):
            end += 1
        following = starts[pointer] if pointer < len(starts) else -1
        run = _Run(lines, number, end, entries, previous, following)
        doc_head.extend(run.place())
        number = end
    return "\n".join(_trim(doc_head))


class _Run:
    """A stretch of comment and blank lines between two content lines."""

    def __init__(
        self, lines: list[str], start: int, end: int, entries: list[Entry], prev: int, nxt: int
    ) -> None:
        self.groups: list[list[tuple[int, str]]] = [[]]  # (column, text), split at blanks
        for i in range(start, end):
            stripped = lines[i].strip()
            if not stripped:
                if self.groups[-1]:
                    self.groups.append([])
                continue
            self.groups[-1].append((len(lines[i]) - len(lines[i].lstrip()), stripped))
        self.starts_with_comment = bool(lines[start].strip())
        self.ends_with_blank = not lines[end - 1].strip()
        if not self.groups[-1]:
            self.groups.pop()
        self.entries, self.prev, self.next = entries, prev, nxt

    def place(self) -> list[str]:
        """Attach the comments; returns lines that belong to the document head."""
        if not self.groups:
            return []
        if self.prev < 0:
            return self._document_head()
        groups = list(self.groups)
        closes_prev = self.next >= 0 and not self._encloses(self.prev, self.next)
        if self.starts_with_comment and closes_prev and (len(groups) > 1 or self.ends_with_blank):
            for part in _by_column(groups.pop(0)):
                self._foot(part)
        for index, group in enumerate(groups):
            target = self._head_target(group[0][0])
            if target is not None:
                _append(target, "head", group, gap=index > 0)
                continue
            parts = _by_column(group)
            for number, part in enumerate(parts):
                last = self.next < 0 and index == len(groups) - 1 and number == len(parts) - 1
                self._foot(part, keys_only=last)
        return []

    def _document_head(self) -> list[str]:
        groups = list(self.groups)
        head: list[str] = []
        if self.next >= 0 and not self.ends_with_blank:
            _append(self.entries[self.next].holder, "head", groups.pop(), gap=False)
        for group in groups:
            if head:
                head.append("")
            head.extend(text for _, text in group)
        return head

    def _head_target(self, column: int) -> Any:
        if self.next < 0:
            return None
        nxt = self.entries[self.next]
        if column <= nxt.column or self._encloses(self.prev, self.next):
            return nxt.holder
        return None

    def _encloses(self, outer: int, inner: int) -> bool:
        parent = self.entries[inner].parent
        while parent >= 0:
            if parent == outer:
                return True
            parent = self.entries[parent].parent
        return False

    def _foot(self, group: list[tuple[int, str]], *, keys_only: bool = False) -> None:
        """Foot of the innermost enclosing entry at or left of the comment's column. The
        comment block that ends the document skips sequence items holding mappings (go-yaml
        hangs it on the key that owns the sequence)."""
        column = group[0][0]
        index = self.prev
        while self.entries[index].parent >= 0 and (
            self.entries[index].column > column
            or (
                keys_only
                and self.entries[index].item
                and _last_key(self.entries[index].holder) is not None
            )
        ):
            index = self.entries[index].parent
        holder = self.entries[index].holder
        last = _last_key(holder)
        if last is not None:
            # A foot under a sequence item that holds a mapping closes the mapping's last
            # entry: go-yaml writes it at the mapping's indentation.
            holder = last
        _append(holder, "foot", group, gap=False)


def _last_key(holder: Any) -> Node | None:
    """The last key of a non-empty block mapping (a node or a view Map), else None."""
    if holder.style & FLOW:
        return None
    if type(holder) is Node:
        return holder.content[-2] if holder.kind == MAP and holder.content else None
    last_key = getattr(holder, "last_key", None)  # Map has it; Seq does not
    return last_key() if last_key is not None else None


def _by_column(group: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    parts: list[list[tuple[int, str]]] = []
    for line in group:
        if parts and parts[-1][0][0] == line[0]:
            parts[-1].append(line)
        else:
            parts.append([line])
    return parts


def _append(node: Any, slot: str, group: list[tuple[int, str]], *, gap: bool) -> None:
    existing = getattr(node, slot)
    lines = [text for _, text in group]
    if existing:
        lines = [existing, *([""] if gap else []), *lines]
    setattr(node, slot, "\n".join(lines))


def _trim(lines: list[str]) -> list[str]:
    while lines and not lines[-1]:
        lines.pop()
    return lines


__all__ = ["Entry", "attach"]
