"""git-sync end to end: work items from the PORCH_SYNC queue become Git refs and facts in the
event stream; discovery turns external pushes into Discovered/Removed facts; Secrets give
credentials that never show in events or logs; an unreachable server holds up nobody else."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any, TypeVar

import msgspec
import pytest
from nats.js import JetStreamContext

from porch.domain import events as ev
from porch.domain import snapshots, syncwork
from porch.eventlog import buckets, reading, streams, subjects
from porch.eventlog.blobs import BlobStore
from porch.eventlog.secrets import SecretStore
from porch.local.gitserver import GitServer, ensure_bare_repository
from porch.local.ports import free_port
from porch_gitsync.syncing import Settings, Syncer
from tests.integration.gitfixtures import (  # noqa: F401  (fixtures)
    KPTFILE,
    PASSWORD,
    TOKEN,
    USER,
    Served,
    daemon_fixture,
    git,
    http_server_fixture,
    ls_remote,
    push_package,
    served_fixture,
)

pytestmark = pytest.mark.integration

NS = "default"
E = TypeVar("E")
TIMEOUT_S = 20.0


@pytest.fixture
async def blobs(js: JetStreamContext) -> BlobStore:
    return await BlobStore.open(js)


@pytest.fixture
async def syncer(js: JetStreamContext, blobs: BlobStore, tmp_path: Path) -> AsyncIterator[Syncer]:
    settings = Settings(
        cache_dir=tmp_path / "cache",
        fetch_wait=0.2,
        attempts=3,
        backoff=(0.2,),
        poll_interval=0.5,
    )
    service = await Syncer.open(js, blobs, settings)
    task = asyncio.create_task(service.run())
    yield service
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def register(
    js: JetStreamContext,
    name: str,
    url: str,
    *,
    secret: str = "",
    directory: str = "/",
    branch: str = "main",
    create_branch: bool = False,
) -> None:
    """Write the Repository object as the orchestrator's projection would."""
    git: dict[str, Any] = {"repo": url, "branch": branch, "directory": directory}
    if create_branch:
        git["createBranch"] = True
    if secret:
        git["secretRef"] = {"name": secret}
    meta = {"name": name, "namespace": NS, "uid": f"uid-{name}"}
    obj = {"metadata": meta, "spec": {"type": "git", "git": git}}
    kv = await buckets.open_bucket(js, snapshots.Buckets().repositories)
    await kv.put(snapshots.object_key(NS, name), json.dumps(obj).encode())


async def store_secret(js: JetStreamContext, name: str, data: dict[str, str]) -> None:
    store = await SecretStore.open(js)
    await store.put({"metadata": {"namespace": NS, "name": name}, "stringData": data})


def target(url: str, *, secret: str = "", directory: str = "/") -> syncwork.GitTarget:
    return syncwork.GitTarget(url=url, directory=directory, secret_ref=secret)


async def enqueue(js: JetStreamContext, work: syncwork.Work) -> None:
    await js.publish(
        subjects.sync_work(work.namespace, work.repository),
        syncwork.encode(work),
        stream=streams.SYNC_STREAM,
    )


async def queue_drained(js: JetStreamContext) -> None:
    for _ in range(int(TIMEOUT_S * 10)):
        info = await js.stream_info(streams.SYNC_STREAM)
        if info.state.messages == 0:
            return
        await asyncio.sleep(0.1)
    raise AssertionError("work items were not all acknowledged")


async def events_of(js: JetStreamContext, repo: str) -> list[ev.AnyEvent]:
    records = await reading.read(js, f"{subjects.EVENTS_PREFIX}.{NS}.{repo}.>")
    return [ev.decode(r.data) for r in records]


async def wait_for(
    js: JetStreamContext, repo: str, found: Callable[[list[ev.AnyEvent]], bool]
) -> list[ev.AnyEvent]:
    deadline = asyncio.get_running_loop().time() + TIMEOUT_S
    while True:
        events = await events_of(js, repo)
        if found(events):
            return events
        assert asyncio.get_running_loop().time() < deadline, f"timed out; saw {events}"
        await asyncio.sleep(0.1)


def of_type(events: list[ev.AnyEvent], kind: type[E]) -> list[E]:
    return [e for e in events if isinstance(e, kind)]


async def put_resources(blobs: BlobStore, files: dict[str, bytes]) -> dict[str, str]:
    return {path: await blobs.put(data) for path, data in files.items()}


