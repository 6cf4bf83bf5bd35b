"""OCI repositories through the API against a real registry (Debian's docker-registry on
loopback): register, publish (image per package, tag per workspace and ``vN``, Porch's
``kpt.dev/lifecycle`` / ``kpt.dev/revision`` annotations), discover an image pushed by
another tool, and clone from OCI, both from a published OCI PackageRevision and from a raw
image reference (reference/porch.md §2, "OCI repositories")."""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request

import pytest

from porch.local.registry import RegistryServer
from porch.oci import OciRepository, PushRequest
from tests.e2e.test_porch_scenarios import (
    Obj,
    Porch,
    clone_task,
    condition,
    kptfile,
    porch,
    pr_name,
    repo,
    sync_now,
    wait_until,
)

pytestmark = pytest.mark.e2e
__all__ = ["porch", "repo"]  # the fixtures, shared with the scenarios module

MANIFEST = "application/vnd.oci.image.manifest.v1+json"


def register_oci(porch: Porch, registry: RegistryServer, name: str, *, sync: str = "") -> str:
    manifest: Obj = {
        "apiVersion": "config.porch.kpt.dev/v1alpha1",
        "kind": "Repository",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {
            "type": "oci",
            "content": "Package",
            "oci": {"registry": f"{registry.address}/{name}"},
        },
    }
    if sync:
        manifest["spec"]["sync"] = {"schedule": sync}
    porch.kubectl("apply", "-f", "-", stdin=json.dumps(manifest))
    porch.kubectl("wait", "--for=condition=Ready", f"repository/{name}", "--timeout=30s")
    return f"{registry.address}/{name}"


def manifest_of(registry: RegistryServer, image_repo: str, tag: str) -> Obj | None:
    url = f"{registry.url}/v2/{image_repo}/manifests/{tag}"
    req = urllib.request.Request(url, headers={"Accept": MANIFEST})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            loaded: Obj = json.loads(resp.read())
            return loaded
    except urllib.error.HTTPError:
        return None


def test_register_oci_repository(porch: Porch, module_registry: RegistryServer) -> None:
    register_oci(porch, module_registry, "oci-register")

    served = porch.get("repository", "oci-register")

    assert served["spec"]["type"] == "oci"
    assert condition(served)["status"] == "True"


def test_publish_to_oci(porch: Porch, module_registry: RegistryServer) -> None:
    register_oci(porch, module_registry, "oci-publish")

    name = porch.publish("oci-publish", "app", "ws")

    assert porch.get("packagerevision", name)["spec"]["revision"] == 1

    def published() -> bool:
        found = manifest_of(module_registry, "oci-publish/app", "v1")
        return found is not None and found.get("annotations", {}).get("kpt.dev/revision") == "1"

    wait_until(published, what="the v1 tag with Porch's annotations")
    found = manifest_of(module_registry, "oci-publish/app", "v1")
    assert found is not None
    assert found["annotations"]["kpt.dev/lifecycle"] == "Published"
    assert manifest_of(module_registry, "oci-publish/app", "ws") is not None


async def push_external(location: str, files: dict[str, bytes]) -> None:
    """Package ``ext`` v1, Published, pushed as another tool would: straight to the registry."""
    async with OciRepository(location) as registry:
        await registry.push_revision(
            PushRequest(
                package="ext",
                workspace="v1",
                lifecycle="Published",
                revision=1,
                files=files,
                event_id="external",
                created="2026-01-01T00:00:00Z",
            )
        )


def test_discover_from_oci(porch: Porch, module_registry: RegistryServer) -> None:
    location = register_oci(porch, module_registry, "oci-discover")
    files = {
        "Kptfile": b"apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: ext\n",
        "cm.yaml": b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ext\n",
    }

    asyncio.run(push_external(location, files))
    sync_now(porch, "oci-discover")

    name = pr_name("oci-discover", "ext", "v1")
    wait_until(lambda: porch.exists(name), what="the image discovered")
    served = porch.get("packagerevision", name)
    assert (served["spec"]["lifecycle"], served["spec"]["revision"]) == ("Published", 1)
    assert "cm.yaml" in porch.resources(name)["spec"]["resources"]


def test_oci_repositories_are_polled(porch: Porch, module_registry: RegistryServer) -> None:
    """No `repo sync`: an image pushed, then deleted, by another tool shows, then goes,
    within a few poll intervals."""
    location = register_oci(porch, module_registry, "oci-polled", sync="@every 1s")
    files = {"Kptfile": b"apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: ext\n"}

    async def delete() -> None:
        async with OciRepository(location) as registry:
            await registry.delete_revision("ext", "v1", revision=1)

    name = pr_name("oci-polled", "ext", "v1")
    asyncio.run(push_external(location, files))
    wait_until(lambda: porch.exists(name), what="the pushed image, polled", timeout=15)
    asyncio.run(delete())
    wait_until(lambda: not porch.exists(name), what="the deleted image, polled", timeout=15)


def published_upstream(porch: Porch, registry: RegistryServer, name: str) -> tuple[str, str]:
    """An OCI repository with a published revision ``base`` v1: (its name, its location)."""
    location = register_oci(porch, registry, name)
    upstream = porch.publish(name, "base", "ws")
    wait_until(
        lambda: manifest_of(registry, f"{name}/base", "v1") is not None,
        what="the published image",
    )
    return upstream, location


def test_clone_from_oci_image(porch: Porch, module_registry: RegistryServer, repo: str) -> None:
    _, location = published_upstream(porch, module_registry, "oci-image-upstream")
    raw = {"type": "oci", "oci": {"image": f"{location}/base:v1"}}

    created = porch.create(
        repo, "from-image", "ws", {"type": "clone", "clone": {"upstreamRef": raw}}
    )

    resources = porch.resources(created["metadata"]["name"])
    assert kptfile(resources)["metadata"]["name"] == "from-image"
    porch.wait_refs(repo, lambda r: "refs/heads/drafts/from-image/ws" in r, "the clone in Git")


def test_clone_from_oci_package_revision(
    porch: Porch, module_registry: RegistryServer, repo: str
) -> None:
    upstream, _ = published_upstream(porch, module_registry, "oci-rev-upstream")

    created = porch.create(repo, "from-revision", "ws", clone_task(upstream))

    resources = porch.resources(created["metadata"]["name"])
    assert kptfile(resources)["metadata"]["name"] == "from-revision"
