"""Following ``PORCH_EVENTS`` from a start position: the NATS side of ``porch audit tail``.

An ordered push consumer (ephemeral, no acks, gap-free; reference/eventstore.md §2.3)
filtered on one subject, starting at a sequence. A start time is first resolved to the
sequence of the first matching message stored at or after it, because nats-py recreates an
ordered consumer "by start sequence" while keeping the start time, which the server
refuses. Without ``follow`` it stops at the newest matching message as of the start, so an
empty range ends at once. Formatting lives in ``lines``; this module only moves records.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from nats.aio.msg import Msg
from nats.js import JetStreamContext, api
from nats.js.errors import NotFoundError

from porch.audit.filters import Start
from porch.eventlog import records
from porch.eventlog.reading import to_record
from porch.eventlog.streams import EVENTS_STREAM

_QUEUE = 10_000  # the consumer's flow control holds the server back when we print slowly
_PROBE_TTL_S = 10.0


def consumer_config(first_seq: int) -> api.ConsumerConfig:
    if first_seq > 1:
        return api.ConsumerConfig(
            deliver_policy=api.DeliverPolicy.BY_START_SEQUENCE, opt_start_seq=first_seq
        )
    return api.ConsumerConfig(deliver_policy=api.DeliverPolicy.ALL)


async def first_sequence(js: JetStreamContext, subject: str, *, start: Start) -> int:
    """The sequence to start from: ``start.seq``, or the first message on ``subject``
    stored at or after ``start.time`` (when none is yet, the stream's next sequence)."""
    if start.time is None:
        return start.seq
    stream_last = int((await js.stream_info(EVENTS_STREAM)).state.last_seq or 0)
    probe = await js.pull_subscribe(
        subject,
        stream=EVENTS_STREAM,
        config=api.ConsumerConfig(
            deliver_policy=api.DeliverPolicy.BY_START_TIME,
            opt_start_time=start.time,
            ack_policy=api.AckPolicy.NONE,
            inactive_threshold=_PROBE_TTL_S,  # the server drops it if we die before unsubscribe
        ),
    )
    try:
        # Counted from the consumer's start, so a message stored after ``stream_last``
        # but before this call is pending too: nothing at or after the time is missed.
        if not (await probe.consumer_info()).num_pending:
            return stream_last + 1
        (msg,) = await probe.fetch(1, timeout=_PROBE_TTL_S)
        return int(msg.metadata.sequence.stream)
    finally:
        await probe.unsubscribe()


async def newest(js: JetStreamContext, subject: str) -> int:
    """The sequence of the newest message on ``subject``; 0 if none."""
    try:
        msg = await js.get_last_msg(EVENTS_STREAM, subject, direct=True)
    except NotFoundError:
        return 0
    return int(msg.seq or 0)


async def records_from(
    js: JetStreamContext, subject: str, *, start: Start, follow: bool
) -> AsyncIterator[records.Record]:
    """Every record on ``subject`` from ``start``, in stream order; forever with ``follow``."""
    first = await first_sequence(js, subject, start=start)
    end = 0
    if not follow:
        end = await newest(js, subject)
        if end < max(first, 1):  # nothing in the range: done before subscribing
            return
    queue: asyncio.Queue[Msg] = asyncio.Queue(maxsize=_QUEUE)

    async def deliver(msg: Msg) -> None:
        await queue.put(msg)

    sub = await js.subscribe(
        subject,
        stream=EVENTS_STREAM,
        cb=deliver,
        ordered_consumer=True,
        config=consumer_config(first),
    )
    try:
        while True:
            record = to_record(await queue.get())
            yield record
            if end and record.seq >= end:
                return
    finally:
        await sub.unsubscribe()


__all__ = ["consumer_config", "first_sequence", "newest", "records_from"]
