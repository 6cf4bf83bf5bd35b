"""The warm pool: one reusable instance per image, kept for an idle TTL, behind one interface.

Why: starting a function (a process, a pod) costs far more than calling a warm one, so
the pool keeps one ``Instance`` per image and reuses it. Two backends provide instances:
local worker processes (``spawning``) and Kubernetes pods (``pods``); the pool logic is
the same for both:

* one instance per image, started on first use (one start even when calls arrive
  together) and reused afterwards;
* calls to one instance run ``concurrency`` at a time; up to ``max_queue`` more wait in
  line, beyond that the call is refused (``Overloaded``);
* at most ``max_size`` instances: a new image evicts the least recently used idle one, and
  when every instance is busy the call is refused;
* an instance idle for ``ttl`` seconds is stopped by ``collect_garbage``, which
  ``run_gc`` calls every scan interval (the backend then sweeps what it owns outside
  this process, e.g. expired pods of an earlier runner);
* a call fails alone: when an instance dies or times out under a call, that call gets the
  error, the instance is retired, and the next call (including those queued behind it)
  gets a fresh one. A failed start fails the calls that were waiting for that start.

It must not know how an instance runs a function, and must not run anything itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from porch.errors import PorchError, Timeout
from porch.fnclient import EvaluationResult
from porch_fnrunner.limits import Overloaded

log = logging.getLogger(__name__)


class Instance(Protocol):
    """A started function (worker process, pod) that can evaluate calls for its image."""

    @property
    def alive(self) -> bool:
        """False once it died or its state is unknown (then the pool retires it)."""
        ...

    async def evaluate(self, *, image: str, resource_list: bytes) -> EvaluationResult: ...

    async def stop(self) -> None:
        """Destroy it (idle too long, evicted, or dead); idempotent."""
        ...

    async def release(self) -> None:
        """The runner is shutting down: let go, keeping it if it may be reused later."""
        ...


class Backend(Protocol):
    """Starts instances; ``start`` raises ``NotPoolable`` for an image to run elsewhere."""

    name: str

    def handles(self, image: str) -> bool: ...

    async def start(self, image: str) -> Instance: ...

    async def sweep(self) -> None:
        """Clean up what this backend owns outside the pool (called after each GC scan)."""
        ...


class NotPoolable(Exception):
    """The backend cannot keep this image warm after all; the next evaluator should run it."""


@dataclass(eq=False)
class _Entry:
    image: str
    slots: asyncio.Semaphore
    instance: Instance | None = None
    start_error: BaseException | None = None
    pending: int = 0
    last_used: float = 0.0
    gone: bool = False
    start_lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class PoolEvaluator:
    """An ``Evaluator`` that runs the images its backend handles on warm instances."""

    def __init__(
        self,
        backend: Backend,
        *,
        timeout: float,
        ttl: float = 1800.0,
        max_size: int = 16,
        concurrency: int = 1,
        max_queue: int = 8,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_size < 1 or concurrency < 1 or max_queue < 0:
            raise ValueError("max_size and concurrency must be >= 1, max_queue >= 0")
        self._backend = backend
        self._timeout = timeout
        self._ttl = ttl
        self._max_size = max_size
        self._concurrency = concurrency
        self._max_queue = max_queue
        self._clock = clock
        # Least recently used first.
        self._entries: OrderedDict[str, _Entry] = OrderedDict()

    @property
    def backend(self) -> Backend:
        return self._backend

    @property
    def images(self) -> list[str]:
        """Images with an entry, least recently used first."""
        return list(self._entries)

    def instance_of(self, image: str) -> Instance | None:
        entry = self._entries.get(image)
        return entry.instance if entry is not None else None

    async def evaluate(self, *, image: str, resource_list: bytes) -> EvaluationResult | None:
        while True:
            if not self._backend.handles(image):
                return None
            entry = await self._entry_for(image)
            if entry.pending >= self._concurrency + self._max_queue:
                raise Overloaded(
                    f"{self._backend.name} instance for {image!r} has {entry.pending} calls "
                    "running or queued"
                )
            entry.pending += 1
            try:
                async with entry.slots:
                    if entry.start_error is not None:
                        raise entry.start_error
                    if entry.gone:
                        continue  # retired while we waited; ask for its replacement
                    instance = await self._started(entry)
                    if instance is None:
                        return None
                    return await self._call(entry, instance, image, resource_list)
            finally:
                entry.pending -= 1
                entry.last_used = self._clock()

    async def _entry_for(self, image: str) -> _Entry:
        entry = self._entries.get(image)
        if entry is not None:
            self._entries.move_to_end(image)
            return entry
        victims = self._evict_for_room()
        entry = _Entry(image, asyncio.Semaphore(self._concurrency), last_used=self._clock())
        self._entries[image] = entry
        await self._stop_all(victims, why="evicted (pool full)")
        return entry

    def _evict_for_room(self) -> list[_Entry]:
        victims: list[_Entry] = []
        while len(self._entries) >= self._max_size:
            idle = next((e for e in self._entries.values() if e.pending == 0), None)
            if idle is None:
                raise Overloaded(
                    f"{self._backend.name} pool full: {len(self._entries)} instances all busy"
                )
            self._forget(idle)
            victims.append(idle)
        return victims

    async def _started(self, entry: _Entry) -> Instance | None:
        if entry.instance is not None:
            return entry.instance
        async with entry.start_lock:
            if entry.instance is None:
                try:
                    entry.instance = await self._backend.start(entry.image)
                except NotPoolable:
                    self._forget(entry)
                    return None
                except BaseException as err:
                    entry.start_error = err  # the calls queued behind this start fail too
                    self._forget(entry)
                    raise
                log.info("%s: started instance for %s", self._backend.name, entry.image)
        return entry.instance

    async def _call(
        self, entry: _Entry, instance: Instance, image: str, resource_list: bytes
    ) -> EvaluationResult:
        try:
            async with asyncio.timeout(self._timeout):
                return await instance.evaluate(image=image, resource_list=resource_list)
        except TimeoutError:
            raise Timeout(f"function {image!r} did not finish within {self._timeout:g}s") from None
        finally:
            if not instance.alive:
                self._forget(entry)
                await self._stop_all([entry], why="died or was killed during a call")

    def _forget(self, entry: _Entry) -> None:
        entry.gone = True
        if self._entries.get(entry.image) is entry:
            del self._entries[entry.image]

    async def collect_garbage(self) -> list[str]:
        """Stop instances idle for the TTL, then let the backend sweep; the images stopped."""
        now = self._clock()
        expired = [
            e for e in self._entries.values() if e.pending == 0 and now - e.last_used >= self._ttl
        ]
        for entry in expired:
            self._forget(entry)
        await self._stop_all(expired, why=f"idle for {self._ttl:g}s")
        await self._backend.sweep()
        return [e.image for e in expired]

    async def run_gc(self, *, interval: float) -> None:
        """Collect garbage every ``interval`` seconds until cancelled."""
        while True:
            await asyncio.sleep(interval)
            try:
                await self.collect_garbage()
            except PorchError as err:
                log.warning("%s: garbage collection failed: %s", self._backend.name, err.message)
            except Exception:  # a bug in one scan must not end collection for good
                log.exception("%s: garbage collection failed unexpectedly", self._backend.name)

    async def close(self) -> None:
        """Release every instance (pods may outlive the runner; processes do not)."""
        entries = list(self._entries.values())
        for entry in entries:
            self._forget(entry)
        for entry in entries:
            if entry.instance is not None:
                with contextlib.suppress(PorchError):
                    await entry.instance.release()

    async def _stop_all(self, entries: list[_Entry], *, why: str) -> None:
        for entry in entries:
            if entry.instance is None:
                continue
            log.info("%s: stopping instance for %s: %s", self._backend.name, entry.image, why)
            try:
                await entry.instance.stop()
            except PorchError as err:
                log.warning("%s: stopping %s failed: %s", self._backend.name, entry.image, err)


__all__ = ["Backend", "Instance", "NotPoolable", "PoolEvaluator"]
