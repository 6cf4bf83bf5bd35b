"""What an untrusted function printed: is it one ResourceList, and what are its results.

Why: the exec evaluator and reusable exec workers both receive output from binaries the
runner does not control and must judge it the same way. Uses PyYAML's C loader where
available: it only checks the shape, it never round-trips the text (the caller forwards
the function's bytes untouched). Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml

_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_resource_list(data: bytes) -> dict[str, Any] | None:
    """The document if ``data`` is one ResourceList (YAML or JSON), else None."""
    try:
        doc = yaml.load(data, Loader=_YAML_LOADER)
    except yaml.YAMLError:
        return None
    if not isinstance(doc, dict) or doc.get("kind") != "ResourceList":
        return None
    if not isinstance(doc.get("items", []), list | None):
        return None
    return doc


def results_of(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Structured results, from the list form or the legacy ``{items: [...]}`` form."""
    results = doc.get("results")
    if isinstance(results, dict):
        results = results.get("items")
    if not isinstance(results, list):
        return []
    return [r for r in results if isinstance(r, dict)]


__all__ = ["parse_resource_list", "results_of"]
