"""Building the evaluator chain from ``Settings``: who runs an image, in which order.

Why: the order is policy and belongs in one place. First match wins:

    1. builtin (thread)     builtin images, in a thread of the runner   --builtins thread
    2. local pool           builtin images in warm worker processes     --builtins process
                            and exec images allow-listed ``reuse: true``
    3. exec                 every allow-listed image, one process per call
    4. pod pool             any other image, in a Kubernetes pod        --pod-namespace

An allow-listed ``reuse: true`` image whose binary turns out not to speak the worker
protocol falls through from 2 to 3. Loads and validates the allow-list and the registry
now, so a broken configuration fails startup rather than calls.

It must not run functions or start servers; pools start their instances lazily.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from porch_fnrunner import podspecs
from porch_fnrunner.builtin import BuiltinEvaluator
from porch_fnrunner.evaluators import ChainEvaluator, Evaluator
from porch_fnrunner.executing import ExecEvaluator, ExecFunction, load_exec_config
from porch_fnrunner.pods import PodBackend, core_api
from porch_fnrunner.pooling import PoolEvaluator
from porch_fnrunner.registries import Lookup, load_lookup
from porch_fnrunner.settings import Settings
from porch_fnrunner.spawning import LocalBackend

log = logging.getLogger(__name__)

# Two length-delimited fields in the response: a tag byte and up to five length bytes each.
RESPONSE_OVERHEAD = 16

_FROM_SETTINGS: Any = object()


@dataclass(frozen=True, slots=True)
class Runtime:
    """The chain the server calls and the pools it must collect and close."""

    chain: ChainEvaluator
    pools: tuple[PoolEvaluator, ...]


def build_runtime(
    settings: Settings, *, lookup: Lookup | None = _FROM_SETTINGS, core: Any = None
) -> Runtime:
    """The runtime for ``settings``; ``lookup`` and ``core`` (a CoreV1Api) replace the
    registry import and the kubeconfig (tests and benchmarks inject their own)."""
    if lookup is _FROM_SETTINGS:
        lookup = load_lookup(settings.builtin_registry) if settings.builtins != "off" else None
    functions = load_exec_config(settings.exec_config) if settings.exec_config else {}
    if settings.exec_config is not None:
        log.info("exec allow-list %s: %d image(s)", settings.exec_config, len(functions))
    evaluators: list[Evaluator] = []
    pools: list[PoolEvaluator] = []
    max_output = settings.max_message_bytes - RESPONSE_OVERHEAD
    if lookup is not None and settings.builtins == "thread":
        evaluators.append(
            BuiltinEvaluator(lookup, timeout=settings.call_timeout, max_output_bytes=max_output)
        )
    local = _local_pool(settings, lookup if settings.builtins == "process" else None, functions)
    if local is not None:
        evaluators.append(local)
        pools.append(local)
    if functions:
        evaluators.append(
            ExecEvaluator(functions, timeout=settings.call_timeout, max_output_bytes=max_output)
        )
    if settings.pod_namespace is not None:
        pods = _pod_pool(settings, core)
        evaluators.append(pods)
        pools.append(pods)
    if not evaluators:
        log.warning("no builtins, allow-list or pod namespace: every image will be NOT_FOUND")
    return Runtime(ChainEvaluator(evaluators), tuple(pools))


def _local_pool(
    settings: Settings, lookup: Lookup | None, functions: dict[str, ExecFunction]
) -> PoolEvaluator | None:
    if lookup is None and not any(f.reuse for f in functions.values()):
        return None
    backend = LocalBackend(
        max_message_bytes=settings.max_message_bytes - RESPONSE_OVERHEAD,
        builtin_lookup=lookup,
        registry=settings.builtin_registry,
        exec_functions=functions,
        start_timeout=settings.worker_start_timeout,
        pythonpath=settings.worker_pythonpath,
    )
    return _pool(settings, backend)


def _pod_pool(settings: Settings, core: Any) -> PoolEvaluator:
    assert settings.pod_namespace is not None
    template = podspecs.PodTemplate(
        namespace=settings.pod_namespace,
        wrapper_server_image=settings.wrapper_server_image,
        wrapper_server_source=settings.wrapper_server_source,
        port=settings.pod_port,
        entrypoint=settings.function_entrypoint,
        max_message_bytes=settings.max_message_bytes,
    )
    backend = PodBackend(
        core if core is not None else core_api(settings.kubeconfig),
        template,
        ttl=settings.pool_ttl,
        call_timeout=settings.call_timeout,
        ready_timeout=settings.pod_ready_timeout,
    )
    return _pool(settings, backend)


def _pool(settings: Settings, backend: Any) -> PoolEvaluator:
    # ``timeout`` bounds the call on a started instance; starting is bounded by the
    # backend (worker hello timeout, pod ready timeout) and by the caller's deadline.
    return PoolEvaluator(
        backend,
        timeout=settings.call_timeout,
        ttl=settings.pool_ttl,
        max_size=settings.pool_max_size,
        max_queue=settings.pool_queue_length,
    )


__all__ = ["RESPONSE_OVERHEAD", "Runtime", "build_runtime"]
