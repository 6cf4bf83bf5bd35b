"""Turning a worker's ``frames.Reply`` into the runner's result or error.

Why: the in-process builtin evaluator and the warm worker pool both receive replies and
must raise exactly the errors the exec evaluator raises for the same situation, so the
gRPC status a caller sees does not depend on where a function ran. Pure: no I/O.
"""

from __future__ import annotations

from porch.errors import FunctionError, Invalid, NotFound, TooLarge
from porch.fnclient import EvaluationResult, FunctionFailure
from porch_fnrunner.frames import Reply


def to_result(reply: Reply, *, image: str) -> EvaluationResult:
    """The result of an ``ok`` reply; any other outcome raised as the matching error."""
    if reply.outcome == "ok":
        return EvaluationResult(resource_list=reply.resource_list, log=reply.log)
    message = reply.message or f"function {image!r}: {reply.outcome}"
    if reply.outcome == "invalid":
        raise Invalid(message)
    if reply.outcome == "notfound":
        raise NotFound(message)
    if reply.outcome == "toolarge":
        raise TooLarge(message)
    if reply.outcome == "failed":
        raise FunctionFailure(
            message,
            image=image,
            exit_code=reply.exit_code,
            stderr=reply.log.decode("utf-8", errors="replace"),
            results=reply.results,
        )
    raise FunctionError(message)


__all__ = ["to_result"]
