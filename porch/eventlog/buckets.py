"""KV buckets for projections: open, load everything, put, delete, follow changes.

The KV revision of a key is the Kubernetes ``resourceVersion`` of the object it holds
(ARCHITECTURE §4), so list and watch can resume across restarts.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

from nats.js import JetStreamContext, api
from nats.js.errors import BucketNotFoundError, KeyNotFoundError, NotFoundError
from nats.js.kv import KV_DEL, KV_PURGE, KeyValue

HISTORY = 1


@dataclass(frozen=True)
class Entry:
    key: str
    value: bytes | None  # None: deleted
    revision: int
    pending: int = 0


async def open_bucket(
    js: JetStreamContext, name: str, *, replicas: int = 1, create: bool = True
) -> KeyValue:
    try:
        return await js.key_value(name)
    except BucketNotFoundError:
        if not create:
            raise
    return await js.create_key_value(
        config=api.KeyValueConfig(
            bucket=name, history=HISTORY, storage=api.StorageType.FILE, replicas=replicas
        )
    )


async def delete_bucket(js: JetStreamContext, name: str) -> None:
    with contextlib.suppress(BucketNotFoundError, NotFoundError):
        await js.delete_key_value(name)


async def get(kv: KeyValue, key: str) -> Entry | None:
    try:
        entry = await kv.get(key)
    except KeyNotFoundError:
        return None
    return Entry(key=key, value=entry.value, revision=int(entry.revision or 0))


async def changes(kv: KeyValue, *, keys: str = ">") -> AsyncIterator[Entry | None]:
    """Current values, then ``None`` once caught up, then every later change, forever."""
    watcher = await kv.watch(keys)
    try:
        while True:
            item = await watcher.updates(timeout=None)  # type: ignore[no-untyped-call]
            if item is None:
                yield None
                continue
            deleted = item.operation in (KV_DEL, KV_PURGE)
            yield Entry(
                key=item.key,
                value=None if deleted else item.value,
                revision=int(item.revision or 0),
                pending=int(item.delta or 0),
            )
    finally:
        await watcher.stop()  # type: ignore[no-untyped-call]


async def load_all(kv: KeyValue) -> dict[str, Entry]:
    """Every live key with its value (one ordered pass, not one request per key)."""
    out: dict[str, Entry] = {}
    stream = changes(kv)
    try:
        async for entry in stream:
            if entry is None:
                break
            if entry.value is None:
                out.pop(entry.key, None)
            else:
                out[entry.key] = entry
    finally:
        await stream.aclose()  # type: ignore[attr-defined]
    return out


__all__ = ["Entry", "changes", "delete_bucket", "get", "load_all", "open_bucket"]
