"""The ``PORCH_SYNC`` work queue as seen by git-sync: one durable pull consumer that survives
crashes of git-sync and restarts of NATS.

- Held items are kept alive: every message taken but not yet acknowledged gets
  ``in_progress`` every ``KEEPALIVE_S``, so ``ACK_WAIT_S`` can be short and only a dead
  git-sync lets items go back to the queue.
- Resume in order: at start, items a previous (crashed) git-sync held are still pending on
  the consumer and NATS would hand them out only after ``ACK_WAIT_S``, *after* newer items.
  So when the consumer has pending acks at start it is deleted and created again: the queue
  (work-queue retention) keeps every unacknowledged item, and the new consumer delivers them
  at once, in stream order. This assumes one git-sync per queue, which lanes require anyway.
- NATS going away and coming back: a failed fetch is logged, the subscription is made again
  after a pause (nats-py does not re-issue a pull that was pending when the server went down,
  and the server may answer "JetStream unavailable" while it restarts), and held items carry
  on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from nats.aio.msg import Msg
from nats.errors import Error as NatsError
from nats.errors import TimeoutError as NatsTimeout
from nats.js import JetStreamContext, api
from nats.js.errors import NotFoundError

from porch.eventlog import streams

log = logging.getLogger(__name__)

DURABLE = "porch-git-sync"
ACK_WAIT_S = 30.0
KEEPALIVE_S = 10.0
MAX_ACK_PENDING = 1000  # bounds items held in lanes across all repositories
_PAUSES = (0.2, 0.5, 1.0, 2.0, 5.0)


def consumer_config() -> api.ConsumerConfig:
    return api.ConsumerConfig(
        durable_name=DURABLE,
        ack_policy=api.AckPolicy.EXPLICIT,
        ack_wait=ACK_WAIT_S,
        max_deliver=-1,  # retries happen in place; redelivery only after a crash
        max_ack_pending=MAX_ACK_PENDING,
    )


async def prepare(js: JetStreamContext) -> None:
    """Create (or update) the consumer; start afresh, in order, if items were left held."""
    try:
        info = await js.consumer_info(streams.SYNC_STREAM, DURABLE)
    except NotFoundError:
        info = None
    if info is not None and info.num_ack_pending:
        log.warning(
            "%d work item(s) were held by a git-sync that stopped; taking them again in order",
            info.num_ack_pending,
        )
        await js.delete_consumer(streams.SYNC_STREAM, DURABLE)
    await js.add_consumer(streams.SYNC_STREAM, consumer_config())  # also updates ack_wait


class Held:
    """Messages taken from the queue and not yet acknowledged."""

    def __init__(self) -> None:
        self._msgs: dict[int, Msg] = {}

    def add(self, msg: Msg) -> None:
        self._msgs[id(msg)] = msg

    def done(self, msg: Msg) -> None:
        self._msgs.pop(id(msg), None)

    def __len__(self) -> int:
        return len(self._msgs)

    async def keep_alive(self) -> None:
        while True:
            await asyncio.sleep(KEEPALIVE_S)
            for msg in list(self._msgs.values()):
                try:
                    await msg.in_progress()
                except NatsError as exc:  # NATS away: the next round tries again
                    log.debug("in_progress failed: %r", exc)


async def consume(
    js: JetStreamContext, take: Callable[[Msg], None], *, fetch_wait: float, batch: int = 64
) -> None:
    """Hand every delivered message to ``take``, forever, across NATS restarts."""
    failures = 0
    while True:
        try:
            # Creating is idempotent; it brings the consumer back if the server lost it.
            await js.add_consumer(streams.SYNC_STREAM, consumer_config())
            sub = await js.pull_subscribe_bind(DURABLE, streams.SYNC_STREAM)
        except NatsError as exc:
            failures += 1
            await _pause("subscribing to the work queue", exc, failures)
            continue
        try:
            while True:
                try:
                    msgs = await sub.fetch(batch, timeout=fetch_wait)
                except (NatsTimeout, TimeoutError):  # nats-py raises either when idle
                    failures = 0
                    continue
                failures = 0
                for msg in msgs:
                    take(msg)
        except NatsError as exc:
            failures += 1
            await _pause("fetching work", exc, failures)
        finally:
            # If the connection is down the server has forgotten the subscription anyway.
            with contextlib.suppress(NatsError):
                await sub.unsubscribe()


async def _pause(what: str, exc: Exception, failures: int) -> None:
    pause = _PAUSES[min(failures - 1, len(_PAUSES) - 1)]
    log.warning("%s failed (%r); trying again in %.1fs", what, exc, pause)
    await asyncio.sleep(pause)


__all__ = [
    "ACK_WAIT_S",
    "DURABLE",
    "KEEPALIVE_S",
    "MAX_ACK_PENDING",
    "Held",
    "consume",
    "consumer_config",
    "prepare",
]
