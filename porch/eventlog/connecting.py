"""Opening a NATS connection with the reconnect policy every service shares."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any
from urllib.parse import urlsplit

from nats.aio.client import Client

from porch.errors import EventLogError
from porch.eventlog import reading

log = logging.getLogger(__name__)


async def connect(
    url: str, *, name: str, connect_timeout: float = 5.0, wait: float = 120.0
) -> Client:
    """Connect once NATS is reachable, waiting up to ``wait`` seconds for it (NATS may
    start after us, as in a cluster); once connected, reconnect forever."""
    await _reachable(url, wait=wait)
    try:
        return await asyncio.wait_for(
            _connect_once(url, name=name, connect_timeout=connect_timeout), connect_timeout * 4
        )
    except TimeoutError as exc:
        raise EventLogError(f"cannot connect to NATS at {url}") from exc


async def _reachable(url: str, *, wait: float) -> None:
    """Back off until a TCP connection to the first server succeeds (nats-py would retry
    without pause and log every attempt)."""
    parsed = urlsplit(url.split(",")[0])
    host, port = parsed.hostname or "127.0.0.1", parsed.port or 4222
    deadline = time.monotonic() + wait
    pause = 0.1
    while True:
        try:
            _, writer = await asyncio.wait_for(asyncio.open_connection(host, port), 2.0)
            writer.close()
            await writer.wait_closed()
            return
        except (OSError, TimeoutError) as exc:
            if time.monotonic() + pause > deadline:
                raise EventLogError(f"cannot reach NATS at {url}: {exc!r}") from exc
            log.warning("NATS at %s not reachable yet; retrying in %.1fs", url, pause)
            await asyncio.sleep(pause)
            pause = min(pause * 2, 5.0)


async def _connect_once(url: str, *, name: str, connect_timeout: float) -> Client:

    async def disconnected() -> None:
        log.warning("disconnected from NATS at %s", url)

    async def reconnected() -> None:
        log.info("reconnected to NATS at %s", url)

    async def error(exc: Exception) -> None:
        log.warning("NATS error: %s", exc)

    # Every connection gets the leaner header parser (``reading.Connection``): it matters on
    # replay, where every event carries headers. The options go as a dict because the
    # client's annotations say ``int`` for timeouts it takes as seconds in floats.
    options: dict[str, Any] = {
        "name": name,
        "connect_timeout": connect_timeout,
        "allow_reconnect": True,
        "max_reconnect_attempts": -1,
        "reconnect_time_wait": 0.5,
        "disconnected_cb": disconnected,
        "reconnected_cb": reconnected,
        "error_cb": error,
    }
    nc = reading.Connection()
    await nc.connect(url, **options)
    return nc


__all__ = ["connect"]
