"""Resources as text and back: libyaml underneath, go-yaml v3's layout on the way out.

Why it exists: KRM files are edited by people, so a tool that rewrites them must change
only what it means to change. Text is parsed into go-yaml-like nodes
(:mod:`porch.krm.yamlparse`, comments placed where go-yaml places them) and handed out
as :class:`~porch.krm.yamlview.Map` values, which functions edit like dicts; writing
turns them back into nodes (unchanged scalars keep their spelling) and prints them the
way kyaml's writer does (:mod:`porch.krm.yamlemit`). Documents are split on ``---``
lines exactly like kyaml's reader, and the sequence indentation style of each document
(``compact``/``wide``) is detected the way kyaml records it.

Pure; no file or network I/O. It must not know about packages or bookkeeping.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from porch.errors import Invalid
from porch.krm import yamlemit, yamlparse, yamlview, yamlviewemit, yamlviewparse
from porch.krm.yamlnode import NULL, SCALAR, Node
from porch.krm.yamlview import Map, Seq

COMPACT = yamlemit.COMPACT
WIDE = yamlemit.WIDE

# kyaml: a document separator is a line starting with ``---``; only a comment may follow.
_SEPARATOR = re.compile(r"\n---.*\n")


@dataclass(frozen=True)
class Document:
    """One document of a YAML stream: its value, sequence style and first line (0-based)."""

    node: Any
    seqindent: str
    line: int


def split_documents(text: str, *, source: str = "<input>") -> list[tuple[str, int]]:
    """The text of every document and its first line, split like kyaml's reader."""
    text = text.replace("\r\n", "\n")
    parts: list[tuple[str, int]] = []
    start = 0
    line = 0
    for match in _SEPARATOR.finditer(text):
        rest = match.group()[4:].strip()
        if rest and not rest.startswith("#"):
            at = text.count("\n", 0, match.start()) + 2
            raise Invalid(f"{source}:{at}: invalid document separator: {match.group().strip()}")
        parts.append((text[start : match.start()] + "\n", line))
        line += text.count("\n", start, match.end())
        start = match.end()
    parts.append((text[start:], line))
    return parts


def parse_documents(text: str, *, source: str = "<input>") -> list[Document]:
    """Every non-empty document of ``text``; ``Invalid`` names the file and line."""
    docs = []
    for part, first_line in split_documents(text, source=source):
        try:
            value = _value(part, source=source)
        except Invalid as exc:
            raise Invalid(_shift(str(exc), source, first_line)) from exc
        if value is not None:
            docs.append(Document(node=value, seqindent=detect_seqindent(part), line=first_line))
    return docs


def _value(text: str, *, source: str) -> Any:
    """The value of one document's text; None when it holds nothing (or only null)."""
    if "#" not in text:  # nothing to place: values straight from the parser's events
        try:
            value = yamlparse.parse_with(text, yamlview.from_events, source=source)
        except yamlview.Unusual:
            value = yamlview.NOTHING  # anchors and the like: the node tree handles them
        else:
            return None if value is yamlview.NOTHING else value
    try:
        value, head = yamlviewparse.parse(text, source=source)
    except yamlview.Unusual:
        pass  # anchors and the like: the node tree handles them
    else:
        if value is yamlview.NOTHING or value is None:
            return None
        if isinstance(value, Map):
            value.doc_head = head
        return value
    parsed = yamlparse.parse(text, source=source)
    if parsed is None or (parsed.root.kind == SCALAR and parsed.root.tag == NULL):
        return None
    value = yamlview.from_node(parsed.root)
    if isinstance(value, Map):
        value.doc_head = parsed.head
    return value


def _shift(message: str, source: str, first_line: int) -> str:
    """The parser numbers lines within the document; report them within the file."""
    prefix = f"{source}:"
    if first_line and message.startswith(prefix):
        number, sep, rest = message[len(prefix) :].partition(":")
        if sep and number.isdigit():
            return f"{prefix}{int(number) + first_line}:{rest}"
    return message


def detect_seqindent(text: str) -> str:
    """``wide`` or ``compact``, from the first block sequence under a ``key:`` line (kyaml)."""
    if "- " not in text:
        return COMPACT
    lines = text.split("\n")
    for i, line in enumerate(lines):
        prefix, sep, _ = line.partition("- ")
        if not sep or prefix.strip(" "):
            continue
        key = _key_line_before(lines, i)
        stripped = key.strip(" ")
        if not key or stripped.count(":") != 1 or not stripped.endswith(":"):
            continue
        key_indent = len(key) - len(key.lstrip(" "))
        if len(prefix) == key_indent:
            return COMPACT
        if len(prefix) - key_indent == 2:
            return WIDE
    return COMPACT


def _key_line_before(lines: list[str], index: int) -> str:
    """The nearest non-comment line above ``index``, without its trailing comment."""
    for line in reversed(lines[:index]):
        if not line.strip(" ").startswith("#"):
            return line.split("#", 1)[0]
    return ""


def load_all(text: str, *, source: str = "<input>") -> list[Any]:
    """Every document of ``text`` (empty documents skipped); ``Invalid`` names the line."""
    return [doc.node for doc in parse_documents(text, source=source)]


