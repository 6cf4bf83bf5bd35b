"""Kubernetes-shaped Secrets in a KV bucket of their own (``porch_secrets``), by namespace/name.

Secrets never enter the event stream: events and work items name a Secret, and only the
process about to use it (git-sync) reads it here. Values are kept as the API gives them
(``data`` base64, ``stringData`` plain); ``values`` decodes both. Nothing here logs a value,
and no error message quotes one.

The apiserver's core ``v1`` Secrets API (local mode) reads and writes through ``entry``,
``entries``, ``create`` and ``update``: the KV revision of a key is the Secret's
``resourceVersion``, and ``create``/``update`` are conditional on it (optimistic concurrency).
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from nats.js import JetStreamContext
from nats.js.errors import KeyWrongLastSequenceError
from nats.js.kv import KeyValue

from porch.errors import AlreadyExists, Conflict, Invalid, NotFound
from porch.eventlog import buckets, subjects

SECRETS_BUCKET = "porch_secrets"


def values(secret: dict[str, Any]) -> dict[str, str]:
    """The Secret's keys with decoded values (``stringData`` wins, as in Kubernetes)."""
    out: dict[str, str] = {}
    for key, encoded in (secret.get("data") or {}).items():
        try:
            out[str(key)] = base64.b64decode(str(encoded), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            raise Invalid(f"Secret key {key!r} is not base64-encoded UTF-8") from None
    out.update({str(k): str(v) for k, v in (secret.get("stringData") or {}).items()})
    return out


class SecretStore:
    def __init__(self, kv: KeyValue) -> None:
        self._kv = kv

    @classmethod
    async def open(cls, js: JetStreamContext) -> SecretStore:
        return cls(await buckets.open_bucket(js, SECRETS_BUCKET))

    async def put(self, secret: dict[str, Any]) -> int:
        meta = secret.get("metadata") or {}
        namespace, name = meta.get("namespace"), meta.get("name")
        if not isinstance(namespace, str) or not namespace or not isinstance(name, str) or not name:
            raise Invalid("a Secret needs metadata.namespace and metadata.name")
        values(secret)  # refuse undecodable data now, not when it is used
        return int(await self._kv.put(subjects.key(namespace, name), json.dumps(secret).encode()))

    async def get(self, namespace: str, name: str) -> dict[str, Any]:
        entry = await buckets.get(self._kv, subjects.key(namespace, name))
        if entry is None or entry.value is None:
            raise NotFound(f'secret "{name}" not found in namespace "{namespace}"')
        secret: dict[str, Any] = json.loads(entry.value)
        return secret

    async def delete(self, namespace: str, name: str, *, last: int | None = None) -> None:
        """Delete; with ``last``, only if the Secret is still at that revision."""
        try:
            await self._kv.delete(subjects.key(namespace, name), last=last)
        except KeyWrongLastSequenceError:
            raise Conflict(f'secret "{name}" was modified concurrently') from None

    async def entry(self, namespace: str, name: str) -> tuple[dict[str, Any], int] | None:
        """The Secret with its revision, or None."""
        found = await buckets.get(self._kv, subjects.key(namespace, name))
        if found is None or found.value is None:
            return None
        return json.loads(found.value), found.revision

    async def entries(self, namespace: str | None = None) -> list[tuple[dict[str, Any], int]]:
        """Every Secret (of ``namespace``, if given) with its revision, in key order."""
        keys = ">" if namespace is None else subjects.key(namespace) + ".*"
        loaded: dict[str, buckets.Entry] = {}
        stream = buckets.changes(self._kv, keys=keys)
        try:
            async for found in stream:
                if found is None:
                    break
                loaded[found.key] = found
        finally:
            await stream.aclose()  # type: ignore[attr-defined]
        return [(json.loads(e.value), e.revision) for _, e in sorted(loaded.items()) if e.value]

    async def create(self, secret: dict[str, Any]) -> int:
        """Store a new Secret; AlreadyExists if the name is taken."""
        namespace, name = _names(secret)
        try:
            return int(await self._kv.create(subjects.key(namespace, name), _encode(secret)))
        except KeyWrongLastSequenceError:
            raise AlreadyExists(f'secrets "{name}" already exists') from None

    async def update(self, secret: dict[str, Any], *, last: int) -> int:
        """Replace the Secret stored at revision ``last``; Conflict if it moved since."""
        namespace, name = _names(secret)
        try:
            revision = await self._kv.update(
                subjects.key(namespace, name), _encode(secret), last=last
            )
        except KeyWrongLastSequenceError:
            raise Conflict(f'secret "{name}" was modified concurrently') from None
        return int(revision)


def _names(secret: dict[str, Any]) -> tuple[str, str]:
    meta = secret.get("metadata") or {}
    namespace, name = meta.get("namespace"), meta.get("name")
    if not isinstance(namespace, str) or not namespace or not isinstance(name, str) or not name:
        raise Invalid("a Secret needs metadata.namespace and metadata.name")
    return namespace, name


def _encode(secret: dict[str, Any]) -> bytes:
    values(secret)  # refuse undecodable data now, not when it is used
    stored = dict(secret)
    stored["metadata"] = {
        k: v for k, v in (secret.get("metadata") or {}).items() if k != "resourceVersion"
    }
    return json.dumps(stored).encode()


__all__ = ["SECRETS_BUCKET", "SecretStore", "values"]
