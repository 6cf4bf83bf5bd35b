"""Python's cycle collector paused around a render's allocation-heavy, synchronous steps.

Why it exists: reading, preparing and writing a package allocates tens of thousands of
small containers (mappings, sequences, source nodes) that all stay alive until the step
ends, so the collector keeps walking them and finds nothing (about a twentieth of a
render). Reference counting still frees everything acyclic meanwhile; cycles made during
a pause are collected after it. Only synchronous code is wrapped, never an ``await``, so
other coroutines never run with the collector paused. Overlapping pauses (threads) are
counted: the collector is re-enabled when the last one ends, and only if it was enabled
when the first one began.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextlib.contextmanager
def paused() -> Iterator[None]:
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()


__all__ = ["paused"]
