"""Watch streams served from an in-memory collection over a loopback aiohttp server:
periodic bookmarks only when asked, timeouts, 410 for expired versions, fan-out to many;
and ``Stream.offer`` (direct writes, queueing behind a slow reader) on a real socket."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import msgspec
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from porch.domain import snapshots
from porch.eventlog.buckets import Entry
from porch_apiserver import watching
from porch_apiserver.app import errors_as_status
from porch_apiserver.handlers import Resources
from porch_apiserver.mirror import Change, Mirror

PATH = "/apis/porch.kpt.dev/v1alpha1/namespaces/default/packagerevisions"


def _revision(name: str, labels: dict[str, str] | None = None) -> bytes:
    obj = {
        "apiVersion": "porch.kpt.dev/v1alpha1",
        "kind": "PackageRevision",
        "metadata": {"name": name, "namespace": "default", "labels": labels or {}},
        "spec": {"packageName": name, "repository": "r", "workspaceName": "v1"},
    }
    return msgspec.json.encode(obj)


@contextlib.asynccontextmanager
async def watch_server(mirror: Mirror) -> AsyncIterator[str]:
    """A loopback aiohttp server answering namespaced lists and watches from ``mirror``
    (periodic bookmarks every 0.2 s); yields its base URL."""
    resources = Resources(mirror=mirror, writer=None, blobs=None, bookmark_every=0.2)  # type: ignore[arg-type]
    app = web.Application(middlewares=[errors_as_status])
    app.router.add_get(
        "/apis/{group}/{version}/namespaces/{namespace}/{plural}", resources.list_or_watch
    )
    server = TestServer(app)
    await server.start_server()
    try:
        yield str(server.make_url(""))
    finally:
        await server.close()


@pytest.fixture
async def served() -> AsyncIterator[tuple[str, Mirror]]:
    mirror = Mirror(None, snapshots.Buckets("test"))  # type: ignore[arg-type]
    for rev, name in enumerate(("a", "b"), start=1):
        key = snapshots.object_key("default", name)
        mirror.revisions.apply(Entry(key=key, value=_revision(name), revision=rev))
    async with watch_server(mirror) as url:
        yield url, mirror


async def _events(url: str) -> list[dict[str, Any]]:
    async with aiohttp.ClientSession() as session, session.get(url) as resp:
        return [json.loads(line) async for line in resp.content]


async def test_periodic_bookmarks_only_when_asked_and_the_timeout_closes(
    served: tuple[str, Mirror],
) -> None:
    base, _ = served
    started = time.monotonic()
    asked = await _events(
        f"{base}{PATH}?watch=true&resourceVersion=2&allowWatchBookmarks=true&timeoutSeconds=1"
    )
    assert 0.9 < time.monotonic() - started < 5
    assert asked
    assert {e["type"] for e in asked} == {"BOOKMARK"}
    assert asked[0]["object"] == {
        "kind": "PackageRevision",
        "apiVersion": "porch.kpt.dev/v1alpha1",
        "metadata": {"resourceVersion": "2"},
    }
    quiet = await _events(f"{base}{PATH}?watch=true&resourceVersion=2&timeoutSeconds=1")
    assert quiet == []


async def test_an_expired_version_is_one_error_event(served: tuple[str, Mirror]) -> None:
    base, mirror = served
    mirror.revisions.floor = 2
    events = await _events(f"{base}{PATH}?watch=true&resourceVersion=1&timeoutSeconds=1")
    assert [(e["type"], e["object"]["code"], e["object"]["reason"]) for e in events] == [
        ("ERROR", 410, "Expired")
    ]


async def test_every_watcher_gets_each_change_once(served: tuple[str, Mirror]) -> None:
    base, mirror = served
    url = f"{base}{PATH}?watch=true&resourceVersion=2&timeoutSeconds=2"
    watchers = [asyncio.create_task(_events(url)) for _ in range(50)]
    await asyncio.sleep(0.5)
    key = snapshots.object_key("default", "a")
    mirror.revisions.apply(Entry(key=key, value=_revision("a", {"x": "1"}), revision=3))
    results = await asyncio.gather(*watchers)
    for events in results:
        assert [(e["type"], e["object"]["metadata"]["labels"]) for e in events] == [
            ("MODIFIED", {"x": "1"})
        ]


async def test_bad_watch_parameters_are_statuses(served: tuple[str, Mirror]) -> None:
    base, _ = served
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{base}{PATH}?watch=true&timeoutSeconds=soon") as resp:
            assert resp.status == 400
            assert (await resp.json())["reason"] == "BadRequest"
        async with session.get(f"{base}{PATH}?watch=true&sendInitialEvents=true") as resp:
            assert resp.status == 422
            assert (await resp.json())["reason"] == "Invalid"


# --- Stream.offer against a real loopback transport ------------------------------------


@pytest.fixture
async def transport() -> AsyncIterator[tuple[asyncio.Transport, asyncio.StreamReader]]:
    """A connected transport (the server side of a loopback connection) and the reader
    at the other end, which reads only when the test says so."""
    accepted: asyncio.Queue[asyncio.StreamWriter] = asyncio.Queue()

    async def on_connect(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.put_nowait(writer)

    server = await asyncio.start_server(on_connect, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    reader, client = await asyncio.open_connection("127.0.0.1", port)
    writer = await accepted.get()
    try:
        yield writer.transport, reader  # type: ignore[misc]
    finally:
        writer.close()
        client.close()
        server.close()
        await server.wait_closed()


def _parked(sink: asyncio.Transport) -> watching.Stream:
    """A stream past its snapshot (revision 1), taking changes directly on ``sink``."""
    stream = watching.Stream(lambda obj: True, last=1)
    stream.direct = sink
    return stream


def _change(revision: int) -> Change:
    obj = {"metadata": {"name": "a", "resourceVersion": str(revision)}}
    return Change("MODIFIED", "k", obj, revision)


async def test_a_parked_stream_writes_framed_chunks_in_order_once(
    transport: tuple[asyncio.Transport, asyncio.StreamReader],
) -> None:
    sink, reader = transport
    stream = _parked(sink)
    for revision in (1, 2, 3, 3, 2, 4):  # 1 is the snapshot's; repeats are ignored
        stream.offer(_change(revision))
    expected = b"".join(_change(r).chunk for r in (2, 3, 4))
    assert await reader.readexactly(len(expected)) == expected
    sink.write(b"end")
    assert await reader.readexactly(3) == b"end"  # and nothing else came before it
    line = _change(2).line
    assert _change(2).chunk == f"{len(line):x}\r\n".encode() + line + b"\r\n"
    assert not stream.queued


async def test_once_a_change_is_queued_later_ones_queue_behind_it(
    transport: tuple[asyncio.Transport, asyncio.StreamReader],
) -> None:
    sink, reader = transport
    stream = _parked(sink)
    sink.write(b"x" * (watching.DIRECT_BUFFER_LIMIT * 64))  # the reader is not reading
    for _ in range(100):
        if sink.get_write_buffer_size() > watching.DIRECT_BUFFER_LIMIT:
            break
        await asyncio.sleep(0.01)
    stream.offer(_change(2))  # over the limit: queued, and the task is woken
    assert [c.revision for c in stream.queued] == [2]
    assert stream.wake.is_set()
    await reader.readexactly(watching.DIRECT_BUFFER_LIMIT * 64)
    for _ in range(100):
        if not sink.get_write_buffer_size():
            break
        await asyncio.sleep(0.01)
    stream.offer(_change(3))  # room again, but 2 is still queued: 3 must not overtake it
    assert [c.revision for c in stream.queued] == [2, 3]


async def test_a_stream_ends_when_its_client_has_gone_or_it_falls_too_far_behind(
    transport: tuple[asyncio.Transport, asyncio.StreamReader],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sink, _ = transport
    gone = watching.Stream(lambda obj: True)
    gone.direct = sink
    sink.close()
    gone.offer(_change(2))
    assert gone.ended
    assert gone.wake.is_set()
    monkeypatch.setattr(watching, "MAX_QUEUED", 3)
    behind = watching.Stream(lambda obj: True)  # not parked: everything queues
    for revision in range(2, 7):
        behind.offer(_change(revision))
    assert behind.ended
    assert not behind.queued
