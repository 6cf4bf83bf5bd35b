"""Node trees back to text, laid out the way kyaml's writer (go-yaml v3) lays them out.

Two-space mappings; block sequences either "compact" (dash under the parent key) or
"wide" (dash two columns in), chosen per document as kyaml's ``seqindent`` annotation does;
flow collections on one line; comments re-indented to their entry; blank lines dropped
except after the document's opening comment and after a foot comment that is followed by
an entry at its own indentation. Pure; no I/O.
"""

from __future__ import annotations

import functools

from porch.krm import yamlscalars as scalars
from porch.krm.yamlnode import FLOW, FOLDED, LITERAL, MAP, SCALAR, SEQ, SINGLE, Node
from porch.krm.yamlparse import Document

COMPACT = "compact"
WIDE = "wide"


def emit(doc: Document | Node, *, seq_indent: str = COMPACT) -> str:
    """One document as text (no leading ``---``)."""
    if isinstance(doc, Node):
        doc = Document(root=doc)
    writer = Writer(wide=seq_indent == WIDE)
    writer.document(doc)
    return writer.text()


def emit_all(docs: list[tuple[Document | Node, str]]) -> str:
    """Documents joined the way go-yaml's encoder separates them."""
    return "---\n".join(emit(doc, seq_indent=indent) for doc, indent in docs)


def _is_block(node: Node) -> bool:
    return node.kind in (MAP, SEQ) and not node.style & FLOW and bool(node.content)


class Writer:
    """Lines of one document; the view emitter (``yamlviewemit``) extends it."""

    def __init__(self, *, wide: bool) -> None:
        self.wide = wide
        self.lines: list[str] = []
        self.current: str | None = None
        self.foot_indent = -1

    def text(self) -> str:
        self._finish()
        return "".join(line + "\n" for line in self.lines)

    # -- low level ----------------------------------------------------------------------

    def _finish(self) -> None:
        if self.current is not None:
            self.lines.append(self.current)
            self.current = None

    def _start(self, indent: int) -> None:
        self._finish()
        if self.foot_indent == indent:
            self.lines.append("")
        self.foot_indent = -1
        self.current = " " * indent

    def _put(self, text: str) -> None:
        if self.current is None:
            self.current = ""
        self.current += text

    def _comment_lines(self, comment: str, indent: int) -> None:
        for line in comment.split("\n"):
            if not line:
                self._finish()
                self.lines.append("")
                continue
            self._start(indent)
            self._put(line if line.startswith("#") else "# " + line)
        self._finish()

    def _foot(self, comment: str, indent: int) -> None:
        if comment:
            self._comment_lines(comment, indent)
            self.foot_indent = indent

    def _line_comment(self, comment: str) -> None:
        if comment:
            self._put(" " + (comment if comment.startswith("#") else "# " + comment))

    # -- structure ----------------------------------------------------------------------

    def document(self, doc: Document) -> None:
        if doc.head:
            self._comment_lines(doc.head, 0)
            self.lines.append("")
        root = doc.root
        if root.head:
            self._comment_lines(root.head, 0)
        if root.kind == MAP and _is_block(root):
            self.mapping(root, 0)
        elif root.kind == SEQ and _is_block(root):
            self.sequence(root, 0)
        else:
            self._inline(root, 0, line_comment=root.line)
            self.lines[-1] = self.lines[-1][1:]  # a root scalar has no key to follow
        self._finish()
        if root.foot:
            self._comment_lines(root.foot, 0)

    def mapping(self, node: Node, indent: int, *, inline_first: bool = False) -> None:
        for index, (key, value) in enumerate(node.pairs()):
            if index == 0 and inline_first:
                if key.head:
                    self._put(" ")
                    self._put_comment_block(key.head, indent)
                    self._start(indent)
                else:
                    self._put(" ")
            else:
                if key.head:
                    self._comment_lines(key.head, indent)
                self._start(indent)
            self._put(self._key(key) + ":")
            self._value(key, value, indent)
            self._foot(key.foot or value.foot, indent)

    def _put_comment_block(self, comment: str, indent: int) -> None:
        first, *rest = comment.split("\n")
        self._put(first)
        if rest:
            self._finish()
            self._comment_lines("\n".join(rest), indent)

    def _value(self, key: Node, value: Node, indent: int) -> None:
        if _is_block(value):
            self._line_comment(key.line or value.line)
            self._finish()
            if value.kind == MAP:
                self.mapping(value, indent + 2)
            else:
                self.sequence(value, indent + 2 if self.wide else indent)
            return
        self._inline(value, indent + 2, line_comment=value.line or key.line)

    def sequence(self, node: Node, indent: int, *, inline_first: bool = False) -> None:
        for index, item in enumerate(node.content):
            if not (index == 0 and inline_first):
                if item.head:
                    self._comment_lines(item.head, indent)
                self._start(indent)
            else:
                self._put(" ")
            self._put("-")
            self._item(item, indent)
            self._foot(item.foot, indent)

    def _item(self, item: Node, indent: int) -> None:
        if _is_block(item) and item.kind == MAP:
            if item.line:
                self._line_comment(item.line)
                self._finish()
                self.mapping(item, indent + 2)
            else:
                self.mapping(item, indent + 2, inline_first=True)
            return
        if _is_block(item):
            self.sequence(item, indent + 2, inline_first=True)
            return
        self._inline(item, indent + 2, line_comment=item.line)

    # -- scalars and flow collections ---------------------------------------------------

    def _key(self, key: Node) -> str:
        if key.kind != SCALAR:
            return self._flow(key)
        return _key_text(key.value, key.tag, key.style)

    def _inline(self, node: Node, indent: int, *, line_comment: str = "") -> None:
        if node.kind != SCALAR:
            text = self._flow(node)
            self._put(" " + text)
            self._line_comment(line_comment)
            self._finish()
            return
        tag, style = _value_style(node.value, node.tag, node.style)
        prefix = f" {tag}" if tag else ""
        if style in (LITERAL, FOLDED):
            self._put(prefix + " " + ("|" if style == LITERAL else ">"))
            self._put(scalars.block_hints(node.value))
            self._line_comment(line_comment)
            self._finish()
            body = (scalars.literal_body if style == LITERAL else scalars.folded_body)(
                node.value, indent
            )
            self.lines.extend(body)
            return
        text = _scalar_text(node.value, style, indent)
        self._put(prefix + (" " + text if text else ""))
        self._line_comment(line_comment)
        self._finish()

    def _flow(self, node: Node) -> str:
        if node.kind == MAP:
            parts = [f"{self._flow(k)}: {self._flow(v)}" for k, v in node.pairs()]
            return "{" + ", ".join(parts) + "}"
        if node.kind == SEQ:
            return "[" + ", ".join(self._flow(item) for item in node.content) + "]"
        tag, style = scalars.presentation(node)
        style = scalars.select_style(node.value, style, flow=True, simple_key=False)
        text = _scalar_text(node.value, style, 0)
        return f"{tag} {text}" if tag else text


