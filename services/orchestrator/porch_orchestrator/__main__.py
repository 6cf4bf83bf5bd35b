"""``python -m porch_orchestrator run|rebuild|verify``: settings parsed here, once."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from porch.domain import snapshots
from porch.eventlog import connecting, streams
from porch.eventlog.blobs import BlobStore
from porch.signals import run_until_signalled
from porch_orchestrator import metrics, projecting, tasking, taskworker

log = logging.getLogger("porch_orchestrator")


@dataclass(frozen=True)
class Settings:
    nats_url: str
    prefix: str
    command: str
    against: str
    fn_runner: str = ""  # gRPC target of the function runner; "" = builtin functions only
    cache_dir: Path = Path("/tmp/porch-orchestrator-git")
    task_concurrency: int = 2
    metrics_listen: str = ""  # HOST:PORT of the Prometheus listener; "" = off


def parse(argv: list[str]) -> Settings:
    p = argparse.ArgumentParser(prog="porch-orchestrator")
    p.add_argument("command", choices=["run", "rebuild", "verify"], nargs="?", default="run")
    p.add_argument("--nats", default=os.environ.get("PORCH_NATS_URL", "nats://127.0.0.1:4222"))
    p.add_argument("--prefix", default=os.environ.get("PORCH_PROJECTION_PREFIX", "porch"))
    p.add_argument("--against", default="porch_rebuild", help="verify: the other projection")
    p.add_argument(
        "--fn-runner",
        default=os.environ.get("PORCH_FN_RUNNER", ""),
        help="host:port of the function runner (gRPC); empty: builtin functions only",
    )
    home = Path(os.environ.get("PORCH_HOME", "/tmp"))
    p.add_argument(
        "--cache-dir",
        type=Path,
        default=Path(os.environ.get("PORCH_ORCHESTRATOR_CACHE", home / "orchestrator-git")),
        help="where Git upstreams of raw clones are cached",
    )
    p.add_argument("--task-concurrency", type=int, default=2)
    p.add_argument(
        "--metrics-listen",
        default=os.environ.get("PORCH_ORCHESTRATOR_METRICS_LISTEN", ""),
        help="HOST:PORT to serve Prometheus /metrics on (plain HTTP); empty: off",
    )
    a = p.parse_args(argv)
    return Settings(
        nats_url=a.nats,
        prefix=a.prefix,
        command=a.command,
        against=a.against,
        fn_runner=a.fn_runner,
        cache_dir=a.cache_dir,
        task_concurrency=max(1, a.task_concurrency),
        metrics_listen=a.metrics_listen,
    )


async def main(settings: Settings) -> int:
    nc = await connecting.connect(settings.nats_url, name="porch-orchestrator")
    js = nc.jetstream()
    try:
        await streams.ensure_all(js)
        names = snapshots.Buckets(settings.prefix)
        if settings.command == "rebuild":
            projector = await projecting.rebuild(js, names)
            print(f"rebuilt {names.prefix} up to sequence {projector.checkpoint}")
            return 0
        if settings.command == "verify":
            problems = await projecting.compare(js, names, snapshots.Buckets(settings.against))
            for line in problems:
                print(line)
            print(f"{len(problems)} differences between {settings.prefix} and {settings.against}")
            return 1 if problems else 0
        metrics.listen(settings.metrics_listen)
        projector = projecting.Projector(js, names, emit_work=True)
        await projector.open()
        worker = taskworker.TaskWorker(
            js,
            await BlobStore.open(js),
            tasking.Runtime(fn_runner=settings.fn_runner, cache_dir=settings.cache_dir),
            concurrency=settings.task_concurrency,
        )
        await run_until_signalled(_both(projector.run_forever(), worker.run()))
        return 0
    finally:
        await nc.close()


async def _both(projection: Coroutine[Any, Any, None], tasks: Coroutine[Any, Any, None]) -> None:
    """The projection loop and the task worker side by side; either failing stops both."""
    async with asyncio.TaskGroup() as group:
        group.create_task(projection)
        group.create_task(tasks)


def run() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    sys.exit(asyncio.run(main(parse(sys.argv[1:]))))


if __name__ == "__main__":
    run()
