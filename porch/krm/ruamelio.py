"""The Kptfile reader's YAML: ruamel round-trip nodes with line numbers for its errors.

Only the Kptfile model (porch.kpt.kptfile*) reads through this; resources use
:mod:`porch.krm.yamlio`. Comments, key order, quoting and null/bool spelling survive.

Why it exists: KRM files are edited by people, so a tool that rewrites them must change
only what it means to change. The emitter is configured like kyaml's (2-space mappings,
sequences indented per document, no line wrapping, go-yaml's choice of quotes for strings
a function created), and two things ruamel would otherwise normalise are kept: the spelling
of nulls (``null``/``~``) and of non-canonical booleans (``True``). Documents are split on
``---`` lines exactly like kyaml's reader, and the sequence indentation style of each
document (``compact``/``wide``) is detected the way kyaml records it.

Pure; no file or network I/O. It must not know about packages or bookkeeping.
"""

from __future__ import annotations

import copy
import io
import json
import re
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.anchor import Anchor
from ruamel.yaml.comments import (
    Comment,
    CommentedMap,
    CommentedSeq,
    Format,
    LineCol,
    merge_attrib,
)
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.emitter import Emitter
from ruamel.yaml.error import CommentMark, FileMark, StreamMark, StringMark
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.scalarbool import ScalarBoolean
from ruamel.yaml.scalarstring import PlainScalarString
from ruamel.yaml.tag import Tag
from ruamel.yaml.tokens import CommentToken

from porch.errors import Invalid
from porch.krm.yamlio import COMPACT, WIDE, detect_seqindent

Node = CommentedMap


_NULL_TAG = "tag:yaml.org,2002:null"
_BOOL_TAG = "tag:yaml.org,2002:bool"
_STR_TAG = "tag:yaml.org,2002:str"
# Where the original spelling of null values is kept, per container key or index.
_NULLS = "_krm_null_text"
# go-yaml quotes YAML 1.1 booleans when it writes a string, so YAML 1.1 readers agree.
_LEGACY_BOOLS = frozenset(
    "y Y yes Yes YES n N no No NO on On ON off Off OFF".split()  # noqa: SIM905
)
# kyaml: a document separator is a line starting with ``---``; only a comment may follow.
_SEPARATOR = re.compile(r"\n---.*\n")


class TextBool(ScalarBoolean):
    """A boolean spelled other than ``true``/``false`` (``True``, ``FALSE``), kept as written."""

    text: str


class _Constructor(RoundTripConstructor):
    """Round-trip constructor that remembers how nulls and booleans were spelled."""

    def construct_yaml_sbool(self, node: Any) -> Any:
        value = super().construct_yaml_sbool(node)
        if node.value in ("true", "false"):
            return value
        kept = TextBool(bool(value))
        kept.text = node.value
        return kept

    def construct_scalar(self, node: Any) -> Any:
        value = super().construct_scalar(node)
        # A plain ``yes`` is a string in YAML 1.2; keep it plain instead of quoting it.
        if node.style is None and value in _LEGACY_BOOLS and str(node.tag) == _STR_TAG:
            return PlainScalarString(value)
        return value

    def construct_mapping(self, node: Any, maptyp: Any, deep: bool = False) -> Any:  # type: ignore[override]
        result = super().construct_mapping(node, maptyp, deep=deep)
        texts = {}
        for key_node, value_node in node.value:
            text = _null_text(value_node)
            if text is not None and isinstance(key_node, ScalarNode):
                texts[self.construct_object(key_node, deep=True)] = text
        if texts:
            setattr(maptyp, _NULLS, texts)
        return result

    def construct_rt_sequence(self, node: Any, seqtyp: Any, deep: bool = False) -> Any:
        result = super().construct_rt_sequence(node, seqtyp, deep=deep)
        texts = {i: t for i, child in enumerate(node.value) if (t := _null_text(child)) is not None}
        if texts:
            setattr(seqtyp, _NULLS, texts)
        return result


_Constructor.add_constructor(_BOOL_TAG, _Constructor.construct_yaml_sbool)


def _null_text(node: Any) -> str | None:
    if isinstance(node, ScalarNode) and str(node.tag) == _NULL_TAG:
        return str(node.value or "")
    return None


