"""``porch up`` encrypts Secrets at rest: it makes ``$PORCH_HOME/secrets.key`` (0600) once,
every service gets it, and the bytes in ``porch_secrets`` never hold a value kubectl wrote,
while kubectl reads it back and a restart keeps the same key."""

from __future__ import annotations

import asyncio
import base64
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
