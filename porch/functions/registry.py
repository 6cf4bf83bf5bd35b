"""Image name -> builtin function: how an evaluator finds a native port of a catalog image.

Resolves ``gcr.io/kpt-fn/<name>:<tag>``, ``ghcr.io/kptdev/krm-functions-catalog/<name>:<tag>``
(also with a ``@sha256:`` digest) and short names ``<name>[:<tag>]``; any tag maps to the
same port. Unknown images give ``None`` so the caller can fall through to the next
evaluator. Modules are imported on first use. Pure; no I/O.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from typing import Any

from porch.krm.resourcelist import ResourceList

Function = Callable[[ResourceList], ResourceList]

PREFIXES = ("gcr.io/kpt-fn/", "ghcr.io/kptdev/krm-functions-catalog/")
_MODULES: dict[str, str] = {
    name: name.replace("-", "_")
    for name in (
        "apply-replacements",
        "apply-setters",
        "fix",
        "create-setters",
        "ensure-name-substring",
        "list-setters",
        "remove-local-config-resources",
        "search-replace",
        "set-annotations",
        "set-enforcement-action",
        "set-image",
        "set-labels",
        "set-namespace",
        "starlark",
        "upsert-resource",
    )
}


def function_name(image: str) -> str | None:
    """The catalog function an image names, or None when it is not a catalog image."""
    rest = image.strip().split("@", 1)[0]
    for prefix in PREFIXES:
        if rest.startswith(prefix):
            rest = rest.removeprefix(prefix)
            break
    else:
        if "/" in rest:
            return None
    name = rest.split(":", 1)[0]
    return name if name in _MODULES else None


def lookup(image: str) -> Function | None:
    name = function_name(image)
    if name is None:
        return None
    module = importlib.import_module(f"porch.functions.{_MODULES[name]}")
    run: Function = module.run
    return _sorting(run) if name in _SORTS_OUTPUT else run


# These catalog images are built on the Go SDK that sorts its output items by
# apiVersion, kind, namespace and name; callers that print the list (``-o stdout``) see it.
_SORTS_OUTPUT = frozenset({"set-namespace", "set-labels", "set-annotations"})


def _sorting(run: Function) -> Function:
    @functools.wraps(run)
    def sorted_run(rl: ResourceList) -> ResourceList:
        out = run(rl)
        out.items.sort(key=_sort_key)
        return out

    return sorted_run


def _sort_key(item: Any) -> tuple[str, str, str, str]:
    meta = item.get("metadata") or {}
    return (
        str(item.get("apiVersion", "")),
        str(item.get("kind", "")),
        str(meta.get("namespace", "") or ""),
        str(meta.get("name", "")),
    )


def names() -> list[str]:
    return sorted(_MODULES)


__all__ = ["PREFIXES", "Function", "function_name", "lookup", "names"]
