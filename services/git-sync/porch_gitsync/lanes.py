"""One queue and one worker per repository: jobs for a repository run in order, one at a
time; different repositories run concurrently, so a slow or unreachable server holds up
only its own repository's work.

Workers live in the caller's ``asyncio.TaskGroup`` (structured concurrency: no task outlives
``run``). A failing job is logged and does not stop its lane.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

Job = Callable[[], Awaitable[None]]


class Lanes:
    def __init__(self, group: asyncio.TaskGroup) -> None:
        self._group = group
        self._queues: dict[str, asyncio.Queue[Job]] = {}

    def submit(self, key: str, job: Job) -> None:
        queue = self._queues.get(key)
        if queue is None:
            queue = self._queues[key] = asyncio.Queue()
            self._group.create_task(self._work(key, queue), name=f"lane {key}")
        queue.put_nowait(job)

    def pending(self, key: str) -> int:
        queue = self._queues.get(key)
        return queue.qsize() if queue is not None else 0

    async def _work(self, key: str, queue: asyncio.Queue[Job]) -> None:
        while True:
            job = await queue.get()
            try:
                await job()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("job for %s failed", key)
            finally:
                queue.task_done()


__all__ = ["Job", "Lanes"]
