"""The builtin evaluator: catalog functions implemented in Python, run in a thread of the runner.

Why: Porch runs a few catalog functions natively instead of starting a pod; this is the
first evaluator of the chain for the same reason. Images are resolved by a lookup callable
(normally ``porch.functions.registry.lookup``, imported lazily by
``registries.load_lookup``: without that module there are simply no builtins). Each call
runs ``invoking.invoke`` in its own daemon thread, bounded by ``timeout``.

A Python thread cannot be killed. A call that overruns its time fails with ``Timeout``
and its thread is abandoned; it is counted, and once ``max_abandoned`` such threads are
still running the evaluator refuses new calls (``Overloaded``) instead of piling up more.
Daemon threads never block the runner's exit. Functions that may hang or crash the
interpreter belong in the worker pool (``--builtins process``), where they are killed.

It must not decide what a function does (that is ``invoking``) or speak gRPC.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading

from porch.errors import Timeout
from porch.fnclient import EvaluationResult
from porch_fnrunner import replies
from porch_fnrunner.frames import Reply
from porch_fnrunner.invoking import Function, invoke
from porch_fnrunner.limits import Overloaded
from porch_fnrunner.registries import Lookup

log = logging.getLogger(__name__)


class BuiltinEvaluator:
    """Evaluator for the images ``lookup`` resolves; ``None`` for any other image."""

    def __init__(
        self,
        lookup: Lookup,
        *,
        timeout: float,
        max_output_bytes: int,
        max_abandoned: int = 8,
    ) -> None:
        self._lookup = lookup
        self._timeout = timeout
        self._max_output = max_output_bytes
        self._max_abandoned = max_abandoned
        self._abandoned: list[threading.Thread] = []

    @property
    def abandoned(self) -> int:
        """Threads of timed-out calls that are still running."""
        self._abandoned = [t for t in self._abandoned if t.is_alive()]
        return len(self._abandoned)

    async def evaluate(self, *, image: str, resource_list: bytes) -> EvaluationResult | None:
        function = self._lookup(image)
        if function is None:
            return None
        if self.abandoned >= self._max_abandoned:
            raise Overloaded(
                f"{self._max_abandoned} builtin calls are still running past their deadline"
            )
        reply = await self._in_thread(function, resource_list, image=image)
        return replies.to_result(reply, image=image)

    async def _in_thread(self, function: Function, data: bytes, *, image: str) -> Reply:
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[Reply] = loop.create_future()

        def settle(reply: Reply) -> None:
            if not answer.done():
                answer.set_result(reply)

        def work() -> None:
            try:
                reply = invoke(function, data, image=image, max_output_bytes=self._max_output)
            except BaseException as err:  # the thread must always answer
                reply = Reply("error", message=f"builtin {image!r}: {type(err).__name__}: {err}")
            with contextlib.suppress(RuntimeError):  # the loop may be closed by now
                loop.call_soon_threadsafe(settle, reply)

        thread = threading.Thread(target=work, name=f"builtin {image}", daemon=True)
        thread.start()
        try:
            async with asyncio.timeout(self._timeout):
                return await answer
        except TimeoutError:
            self._abandon(thread, image=image)
            raise Timeout(
                f"builtin function {image!r} did not finish within {self._timeout:g}s"
            ) from None
        except asyncio.CancelledError:
            self._abandon(thread, image=image)
            raise

    def _abandon(self, thread: threading.Thread, *, image: str) -> None:
        if thread.is_alive():
            self._abandoned.append(thread)
            log.warning("builtin %s still running after its call ended; thread abandoned", image)


__all__ = ["BuiltinEvaluator"]
