"""git-sync's OCI handlers against a real registry and a real JetStream (blob store and
event stream): each work item's effect in the registry and the facts it returns."""

from __future__ import annotations

import urllib.request

import pytest
from nats.js import JetStreamContext

from porch.domain import events as ev
from porch.domain import syncwork
from porch.errors import OciError
from porch.eventlog import subjects
from porch.eventlog.blobs import BlobStore
from porch.local.ports import free_port
from porch.local.registry import RegistryServer
from porch.oci import OciRepository, PushRequest
from porch_gitsync import facts
from porch_gitsync.oci_sync import Fact, OciSync
from tests.integration import ocifixtures

pytestmark = pytest.mark.integration
oci_registry = ocifixtures.oci_registry

FILES = {"Kptfile": b"kind: Kptfile\n", "cm.yaml": b"kind: ConfigMap\n" + b"x" * 1_000_000}
NS, REPO = "default", "oci-repo"


def digest_of(server: RegistryServer, repo: str, tag: str) -> str | None:
    req = urllib.request.Request(
        f"{server.url}/v2/{repo}/manifests/{tag}",
        method="HEAD",
        headers={"Accept": "application/vnd.oci.image.manifest.v1+json"},
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as response:
            return str(response.headers["Docker-Content-Digest"])
    except urllib.error.HTTPError:
        return None


@pytest.fixture
async def setup(
    js: JetStreamContext, oci_registry: RegistryServer
) -> tuple[OciSync, BlobStore, syncwork.OciTarget]:
    blobs = await BlobStore.open(js)
    return (
        OciSync(blobs, timeout=5),
        blobs,
        syncwork.OciTarget(registry=f"{oci_registry.address}/p"),
    )


async def resources(blobs: BlobStore) -> dict[str, str]:
    return {path: await blobs.put(data) for path, data in FILES.items()}


def draft(
    target: syncwork.OciTarget, res: dict[str, str], **changes: object
) -> syncwork.WriteDraft:
    fields: dict[str, object] = {
        "namespace": NS,
        "repository": REPO,
        "package": "app",
        "workspace": "ws1",
        "lifecycle": "Draft",
        "resources": res,
        "target": target,
        "author": "alice",
        "time": "2026-01-01T00:00:00Z",
        "message": "Creating new empty revision",
        "task": {"type": "init"},
        "source_event": "e-draft",
    }
    fields.update(changes)
    return syncwork.WriteDraft(**fields)  # type: ignore[arg-type]


def only(result: list[Fact]) -> ev.Event:
    assert len(result) == 1
    return result[0].event


async def test_connect_reports_reachability(
    setup: tuple[OciSync, BlobStore, syncwork.OciTarget],
) -> None:
    oci, _, target = setup
    work = syncwork.ConnectRepository(
        namespace=NS, repository=REPO, target=target, source_event="e-reg"
    )
    [fact] = await oci.handle(work)
    assert isinstance(fact.event, ev.RepositoryConnected)
    assert fact.subject == subjects.repository(NS, REPO)

    down = syncwork.OciTarget(registry=f"127.0.0.1:{free_port()}/p")
    unreachable = syncwork.ConnectRepository(
        namespace=NS, repository=REPO, target=down, source_event="e-reg2"
    )
    with pytest.raises(OciError, match="unreachable"):
        await oci.handle(unreachable)
    [failed] = oci.failure(unreachable, reason="RegistryUnavailable", message="down")
    assert isinstance(failed.event, ev.RepositoryConnectionFailed)
    assert failed.event.reason == "RegistryUnavailable"

    bad = syncwork.ConnectRepository(
        namespace=NS,
        repository=REPO,
        target=syncwork.OciTarget(registry="ftp://nowhere"),
        source_event="e-reg3",
    )
    [invalid] = await oci.handle(bad)  # permanent: a failure fact, not an exception
    assert isinstance(invalid.event, ev.RepositoryConnectionFailed)
    assert "unsupported scheme" in invalid.event.message


async def test_revision_lifecycle_in_the_registry_with_synced_facts(
    setup: tuple[OciSync, BlobStore, syncwork.OciTarget],
    oci_registry: RegistryServer,
    js: JetStreamContext,
) -> None:
    oci, blobs, target = setup
    res = await resources(blobs)
    common = {"namespace": NS, "repository": REPO, "package": "app", "workspace": "ws1"}

    work = draft(target, res)
    synced = only(await oci.handle(work))
    assert isinstance(synced, ev.RevisionSynced)
    assert synced.commit == digest_of(oci_registry, "p/app", "ws1")
    assert synced.ref == f"{oci_registry.address}/p/app:ws1"
    # Redelivered: the same fact (same id, so the stream keeps one), nothing new pushed.
    again = only(await oci.handle(work))
    assert (again.id, again.command_id) == (synced.id, synced.command_id)
    fact = (await oci.handle(work))[0]
    for _ in range(2):
        await facts.record(js, subject=fact.subject, boundary=fact.boundary, event=fact.event)
    info = await js.stream_info("PORCH_EVENTS", subjects_filter=fact.subject)
    assert info.state.messages == 1

    moved = only(
        await oci.handle(
            syncwork.MoveRevision(
                **common, to_lifecycle="Proposed", target=target, source_event="e-prop"
            )
        )
    )
    assert isinstance(moved, ev.RevisionSynced)
    assert moved.commit == digest_of(oci_registry, "p/app", "ws1") != synced.commit

    published = only(
        await oci.handle(
            syncwork.PublishRevision(
                **common,
                revision=1,
                resources=res,
                target=target,
                author="bob",
                time="2026-01-02T00:00:00Z",
                source_event="e-pub",
            )
        )
    )
    assert isinstance(published, ev.RevisionSynced)
    assert published.revision == 1
    assert published.ref == f"{oci_registry.address}/p/app:v1"
    assert published.commit == digest_of(oci_registry, "p/app", "v1")

    marked = only(
        await oci.handle(
            syncwork.MarkDeletion(
                **common, revision=1, proposed=True, target=target, source_event="e-mark"
            )
        )
    )
    assert isinstance(marked, ev.RevisionSynced)
    async with OciRepository(target.registry) as repo:
        [rev] = await repo.list_revisions("app")
        assert (rev.lifecycle, rev.revision) == ("DeletionProposed", 1)

    delete = syncwork.DeleteRevision(
        **common,
        lifecycle="DeletionProposed",
        revision=1,
        target=target,
        author="bob",
        time="2026-01-03T00:00:00Z",
        source_event="e-del",
    )
    removed = only(await oci.handle(delete))
    assert isinstance(removed, ev.RevisionRemoved)
    assert digest_of(oci_registry, "p/app", "ws1") is None
    assert digest_of(oci_registry, "p/app", "v1") is None
    assert isinstance(only(await oci.handle(delete)), ev.RevisionRemoved)  # redelivered


async def test_permanent_failures_come_back_as_failure_facts(
    setup: tuple[OciSync, BlobStore, syncwork.OciTarget],
) -> None:
    oci, blobs, target = setup
    res = await resources(blobs)
    missing = syncwork.MoveRevision(
        namespace=NS,
        repository=REPO,
        package="app",
        workspace="nope",
        to_lifecycle="Proposed",
        target=target,
        source_event="e-move",
    )
    failed = only(await oci.handle(missing))
    assert isinstance(failed, ev.RevisionSyncFailed)
    assert failed.reason == "NotFound"
    assert failed.source_event == "e-move"

    publish = {
        "namespace": NS,
        "repository": REPO,
        "package": "app",
        "revision": 1,
        "resources": res,
        "target": target,
        "author": "bob",
        "time": "2026-01-02T00:00:00Z",
    }
    await oci.handle(syncwork.PublishRevision(**publish, workspace="a", source_event="p1"))  # type: ignore[arg-type]
    clash = only(
        await oci.handle(syncwork.PublishRevision(**publish, workspace="b", source_event="p2"))  # type: ignore[arg-type]
    )
    assert isinstance(clash, ev.RevisionSyncFailed)
    assert clash.reason == "Conflict"


async def test_sync_discovers_changes_since_the_previous_pass(
    setup: tuple[OciSync, BlobStore, syncwork.OciTarget],
) -> None:
    oci, blobs, target = setup

    def sync(event: str) -> syncwork.SyncRepository:
        return syncwork.SyncRepository(
            namespace=NS, repository=REPO, target=target, source_event=event
        )

    async with OciRepository(target.registry) as repo:  # pushed "by someone else"
        for package, workspace, lifecycle, revision in [
            ("app", "v1-ws", "Published", 1),
            ("app", "ws2", "Draft", 0),
            ("team/db", "main", "Proposed", 0),
        ]:
            await repo.push_revision(
                PushRequest(
                    package=package,
                    workspace=workspace,
                    lifecycle=lifecycle,
                    revision=revision,
                    files=FILES,
                    event_id="external",
                    created="2026-01-01T00:00:00Z",
                    author="carol",
                    task={"type": "init", "init": {"description": "d"}},
                )
            )

        first = await oci.handle(sync("tick-1"))
        found = [f.event for f in first if isinstance(f.event, ev.RevisionDiscovered)]
        assert [(e.package, e.workspace, e.lifecycle, e.revision) for e in found] == [
            ("app", "v1-ws", "Published", 1),
            ("app", "ws2", "Draft", 0),
            ("team/db", "main", "Proposed", 0),
        ]
        assert found[0].ref.endswith("/p/app:v1")
        assert found[0].tasks == (ev.Task(type="init", init={"description": "d"}),)
        assert found[0].author == "carol"
        assert {p: await blobs.get(d) for p, d in found[2].resources.items()} == FILES
        assert first[0].subject == subjects.revision(NS, REPO, "app", "v1-ws")
        last = first[-1].event
        assert isinstance(last, ev.RepositorySynced)
        assert last.package_count == 2

        # Nothing changed: only the pass itself is recorded.
        quiet = await oci.handle(sync("tick-2"))
        assert [type(f.event) for f in quiet] == [ev.RepositorySynced]

        # Our own write is remembered, an external delete and an external change are seen.
        await oci.handle(draft(target, await resources(blobs), workspace="mine"))
        await repo.delete_revision("app", "ws2", revision=0)
        await repo.set_lifecycle("team/db", "main", "Draft", revision=0, event_id="ext-2")
        third = await oci.handle(sync("tick-3"))
    kinds = [(type(f.event).__name__, getattr(f.event, "workspace", "")) for f in third]
    assert kinds == [
        ("RevisionDiscovered", "main"),
        ("RevisionRemoved", "ws2"),
        ("RepositorySynced", ""),
    ]
    # After a lost recording the next pass reports everything again.
    oci.forget(sync("tick-3"))
    fourth = await oci.handle(sync("tick-4"))
    assert sum(isinstance(f.event, ev.RevisionDiscovered) for f in fourth) == 3
