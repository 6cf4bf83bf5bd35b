"""``python -m porch_apiserver``: flags and environment parsed here, once."""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import uvloop
from aiohttp import web

from porch.domain import snapshots
from porch.eventlog import connecting, streams
from porch.eventlog.blobs import BlobStore
from porch.security import pki
from porch.signals import run_until_signalled
from porch_apiserver import app, auth_setup
from porch_apiserver.corehandlers import CoreResources
from porch_apiserver.corestore import CoreStore
from porch_apiserver.fieldowners import FieldOwners
from porch_apiserver.handlers import Resources
from porch_apiserver.listing import UNPAGED_TABLE_ROWS
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
    auth: auth_setup.AuthSettings
    core_v1: bool  # serve core v1 Namespaces and Secrets (local mode, no kube-apiserver)
    unpaged_table_rows: int = UNPAGED_TABLE_ROWS


def parse(argv: list[str]) -> Settings:
    env = os.environ.get
    p = argparse.ArgumentParser(prog="porch-apiserver")
    p.add_argument("--listen", default=env("PORCH_APISERVER_LISTEN", "127.0.0.1:9443"))
    p.add_argument("--nats", default=env("PORCH_NATS_URL", "nats://127.0.0.1:4222"))
    p.add_argument("--home", default=env("PORCH_HOME", ".porch"))
    p.add_argument("--prefix", default=env("PORCH_PROJECTION_PREFIX", "porch"))
    p.add_argument("--tls-host", action="append", default=[], help="extra name in the serving cert")
    p.add_argument(
        "--core-v1",
        action=argparse.BooleanOptionalAction,
        default=env("PORCH_APISERVER_CORE_V1", "true") == "true",
        help="serve core v1 Namespaces and Secrets (local mode); off behind kube-apiserver",
    )
    p.add_argument(
        "--max-unpaged-table-rows",
        type=int,
        default=int(env("PORCH_APISERVER_MAX_UNPAGED_TABLE_ROWS", str(UNPAGED_TABLE_ROWS))),
        help="answer Table lists (kubectl get) of up to this many objects whole, ignoring "
        "limit; 0 always pages",
    )
    auth_setup.add_flags(p, dict(os.environ))
    a = p.parse_args(argv)
    host, _, port = a.listen.rpartition(":")
    return Settings(
        host=host or "127.0.0.1",
        port=int(port),
        nats_url=a.nats,
        home=Path(a.home),
        prefix=a.prefix,
        tls_hosts=tuple(a.tls_host),
        auth=auth_setup.settings_from(a, home=Path(a.home)),
        core_v1=a.core_v1,
        unpaged_table_rows=a.max_unpaged_table_rows,
    )


async def serve(settings: Settings) -> None:
    keys = pki.ensure_pki(settings.home / "pki", hosts=[settings.host, *settings.tls_hosts])
    wired = await auth_setup.wire(settings.auth, keys=keys)
    nc = await connecting.connect(settings.nats_url, name="porch-apiserver")
    try:
        js = nc.jetstream()
        await streams.ensure_all(js)
        mirror = Mirror(js, snapshots.Buckets(settings.prefix))
        writer = Writer(js, mirror)
        owners = await FieldOwners.open(js)  # managedFields (server-side apply)
        resources = Resources(
            mirror=mirror,
            writer=writer,
            blobs=await BlobStore.open(js),
            owners=owners,
            unpaged_table_rows=settings.unpaged_table_rows,
        )
        core = CoreResources(await CoreStore.open(js)) if settings.core_v1 else None
        application = app.build(
            resources=resources,
            mirror=mirror,
            authenticator=wired.authenticator,
            authorizer=wired.authorizer,
            core=core,
        )
        runner = web.AppRunner(application, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, settings.host, settings.port, ssl_context=wired.ssl_context)
        try:
            async with asyncio.TaskGroup() as group:
                group.create_task(mirror.run())
                group.create_task(owners.run())
                if wired.background is not None:
                    group.create_task(wired.background)
                await mirror.ready.wait()
                # The mirror is long-lived: keep it out of the collector's generations, so
                # a full collection does not walk it in the middle of a watch fan-out.
                gc.freeze()
                await site.start()
                log.info("serving https://%s:%d", settings.host, settings.port)
        finally:
            await runner.cleanup()
    finally:
        await nc.close()


def run() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    # uvloop: a C loop and C transports. bench/apiserver.py found it several times faster
    # at the watch fan-out while each watch wrote through its own task; with changes written
    # straight to the transports the two loops measure about even there.
    uvloop.run(run_until_signalled(serve(parse(sys.argv[1:]))))
    sys.exit(0)


if __name__ == "__main__":
    run()
