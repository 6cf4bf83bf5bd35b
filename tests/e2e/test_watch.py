"""Watches through kubectl: table rows as changes happen, resume from a resourceVersion."""

from __future__ import annotations

import json
import subprocess
import time

import pytest
import yaml

from tests.e2e.stack import Running, kubectl_binary
from tests.e2e.test_bad_input import revision
from tests.e2e.test_walking_skeleton import repository_manifest

pytestmark = pytest.mark.e2e


def start_watch(running: Running, *args: str) -> subprocess.Popen[str]:
    cmd = [
        kubectl_binary(),
        f"--kubeconfig={running.kubeconfig}",
        f"--cache-dir={running.home / 'kubectl-cache'}",
        "get",
        "packagerevisions",
        "--watch",
        "--request-timeout=15s",
        *args,
    ]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_kubectl_get_watch_shows_changes(stack: Running) -> None:
    stack.kubectl(
        "apply", "-f", "-", stdin=repository_manifest(stack.repo_url, "watched", "/watched")
    )
    watcher = start_watch(stack, "--output-watch-events", "-o", "json")
    try:
        time.sleep(1.0)  # let the watch establish
        body = revision("watchme", "v1", repository="watched")
        stack.kubectl("create", "-f", "-", stdin=yaml.safe_dump(body))
        stack.kubectl("label", "packagerevision", "watched.watchme.v1", "stage=dev")
        time.sleep(1.0)
    finally:
        watcher.terminate()
        out, _ = watcher.communicate(timeout=10)
    decoder = json.JSONDecoder()
    events, text = [], out.strip()
    while text:
        event, end = decoder.raw_decode(text)
        events.append(event)
        text = text[end:].strip()
    mine = [e for e in events if e["object"]["metadata"]["name"] == "watched.watchme.v1"]
    assert [e["type"] for e in mine] == ["ADDED", "MODIFIED"]
    assert mine[1]["object"]["metadata"]["labels"] == {"stage": "dev"}


def test_watch_resumes_from_a_listed_resource_version(stack: Running) -> None:
    path = "/apis/porch.kpt.dev/v1alpha1/namespaces/default/packagerevisions"
    code, listed = stack.request("GET", path, token=stack.token())
    assert code == 200
    rv = listed["metadata"]["resourceVersion"]
    stack.kubectl(
        "apply", "-f", "-", stdin=repository_manifest(stack.repo_url, "resumed", "/resumed")
    )
    stack.kubectl(
        "create", "-f", "-", stdin=yaml.safe_dump(revision("late", "v1", repository="resumed"))
    )
    watch = f"{path}?watch=true&timeoutSeconds=2&resourceVersion="
    lines = stack.kubectl("get", "--raw", watch + rv).stdout.splitlines()
    events = [json.loads(line) for line in lines]
    names = [(e["type"], e["object"]["metadata"]["name"]) for e in events]
    assert names == [("ADDED", "resumed.late.v1")], "only changes after the listed version"
