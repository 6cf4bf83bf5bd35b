"""Watch fan-out over a real aiohttp server on loopback, under asyncio's loop and uvloop:
caught-up plain watches are written straight from the collection's fan-out, anything
else (Tables, a backlog, a slow reader) is queued and written by the watch's task."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
import msgspec
import pytest
import uvloop

from porch.domain import snapshots
from porch.eventlog.buckets import Entry
from porch_apiserver import watching
from porch_apiserver.mirror import Collection, Mirror
from porch_apiserver.tables import TABLE_CONTENT_TYPE
from tests.unit.test_apiserver_watching import watch_server

PATH = "/apis/porch.kpt.dev/v1alpha1/namespaces/default/packagerevisions"
KEY = snapshots.object_key("default", "a")
Json = dict[str, Any]


def _revision(labels: dict[str, str], pad: int = 0) -> bytes:
    obj = {
        "apiVersion": "porch.kpt.dev/v1alpha1",
        "kind": "PackageRevision",
        "metadata": {
            "name": "a",
            "namespace": "default",
            "labels": labels,
            "annotations": {"pad": "x" * pad},
        },
        "spec": {"packageName": "a", "repository": "r", "workspaceName": "v1"},
    }
    return msgspec.json.encode(obj)


class Served:
    def __init__(self, url: str, mirror: Mirror) -> None:
        self.url = url
        self.mirror = mirror
        self.next_revision = 2

    @property
    def coll(self) -> Collection:
        return self.mirror.revisions

    def change(self, labels: dict[str, str] | None = None, pad: int = 0) -> int:
        revision = self.next_revision
        self.next_revision += 1
        value = _revision(labels or {"n": str(revision)}, pad)
        self.coll.apply(Entry(key=KEY, value=value, revision=revision))
        return revision

    def streams(self) -> list[watching.Stream]:
        return [s for s in self.coll.watchers if isinstance(s, watching.Stream)]

    async def parked(self, count: int, *, direct: bool = True) -> list[watching.Stream]:
        """Wait until ``count`` watches are parked (taking changes directly, if ``direct``)."""
        for _ in range(500):
            streams = self.streams()
            ready = [s for s in streams if not s.queued and s.wake.is_set() is False]
            if direct:
                ready = [s for s in ready if s.direct is not None]
            if len(streams) == count and len(ready) == count:
                return streams
            await asyncio.sleep(0.01)
        raise AssertionError(f"watches not parked: {self.streams()}")


@contextlib.asynccontextmanager
async def _served() -> AsyncIterator[Served]:
    mirror = Mirror(None, snapshots.Buckets("test"))  # type: ignore[arg-type]
    mirror.revisions.apply(Entry(key=KEY, value=_revision({}), revision=1))
    async with watch_server(mirror) as url:
        yield Served(url, mirror)


Scenario = Callable[[Served, pytest.MonkeyPatch], Awaitable[None]]


def on_both_loops(scenario: Scenario) -> Callable[[str, pytest.MonkeyPatch], None]:
    """A test running ``scenario`` against a fresh server under asyncio's loop and under
    uvloop (the apiserver's loop, whose transports buffer differently)."""

    @pytest.mark.parametrize("loop", ["asyncio", "uvloop"])
    def test(loop: str, monkeypatch: pytest.MonkeyPatch) -> None:
        async def run() -> None:
            async with _served() as served:
                await scenario(served, monkeypatch)

        factory = uvloop.new_event_loop if loop == "uvloop" else asyncio.new_event_loop
        with asyncio.Runner(loop_factory=factory) as runner:
            runner.run(asyncio.wait_for(run(), 60))

    test.__name__ = test.__qualname__ = scenario.__name__
    test.__doc__ = scenario.__doc__
    return test


async def _events(url: str, headers: dict[str, str] | None = None) -> list[Json]:
    """Every event until the server ends the stream; aiohttp rejects bad chunk framing."""
    async with aiohttp.ClientSession() as session, session.get(url, headers=headers) as resp:
        assert resp.status == 200
        return [json.loads(line) async for line in resp.content]


async def _until(done: Callable[[], bool]) -> None:
    for _ in range(1000):
        if done():
            return
        await asyncio.sleep(0.005)
    raise AssertionError("condition never held")


def _revisions(events: list[Json]) -> list[int]:
    return [int(e["object"]["metadata"]["resourceVersion"]) for e in events]


@on_both_loops
async def test_caught_up_watches_get_every_change_once_in_order(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"{served.url}{PATH}?watch=true&resourceVersion=1&timeoutSeconds=2"
    watchers = [asyncio.create_task(_events(url)) for _ in range(20)]
    async with _raw_watch(served, timeout=2, small_buffer=False) as raw:
        # The raw reader checks the chunk framing strictly; aiohttp's client is lenient.
        strict = asyncio.create_task(raw.read_to_end())
        streams = await served.parked(21)
        sent = []
        for burst in range(5):
            sent += [served.change() for _ in range(10)]
            # Straight from the fan-out: nothing was queued, no task had to wake.
            assert all(s.direct is not None and not s.queued for s in streams)
            await asyncio.sleep(0.05 * burst)
        chunks, ended = await strict
    assert ended
    assert _revisions([json.loads(c) for c in chunks]) == sent
    for events in await asyncio.gather(*watchers):
        assert _revisions(events) == sent
        assert {e["type"] for e in events} == {"MODIFIED"}
        assert [e["object"]["metadata"]["labels"] for e in events] == [{"n": str(r)} for r in sent]
    await _until(lambda: not served.coll.watchers)


@on_both_loops
async def test_changes_during_the_backlog_are_queued_then_direct(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    backlog = [served.change() for _ in range(30)]
    url = f"{served.url}{PATH}?watch=true&resourceVersion=1&timeoutSeconds=2"
    watcher = asyncio.create_task(_events(url))
    await _until(lambda: bool(served.coll.watchers))
    during = [served.change() for _ in range(30)]  # while the backlog is being written
    await served.parked(1)
    after = [served.change() for _ in range(10)]
    assert _revisions(await watcher) == backlog + during + after


@on_both_loops
async def test_a_selector_that_does_not_match_gets_nothing(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = f"{served.url}{PATH}?watch=true&resourceVersion=1&timeoutSeconds=1"
    none = asyncio.create_task(_events(f"{base}&labelSelector=team%3Dnobody"))
    some = asyncio.create_task(_events(f"{base}&labelSelector=team%3Dblue"))
    await served.parked(2)
    served.change({"team": "red"})
    blue = served.change({"team": "blue"})
    served.change({"team": "red"})
    assert await none == []
    assert _revisions(await some) == [blue]


@on_both_loops
async def test_table_watches_are_queued_and_get_one_row_tables(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"{served.url}{PATH}?watch=true&resourceVersion=1&timeoutSeconds=1"
    watcher = asyncio.create_task(_events(url, {"Accept": TABLE_CONTENT_TYPE}))
    (stream,) = await served.parked(1, direct=False)
    assert stream.direct is None  # a Table is built per watch: never the shared chunk
    first, second = served.change(), served.change()
    events = await watcher
    assert [e["object"]["kind"] for e in events] == ["Table", "Table"]
    assert [len(e["object"]["rows"]) for e in events] == [1, 1]
    assert "columnDefinitions" in events[0]["object"]
    assert [int(e["object"]["metadata"]["resourceVersion"]) for e in events] == [first, second]


@on_both_loops
async def test_bookmarks_interleave_cleanly_with_direct_writes(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = (
        f"{served.url}{PATH}?watch=true&resourceVersion=1&timeoutSeconds=2&allowWatchBookmarks=true"
    )
    watcher = asyncio.create_task(_events(url))
    await served.parked(1)
    sent = []
    for _ in range(30):  # changes keep coming across several 0.2 s bookmark intervals
        sent.append(served.change())
        await asyncio.sleep(0.03)
    events = await watcher
    assert _revisions([e for e in events if e["type"] == "MODIFIED"]) == sent
    assert any(e["type"] == "BOOKMARK" for e in events)
    assert _revisions(events) == sorted(_revisions(events))


@on_both_loops
async def test_a_client_that_left_is_dropped_at_the_next_change(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"{served.url}{PATH}?watch=true&resourceVersion=1&timeoutSeconds=60"
    async with aiohttp.ClientSession() as session, session.get(url) as resp:
        assert resp.status == 200
        await served.parked(1)
    for _ in range(200):
        served.change()
        if not served.coll.watchers:
            break
        await asyncio.sleep(0.01)
    assert not served.coll.watchers


# --- a slow reader: a raw socket with a small receive buffer that stops reading ---------


class RawWatch:
    def __init__(self, port: int, path: str, *, small_buffer: bool) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if small_buffer:  # backs up after a few events when not reading
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self.sock.setblocking(False)
        self.port, self.path = port, path
        self.data = b""

    async def open(self) -> None:
        loop = asyncio.get_running_loop()
        await loop.sock_connect(self.sock, ("127.0.0.1", self.port))
        request = f"GET {self.path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        await loop.sock_sendall(self.sock, request.encode())

    async def read_to_end(self) -> tuple[list[bytes], bool]:
        """Read until the terminating chunk; the chunks, and whether the end was seen."""
        loop = asyncio.get_running_loop()
        while True:
            head, _, body = self.data.partition(b"\r\n\r\n")
            chunks, ended = _dechunk(body)
            if ended:
                assert head.startswith(b"HTTP/1.1 200 ")
                return chunks, ended
            got = await asyncio.wait_for(loop.sock_recv(self.sock, 1 << 20), 10)
            if not got:
                return chunks, ended
            self.data += got

    def close(self) -> None:
        self.sock.close()


def _dechunk(body: bytes) -> tuple[list[bytes], bool]:
    """Chunked transfer coding, strictly: any framing error fails the test."""
    chunks: list[bytes] = []
    at = 0
    while True:
        eol = body.find(b"\r\n", at)
        if eol < 0:
            return chunks, False
        size = int(body[at:eol], 16)
        if size == 0:
            return chunks, body[eol + 2 : eol + 4] == b"\r\n"
        end = eol + 2 + size
        if len(body) < end + 2:
            return chunks, False
        assert body[end : end + 2] == b"\r\n"
        chunks.append(body[eol + 2 : end])
        at = end + 2


@contextlib.asynccontextmanager
async def _raw_watch(
    served: Served, *, timeout: int = 5, small_buffer: bool = True
) -> AsyncIterator[RawWatch]:
    port = int(served.url.rstrip("/").rsplit(":", 1)[1])
    path = f"{PATH}?watch=true&resourceVersion=1&timeoutSeconds={timeout}"
    watch = RawWatch(port, path, small_buffer=small_buffer)
    try:
        await watch.open()
        yield watch
    finally:
        watch.close()


async def _fill(served: Served, until: Any, limit: int = 400) -> list[int]:
    """Big changes to a reader that is not reading, until ``until()`` holds."""
    sent = []
    for _ in range(limit):
        sent.append(served.change(pad=32 * 1024))
        await asyncio.sleep(0.002)  # the loop flushes what the socket takes
        if until():
            return sent
    raise AssertionError("the slow reader never backed up")


@on_both_loops
async def test_a_slow_reader_is_served_from_its_queue_then_caught_up(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with _raw_watch(served) as raw:
        (stream,) = await served.parked(1)
        sent = await _fill(served, lambda: len(stream.queued) >= 5)
        assert not stream.ended
        reader = asyncio.create_task(raw.read_to_end())
        await served.parked(1)  # drained its queue, back to direct writes
        sent += [served.change() for _ in range(3)]
        chunks, ended = await reader
    assert ended
    events = [json.loads(c) for c in chunks]
    assert _revisions(events) == sent


@on_both_loops
async def test_a_reader_too_far_behind_is_ended(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(watching, "MAX_QUEUED", 5)
    async with _raw_watch(served) as raw:
        (stream,) = await served.parked(1)
        sent = await _fill(served, lambda: stream.ended)
        assert not stream.queued  # nothing more is held for it
        later = served.change()  # not even offered any more
        assert not stream.queued
        chunks, ended = await raw.read_to_end()
    assert ended  # a well-formed end of stream: the client relists
    got = _revisions([json.loads(c) for c in chunks])
    assert got == sent[: len(got)]  # in order, no gaps, nothing twice
    assert len(got) < len(sent)
    assert later not in got
    await _until(lambda: not served.coll.watchers)
