"""An in-memory mirror of the projection buckets, kept current by KV watches.

Lists are memory scans, watches are fan-outs of the changes the mirror receives, and the
write path reads aggregate states from here (ARCHITECTURE §2). Each bucket keeps a bounded
log of recent changes so a watch can resume from a ``resourceVersion``; older versions
answer 410 Gone. The mirror never writes to NATS.
"""

from __future__ import annotations

import asyncio
import bisect
import collections
import functools
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

import msgspec
from nats.js import JetStreamContext
from nats.js.kv import KeyValue

from porch.domain import snapshots
from porch.eventlog import buckets

log = logging.getLogger(__name__)

LOG_SIZE = 10_000


@dataclass(frozen=True)
class Change:
    type: str  # ADDED | MODIFIED | DELETED
    key: str
    object: dict[str, Any]
    revision: int

    @functools.cached_property
    def line(self) -> bytes:
        """The plain watch event line, encoded once and written to every watcher (a
        thousand watchers must not mean a thousand encodings of one change)."""
        return msgspec.json.encode({"type": self.type, "object": self.object}) + b"\n"

    @functools.cached_property
    def chunk(self) -> bytes:
        """``line`` framed as one HTTP/1.1 chunk, byte for byte what aiohttp's chunked
        writer sends for it, so a caught-up watch can be written straight to its transport."""
        line = self.line
        return b"%x\r\n" % len(line) + line + b"\r\n"


class Watcher(Protocol):
    """Where a collection delivers its changes: one per watch stream. ``offer`` is called
    synchronously from ``Collection.apply``, in revision order, and must not block."""

    def offer(self, change: Change) -> None: ...


@dataclass
class Collection:
    """One bucket's objects with their revisions, and the recent change log."""

    name: str
    objects: dict[str, tuple[dict[str, Any], int]] = field(default_factory=dict)
    revision: int = 0  # highest revision seen: the list resourceVersion
    floor: int = 0  # oldest revision a watch may resume from
    log: collections.deque[Change] = field(
        default_factory=lambda: collections.deque(maxlen=LOG_SIZE)
    )
    watchers: set[Watcher] = field(default_factory=set)
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    # Lists walk objects in (namespace, name) order, as kube-apiserver returns them; the
    # index is kept sorted on add/delete so a page costs O(page), not a sort of everything.
    order: list[tuple[str, str, str]] = field(default_factory=list)  # (namespace, name, key)
    # Each object's JSON, encoded once per change: a list is a join of these.
    _encoded: dict[str, bytes] = field(default_factory=dict)
    # Each object's Table row, encoded once per change and age (tables.encoded_table).
    rows: dict[str, tuple[str, float | None, str, bytes]] = field(default_factory=dict)

    def apply(self, entry: buckets.Entry) -> Change | None:
        old = self.objects.get(entry.key)
        if entry.value is None:
            if old is None:
                self._advance(entry.revision)
                return None
            del self.objects[entry.key]
            self.rows.pop(entry.key, None)
            self._unindex(entry.key, old[0])
            obj = _with_rv(old[0], entry.revision)
            change = Change("DELETED", entry.key, obj, entry.revision)
        else:
            obj = _with_rv(msgspec.json.decode(entry.value), entry.revision)
            self.objects[entry.key] = (obj, entry.revision)
            self._encoded.pop(entry.key, None)
            if old is None:
                bisect.insort(self.order, (*_ordering(obj), entry.key))
            change = Change("MODIFIED" if old else "ADDED", entry.key, obj, entry.revision)
        self._advance(entry.revision)
        self.log.append(change)
        if len(self.log) == self.log.maxlen:
            self.floor = self.log[0].revision
        for watcher in tuple(self.watchers):  # a copy: a watcher may leave as it is offered
            watcher.offer(change)
        return change

    def _unindex(self, key: str, obj: dict[str, Any]) -> None:
        self._encoded.pop(key, None)
        entry = (*_ordering(obj), key)
        at = bisect.bisect_left(self.order, entry)
        if at < len(self.order) and self.order[at] == entry:
            del self.order[at]

    async def reaches(self, revision: int, *, timeout: float) -> bool:
        """Wait until the collection has seen ``revision``; False after ``timeout``."""
        async with self.changed:
            try:
                await asyncio.wait_for(
                    self.changed.wait_for(lambda: self.revision >= revision), timeout
                )
            except TimeoutError:
                return False
        return True

    def position(self, after: tuple[str, str] | None) -> int:
        """Index in ``order`` of the first object after ``(namespace, name)``."""
        return bisect.bisect_right(self.order, (*after, "\uffff")) if after else 0

    def ordered(self, after: tuple[str, str] | None = None) -> Iterator[tuple[str, dict[str, Any]]]:
        """``(key, object)`` in (namespace, name) order, starting after ``after``."""
        for i in range(self.position(after), len(self.order)):
            key = self.order[i][2]
            found = self.objects.get(key)
            if found is not None:
                yield key, found[0]

    def encoded(self, key: str) -> bytes:
        """The object's JSON as served (with its resourceVersion)."""
        data = self._encoded.get(key)
        if data is None:
            data = self._encoded[key] = msgspec.json.encode(self.objects[key][0])
        return data

    def _advance(self, revision: int) -> None:
        self.revision = max(self.revision, revision)

    def since(self, revision: int) -> list[Change] | None:
        """Changes after ``revision``, or None when that revision is too old to resume."""
        if revision < self.floor:
            return None
        return [c for c in self.log if c.revision > revision]


