"""Local mode's core v1 Namespaces and Secrets through the real kubectl and porchctl: the
value reaches only the secret store (never the event stream, never a log)."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import subprocess
import sys

import nats
import pytest

from porch.eventlog import streams
from porch.eventlog.secrets import SecretStore
from tests.e2e.stack import Running

pytestmark = pytest.mark.e2e

PASSWORD = "pa55-w0rd-e2e"


def events_text(running: Running) -> str:
    async def read() -> str:
        nc = await nats.connect(running.nats_url)
        try:
            js = nc.jetstream()
            last = int((await js.stream_info(streams.EVENTS_STREAM)).state.last_seq)
            parts = [
                (await js.get_msg(streams.EVENTS_STREAM, seq)).data.decode("utf-8", "replace")
                for seq in range(1, last + 1)
            ]
            return "\n".join(parts)
        finally:
            await nc.close()

    return asyncio.run(read())


def stored_secret(running: Running, namespace: str, name: str) -> dict[str, object]:
    async def read() -> dict[str, object]:
        nc = await nats.connect(running.nats_url)
        try:
            return await (await SecretStore.open(nc.jetstream())).get(namespace, name)
        finally:
            await nc.close()

    return asyncio.run(read())


def test_discovery_lists_core_v1(stack: Running) -> None:
    out = stack.kubectl("api-resources", "--api-group=").stdout
    assert "namespaces" in out
    assert "secrets" in out
    versions = json.loads(stack.kubectl("get", "--raw", "/api").stdout)
    assert versions["versions"] == ["v1"]


def test_create_secret_generic_get_and_delete(stack: Running) -> None:
    made = stack.kubectl(
        "create",
        "secret",
        "generic",
        "creds",
        "--from-literal=username=me",
        f"--from-literal=password={PASSWORD}",
    )
    assert made.stdout.strip() == "secret/creds created"
    rows = stack.kubectl("get", "secrets").stdout.splitlines()
    assert rows[0].split() == ["NAME", "TYPE", "DATA", "AGE"]
    assert rows[1].split()[:3] == ["creds", "Opaque", "2"]
    secret = json.loads(stack.kubectl("get", "secret", "creds", "-o", "json").stdout)
    assert base64.b64decode(secret["data"]["password"]).decode() == PASSWORD
    assert secret["metadata"]["uid"]
    assert stored_secret(stack, "default", "creds")["data"] == secret["data"]
    assert PASSWORD not in events_text(stack)
    again = stack.kubectl("create", "secret", "generic", "creds", "--from-literal=a=b", check=False)
    assert 'secrets "creds" already exists' in again.stderr
    patched = stack.kubectl("patch", "secret", "creds", "-p", '{"stringData":{"extra":"x"}}')
    assert "patched" in patched.stdout
    assert stack.kubectl("get", "secret", "creds", "-o", "jsonpath={.data.extra}").stdout == "eA=="
    stack.kubectl("delete", "secret", "creds")
    gone = stack.kubectl("get", "secret", "creds", check=False)
    assert 'Error from server (NotFound): secrets "creds" not found' in gone.stderr


def test_secret_apply_server_side_and_bad_data(stack: Running) -> None:
    manifest = json.dumps(
        {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {"name": "applied", "namespace": "default"},
            "type": "kubernetes.io/basic-auth",
            "stringData": {"username": "u"},
        }
    )
    stack.kubectl("apply", "-f", "-", stdin=manifest)
    done = stack.kubectl(
        "apply", "--server-side", "--field-manager=flux", "-f", "-", stdin=manifest
    )
    assert "serverside-applied" in done.stdout
    secret = json.loads(
        stack.kubectl("get", "secret", "applied", "-o", "json", "--show-managed-fields").stdout
    )
    managers = {e["manager"] for e in secret["metadata"]["managedFields"]}
    assert managers == {"kubectl-client-side-apply", "flux"}
    assert "dQ==" not in json.dumps(secret["metadata"]["managedFields"])  # names, not values
    bad = json.dumps(
        {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "bad"}, "data": {"k": "!!"}}
    )
    refused = stack.kubectl("create", "-f", "-", stdin=bad, check=False)
    assert refused.stderr.strip() == 'The Secret "bad" is invalid: data[k]: illegal base64 data'


def test_namespaces(stack: Running) -> None:
    rows = stack.kubectl("get", "namespaces").stdout.splitlines()
    assert rows[0].split() == ["NAME", "STATUS", "AGE"]
    assert rows[1].split()[:2] == ["default", "Active"]
    assert (
        stack.kubectl("create", "namespace", "team-a").stdout.strip() == "namespace/team-a created"
    )
    stack.kubectl("create", "secret", "generic", "s", "-n", "team-a", "--from-literal=a=b")
    all_ns = stack.kubectl("get", "secrets", "-A").stdout
    assert "team-a" in all_ns
    labels = stack.kubectl("get", "ns", "team-a", "--show-labels").stdout
    assert "kubernetes.io/metadata.name=team-a" in labels
    missing = stack.kubectl(
        "create", "secret", "generic", "s", "-n", "nowhere", "--from-literal=a=b", check=False
    )
    assert 'namespaces "nowhere" not found' in missing.stderr
    refused = stack.kubectl("delete", "namespace", "default", check=False)
    assert "Error from server (Forbidden)" in refused.stderr
    stack.kubectl("delete", "namespace", "team-a")
    assert "No resources found" in stack.kubectl("get", "secrets", "-n", "team-a").stderr


def test_porchctl_repo_reg_with_basic_auth_stores_the_secret(stack: Running) -> None:
    ran = subprocess.run(
        [
            sys.executable,
            "-m",
            "porch.porchctl",
            "repo",
            "reg",
            stack.repo_url,
            "--name=private",
            "--repo-basic-username=nephio",
            f"--repo-basic-password={PASSWORD}",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "KUBECONFIG": str(stack.kubeconfig), "PORCH_HOME": str(stack.home)},
    )
    assert ran.returncode == 0, ran.stderr
    assert PASSWORD not in ran.stdout + ran.stderr
    secret = json.loads(stack.kubectl("get", "secret", "private-auth", "-o", "json").stdout)
    assert secret["type"] == "kubernetes.io/basic-auth"
    assert base64.b64decode(secret["data"]["username"]).decode() == "nephio"
    repo = json.loads(stack.kubectl("get", "repository", "private", "-o", "json").stdout)
    assert repo["spec"]["git"]["secretRef"] == {"name": "private-auth"}
    assert PASSWORD not in events_text(stack)
    for log in (stack.home / "logs").glob("*.log"):
        assert PASSWORD not in log.read_text()
