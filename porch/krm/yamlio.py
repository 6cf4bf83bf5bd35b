"""Round-trip YAML with ruamel: comments, key order and quoting survive a load/dump.

The emitter is configured like kyaml's (2-space mappings, sequences indented per the
document's own style, no line wrapping). Pure; no I/O.
"""

from __future__ import annotations

import io
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from porch.errors import Invalid

Node = CommentedMap


def new_yaml(*, compact_sequences: bool = True) -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold long strings
    if compact_sequences:
        yaml.indent(mapping=2, sequence=2, offset=0)
    else:
        yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def load_all(text: str, *, source: str = "<input>") -> list[Any]:
    """Every document of ``text`` (empty documents skipped); ``Invalid`` names the line."""
    try:
        return [doc for doc in new_yaml().load_all(text) if doc is not None]
    except Exception as exc:  # ruamel raises many unrelated types for bad input
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark is not None else source
        raise Invalid(f"{where}: invalid YAML: {getattr(exc, 'problem', None) or exc}") from exc


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
    if isinstance(value, bool | int | float) or value is None:
        return value
    return str(value)


__all__ = ["Node", "dump", "dump_all", "load", "load_all", "new_yaml", "to_node", "to_plain"]
