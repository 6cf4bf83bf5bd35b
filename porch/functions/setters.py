"""The ``# kpt-set: <pattern>`` setter comments shared by apply-, create- and list-setters.

A scalar's line comment ``# kpt-set: ${image}:${tag}`` says which setters make up its
value; a sequence key's comment ``# kpt-set: ${env}`` names one array setter. These helpers
parse patterns and recover setter values from current values exactly like the catalog's
Go code (unanchored regex, empty capture = no match). Pure; no I/O.
"""

from __future__ import annotations

import re
from typing import Any

from porch.functions import nodes
from porch.krm.yamlview import Map

IDENTIFIER = "# kpt-set: "
_REFERENCE = re.compile(r"\$\{([^}]*)\}")


def pattern_of(comment: str) -> str:
    """The setter pattern of a line comment, or "" when it is not a setter comment."""
    if not comment.startswith(IDENTIFIER):
        return ""
    return comment.removeprefix(IDENTIFIER).strip()


def references(pattern: str) -> list[str]:
    """Every ``${name}`` in ``pattern``, in order, as written."""
    return [match.group(0) for match in _REFERENCE.finditer(pattern)]


def clean(reference: str) -> str:
    return reference.strip().removeprefix("${").removesuffix("}")


def current_values(pattern: str, value: str) -> dict[str, str]:
    """Setter values recovered from ``value`` by matching it against ``pattern``."""
    refs = references(pattern)
    regex = re.escape(pattern)
    for ref in refs:
        regex = regex.replace(re.escape(ref), "(.*)")
    try:
        match = re.search(regex, value)
    except re.error:
        return {}
    if match is None or len(match.groups()) != len(refs):
        return {}
    if any(group == "" for group in match.groups()):
        return {}
    return {clean(ref): group for ref, group in zip(refs, match.groups(), strict=True)}


def is_array_pattern(pattern: str) -> bool:
    return len(references(pattern)) == 1 and pattern.startswith("${") and pattern.endswith("}")


def sequence_comment(mapping: Map, key: Any) -> str:
    """The setter comment of a sequence field: on the key, or on a flow sequence's line."""
    return nodes.line_comment(mapping, key)


__all__ = [
    "IDENTIFIER",
    "clean",
    "current_values",
    "is_array_pattern",
    "pattern_of",
    "references",
    "sequence_comment",
]