async def test_every_work_item_lands_in_git_with_basic_auth_from_a_secret(
    js: JetStreamContext, blobs: BlobStore, syncer: Syncer, served: Served
) -> None:
    secret = ""
    if served.credentials is not None:
        secret = "git-creds"
        await store_secret(js, secret, {"username": USER, "password": PASSWORD})
    where = target(served.url, secret=secret, directory="bp")
    resources = await put_resources(blobs, {"Kptfile": KPTFILE})
    common: dict[str, Any] = {"namespace": NS, "repository": "r1", "package": "pkg"}
    items: list[syncwork.Work] = [
        syncwork.WriteDraft(
            **common,
            workspace="ws",
            lifecycle="Draft",
            resources=resources,
            target=where,
            author="ada",
            time="t",
            message="Creating new empty revision",
            task={"type": "init"},
            source_event="e1",
        ),
        syncwork.MoveRevision(
            **common, workspace="ws", to_lifecycle="Proposed", target=where, source_event="e2"
        ),
        syncwork.PublishRevision(
            **common,
            workspace="ws",
            revision=1,
            resources=resources,
            target=where,
            author="ada",
            time="t",
            source_event="e3",
        ),
        syncwork.MarkDeletion(
            **common, workspace="ws", revision=1, proposed=True, target=where, source_event="e4"
        ),
        syncwork.DeleteRevision(
            **common,
            workspace="ws",
            lifecycle="DeletionProposed",
            revision=1,
            target=where,
            author="ada",
            time="t",
            source_event="e5",
        ),
        syncwork.DeleteRevision(
            **common,
            workspace="main",
            lifecycle="Published",
            revision=-1,
            target=where,
            author="ada",
            time="t",
            source_event="e6",
        ),
    ]
    for n, item in enumerate(items, start=1):  # one by one: nothing supersedes anything
        await enqueue(js, item)
        await wait_for(js, "r1", lambda es, n=n: len(of_type(es, ev.RevisionSynced)) == n)
    done = ls_remote(served.bare)
    # Redelivery of the whole sequence (a replay after a crash) changes nothing.
    for item in items:
        await enqueue(js, item)
    await queue_drained(js)

    events = await events_of(js, "r1")
    assert ls_remote(served.bare) == done
    assert not of_type(events, ev.RevisionSyncFailed)
    refs = [e.ref for e in of_type(events, ev.RevisionSynced)]
    assert refs == [
        "refs/heads/drafts/bp/pkg/ws",
        "refs/heads/proposed/bp/pkg/ws",
        "refs/tags/bp/pkg/v1",
        "refs/heads/deletionProposed/bp/pkg/v1",
        "refs/tags/bp/pkg/v1",
        "refs/heads/main",
    ]
    final = ls_remote(served.bare)
    assert set(final) == {"HEAD", "refs/heads/main"}
    bare = ["--git-dir", str(served.bare)]
    subjects_ = git(*bare, "log", "--format=%s", "main").splitlines()
    assert subjects_[:2] == ["Delete bp/pkg", "Approving package revision bp/pkg/1"]
    assert git(*bare, "log", "-1", "--format=%an", "main").strip() == "ada"


async def test_a_draft_and_its_move_are_skipped_when_the_approval_is_already_queued(
    js: JetStreamContext, blobs: BlobStore, served: Served, tmp_path: Path
) -> None:
    if served.kind != "daemon":
        pytest.skip("the server makes no difference here; the daemon case covers it")
    where = target(served.url, directory="bp")
    resources = await put_resources(blobs, {"Kptfile": KPTFILE})
    common: dict[str, Any] = {"namespace": NS, "repository": "r2", "package": "pkg"}
    queued: list[syncwork.Work] = [
        syncwork.WriteDraft(
            **common,
            workspace="ws",
            lifecycle="Draft",
            resources=resources,
            target=where,
            author="ada",
            time="t",
            message="Creating new empty revision",
            source_event="s1",
        ),
        syncwork.MoveRevision(
            **common, workspace="ws", to_lifecycle="Proposed", target=where, source_event="s2"
        ),
        syncwork.PublishRevision(
            **common,
            workspace="ws",
            revision=1,
            resources=resources,
            target=where,
            author="ada",
            time="t",
            source_event="s3",
        ),
    ]
    for item in queued:  # all queued before git-sync starts, as after a burst of requests
        await enqueue(js, item)
    settings = Settings(cache_dir=tmp_path / "cache2", fetch_wait=0.2, attempts=3, backoff=(0.2,))
    service = await Syncer.open(js, blobs, settings)
    task = asyncio.create_task(service.run())
    try:
        await wait_for(js, "r2", lambda es: len(of_type(es, ev.RevisionSynced)) == 1)
        await queue_drained(js)
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    synced = of_type(await events_of(js, "r2"), ev.RevisionSynced)
    assert [e.ref for e in synced] == ["refs/tags/bp/pkg/v1"]
    refs = ls_remote(served.bare)
    assert "refs/tags/bp/pkg/v1" in refs
    assert not [r for r in refs if "drafts/" in r or "proposed/" in r]


