"""Admission limits: how many calls the runner takes at once, and the error beyond that.

Why: a runner that queues without bound turns a burst of renders into timeouts for
everybody. Beyond a limit it answers at once with ``Overloaded`` (gRPC
RESOURCE_EXHAUSTED), which a caller can retry later. ``porch.errors`` has no error for
"busy, try again", so it is defined here, under ``PorchError``. Pure: no I/O.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from porch.errors import PorchError


class Overloaded(PorchError):
    """The runner (or one worker's queue) is full; nothing was run."""

    code = 429
    reason = "TooManyRequests"


class CallLimiter:
    """Counts calls in flight and refuses the one that would exceed ``limit``.

    Only touched from the event loop thread, so a plain counter is enough.
    """

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self._limit = limit
        self._in_flight = 0

    @property
    def in_flight(self) -> int:
        return self._in_flight

    @contextlib.contextmanager
    def admit(self, what: str) -> Iterator[None]:
        if self._in_flight >= self._limit:
            raise Overloaded(f"{what}: {self._limit} calls already in flight; retry later")
        self._in_flight += 1
        try:
            yield
        finally:
            self._in_flight -= 1


__all__ = ["CallLimiter", "Overloaded"]
