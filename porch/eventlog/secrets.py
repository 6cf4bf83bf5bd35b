"""Kubernetes-shaped Secrets in a KV bucket of their own (``porch_secrets``), by namespace/name.

Secrets never enter the event stream: events and work items name a Secret, and only the
process about to use it (git-sync) reads it here. Values are kept as the API gives them
(``data`` base64, ``stringData`` plain); ``values`` decodes both. Nothing here logs a value,
and no error message quotes one.

The apiserver's core ``v1`` Secrets API (local mode) reads and writes through ``entry``,
``entries``, ``create`` and ``update``: the KV revision of a key is the Secret's
``resourceVersion``, and ``create``/``update`` are conditional on it (optimistic concurrency).

At rest each value is sealed with AES-256-GCM (``secretcipher``) under the key in the file
``$PORCH_SECRETS_KEY_FILE``; ``$PORCH_SECRETS_OLD_KEY_FILE`` names a previous key still
accepted for reads (rotation). Values stored before a key was configured are plaintext JSON
and still read; the next write seals them. Without a key, values are stored in plaintext
and ``open`` warns once. A value no configured key opens is ``SecretUnreadable``, naming the
Secret, never its data.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from nats.js import JetStreamContext
from nats.js.errors import KeyWrongLastSequenceError
from nats.js.kv import KeyValue

from porch.errors import AlreadyExists, Conflict, Invalid, NotFound
from porch.eventlog import buckets, secretcipher, subjects

log = logging.getLogger(__name__)

SECRETS_BUCKET = "porch_secrets"
KEY_FILE_ENV = "PORCH_SECRETS_KEY_FILE"
OLD_KEY_FILE_ENV = "PORCH_SECRETS_OLD_KEY_FILE"


class SecretUnreadable(Invalid):
    """A stored Secret no configured key decrypts. An ``Invalid`` so the services that use
    credentials report it as unusable credentials; the API answers it as a 500."""

    code = 500
    reason = "InternalError"


def _read_key(env: Mapping[str, str], variable: str) -> bytes | None:
    path = env.get(variable, "")
    if not path:
        return None
    try:
        return secretcipher.parse_key(Path(path).read_bytes())
    except OSError as exc:
        raise secretcipher.KeyFileError(f"{variable}={path}: {exc.strerror}") from None
    except secretcipher.KeyFileError as exc:
        raise secretcipher.KeyFileError(f"{variable}={path}: {exc}") from None


def keyring_from_env(env: Mapping[str, str] | None = None) -> secretcipher.Keyring:
    """The keys named by ``$PORCH_SECRETS_KEY_FILE`` and ``$PORCH_SECRETS_OLD_KEY_FILE``;
    a named file that is missing or malformed is an error (a misconfiguration, at start)."""
    env = os.environ if env is None else env
    old = _read_key(env, OLD_KEY_FILE_ENV)
    return secretcipher.Keyring(_read_key(env, KEY_FILE_ENV), (old,) if old else ())


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
    def __init__(self, kv: KeyValue, keyring: secretcipher.Keyring | None = None) -> None:
        self._kv = kv
        self._keyring = keyring or secretcipher.Keyring()

    @classmethod
    async def open(
        cls, js: JetStreamContext, key: bytes | None = None, *, old_keys: Sequence[bytes] = ()
    ) -> SecretStore:
        """The store, with ``key`` (and ``old_keys``) if given, else the environment's."""
        if key is None and not old_keys:
            keyring = keyring_from_env()
        else:
            keyring = secretcipher.Keyring(key, tuple(old_keys))
        if not keyring.encrypts:
            log.warning(
                "Secrets are stored unencrypted: set %s to a file with a base64 32-byte key",
                KEY_FILE_ENV,
            )
        return cls(await buckets.open_bucket(js, SECRETS_BUCKET), keyring)

    def plaintext(self, key: str, stored: bytes) -> bytes:
        """The JSON of the Secret stored under KV ``key`` (for readers of the raw bucket)."""
        try:
            return secretcipher.unseal(self._keyring, stored, context=key.encode())
        except secretcipher.CipherError as exc:
            parts = subjects.unkey(key)
            namespace, name = (parts[0], parts[-1]) if len(parts) > 1 else ("", key)
            raise SecretUnreadable(
                f'secret "{name}" in namespace "{namespace}" cannot be decrypted: {exc}'
            ) from None

    def _decode(self, key: str, stored: bytes) -> dict[str, Any]:
        secret: dict[str, Any] = json.loads(self.plaintext(key, stored))
        return secret

    def _seal(self, key: str, document: bytes) -> bytes:
        return secretcipher.seal(self._keyring, document, context=key.encode())

    async def put(self, secret: dict[str, Any]) -> int:
        meta = secret.get("metadata") or {}
        namespace, name = meta.get("namespace"), meta.get("name")
        if not isinstance(namespace, str) or not namespace or not isinstance(name, str) or not name:
            raise Invalid("a Secret needs metadata.namespace and metadata.name")
        values(secret)  # refuse undecodable data now, not when it is used
        key = subjects.key(namespace, name)
        return int(await self._kv.put(key, self._seal(key, json.dumps(secret).encode())))

    async def get(self, namespace: str, name: str) -> dict[str, Any]:
        key = subjects.key(namespace, name)
        entry = await buckets.get(self._kv, key)
        if entry is None or entry.value is None:
            raise NotFound(f'secret "{name}" not found in namespace "{namespace}"')
        return self._decode(key, entry.value)

    async def delete(self, namespace: str, name: str, *, last: int | None = None) -> None:
        """Delete; with ``last``, only if the Secret is still at that revision."""
        try:
            await self._kv.delete(subjects.key(namespace, name), last=last)
        except KeyWrongLastSequenceError:
            raise Conflict(f'secret "{name}" was modified concurrently') from None

    async def entry(self, namespace: str, name: str) -> tuple[dict[str, Any], int] | None:
        """The Secret with its revision, or None."""
        key = subjects.key(namespace, name)
        found = await buckets.get(self._kv, key)
        if found is None or found.value is None:
            return None
        return self._decode(key, found.value), found.revision

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
        return [
            (self._decode(k, e.value), e.revision) for k, e in sorted(loaded.items()) if e.value
        ]

    async def create(self, secret: dict[str, Any]) -> int:
        """Store a new Secret; AlreadyExists if the name is taken."""
        namespace, name = _names(secret)
        key = subjects.key(namespace, name)
        try:
            return int(await self._kv.create(key, self._seal(key, _encode(secret))))
        except KeyWrongLastSequenceError:
            raise AlreadyExists(f'secrets "{name}" already exists') from None

    async def update(self, secret: dict[str, Any], *, last: int) -> int:
        """Replace the Secret stored at revision ``last``; Conflict if it moved since."""
        namespace, name = _names(secret)
        key = subjects.key(namespace, name)
        try:
            revision = await self._kv.update(key, self._seal(key, _encode(secret)), last=last)
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


__all__ = [
    "KEY_FILE_ENV",
    "OLD_KEY_FILE_ENV",
    "SECRETS_BUCKET",
    "SecretStore",
    "SecretUnreadable",
    "keyring_from_env",
    "values",
]