class _Representer(RoundTripRepresenter):
    """Round-trip representer that writes new strings the way go-yaml would."""

    def represent_str(self, data: Any) -> Any:
        if "\n" in data:
            return self.represent_scalar(_STR_TAG, data, style="|")
        if _needs_quotes(self, data):
            return self.represent_scalar(_STR_TAG, data, style='"')
        return self.represent_scalar(_STR_TAG, data)

    def represent_text_bool(self, data: TextBool) -> Any:
        return self.represent_scalar(_BOOL_TAG, data.text)

    def represent_mapping(self, tag: Any, mapping: Any, flow_style: Any = None) -> MappingNode:
        node = super().represent_mapping(tag, mapping, flow_style)
        texts = getattr(mapping, _NULLS, {})
        if len(node.value) == len(mapping):
            for (key, value), (_, value_node) in zip(mapping.items(), node.value, strict=True):
                if value is None:
                    value_node.value = texts.get(key, "null")
        return node

    def represent_sequence(self, tag: Any, sequence: Any, flow_style: Any = None) -> SequenceNode:
        node = super().represent_sequence(tag, sequence, flow_style)
        texts = getattr(sequence, _NULLS, {})
        if len(node.value) == len(sequence):
            for index, (value, value_node) in enumerate(zip(sequence, node.value, strict=True)):
                if value is None:
                    value_node.value = texts.get(index, "null")
        return node


_Representer.add_representer(str, _Representer.represent_str)
_Representer.add_representer(TextBool, _Representer.represent_text_bool)


class _Emitter(Emitter):
    """Emits like libyaml (go-yaml): one space before end-of-line comments, and a string
    with a single quote in it is still single-quoted when it cannot be plain."""

    def choose_scalar_style(self) -> Any:
        value = self.event.value
        # libyaml refuses a block scalar whose lines end in spaces (tabs are fine).
        if self.event.style in ("|", ">") and (" \n" in value or value.endswith(" ")):
            return '"'
        style = super().choose_scalar_style()
        if style == '"' and not self.event.style and "'" in value and "\n" not in value:
            analysis = self.analysis
            if analysis.allow_single_quoted and not (
                self.simple_key_context and analysis.multiline
            ):
                return "'"
        return style

    def write_comment(self, comment: Any, pre: bool = False) -> None:
        value = comment.value
        if pre or not self.column or not value or value.startswith("\n"):
            super().write_comment(comment, pre)
            return
        self.stream.write(" " + value.removesuffix("\n"))
        self.write_line_break()


def _needs_quotes(representer: RoundTripRepresenter, text: str) -> bool:
    """True when ``text`` written plain would read back as something other than a string."""
    if text in _LEGACY_BOOLS:
        return True
    resolver = representer.dumper.resolver
    return str(resolver.resolve(ScalarNode, text, (True, False))) != _STR_TAG


def new_yaml(*, compact_sequences: bool = True) -> YAML:
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    yaml.Representer = _Representer
    yaml.Emitter = _Emitter
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold long strings
    yaml.allow_unicode = True
    if compact_sequences:
        yaml.indent(mapping=2, sequence=2, offset=0)
    else:
        yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


@dataclass(frozen=True)
class Document:
    """One document of a YAML stream: its node, sequence style and first line (0-based)."""

    node: Any
    seqindent: str
    line: int


def split_documents(text: str, *, source: str = "<input>") -> list[tuple[str, int]]:
    """The text of every document and its first line, split like kyaml's reader."""
    text = text.replace("\r\n", "\n")
    parts: list[tuple[str, int]] = []
    start = 0
    for match in _SEPARATOR.finditer(text):
        rest = match.group()[4:].strip()
        if rest and not rest.startswith("#"):
            line = text.count("\n", 0, match.start()) + 2
            raise Invalid(f"{source}:{line}: invalid document separator: {match.group().strip()}")
        parts.append((text[start : match.start()] + "\n", text.count("\n", 0, start)))
        start = match.end()
    parts.append((text[start:], text.count("\n", 0, start)))
    return parts


def parse_documents(text: str, *, source: str = "<input>") -> list[Document]:
    """Every non-empty document of ``text``; ``Invalid`` names the file and line."""
    docs = []
    for part, first_line in split_documents(text, source=source):
        node = _load_one(part, source=source, first_line=first_line)
        if node is not None:
            docs.append(Document(node=node, seqindent=detect_seqindent(part), line=first_line))
    return docs


def _load_one(text: str, *, source: str, first_line: int) -> Any:
    try:
        return new_yaml().load(text)
    except Exception as exc:  # ruamel raises many unrelated types for bad input
        line, problem = error_position(exc)
        raise Invalid(f"{source}:{first_line + line}: invalid YAML: {problem}") from exc


# libyaml (go-yaml) wording for the ruamel messages users meet most.
_LIBYAML_WORDING = {
    "mapping values are not allowed here": "mapping values are not allowed in this context"
}


def error_position(exc: Exception) -> tuple[int, str]:
    """The 1-based line and go-yaml-worded problem of a ruamel parse error."""
    # libyaml reports a scanner error where the token began (ruamel's context mark).
    scanning = type(exc).__name__ == "ScannerError"
    mark = (getattr(exc, "context_mark", None) if scanning else None) or getattr(
        exc, "problem_mark", None
    )
    problem = str(getattr(exc, "problem", None) or exc)
    return (mark.line + 1 if mark is not None else 1), _LIBYAML_WORDING.get(problem, problem)


