"""Calling KRM functions through a function runner over gRPC (Porch's FunctionEvaluator).

Callers get ``EvaluationResult`` or an error from ``porch.errors``; gRPC never leaks out.
This package must not run functions itself or parse ResourceLists.
"""

from porch.fnclient.client import FunctionRunnerClient
from porch.fnclient.wire import DEFAULT_MAX_MESSAGE_BYTES, EvaluationResult, FunctionFailure

__all__ = [
    "DEFAULT_MAX_MESSAGE_BYTES",
    "EvaluationResult",
    "FunctionFailure",
    "FunctionRunnerClient",
]
