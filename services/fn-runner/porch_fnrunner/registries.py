"""Finding the builtin function registry: a ``module:attribute`` naming a lookup callable.

Why: the registry (``porch.functions.registry``) is written separately and may be absent;
the runner then has no builtins rather than failing. Tests and benchmarks name a small
registry of their own instead. Both the runner and its worker processes resolve the same
name, so a worker runs exactly the function the runner matched.

It must stay light (workers import it at start) and must not run functions.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable

from porch.errors import Invalid
from porch_fnrunner.invoking import Function

log = logging.getLogger(__name__)

Lookup = Callable[[str], Function | None]

DEFAULT_REGISTRY = "porch.functions.registry:lookup"


def load_lookup(spec: str = DEFAULT_REGISTRY) -> Lookup | None:
    """The lookup callable named ``module:attribute``; ``None`` if the module is missing.

    ``Invalid`` if the module exists but the attribute is not callable (a typo should not
    silently disable every builtin).
    """
    module_name, _, attribute = spec.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as err:
        log.warning("builtin registry %s not importable (%s): no builtin functions", spec, err)
        return None
    lookup = getattr(module, attribute or "lookup", None)
    if not callable(lookup):
        raise Invalid(f"builtin registry {spec!r} does not name a callable")
    found: Lookup = lookup
    return found


__all__ = ["DEFAULT_REGISTRY", "Lookup", "load_lookup"]
