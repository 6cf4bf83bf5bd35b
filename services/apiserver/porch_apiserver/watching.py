"""Watch streams: newline-delimited watch events, plain or as one-row Tables.

Registration and the initial snapshot happen in one synchronous step, so no change falls
between them; a resourceVersion older than the mirror's log answers one ERROR event with
410 Expired, as kube-apiserver does. Bookmarks only when asked for: periodic ones, and with
``sendInitialEvents`` the one annotated ``k8s.io/initial-events-end`` after the current state.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from porch_apiserver import queries, resources, tables
from porch_apiserver.mirror import Change, Collection

Json = dict[str, Any]
BOOKMARK_EVERY = 30.0
INITIAL_EVENTS_END = "k8s.io/initial-events-end"


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
    queue: asyncio.Queue[Change | None] = asyncio.Queue()
    coll.watchers.add(queue)  # registered before the snapshot: nothing slips between
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
        await response.prepare(request)
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
        last = max([start, *(c.revision for c in backlog)])
        if options.send_initial_events:
            await _bookmark(response, resource, last, initial_events_end=True)
        with contextlib.suppress(TimeoutError, ConnectionResetError):
            async with asyncio.timeout(timeout):
                while True:
                    # No bookmarks asked for: no timer per event either.
                    item = await (_next(queue, bookmark_every) if bookmarks else queue.get())
                    if item is _IDLE:
                        if bookmarks:
                            await _bookmark(response, resource, coll.revision)
                        continue
                    if item is None:
                        break  # fell behind: the client relists
                    if item.revision <= last:
                        continue
                    last = item.revision
                    await send(item)
        return response
    finally:
        coll.watchers.discard(queue)


_IDLE = Change("BOOKMARK", "", {}, 0)  # nothing arrived for a bookmark interval


async def _next(queue: asyncio.Queue[Change | None], idle_after: float) -> Change | None:
    """The next change, or ``_IDLE`` after ``idle_after`` seconds without one. A timeout
    scope, not ``wait_for``: that starts a task per event, per watcher."""
    if not queue.empty():
        return queue.get_nowait()
    try:
        async with asyncio.timeout(idle_after):
            return await queue.get()
    except TimeoutError:
        return _IDLE


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


__all__ = ["BOOKMARK_EVERY", "INITIAL_EVENTS_END", "serve"]
