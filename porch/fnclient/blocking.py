"""A blocking facade over ``FunctionRunnerClient`` for synchronous callers.

Why: the kpt library's render loop is ordinary synchronous code (it may run in a worker
thread of an async service); it needs "image + ResourceList bytes in, bytes out" without
owning an event loop. This class runs one private event loop in a daemon thread and
submits each call to it, so the gRPC channel and its connection are reused across calls.

It must not be called from its own loop thread, and must not parse ResourceLists.
"""

from __future__ import annotations

import asyncio
import threading
from types import TracebackType
from typing import Self

from porch.fnclient.client import FunctionRunnerClient
from porch.fnclient.wire import DEFAULT_MAX_MESSAGE_BYTES, EvaluationResult


class BlockingFunctionRunner:
    """``runner(image, resource_list) -> bytes``; errors are those of ``FunctionRunnerClient``.

    Thread-safe: calls from several threads share the one channel. ``close()`` (or the
    ``with`` block's end) closes the channel and stops the loop thread.
    """

    def __init__(
        self,
        target: str,
        *,
        timeout: float = 30.0,
        retries: int = 2,
        max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
    ) -> None:
        self._client = FunctionRunnerClient(
            target, timeout=timeout, retries=retries, max_message_bytes=max_message_bytes
        )
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name=f"fn-runner client {target}", daemon=True
        )
        self._thread.start()
        self._closed = False

    def evaluate(self, image: str, resource_list: bytes) -> EvaluationResult:
        coroutine = self._client.evaluate(image=image, resource_list=resource_list)
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

    def __call__(self, image: str, resource_list: bytes) -> bytes:
        return self.evaluate(image, resource_list).resource_list

    def close(self) -> None:
        """Close the channel and stop the loop thread; safe to call twice."""
        if self._closed:
            return
        self._closed = True
        asyncio.run_coroutine_threadsafe(self._client.close(), self._loop).result()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


__all__ = ["BlockingFunctionRunner"]
