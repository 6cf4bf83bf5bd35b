"""Package revisions in a real registry (docker-registry on loopback), checked through the
distribution API with urllib (independent of the client under test)."""

from __future__ import annotations

import base64
import gzip
import io
import json
import logging
import os
import tarfile
import time
import urllib.error
import urllib.request
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from porch.errors import Conflict, Invalid, NotFound, OciError, Unauthorized
from porch.local.ports import free_port
from porch.local.registry import RegistryServer
from porch.oci import OciRepository, PushRequest, RegistryCredentials, parse_image, pull_image
from porch.oci.client import RegistryClient
from porch.oci.layers import sha256
from tests.integration import ocifixtures

pytestmark = pytest.mark.integration
oci_registry = ocifixtures.oci_registry

BIG = os.urandom(512 * 1024).hex().encode()  # 1 MiB, incompressible enough to be real
FILES = {
    "Kptfile": b"apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: app\n",
    "deploy/big.yaml": b"data: " + BIG + b"\n",
    "README.md": b"# app\n",
}
TASK = {"type": "init", "init": {"description": "app description"}}


def request(**changes: Any) -> PushRequest:
    fields: dict[str, Any] = {
        "package": "app",
        "workspace": "ws1",
        "lifecycle": "Draft",
        "revision": 0,
        "files": FILES,
        "event_id": "ev-1",
        "created": "2026-01-02T03:04:05Z",
        "author": "alice",
        "task": TASK,
    }
    fields.update(changes)
    return PushRequest(**fields)


