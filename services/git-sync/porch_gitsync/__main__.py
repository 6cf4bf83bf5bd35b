"""``python -m porch_gitsync``: flags and environment parsed here, once."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from pathlib import Path

import pygit2

from porch.eventlog import connecting, streams
from porch.eventlog.blobs import BlobStore
from porch.signals import run_until_signalled
from porch_gitsync import metrics
from porch_gitsync.syncing import Settings, Syncer


def parse(argv: list[str]) -> tuple[str, Settings]:
    env = os.environ.get
    p = argparse.ArgumentParser(prog="porch-git-sync")
    p.add_argument("--nats", default=env("PORCH_NATS_URL", "nats://127.0.0.1:4222"))
    p.add_argument("--cache-dir", default=env("PORCH_GIT_CACHE", ".porch/git-cache"))
    p.add_argument(
        "--poll-interval",
        type=float,
        default=float(env("PORCH_GIT_POLL_INTERVAL", "10")),
        help="seconds between discovery passes of a repository without spec.sync",
    )
    p.add_argument(
        "--metrics-listen",
        default=env("PORCH_GITSYNC_METRICS_LISTEN", ""),
        help="HOST:PORT to serve Prometheus /metrics on (plain HTTP); empty: off",
    )
    a = p.parse_args(argv)
    return a.nats, Settings(
        cache_dir=Path(a.cache_dir),
        poll_interval=a.poll_interval,
        metrics_listen=a.metrics_listen,
    )


async def main(nats_url: str, settings: Settings) -> None:
    # libgit2's network timeouts are process-wide: set them once, here.
    pygit2.settings.server_connect_timeout = 10_000
    pygit2.settings.server_timeout = 60_000
    settings.cache_dir.mkdir(parents=True, exist_ok=True)
    metrics.listen(settings.metrics_listen)
    nc = await connecting.connect(nats_url, name="porch-git-sync")
    try:
        js = nc.jetstream()
        await streams.ensure_all(js)
        syncer = await Syncer.open(js, await BlobStore.open(js), settings)
        await syncer.run()
    finally:
        await nc.close()


def run() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    nats_url, settings = parse(sys.argv[1:])
    asyncio.run(run_until_signalled(main(nats_url, settings)))
    sys.exit(0)


if __name__ == "__main__":
    run()
