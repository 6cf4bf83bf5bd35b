"""Node trees as dicts and lists that remember where each value came from.

Why it exists: the catalog functions read and edit resources as mappings (``get``,
``[key] = value``, ``in``), while byte-identical output needs go-yaml's node details
(raw scalar text, quoting, tags, comments). A :class:`Map` or :class:`Seq` is a plain
``dict``/``list`` of Python values plus the source node of each scalar and key; writing
one back reuses a scalar's source node while its value is unchanged (same type, equal),
so untouched text comes out as it went in, and gives a changed value go-yaml's
presentation of the new value. A mapping entry keeps its comments when its value changes
(the comments belong to the key, as they did in the ruamel model); a sequence item keeps them
only while unchanged (positions move). Pure; no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import yaml

from porch.krm import yamlemit, yamlparse
from porch.krm.yamlnode import (
    BOOL,
    DOUBLE,
    FLOAT,
    FLOW,
    FOLDED,
    INT,
    LITERAL,
    MAP,
    MAPTAG,
    NULL,
    SCALAR,
    SEQ,
    SEQTAG,
    SINGLE,
    STR,
    TAGGED,
    Node,
    parsed_scalar,
)


class DoubleQuoted(str):
    """A string written in double quotes."""

    __slots__ = ()


class SingleQuoted(str):
    """A string written in single quotes."""

    __slots__ = ()


class Literal(str):
    """A string written as a literal block (``|``)."""

    __slots__ = ()


class Folded(str):
    """A string written as a folded block (``>``)."""

    __slots__ = ()


class RawInt(int):
    """An int whose source spelling is not Go's (``0x1F``, ``0755``, ``1_000``)."""

    text: str


class RawFloat(float):
    """A float whose source spelling is not Go's (``1.50``, ``1e3``)."""

    text: str


_STYLED: dict[int, type[str]] = {
    DOUBLE: DoubleQuoted,
    SINGLE: SingleQuoted,
    LITERAL: Literal,
    FOLDED: Folded,
}
_STYLE_OF: dict[type, int] = {cls: style for style, cls in _STYLED.items()}
_LEGACY_BOOLS = frozenset(
    "y Y yes Yes YES n N no No NO on On ON off Off OFF".split()  # noqa: SIM905
)
# (source key node, value as read, source value node when the value is a scalar)
Source = tuple[Node, Any, Node | None]


class Map(dict[Any, Any]):
    """A mapping: its entries, its own comments and style, and the source of each entry."""

    __slots__ = ("doc_head", "foot", "head", "line", "marks", "src", "style", "tag")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.head = self.line = self.foot = self.doc_head = ""
        self.style = 0
        self.tag = MAPTAG
        self.src: dict[Any, Source] = {}
        self.marks: frozenset[str] = frozenset()

    def last_key(self) -> Node | None:
        """The source node of the last key (where a comment closing the mapping goes)."""
        if not self:
            return None
        found = self.src.get(next(reversed(self)))
        return found[0] if found is not None else None


class Seq(list[Any]):
    """A sequence: its items, its own comments and style, and each scalar item's source."""

    __slots__ = ("foot", "head", "line", "marks", "src", "style", "tag")

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.head = self.line = self.foot = ""
        self.style = 0
        self.tag = SEQTAG
        self.src: list[tuple[Any, Node] | None] = []
        self.marks: frozenset[str] = frozenset()


Container = Map | Seq


# -- nodes to values ---------------------------------------------------------------------


def from_node(node: Node) -> Any:
    """The value of ``node``: a :class:`Map`, a :class:`Seq` or a scalar's Python value."""
    kind = node.kind
    if kind == SCALAR:
        return scalar_value(node)
    result: Map | Seq = _map(node) if kind == MAP else _seq(node)
    result.head, result.line, result.foot = node.head, node.line, node.foot
    result.style, result.tag = node.style, node.tag
    return result


