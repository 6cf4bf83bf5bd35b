"""``porch up`` encrypts Secrets at rest: it makes ``$PORCH_HOME/secrets.key`` (0600) once,
every service gets it, and the bytes in ``porch_secrets`` never hold a value kubectl wrote,
while kubectl reads it back and a restart keeps the same key."""

from __future__ import annotations

import asyncio
import base64
import secrets
import stat
from pathlib import Path

import nats
import pytest

from porch.eventlog import buckets, secretcipher, subjects
from porch.eventlog.secrets import SECRETS_BUCKET
from tests.e2e.stack import Running, porch_up

pytestmark = pytest.mark.e2e

PASSWORD = "s3cret-at-rest-e2e"


def raw_secret(running: Running, namespace: str, name: str) -> bytes:
    async def read() -> bytes:
        nc = await nats.connect(running.nats_url)
        try:
            kv = await buckets.open_bucket(nc.jetstream(), SECRETS_BUCKET)
            found = await buckets.get(kv, subjects.key(namespace, name))
            assert found is not None
            assert found.value is not None
            return found.value
        finally:
            await nc.close()

    return asyncio.run(read())


def test_porch_up_seals_secrets_with_its_own_key(stack: Running) -> None:
    key_file = stack.home / "secrets.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = secretcipher.parse_key(key_file.read_bytes())
    stack.kubectl("create", "secret", "generic", "at-rest", f"--from-literal=password={PASSWORD}")
    raw = raw_secret(stack, "default", "at-rest")
    assert raw.startswith(secretcipher.MAGIC + secretcipher.key_id(key))
    assert PASSWORD.encode() not in raw
    assert base64.b64encode(PASSWORD.encode()) not in raw
    got = stack.kubectl("get", "secret", "at-rest", "-o", "jsonpath={.data.password}").stdout
    assert base64.b64decode(got).decode() == PASSWORD
    for service in ("apiserver", "orchestrator", "git-sync"):
        assert "stored unencrypted" not in stack.log(service)


def test_a_restart_keeps_the_key(tmp_path: Path) -> None:
    first = porch_up(tmp_path)
    try:
        before = (tmp_path / "secrets.key").read_bytes()
        first.kubectl("create", "secret", "generic", "kept", f"--from-literal=password={PASSWORD}")
    finally:
        first.stop()
    again = porch_up(tmp_path)
    try:
        assert (tmp_path / "secrets.key").read_bytes() == before
        got = again.kubectl("get", "secret", "kept", "-o", "jsonpath={.data.password}").stdout
        assert base64.b64decode(got).decode() == PASSWORD
    finally:
        again.stop()


def test_a_key_rotation_is_finished_with_kubectl_replace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """kube's procedure for re-encrypting Secrets under a new key, unchanged: restart with
    the new key (the old one for reads only), then ``kubectl get secrets -A -o json |
    kubectl replace -f -``; after that the old key can go."""
    first = porch_up(tmp_path)
    try:
        for name in ("one", "two"):
            first.kubectl(
                "create", "secret", "generic", name, f"--from-literal=password={PASSWORD}"
            )
    finally:
        first.stop()
    key_file = tmp_path / "secrets.key"
    old_file = tmp_path / "old.key"
    old_file.write_bytes(key_file.read_bytes())
    old_file.chmod(0o600)
    key_file.write_bytes(base64.b64encode(secrets.token_bytes(32)) + b"\n")
    new_key = secretcipher.parse_key(key_file.read_bytes())
    monkeypatch.setenv("PORCH_SECRETS_OLD_KEY_FILE", str(old_file))
    rotating = porch_up(tmp_path)
    try:
        assert not raw_secret(rotating, "default", "one").startswith(
            secretcipher.MAGIC + secretcipher.key_id(new_key)
        )
        listed = rotating.kubectl("get", "secrets", "-A", "-o", "json").stdout
        rotating.kubectl("replace", "-f", "-", stdin=listed)
        for name in ("one", "two"):
            raw = raw_secret(rotating, "default", name)
            assert raw.startswith(secretcipher.MAGIC + secretcipher.key_id(new_key))
    finally:
        rotating.stop()
    monkeypatch.delenv("PORCH_SECRETS_OLD_KEY_FILE")
    old_file.unlink()
    after = porch_up(tmp_path)
    try:
        for name in ("one", "two"):
            got = after.kubectl("get", "secret", name, "-o", "jsonpath={.data.password}").stdout
            assert base64.b64decode(got).decode() == PASSWORD
    finally:
        after.stop()
