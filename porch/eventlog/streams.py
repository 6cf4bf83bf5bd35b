"""The streams and buckets the system needs, created or updated idempotently."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from nats.js import JetStreamContext, api
from nats.js.errors import NotFoundError

from porch.eventlog import subjects

log = logging.getLogger(__name__)

EVENTS_STREAM = "PORCH_EVENTS"
SYNC_STREAM = "PORCH_SYNC"
TASK_STREAM = "PORCH_TASKS"
BLOB_BUCKET = "porch_blobs"
DUPLICATE_WINDOW_S = 600.0
MAX_EVENT_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Layout:
    """Stream settings that differ between local (R1) and cluster (R3) deployments."""

    replicas: int = 1


def events_config(layout: Layout) -> api.StreamConfig:
    # An event log keeps everything: no age/count/byte limits, never discard.
    return api.StreamConfig(
        name=EVENTS_STREAM,
        description="Porch events: the source of truth",
        subjects=[subjects.ALL_EVENTS],
        retention=api.RetentionPolicy.LIMITS,
        storage=api.StorageType.FILE,
        num_replicas=layout.replicas,
        duplicate_window=DUPLICATE_WINDOW_S,
        max_msg_size=MAX_EVENT_BYTES,
        allow_direct=True,
        deny_delete=True,
        deny_purge=True,
    )


def sync_config(layout: Layout) -> api.StreamConfig:
    return api.StreamConfig(
        name=SYNC_STREAM,
        description="Work for git-sync: each message is removed once acknowledged",
        subjects=[f"{subjects.SYNC_PREFIX}.>"],
        retention=api.RetentionPolicy.WORK_QUEUE,
        storage=api.StorageType.FILE,
        num_replicas=layout.replicas,
        duplicate_window=DUPLICATE_WINDOW_S,
    )


def task_config(layout: Layout) -> api.StreamConfig:
    return api.StreamConfig(
        name=TASK_STREAM,
        description="Tasks for the orchestrator: each message is removed once acknowledged",
        subjects=[f"{subjects.TASK_PREFIX}.>"],
        retention=api.RetentionPolicy.WORK_QUEUE,
        storage=api.StorageType.FILE,
        num_replicas=layout.replicas,
        duplicate_window=DUPLICATE_WINDOW_S,
    )


async def ensure_stream(js: JetStreamContext, config: api.StreamConfig) -> None:
    """Create the stream, or update it when its settings drifted."""
    assert config.name is not None
    try:
        info = await js.stream_info(config.name)
    except NotFoundError:
        await js.add_stream(config)
        log.info("created stream %s", config.name)
        return
    current = info.config
    # Unset fields come back with the server's defaults; compare those, or every start
    # would "update" an unchanged stream.
    wanted = (
        config.subjects,
        config.duplicate_window,
        config.max_msg_size if config.max_msg_size is not None else -1,
        bool(config.allow_direct),
    )
    if (
        current.subjects,
        current.duplicate_window,
        current.max_msg_size,
        bool(current.allow_direct),
    ) != wanted:
        await js.update_stream(config)
        log.info("updated stream %s", config.name)


async def ensure_all(js: JetStreamContext, layout: Layout | None = None) -> None:
    layout = layout or Layout()
    await ensure_stream(js, events_config(layout))
    await ensure_stream(js, sync_config(layout))
    await ensure_stream(js, task_config(layout))


__all__ = [
    "BLOB_BUCKET",
    "EVENTS_STREAM",
    "MAX_EVENT_BYTES",
    "SYNC_STREAM",
    "TASK_STREAM",
    "Layout",
    "ensure_all",
    "ensure_stream",
    "events_config",
    "sync_config",
    "task_config",
]
