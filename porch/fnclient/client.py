"""Async gRPC client for a function runner (ours, Porch's, or a function pod's wrapper-server).

Why it exists: rendering calls functions remotely, and the renderer should see the
project's error tree, not gRPC status codes. This module owns that translation, the
per-call deadline and the retry policy.

Retry policy: only ``UNAVAILABLE`` is retried (the call never reached a runner, and a
function evaluation is a pure function of its input, so repeating it is safe), with a
short exponential backoff, all within the one overall ``timeout``. Nothing else is
retried: a function that failed or timed out would do so again.

It must not parse ResourceLists or know how functions are run.
"""

from __future__ import annotations

import asyncio
import logging
from types import TracebackType
from typing import Any, Self

import grpc

from porch._generated import function_evaluator_pb2 as pb
from porch._generated import function_evaluator_pb2_grpc as pb_grpc
from porch.errors import FunctionError, Invalid, NotFound, PorchError, Timeout
from porch.fnclient.wire import (
    DEFAULT_MAX_MESSAGE_BYTES,
    FAILURE_METADATA_KEY,
    EvaluationResult,
    RunnerUnavailable,
    decode_failure,
)

log = logging.getLogger(__name__)

_FIRST_BACKOFF = 0.1
_MAX_BACKOFF = 2.0


class FunctionRunnerClient:
    """One channel to one function runner; use as ``async with`` or call ``close()``.

    ``target`` is a gRPC target such as ``127.0.0.1:9445`` or ``dns:///fn-runner:9445``.
    ``timeout`` bounds a whole ``evaluate`` call including retries; ``retries`` is how
    many extra attempts an ``UNAVAILABLE`` runner gets.
    """

    def __init__(
        self,
        target: str,
        *,
        timeout: float = 30.0,
        retries: int = 2,
        max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
    ) -> None:
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        if retries < 0:
            raise ValueError("retries must not be negative")
        self._target = target
        self._timeout = timeout
        self._retries = retries
        self._options: list[tuple[str, int]] = [
            ("grpc.max_send_message_length", max_message_bytes),
            ("grpc.max_receive_message_length", max_message_bytes),
            # Reconnect soon after a runner restarts, so our own short retries can succeed.
            ("grpc.initial_reconnect_backoff_ms", 100),
            ("grpc.min_reconnect_backoff_ms", 100),
            ("grpc.max_reconnect_backoff_ms", int(_MAX_BACKOFF * 1000)),
        ]
        # grpc.aio binds a channel to the running loop, so it is created on first use.
        self._channel: Any = None
        self._stub: Any = None
        self._closed = False

    @property
    def target(self) -> str:
        return self._target

    def _ensure_stub(self) -> Any:
        if self._closed:
            raise FunctionError(f"function runner client for {self._target} is closed")
        if self._stub is None:
            self._channel = grpc.aio.insecure_channel(self._target, options=self._options)
            self._stub = pb_grpc.FunctionEvaluatorStub(self._channel)  # type: ignore[no-untyped-call]
        return self._stub

    async def evaluate(self, *, image: str, resource_list: bytes) -> EvaluationResult:
        """Run function ``image`` on ``resource_list`` (serialized ResourceList).

        Raises ``NotFound`` (no evaluator knows the image), ``Invalid`` (the runner
        rejected the request), ``Timeout`` (the deadline passed, on either side) and
        ``FunctionError`` for everything else; a function that exited non-zero raises
        the ``FunctionFailure`` subclass carrying its exit code, stderr and results, and
        a runner that stayed unreachable through the retries raises ``RunnerUnavailable``.
        """
        stub = self._ensure_stub()
        request = pb.EvaluateFunctionRequest(resource_list=resource_list, image=image)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._timeout
        attempt = 0
        while True:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise Timeout(
                    f"function {image!r}: no answer from {self._target} in {self._timeout:g}s"
                )
            try:
                response = await stub.EvaluateFunction(request, timeout=remaining)
            except grpc.aio.AioRpcError as err:
                backoff = min(_FIRST_BACKOFF * 2**attempt, _MAX_BACKOFF)
                retryable = err.code() == grpc.StatusCode.UNAVAILABLE and attempt < self._retries
                if retryable and loop.time() + backoff < deadline:
                    attempt += 1
                    log.debug(
                        "function runner %s unavailable (%s); retry %d in %.2fs",
                        self._target,
                        err.details(),
                        attempt,
                        backoff,
                    )
                    await asyncio.sleep(backoff)
                    continue
                raise _to_porch_error(err, image=image, target=self._target) from err
            return EvaluationResult(resource_list=response.resource_list, log=response.log)

    async def run(self, image: str, resource_list: bytes) -> bytes:
        """``evaluate`` reduced to bytes in, bytes out (the shape a renderer plugs in)."""
        result = await self.evaluate(image=image, resource_list=resource_list)
        return result.resource_list

    async def close(self) -> None:
        """Close the channel; in-flight calls are cancelled. Safe to call twice."""
        self._closed = True
        channel, self._channel, self._stub = self._channel, None, None
        if channel is not None:
            await channel.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


def _to_porch_error(err: grpc.aio.AioRpcError, *, image: str, target: str) -> PorchError:
    code = err.code()
    details = err.details() or code.name
    if code == grpc.StatusCode.NOT_FOUND:
        return NotFound(details)
    if code == grpc.StatusCode.INVALID_ARGUMENT:
        return Invalid(details)
    if code == grpc.StatusCode.DEADLINE_EXCEEDED:
        return Timeout(f"function {image!r}: {details}")
    if code == grpc.StatusCode.UNAVAILABLE:
        return RunnerUnavailable(f"function {image!r} via {target}: {code.name}: {details}")
    for key, value in err.trailing_metadata() or ():
        if key == FAILURE_METADATA_KEY and isinstance(value, bytes):
            return decode_failure(details, value)
    return FunctionError(f"function {image!r} via {target}: {code.name}: {details}")


__all__ = ["FunctionRunnerClient"]
