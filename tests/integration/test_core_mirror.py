"""The core v1 mirror over real KV buckets: it loads, follows writes and deletes, opens
sealed Secrets, and skips an entry it cannot read instead of stopping."""

from __future__ import annotations

import asyncio
import os

import pytest
from nats.js import JetStreamContext

from porch.eventlog import buckets, subjects
from porch.eventlog.secrets import SECRETS_BUCKET, SecretStore
from porch_apiserver import corev1
from porch_apiserver.coremirror import CoreMirror
from porch_apiserver.corestore import CoreStore
from tests.integration import aiotasks

pytestmark = pytest.mark.integration


def secret(name: str, value: str = "dg==") -> dict[str, object]:
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": name, "namespace": "default", "uid": name},
        "type": "Opaque",
        "data": {"k": value},
    }


async def test_mirror_follows_namespaces_and_sealed_secrets(js: JetStreamContext) -> None:
    key = os.urandom(32)
    store = CoreStore(
        js,
        await buckets.open_bucket(js, "porch_namespaces"),
        await SecretStore.open(js, key),
    )
    first = await store.secrets.create(secret("before"))
    mirror = CoreMirror(js, store.secrets)
    task = asyncio.create_task(mirror.run())
    try:
        assert await mirror.wait_ready(timeout=10)
        assert mirror.secrets.revision == first
        assert mirror.secrets.floor == first, "nothing older than the load resumes"
        [(obj, rev)] = mirror.secrets.objects.values()
        assert obj["data"] == {"k": "dg=="}, "held opened, as served"
        assert obj["metadata"]["resourceVersion"] == str(rev)

        # A value nothing can open is served as absent; the mirror goes on.
        await store.secrets.create(secret("after"))
        bad = await js.publish(f"$KV.{SECRETS_BUCKET}.{subjects.key('default', 'bad')}", b"\x00x")
        assert await mirror.visible(mirror.secrets, None, timeout=5)
        assert mirror.secrets.revision == bad.seq
        names = sorted(o["metadata"]["name"] for o, _ in mirror.secrets.objects.values())
        assert names == ["after", "before"]

        await store.secrets.delete("default", "before")
        assert await mirror.visible(mirror.secrets, None, timeout=5)
        changes = mirror.secrets.since(first)
        assert changes is not None
        assert [(c.type, c.object["metadata"]["name"]) for c in changes] == [
            ("ADDED", "after"),
            ("DELETED", "before"),
        ]

        obj = corev1.namespace_object(
            {"metadata": {"name": "team"}}, previous=None, uid="u", now="2026-01-01T00:00:00Z"
        )
        revision = await store.put_namespace(obj, last=None)
        assert await mirror.visible(mirror.namespaces, revision, timeout=5)
        assert [name for _, name, _ in mirror.namespaces.order] == ["team"]
    finally:
        await aiotasks.stop(task)
