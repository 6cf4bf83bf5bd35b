"""The projection loop: follow the event stream from the checkpoint and write buckets.

Write order makes a crash at any point harmless: work items first (git-sync's, then the
task worker's; deduplicated by message id), then API objects, then the aggregate states
with their sequences, then the checkpoint. A replay re-applies only events newer than each
aggregate's stored sequence.

While the consumer reports pending messages (catching up), events are folded in memory in
batches of up to ``BATCH_EVENTS`` and written once per batch: one write per key (the last
value), and each group of writes pipelined (all sent, then all acks awaited). A folded
batch is written only once the next one is folded too, so that work the stream confirms
soon after its cause (git-sync's ``RevisionSynced``, a task's answer) is not sent again
(``confirming``); the batch's state still follows its work, so the crash rules hold. When
caught up, every event is written as it comes, so read-your-writes stays quick.

``run_forever`` survives NATS going away (a server restart): it reloads the projection from
the buckets, which hold exactly what was written, and follows the stream again from the
checkpoint.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import msgspec
from nats.errors import Error as NatsError
from nats.js import JetStreamContext
from nats.js.kv import KeyValue

from porch.domain import events as ev
from porch.domain import snapshots, syncwork, taskwork
from porch.errors import EventLogError
from porch.eventlog import buckets, reading, records, streams, subjects
from porch.eventlog.appending import last_sequence
from porch.eventlog.subjects import Aggregate
from porch_orchestrator import confirming, metrics
from porch_orchestrator.projection import Changes, Projection

log = logging.getLogger(__name__)

BATCH_EVENTS = 5000  # events folded before their writes go out, while catching up
BATCH_SECONDS = 1.0  # nor longer than this, so a busy stream still shows progress
_json = msgspec.json.Encoder()

Folded = tuple[int, Aggregate, ev.AnyEvent]


class Projector:
    def __init__(self, js: JetStreamContext, names: snapshots.Buckets, *, emit_work: bool) -> None:
        self.js = js
        self.names = names
        self.emit_work = emit_work
        self.projection = Projection()
        self.checkpoint = 0  # the last sequence whose writes are all stored
        self.applied = 0  # records read (for tests and logs)
        self.batches = 0  # write rounds
        self._kv: dict[str, KeyValue] = {}
        self._where: dict[str, Aggregate | None] = {}  # subject -> aggregate, parsed once
        self.confirmations = confirming.Confirmations()  # of the catch-up under way
        self.dropped = 0  # work items not sent because the stream confirms them

    async def open(self) -> None:
        for name in (
            self.names.repositories,
            self.names.revisions,
            self.names.state,
            self.names.meta,
        ):
            self._kv[name] = await buckets.open_bucket(self.js, name)
        stored = await buckets.load_all(self._kv[self.names.state])
        self.projection.load(
            {k: snapshots.decode_state(k, e.value) for k, e in stored.items() if e.value}
        )
        mark = await buckets.get(self._kv[self.names.meta], snapshots.CHECKPOINT_KEY)
        self.checkpoint = int(mark.value or b"0") if mark else 0
        log.info(
            "projection %s opened at checkpoint %d with %d packages",
            self.names.prefix,
            self.checkpoint,
            len(self.projection.packages),
        )

    async def run(self, *, until: int | None = None) -> None:
        """Apply events after the checkpoint; forever, or until sequence ``until``."""
        if until is not None and until <= self.checkpoint:
            return
        stream = reading.follow(self.js, subjects.ALL_EVENTS, after=self.checkpoint)
        batch: list[Folded] = []
        held: tuple[Changes, int] | None = None  # folded, written after the next batch
        read = 0  # records in this batch, folded or skipped
        started = time.monotonic()
        try:
            async for record in stream:
                folded = self._decode(record)
                if folded is not None:
                    batch.append(folded)
                    self.confirmations.observe(folded[2])
                read += 1
                self.applied += 1
                end = until is not None and record.seq >= until
                caught_up = end or record.pending == 0
                if caught_up or read >= BATCH_EVENTS or time.monotonic() - started >= BATCH_SECONDS:
                    metrics.folded(len(batch), record.seq, record.pending)  # metrics
                    changes = self.projection.apply_batch(batch)
                    if held is not None:
                        await self._flush(*held, later=changes)
                        held = None
                    if caught_up:
                        await self._flush(changes, record.seq, later=None)
                        self.confirmations.clear()  # live: work is never confirmed before
                    else:
                        held = (changes, record.seq)
                    batch, read, started = [], 0, time.monotonic()
                if end:
                    break
        finally:
            # Events folded but not written are not covered: the checkpoint names the last
            # sequence whose writes are stored, and a restart replays from there.
            await stream.aclose()  # type: ignore[attr-defined]
            await self._save_checkpoint()

    async def run_forever(self, *, retry_s: float = 1.0, max_retry_s: float = 10.0) -> None:
        """``run``, resumed after NATS trouble: from the buckets and the checkpoint, since
        memory may hold folds that were never written."""
        pause = retry_s
        while True:
            try:
                await self.run()
            except (NatsError, TimeoutError, EventLogError) as exc:
                log.warning("projection interrupted (%r); resuming in %.1fs", exc, pause)
            else:
                return
            await asyncio.sleep(pause)
            pause = min(pause * 2, max_retry_s)
            try:
                await self.reopen()
            except (NatsError, TimeoutError, EventLogError) as exc:
                log.warning("reloading the projection failed (%r); retrying", exc)
                continue
            pause = retry_s

    async def reopen(self) -> None:
        """Forget memory and load the projection as the buckets hold it."""
        self.projection = Projection()
        self.confirmations.clear()
        self._kv.clear()
        await self.open()

    def _decode(self, record: records.Record) -> Folded | None:
        try:
            where = self._where[record.subject]
        except KeyError:
            where = self._where[record.subject] = subjects.parse(record.subject)
        if where is None:
            return None
        event = _decode(record)
        return None if event is None else (record.seq, where, event)

    async def _flush(self, changes: Changes, last: int, *, later: Changes | None) -> None:
        """Write one folded batch; ``later`` is the batch folded after it, whose events
        may confirm or supersede this one's work."""
        if self.emit_work:
            after = later.work if later is not None else ()
            work = confirming.pending_work(changes.work, after, self.confirmations)
            tasks = confirming.pending_tasks(changes.tasks, self.confirmations)
            self.dropped += len(changes.work) - len(work) + len(changes.tasks) - len(tasks)
            changes.work, changes.tasks = work, tasks
        if not changes.empty:
            await self._write(changes)
        self.checkpoint = last
        metrics.checkpointed(last)  # metrics
        self.batches += 1
        await self._save_checkpoint()

    async def _write(self, changes: Changes) -> None:
        if self.emit_work and (changes.work or changes.tasks):
            # Sent in order from this one coroutine, so git-sync sees them in fold order.
            acks = [
                await self.js.publish_async(
                    subject,
                    syncwork.encode(work),
                    stream=streams.SYNC_STREAM,
                    headers={records.MSG_ID: syncwork.message_id(work)},
                )
                for subject, work in changes.work
            ]
            acks += [
                await self.js.publish_async(
                    subject,
                    taskwork.encode(task),
                    stream=streams.TASK_STREAM,
                    headers={records.MSG_ID: taskwork.message_id(task)},
                )
                for subject, task in changes.tasks
            ]
            await buckets.acknowledged(acks)
        await asyncio.gather(
            buckets.put_many(self.js, self.names.revisions, _encoded(changes.revisions)),
            buckets.put_many(self.js, self.names.repositories, _encoded(changes.repositories)),
        )
        await buckets.put_many(
            self.js,
            self.names.state,
            {k: snapshots.encode(v) for k, v in changes.state.items()},
        )

    async def _save_checkpoint(self) -> None:
        await buckets.put_many(
            self.js, self.names.meta, {snapshots.CHECKPOINT_KEY: str(self.checkpoint).encode()}
        )


