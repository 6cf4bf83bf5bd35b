"""Package file contents, stored once by sha256 in a JetStream Object Store bucket.

Events carry path -> digest maps, never file bodies. ``get`` reads into a buffer (nats-py's
default accumulation is quadratic, reference/eventstore.md §1.7) and checks the digest.
"""

from __future__ import annotations

import hashlib
import io

from nats.js import JetStreamContext
from nats.js.errors import BucketNotFoundError, ObjectNotFoundError
from nats.js.object_store import ObjectStore

from porch.errors import EventLogError, NotFound
from porch.eventlog.streams import BLOB_BUCKET


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class BlobStore:
    """Content-addressed blobs; ``put`` is idempotent."""

    def __init__(self, store: ObjectStore) -> None:
        self._store = store
        self._known: set[str] = set()

    @classmethod
    async def open(cls, js: JetStreamContext, *, replicas: int = 1) -> BlobStore:
        from nats.js.api import ObjectStoreConfig

        try:
            store = await js.object_store(BLOB_BUCKET)
        except BucketNotFoundError:
            store = await js.create_object_store(
                BLOB_BUCKET, config=ObjectStoreConfig(replicas=replicas)
            )
        return cls(store)

    async def put(self, data: bytes) -> str:
        name = digest(data)
        if name in self._known:
            return name
        try:
            await self._store.get_info(name)
        except ObjectNotFoundError:
            await self._store.put(name, data)
        self._known.add(name)
        return name

    async def get(self, name: str) -> bytes:
        buf = io.BytesIO()
        try:
            await self._store.get(name, writeinto=buf)
        except ObjectNotFoundError as exc:
            raise NotFound(f"content {name} not found") from exc
        data = buf.getvalue()
        if digest(data) != name:
            raise EventLogError(f"content {name} is corrupt: digest mismatch")
        return data


__all__ = ["BlobStore", "digest"]
