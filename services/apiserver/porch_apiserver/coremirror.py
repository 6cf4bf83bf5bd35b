"""An in-memory mirror of local mode's core ``v1`` buckets (``porch_namespaces``,
``porch_secrets``), kept current by KV watches, for lists and watches of those kinds.

Each bucket feeds a ``mirror.Collection`` as the projection buckets do, so a core watch is
served by ``watching.serve`` exactly like a Porch one (resume from a resourceVersion still
in the change log, 410 before it, bookmarks, ``sendInitialEvents``), and a list's
resourceVersion is one a watch resumes from. resourceVersions stay the KV revisions of each
bucket. Secrets are held whole and opened (``SecretStore.plaintext``: the bucket may hold
them sealed), as kube's watch cache holds them; nothing here logs one, and a value that
cannot be read is left out with its key logged, never its bytes.
Writes go to the buckets (``corestore``); ``visible`` waits until the mirror shows them.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import AsyncIterator, Callable

import msgspec
from nats.js import JetStreamContext

from porch.errors import PorchError
from porch.eventlog import buckets
from porch.eventlog.secrets import SECRETS_BUCKET, SecretStore
from porch_apiserver.corestore import NAMESPACES_BUCKET
from porch_apiserver.mirror import Collection

log = logging.getLogger(__name__)


class CoreMirror:
    def __init__(self, js: JetStreamContext, secrets: SecretStore) -> None:
        self.js = js
        self._secrets = secrets
        self.namespaces = Collection(NAMESPACES_BUCKET)
        self.secrets = Collection(SECRETS_BUCKET)
        self.ready = asyncio.Event()

    async def run(self) -> None:
        """Follow both buckets forever; ``ready`` once both are caught up."""
        colls = (self.namespaces, self.secrets)
        kvs = [await buckets.open_bucket(self.js, c.name) for c in colls]
        caught_up = asyncio.Queue[str]()

        async def follow(
            coll: Collection,
            changes: AsyncIterator[buckets.Entry | None],
            opened: Callable[[str, bytes], bytes],
        ) -> None:
            first = True
            async for entry in changes:
                if entry is None:
                    if first:
                        first = False
                        caught_up.put_nowait(coll.name)
                    continue
                async with coll.changed:
                    _apply(coll, entry, opened)
                    coll.changed.notify_all()

        async with asyncio.TaskGroup() as group:
            openers = (_as_stored, self._secrets.plaintext)
            for coll, kv, opened in zip(colls, kvs, openers, strict=True):
                group.create_task(follow(coll, buckets.changes(kv), opened))
            for _ in colls:
                await caught_up.get()
            for coll in colls:
                coll.floor = coll.revision  # nothing older than the load can be resumed
            self.ready.set()
            log.info(
                "core mirror ready: %d namespaces, %d secrets",
                len(self.namespaces.objects),
                len(self.secrets.objects),
            )

    async def running(self, _app: object) -> AsyncIterator[None]:
        """An aiohttp ``cleanup_ctx``: follow the buckets while the app runs."""
        task = asyncio.create_task(self.run(), name="core-mirror")
        task.add_done_callback(_report)
        try:
            yield
        finally:
            # Again until it ends: 3.11's wait_for (under the KV watch) can swallow one.
            while not task.done():
                task.cancel()
                await asyncio.wait({task}, timeout=0.1)

    async def wait_ready(self, *, timeout: float) -> bool:
        try:
            await asyncio.wait_for(self.ready.wait(), timeout)
        except TimeoutError:
            return False
        return True

    async def visible(self, coll: Collection, revision: int | None, *, timeout: float) -> bool:
        """Wait until ``coll`` shows ``revision``, or, when None (a delete, whose revision
        the KV client does not return), everything its bucket holds right now."""
        if revision is None:
            info = await self.js.stream_info(f"KV_{coll.name}")
            revision = int(info.state.last_seq or 0)
        return await coll.reaches(revision, timeout=timeout)


def _as_stored(_key: str, value: bytes) -> bytes:
    return value


def _apply(coll: Collection, entry: buckets.Entry, opened: Callable[[str, bytes], bytes]) -> None:
    """Apply one change. A value that cannot be opened or decoded is served as absent (logged
    by key, never its bytes), so one bad entry neither stops every list and watch nor holds
    the collection's revision back."""
    try:
        if entry.value is not None:
            entry = dataclasses.replace(entry, value=opened(entry.key, entry.value))
        coll.apply(entry)
    except (PorchError, msgspec.DecodeError) as exc:
        log.error(
            "%s entry %s (revision %d) is unreadable, served as absent: %s",
            coll.name,
            entry.key,
            entry.revision,
            type(exc).__name__,
        )
        coll.apply(dataclasses.replace(entry, value=None))


def _report(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("the core mirror stopped", exc_info=task.exception())


__all__ = ["CoreMirror"]
