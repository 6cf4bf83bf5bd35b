"""Opening a NATS connection with the reconnect policy every service shares."""

from __future__ import annotations

import logging

import nats
from nats.aio.client import Client

log = logging.getLogger(__name__)


async def connect(url: str, *, name: str, connect_timeout: float = 5.0) -> Client:
    """Connect, retrying until ``connect_timeout``; afterwards reconnect forever."""

    async def disconnected() -> None:
        log.warning("disconnected from NATS at %s", url)

    async def reconnected() -> None:
        log.info("reconnected to NATS at %s", url)

    async def error(exc: Exception) -> None:
        log.warning("NATS error: %s", exc)

    return await nats.connect(
        url,
        name=name,
        connect_timeout=connect_timeout,
        allow_reconnect=True,
        max_reconnect_attempts=-1,
        reconnect_time_wait=0.5,
        disconnected_cb=disconnected,
        reconnected_cb=reconnected,
        error_cb=error,
    )


__all__ = ["connect"]
