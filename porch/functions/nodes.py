"""Editing resources the way the catalog's Go functions edit yaml.v3 nodes.

Scalars are plain Python values whose source node (spelling, style, comments) lives on
their parent, so edits go through ``(parent, key)`` slots: read a value's source text,
write a new value keeping its quoting style, read or replace its line comment, and walk
every field with Go-style paths (``a.b[0].c``). Pure; no I/O.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from porch.krm import yamlparse, yamlview
from porch.krm.yamlnode import SCALAR, Node
from porch.krm.yamlview import DoubleQuoted, Folded, Literal, Map, Seq, SingleQuoted

Container = Map | Seq


@dataclass
class Slot:
    """Where a value lives: ``parent[key]``; ``path`` is its Go-style field path."""

    parent: Container
    key: Any
    path: str

    @property
    def value(self) -> Any:
        return self.parent[self.key]

    @value.setter
    def value(self, new: Any) -> None:
        self.parent[self.key] = new


def is_collection(value: Any) -> bool:
    return isinstance(value, Map | Seq)


def scalar_text(value: Any) -> str:
    """The scalar's text as yaml.v3's ``Node.Value`` holds it."""
    if value is None:
        return ""
    if isinstance(value, str):
        return str(value)
    return yamlview.new_scalar(value).value


def scalar_tag(value: Any) -> str:
    """The short YAML tag of a scalar (``str``, ``int``, ``float``, ``bool``, ``null``)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    return "str"


def plain_scalar(text: str) -> Any:
    """A plain (unquoted) scalar with this exact text, re-typed by YAML as Go does when it
    clears a node's tag; falls back to a string when the text cannot stay plain."""
    if text == "":
        return DoubleQuoted("")
    try:
        doc = yamlparse.parse(text)
    except Exception:  # any text that is not one plain scalar stays a string
        return text
    if doc is None or doc.root.kind != SCALAR or doc.root.style:
        return text
    loaded = yamlview.scalar_value(doc.root)
    if loaded is None or isinstance(loaded, str):
        return text
    return loaded if scalar_text(loaded) == text else text


def go_string(text: str) -> Any:
    """A new string value styled as yaml.v3 writes a string node: double quotes when the
    plain text would read back as another type (``"1"``, ``"true"``), else plain."""
    if text == "" or not _stays_string(text):
        return DoubleQuoted(text)
    return text


@functools.lru_cache(maxsize=4096)
def _stays_string(text: str) -> bool:
    """Whether ``plain_scalar`` keeps ``text`` a string; cached because it is a YAML parse
    and functions ask it for the same few values (label and namespace names) again and
    again."""
    return isinstance(plain_scalar(text), str)


def restyled(old: Any, text: str) -> Any:
    """``text`` written with the quoting style ``old`` had (plain when it had none)."""
    for style in (DoubleQuoted, SingleQuoted):
        if isinstance(old, style):
            return style(text)
    if isinstance(old, Literal | Folded) and "\n" in text:
        return type(old)(text)
    return plain_scalar(text)


# -- comments ---------------------------------------------------------------------------


def line_comment(parent: Container, key: Any) -> str:
    """The comment on the line of ``parent[key]`` (``"# ..."``), or ""."""
    return _first_line(_line_of(parent, key))


def _line_of(parent: Container, key: Any) -> str:
    child = parent[key]
    own = child.line if is_collection(child) else ""
    if isinstance(parent, Map):
        found = parent.src.get(key)
        key_line = found[0].line if found is not None else ""
        value_node = found[2] if found is not None else None
        value_line = value_node.line if value_node is not None else own
        if is_collection(child) and not _flow(child):
            return key_line or value_line
        return value_line or key_line
    if is_collection(child):
        return own
    entry = parent.src[key] if key < len(parent.src) else None
    return entry[1].line if entry is not None and entry[0] == child else ""


def _first_line(comment: str) -> str:
    first = comment.split("\n", 1)[0].strip()
    return first if first.startswith("#") else ""


