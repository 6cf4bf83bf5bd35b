"""Watch streams: newline-delimited watch events, plain or as one-row Tables.

Registration and the initial snapshot happen in one synchronous step, so no change falls
between them; a resourceVersion older than the mirror's log answers one ERROR event with
410 Expired, as kube-apiserver does. Bookmarks only when asked for: periodic ones, and with
``sendInitialEvents`` the one annotated ``k8s.io/initial-events-end`` after the current state.

Delivery: while a plain watch is caught up (nothing queued, its task parked, the socket's
write buffer small) the collection's fan-out writes each matching change's pre-framed
chunk straight to the transport, so a change costs no task wake-up per watcher. Otherwise
(Table watches, a watch still sending its backlog or a bookmark, a slow reader) changes
queue and the watch's task writes them through aiohttp, with its back-pressure; a watch
more than ``MAX_QUEUED`` changes behind is ended, and the client relists.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from porch_apiserver import queries, resources, tables
from porch_apiserver.mirror import LOG_SIZE, Change, Collection

Json = dict[str, Any]
BOOKMARK_EVERY = 30.0
INITIAL_EVENTS_END = "k8s.io/initial-events-end"
MAX_QUEUED = LOG_SIZE  # changes a watch may fall behind before it is ended
DIRECT_BUFFER_LIMIT = 64 * 1024  # bytes unsent on a socket before changes queue instead


class Stream:
    """One watch's delivery state, offered each change by the collection's fan-out.

    ``direct`` is the transport while the watch's task is parked waiting with nothing
    queued, and None otherwise: only then may a change bypass the task, so a direct write
    never lands between (or after) aiohttp's own writes for this response. ``last`` is the
    newest revision delivered or skipped, shared by both paths: nothing goes out twice or
    out of order.
    """

    __slots__ = ("direct", "ended", "last", "matches", "queued", "wake")

    def __init__(self, matches: Callable[[Json], bool], last: int = 0) -> None:
        self.matches = matches
        self.queued: collections.deque[Change] = collections.deque()
        self.wake = asyncio.Event()
        self.last = last
        self.direct: asyncio.Transport | None = None
        self.ended = False  # fell too far behind, or the client went away

    def offer(self, change: Change) -> None:
        if self.ended or change.revision <= self.last:
            return
        transport = self.direct
        if transport is not None and not self.queued:
            if transport.is_closing():
                self._end()
                return
            if transport.get_write_buffer_size() <= DIRECT_BUFFER_LIMIT:
                self.last = change.revision
                if self.matches(change.object):
                    transport.write(change.chunk)
                return
        if len(self.queued) >= MAX_QUEUED:
            self._end()
            return
        self.queued.append(change)
        self.wake.set()

    def _end(self) -> None:
        self.ended = True
        self.queued.clear()
        self.wake.set()

    async def parked(self, transport: asyncio.Transport | None, idle_after: float | None) -> bool:
        """Wait for a queued change or the end, taking changes directly on ``transport``
        meanwhile; False when ``idle_after`` seconds passed without either. A timeout
        scope only when bookmarks are asked for, and one per wait, not per change."""
        self.wake.clear()
        self.direct = transport
        try:
            if idle_after is None:
                await self.wake.wait()
                return True
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(idle_after):
                    await self.wake.wait()
            return self.wake.is_set()
        finally:
            self.direct = None


async def serve(
    request: web.Request,
    *,
    resource: resources.ResourceDef,
    coll: Collection,
    matches: Callable[[Json], bool],
    options: queries.ListOptions,
    as_table: bool,
    bookmark_every: float = BOOKMARK_EVERY,
) -> web.StreamResponse:
    timeout, bookmarks = options.timeout, options.bookmarks
    stream = Stream(matches)
    coll.watchers.add(stream)  # registered before the snapshot: nothing slips between
    try:
        if options.replays_state:
            start = coll.revision
            backlog = [
                Change("ADDED", key, obj, coll.objects[key][1]) for key, obj in coll.ordered()
            ]
        else:
            start = options.revision
            since = coll.since(start)
            backlog = since if since is not None else []
            if since is None:
                return await _expired(request, start, coll.floor)
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        response.enable_chunked_encoding()
        await response.prepare(request)  # a StreamResponse sends its headers here
        first = [True]

        async def send(change: Change) -> None:
            if not matches(change.object):
                return
            if not as_table:
                await response.write(change.line)
                return
            obj = tables.table_for(
                resource,
                [change.object],
                resource_version=str(change.revision),
                now=datetime.now(UTC),
                with_definitions=first[0],
            )
            first[0] = False
            line = json.dumps({"type": change.type, "object": obj}, separators=(",", ":"))
            await response.write(line.encode() + b"\n")

        for change in backlog:
            await send(change)
        stream.last = max([start, stream.last, *(c.revision for c in backlog)])
        if options.send_initial_events:
            await _bookmark(response, resource, stream.last, initial_events_end=True)
        # Only plain chunked events are pre-framed; a Table is built per watch.
        direct = None if as_table or not response.chunked else request.transport
        idle_after = bookmark_every if bookmarks else None
        with contextlib.suppress(TimeoutError, ConnectionResetError):
            async with asyncio.timeout(timeout):
                while True:
                    while stream.queued:
                        item = stream.queued.popleft()
                        if item.revision <= stream.last:
                            continue
                        stream.last = item.revision
                        await send(item)
                    if stream.ended:
                        break  # fell behind, or the client left: the client relists
                    if not await stream.parked(direct, idle_after):
                        await _bookmark(response, resource, coll.revision)
        return response
    finally:
        coll.watchers.discard(stream)


async def _bookmark(
    response: web.StreamResponse,
    resource: resources.ResourceDef,
    revision: int,
    *,
    initial_events_end: bool = False,
) -> None:
    meta: Json = {"resourceVersion": str(revision)}
    if initial_events_end:
        meta["annotations"] = {INITIAL_EVENTS_END: "true"}
    obj = {"kind": resource.kind, "apiVersion": resource.group_version, "metadata": meta}
    await response.write(json.dumps({"type": "BOOKMARK", "object": obj}).encode() + b"\n")


async def _expired(request: web.Request, asked: int, floor: int) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": "application/json"})
    await response.prepare(request)
    status = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": f"too old resource version: {asked} ({floor})",
        "reason": "Expired",
        "code": 410,
    }
    await response.write(json.dumps({"type": "ERROR", "object": status}).encode() + b"\n")
    return response


__all__ = ["BOOKMARK_EVERY", "INITIAL_EVENTS_END", "MAX_QUEUED", "Stream", "serve"]
