"""KV buckets for projections: open, load everything, put, delete, follow changes.

The KV revision of a key is the Kubernetes ``resourceVersion`` of the object it holds
(ARCHITECTURE §4), so list and watch can resume across restarts.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Mapping, Sequence
from dataclasses import dataclass

from nats.js import JetStreamContext, api
from nats.js.errors import BucketNotFoundError, KeyNotFoundError, NotFoundError
from nats.js.kv import KV_DEL, KV_OP, KV_PURGE, KeyValue

HISTORY = 1
ACK_TIMEOUT_S = 30.0  # for a whole pipelined batch, not one write


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


async def put_many(
    js: JetStreamContext,
    bucket: str,
    items: Mapping[str, bytes | None],
    *,
    timeout: float = ACK_TIMEOUT_S,
) -> None:
    """Write (bytes) or delete (None) many keys of ``bucket`` with all writes in flight at
    once: every message is sent before any acknowledgement is awaited, in ``items`` order.
    Returns when all are stored; raises if any was refused or the acks do not arrive."""
    acks: list[Awaitable[object]] = []
    for key, value in items.items():
        subject = f"$KV.{bucket}.{key}"
        if value is None:
            acks.append(await js.publish_async(subject, b"", headers={KV_OP: KV_DEL}))
        else:
            acks.append(await js.publish_async(subject, value))
    await acknowledged(acks, timeout=timeout)


async def acknowledged(
    acks: Sequence[Awaitable[object]], *, timeout: float = ACK_TIMEOUT_S
) -> None:
    """Wait for pipelined publishes (``publish_async`` futures); the first error raises."""
    if acks:
        await asyncio.wait_for(asyncio.gather(*acks), timeout)


async def changes(kv: KeyValue, *, keys: str = ">") -> AsyncIterator[Entry | None]:
    """Current values, then ``None`` once caught up, then every later change, forever.

    nats-py marks "caught up" when the consumer reports nothing pending, which can come
    before the last values arrive; for a whole-bucket watch ``None`` is therefore only
    given once the bucket's last revision at the start has been seen."""
    target = await _last_revision(kv) if keys == ">" else 0
    watcher = await kv.watch(keys)
    seen, announced = 0, False
    try:
        while True:
            item = await watcher.updates(timeout=None)  # type: ignore[no-untyped-call]
            if item is None:
                if announced or seen >= target:
                    announced = True
                    yield None
                continue
            deleted = item.operation in (KV_DEL, KV_PURGE)
            entry = Entry(
                key=item.key,
                value=None if deleted else item.value,
                revision=int(item.revision or 0),
                pending=int(item.delta or 0),
            )
            seen = max(seen, entry.revision)
            yield entry
            if not announced and target and seen >= target:
                announced = True
                yield None
    finally:
        await watcher.stop()  # type: ignore[no-untyped-call]


async def _last_revision(kv: KeyValue) -> int:
    status = await kv.status()
    return int(status.stream_info.state.last_seq or 0)


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


__all__ = [
    "ACK_TIMEOUT_S",
    "Entry",
    "acknowledged",
    "changes",
    "delete_bucket",
    "get",
    "load_all",
    "open_bucket",
    "put_many",
]
