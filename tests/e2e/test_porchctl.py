"""porchctl against the real stack (``porch up``): golden stdout, stderr and exit codes.

The lifecycle case is Porch's CLI golden test ``rpkg-lifecycle`` (reference/porch.md 4.2);
where our server words an error differently from Porch, the expectation says so.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tests.e2e.stack import Running

pytestmark = pytest.mark.e2e


@dataclass
class Ran:
    out: str
    err: str
    code: int


def porchctl(stack: Running, *args: str, stdin: str | None = None) -> Ran:
    env = {**os.environ, "KUBECONFIG": str(stack.kubeconfig), "PORCH_HOME": str(stack.home)}
    done = subprocess.run(
        [sys.executable, "-m", "porch.porchctl", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    return Ran(done.stdout, done.stderr, done.returncode)


def ok(stack: Running, *args: str, stdin: str | None = None) -> str:
    ran = porchctl(stack, *args, stdin=stdin)
    assert ran.code == 0, f"porchctl {' '.join(args)}: {ran.err}"
    return ran.out


def register(stack: Running, ns: str, name: str = "git") -> None:
    assert (
        ok(stack, "repo", "register", f"--namespace={ns}", f"--name={name}", stack.repo_url) == ""
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        ready = ok(stack, "repo", "get", name, f"-n={ns}", "-o", "json")
        conditions = yaml.safe_load(ready).get("status", {}).get("conditions", [])
        if any(c["type"] == "Ready" and c["status"] == "True" for c in conditions):
            return
        time.sleep(0.3)
    raise AssertionError("repository never became Ready")


HEAD = "NAME                              PACKAGE             WORKSPACENAME   REVISION   LATEST   "
NAME = "git.lifecycle-package.lifecycle"


def row(lifecycle: str, revision: int, latest: str) -> str:
    pad = max(len("LIFECYCLE"), len(lifecycle)) + 3
    head = HEAD + "LIFECYCLE".ljust(pad) + "REPOSITORY\n"
    return head + (
        f"{NAME}   lifecycle-package   lifecycle       {str(revision).ljust(11)}"
        f"{latest.ljust(9)}{lifecycle.ljust(pad)}git\n"
    )


def test_rpkg_lifecycle_golden(stack: Running) -> None:
    ns = "-n=rpkg-lifecycle"
    register(stack, "rpkg-lifecycle")

    def expect(args: list[str], out: str = "", err: str = "", code: int = 0) -> None:
        ran = porchctl(stack, *args, ns)
        assert (ran.out, ran.err, ran.code) == (out, err, code), args

    not_published = (
        f"can only propose published packages for deletion; package {NAME} is not published"
    )
    expect(
        ["rpkg", "init", "--repository=git", "--workspace=lifecycle", "lifecycle-package"],
        f"{NAME} created\n",
    )
    expect(["rpkg", "propose", NAME], f"{NAME} proposed\n")
    expect(
        ["rpkg", "propose-delete", NAME],
        err=f"{NAME} failed ({not_published})\nError: errors:\n  {not_published} \n",
        code=1,
    )
    expect(["rpkg", "get", NAME], row("Proposed", 0, "false"))
    expect(["rpkg", "reject", NAME], f"{NAME} no longer proposed for approval\n")
    expect(["rpkg", "get", NAME], row("Draft", 0, "false"))
    expect(["rpkg", "propose", NAME], f"{NAME} proposed\n")
    expect(["rpkg", "propose", NAME], err=f"{NAME} is already proposed\n")
    expect(["rpkg", "approve", NAME], f"{NAME} approved\n")
    expect(["rpkg", "get", NAME], row("Published", 1, "true"))
    forbidden = (
        f'packagerevisions.porch.kpt.dev "{NAME}" is forbidden: published PackageRevisions '
        "must be proposed for deletion by setting spec.lifecycle to 'DeletionProposed' prior "
        "to deletion"
    )
    expect(
        ["rpkg", "delete", NAME],
        err=f"{NAME} failed ({forbidden})\nError: errors:\n  {forbidden} \n",
        code=1,
    )
    expect(["rpkg", "propose-delete", NAME], f"{NAME} proposed for deletion\n")
    expect(["rpkg", "propose-delete", NAME], err=f"{NAME} is already proposed for deletion\n")
    expect(["rpkg", "get", NAME], row("DeletionProposed", 1, "true"))
    expect(["rpkg", "reject", NAME], f"{NAME} no longer proposed for deletion\n")
    cannot = f"cannot reject {NAME} with lifecycle 'Published'"
    expect(
        ["rpkg", "reject", NAME],
        err=f"{NAME} failed ({cannot})\nError: errors:\n  {cannot} \n",
        code=1,
    )
    expect(["rpkg", "get", NAME], row("Published", 1, "true"))
    expect(["rpkg", "propose-delete", NAME], f"{NAME} proposed for deletion\n")
    expect(["rpkg", "delete", NAME], f"{NAME} deleted\n")
    expect(
        ["rpkg", "get", NAME],
        err="Error: the server could not find the requested resource "
        f"(get packagerevisions.porch.kpt.dev {NAME}) \n",
        code=1,
    )

    # ours: the history of that revision, read from the event stream
    log = porchctl(stack, "rpkg", "log", NAME, ns)
    assert log.code == 0, log.err
    events = [line.split()[2] for line in log.out.splitlines()[1:]]
    for wanted in (
        "RevisionCreated",
        "RevisionProposed",
        "RevisionRejected",
        "RevisionApproved",
        "RevisionDeletionProposed",
        "RevisionDeletionRejected",
        "RevisionDeleted",
    ):
        assert wanted in events
    assert log.out.splitlines()[0].split() == ["TIME", "ACTOR", "EVENT", "DETAILS"]
    assert "admin" in log.out


def test_multi_name_commands_continue_after_a_failure(stack: Running) -> None:
    ns = "-n=multi"
    register(stack, "multi")
    ok(stack, "rpkg", "init", "a", "--repository=git", "--workspace=w", ns)
    ran = porchctl(stack, "rpkg", "propose", "git.missing.w", "git.a.w", ns)
    missing = 'packagerevisions.porch.kpt.dev "git.missing.w" not found'
    assert ran.out == "git.a.w proposed\n"
    assert ran.err == f"git.missing.w failed ({missing})\nError: errors:\n  {missing} \n"
    assert ran.code == 1
    ran = porchctl(stack, "rpkg", "approve", "git.a.w", ns)
    assert (ran.out, ran.code) == ("git.a.w approved\n", 0)
    ran = porchctl(stack, "rpkg", "approve", "git.a.w", "git.missing.w", ns)
    assert ran.out == "git.a.w approved\n"
    assert ran.code == 1


def test_repo_register_get_unregister(stack: Running) -> None:
    ns = "-n=repo-register"
    url = stack.repo_url
    assert ok(stack, "repo", "reg", url, ns, "--description", "Test Blueprints") == ""
    out = ok(
        stack,
        "repo",
        "get",
        ns,
        "-o",
        "custom-columns=NAME:.metadata.name,DESC:.spec.description,BRANCH:.spec.git.branch,DIR:.spec.git.directory",
    )
    assert out == (
        "NAME       DESC              BRANCH   DIR\npackages   Test Blueprints   main     /\n"
    )
    table = ok(stack, "repo", "get", ns).splitlines()
    assert table[0].split() == [
        "NAME",
        "TYPE",
        "CONTENT",
        "SYNC",
        "SCHEDULE",
        "DEPLOYMENT",
        "READY",
        "ADDRESS",
    ]
    assert table[1].split()[:3] == ["packages", "git", "Package"]
    assert (
        ok(stack, "repo", "get", ns, "-o", "name") == "repository.config.porch.kpt.dev/packages\n"
    )
    wide = ok(stack, "repo", "get", ns, "-o", "wide").splitlines()[0].split()
    assert wide[-2:] == ["BRANCH", "AGE"]
    assert "NAMESPACE" in ok(stack, "repo", "get", "-A").splitlines()[0]
    synced = ok(stack, "repo", "sync", "packages", ns)
    assert synced.startswith('Scheduled one-time sync for "packages" at ')
    spec = yaml.safe_load(ok(stack, "repo", "get", "packages", ns, "-o", "yaml"))["spec"]
    assert spec["sync"]["runOnceAt"] == synced.rsplit(" ", 1)[1].strip()
    assert ok(stack, "repo", "unreg", "packages", ns) == ""
    ran = porchctl(stack, "repo", "get", ns)
    assert (ran.out, ran.err, ran.code) == (
        "",
        "No resources found in repo-register namespace.\n",
        0,
    )


def test_basic_auth_stores_a_secret_and_never_shows_the_password(stack: Running) -> None:
    ns = "-n=auth"
    args = ["repo", "reg", stack.repo_url, ns, "--name=private", "--repo-basic-username=nephio"]
    missing = porchctl(stack, *args, "--repo-basic-password=s3cr3t-pw")
    assert missing.code == 1
    assert missing.err == 'Error: namespaces "auth" not found \n'
    assert porchctl(stack, "repo", "get", "private", ns).code == 1

    stack.kubectl("create", "namespace", "auth")
    ran = porchctl(stack, *args, "--repo-basic-password=s3cr3t-pw")
    assert (ran.code, ran.err) == (0, "")
    secret = json.loads(stack.kubectl("get", "secret", "private-auth", ns, "-o", "json").stdout)
    assert secret["type"] == "kubernetes.io/basic-auth"
    repo = json.loads(stack.kubectl("get", "repository", "private", ns, "-o", "json").stdout)
    assert repo["spec"]["git"]["secretRef"] == {"name": "private-auth"}
    assert "s3cr3t-pw" not in ran.out + ran.err + missing.out + missing.err
    for log in (stack.home / "logs").glob("*.log"):
        assert "s3cr3t-pw" not in log.read_text()


def test_init_get_filters_pull_push_copy_clone(stack: Running, tmp_path: Path) -> None:
    ns = "-n=pkgs"
    register(stack, "pkgs")
    assert (
        ok(
            stack,
            "rpkg",
            "init",
            "basens",
            "--repository=git",
            "--workspace=v1",
            "--description=base",
            "--keywords=a,b",
            "--site=http://kpt.dev",
            ns,
        )
        == "git.basens.v1 created\n"
    )
    again = porchctl(stack, "rpkg", "init", "basens", "--repository=git", "--workspace=v2", ns)
    assert again.code == 1
    assert again.err == (
        'Error: `init` cannot create a new revision for package "basens" that already exists '
        'in repo "git"; make subsequent revisions using `copy` \n'
    )
    kptfile = yaml.safe_load(ok(stack, "rpkg", "get", "git.basens.v1", "--show-kptfile", ns))
    assert kptfile["info"] == {
        "description": "base",
        "keywords": ["a", "b"],
        "site": "http://kpt.dev",
    }

    listed = yaml.safe_load(ok(stack, "rpkg", "pull", "git.basens.v1", ns))
    assert listed["kind"] == "ResourceList"
    paths = [i["metadata"]["annotations"]["config.kubernetes.io/path"] for i in listed["items"]]
    assert paths == [".KptRevisionMetadata", "Kptfile", "package-context.yaml"]

    pkg = tmp_path / "pkg"
    assert ok(stack, "rpkg", "pull", "git.basens.v1", str(pkg), ns) == ""
    assert (pkg / ".KptRevisionMetadata").exists()
    assert (pkg / "Kptfile").exists()
    (pkg / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n")
    assert ok(stack, "rpkg", "push", "git.basens.v1", str(pkg), ns) == "git.basens.v1 pushed\n"
    stale = porchctl(stack, "rpkg", "push", "git.basens.v1", str(pkg), ns)
    assert stale.code == 1
    assert "the object has been modified" in stale.err
    files = yaml.safe_load(ok(stack, "rpkg", "pull", "git.basens.v1", ns))
    assert "cm.yaml" in [
        i["metadata"]["annotations"]["config.kubernetes.io/path"] for i in files["items"]
    ]

    ok(stack, "rpkg", "propose", "git.basens.v1", ns)
    ok(stack, "rpkg", "approve", "git.basens.v1", ns)
    assert (
        ok(stack, "rpkg", "copy", "--workspace=v2", "git.basens.v1", ns)
        == "git.basens.v2 created\n"
    )
    assert (
        ok(stack, "rpkg", "edit", "--workspace=v3", "git.basens.v1", ns)
        == "git.basens.v3 created\n"
    )
    assert (
        ok(
            stack,
            "rpkg",
            "clone",
            "git.basens.v1",
            "downstream",
            "--repository=git",
            "--workspace=d1",
            ns,
        )
        == "git.downstream.d1 created\n"
    )
    src = f"{stack.repo_url}/basens@basens/v1"
    assert (
        ok(stack, "rpkg", "clone", src, "fromgit", "--repository=git", "--workspace=g1", ns)
        == "git.fromgit.g1 created\n"
    )

    # Once v1 is on main, git-sync discovers the branch placeholder (revision -1) too.
    want = [f"packagerevision.porch.kpt.dev/git.basens.{w}" for w in ("main", "v1", "v2", "v3")]
    deadline = time.monotonic() + 30
    while (names := ok(stack, "rpkg", "get", "--name=basens", "-o", "name", ns).split()) != want:
        assert time.monotonic() < deadline, names
        time.sleep(0.2)
    assert ok(stack, "rpkg", "get", "--revision=1", "--name=basens", "--no-headers", ns).split()[
        :6
    ] == [
        "git.basens.v1",
        "basens",
        "v1",
        "1",
        "true",
        "Published",
    ]
    assert (
        ok(stack, "rpkg", "get", "--workspace=d1", "-o", "custom-columns=NAME:.metadata.name", ns)
        == "NAME\ngit.downstream.d1\n"
    )


def test_get_watch_prints_changes(stack: Running) -> None:
    ns = "-n=watching"
    register(stack, "watching")
    env = {**os.environ, "KUBECONFIG": str(stack.kubeconfig)}
    watcher = subprocess.Popen(
        [sys.executable, "-m", "porch.porchctl", "rpkg", "get", "--watch", ns],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        time.sleep(1.5)
        ok(stack, "rpkg", "init", "w", "--repository=git", "--workspace=one", ns)
        ok(stack, "rpkg", "propose", "git.w.one", ns)
        time.sleep(1.5)
    finally:
        watcher.terminate()
        out, _err = watcher.communicate(timeout=10)
    lines = [line.split() for line in out.splitlines() if line.startswith("git.w.one")]
    assert ["git.w.one", "w", "one", "0", "false", "Draft", "git"] in lines
    assert ["git.w.one", "w", "one", "0", "false", "Proposed", "git"] in lines


def test_upgrade_and_discover(stack: Running) -> None:
    ns = "-n=upgrading"
    register(stack, "upgrading")
    ok(stack, "rpkg", "init", "up", "--repository=git", "--workspace=v1", ns)
    ok(stack, "rpkg", "propose", "git.up.v1", ns)
    ok(stack, "rpkg", "approve", "git.up.v1", ns)
    ok(stack, "rpkg", "clone", "git.up.v1", "down", "--repository=git", "--workspace=d1", ns)
    ok(stack, "rpkg", "propose", "git.down.d1", ns)
    ok(stack, "rpkg", "approve", "git.down.d1", ns)
    ok(stack, "rpkg", "copy", "--workspace=v2", "git.up.v1", ns)
    ok(stack, "rpkg", "propose", "git.up.v2", ns)
    ok(stack, "rpkg", "approve", "git.up.v2", ns)
    found = ok(stack, "rpkg", "upgrade", "--discover=upstream", ns)
    assert found.splitlines()[1].split() == ["git.down.d1", "git", "v2"]
    out = ok(stack, "rpkg", "upgrade", "git.down.d1", "--workspace=d2", ns)
    assert out == "git.down.d1 upgraded to git.down.d2\n"