def _encoded(items: dict[str, dict[str, Any] | None]) -> dict[str, bytes | None]:
    return {k: None if obj is None else _json.encode(obj) for k, obj in items.items()}


def _decode(record: records.Record) -> ev.AnyEvent | None:
    if record.event_type not in ev.KNOWN_TYPES:
        log.warning("skipping event %d of unknown type %r", record.seq, record.event_type)
        return None
    try:
        return ev.decode(record.data)
    except msgspec.ValidationError as exc:
        log.error("skipping undecodable event %d on %s: %s", record.seq, record.subject, exc)
        return None


async def rebuild(js: JetStreamContext, names: snapshots.Buckets) -> Projector:
    """Replay the whole stream into fresh buckets named by ``names`` (no side effects)."""
    for bucket in (names.repositories, names.revisions, names.state, names.meta):
        await buckets.delete_bucket(js, bucket)
    projector = Projector(js, names, emit_work=False)
    await projector.open()
    await projector.run(until=await last_sequence(js, subjects.ALL_EVENTS))
    return projector


async def compare(js: JetStreamContext, a: snapshots.Buckets, b: snapshots.Buckets) -> list[str]:
    """Differences between two projections' API objects (resourceVersions aside)."""
    problems: list[str] = []
    for kind in ("repositories", "revisions"):
        left = await _objects(js, getattr(a, kind))
        right = await _objects(js, getattr(b, kind))
        problems += [f"{kind}: {k} only in {a.prefix}" for k in left.keys() - right.keys()]
        problems += [f"{kind}: {k} only in {b.prefix}" for k in right.keys() - left.keys()]
        problems += [
            f"{kind}: {k} differs" for k in left.keys() & right.keys() if left[k] != right[k]
        ]
    return sorted(problems)


async def _objects(js: JetStreamContext, bucket: str) -> dict[str, Any]:
    kv = await buckets.open_bucket(js, bucket)
    return {
        k: msgspec.json.decode(e.value or b"null") for k, e in (await buckets.load_all(kv)).items()
    }


__all__ = ["BATCH_EVENTS", "BATCH_SECONDS", "Projector", "compare", "rebuild"]
