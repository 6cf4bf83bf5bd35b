"""Faults around git-sync, with real processes: git-sync killed mid-work, the Git server
down while changes are queued, NATS restarted under a running git-sync. After each one every
acknowledged work item (stored in ``PORCH_SYNC``) is in Git exactly once and in order."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from nats.js import JetStreamContext

from porch.domain import events as ev
from porch.domain import syncwork
from porch.eventlog import reading, streams, subjects
from porch.eventlog.blobs import BlobStore
from porch.git import layout
from porch.local.gitserver import GitServer, ensure_bare_repository
from porch.local.natsserver import NatsServer
from tests.integration.gitfixtures import KPTFILE, git, ls_remote
from tests.integration.test_git_sync import enqueue, register

pytestmark = pytest.mark.integration

NS = "default"
TIMEOUT_S = 60.0
OUTAGE_S = 8.0


class GitSyncProcess:
    """``python -m porch_gitsync`` as its own process, as ``porch up`` runs it."""

    def __init__(self, nats_url: str, home: Path) -> None:
        self.args = [
            sys.executable,
            "-m",
            "porch_gitsync",
            "--nats",
            nats_url,
            "--cache-dir",
            str(home / "git-cache"),
            "--poll-interval",
            "0.5",
        ]
        self.log = home / "git-sync.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(self.args, stdout=out, stderr=subprocess.STDOUT)

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
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
def gitsync(nats_server: NatsServer, tmp_path: Path) -> Iterator[GitSyncProcess]:
    process = GitSyncProcess(nats_server.url, tmp_path)
    yield process
    process.stop()


@pytest.fixture
def bare(tmp_path: Path) -> Path:
    path = tmp_path / "served" / "deploy.git"
    ensure_bare_repository(path)
    return path


def gitserver(tmp_path: Path, port: int = 0) -> GitServer:
    server = GitServer(base_dir=tmp_path / "served", port=port)
    server.start()
    return server


def where(url: str) -> syncwork.GitTarget:
    return syncwork.GitTarget(url=url, directory="bp")


async def lifecycle_items(
    blobs: BlobStore, url: str, package: str, *, repo: str = "r"
) -> list[syncwork.Work]:
    """Draft, an update of it, proposal, approval: four items, event ids ``<package>-eN``."""
    common: dict[str, Any] = {"namespace": NS, "repository": repo, "package": package}
    first = {"Kptfile": await blobs.put(KPTFILE)}
    second = {**first, "cm.yaml": await blobs.put(f"kind: ConfigMap # {package}\n".encode())}
    draft: dict[str, Any] = {**common, "workspace": "ws", "target": where(url), "author": "ada"}
    return [
        syncwork.WriteDraft(
            **draft,
            lifecycle="Draft",
            resources=first,
            time="t",
            message="Creating new empty revision",
            task={"type": "init"},
            source_event=f"{package}-e1",
        ),
        syncwork.WriteDraft(
            **draft,
            lifecycle="Draft",
            resources=second,
            time="t",
            message="Rendering package",
            source_event=f"{package}-e2",
        ),
        syncwork.MoveRevision(
            **common,
            workspace="ws",
            to_lifecycle="Proposed",
            target=where(url),
            source_event=f"{package}-e3",
        ),
        syncwork.PublishRevision(
            **draft, revision=1, resources=second, time="t", source_event=f"{package}-e4"
        ),
    ]


async def until(check: Any, what: str, timeout: float = TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.05)


async def drained(js: JetStreamContext) -> bool:
    return (await js.stream_info(streams.SYNC_STREAM)).state.messages == 0


def event_ids(bare: Path) -> list[str]:
    """The Porch-Event-Id of every commit reachable from any ref (each commit once)."""
    out = git("--git-dir", str(bare), "log", "--all", "--format=%H%x00%B%x01")
    ids = []
    for record in filter(str.strip, out.split("\x01")):
        _, _, body = record.strip().partition("\x00")
        found = layout.event_id_of(body)
        if found:
            ids.append(found)
    return ids


def assert_exactly_once(bare: Path, packages: list[str], events: list[ev.AnyEvent]) -> None:
    """Every approval was written (a ``RevisionSynced`` each, no failure; a draft or move
    whose approval was already queued may be skipped as superseded, never written twice),
    every commit that survives (the approvals: drafts go with their branches) exists once,
    each tag is on its own approval commit, and no draft/proposed branch is left."""
    synced = Counter(e.source_event for e in events if isinstance(e, ev.RevisionSynced))
    assert {f"{p}-e4" for p in packages} <= set(synced)
    assert set(synced) <= {f"{p}-e{n}" for p in packages for n in (1, 2, 3, 4)}
    assert [s for s, n in synced.items() if n > 1] == []  # facts are deduplicated too
    assert not [e for e in events if isinstance(e, ev.RevisionSyncFailed)]
    ids = Counter(event_ids(bare))
    assert [i for i, n in ids.items() if n > 1] == []
    assert set(ids) == {f"{p}-e4" for p in packages}
    refs = ls_remote(bare)
    for package in packages:
        body = git("--git-dir", str(bare), "log", "-1", "--format=%B", f"bp/{package}/v1")
        assert layout.event_id_of(body) == f"{package}-e4"
        assert not any(ref.endswith(f"/bp/{package}/ws") for ref in refs), refs
    subjects_ = git("--git-dir", str(bare), "log", "--format=%s", "main").splitlines()
    approvals = [s for s in subjects_ if s.startswith("Approving package revision")]
    assert sorted(approvals) == sorted(f"Approving package revision bp/{p}/1" for p in packages)


async def repo_events(js: JetStreamContext, repo: str) -> list[ev.AnyEvent]:
    records = await reading.read(js, f"{subjects.EVENTS_PREFIX}.{NS}.{repo}.>")
    return [ev.decode(r.data) for r in records]


def tags(bare: Path) -> int:
    return sum(1 for ref in ls_remote(bare) if ref.startswith("refs/tags/") and "^" not in ref)


async def test_git_sync_killed_mid_work_redoes_nothing_twice(
    js: JetStreamContext, gitsync: GitSyncProcess, bare: Path, tmp_path: Path
) -> None:
    blobs = await BlobStore.open(js)
    with gitserver(tmp_path) as server:
        packages = [f"p{i:02d}" for i in range(12)]
        for package in packages:
            for item in await lifecycle_items(blobs, server.url("deploy"), package):
                await enqueue(js, item)
        gitsync.start()
        await until(lambda: asyncio.to_thread(lambda: tags(bare) >= 2), "the first tags")
        gitsync.kill()  # SIGKILL: no cleanup, items held, maybe a push half done
        landed = tags(bare)
        assert landed < len(packages), "git-sync finished before it was killed"
        gitsync.start()
        await until(lambda: drained(js), "the queue to drain")
        events = await repo_events(js, "r")
    assert "taking them again in order" in gitsync.text()
    assert_exactly_once(bare, packages, events)


async def test_git_server_down_then_up_lands_everything_in_order(
    js: JetStreamContext, gitsync: GitSyncProcess, bare: Path, tmp_path: Path
) -> None:
    blobs = await BlobStore.open(js)
    server = gitserver(tmp_path)
    port, url = server.port, server.url("deploy")
    gitsync.start()
    await register(js, "r", url, directory="bp")

    async def connected(count: int) -> bool:
        return (
            len([e for e in await repo_events(js, "r") if isinstance(e, ev.RepositoryConnected)])
            >= count
        )

    await until(lambda: connected(1), "the repository to connect")
    server.stop()
    await until(
        lambda: _has(js, "r", ev.RepositoryConnectionFailed), "Ready=False while Git is down"
    )
    items = [item for p in ("a", "b") for item in await lifecycle_items(blobs, url, p)]
    for item in items:
        await enqueue(js, item)
    await asyncio.sleep(2.0)  # held: retried in place with backoff
    assert ls_remote(bare).keys() == {"HEAD", "refs/heads/main"}
    with gitserver(tmp_path, port=port):
        await until(lambda: drained(js), "the queue to drain")
        await until(lambda: connected(2), "Ready=True again")
    events = await repo_events(js, "r")
    ready = [
        type(e).__name__
        for e in events
        if isinstance(e, ev.RepositoryConnected | ev.RepositoryConnectionFailed)
    ]
    assert ready[:3] == ["RepositoryConnected", "RepositoryConnectionFailed", "RepositoryConnected"]
    synced = [e.source_event for e in events if isinstance(e, ev.RevisionSynced)]
    assert synced == [i.source_event for i in items if i.source_event in synced]  # queue order
    assert_exactly_once(bare, ["a", "b"], events)
    history = git("--git-dir", str(bare), "log", "--format=%s", "main").splitlines()
    assert history[:2] == ["Approving package revision bp/b/1", "Approving package revision bp/a/1"]


async def _has(js: JetStreamContext, repo: str, kind: type) -> bool:
    return any(isinstance(e, kind) for e in await repo_events(js, repo))


async def test_nats_restart_under_a_running_git_sync(
    js: JetStreamContext,
    nats_server: NatsServer,
    gitsync: GitSyncProcess,
    bare: Path,
    tmp_path: Path,
) -> None:
    blobs = await BlobStore.open(js)
    with gitserver(tmp_path) as server:
        url = server.url("deploy")
        before = [f"b{i}" for i in range(6)]
        for package in before:
            for item in await lifecycle_items(blobs, url, package):
                await enqueue(js, item)
        gitsync.start()
        await until(lambda: asyncio.to_thread(lambda: tags(bare) >= 1), "the first tag")
        nats_server.stop()  # mid-work: held items cannot be recorded or acknowledged
        # Longer than NATS request timeouts (5 s): outcomes fail to record, fetches fail.
        await asyncio.sleep(OUTAGE_S)
        nats_server.start()  # same port, same store
        assert gitsync.alive()
        after = [f"a{i}" for i in range(3)]
        for package in after:
            for item in await lifecycle_items(blobs, url, package):
                await enqueue(js, item)
        # A repository registered after the restart is polled: the watch came back too.
        ensure_bare_repository(tmp_path / "served" / "late.git")
        await register(js, "late", server.url("late"))
        await until(lambda: drained(js), "the queue to drain")
        await until(lambda: _has(js, "late", ev.RepositorySynced), "the late repository")
        await until(lambda: asyncio.to_thread(lambda: tags(bare) == 9), "every tag")
        assert gitsync.alive()
    assert_exactly_once(bare, before + after, await repo_events(js, "r"))
