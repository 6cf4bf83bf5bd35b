"""Secrets encrypted at rest in the ``porch_secrets`` bucket, with a real NATS server.

The bytes JetStream holds never contain a Secret's values; a service that opens the store
from its environment (``PORCH_SECRETS_KEY_FILE``) reads them back; plaintext entries written
before a key was configured are still read and sealed on their next write; an old key is
accepted for reads after a rotation; a store without the right key refuses clearly.
"""

from __future__ import annotations

import base64
import json
import logging
import os
from pathlib import Path

import pytest
from nats.js import JetStreamContext

from porch.eventlog import buckets, secretcipher, subjects
from porch.eventlog.secrets import SECRETS_BUCKET, SecretStore, SecretUnreadable
from porch.git import Credentials
from porch_gitsync import secretrefs

pytestmark = pytest.mark.integration

NS = "default"
PASSWORD = "correct-horse-battery-staple"
USER = "porch-robot-user"


def _key_file(path: Path) -> bytes:
    key = os.urandom(32)
    path.write_bytes(base64.b64encode(key) + b"\n")
    path.chmod(0o600)
    return key


def _secret(name: str) -> dict[str, object]:
    data = {"username": base64.b64encode(USER.encode()).decode()}
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"namespace": NS, "name": name},
        "type": "kubernetes.io/basic-auth",
        "data": data,
        "stringData": {"password": PASSWORD},
    }


async def _raw(js: JetStreamContext, name: str) -> bytes:
    kv = await buckets.open_bucket(js, SECRETS_BUCKET)
    found = await buckets.get(kv, subjects.key(NS, name))
    assert found is not None
    assert found.value is not None
    return found.value


def _hidden(raw: bytes) -> bool:
    clear = (PASSWORD, USER, base64.b64encode(USER.encode()).decode(), "stringData")
    return raw.startswith(secretcipher.MAGIC) and not any(v.encode() in raw for v in clear)


async def test_stored_bytes_hide_values_and_services_read_them_with_the_key(
    js: JetStreamContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = _key_file(tmp_path / "secrets.key")
    monkeypatch.setenv("PORCH_SECRETS_KEY_FILE", str(tmp_path / "secrets.key"))
    writer = await SecretStore.open(js)  # the apiserver's way: from the environment
    revision = await writer.create(_secret("git-creds"))
    assert _hidden(await _raw(js, "git-creds"))
    assert secretcipher.key_id(key) in await _raw(js, "git-creds")

    reader = await SecretStore.open(js)  # another process with the same key file
    found = await secretrefs.credentials(reader, namespace=NS, name="git-creds")
    assert found == Credentials(username=USER, password=PASSWORD)
    entry = await reader.entry(NS, "git-creds")
    assert entry is not None
    assert entry[1] == revision
    assert [s["metadata"]["name"] for s, _ in await reader.entries(NS)] == ["git-creds"]


async def test_a_store_without_the_right_key_refuses_naming_only_the_secret(
    js: JetStreamContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PORCH_SECRETS_KEY_FILE", raising=False)
    await (await SecretStore.open(js, _key_file(tmp_path / "a.key"))).create(_secret("git"))
    for store in (
        await SecretStore.open(js, _key_file(tmp_path / "b.key")),
        await SecretStore.open(js),  # no key configured at all
    ):
        with pytest.raises(SecretUnreadable) as refused:
            await store.get(NS, "git")
        assert refused.value.code == 500
        assert 'secret "git" in namespace "default" cannot be decrypted' in refused.value.message
        assert PASSWORD not in refused.value.message
        with pytest.raises(SecretUnreadable):  # git-sync reports it as unusable credentials
            await secretrefs.credentials(store, namespace=NS, name="git")


async def test_legacy_plaintext_is_read_and_sealed_on_its_next_write(
    js: JetStreamContext,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PORCH_SECRETS_KEY_FILE", raising=False)
    with caplog.at_level(logging.WARNING, logger="porch.eventlog.secrets"):
        old = await SecretStore.open(js)  # before encryption was configured
    assert [r.getMessage() for r in caplog.records] == [
        "Secrets are stored unencrypted: set PORCH_SECRETS_KEY_FILE to a file with a base64"
        " 32-byte key"
    ]
    await old.create(_secret("legacy"))
    legacy = await _raw(js, "legacy")
    assert json.loads(legacy)["stringData"]["password"] == PASSWORD

    store = await SecretStore.open(js, _key_file(tmp_path / "secrets.key"))
    found = await store.entry(NS, "legacy")
    assert found is not None
    secret, revision = found
    assert secret["stringData"]["password"] == PASSWORD
    await store.update(secret, last=revision)
    assert _hidden(await _raw(js, "legacy"))
    assert (await store.get(NS, "legacy"))["stringData"]["password"] == PASSWORD


async def test_an_old_key_is_accepted_for_reads_after_a_rotation(
    js: JetStreamContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old_key = _key_file(tmp_path / "old.key")
    await (await SecretStore.open(js, old_key)).create(_secret("rotated"))
    new_key = _key_file(tmp_path / "new.key")
    monkeypatch.setenv("PORCH_SECRETS_KEY_FILE", str(tmp_path / "new.key"))
    monkeypatch.setenv("PORCH_SECRETS_OLD_KEY_FILE", str(tmp_path / "old.key"))
    store = await SecretStore.open(js)
    found = await store.entry(NS, "rotated")
    assert found is not None
    assert found[0]["stringData"]["password"] == PASSWORD
    await store.update(found[0], last=found[1])
    raw = await _raw(js, "rotated")
    assert raw.startswith(secretcipher.MAGIC + secretcipher.key_id(new_key))
    with pytest.raises(SecretUnreadable):  # the old key alone no longer opens it
        await (await SecretStore.open(js, old_key)).get(NS, "rotated")


async def test_a_named_key_file_that_is_missing_or_malformed_stops_the_open(
    js: JetStreamContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PORCH_SECRETS_KEY_FILE", str(tmp_path / "missing.key"))
    with pytest.raises(secretcipher.KeyFileError, match=r"missing\.key"):
        await SecretStore.open(js)
    (tmp_path / "short.key").write_text(base64.b64encode(b"x" * 16).decode())
    monkeypatch.setenv("PORCH_SECRETS_KEY_FILE", str(tmp_path / "short.key"))
    with pytest.raises(secretcipher.KeyFileError, match="32 bytes"):
        await SecretStore.open(js)
