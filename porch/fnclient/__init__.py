"""Calling KRM functions through a function runner over gRPC (Porch's FunctionEvaluator).

Callers get ``EvaluationResult`` or an error from ``porch.errors``; gRPC never leaks out.
``FunctionRunnerClient`` is the async client; ``BlockingFunctionRunner`` wraps it for
synchronous callers as ``runner(image, resource_list) -> bytes``.
This package must not run functions itself or parse ResourceLists.
"""

from porch.fnclient.blocking import BlockingFunctionRunner
from porch.fnclient.client import FunctionRunnerClient
from porch.fnclient.wire import (
    DEFAULT_MAX_MESSAGE_BYTES,
    EvaluationResult,
    FunctionFailure,
    RunnerUnavailable,
)

__all__ = [
    "DEFAULT_MAX_MESSAGE_BYTES",
    "BlockingFunctionRunner",
    "EvaluationResult",
    "FunctionFailure",
    "FunctionRunnerClient",
    "RunnerUnavailable",
]