def _map(node: Node) -> Map:
    result = Map()
    src = result.src
    content = node.content
    for i in range(0, len(content) - 1, 2):
        key_node, value_node = content[i], content[i + 1]
        key = scalar_value(key_node) if key_node.kind == SCALAR else _frozen(key_node)
        if value_node.kind == SCALAR:
            value = scalar_value(value_node)
            src[key] = (key_node, value, value_node)
        else:
            value = from_node(value_node)
            src[key] = (key_node, None, None)
        dict.__setitem__(result, key, value)
    return result


def _seq(node: Node) -> Seq:
    result = Seq()
    items = result.src
    for child in node.content:
        if child.kind == SCALAR:
            value = scalar_value(child)
            items.append((value, child))
        else:
            value = from_node(child)
            items.append(None)
        list.append(result, value)
    return result


class Unusual(Exception):
    """Raised by ``from_events`` for input it leaves to the node tree (anchors, aliases,
    complex keys)."""


NOTHING: Any = object()  # ``from_events``: the stream held no document


def from_events(events: Iterator[Any]) -> Any:
    """``from_node`` of the first document, built straight from libyaml events of text
    without comments (no node tree in between); ``NOTHING`` when there is no document."""
    for event in events:
        if type(event) is yaml.DocumentStartEvent:
            return _event_value(next(events), events)
    return NOTHING


def _event_value(event: Any, events: Iterator[Any]) -> Any:
    kind = type(event)
    if event.anchor is not None or kind is yaml.AliasEvent:
        raise Unusual
    if kind is yaml.ScalarEvent:
        return event_scalar(event)[1]
    if kind is yaml.MappingStartEvent:
        return _event_map(event, events)
    return _event_seq(event, events)


def _event_map(start: Any, events: Iterator[Any]) -> Map:
    result = Map()
    src = result.src
    if start.flow_style:
        result.style = FLOW
    if start.tag is not None:
        result.tag = yamlparse.tag_of(start.tag, MAPTAG)
    for key_event in events:
        kind = type(key_event)
        if kind is yaml.MappingEndEvent:
            return result
        if kind is not yaml.ScalarEvent or key_event.anchor is not None:
            raise Unusual
        key_node, key = event_scalar(key_event)
        event = next(events)
        if type(event) is yaml.ScalarEvent and event.anchor is None:
            node, value = event_scalar(event)
            src[key] = (key_node, value, node)
        else:
            value = _event_value(event, events)
            src[key] = (key_node, None, None)
        dict.__setitem__(result, key, value)
    raise Unusual


def _event_seq(start: Any, events: Iterator[Any]) -> Seq:
    result = Seq()
    items = result.src
    if start.flow_style:
        result.style = FLOW
    if start.tag is not None:
        result.tag = yamlparse.tag_of(start.tag, SEQTAG)
    for event in events:
        kind = type(event)
        if kind is yaml.SequenceEndEvent:
            return result
        if kind is yaml.ScalarEvent and event.anchor is None:
            node, value = event_scalar(event)
            items.append((value, node))
        else:
            value = _event_value(event, events)
            items.append(None)
        list.append(result, value)
    raise Unusual


_SCALARS: dict[tuple[str, str | None, str | None], tuple[str, int, Any]] = {}


def event_scalar(event: Any) -> tuple[Node, Any]:
    """The source node and the value of a libyaml scalar event (``scalar_node`` then
    ``scalar_value``). Both depend only on the event's text, style and tag, and keys and
    common values repeat in every resource, so they are worked out once (values are
    immutable, so sharing them is safe)."""
    text = event.value
    key = (text, event.style, event.tag)
    known = _SCALARS.get(key)
    if known is None:
        node = yamlparse.scalar_node(event)
        known = (node.tag, node.style, scalar_value(node))
        if len(_SCALARS) >= 16384:
            _SCALARS.clear()
        _SCALARS[key] = known
    return parsed_scalar(known[0], text, known[1]), known[2]


def _frozen(node: Node) -> str:
    """A complex mapping key (rare; never edited by functions) as its text."""
    return yamlemit.emit(node).rstrip("\n")


