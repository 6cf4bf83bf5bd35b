"""``porch audit tail``: flags in, lines out, until Ctrl-C (or the end with ``--no-follow``).

The CLI layer hands in the environment-derived home and the streams to write to; this
module connects, follows and prints one line per event, notes skipped events on stderr,
and turns every failure into one ``error:`` line and an exit code (never a traceback).
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from porch import signals
from porch.audit import filters, lines, tailing
from porch.errors import PorchError
from porch.eventlog import connecting

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


@dataclass(frozen=True)
class TailOptions:
    nats: str
    subject: str
    start: filters.Start
    output: str
    follow: bool


def nats_url(flag: str | None, *, home: Path) -> str:
    """``--nats``, else the NATS port ``porch up`` remembered in ``home/ports.json``."""
    if flag:
        return flag
    try:
        ports = json.loads((home / "ports.json").read_text())
        return f"nats://127.0.0.1:{int(ports['nats'])}"
    except (OSError, ValueError, KeyError, TypeError):
        raise PorchError(
            f"no NATS address: pass --nats URL or set PORCH_HOME to the directory of a "
            f"running `porch up` (no readable ports.json in {home})"
        ) from None


def options(
    *,
    nats: str | None,
    home: Path,
    since: str | None,
    seq: int | None,
    subject_filter: str | None,
    output: str,
    follow: bool,
    now: datetime | None = None,
) -> TailOptions:
    """Validated options; ``Invalid`` names the bad flag."""
    if output not in lines.FORMATS:
        raise filters.invalid("--output", output, f"expected one of {', '.join(lines.FORMATS)}")
    return TailOptions(
        nats=nats_url(nats, home=home),
        subject=filters.subject_filter(subject_filter),
        start=filters.start(since=since, seq=seq, now=now or datetime.now(UTC)),
        output=output,
        follow=follow,
    )


async def tail(opts: TailOptions, *, out: TextIO, err: TextIO) -> int:
    """Print events until the end (without ``follow``) or cancellation; the count printed."""
    render = lines.FORMATS[opts.output]
    printed = 0
    nc = await connecting.connect(opts.nats, name="porch-audit-tail", wait=5.0)
    try:
        js = nc.jetstream()
        async for record in tailing.records_from(
            js, opts.subject, start=opts.start, follow=opts.follow
        ):
            line = render(record)
            if isinstance(line, lines.Skipped):
                err.write(line.note() + "\n")
                continue
            out.write(line + "\n")
            out.flush()  # a pipe reader sees each event as it happens
            printed += 1
    finally:
        await nc.close()
    return printed


def run(opts: TailOptions, *, out: TextIO, err: TextIO) -> int:
    """The exit code: 0 at the end or on Ctrl-C/SIGTERM, 1 when NATS fails us."""
    logging.getLogger("porch.eventlog").setLevel(logging.ERROR)  # no reconnect chatter
    failure: list[str] = []

    async def work() -> None:
        try:
            await tail(opts, out=out, err=err)
        except BrokenPipeError:
            pass  # the reader went away (``| head``): nothing left to do
        except Exception as exc:  # NATS errors of every kind: one line, never a traceback
            failure.append(f"{type(exc).__name__}: {exc}" if not str(exc) else str(exc))

    asyncio.run(signals.run_until_signalled(work()))
    if failure:
        err.write(f"error: following the event stream at {opts.nats}: {failure[0]}\n")
        return EXIT_FAILED
    return EXIT_OK


__all__ = ["EXIT_FAILED", "EXIT_OK", "EXIT_USAGE", "TailOptions", "nats_url", "options", "run"]