def load(text: str, *, source: str = "<input>") -> Any:
    docs = load_all(text, source=source)
    if len(docs) != 1:
        raise Invalid(f"{source}: expected one YAML document, found {len(docs)}")
    return docs[0]


def document_node(doc: Any) -> yamlparse.Document:
    """A value as the node document the emitter prints (its document head kept)."""
    return yamlparse.Document(root=yamlview.to_node(doc), head=getattr(doc, "doc_head", ""))


def dump(doc: Any, *, compact_sequences: bool = True) -> str:
    return yamlviewemit.emit(
        doc, head=getattr(doc, "doc_head", ""), seq_indent=COMPACT if compact_sequences else WIDE
    )


def dump_all(docs: list[Any], *, compact_sequences: bool = True) -> str:
    return "---\n".join(dump(d, compact_sequences=compact_sequences) for d in docs)


def dump_json(doc: Any) -> str:
    """Indented JSON like Go's encoder (HTML characters escaped), for ``*.json`` files."""
    text = json.dumps(to_plain(doc), indent=2, ensure_ascii=False)
    for char, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e")):
        text = text.replace(char, escaped)
    return text + "\n"


# Marks on a resource's root mapping that travel with it (see ``set_mark``).
HEAD_OUTSIDE = "head-outside"  # its head comment prints before the ``-`` in a list
FROM_FILE = "from-file"  # it was read from its own file


def set_mark(node: Any, mark: str) -> None:
    node.marks = node.marks | {mark}


def has_mark(node: Any, mark: str) -> bool:
    return mark in getattr(node, "marks", ())


def copy_node(value: Any) -> Any:
    """A deep copy (comments, spellings and marks included)."""
    return yamlview.copy(value)


def head_comment(node: Any) -> str:
    """A resource's head comment as go-yaml holds it inside a list: the document's opening
    comment and the first key's, blank lines dropped."""
    if not isinstance(node, Map):
        return ""
    parts = [node.doc_head, node.head]
    first = next(iter(node), None)
    found = node.src.get(first) if first is not None else None
    if found is not None:
        parts.append(found[0].head)
    return "\n".join(line for part in parts for line in part.split("\n") if line.strip())


def set_head_comment(node: Map, comment: str) -> None:
    """Make ``comment`` the resource's head comment (on its first key, as after parsing)."""
    node.doc_head = node.head = ""
    first = next(iter(node), None)
    if first is None:
        node.head = comment
        return
    found = node.src.get(first)
    key = found[0] if found is not None else yamlview.new_scalar(first)
    moved = Node(key.kind, tag=key.tag, value=key.value, style=key.style, content=key.content)
    moved.head, moved.line, moved.foot = comment, key.line, key.foot
    node.src[first] = (moved, found[1], found[2]) if found is not None else (moved, None, None)


def drop_head_blank_lines(node: Any) -> None:
    """Forget blank lines inside a document's head comment.

    go-yaml cannot keep them once a resource sits inside a ResourceList, so every resource
    that passes through a function loses them; kpt then writes the file without them.
    """
    if has_head_blank_lines(node):
        set_head_comment(node, head_comment(node))


def has_head_blank_lines(node: Any) -> bool:
    """True when ``drop_head_blank_lines`` would change ``node`` (so callers can skip a copy)."""
    if not isinstance(node, Map):
        return False
    if node.doc_head or node.head:
        return True
    first = next(iter(node), None)
    found = node.src.get(first) if first is not None else None
    return found is not None and "\n\n" in found[0].head


def to_node(value: Any) -> Any:
    """Plain dicts/lists as :class:`Map`/:class:`Seq` (functions may build output from
    plain data); values that already are stay as they are."""
    if type(value) in (Map, Seq):
        return value
    if isinstance(value, dict):
        node = Map()
        for k, v in value.items():
            dict.__setitem__(node, k, to_node(v))
        return node
    if isinstance(value, list | tuple):
        seq = Seq()
        for v in value:
            list.append(seq, to_node(v))
        return seq
    return value


def to_plain(value: Any) -> Any:
    """Values as plain dicts/lists/scalars (for JSON and comparisons)."""
    return yamlview.to_plain(value)


def fingerprint(docs: list[Any]) -> str:
    """The documents' values, key order and types as one string (comments and spelling left
    out). Documents that dump to the same text have the same fingerprint, so a different
    fingerprint proves the texts differ without dumping or parsing anything.

    ``Map``/``Seq`` and the styled scalars print like the plain values they stand for, so
    ``repr`` does it in C. A tuple (never read, rarely written by a function) prints apart
    from the list it dumps as: at worst such a file is rewritten with the text it had."""
    return repr(docs)


__all__ = [
    "COMPACT",
    "FROM_FILE",
    "HEAD_OUTSIDE",
    "WIDE",
    "Document",
    "Map",
    "Seq",
    "copy_node",
    "detect_seqindent",
    "document_node",
    "drop_head_blank_lines",
    "dump",
    "dump_all",
    "dump_json",
    "fingerprint",
    "has_head_blank_lines",
    "has_mark",
    "head_comment",
    "load",
    "load_all",
    "parse_documents",
    "set_head_comment",
    "set_mark",
    "split_documents",
    "to_node",
    "to_plain",
]
