"""Watch streams: newline-delimited watch events, plain or as one-row Tables.

Registration and the initial snapshot happen in one synchronous step, so no change falls
between them; a resourceVersion older than the mirror's log answers one ERROR event with
410 Expired, as kube-apiserver does. Bookmarks only when asked for.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from porch_apiserver import resources, tables
from porch_apiserver.mirror import Change, Collection

Json = dict[str, Any]
BOOKMARK_EVERY = 30.0


async def serve(
    request: web.Request,
    *,
    resource: resources.ResourceDef,
    coll: Collection,
    matches: Callable[[Json], bool],
    resource_version: str,
    timeout: float,
    bookmarks: bool,
    as_table: bool,
) -> web.StreamResponse:
    queue: asyncio.Queue[Change | None] = asyncio.Queue()
    coll.watchers.add(queue)  # registered before the snapshot: nothing slips between
    try:
        if resource_version in ("", "0"):
            start = coll.revision
            backlog = [
                Change("ADDED", key, obj, rev) for key, (obj, rev) in sorted(coll.objects.items())
            ]
        else:
            start = int(resource_version)
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
            obj: Json = change.object
            if as_table:
                obj = tables.table_for(
                    resource,
                    [obj],
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
        with contextlib.suppress(TimeoutError, ConnectionResetError):
            async with asyncio.timeout(timeout):
                while True:
                    try:
                        item = await asyncio.wait_for(queue.get(), BOOKMARK_EVERY)
                    except TimeoutError:
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


async def _bookmark(
    response: web.StreamResponse, resource: resources.ResourceDef, revision: int
) -> None:
    obj = {
        "kind": resource.kind,
        "apiVersion": resource.group_version,
        "metadata": {"resourceVersion": str(revision)},
    }
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


__all__ = ["serve"]
