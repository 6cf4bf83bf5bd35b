"""Appending events with optimistic concurrency and idempotency.

Each append names the sequence the writer last saw on the aggregate's boundary
(``Nats-Expected-Last-Subject-Sequence``, optionally against a wildcard subject) and a
``Nats-Msg-Id`` equal to the command id. A retry after a lost acknowledgement is resolved
by reading what the boundary holds right after the expected sequence: if it is our message
the append had succeeded (reference/eventstore.md §1.3: an R1 stream answers the retry with
"wrong last sequence", not with a duplicate ack). Never writes without an expected sequence.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from nats.errors import NoRespondersError
from nats.errors import TimeoutError as NatsTimeout
from nats.js import JetStreamContext
from nats.js.errors import APIError, NotFoundError

from porch.errors import Conflict, EventLogError, TooLarge
from porch.eventlog import records
from porch.eventlog.streams import EVENTS_STREAM, MAX_EVENT_BYTES

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Append:
    """One event to store."""

    subject: str
    data: bytes
    event_type: str
    msg_id: str
    expected: int  # last sequence seen on the boundary; 0 = boundary empty
    boundary: str | None = None  # wildcard subject to check instead of ``subject``
    traceparent: str = ""


def headers_for(item: Append) -> dict[str, str]:
    headers = {
        records.MSG_ID: item.msg_id,
        records.EXPECTED_SUBJECT_SEQ: str(item.expected),
        records.EVENT_TYPE: item.event_type,
    }
    if item.boundary:
        headers[records.EXPECTED_SUBJECT_SEQ_SUBJECT] = item.boundary
    if item.traceparent:
        headers[records.TRACEPARENT] = item.traceparent
    return headers


async def append(
    js: JetStreamContext, item: Append, *, attempts: int = 4, ack_timeout: float = 5.0
) -> int:
    """Store ``item`` once and return its stream sequence; ``Conflict`` if the boundary moved."""
    if len(item.data) > MAX_EVENT_BYTES:
        raise TooLarge(f"event of {len(item.data)} bytes exceeds {MAX_EVENT_BYTES} bytes")
    last_error: Exception | None = None
    for attempt in range(attempts):
        if attempt:
            await asyncio.sleep(min(0.05 * 2**attempt, 1.0))
        try:
            ack = await js.publish(
                item.subject,
                item.data,
                timeout=ack_timeout,
                stream=EVENTS_STREAM,
                headers=headers_for(item),  # a fresh dict: nats-py mutates it
            )
            return int(ack.seq)
        except APIError as exc:
            if exc.err_code in records.WRONG_LAST_SEQUENCE:
                mine = await stored_after(js, item)
                if mine is not None:
                    return mine
                raise Conflict(
                    "the object has been modified; please apply your changes to the "
                    "latest version and try again"
                ) from exc
            if exc.err_code == 10158:  # the same msg id is being stored right now
                last_error = exc
                continue
            raise EventLogError(f"event store refused the append: {exc.description}") from exc
        except (TimeoutError, NatsTimeout, NoRespondersError) as exc:
            last_error = exc  # maybe stored: retrying with the same msg id is safe
            log.warning("append to %s timed out (attempt %d)", item.subject, attempt + 1)
    raise EventLogError(f"event store unavailable: {last_error!r}")


async def stored_after(js: JetStreamContext, item: Append) -> int | None:
    """The sequence of our message if it is the first on the boundary after ``expected``."""
    try:
        msg = await js.get_msg(
            EVENTS_STREAM,
            seq=item.expected + 1,
            subject=item.boundary or item.subject,
            next=True,
            direct=True,
        )
    except NotFoundError:
        return None
    headers = msg.headers or {}
    if headers.get(records.MSG_ID) == item.msg_id and msg.seq is not None:
        return int(msg.seq)
    return None


async def last_sequence(js: JetStreamContext, subject: str) -> int:
    """The sequence of the newest message on ``subject`` (wildcards allowed), 0 if none."""
    try:
        msg = await js.get_last_msg(EVENTS_STREAM, subject, direct=True)
    except NotFoundError:
        return 0
    except (NatsTimeout, NoRespondersError) as exc:
        raise EventLogError(f"event store unavailable: {exc!r}") from exc
    return int(msg.seq or 0)


__all__ = ["Append", "append", "headers_for", "last_sequence", "stored_after"]
