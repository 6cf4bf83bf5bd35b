"""Who runs an image: the ``Evaluator`` protocol and the ordered chain of evaluators.

Why: Porch tries a fixed order of runtimes (builtin Go functions, then local executables,
then pods) and the first that knows an image wins. The chain keeps that order explicit so
a builtin evaluator can later be put first without touching the server. An evaluator
answers ``None`` for an image it does not handle; any error it raises is final (a failed
function is not retried by the next evaluator).

This module must not run anything itself or know about gRPC.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from porch.fnclient import EvaluationResult
from porch_fnrunner import metrics


class Evaluator(Protocol):
    """Runs the functions it knows; ``None`` means "not mine, ask the next one".

    Implementations must be cancellation-safe: when the caller's deadline passes the
    coroutine is cancelled and must not leave processes or tasks behind.
    """

    async def evaluate(self, *, image: str, resource_list: bytes) -> EvaluationResult | None: ...


class ChainEvaluator:
    """Asks each evaluator in order; the first non-``None`` answer (or error) wins."""

    def __init__(self, evaluators: Sequence[Evaluator]) -> None:
        self._evaluators = tuple(evaluators)

    @property
    def evaluators(self) -> tuple[Evaluator, ...]:
        return self._evaluators

    async def evaluate(self, *, image: str, resource_list: bytes) -> EvaluationResult | None:
        for evaluator in self._evaluators:
            result = await metrics.evaluate(evaluator, image=image, resource_list=resource_list)
            if result is not None:
                return result
        metrics.unclaimed()
        return None


__all__ = ["ChainEvaluator", "Evaluator"]