# Scalar presentation is a pure function of (value, tag, style): keys and common values
# repeat in every resource, so their text is worked out once.


@functools.lru_cache(maxsize=16384)
def _key_text(value: str, tag: str, style: int) -> str:
    shown, requested = scalars.presentation(Node(SCALAR, tag=tag, value=value, style=style))
    chosen = scalars.select_style(value, requested, flow=False, simple_key=True)
    text = _scalar_text(value, chosen, 0)
    return f"{shown} {text}" if shown else text


@functools.lru_cache(maxsize=16384)
def _value_style(value: str, tag: str, style: int) -> tuple[str, int]:
    shown, requested = scalars.presentation(Node(SCALAR, tag=tag, value=value, style=style))
    return shown, scalars.select_style(value, requested, flow=False, simple_key=False)


@functools.lru_cache(maxsize=16384)
def inline_suffix(value: str, tag: str, style: int, indent: int) -> str | None:
    """What ``Writer._inline`` puts after ``key:`` or ``-`` for a scalar at ``indent``
    (None for block scalars, which take more lines)."""
    shown, chosen = _value_style(value, tag, style)
    if chosen in (LITERAL, FOLDED):
        return None
    prefix = f" {shown}" if shown else ""
    text = _scalar_text(value, chosen, indent)
    return prefix + (" " + text if text else "")


def _scalar_text(value: str, style: int, indent: int) -> str:
    if style == scalars.PLAIN:
        return value
    if style == SINGLE:
        return scalars.single_quoted(value, indent)
    return scalars.double_quoted(value)


__all__ = ["COMPACT", "WIDE", "Writer", "emit", "emit_all", "inline_suffix"]
