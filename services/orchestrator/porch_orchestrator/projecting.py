"""The projection loop: follow the event stream from the checkpoint and write buckets.

Write order per event makes a crash at any point harmless: work items first (deduplicated
by message id), then API objects, then the aggregate state with its sequence, then (when
caught up, or every ``CHECKPOINT_EVERY`` events) the checkpoint. A replay re-applies only
events newer than each aggregate's stored sequence.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import msgspec
from nats.js import JetStreamContext
from nats.js.kv import KeyValue

from porch.domain import events as ev
from porch.domain import snapshots, syncwork
from porch.eventlog import buckets, reading, records, streams, subjects
from porch.eventlog.appending import last_sequence
from porch_orchestrator.projection import Changes, Projection

log = logging.getLogger(__name__)

CHECKPOINT_EVERY = 200
_json = msgspec.json.Encoder()


class Projector:
    def __init__(self, js: JetStreamContext, names: snapshots.Buckets, *, emit_work: bool) -> None:
        self.js = js
        self.names = names
        self.emit_work = emit_work
        self.projection = Projection()
        self.checkpoint = 0
        self.applied = 0
        self._kv: dict[str, KeyValue] = {}

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
        try:
            async for record in stream:
                await self.apply(record)
                if until is not None and record.seq >= until:
                    break
        finally:
            await stream.aclose()  # type: ignore[attr-defined]
            await self._save_checkpoint()

    async def apply(self, record: records.Record) -> None:
        where = subjects.parse(record.subject)
        event = _decode(record) if where is not None else None
        if where is not None and event is not None:
            changes = self.projection.apply(seq=record.seq, where=where, event=event)
            if not changes.empty:
                await self._write(changes)
        self.checkpoint = record.seq
        self.applied += 1
        if record.pending == 0 or self.applied % CHECKPOINT_EVERY == 0:
            await self._save_checkpoint()

    async def _write(self, changes: Changes) -> None:
        if self.emit_work:
            for subject, work in changes.work:
                await self.js.publish(
                    subject,
                    syncwork.encode(work),
                    stream=streams.SYNC_STREAM,
                    headers={records.MSG_ID: syncwork.message_id(work)},
                )
        await asyncio.gather(
            *self._puts(self.names.revisions, changes.revisions),
            *self._puts(self.names.repositories, changes.repositories),
        )
        kv = self._kv[self.names.state]
        await asyncio.gather(*(kv.put(k, snapshots.encode(v)) for k, v in changes.state.items()))

    def _puts(self, bucket: str, items: dict[str, dict[str, Any] | None]) -> list[Any]:
        kv = self._kv[bucket]
        return [
            kv.delete(key) if obj is None else kv.put(key, _json.encode(obj))
            for key, obj in items.items()
        ]

    async def _save_checkpoint(self) -> None:
        await self._kv[self.names.meta].put(snapshots.CHECKPOINT_KEY, str(self.checkpoint).encode())


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


__all__ = ["CHECKPOINT_EVERY", "Projector", "compare", "rebuild"]
