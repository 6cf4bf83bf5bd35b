"""Editing ruamel nodes the way the catalog's Go functions edit yaml.v3 nodes.

Scalars in ruamel are plain Python values whose style and comments live on their parent,
so edits go through ``(parent, key)`` slots: read a value's source text, write a new value
keeping its quoting style, read or replace its line comment (keeping any comment lines
that follow it), and walk every field with Go-style paths (``a.b[0].c``). Pure; no I/O.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
    SingleQuotedScalarString,
)
from ruamel.yaml.tokens import CommentToken

from porch.krm import yamlio

Container = CommentedMap | CommentedSeq


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
    return isinstance(value, CommentedMap | CommentedSeq)


def scalar_text(value: Any) -> str:
    """The scalar's text as yaml.v3's ``Node.Value`` holds it."""
    if value is None:
        return ""
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    out = io.StringIO()
    yamlio.new_yaml().dump(value, out)
    return out.getvalue().removesuffix("\n...\n").strip()


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
        return DoubleQuotedScalarString("")
    try:
        loaded = yamlio.new_yaml().load(text)
    except Exception:  # any text that is not one plain scalar stays a string
        return text
    if loaded is None or is_collection(loaded) or isinstance(loaded, str):
        return text
    return loaded if scalar_text(loaded) == text else text


def go_string(text: str) -> Any:
    """A new string value styled as yaml.v3 writes a string node: double quotes when the
    plain text would read back as another type (``"1"``, ``"true"``), else plain."""
    if text == "" or not _stays_string(text):
        return DoubleQuotedScalarString(text)
    return text


@functools.lru_cache(maxsize=4096)
def _stays_string(text: str) -> bool:
    """Whether ``plain_scalar`` keeps ``text`` a string; cached because it is a YAML parse
    and functions ask it for the same few values (label and namespace names) again and
    again."""
    return isinstance(plain_scalar(text), str)


def restyled(old: Any, text: str) -> Any:
    """``text`` written with the quoting style ``old`` had (plain when it had none)."""
    for style in (DoubleQuotedScalarString, SingleQuotedScalarString):
        if isinstance(old, style):
            return style(text)
    if isinstance(old, LiteralScalarString | FoldedScalarString) and "\n" in text:
        return type(old)(text)
    return plain_scalar(text)


# -- comments ---------------------------------------------------------------------------


def _token(slot_parent: Container, key: Any) -> CommentToken | None:
    entry = slot_parent.ca.items.get(key)
    position = 2 if isinstance(slot_parent, CommentedMap) else 0
    if entry and len(entry) > position and entry[position] is not None:
        return entry[position]  # type: ignore[no-any-return]
    child = slot_parent[key]
    if is_collection(child) and child.ca.comment and child.ca.comment[0] is not None:
        token = child.ca.comment[0]
        return token if isinstance(token, CommentToken) else None
    return None


def line_comment(parent: Container, key: Any) -> str:
    """The comment on the line of ``parent[key]`` (``"# ..."``), or ""."""
    token = _token(parent, key)
    if token is None:
        return ""
    first = token.value.split("\n", 1)[0].strip()
    return first if first.startswith("#") else ""


def set_line_comment(parent: Container, key: Any, comment: str) -> None:
    """Replace (or add) the line comment of ``parent[key]``; lines after it are kept."""
    body = comment if comment.startswith("#") else f"# {comment}"
    token = _token(parent, key)
    if token is not None:
        first, sep, rest = token.value.partition("\n")
        if first.strip().startswith("#") or not first.strip():
            token.value = body + "\n" + rest if sep else body + "\n"
            return
    new = CommentToken(body + "\n", CommentMark(0), None)
    child = parent[key]
    if isinstance(parent, CommentedMap) and is_collection(child) and not _flow(child):
        child.ca.comment = [new, None]
        return
    entry = parent.ca.items.setdefault(key, [None, None, None, None])
    entry[2 if isinstance(parent, CommentedMap) else 0] = new


def _flow(value: Any) -> bool:
    return is_collection(value) and bool(value.fa.flow_style())


def set_flow(value: Container, *, flow: bool) -> None:
    if flow:
        value.fa.set_flow_style()
    else:
        value.fa.set_block_style()


# -- walking ----------------------------------------------------------------------------


def walk(
    node: Any,
    *,
    on_mapping: Callable[[CommentedMap, str], None] | None = None,
    on_scalar: Callable[[Slot], None] | None = None,
    path: str = "",
) -> None:
    """Visit like the catalog's setter walkers: each mapping first, then its values."""
    if isinstance(node, CommentedMap):
        if on_mapping is not None:
            on_mapping(node, path)
        for key in list(node.keys()):
            _visit(node, key, f"{path}.{key}", on_mapping, on_scalar)
    elif isinstance(node, CommentedSeq):
        for index in range(len(node)):
            _visit(node, index, f"{path}[{index}]", on_mapping, on_scalar)


def _visit(
    parent: Container,
    key: Any,
    path: str,
    on_mapping: Callable[[CommentedMap, str], None] | None,
    on_scalar: Callable[[Slot], None] | None,
) -> None:
    value = parent[key]
    if is_collection(value):
        walk(value, on_mapping=on_mapping, on_scalar=on_scalar, path=path)
    elif on_scalar is not None:
        on_scalar(Slot(parent, key, path))


def fields(mapping: CommentedMap) -> Iterator[tuple[str, Any]]:
    for key in list(mapping.keys()):
        yield str(key), mapping[key]


# -- nested access ----------------------------------------------------------------------


def get_path(node: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def ensure_map(node: CommentedMap, *keys: str) -> CommentedMap:
    """The mapping at ``keys``, created (appended at the end) where missing."""
    for key in keys:
        child = node.get(key)
        if not isinstance(child, CommentedMap):
            child = CommentedMap()
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
