"""The event-log contract against a real JetStream server."""

from __future__ import annotations

import asyncio
import logging

import pytest
from nats.js import JetStreamContext

from porch.errors import Conflict, TooLarge
from porch.eventlog import appending, reading, streams, subjects
from porch.eventlog.blobs import BlobStore, digest

pytestmark = pytest.mark.integration

PKG = subjects.package_wildcard("default", "repo", "pkg")


def item(ws: str, *, msg_id: str, expected: int, data: bytes = b"{}") -> appending.Append:
    return appending.Append(
        subject=subjects.revision("default", "repo", "pkg", ws),
        data=data,
        event_type="RevisionProposed.v1",
        msg_id=msg_id,
        expected=expected,
        boundary=PKG,
    )


async def test_stream_creation_is_idempotent(js: JetStreamContext) -> None:
    await streams.ensure_all(js)
    await streams.ensure_all(js)
    info = await js.stream_info(streams.EVENTS_STREAM)
    assert info.config.duplicate_window == streams.DUPLICATE_WINDOW_S
    assert info.config.max_msgs in (None, -1)


async def test_two_concurrent_writers_exactly_one_wins(js: JetStreamContext) -> None:
    base = await appending.append(js, item("a", msg_id="c0", expected=0))
    results = await asyncio.gather(
        appending.append(js, item("a", msg_id="c1", expected=base)),
        appending.append(js, item("b", msg_id="c2", expected=base)),
        return_exceptions=True,
    )
    wins = [r for r in results if isinstance(r, int)]
    conflicts = [r for r in results if isinstance(r, Conflict)]
    assert len(wins) == 1
    assert len(conflicts) == 1
    assert await appending.last_sequence(js, PKG) == wins[0]


async def test_retried_append_is_stored_once(js: JetStreamContext) -> None:
    first = await appending.append(js, item("a", msg_id="cmd-1", expected=0))
    # The same append again, as after a lost ack: resolved to the original sequence.
    again = await appending.append(js, item("a", msg_id="cmd-1", expected=0))
    assert again == first
    records = await reading.read(js, PKG)
    assert [r.msg_id for r in records] == ["cmd-1"]


async def test_retry_after_others_wrote_on_other_subjects(js: JetStreamContext) -> None:
    first = await appending.append(js, item("a", msg_id="cmd-1", expected=0))
    other = appending.Append(
        subject=subjects.repository("default", "repo"),
        data=b"{}",
        event_type="RepositoryUpdated.v1",
        msg_id="other",
        expected=0,
    )
    await appending.append(js, other)
    assert await appending.append(js, item("a", msg_id="cmd-1", expected=0)) == first


async def test_stale_expectation_is_a_conflict(js: JetStreamContext) -> None:
    seq = await appending.append(js, item("a", msg_id="c1", expected=0))
    await appending.append(js, item("a", msg_id="c2", expected=seq))
    with pytest.raises(Conflict):
        await appending.append(js, item("a", msg_id="c3", expected=seq))


async def test_oversize_event_is_refused_before_sending(js: JetStreamContext) -> None:
    big = item("a", msg_id="big", expected=0, data=b"x" * (streams.MAX_EVENT_BYTES + 1))
    with pytest.raises(TooLarge):
        await appending.append(js, big)
    assert await appending.last_sequence(js, PKG) == 0


async def test_read_one_aggregate_and_follow_in_order(js: JetStreamContext) -> None:
    seq = 0
    for i in range(5):
        seq = await appending.append(js, item("a" if i % 2 else "b", msg_id=f"c{i}", expected=seq))
    only_a = await reading.read(js, subjects.revision("default", "repo", "pkg", "a"))
    assert [r.msg_id for r in only_a] == ["c1", "c3"]
    got = []
    stream = reading.follow(js, subjects.ALL_EVENTS, after=2)
    async for record in stream:
        got.append(record.seq)
        if record.pending == 0:
            break
    await stream.aclose()
    assert got == [3, 4, 5]


async def test_unknown_event_types_are_skipped_and_logged(
    js: JetStreamContext, caplog: pytest.LogCaptureFixture
) -> None:
    seq = await appending.append(js, item("a", msg_id="c1", expected=0))
    future = appending.Append(
        subject=subjects.revision("default", "repo", "pkg", "a"),
        data=b"{}",
        event_type="FromTheFuture.v9",
        msg_id="c2",
        expected=seq,
        boundary=PKG,
    )
    seq = await appending.append(js, future)
    seq = await appending.append(js, item("a", msg_id="c3", expected=seq))
    with caplog.at_level(logging.WARNING):
        records = await reading.read(js, PKG, known_types=frozenset({"RevisionProposed.v1"}))
    assert [r.msg_id for r in records] == ["c1", "c3"]
    assert "FromTheFuture.v9" in caplog.text


async def test_blobs_are_content_addressed(js: JetStreamContext) -> None:
    store = await BlobStore.open(js)
    data = b"apiVersion: kpt.dev/v1\nkind: Kptfile\n" * 1000
    name = await store.put(data)
    assert name == digest(data)
    assert await store.put(data) == name
    assert await store.get(name) == data


async def test_kv_bucket_cas(js: JetStreamContext) -> None:
    kv = await js.create_key_value(bucket="porch_test")
    rev = await kv.create("a", b"1")
    await kv.update("a", b"2", last=rev)
    from nats.js.errors import KeyWrongLastSequenceError

    with pytest.raises(KeyWrongLastSequenceError):
        await kv.update("a", b"3", last=rev)
