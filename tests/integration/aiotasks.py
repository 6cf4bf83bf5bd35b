"""Stopping background tasks in fixtures."""

from __future__ import annotations

import asyncio


async def stop(*tasks: asyncio.Task[None]) -> None:
    """Cancel ``tasks`` until each has ended: Python 3.11's ``wait_for`` can swallow a
    cancellation that arrives just as its inner future completes, so one ``cancel()`` is
    not always enough. A task that failed on its own re-raises its error here."""
    for task in tasks:
        while not task.done():
            task.cancel()
            await asyncio.wait({task}, timeout=0.1)
    for task in tasks:
        if not task.cancelled() and task.exception() is not None:
            raise task.exception()  # type: ignore[misc]
