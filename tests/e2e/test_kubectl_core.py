"""Local mode's core v1 Namespaces and Secrets through the real kubectl and porchctl: the
value reaches only the secret store (never the event stream, never a log)."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import subprocess
import sys
import time

import nats
import pytest

from porch.eventlog import secretcipher, streams
from porch.eventlog.secrets import SecretStore
from tests.e2e.stack import Running, kubectl_binary

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
            key = secretcipher.parse_key((running.home / "secrets.key").read_bytes())
            return await (await SecretStore.open(nc.jetstream(), key)).get(namespace, name)
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


# --- watch --------------------------------------------------------------------------------


def start_watch(running: Running, *args: str) -> subprocess.Popen[str]:
    cmd = [
        kubectl_binary(),
        f"--kubeconfig={running.kubeconfig}",
        f"--cache-dir={running.home / 'kubectl-cache'}",
        "get",
        "--request-timeout=15s",
        *args,
    ]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def watched(watcher: subprocess.Popen[str]) -> tuple[str, str]:
    watcher.terminate()
    return watcher.communicate(timeout=10)


def json_events(text: str) -> list[dict[str, object]]:
    decoder, events, text = json.JSONDecoder(), [], text.strip()
    while text:
        event, end = decoder.raw_decode(text)
        events.append(event)
        text = text[end:].strip()
    return events


def test_kubectl_get_secrets_watch_sees_a_create(stack: Running) -> None:
    watcher = start_watch(stack, "secrets", "--watch", "--output-watch-events", "-o", "json")
    try:
        time.sleep(1.5)  # let the list and the watch establish
        stack.kubectl("create", "secret", "generic", "watched", "--from-literal=k=v")
        stack.kubectl("label", "secret", "watched", "seen=yes")
        stack.kubectl("delete", "secret", "watched")
        time.sleep(1.0)
    finally:
        out, err = watched(watcher)
    mine = [
        e
        for e in json_events(out)
        if e["object"].get("metadata", {}).get("name") == "watched"  # type: ignore[attr-defined]
    ]
    assert [e["type"] for e in mine] == ["ADDED", "MODIFIED", "DELETED"], (out, err)
    added = mine[0]["object"]
    assert added["data"] == {"k": "dg=="}  # type: ignore[index]  # the whole Secret, as kube
    assert mine[1]["object"]["metadata"]["labels"] == {"seen": "yes"}  # type: ignore[index]


def test_kubectl_get_namespaces_watch_only_sees_an_added_namespace(stack: Running) -> None:
    watcher = start_watch(stack, "namespaces", "--watch-only")
    try:
        time.sleep(1.5)
        stack.kubectl("create", "namespace", "watched-ns")
        time.sleep(1.0)
    finally:
        out, err = watched(watcher)
    rows = [line.split() for line in out.splitlines() if line.strip()]
    assert ["watched-ns", "Active"] in [row[:2] for row in rows], (out, err)
    assert "default" not in [row[0] for row in rows], "watch-only shows no listed namespace"
    stack.kubectl("delete", "namespace", "watched-ns")


def test_secret_watch_resumes_from_a_listed_resource_version(stack: Running) -> None:
    path = "/api/v1/namespaces/default/secrets"
    code, listed = stack.request("GET", path, token=stack.token())
    assert code == 200
    rv = listed["metadata"]["resourceVersion"]
    stack.kubectl("create", "secret", "generic", "resumed", "--from-literal=a=b")
    watch = f"{path}?watch=true&timeoutSeconds=2&resourceVersion={rv}"
    events = json_events(stack.kubectl("get", "--raw", watch).stdout)
    names = [(e["type"], e["object"]["metadata"]["name"]) for e in events]  # type: ignore[index]
    assert names == [("ADDED", "resumed")], "only changes after the listed version"
    again = json.loads(stack.kubectl("get", "--raw", path).stdout)
    assert int(again["metadata"]["resourceVersion"]) > int(rv)
    assert "resumed" in [i["metadata"]["name"] for i in again["items"]]
    stack.kubectl("delete", "secret", "resumed")


def test_namespace_watch_with_initial_events_and_bookmark(stack: Running) -> None:
    query = (
        "watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan"
        "&allowWatchBookmarks=true&timeoutSeconds=1"
    )
    events = json_events(stack.kubectl("get", "--raw", f"/api/v1/namespaces?{query}").stdout)
    assert events[0]["type"] == "ADDED"
    assert "default" in [
        e["object"]["metadata"]["name"]  # type: ignore[index]
        for e in events
        if e["type"] == "ADDED"
    ]
    bookmark = events[-1]
    assert bookmark["type"] == "BOOKMARK"
    meta = bookmark["object"]["metadata"]  # type: ignore[index]
    assert meta["annotations"] == {"k8s.io/initial-events-end": "true"}
    listed = json.loads(stack.kubectl("get", "--raw", "/api/v1/namespaces").stdout)
    assert meta["resourceVersion"] == listed["metadata"]["resourceVersion"]