async def test_external_pushes_are_discovered_and_removals_noticed(
    js: JetStreamContext, syncer: Syncer, served: Served, tmp_path: Path
) -> None:
    if served.credentials is not None:
        await store_secret(js, "tok", {"token": TOKEN})
    await register(js, "ext", served.url, secret="tok" if served.credentials else "")
    await wait_for(js, "ext", lambda es: bool(of_type(es, ev.RepositorySynced)))

    work = tmp_path / "work"
    files = {"Kptfile": KPTFILE, "cm.yaml": b"kind: ConfigMap\n", "sub/Kptfile": KPTFILE}
    push_package(
        served.bare,
        work,
        path="apps/web",
        files=files,
        refs=["refs/heads/main", "refs/tags/apps/web/v1", "refs/heads/drafts/apps/web/wip"],
        message="External change",
    )
    git("tag", "v1.0", "origin/main", cwd=work)  # a release tag: not a package revision
    git("push", "--quiet", "origin", "v1.0", cwd=work)

    def discovered(es: list[ev.AnyEvent]) -> list[ev.RevisionDiscovered]:
        return of_type(es, ev.RevisionDiscovered)

    events = await wait_for(js, "ext", lambda es: len(discovered(es)) >= 3)
    found = {(d.package, d.workspace): d for d in discovered(events)}
    assert set(found) == {("apps/web", "main"), ("apps/web", "v1"), ("apps/web", "wip")}
    assert found[("apps/web", "main")].revision == -1
    assert found[("apps/web", "v1")].lifecycle == "Published"
    assert found[("apps/web", "v1")].revision == 1
    assert found[("apps/web", "wip")].lifecycle == "Draft"
    assert found[("apps/web", "wip")].ref == "refs/heads/drafts/apps/web/wip"
    assert set(found[("apps/web", "v1")].resources) == {"Kptfile", "cm.yaml", "sub/Kptfile"}
    assert found[("apps/web", "v1")].author == "Ext"

    git("push", "--quiet", "origin", ":refs/heads/drafts/apps/web/wip", cwd=work)
    events = await wait_for(js, "ext", lambda es: bool(of_type(es, ev.RevisionRemoved)))
    removed = of_type(events, ev.RevisionRemoved)
    assert [(r.workspace, r.ref) for r in removed] == [("wip", "refs/heads/drafts/apps/web/wip")]
    await asyncio.sleep(1.5)  # three more polls: nothing is announced twice
    later = await events_of(js, "ext")
    assert len(discovered(later)) == 3
    assert len(of_type(later, ev.RevisionRemoved)) == 1


async def test_an_unreachable_server_fails_its_repository_only(
    js: JetStreamContext, syncer: Syncer, daemon: GitServer, tmp_path: Path
) -> None:
    ensure_bare_repository(tmp_path / "served" / "ok.git")
    push_package(
        tmp_path / "served" / "ok.git",
        tmp_path / "w",
        path="p",
        files={"Kptfile": KPTFILE},
        refs=["refs/heads/main"],
        message="m",
    )
    dead = f"git://127.0.0.1:{free_port()}/gone.git"
    await enqueue(
        js,
        syncwork.ConnectRepository(
            namespace=NS, repository="dead", target=target(dead), source_event="c1"
        ),
    )
    await register(js, "dead", dead)
    await register(js, "ok", daemon.url("ok"))

    dead_events = await wait_for(
        js, "dead", lambda es: bool(of_type(es, ev.RepositoryConnectionFailed))
    )
    ok_events = await wait_for(js, "ok", lambda es: bool(of_type(es, ev.RevisionDiscovered)))

    assert of_type(dead_events, ev.RepositoryConnectionFailed)[0].reason == "GitUnavailable"
    assert of_type(ok_events, ev.RepositoryConnected)
    # a poll's facts name the registration it read, so a later one of the name drops them
    assert {e.repository_uid for e in of_type(ok_events, ev.RevisionDiscovered)} == {"uid-ok"}
    assert {e.repository_uid for e in of_type(ok_events, ev.RepositoryConnected)} == {"uid-ok"}
    await asyncio.sleep(1.5)  # polls keep failing: the failure is recorded once, not per poll
    assert len(of_type(await events_of(js, "dead"), ev.RepositoryConnectionFailed)) == 1


