"""The error a builtin function raises when it fails, carrying its structured results.

A catalog function that fails still prints a ResourceList whose ``results`` explain why
(severity ``error``); ``FunctionFailed`` keeps those results so a caller can report them
exactly like a container's. Pure; no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from porch.errors import Cause, FunctionError


class FunctionFailed(FunctionError):
    """A builtin function refused its input; ``results`` are what the catalog image prints."""

    def __init__(
        self, message: str, *, results: Sequence[dict[str, Any]] = (), stderr: str = ""
    ) -> None:
        self.stderr = stderr  # what the function printed before failing (Starlark print)
        self.results: list[dict[str, Any]] = [dict(r) for r in results] or [
            {"message": message, "severity": "error"}
        ]
        causes = [
            Cause(reason="FunctionResult", message=str(r.get("message", ""))) for r in self.results
        ]
        super().__init__(message, causes=causes)


def error_result(message: str) -> dict[str, Any]:
    return {"message": message, "severity": "error"}


def fail(message: str, *, results: Sequence[dict[str, Any]] = ()) -> FunctionFailed:
    """A ``FunctionFailed`` whose last result is ``message`` as an error (the usual shape)."""
    return FunctionFailed(message, results=[*results, error_result(message)])


__all__ = ["FunctionFailed", "error_result", "fail"]