def scalar_value(node: Node) -> Any:
    """A scalar's Python value as go-yaml would decode it into ``interface{}``."""
    tag, value, style = node.tag, node.value, node.style
    if tag == STR or (style & TAGGED and not tag.startswith("!!")):
        styled = _STYLED.get(style & ~TAGGED)
        return styled(value) if styled is not None else value
    if tag == INT:
        number = _int(value)
        if isinstance(number, int) and str(number) != value:
            kept = RawInt(number)
            kept.text = value
            return kept
        return number
    if tag == BOOL:
        return value.lower() == "true"
    if tag == NULL:
        return None
    if tag == FLOAT:
        real = _float(value)
        if isinstance(real, float) and _float_text(real) != value:
            spelled = RawFloat(real)
            spelled.text = value
            return spelled
        return real
    return value  # timestamps, binary and custom tags stay text


def _int(text: str) -> int | str:
    plain = text.replace("_", "")
    try:
        return int(plain, 0)
    except ValueError:
        pass
    try:  # YAML 1.1 octal (``0755``), which go-yaml v3 still reads as an int
        return int(plain, 8)
    except ValueError:
        return text


def _float(text: str) -> float | str:
    lowered = text.lower().replace("_", "")
    if lowered in (".inf", "+.inf"):
        return math.inf
    if lowered == "-.inf":
        return -math.inf
    if lowered == ".nan":
        return math.nan
    try:
        return float(lowered)
    except ValueError:
        return text


# -- values to nodes ---------------------------------------------------------------------


def to_node(value: Any) -> Node:
    """A node for ``value``; unchanged scalars reuse their source nodes."""
    if isinstance(value, dict):
        return _map_node(value)
    if isinstance(value, list | tuple):
        return _seq_node(value)
    return new_scalar(value)


def _map_node(value: dict[Any, Any]) -> Node:
    src: dict[Any, Source] = value.src if type(value) is Map else {}
    content: list[Node] = []
    for key, item in value.items():
        found = src.get(key)
        key_node = found[0] if found is not None else new_scalar(key)
        if isinstance(item, dict | list | tuple):
            content.append(key_node)
            content.append(to_node(item))
            continue
        source = found[2] if found is not None else None
        if source is None:
            node = new_scalar(item)
        elif type(item) is type(found[1]) and (item == found[1] or item != item):  # type: ignore[index]
            node = source
        else:
            node = _with_comments(new_scalar(item), source)
        content.append(key_node)
        content.append(node)
    node = Node(MAP, tag=MAPTAG, content=content)
    if type(value) is Map:
        _own(node, value)
    return node


def _seq_node(value: list[Any] | tuple[Any, ...]) -> Node:
    src: list[tuple[Any, Node] | None] = value.src if type(value) is Seq else []
    content: list[Node] = []
    known = len(src)
    for index, item in enumerate(value):
        if isinstance(item, dict | list | tuple):
            content.append(to_node(item))
            continue
        found = src[index] if index < known else None
        if found is not None and type(item) is type(found[0]) and item == found[0]:
            content.append(found[1])
        else:
            content.append(new_scalar(item))
    node = Node(SEQ, tag=SEQTAG, content=content)
    if type(value) is Seq:
        _own(node, value)
    return node


def _own(node: Node, value: Container) -> None:
    node.head, node.line, node.foot = value.head, value.line, value.foot
    node.style, node.tag = value.style, value.tag


def _with_comments(node: Node, source: Node) -> Node:
    node.head, node.line, node.foot = source.head, source.line, source.foot
    return node


def new_scalar(value: Any) -> Node:
    """go-yaml's node for a Python value written by a function (no source to reuse)."""
    if value is None:
        return Node(SCALAR, tag=NULL, value="null")
    if value is True or value is False:
        return Node(SCALAR, tag=BOOL, value="true" if value else "false")
    if isinstance(value, str):
        style = _STYLE_OF.get(type(value), 0)
        if not style and value in _LEGACY_BOOLS:
            style = DOUBLE  # go-yaml quotes new YAML 1.1 booleans so 1.1 readers agree
        return Node(SCALAR, tag=STR, value=str(value), style=style)
    if isinstance(value, RawInt | RawFloat):
        return Node(SCALAR, tag=INT if isinstance(value, int) else FLOAT, value=value.text)
    if isinstance(value, int):
        return Node(SCALAR, tag=INT, value=str(int(value)))
    if isinstance(value, float):
        return Node(SCALAR, tag=FLOAT, value=_float_text(value))
    return Node(SCALAR, tag=STR, value=str(value))