def http_get(url: str, accept: str = "") -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(req, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def manifest(server: RegistryServer, repo: str, ref: str) -> dict[str, Any] | None:
    status, _, body = http_get(
        f"{server.url}/v2/{repo}/manifests/{ref}", "application/vnd.oci.image.manifest.v1+json"
    )
    return json.loads(body) if status == 200 else None


def tags(server: RegistryServer, repo: str) -> list[str]:
    status, _, body = http_get(f"{server.url}/v2/{repo}/tags/list")
    return sorted(json.loads(body).get("tags") or []) if status == 200 else []


@pytest.fixture
async def repo(oci_registry: RegistryServer) -> Any:
    async with OciRepository(f"{oci_registry.address}/porch") as repository:
        yield repository


async def test_push_pull_round_trip_of_a_1mb_package(
    oci_registry: RegistryServer, repo: OciRepository
) -> None:
    result = await repo.push_revision(request())
    assert not result.already
    assert result.image == f"{oci_registry.address}/porch/app:ws1"

    doc = manifest(oci_registry, "porch/app", "ws1")
    assert doc is not None
    assert doc["annotations"]["kpt.dev/lifecycle"] == "Draft"
    assert "kpt.dev/revision" not in doc["annotations"]  # Porch: only once published
    assert doc["annotations"]["kpt.dev/package"] == "app"
    assert doc["annotations"]["kpt.dev/workspace"] == "ws1"
    assert doc["annotations"]["porch.kpt.dev/event-id"] == "ev-1"
    [layer] = doc["layers"]
    assert layer["mediaType"] == "application/vnd.oci.image.layer.v1.tar+gzip"
    # The layer is a plain tar.gz any tool can read, holding the package tree.
    _, _, blob = http_get(f"{oci_registry.url}/v2/porch/app/blobs/{layer['digest']}")
    with tarfile.open(fileobj=io.BytesIO(gzip.decompress(blob))) as tar:
        names = tar.getnames()
        member = tar.extractfile("deploy/big.yaml")
        assert member is not None
        assert member.read() == FILES["deploy/big.yaml"]
    assert names == sorted(FILES)
    _, _, config = http_get(f"{oci_registry.url}/v2/porch/app/blobs/{doc['config']['digest']}")
    history = json.loads(config)["history"]
    assert history[0]["created_by"] == "kpt:" + json.dumps(TASK, sort_keys=True)

    assert await repo.pull_files("app", "ws1") == FILES


async def test_image_is_deterministic_and_redelivery_is_idempotent(
    oci_registry: RegistryServer, repo: OciRepository
) -> None:
    first = await repo.push_revision(request())
    again = await repo.push_revision(request())
    assert again.already
    assert again.digest == first.digest
    # A newer write to the same workspace (another event) moves the tag.
    newer = await repo.push_revision(request(event_id="ev-2", files={**FILES, "x.yaml": b"x"}))
    assert not newer.already
    assert newer.digest != first.digest
    assert await repo.pull_files("app", "ws1") == {**FILES, "x.yaml": b"x"}


async def test_lifecycle_moves_rewrite_annotations_and_tag_published_revisions(
    oci_registry: RegistryServer, repo: OciRepository
) -> None:
    await repo.push_revision(request())
    proposed = await repo.set_lifecycle("app", "ws1", "Proposed", revision=0, event_id="ev-2")
    assert not proposed.already
    redelivered = await repo.set_lifecycle("app", "ws1", "Proposed", revision=0, event_id="ev-2")
    assert redelivered.already
    doc = manifest(oci_registry, "porch/app", "ws1")
    assert doc is not None
    assert doc["annotations"]["kpt.dev/lifecycle"] == "Proposed"

    published = await repo.push_revision(request(lifecycle="Published", revision=1, event_id="e3"))
    assert published.image.endswith("/porch/app:v1")
    assert tags(oci_registry, "porch/app") == ["v1", "ws1"]
    v1 = manifest(oci_registry, "porch/app", "v1")
    assert v1 is not None
    assert v1["annotations"]["kpt.dev/lifecycle"] == "Published"
    assert v1["annotations"]["kpt.dev/revision"] == "1"

    await repo.set_lifecycle("app", "ws1", "DeletionProposed", revision=1, event_id="e4")
    for ref in ("ws1", "v1"):
        doc = manifest(oci_registry, "porch/app", ref)
        assert doc is not None
        assert doc["annotations"]["kpt.dev/lifecycle"] == "DeletionProposed"
    back = await repo.set_lifecycle("app", "ws1", "Published", revision=1, event_id="e5")
    assert not back.already
    assert await repo.pull_files("app", "v1") == FILES


async def test_a_published_number_is_never_moved_to_another_workspace(
    repo: OciRepository,
) -> None:
    await repo.push_revision(request(lifecycle="Published", revision=1))
    with pytest.raises(Conflict, match="already holds revision 1"):
        await repo.push_revision(request(workspace="ws2", lifecycle="Published", revision=1))
    with pytest.raises(Invalid):
        await repo.push_revision(request(lifecycle="Published", revision=0))
    with pytest.raises(Invalid, match="not a valid image tag"):
        await repo.push_revision(request(workspace="bad/tag"))


async def test_discovery_lists_packages_and_revisions_with_lifecycle_and_tasks(
    oci_registry: RegistryServer, repo: OciRepository
) -> None:
    await repo.push_revision(request())
    await repo.push_revision(request(workspace="ws2", lifecycle="Published", revision=1))
    await repo.push_revision(request(package="team/db", workspace="main", lifecycle="Proposed"))
    # Outside the repository's prefix: not one of its packages.
    async with OciRepository(f"{oci_registry.address}/other") as other:
        await other.push_revision(request(package="elsewhere"))

    assert await repo.list_packages() == ["app", "team/db"]
    revisions = await repo.list_revisions("app")
    assert [(r.workspace, r.lifecycle, r.revision) for r in revisions] == [
        ("ws1", "Draft", 0),
        ("ws2", "Published", 1),
    ]
    ws1 = revisions[0]
    assert ws1.tasks == (TASK,)
    assert ws1.author == "alice"
    assert ws1.created == "2026-01-02T03:04:05Z"
    assert ws1.event_id == "ev-1"
    # An unchanged image is served from what the caller already knows.
    known = {r.digest: r for r in revisions}
    assert await repo.list_revisions("app", known=known) == revisions
    assert await repo.list_revisions("missing") == []
    assert await repo.pull_files("team/db", "main") == FILES
    with pytest.raises(NotFound):
        await repo.pull_files("app", "nope")


async def test_images_pushed_by_other_tools_are_discovered_and_flattened(
    oci_registry: RegistryServer, repo: OciRepository
) -> None:
    """Porch appends one layer per change and leaves lifecycle unset on new drafts."""
    client = RegistryClient(repo.location)
    try:

        def layer(entries: dict[str, bytes]) -> bytes:
            buf = io.BytesIO()
            with tarfile.open(fileobj=buf, mode="w") as tar:
                for name, data in entries.items():
                    info = tarfile.TarInfo(name)
                    info.size = len(data)
                    tar.addfile(info, io.BytesIO(data))
            return gzip.compress(buf.getvalue())

        bottom = layer({"Kptfile": b"old", "gone.yaml": b"x"})
        top = layer({"Kptfile": b"new", ".wh.gone.yaml": b""})
        config = json.dumps({"history": [{"created_by": 'kpt:{"type":"init"}'}]}).encode()
        for blob in (bottom, top, config):
            await client.put_blob("porch/ext", blob)
        doc = {
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {
                "mediaType": "application/vnd.docker.container.image.v1+json",
                "digest": sha256(config),
                "size": len(config),
            },
            "layers": [
                {
                    "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                    "digest": sha256(b),
                    "size": len(b),
                }
                for b in (bottom, top)
            ],
        }
        await client.put_manifest("porch/ext", "draft1", json.dumps(doc).encode(), doc["mediaType"])
    finally:
        await client.close()

    [rev] = await repo.list_revisions("ext")
    assert (rev.workspace, rev.lifecycle, rev.revision, rev.event_id) == ("draft1", "Draft", 0, "")
    assert rev.tasks == ({"type": "init"},)
    assert await repo.pull_files("ext", "draft1") == {"Kptfile": b"new"}
    image = parse_image(f"{oci_registry.address}/porch/ext:draft1")
    assert await pull_image(image) == {"Kptfile": b"new"}


async def test_delete_removes_the_revision_and_its_version_tag(
    oci_registry: RegistryServer, repo: OciRepository
) -> None:
    await repo.push_revision(request())
    await repo.push_revision(request(workspace="ws2", lifecycle="Published", revision=1))
    assert await repo.delete_revision("app", "ws1", revision=0)
    assert manifest(oci_registry, "porch/app", "ws1") is None
    assert tags(oci_registry, "porch/app") == ["v1", "ws2"]
    assert await repo.delete_revision("app", "ws2", revision=1)
    assert manifest(oci_registry, "porch/app", "v1") is None
    assert tags(oci_registry, "porch/app") == []
    # Redelivered: nothing left to delete, and no error.
    assert not await repo.delete_revision("app", "ws2", revision=1)
    assert await repo.list_revisions("app") == []


async def test_an_unreachable_registry_is_a_transient_error_raised_at_once() -> None:
    port = free_port()  # nothing listens here
    async with OciRepository(f"127.0.0.1:{port}/porch", timeout=5) as repo:
        started = time.monotonic()
        with pytest.raises(OciError, match=f"127.0.0.1:{port} is unreachable"):
            await repo.push_revision(request())
        with pytest.raises(OciError, match="unreachable"):
            await repo.check()
        assert time.monotonic() - started < 5  # no in-process retry loop


async def test_a_registry_that_stops_answering_mid_life_is_transient(
    oci_registry: RegistryServer, repo: OciRepository
) -> None:
    await repo.check()
    oci_registry.stop()
    with pytest.raises(OciError, match="unreachable"):
        await repo.list_packages()


@pytest.fixture
async def guarded(oci_registry: RegistryServer) -> Any:
    """The registry behind a basic-auth gate (``alice`` / ``s3cret-pw``), as hosted
    registries are; the gate forwards everything else unchanged."""
    expected = "Basic " + base64.b64encode(b"alice:s3cret-pw").decode()
    session = aiohttp.ClientSession()

    async def forward(request: web.Request) -> web.StreamResponse:
        if request.headers.get("Authorization") != expected:
            return web.Response(status=401, headers={"WWW-Authenticate": 'Basic realm="registry"'})
        headers = {k: v for k, v in request.headers.items() if k.lower() != "authorization"}
        async with session.request(
            request.method,
            f"{oci_registry.url}{request.path_qs}",
            headers=headers,
            data=await request.read(),
            allow_redirects=False,
        ) as answer:
            body = await answer.read()
            keep = {k: v for k, v in answer.headers.items() if k.lower() != "content-length"}
            keep.pop("Transfer-Encoding", None)
            return web.Response(status=answer.status, headers=keep, body=body)

    app = web.Application(client_max_size=64 * 1024 * 1024)
    app.router.add_route("*", "/{tail:.*}", forward)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    yield f"127.0.0.1:{port}"
    await runner.cleanup()
    await session.close()


async def test_credentials_are_sent_and_never_shown(
    guarded: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with OciRepository(f"{guarded}/porch") as anonymous:
        with pytest.raises(Unauthorized, match="requires credentials"):
            await anonymous.check()
    wrong = RegistryCredentials("alice", "wrong-pw")
    async with OciRepository(f"{guarded}/porch", wrong) as refused:
        with pytest.raises(Unauthorized) as info:
            await refused.push_revision(request())
    assert "wrong-pw" not in info.value.message
    assert "refused the credentials" in info.value.message
    right = RegistryCredentials("alice", "s3cret-pw")
    assert "s3cret-pw" not in repr(right)
    async with OciRepository(f"{guarded}/porch", right) as repo:
        await repo.check()
        await repo.push_revision(request())
        assert await repo.pull_files("app", "ws1") == FILES
        assert [r.workspace for r in await repo.list_revisions("app")] == ["ws1"]
    assert "s3cret-pw" not in caplog.text
    assert base64.b64encode(b"alice:s3cret-pw").decode() not in caplog.text
