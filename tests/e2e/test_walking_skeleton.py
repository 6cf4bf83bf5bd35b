"""kubectl -> apiserver -> events -> orchestrator -> git-sync -> Git tag, and back.

Starts the stack with ``porch up`` in a temporary PORCH_HOME, drives it with the real
kubectl, checks the local Git server with the git CLI, then restarts the stack and checks
that everything is still served without replaying the stream from the start.
"""

from __future__ import annotations

import json
import re
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.stack import Running, porch_up

pytestmark = pytest.mark.e2e

NAME = "packages.nginx.v1"


def repository_manifest(url: str, name: str = "packages", directory: str = "/") -> str:
    return f"""
apiVersion: config.porch.kpt.dev/v1alpha1
kind: Repository
metadata:
  name: {name}
  namespace: default
spec:
  type: git
  git:
    repo: {url}
    branch: main
    directory: {directory}
"""


REVISION = """
apiVersion: porch.kpt.dev/v1alpha1
kind: PackageRevision
metadata:
  name: packages.nginx.v1
  namespace: default
spec:
  packageName: nginx
  repository: packages
  workspaceName: v1
  tasks:
  - type: init
    init:
      description: nginx for the edge
"""


def wait_until(check: Callable[[], bool], *, timeout: float = 20.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def ls_remote(url: str) -> dict[str, str]:
    out = subprocess.run(["git", "ls-remote", url], capture_output=True, text=True, check=True)
    return {ref: sha for sha, ref in (line.split("\t") for line in out.stdout.splitlines())}


def ready(running: Running, name: str = "packages") -> str:
    path = '{.status.conditions[?(@.type=="Ready")].status}'
    return running.kubectl("get", "repository", name, "-o", f"jsonpath={path}").stdout


def table(running: Running, *args: str) -> list[list[str]]:
    out = running.kubectl("get", *args).stdout.strip().splitlines()
    return [re.split(r"\s{2,}", line.strip()) for line in out]


def test_create_propose_approve_lands_in_git_and_survives_restart(tmp_path: Path) -> None:
    running = porch_up(tmp_path / "home")
    try:
        running.kubectl("apply", "-f", "-", stdin=repository_manifest(running.repo_url))
        wait_until(lambda: ready(running) == "True", what="repository Ready")

        created = running.kubectl("apply", "-f", "-", stdin=REVISION)
        assert "packagerevision.porch.kpt.dev/packages.nginx.v1 created" in created.stdout
        rows = table(running, "packagerevisions")
        assert rows[0] == [
            "NAME",
            "PACKAGE",
            "WORKSPACENAME",
            "REVISION",
            "LATEST",
            "LIFECYCLE",
            "REPOSITORY",
        ]
        assert rows[1] == [NAME, "nginx", "v1", "0", "false", "Draft", "packages"]

        running.kubectl(
            "patch",
            "packagerevision",
            NAME,
            "--type=merge",
            "-p",
            '{"spec":{"lifecycle":"Proposed"}}',
        )
        current = json.loads(running.kubectl("get", "packagerevision", NAME, "-o", "json").stdout)
        assert current["spec"]["lifecycle"] == "Proposed"
        current["spec"]["lifecycle"] = "Published"
        approval = tmp_path / "approval.json"
        approval.write_text(json.dumps(current))
        running.kubectl(
            "replace",
            "--raw",
            f"/apis/porch.kpt.dev/v1alpha1/namespaces/default/packagerevisions/{NAME}/approval",
            "-f",
            str(approval),
        )

        wait_until(lambda: "refs/tags/nginx/v1" in ls_remote(running.repo_url), what="tag")
        refs = ls_remote(running.repo_url)
        assert refs["refs/tags/nginx/v1"] == refs["refs/heads/main"]
        clone = tmp_path / "clone"
        subprocess.run(["git", "clone", "-q", running.repo_url, str(clone)], check=True)
        kptfile = (clone / "nginx" / "Kptfile").read_text()
        assert "kind: Kptfile" in kptfile
        assert "nginx for the edge" in kptfile
        # git-sync discovers the package on main after publishing: the -1 placeholder.
        wait_until(lambda: len(table(running, "packagerevisions")) == 3, what="branch placeholder")
        assert table(running, "packagerevisions")[1:] == [
            ["packages.nginx.main", "nginx", "main", "-1", "false", "Published", "packages"],
            [NAME, "nginx", "v1", "1", "true", "Published", "packages"],
        ]
        latest = running.kubectl(
            "get", "packagerevisions", "-l", "kpt.dev/latest-revision=true", "-o", "name"
        ).stdout.split()
        assert latest == [f"packagerevision.porch.kpt.dev/{NAME}"]
    finally:
        running.stop()
    checkpoint_before = re.findall(r"opened at checkpoint (\d+)", running.log("orchestrator"))

    again = porch_up(tmp_path / "home")
    try:
        assert table(again, "packagerevisions")[2] == [
            NAME,
            "nginx",
            "v1",
            "1",
            "true",
            "Published",
            "packages",
        ]
        assert ready(again) == "True"
        # The API serves the stored projection at once; the orchestrator opens its own.
        wait_until(
            lambda: (
                len(re.findall(r"opened at checkpoint", again.log("orchestrator")))
                > len(checkpoint_before)
            ),
            what="the orchestrator to reopen its projection",
        )
        opened = re.findall(r"opened at checkpoint (\d+)", again.log("orchestrator"))
        assert len(opened) == len(checkpoint_before) + 1, again.log("orchestrator")[-4000:]
        assert int(opened[-1]) >= 6, "restart must resume from the checkpoint, not from 0"
        # Versions from before the restart are older than the new apiserver's change log.
        watch = "/apis/porch.kpt.dev/v1alpha1/packagerevisions?watch=1&timeoutSeconds=1"
        first = json.loads(again.kubectl("get", "--raw", watch + "&resourceVersion=1").stdout)
        assert (first["type"], first["object"]["code"]) == ("ERROR", 410)
        assert first["object"]["reason"] == "Expired"
    finally:
        again.stop()
