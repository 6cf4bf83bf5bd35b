"""``python -m porch_apiserver``: flags and environment parsed here, once."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from porch.domain import snapshots
from porch.eventlog import connecting, streams
from porch.eventlog.blobs import BlobStore
from porch.security import pki, tokens
from porch.signals import run_until_signalled
from porch_apiserver import app
from porch_apiserver.handlers import Resources
from porch_apiserver.mirror import Mirror
from porch_apiserver.writing import Writer

log = logging.getLogger("porch_apiserver")


@dataclass(frozen=True)
class Settings:
    host: str
    port: int
    nats_url: str
    home: Path
    prefix: str
    tls_hosts: tuple[str, ...]


def parse(argv: list[str]) -> Settings:
    env = os.environ.get
    p = argparse.ArgumentParser(prog="porch-apiserver")
    p.add_argument("--listen", default=env("PORCH_APISERVER_LISTEN", "127.0.0.1:9443"))
    p.add_argument("--nats", default=env("PORCH_NATS_URL", "nats://127.0.0.1:4222"))
    p.add_argument("--home", default=env("PORCH_HOME", ".porch"))
    p.add_argument("--prefix", default=env("PORCH_PROJECTION_PREFIX", "porch"))
    p.add_argument("--tls-host", action="append", default=[], help="extra name in the serving cert")
    a = p.parse_args(argv)
    host, _, port = a.listen.rpartition(":")
    return Settings(
        host=host or "127.0.0.1",
        port=int(port),
        nats_url=a.nats,
        home=Path(a.home),
        prefix=a.prefix,
        tls_hosts=tuple(a.tls_host),
    )


async def serve(settings: Settings) -> None:
    keys = pki.ensure_pki(settings.home / "pki", hosts=[settings.host, *settings.tls_hosts])
    tokens.ensure_token_file(settings.home / "tokens.csv")
    users = tokens.load_tokens(settings.home / "tokens.csv")
    nc = await connecting.connect(settings.nats_url, name="porch-apiserver")
    try:
        js = nc.jetstream()
        await streams.ensure_all(js)
        mirror = Mirror(js, snapshots.Buckets(settings.prefix))
        writer = Writer(js, mirror)
        resources = Resources(mirror=mirror, writer=writer, blobs=await BlobStore.open(js))
        application = app.build(resources=resources, mirror=mirror, users=users)
        runner = web.AppRunner(application, access_log=None)
        await runner.setup()
        site = web.TCPSite(
            runner, settings.host, settings.port, ssl_context=keys.server_ssl_context()
        )
        try:
            async with asyncio.TaskGroup() as group:
                group.create_task(mirror.run())
                await mirror.ready.wait()
                await site.start()
                log.info("serving https://%s:%d", settings.host, settings.port)
        finally:
            await runner.cleanup()
    finally:
        await nc.close()


def run() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    asyncio.run(run_until_signalled(serve(parse(sys.argv[1:]))))
    sys.exit(0)


if __name__ == "__main__":
    run()
