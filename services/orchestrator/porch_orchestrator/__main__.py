"""``python -m porch_orchestrator run|rebuild|verify``: settings parsed here, once."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from dataclasses import dataclass

from porch.domain import snapshots
from porch.eventlog import connecting, streams
from porch.signals import run_until_signalled
from porch_orchestrator import projecting

log = logging.getLogger("porch_orchestrator")


@dataclass(frozen=True)
class Settings:
    nats_url: str
    prefix: str
    command: str
    against: str


def parse(argv: list[str]) -> Settings:
    p = argparse.ArgumentParser(prog="porch-orchestrator")
    p.add_argument("command", choices=["run", "rebuild", "verify"], nargs="?", default="run")
    p.add_argument("--nats", default=os.environ.get("PORCH_NATS_URL", "nats://127.0.0.1:4222"))
    p.add_argument("--prefix", default=os.environ.get("PORCH_PROJECTION_PREFIX", "porch"))
    p.add_argument("--against", default="porch_rebuild", help="verify: the other projection")
    a = p.parse_args(argv)
    return Settings(nats_url=a.nats, prefix=a.prefix, command=a.command, against=a.against)


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
        projector = projecting.Projector(js, names, emit_work=True)
        await projector.open()
        await run_until_signalled(projector.run())
        return 0
    finally:
        await nc.close()


def run() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    sys.exit(asyncio.run(main(parse(sys.argv[1:]))))


if __name__ == "__main__":
    run()