def set_line_comment(parent: Container, key: Any, comment: str) -> None:
    """Replace (or add) the line comment of ``parent[key]``."""
    body = comment if comment.startswith("#") else f"# {comment}"
    child = parent[key]
    if is_collection(child):
        child.line = ""
    if isinstance(parent, Map):
        found = parent.src.get(key)
        key_node = _copied(found[0]) if found is not None else yamlview.new_scalar(key)
        key_node.line = body
        value_node = found[2] if found is not None else None
        if value_node is not None:
            value_node = _copied(value_node)
            value_node.line = ""
        parent.src[key] = (key_node, found[1] if found is not None else None, value_node)
        return
    if is_collection(child):
        child.line = body
        return
    while len(parent.src) < len(parent):
        parent.src.append(None)
    entry = parent.src[key]
    node = _copied(entry[1]) if entry is not None and entry[0] == child else None
    if node is None:
        node = yamlview.new_scalar(child)
    node.line = body
    parent.src[key] = (child, node)


def forget_comments(parent: Map, key: Any) -> None:
    """Drop what ``parent[key]`` remembers of its source (comments, spelling)."""
    parent.src.pop(key, None)


def _copied(node: Node) -> Node:
    other = Node(node.kind, tag=node.tag, value=node.value, style=node.style, content=node.content)
    other.head, other.line, other.foot = node.head, node.line, node.foot
    return other


def _flow(value: Any) -> bool:
    return yamlview.is_flow(value)


def is_flow(value: Any) -> bool:
    return yamlview.is_flow(value)


def set_flow(value: Container, *, flow: bool) -> None:
    yamlview.set_flow(value, flow=flow)


# -- walking ----------------------------------------------------------------------------


def walk(
    node: Any,
    *,
    on_mapping: Callable[[Map, str], None] | None = None,
    on_scalar: Callable[[Slot], None] | None = None,
    path: str = "",
) -> None:
    """Visit like the catalog's setter walkers: each mapping first, then its values."""
    if isinstance(node, Map):
        if on_mapping is not None:
            on_mapping(node, path)
        for key in list(node.keys()):
            _visit(node, key, f"{path}.{key}", on_mapping, on_scalar)
    elif isinstance(node, Seq):
        for index in range(len(node)):
            _visit(node, index, f"{path}[{index}]", on_mapping, on_scalar)


def _visit(
    parent: Container,
    key: Any,
    path: str,
    on_mapping: Callable[[Map, str], None] | None,
    on_scalar: Callable[[Slot], None] | None,
) -> None:
    value = parent[key]
    if is_collection(value):
        walk(value, on_mapping=on_mapping, on_scalar=on_scalar, path=path)
    elif on_scalar is not None:
        on_scalar(Slot(parent, key, path))


def fields(mapping: Map) -> Iterator[tuple[str, Any]]:
    for key in list(mapping.keys()):
        yield str(key), mapping[key]


# -- nested access ----------------------------------------------------------------------


def get_path(node: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def ensure_map(node: Map, *keys: str) -> Map:
    """The mapping at ``keys``, created (appended at the end) where missing."""
    for key in keys:
        child = node.get(key)
        if not isinstance(child, Map):
            child = Map()
            node[key] = child
        node = child
    return node


def go_quote(value: str) -> str:
    """Go's ``%q`` of a string."""
    out = ['"']
    escapes = {'"': '\\"', "\\": "\\\\", "\a": "\\a", "\b": "\\b", "\f": "\\f"}
    escapes.update({"\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"})
    for char in value:
        if char in escapes:
            out.append(escapes[char])
        elif char.isprintable():
            out.append(char)
        elif ord(char) < 0x80:
            out.append(f"\\x{ord(char):02x}")
        elif ord(char) < 0x10000:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(f"\\U{ord(char):08x}")
    out.append('"')
    return "".join(out)


__all__ = [
    "Slot",
    "ensure_map",
    "fields",
    "get_path",
    "go_quote",
    "go_string",
    "is_collection",
    "line_comment",
    "plain_scalar",
    "restyled",
    "scalar_tag",
    "scalar_text",
    "set_flow",
    "set_line_comment",
    "walk",
]
