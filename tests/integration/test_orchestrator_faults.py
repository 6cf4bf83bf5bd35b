"""Faults around the orchestrator, with real processes: NATS restarted (same port, same
store) under a running orchestrator. Afterwards it keeps projecting and its task worker
keeps answering, without being restarted."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest
from nats.js import JetStreamContext
from nats.js.errors import BucketNotFoundError, KeyNotFoundError

from porch.domain import events as ev
from porch.domain import snapshots
from porch.domain.common import Actor, CommandMeta, event_fields
from porch.eventlog import appending, subjects
from porch.local.natsserver import NatsServer

pytestmark = pytest.mark.integration

NS, REPO = "default", "r"
TIMEOUT_S = 60.0
OUTAGE_S = 8.0  # longer than NATS request timeouts (5 s): writes and fetches fail meanwhile


class OrchestratorProcess:
    """``python -m porch_orchestrator run`` as its own process, as ``porch up`` runs it."""

    def __init__(self, nats_url: str, home: Path) -> None:
        self.args = [sys.executable, "-m", "porch_orchestrator", "run", "--nats", nats_url]
        self.env = {**os.environ, "PORCH_HOME": str(home), "PORCH_FN_RUNNER": ""}
        self.log = home / "orchestrator.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                self.args, stdout=out, stderr=subprocess.STDOUT, env=self.env
            )

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


@pytest.fixture
def orchestrator(nats_server: NatsServer, tmp_path: Path) -> Iterator[OrchestratorProcess]:
    process = OrchestratorProcess(nats_url=nats_server.url, home=tmp_path)
    yield process
    process.stop()


def fields(command_id: str) -> dict[str, Any]:
    return event_fields(
        CommandMeta(command_id=command_id, time="2026-01-01T00:00:00Z", actor=Actor(user="a"))
    )


async def append(js: JetStreamContext, package: str | None, event: ev.Event) -> None:
    if package is None:
        subject, boundary = subjects.repository(NS, REPO), None
    else:
        subject = subjects.revision(NS, REPO, package, "v1")
        boundary = subjects.package_wildcard(NS, REPO, package)
    await appending.append(
        js,
        appending.Append(
            subject=subject,
            data=ev.encode(event),
            event_type=ev.type_of(event),
            msg_id=event.id,
            expected=await appending.last_sequence(js, boundary or subject),
            boundary=boundary,
        ),
    )


async def request(js: JetStreamContext, package: str) -> None:
    """A creation request as the API appends it: the task worker answers it."""
    await append(
        js,
        package,
        ev.RevisionCreationRequested(
            **fields(f"{package}/create"),
            namespace=NS,
            repository=REPO,
            package=package,
            workspace="v1",
            uid=f"u-{package}",
            tasks=(ev.Task(type="init", init={"description": package}),),
        ),
    )


async def served(js: JetStreamContext, package: str) -> bool:
    """Whether the projection serves the package's revision (created by the task worker)."""
    name = f"{REPO}.{package}.v1"
    try:
        kv = await js.key_value(snapshots.Buckets("porch").revisions)
        entry = await kv.get(snapshots.object_key(NS, name))
    except (BucketNotFoundError, KeyNotFoundError):
        return False
    return bool(entry.value)


class Edits:
    """Label edits on the first revision, one every few milliseconds, errors ignored."""

    def __init__(self, js: JetStreamContext) -> None:
        self.js = js
        self.last = -1  # the last edit appended
        self.stop = False
        self.after_outage = 0  # edits appended after one failed

    async def run(self) -> None:
        failed = False
        n = 0
        while not self.stop:
            n += 1
            event = ev.RevisionMetadataUpdated(
                **fields(f"edit/{n}"), workspace="v1", labels={"edit": str(n)}, annotations={}
            )
            try:
                await asyncio.wait_for(append(self.js, "before", event), 2.0)
            except Exception:  # NATS is away: the next edit tries again
                failed = True
                await asyncio.sleep(0.2)
                continue
            self.last = n
            self.after_outage += failed
            await asyncio.sleep(0.005)

    async def accepted_since_restart(self) -> bool:
        return self.after_outage >= 50

    async def projected(self) -> bool:
        kv = await self.js.key_value(snapshots.Buckets("porch").revisions)
        entry = await kv.get(snapshots.object_key(NS, f"{REPO}.before.v1"))
        labels = msgspec.json.decode(entry.value or b"{}")["metadata"].get("labels", {})
        return bool(labels.get("edit") == str(self.last))


def is_served(js: JetStreamContext, package: str) -> Callable[[], Awaitable[bool]]:
    return lambda: served(js, package)


async def until(check: Callable[[], Awaitable[bool]], what: str, log: Callable[[], str]) -> None:
    deadline = time.monotonic() + TIMEOUT_S
    while not await check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}:\n{log()[-3000:]}"
        await asyncio.sleep(0.1)


async def test_nats_restart_under_a_running_orchestrator(
    js: JetStreamContext, nats_server: NatsServer, orchestrator: OrchestratorProcess
) -> None:
    await append(
        js,
        None,
        ev.RepositoryRegistered(
            **fields("register"),
            namespace=NS,
            name=REPO,
            uid="u-r",
            spec={"type": "git", "git": {"repo": "git://127.0.0.1:1/x.git"}},
        ),
    )
    await request(js, "before")
    orchestrator.start()
    await until(is_served(js, "before"), "the first revision", orchestrator.text)

    # Edits keep coming before, during and after the outage, so the orchestrator is
    # writing when NATS goes and when it comes back (JetStream answers late then).
    edits = Edits(js)
    writer = asyncio.create_task(edits.run())
    await asyncio.sleep(1.0)
    nats_server.stop()  # the consumer, the task fetch and every write lose their server
    await asyncio.sleep(OUTAGE_S)
    assert orchestrator.alive(), orchestrator.text()[-3000:]
    nats_server.start()  # same port, same store
    await until(edits.accepted_since_restart, "edits accepted again", orchestrator.text)
    edits.stop = True
    await writer
    await until(edits.projected, f"edit {edits.last} projected", orchestrator.text)

    # New requests are projected, handed to the task worker, answered and projected again.
    for package in ("after1", "after2"):
        await request(js, package)
    for package in ("after1", "after2"):
        await until(is_served(js, package), f"{package} after the restart", orchestrator.text)
    assert orchestrator.alive()
