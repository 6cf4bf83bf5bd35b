"""What the function runner and its clients agree on besides the proto messages.

The proto (``schemas/function_evaluator.proto``) is Porch's and carries only the happy
path. A failed function still has something useful to say — its exit code, the tail of its
stderr and the structured ``results`` of the ResourceList it printed — so the runner puts
those, JSON-encoded and size-bounded, in one binary trailing-metadata entry. Porch's own
clients ignore unknown metadata, so this stays wire-compatible.

Pure: no I/O, no gRPC calls. It must not grow transport logic; that lives in ``client``
(caller side) and in the ``porch_fnrunner`` service (runner side).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from porch.errors import Cause, FunctionError

# Porch's ``--max-request-body-size`` default; both ends of the channel must agree.
DEFAULT_MAX_MESSAGE_BYTES = 6 * 1024 * 1024

# Binary metadata keys must end in ``-bin``.
FAILURE_METADATA_KEY = "porch-fn-failure-bin"

# Trailers share gRPC's default 8 KiB metadata limit with ``grpc-message``; stay well below.
FAILURE_METADATA_BUDGET = 4096


@dataclass(frozen=True, slots=True)
class EvaluationResult:
    """A function's output: the ResourceList it printed and what it wrote to stderr."""

    resource_list: bytes
    log: bytes


class FunctionFailure(FunctionError):
    """The function ran and failed (non-zero exit), as opposed to not running at all.

    ``results`` are the structured results of the ResourceList the function printed
    before failing (empty when its output did not parse); each also appears as a
    ``Cause`` so the apiserver can show them without knowing this class.
    """

    def __init__(
        self,
        message: str,
        *,
        image: str,
        exit_code: int | None = None,
        stderr: str = "",
        results: Sequence[Mapping[str, Any]] = (),
    ) -> None:
        self.image = image
        self.exit_code = exit_code
        self.stderr = stderr
        self.results: tuple[Mapping[str, Any], ...] = tuple(results)
        super().__init__(message, causes=[_cause(r) for r in self.results])


class RunnerUnavailable(FunctionError):
    """No runner answered (gRPC UNAVAILABLE after the retries): nothing was evaluated."""


def _cause(result: Mapping[str, Any]) -> Cause:
    field = result.get("field")
    path = field.get("path", "") if isinstance(field, Mapping) else ""
    return Cause(
        reason=str(result.get("severity") or "error"),
        message=str(result.get("message", "")),
        field=str(path),
    )


def encode_failure(failure: FunctionFailure, *, budget: int = FAILURE_METADATA_BUDGET) -> bytes:
    """Serialize ``failure`` for trailing metadata in at most ``budget`` bytes.

    Results are dropped from the end first (their count is kept), then stderr is cut to
    its tail, so the most important information survives a tight budget.
    """
    results = list(failure.results)
    stderr = failure.stderr
    while True:
        payload: dict[str, Any] = {
            "image": failure.image,
            "exitCode": failure.exit_code,
            "stderr": stderr,
            "results": results,
        }
        if len(results) < len(failure.results):
            payload["droppedResults"] = len(failure.results) - len(results)
        encoded = json.dumps(payload, default=str, separators=(",", ":")).encode()
        if len(encoded) <= budget:
            return encoded
        if results:
            results.pop()
        elif stderr:
            stderr = stderr[len(stderr) // 2 :] if len(stderr) > 16 else ""
        else:
            return json.dumps(
                {"image": failure.image[:256], "exitCode": failure.exit_code}
            ).encode()


def decode_failure(message: str, data: bytes) -> FunctionFailure:
    """Rebuild a ``FunctionFailure`` from ``encode_failure`` output; tolerant of junk."""
    try:
        payload = json.loads(data)
    except ValueError:
        payload = {}
    if not isinstance(payload, dict):
        payload = {}
    exit_code = payload.get("exitCode")
    results = payload.get("results")
    return FunctionFailure(
        message,
        image=str(payload.get("image", "")),
        exit_code=exit_code if isinstance(exit_code, int) else None,
        stderr=str(payload.get("stderr", "")),
        results=[r for r in results if isinstance(r, dict)] if isinstance(results, list) else (),
    )


__all__ = [
    "DEFAULT_MAX_MESSAGE_BYTES",
    "FAILURE_METADATA_BUDGET",
    "FAILURE_METADATA_KEY",
    "EvaluationResult",
    "FunctionFailure",
    "RunnerUnavailable",
    "decode_failure",
    "encode_failure",
]
