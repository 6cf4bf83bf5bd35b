"""The YAML node tree that kpt's package operations work on.

kpt merges and rewrites packages through kyaml, which holds YAML as go-yaml v3 nodes: every
node keeps its raw scalar text, its tag, its quoting style and three comment slots (head,
line, foot), and mapping keys are nodes too. Reproducing kpt's output byte for byte needs
the same shape, so this module mirrors it (ruamel's model spreads comments over its
containers and would make the merge rules hard to follow). Pure data and helpers; no I/O,
no parsing, no printing.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

MAP = "map"
SEQ = "seq"
SCALAR = "scalar"

# Style bits, as go-yaml v3 keeps them on a node.
TAGGED = 1
DOUBLE = 2
SINGLE = 4
LITERAL = 8
FOLDED = 16
FLOW = 32
QUOTED = DOUBLE | SINGLE

STR = "!!str"
INT = "!!int"
FLOAT = "!!float"
BOOL = "!!bool"
NULL = "!!null"
TIMESTAMP = "!!timestamp"
MAPTAG = "!!map"
SEQTAG = "!!seq"

_NULLS = frozenset(["", "~", "null", "Null", "NULL"])
_BOOLS = frozenset(["true", "True", "TRUE", "false", "False", "FALSE"])
_INFINITIES = (".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF")
_SPECIAL_FLOATS = frozenset((*_INFINITIES, ".nan", ".NaN", ".NAN"))
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_INT = re.compile(r"^[-+]?(0b[01]+|0o[0-7]+|0x[0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$")
_TIMESTAMP = re.compile(r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ].*)?$")


@functools.lru_cache(maxsize=8192)  # keys and common values repeat in every resource
def resolve(value: str) -> str:
    """The tag go-yaml v3 gives a plain scalar (YAML 1.2 core schema plus timestamps)."""
    if value in _NULLS:
        return NULL
    if value in _BOOLS:
        return BOOL
    if value in _SPECIAL_FLOATS:
        return FLOAT
    first = value[0]
    if not (first.isdigit() or first in "+-."):
        return STR
    plain = value.replace("_", "")
    if _INT.match(plain):
        return INT
    if _FLOAT.match(plain):
        return FLOAT
    if _TIMESTAMP.match(value):
        return TIMESTAMP
    return STR


class Node:
    """One YAML node: a mapping (``content`` = key, value, key, value...), a sequence or a
    scalar. Comments are stored with their ``#`` and without indentation, lines joined by
    newlines, exactly where go-yaml v3 would put them."""

    __slots__ = ("content", "foot", "head", "kind", "line", "style", "tag", "value")

    def __init__(
        self,
        kind: str,
        *,
        tag: str = "",
        value: str = "",
        style: int = 0,
        content: list[Node] | None = None,
    ) -> None:
        self.kind = kind
        self.tag = tag
        self.value = value
        self.style = style
        self.content: list[Node] = content if content is not None else []
        self.head = ""
        self.line = ""
        self.foot = ""

    def __repr__(self) -> str:
        if self.kind == SCALAR:
            return f"Node(scalar {self.tag} {self.value!r})"
        return f"Node({self.kind} {len(self.content)})"

    def copy(self) -> Node:
        """A deep copy: merges mutate destination trees in place."""
        other = Node(self.kind, tag=self.tag, value=self.value, style=self.style)
        other.content = [child.copy() for child in self.content]
        other.head, other.line, other.foot = self.head, self.line, self.foot
        return other

    # -- mappings ---------------------------------------------------------------------

    def pairs(self) -> Iterator[tuple[Node, Node]]:
        content = self.content
        for i in range(0, len(content) - 1, 2):
            yield content[i], content[i + 1]

    def keys(self) -> list[str]:
        return [k.value for k, _ in self.pairs()] if self.kind == MAP else []

    def field(self, name: str) -> tuple[Node, Node] | None:
        if self.kind != MAP:
            return None
        for key, value in self.pairs():
            if key.value == name:
                return key, value
        return None

    def get(self, name: str) -> Node | None:
        found = self.field(name)
        return found[1] if found else None

    def set(self, name: str, value: Node) -> None:
        """Replace the value of ``name`` in place, or append the field at the end."""
        content = self.content
        for i in range(0, len(content) - 1, 2):
            if content[i].value == name:
                content[i + 1] = value
                return
        content.extend([scalar(name), value])

    def remove(self, name: str) -> Node | None:
        content = self.content
        for i in range(0, len(content) - 1, 2):
            if content[i].value == name:
                removed = content[i + 1]
                del content[i : i + 2]
                return removed
        return None

    def lookup(self, *path: str) -> Node | None:
        node: Node | None = self
        for part in path:
            node = node.get(part) if node is not None else None
        return node

    def text(self, *path: str) -> str:
        """The scalar text at ``path`` ("" when absent or not a scalar)."""
        node = self.lookup(*path)
        return node.value if node is not None and node.kind == SCALAR else ""


def scalar(value: str, *, style: int = 0, tag: str = "") -> Node:
    """A scalar; a plain one gets the tag go-yaml would resolve, a quoted one ``!!str``."""
    if not tag:
        tag = STR if style & (QUOTED | LITERAL | FOLDED) else resolve(value)
    return Node(SCALAR, tag=tag, value=value, style=style)


def parsed_scalar(tag: str, value: str, style: int) -> Node:
    """A scalar node with every field known (the parsers' path: no keywords, no resolving;
    a third of the cost of ``Node(...)``, and a package holds tens of thousands)."""
    node: Node = _NEW(Node)
    node.kind = SCALAR
    node.tag = tag
    node.value = value
    node.style = style
    node.content = []
    node.head = node.line = node.foot = ""
    return node


_NEW = object.__new__


def mapping(pairs: list[tuple[str, Node]] | None = None, *, style: int = 0) -> Node:
    node = Node(MAP, tag=MAPTAG, style=style)
    for key, value in pairs or []:
        node.content.extend([scalar(key), value])
    return node


def sequence(items: list[Node] | None = None, *, style: int = 0) -> Node:
    return Node(SEQ, tag=SEQTAG, style=style, content=list(items or []))


def is_null(node: Node | None) -> bool:
    """kyaml's IsMissingOrNull: absent, or explicitly tagged null."""
    return node is None or node.tag == NULL


def is_tagged_null(node: Node | None) -> bool:
    return node is not None and node.tag == NULL


def is_empty_map(node: Node | None) -> bool:
    return is_null(node) or (node is not None and node.kind == MAP and not node.content)


def is_nil_or_empty(node: Node | None) -> bool:
    """kyaml's IsNilOrEmpty: absent, null, or an empty mapping or sequence."""
    return is_null(node) or (node is not None and node.kind in (MAP, SEQ) and not node.content)


def is_string(node: Node) -> bool:
    return node.kind == SCALAR and node.tag in (STR, "")


__all__ = [
    "BOOL",
    "DOUBLE",
    "FLOAT",
    "FLOW",
    "FOLDED",
    "INT",
    "LITERAL",
    "MAP",
    "NULL",
    "SCALAR",
    "SEQ",
    "SINGLE",
    "STR",
    "TAGGED",
    "Node",
    "is_empty_map",
    "is_nil_or_empty",
    "is_null",
    "is_string",
    "is_tagged_null",
    "mapping",
    "parsed_scalar",
    "resolve",
    "scalar",
    "sequence",
]
