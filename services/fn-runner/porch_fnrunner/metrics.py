"""Prometheus metrics of the function runner: evaluations, their latency, the warm pools.

Served on a plain-HTTP listener of its own (``--metrics-listen``, off when empty), beside
the gRPC port. Labels hold the evaluator kind and a fixed outcome, never the image (images
are caller-chosen, so unbounded).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from prometheus_client import Counter, Gauge, Histogram, start_http_server

from porch.errors import FunctionError, PorchError, Timeout, TooLarge
from porch.fnclient import EvaluationResult

if TYPE_CHECKING:  # both import this module's callers; only their types are needed
    from porch_fnrunner.evaluators import Evaluator
    from porch_fnrunner.pooling import PoolEvaluator

EVALUATIONS = Counter(
    "porch_fnrunner_evaluations_total",
    "Function evaluations, by evaluator (builtin, pool, exec) and outcome.",
    ["evaluator", "outcome"],
)
LATENCY = Histogram(
    "porch_fnrunner_evaluation_duration_seconds",
    "Time one evaluator took for a function, including a warm instance's start.",
    ["evaluator", "outcome"],
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
POOL_SIZE = Gauge(
    "porch_fnrunner_pool_instances", "Warm instances (worker processes or pods) in the pools."
)

_KINDS = {"BuiltinEvaluator": "builtin", "PoolEvaluator": "pool", "ExecEvaluator": "exec"}


def listen(address: str) -> None:
    """Serve ``/metrics`` on ``HOST:PORT`` in a daemon thread; nothing when empty."""
    if not address:
        return
    host, _, port = address.rpartition(":")
    start_http_server(int(port), addr=host or "127.0.0.1")


def _outcome(exc: BaseException) -> str:
    if isinstance(exc, Timeout | TimeoutError):
        return "timeout"
    if isinstance(exc, asyncio.CancelledError):
        return "cancelled"
    if isinstance(exc, TooLarge):
        return "too_large"
    if isinstance(exc, FunctionError):
        return "failed"  # the function ran and failed (or its runtime did)
    return "rejected" if isinstance(exc, PorchError) else "error"


async def evaluate(
    evaluator: Evaluator, *, image: str, resource_list: bytes
) -> EvaluationResult | None:
    """``evaluator.evaluate``, counted when it claims the image (answers or raises)."""
    kind = _KINDS.get(type(evaluator).__name__, "other")
    started = time.monotonic()
    try:
        result = await evaluator.evaluate(image=image, resource_list=resource_list)
    except BaseException as exc:
        _record(kind, _outcome(exc), started)
        raise
    if result is not None:
        _record(kind, "succeeded", started)
    return result


def unclaimed() -> None:
    """No evaluator knows the image (the caller gets NOT_FOUND)."""
    EVALUATIONS.labels("none", "not_found").inc()


def _record(kind: str, outcome: str, started: float) -> None:
    EVALUATIONS.labels(kind, outcome).inc()
    LATENCY.labels(kind, outcome).observe(time.monotonic() - started)


def watch_pools(pools: Sequence[PoolEvaluator]) -> None:
    """Report the size of ``pools`` (the running server's) from now on."""
    POOL_SIZE.set_function(lambda: sum(len(pool.images) for pool in pools))


__all__ = ["evaluate", "listen", "unclaimed", "watch_pools"]