def load_all(text: str, *, source: str = "<input>") -> list[Any]:
    """Every document of ``text`` (empty documents skipped); ``Invalid`` names the line."""
    return [doc.node for doc in parse_documents(text, source=source)]


def load(text: str, *, source: str = "<input>") -> Any:
    docs = load_all(text, source=source)
    if len(docs) != 1:
        raise Invalid(f"{source}: expected one YAML document, found {len(docs)}")
    return docs[0]


def dump(doc: Any, *, compact_sequences: bool = True) -> str:
    out = io.StringIO()
    new_yaml(compact_sequences=compact_sequences).dump(doc, out)
    return out.getvalue()


def dump_all(docs: list[Any], *, compact_sequences: bool = True) -> str:
    return "---\n".join(dump(d, compact_sequences=compact_sequences) for d in docs)


def dump_json(doc: Any) -> str:
    """Indented JSON like Go's encoder (HTML characters escaped), for ``*.json`` files."""
    text = json.dumps(to_plain(doc), indent=2, ensure_ascii=False)
    for char, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e")):
        text = text.replace(char, escaped)
    return text + "\n"


# Marks on a resource's root mapping that travel with it (see ``set_mark``).
HEAD_OUTSIDE = "_krm_head_outside"  # its head comment prints before the ``-`` in a list
FROM_FILE = "_krm_from_file"  # it was read from its own file


def set_mark(node: Any, mark: str) -> None:
    setattr(node, mark, True)


def has_mark(node: Any, mark: str) -> bool:
    return bool(getattr(node, mark, False))


def copy_node(value: Any) -> Any:
    """A deep copy that keeps null spellings and marks (``copy.deepcopy`` drops them).

    The result is what ``copy.deepcopy`` would give (ruamel's own ``__deepcopy__`` included),
    built without ``copy``'s generic reduce machinery for ruamel's containers, comments and
    marks: copying is a large share of a render, one copy per resource and function call.
    """
    return _copy_value(value, {})


# Immutable: a deep copy is the object itself (as for ``copy.deepcopy``).
_ATOMIC = frozenset({str, int, float, bool, bytes, type(None)})
# ruamel's attributes on a container, which its ``copy_attributes`` deep-copies one by one.
_ATTRIBUTES = (
    Comment.attrib,
    Format.attrib,
    LineCol.attrib,
    Anchor.attrib,
    Tag.attrib,
    merge_attrib,
)


def _slot_names(cls: type) -> tuple[str, ...]:
    names: list[str] = []
    for klass in cls.__mro__:
        slots = klass.__dict__.get("__slots__", ())
        names.extend([slots] if isinstance(slots, str) else slots)
    return tuple(n for n in names if n not in ("__dict__", "__weakref__"))


# Plain slotted classes (no ``__dict__``, no copy hooks) copied slot by slot.
_SLOTTED = {
    cls: _slot_names(cls)
    for cls in (Comment, Format, CommentToken, CommentMark, StreamMark, FileMark, StringMark)
}


def _copy_value(value: Any, memo: dict[int, Any]) -> Any:
    """A resource's value: containers by hand, anything else by ``copy.deepcopy``."""
    cls = type(value)
    if cls in _ATOMIC:
        return value
    found = memo.get(id(value))
    if found is not None:
        return found
    if cls is CommentedMap:
        result: Any = CommentedMap()
        memo[id(value)] = result
        for key in value:
            result[key] = _copy_value(value[key], memo)
    elif cls is CommentedSeq:
        result = CommentedSeq()
        memo[id(value)] = result
        for item in value:
            result.append(_copy_value(item, memo))
    else:
        result = copy.deepcopy(value, memo)
        _copy_extras(value, result)
        return result
    for name in _ATTRIBUTES:
        if hasattr(value, name):  # each copied on its own, as ``copy_attributes`` does
            setattr(result, name, _copy_plain(getattr(value, name), {}))
    for name, extra in getattr(value, "__dict__", {}).items():
        if name.startswith("_krm_"):
            setattr(result, name, dict(extra) if isinstance(extra, dict) else extra)
    return result