def _ordering(obj: dict[str, Any]) -> tuple[str, str]:
    meta = obj.get("metadata") or {}
    return (str(meta.get("namespace", "")), str(meta.get("name", "")))


def _with_rv(obj: dict[str, Any], revision: int) -> dict[str, Any]:
    meta = dict(obj.get("metadata") or {})
    meta["resourceVersion"] = str(revision)
    return {**obj, "metadata": meta}


class Mirror:
    def __init__(self, js: JetStreamContext, names: snapshots.Buckets) -> None:
        self.js = js
        self.names = names
        self.repositories = Collection(names.repositories)
        self.revisions = Collection(names.revisions)
        self.states: dict[str, snapshots.StoredRepository | snapshots.StoredPackage] = {}
        self._state_changed = asyncio.Condition()
        self._kv: dict[str, KeyValue] = {}
        self.ready = asyncio.Event()

    def collection(self, bucket: str) -> Collection:
        return self.repositories if bucket == self.names.repositories else self.revisions

    async def run(self) -> None:
        """Follow the three buckets forever; ``ready`` is set once all are caught up."""
        for name in (self.names.repositories, self.names.revisions, self.names.state):
            self._kv[name] = await buckets.open_bucket(self.js, name)
        pending = {self.names.repositories, self.names.revisions, self.names.state}
        caught_up = asyncio.Queue[str]()

        async def follow(name: str) -> None:
            first = True
            async for entry in buckets.changes(self._kv[name]):
                if entry is None:
                    if first:
                        first = False
                        caught_up.put_nowait(name)
                    continue
                await self._apply(name, entry)

        async with asyncio.TaskGroup() as group:
            for name in list(pending):
                group.create_task(follow(name))
            while pending:
                pending.discard(await caught_up.get())
            for coll in (self.repositories, self.revisions):
                coll.floor = coll.revision  # nothing older than the load can be resumed
            self.ready.set()
            log.info(
                "mirror ready: %d repositories, %d package revisions",
                len(self.repositories.objects),
                len(self.revisions.objects),
            )

    async def _apply(self, name: str, entry: buckets.Entry) -> None:
        if name == self.names.state:
            async with self._state_changed:
                if entry.value is None:
                    self.states.pop(entry.key, None)
                else:
                    self.states[entry.key] = snapshots.decode_state(entry.key, entry.value)
                self._state_changed.notify_all()
            return
        coll = self.collection(name)
        async with coll.changed:
            coll.apply(entry)
            coll.changed.notify_all()

    # --- reads for the write path ----------------------------------------------------------

    def repository_state(self, namespace: str, name: str) -> snapshots.StoredRepository | None:
        value = self.states.get(snapshots.repository_state_key(namespace, name))
        return value if isinstance(value, snapshots.StoredRepository) else None

    def package_state(
        self, namespace: str, repository: str, package: str
    ) -> snapshots.StoredPackage | None:
        value = self.states.get(snapshots.package_state_key(namespace, repository, package))
        return value if isinstance(value, snapshots.StoredPackage) else None

    async def wait_state(self, key: str, seq: int, *, timeout: float) -> bool:
        """Wait until the aggregate under ``key`` has folded sequence ``seq``."""

        def done() -> bool:
            value = self.states.get(key)
            return value is not None and value.seq >= seq

        async with self._state_changed:
            try:
                await asyncio.wait_for(self._state_changed.wait_for(done), timeout)
            except TimeoutError:
                return False
        return True

    async def catch_up(self, bucket: str, *, timeout: float) -> bool:
        """Wait until this mirror holds everything the bucket holds right now."""
        info = await self.js.stream_info(f"KV_{bucket}")
        return await self.collection(bucket).reaches(int(info.state.last_seq), timeout=timeout)


__all__ = ["LOG_SIZE", "Change", "Collection", "Mirror", "Watcher"]
