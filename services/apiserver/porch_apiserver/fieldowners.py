"""Where ``metadata.managedFields`` live: the apiserver's KV bucket ``porch_managedfields``.

Field ownership is API-server bookkeeping for server-side apply, not a fact about packages,
so it stays out of the event stream and the projections. Each object's entries are stored
under ``<plural>.<namespace>.<name>`` with the object's uid (an object deleted and created
again starts with no owners), and followed into memory by a KV watch so reads cost no
round trip. A write stores its entries after the object was written; entries are advisory,
so a crash in between loses ownership records, never an object.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from nats.js import JetStreamContext
from nats.js.kv import KeyValue

from porch.eventlog import buckets, subjects
from porch_apiserver import applying

BUCKET = "porch_managedfields"


class FieldOwners:
    def __init__(self, kv: KeyValue | None) -> None:
        self._kv = kv
        self._known: dict[str, tuple[str, list[applying.Entry]]] = {}
        self.ready = asyncio.Event()

    @classmethod
    async def open(cls, js: JetStreamContext) -> FieldOwners:
        return cls(await buckets.open_bucket(js, BUCKET))

    async def run(self) -> None:
        """Follow the bucket forever (``ready`` once loaded)."""
        if self._kv is None:
            self.ready.set()
            return
        async for entry in buckets.changes(self._kv):
            if entry is None:
                self.ready.set()
                continue
            if entry.value is None:
                self._known.pop(entry.key, None)
                continue
            stored = json.loads(entry.value)
            self._known[entry.key] = (
                str(stored.get("uid", "")),
                applying.parse_entries(stored.get("entries")),
            )

    def get(self, plural: str, namespace: str, name: str, uid: str) -> list[applying.Entry]:
        found = self._known.get(subjects.key(plural, namespace, name))
        if found is None or found[0] != uid:
            return []
        return list(found[1])

    async def put(
        self, plural: str, namespace: str, name: str, uid: str, entries: list[applying.Entry]
    ) -> None:
        key = subjects.key(plural, namespace, name)
        self._known[key] = (uid, list(entries))  # read-your-writes before the watch echoes
        if self._kv is None:
            return
        value: dict[str, Any] = {"uid": uid, "entries": applying.to_json(entries)}
        await self._kv.put(key, json.dumps(value).encode())


__all__ = ["BUCKET", "FieldOwners"]