def _float_text(value: float) -> str:
    """Go's ``strconv.FormatFloat(f, 'g', -1, 64)`` as go-yaml writes floats."""
    if math.isnan(value):
        return ".nan"
    if math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    text = repr(value)
    if text.endswith(".0"):
        text = text[:-2]
    mantissa, sep, exponent = text.partition("e")
    if sep:
        sign = "-" if exponent.startswith("-") else "+"
        text = f"{mantissa}e{sign}{exponent.lstrip('+-').rjust(2, '0')}"
    return text


# -- copies ------------------------------------------------------------------------------


def copy(value: Any) -> Any:
    """A deep copy of a value; source nodes are shared (they are never changed in place)."""
    cls = type(value)
    if cls is Map:
        return _copy_map(value)
    if cls is Seq:
        seq = _new_seq(value)
        for index, item in enumerate(seq):
            if type(item) in _NESTED:
                list.__setitem__(seq, index, copy(item))
        seq.src = value.src.copy()
        seq.head, seq.line, seq.foot = value.head, value.line, value.foot
        seq.style, seq.tag, seq.marks = value.style, value.tag, value.marks
        return seq
    if cls is dict:
        return {k: copy(v) for k, v in value.items()}
    if cls is list:
        return [copy(v) for v in value]
    return value


def _copy_map(value: Map) -> Map:
    # The copy every function call makes of every resource: kept to C calls and one
    # Python loop, with nested mappings copied without going through ``copy``.
    result: Map = _MAP_NEW(Map)
    _MAP_UPDATE(result, value)
    for key, item in value.items():
        kind = type(item)
        if kind is Map:
            _MAP_SET(result, key, _copy_map(item))
        elif kind in _NESTED:
            _MAP_SET(result, key, copy(item))
    result.src = value.src.copy()
    result.head, result.line, result.foot = value.head, value.line, value.foot
    result.doc_head, result.style, result.tag = value.doc_head, value.style, value.tag
    result.marks = value.marks
    return result


_MAP_NEW = dict.__new__
_MAP_UPDATE = dict.update
_MAP_SET = dict.__setitem__


def shallow_copy(value: Map) -> Map:
    """A copy of the mapping alone: its values (nested containers too) are shared."""
    result = _new_map(value)
    result.src = value.src.copy()
    result.head, result.line, result.foot = value.head, value.line, value.foot
    result.doc_head, result.style, result.tag = value.doc_head, value.style, value.tag
    result.marks = value.marks
    return result


_NESTED = frozenset((Map, Seq, dict, list))


def _new_map(entries: Map) -> Map:
    """A Map holding ``entries``, without ``__init__`` (the copy assigns every slot)."""
    result: Map = dict.__new__(Map)
    dict.update(result, entries)
    return result


def _new_seq(items: Seq) -> Seq:
    result: Seq = list.__new__(Seq)
    list.extend(result, items)
    return result


def to_plain(value: Any) -> Any:
    """Plain dicts, lists and scalars (styled strings become ``str``)."""
    if isinstance(value, dict):
        return {k if type(k) is not str else str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    if isinstance(value, RawInt):
        return int(value)
    if isinstance(value, RawFloat):
        return float(value)
    return value


def is_flow(value: Any) -> bool:
    return type(value) in (Map, Seq) and bool(value.style & FLOW)


def set_flow(value: Container, *, flow: bool) -> None:
    value.style = value.style | FLOW if flow else value.style & ~FLOW


__all__ = [
    "NOTHING",
    "Container",
    "DoubleQuoted",
    "Folded",
    "Literal",
    "Map",
    "RawFloat",
    "RawInt",
    "Seq",
    "SingleQuoted",
    "Unusual",
    "copy",
    "event_scalar",
    "from_events",
    "from_node",
    "is_flow",
    "new_scalar",
    "scalar_value",
    "set_flow",
    "shallow_copy",
    "to_node",
    "to_plain",
]