def _copy_plain(value: Any, memo: dict[int, Any]) -> Any:
    """Comments, formats, line/column records: lists, dicts and slotted objects."""
    cls = type(value)
    if cls in _ATOMIC:
        return value
    found = memo.get(id(value))
    if found is not None:
        return found
    if cls is list:
        items: list[Any] = []
        memo[id(value)] = items
        for item in value:  # atomic values inline: line/column lists hold little else
            items.append(item if type(item) in _ATOMIC else _copy_plain(item, memo))
        return items
    if cls is dict:
        mapping: dict[Any, Any] = {}
        memo[id(value)] = mapping
        for key, item in value.items():
            copied = item if type(item) in _ATOMIC else _copy_plain(item, memo)
            mapping[key if type(key) in _ATOMIC else _copy_plain(key, memo)] = copied
        return mapping
    slots = _SLOTTED.get(cls)
    if slots is not None:
        result = object.__new__(cls)
        memo[id(value)] = result
        for name in slots:
            if hasattr(value, name):
                setattr(result, name, _copy_plain(getattr(value, name), memo))
        return result
    if cls is LineCol:
        line_col = LineCol.__new__(LineCol)
        memo[id(value)] = line_col
        for name, item in value.__dict__.items():
            setattr(line_col, name, _copy_plain(item, memo))
        return line_col
    return copy.deepcopy(value, memo)


def _copy_extras(source: Any, target: Any) -> None:
    """Copy the ``_krm_*`` attributes ruamel does not know about, at every level."""
    if not isinstance(source, dict | list) or type(source) is not type(target):
        return
    for name, extra in getattr(source, "__dict__", {}).items():
        if name.startswith("_krm_"):
            setattr(target, name, dict(extra) if isinstance(extra, dict) else extra)
    if isinstance(source, dict):
        for key, value in source.items():
            if key in target:
                _copy_extras(value, target[key])
    else:
        for child, other in zip(source, target, strict=False):
            _copy_extras(child, other)


def drop_head_blank_lines(node: Any) -> None:
    """Forget blank lines inside a document's head comment.

    go-yaml cannot keep them once a resource sits inside a ResourceList, so every resource
    that passes through a function loses them; kpt then writes the file without them.
    """
    if not has_head_blank_lines(node):
        return
    comment = node.ca.comment
    kept = []
    for token in comment[1]:
        value = getattr(token, "value", None)
        if isinstance(value, str):
            value = re.sub(r"\n\n+", "\n", value)
            if not value.strip():
                continue
            token.value = value
        kept.append(token)
    comment[1] = kept


def has_head_blank_lines(node: Any) -> bool:
    """True when ``drop_head_blank_lines`` would change ``node`` (so callers can skip a copy)."""
    comment = getattr(getattr(node, "ca", None), "comment", None)
    if not comment or len(comment) < 2 or not comment[1]:
        return False
    for token in comment[1]:
        value = getattr(token, "value", None)
        if isinstance(value, str) and ("\n\n" in value or not value.strip()):
            return True
    return False


def null_texts(container: Any) -> dict[Any, str]:
    """How the nulls of a mapping or sequence were spelled, by key or index."""
    return dict(getattr(container, _NULLS, None) or {})


def set_null_text(container: Any, key: Any, text: str) -> None:
    texts = dict(getattr(container, _NULLS, None) or {})
    texts[key] = text
    setattr(container, _NULLS, texts)


def to_node(value: Any) -> Any:
    """Plain dicts/lists as ruamel nodes (so functions can build output with plain data)."""
    if isinstance(value, CommentedMap | CommentedSeq):
        return value
    if isinstance(value, dict):
        node = CommentedMap()
        for k, v in value.items():
            node[k] = to_node(v)
        return node
    if isinstance(value, list):
        return CommentedSeq([to_node(v) for v in value])
    return value


def to_plain(value: Any) -> Any:
    """ruamel nodes as plain dicts/lists/scalars (for JSON and comparisons)."""
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_plain(v) for v in value]
    if isinstance(value, ScalarBoolean):
        return bool(value)
    if isinstance(value, bool | int | float) or value is None:
        return value if type(value) in (bool, int, float) or value is None else _number(value)
    return str(value)


def fingerprint(docs: list[Any]) -> str:
    """The documents' values, key order and types as one string (comments and spelling left
    out). Documents that dump to the same text have the same fingerprint, so a different
    fingerprint proves the texts differ without dumping or parsing anything."""
    return repr([to_plain(doc) for doc in docs])


def _number(value: Any) -> Any:
    return float(value) if isinstance(value, float) else int(value)


__all__ = [
    "COMPACT",
    "FROM_FILE",
    "HEAD_OUTSIDE",
    "WIDE",
    "Document",
    "Node",
    "TextBool",
    "copy_node",
    "detect_seqindent",
    "drop_head_blank_lines",
    "dump",
    "dump_all",
    "dump_json",
    "error_position",
    "fingerprint",
    "has_head_blank_lines",
    "has_mark",
    "load",
    "load_all",
    "new_yaml",
    "null_texts",
    "parse_documents",
    "set_mark",
    "set_null_text",
    "split_documents",
    "to_node",
    "to_plain",
]