async def test_credentials_never_reach_events_or_logs(
    js: JetStreamContext,
    syncer: Syncer,
    http_server: Any,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    ensure_bare_repository(tmp_path / "served" / "sec.git")
    await store_secret(js, "wrong", {"username": USER, "password": "not-" + PASSWORD})
    await store_secret(js, "right", {"username": USER, "password": PASSWORD})
    url = http_server.url("sec")
    await register(js, "bad", url, secret="wrong")
    await register(js, "good", url, secret="right")
    await register(js, "nosecret", url, secret="missing")

    bad = await wait_for(js, "bad", lambda es: bool(of_type(es, ev.RepositoryConnectionFailed)))
    await wait_for(js, "good", lambda es: bool(of_type(es, ev.RepositorySynced)))
    missing = await wait_for(
        js, "nosecret", lambda es: bool(of_type(es, ev.RepositoryConnectionFailed))
    )

    assert "authentication" in of_type(bad, ev.RepositoryConnectionFailed)[0].message
    assert of_type(missing, ev.RepositoryConnectionFailed)[0].reason == "CredentialsUnavailable"
    everything = await reading.read(js, subjects.ALL_EVENTS)
    for record in everything:
        assert PASSWORD.encode() not in record.data
    assert PASSWORD not in caplog.text
    assert all(PASSWORD not in str(p) for p in (tmp_path / "cache").rglob("*"))


async def test_connect_creates_a_missing_branch_only_when_asked(
    js: JetStreamContext, syncer: Syncer, served: Served
) -> None:
    secret = ""
    if served.credentials is not None:
        secret = "git-creds"
        await store_secret(js, secret, {"username": USER, "password": PASSWORD})
    for name, create in (("asked", True), ("plain", False)):
        where = syncwork.GitTarget(
            url=served.url, branch=f"{name}-branch", secret_ref=secret, create_branch=create
        )
        await enqueue(
            js,
            syncwork.ConnectRepository(
                namespace=NS, repository=name, target=where, source_event=f"c-{name}"
            ),
        )
    asked = await wait_for(js, "asked", lambda es: bool(of_type(es, ev.RepositorySynced)))
    plain = await wait_for(js, "plain", lambda es: bool(of_type(es, ev.RepositoryConnectionFailed)))
    await queue_drained(js)

    refs = ls_remote(served.bare)
    connected = of_type(asked, ev.RepositoryConnected)
    assert [c.commit for c in connected] == [refs["refs/heads/asked-branch"]]
    assert not of_type(asked, ev.RepositoryConnectionFailed)
    assert [f.reason for f in of_type(plain, ev.RepositoryConnectionFailed)] == ["BranchNotFound"]
    assert not of_type(plain, ev.RepositoryConnected)
    assert "refs/heads/plain-branch" not in refs
    bare = ["--git-dir", str(served.bare)]
    message = git(*bare, "log", "-1", "--format=%s", "asked-branch").strip()
    assert message == "Initial commit: Creating main branch"


async def test_the_poller_creates_the_branch_once_the_server_answers(
    js: JetStreamContext, syncer: Syncer, tmp_path: Path
) -> None:
    """createBranch from spec.git: the server is down at registration, the branch is created
    by the first poll that reaches it."""
    port = free_port()
    base = tmp_path / "late"
    ensure_bare_repository(base / "late.git")
    url = f"git://127.0.0.1:{port}/late.git"
    await register(js, "late", url, branch="deploy", create_branch=True)
    down = await wait_for(js, "late", lambda es: bool(of_type(es, ev.RepositoryConnectionFailed)))
    assert of_type(down, ev.RepositoryConnectionFailed)[0].reason == "GitUnavailable"

    with GitServer(base_dir=base, port=port):
        up = await wait_for(js, "late", lambda es: bool(of_type(es, ev.RepositoryConnected)))
        refs = ls_remote(base / "late.git")
    assert of_type(up, ev.RepositoryConnected)[0].commit == refs["refs/heads/deploy"]


def test_secret_values_decode_base64_data() -> None:
    from porch.eventlog.secrets import values

    secret = {"data": {"username": "dXNlcg=="}, "stringData": {"password": "pw"}}
    assert values(secret) == {"username": "user", "password": "pw"}
    assert msgspec.json.encode(values(secret))
