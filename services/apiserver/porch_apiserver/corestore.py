"""Where local mode's core ``v1`` objects live: Namespaces in the KV bucket
``porch_namespaces`` (key: the escaped name), Secrets in ``porch_secrets`` through
``porch.eventlog.secrets`` (never in the event stream, never logged).

Neither kind is event-sourced: they are cluster plumbing, not Porch's domain, and a Secret
must not be kept forever in an append-only log. The KV revision of a key is the object's
``resourceVersion``; writes are conditional on it, so a stale update is a 409.
"""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime
from typing import Any

from nats.js import JetStreamContext
from nats.js.errors import KeyWrongLastSequenceError
from nats.js.kv import KeyValue

from porch.errors import Conflict
from porch.eventlog import buckets, subjects
from porch.eventlog.secrets import SecretStore
from porch_apiserver import corev1, statuses

Json = dict[str, Any]
NAMESPACES_BUCKET = "porch_namespaces"


class CoreStore:
    def __init__(self, js: JetStreamContext, namespaces: KeyValue, secrets: SecretStore) -> None:
        self.js = js  # for the mirror of these buckets (coremirror)
        self._namespaces = namespaces
        self.secrets = secrets

    @classmethod
    async def open(cls, js: JetStreamContext) -> CoreStore:
        namespaces = await buckets.open_bucket(js, NAMESPACES_BUCKET)
        store = cls(js, namespaces, await SecretStore.open(js))
        await store._ensure_default()
        return store

    async def _ensure_default(self) -> None:
        """Store ``default`` on first start, so its age is the installation's."""
        key = subjects.key(corev1.DEFAULT_NAMESPACE)
        if await buckets.get(self._namespaces, key) is not None:
            return
        obj = corev1.default_namespace()
        obj["metadata"]["creationTimestamp"] = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        with contextlib.suppress(KeyWrongLastSequenceError):  # another replica was first
            await self._namespaces.create(key, _encode(obj))

    # --- Namespaces ---------------------------------------------------------------------------

    async def namespace(self, name: str) -> tuple[Json, int] | None:
        """The Namespace with its revision; ``default`` exists even if never written."""
        found = await buckets.get(self._namespaces, subjects.key(name))
        if found is not None and found.value is not None:
            return _decode(found.value), found.revision
        if name == corev1.DEFAULT_NAMESPACE:
            return corev1.default_namespace(), 0
        return None

    async def put_namespace(self, obj: Json, *, last: int | None) -> int:
        """Create (``last`` None) or replace the Namespace stored at revision ``last``."""
        name = obj["metadata"]["name"]
        key, data = subjects.key(name), _encode(obj)
        try:
            if last is None:
                return int(await self._namespaces.create(key, data))
            return int(await self._namespaces.update(key, data, last=last))  # 0: never stored
        except KeyWrongLastSequenceError:
            if last is None:
                raise statuses.already_exists("namespaces", "", name) from None
            raise statuses.conflict_modified("namespaces", "", name) from None

    async def delete_namespace(self, name: str) -> None:
        """Remove the Namespace and the Secrets in it (kube's namespace controller would)."""
        for secret, revision in await self.secrets.entries(name):
            await self.secrets.delete(name, secret["metadata"]["name"], last=revision)
        try:
            await self._namespaces.delete(subjects.key(name))
        except KeyWrongLastSequenceError:  # pragma: no cover - delete without last never is
            raise Conflict(f'namespace "{name}" was modified concurrently') from None


def _decode(data: bytes) -> Json:
    obj: Json = json.loads(data)
    return obj


def _encode(obj: Json) -> bytes:
    meta = {k: v for k, v in obj["metadata"].items() if k != "resourceVersion"}
    return json.dumps({**obj, "metadata": meta}).encode()


__all__ = ["NAMESPACES_BUCKET", "CoreStore"]
