"""One call of a builtin function, from ResourceList bytes to a ``frames.Reply``.

Why: builtin functions run in two places — a thread of the runner and a warm worker
process — and both must give the same answer for the same input. This module is that
answer: parse with ``porch.krm.resourcelist``, call the function, serialize, and describe
the outcome as data (never by raising), so the worker can send it over a pipe as is.

A builtin fails like a KRM function exiting non-zero: by raising, or by returning error
results. Either way the reply is ``failed`` with exit code 1, the results (an exception's
own ``results`` list when it has one, as ``porch.functions.failures.FunctionFailed``
does; else one error result per cause, or one for its message) and, as the log, the line
kpt's Go SDK prints to stderr in that case.

It must not do I/O, start threads or processes, or import gRPC (workers import it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from porch.errors import PorchError
from porch.kpt import gcpause
from porch.krm import resourcelist, yamlio
from porch.krm.resourcelist import ResourceList
from porch_fnrunner.frames import Reply

Function = Callable[[ResourceList], ResourceList]

# How many error messages a failure message quotes (all of them travel as results).
_QUOTED_ERRORS = 3
# What a catalog function built with kpt's Go SDK writes to stderr when it fails.
SDK_FAILURE_STDERR = b"failed to evaluate function: error: function failure"


def invoke(function: Function, data: bytes, *, image: str, max_output_bytes: int) -> Reply:
    """Run ``function`` on the serialized ResourceList ``data``; describe what happened."""
    # Parsing and printing allocate many small containers that all live until the step
    # ends: the cycle collector would walk them repeatedly for nothing. The function itself
    # runs with the collector on (it may hang; its thread must not keep the pause).
    try:
        with gcpause.paused():
            given = resourcelist.parse(data, source=f"input of {image}")
    except PorchError as err:
        return Reply("invalid", message=err.message)
    try:
        output = function(given)
    except (Exception, SystemExit) as err:
        return _raised(image, err)
    if not isinstance(output, ResourceList):
        kind = type(output).__name__
        return Reply("error", message=f"builtin {image!r} returned {kind}, not a ResourceList")
    try:
        with gcpause.paused():
            encoded = resourcelist.serialize(output).encode()
        results = tuple(_plain_result(r) for r in output.results)
    except Exception as err:
        return Reply("error", message=f"builtin {image!r} returned an unprintable list: {err}")
    if len(encoded) > max_output_bytes:
        return Reply(
            "toolarge", message=f"builtin {image!r} output exceeds {max_output_bytes} bytes"
        )
    return _judged(image, encoded, results)


def _judged(image: str, encoded: bytes, results: tuple[dict[str, Any], ...]) -> Reply:
    errors = [r for r in results if r.get("severity") == "error"]
    if not errors:
        return Reply("ok", resource_list=encoded)
    quoted = "; ".join(str(r.get("message", "")) for r in errors[:_QUOTED_ERRORS])
    more = f" (and {len(errors) - _QUOTED_ERRORS} more)" if len(errors) > _QUOTED_ERRORS else ""
    return Reply(
        "failed",
        message=f"function {image!r} failed with {len(errors)} error(s): {quoted}{more}",
        resource_list=encoded,
        log=SDK_FAILURE_STDERR,
        exit_code=1,
        results=results,
    )


def _raised(image: str, err: BaseException) -> Reply:
    if isinstance(err, SystemExit):
        code = err.code if isinstance(err.code, int) and err.code else 1
        return Reply("failed", message=f"function {image!r} called exit({code})", exit_code=code)
    if isinstance(err, PorchError):
        text, log = err.message, SDK_FAILURE_STDERR
        results = _own_results(err) or [_cause_result(c.message, c.field) for c in err.causes]
    else:
        text = f"{type(err).__name__}: {err}"
        log, results = text.encode(), []
    return Reply(
        "failed",
        message=f"function {image!r} failed: {text}",
        log=log,
        exit_code=1,
        results=tuple(results or [_cause_result(text, "")]),
    )


def _own_results(err: PorchError) -> list[dict[str, Any]]:
    results = getattr(err, "results", None)
    if not isinstance(results, list | tuple):
        return []
    return [_plain_result(r) for r in results if isinstance(r, dict)]


def _cause_result(message: str, field: str) -> dict[str, Any]:
    result: dict[str, Any] = {"message": message, "severity": "error"}
    if field:
        result["field"] = {"path": field}
    return result


def _plain_result(result: Any) -> dict[str, Any]:
    plain = yamlio.to_plain(result)
    return plain if isinstance(plain, dict) else {"message": str(plain)}


__all__ = ["SDK_FAILURE_STDERR", "Function", "invoke"]
