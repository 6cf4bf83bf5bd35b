"""Porch's e2e API scenarios (reference/porch.md §4.1), one test per scenario, named after
Porch's, against ``porch up`` driven with the real kubectl (HTTP for the approval and
resources subresources), with every repository on a Git server behind basic auth whose
credentials come from a Secret made with ``kubectl create secret generic``.

The concurrency scenarios are in ``test_porch_scenarios_concurrency.py``, the OCI ones in
``test_porch_scenarios_oci.py``.

Not here, because they need a Kubernetes cluster (or a part of Porch that is not built):
- TestPackageRevisionGarbageCollection: deleting the owner is the cluster's garbage
  collector's job (kube-controller-manager); that ownerReferences are kept and read back is
  test_package_revision_owner_references.
- TestPodFunctionEvaluatorWithDistrolessImage, TestPodEvaluator, TestPodEvaluatorWithFailure,
  TestFailedPodEvictionAndRecovery, TestPodEvaluatorSequentialParallel,
  TestPodEvaluatorParallelExecution: function pods need a cluster (the pod pool has its own
  tests in tests/integration/test_fnrunner_k8s.py).
- TestExecFunctionEvaluator: the server never runs exec functions in a render (by design,
  docs/architecture.md "Task worker"); exec is covered by the fn-runner's own tests.
- TestRepositoryImmutability's CEL messages: Porch enforces immutability with CEL on the CRD
  (an apiserver feature); here the apiserver checks the same fields itself, tested below as
  test_repository_immutability without CEL's wording.
- TestFunctionRepository, TestPublicGitRepository: Function repositories were removed from
  Porch; a public GitHub repository needs the internet.
- TestMetricsEndpoint: Porch's Prometheus endpoint is a cluster deployment concern; the
  local stack exposes none (see the report).
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nats
import pytest
import yaml

from porch.eventlog import reading, subjects
from porch.local.gitserver import ensure_bare_repository
from tests.e2e.conftest import GitHttp
from tests.e2e.stack import Running
from tests.e2e.test_porchctl import porchctl
from tests.integration.gitfixtures import PASSWORD, USER, git

pytestmark = pytest.mark.e2e

PORCH = "/apis/porch.kpt.dev/v1alpha1/namespaces"
CONFIG = "/apis/config.porch.kpt.dev/v1alpha1/namespaces"
SECRET = "git-auth"
LATEST = "kpt.dev/latest-revision"

Obj = dict[str, Any]


def wait_until(check: Callable[[], bool], *, timeout: float = 30.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@dataclass
class Porch:
    """The stack, the authenticated Git server, and the helpers the scenarios share."""

    stack: Running
    git: GitHttp
    work: Path

    # --- kubectl and HTTP -------------------------------------------------------------

    def kubectl(self, *args: str, stdin: str | None = None) -> str:
        return self.stack.kubectl(*args, stdin=stdin).stdout

    def kubectl_fails(self, *args: str, stdin: str | None = None) -> str:
        done = self.stack.kubectl(*args, stdin=stdin, check=False)
        assert done.returncode != 0, f"kubectl {' '.join(args)} succeeded: {done.stdout}"
        return done.stderr

    def http(self, method: str, path: str, body: Obj | None = None) -> tuple[int, Obj]:
        data = json.dumps(body).encode() if body is not None else None
        return self.stack.request(method, path, body=data, token=self.stack.token())

    # --- namespaces and repositories ---------------------------------------------------

    def namespace(self, ns: str) -> None:
        """The namespace and the basic-auth Secret every repository in it names."""
        if ns != "default":
            self.stack.kubectl("create", "namespace", ns, check=False)
        self.stack.kubectl(
            "create",
            "secret",
            "generic",
            SECRET,
            f"-n={ns}",
            f"--from-literal=username={USER}",
            f"--from-literal=password={PASSWORD}",
            check=False,  # AlreadyExists on a second repository in the namespace
        )

    def bare(self, name: str) -> Path:
        path = self.git.base / f"{name}.git"
        ensure_bare_repository(path)
        return path

    def register(
        self,
        name: str,
        *,
        ns: str = "default",
        git_repo: str | None = None,
        directory: str = "/",
        deployment: bool = False,
        wait: bool = True,
        branch: str | None = "main",
        secret: bool = True,
    ) -> Obj:
        """Register a Git repository (a fresh bare one named like it, unless ``git_repo``)."""
        self.namespace(ns)
        url = self.git.url(git_repo or name)
        self.bare(git_repo or name)
        spec_git: Obj = {"repo": url, "directory": directory}
        if branch is not None:
            spec_git["branch"] = branch
        if secret:
            spec_git["secretRef"] = {"name": SECRET}
        manifest = {
            "apiVersion": "config.porch.kpt.dev/v1alpha1",
            "kind": "Repository",
            "metadata": {"name": name, "namespace": ns},
            "spec": {
                "description": f"{name} for the scenarios",
                "type": "git",
                "content": "Package",
                "deployment": deployment,
                "git": spec_git,
            },
        }
        self.kubectl("apply", "-f", "-", stdin=json.dumps(manifest))
        if wait:
            self.kubectl(
                "wait", "--for=condition=Ready", f"repository/{name}", f"-n={ns}", "--timeout=30s"
            )
        return self.get("repository", name, ns=ns)

    # --- package revisions -------------------------------------------------------------

    def get(self, kind: str, name: str, *, ns: str = "default") -> Obj:
        out: Obj = json.loads(self.kubectl("get", kind, name, f"-n={ns}", "-o", "json"))
        return out

    def exists(self, name: str, *, ns: str = "default") -> bool:
        done = self.stack.kubectl("get", "packagerevision", name, f"-n={ns}", check=False)
        return done.returncode == 0

    def revisions(self, *args: str, ns: str = "default") -> list[Obj]:
        out = self.kubectl("get", "packagerevisions", f"-n={ns}", "-o", "json", *args)
        items: list[Obj] = json.loads(out)["items"]
        return items

    def names(self, *args: str, ns: str = "default", repo: str | None = None) -> set[str]:
        """Names listed; ``repo`` adds ``spec.repository`` to the one field selector
        (kubectl keeps only the last ``--field-selector`` flag)."""
        if repo:
            fields = [a for a in args if a.startswith("--field-selector=")]
            rest = [a for a in args if not a.startswith("--field-selector=")]
            scope = f"spec.repository={repo}"
            joined = ",".join([f.split("=", 1)[1] for f in fields] + [scope])
            args = (*rest, f"--field-selector={joined}")
        return {r["metadata"]["name"] for r in self.revisions(*args, ns=ns)}

    def create(
        self,
        repo: str,
        package: str,
        workspace: str,
        task: Obj | None = None,
        *,
        ns: str = "default",
    ) -> Obj:
        """Create a Draft with kubectl; returns the served object."""
        self.kubectl(
            "create", "-f", "-", stdin=json.dumps(pr_manifest(repo, package, workspace, task, ns))
        )
        return self.get("packagerevision", pr_name(repo, package, workspace), ns=ns)

    def post(
        self,
        repo: str,
        package: str,
        workspace: str,
        task: Obj | None = None,
        *,
        ns: str = "default",
    ) -> tuple[int, Obj]:
        body = pr_manifest(repo, package, workspace, task, ns)
        return self.http("POST", f"{PORCH}/{ns}/packagerevisions", body)

    def propose(self, name: str, *, ns: str = "default") -> None:
        patch = '{"spec":{"lifecycle":"Proposed"}}'
        self.kubectl("patch", "packagerevision", name, f"-n={ns}", "--type=merge", "-p", patch)

    def approval(self, name: str, lifecycle: str, *, ns: str = "default") -> tuple[int, Obj]:
        """PUT the approval subresource (no resourceVersion: git-sync may record a commit
        between our read and write, as Porch's client does not care either)."""
        current = self.get("packagerevision", name, ns=ns)
        current["spec"]["lifecycle"] = lifecycle
        current["metadata"].pop("resourceVersion", None)
        return self.http("PUT", f"{PORCH}/{ns}/packagerevisions/{name}/approval", current)

    def approve(self, name: str, lifecycle: str = "Published", *, ns: str = "default") -> Obj:
        status, body = self.approval(name, lifecycle, ns=ns)
        assert status == 200, body
        return body

    def publish(
        self,
        repo: str,
        package: str,
        workspace: str,
        task: Obj | None = None,
        *,
        ns: str = "default",
    ) -> str:
        name = self.create(repo, package, workspace, task, ns=ns)["metadata"]["name"]
        self.propose(name, ns=ns)
        number = self.approve(name, ns=ns)["spec"]["revision"]
        if (self.git.base / f"{repo}.git").exists():
            # A clone of this revision needs its Git lock, known once the tag is written
            # (a clone sent sooner is refused: see the report).
            tag = f"refs/tags/{package}/v{number}"
            self.wait_refs(repo, lambda r: tag in r, tag)
        return str(name)

    def delete(self, name: str, *, ns: str = "default") -> None:
        self.kubectl("delete", "packagerevision", name, f"-n={ns}")

    def resources(self, name: str, *, ns: str = "default") -> Obj:
        status, body = self.http("GET", f"{PORCH}/{ns}/packagerevisionresources/{name}")
        assert status == 200, body
        return body

    def put_resources(self, name: str, body: Obj, *, ns: str = "default") -> tuple[int, Obj]:
        return self.http("PUT", f"{PORCH}/{ns}/packagerevisionresources/{name}", body)

    # --- Git, as seen from outside -----------------------------------------------------

    def refs(self, repo: str) -> dict[str, str]:
        out = git("ls-remote", str(self.git.base / f"{repo}.git"))
        return {ref: sha for sha, ref in (line.split("\t") for line in out.splitlines())}

    def wait_refs(self, repo: str, check: Callable[[dict[str, str]], bool], what: str) -> None:
        wait_until(lambda: check(self.refs(repo)), what=what)

    def show(self, repo: str, rev: str, path: str) -> str:
        return git("--git-dir", str(self.git.base / f"{repo}.git"), "show", f"{rev}:{path}")

    def has_file(self, repo: str, rev: str, path: str) -> bool:
        bare = str(self.git.base / f"{repo}.git")
        done = subprocess.run(
            ["git", "--git-dir", bare, "cat-file", "-e", f"{rev}:{path}"], capture_output=True
        )
        return done.returncode == 0

    def push_external(
        self, repo: str, files: dict[str, str], refs: list[str], message: str = "external"
    ) -> str:
        """Commit ``files`` (path -> text, "" deletes) on top of main with the git CLI and
        push it to ``refs``, as a user outside Porch would."""
        work = self.work / f"clone-{repo}-{time.monotonic_ns()}"
        git("clone", "--quiet", str(self.git.base / f"{repo}.git"), str(work))
        for path, text in files.items():
            target = work / path
            if text:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text)
            elif target.exists():
                target.unlink()
        git("add", "-A", cwd=work)
        git("commit", "--quiet", "--allow-empty", "-m", message, cwd=work)
        git("push", "--quiet", "origin", *[f"HEAD:{ref}" for ref in refs], cwd=work)
        return git("rev-parse", "HEAD", cwd=work).strip()

    # --- the event stream ---------------------------------------------------------------

    def events(self, ns: str, repo: str, package: str) -> list[str]:
        """The event types on one package's subjects, in order."""
        return self.event_types(subjects.package_wildcard(ns, repo, package))

    def repository_events(self, ns: str, repo: str) -> list[str]:
        return self.event_types(subjects.repository(ns, repo))

    def event_types(self, subject: str) -> list[str]:
        return [kind for kind, _ in self.event_records(subject)]

    def event_records(self, subject: str) -> list[tuple[str, Obj]]:
        """(type without version, decoded event) of every event on ``subject``."""

        async def read() -> list[tuple[str, Obj]]:
            nc = await nats.connect(self.stack.nats_url)
            try:
                found = await reading.read(nc.jetstream(), subject)
                return [(r.event_type.rsplit(".v", 1)[0], json.loads(r.data)) for r in found]
            finally:
                await nc.close()

        return asyncio.run(read())


def pr_name(repo: str, package: str, workspace: str) -> str:
    return f"{repo}.{package.replace('/', '.')}.{workspace}"


def pr_manifest(
    repo: str, package: str, workspace: str, task: Obj | None = None, ns: str = "default"
) -> Obj:
    spec: Obj = {"packageName": package, "repository": repo, "workspaceName": workspace}
    if task is not None:
        spec["tasks"] = [task]
    return {
        "apiVersion": "porch.kpt.dev/v1alpha1",
        "kind": "PackageRevision",
        "metadata": {"namespace": ns},
        "spec": spec,
    }


def clone_task(upstream: str) -> Obj:
    return {"type": "clone", "clone": {"upstreamRef": {"upstreamRef": {"name": upstream}}}}


def edit_task(source: str) -> Obj:
    return {"type": "edit", "edit": {"sourceRef": {"name": source}}}


def upgrade_task(old: str, new: str, local: str, strategy: str = "resource-merge") -> Obj:
    return {
        "type": "upgrade",
        "upgrade": {
            "oldUpstreamRef": {"name": old},
            "newUpstreamRef": {"name": new},
            "localPackageRevisionRef": {"name": local},
            "strategy": strategy,
        },
    }


def git_clone_task(repo_url: str, directory: str, ref: str = "main") -> Obj:
    upstream = {
        "type": "git",
        "git": {
            "repo": repo_url,
            "directory": directory,
            "ref": ref,
            "secretRef": {"name": SECRET},
        },
    }
    return {"type": "clone", "clone": {"upstreamRef": upstream}}


def kptfile(resources: Obj) -> Obj:
    loaded: Obj = yaml.safe_load(resources["spec"]["resources"]["Kptfile"])
    return loaded


def condition(obj: Obj, kind: str = "Ready") -> Obj:
    return next((c for c in obj.get("status", {}).get("conditions", []) if c["type"] == kind), {})


@pytest.fixture(scope="module")
def porch(stack: Running, git_http: GitHttp, tmp_path_factory: pytest.TempPathFactory) -> Porch:
    return Porch(stack=stack, git=git_http, work=tmp_path_factory.mktemp("work"))


@pytest.fixture
def repo(porch: Porch, request: pytest.FixtureRequest) -> str:
    """A fresh repository named after the test (unique per test, default namespace)."""
    test: str = request.node.name
    name = test.removeprefix("test_").replace("_", "-")[:50].rstrip("-")
    porch.register(name)
    return name


# --- lifecycle (rpkg_lifecycle_test) ---------------------------------------------------


def test_basic_lifecycle_propose_approve(porch: Porch, repo: str) -> None:
    name = porch.create(repo, "basic", "ws")["metadata"]["name"]
    assert name == f"{repo}.basic.ws"
    porch.propose(name)
    assert porch.get("packagerevision", name)["spec"]["lifecycle"] == "Proposed"

    approved = porch.approve(name)

    assert approved["spec"]["lifecycle"] == "Published"
    assert approved["spec"]["revision"] == 1
    assert approved["metadata"]["labels"][LATEST] == "true"
    porch.wait_refs(repo, lambda r: "refs/tags/basic/v1" in r, "tag basic/v1")
    refs = porch.refs(repo)
    assert "refs/heads/proposed/basic/ws" not in refs
    assert "refs/heads/drafts/basic/ws" not in refs
    assert "kind: Kptfile" in porch.show(repo, "main", "basic/Kptfile")


def test_basic_lifecycle_delete_draft(porch: Porch, repo: str) -> None:
    name = porch.create(repo, "draft", "ws")["metadata"]["name"]
    porch.wait_refs(repo, lambda r: "refs/heads/drafts/draft/ws" in r, "draft branch")

    porch.delete(name)

    assert not porch.exists(name)
    porch.wait_refs(repo, lambda r: "refs/heads/drafts/draft/ws" not in r, "draft branch gone")


def test_basic_lifecycle_delete_proposed(porch: Porch, repo: str) -> None:
    name = porch.create(repo, "prop", "ws")["metadata"]["name"]
    porch.propose(name)
    porch.wait_refs(repo, lambda r: "refs/heads/proposed/prop/ws" in r, "proposed branch")

    porch.delete(name)

    assert not porch.exists(name)
    porch.wait_refs(repo, lambda r: "refs/heads/proposed/prop/ws" not in r, "branch gone")


def test_basic_lifecycle_delete_final(porch: Porch, repo: str) -> None:
    name = porch.publish(repo, "final", "ws")

    err = porch.kubectl_fails("delete", "packagerevision", name)
    assert "Forbidden" in err or "forbidden" in err
    assert "proposed for deletion" in err
    porch.approve(name, "DeletionProposed")
    porch.delete(name)

    assert not porch.exists(name)
    porch.wait_refs(repo, lambda r: "refs/tags/final/v1" not in r, "tag final/v1 gone")


def test_propose_delete_and_undo(porch: Porch, repo: str) -> None:
    v1 = porch.publish(repo, "undo", "ws")
    main = pr_name(repo, "undo", "main")
    show_placeholders(porch, repo, main)
    assert porch.get("packagerevision", main)["spec"]["revision"] == -1

    for name in (v1, main):
        porch.approve(name, "DeletionProposed")
        assert porch.get("packagerevision", name)["spec"]["lifecycle"] == "DeletionProposed"
        porch.approve(name, "Published")  # undo
        assert porch.get("packagerevision", name)["spec"]["lifecycle"] == "Published"
        porch.kubectl_fails("delete", "packagerevision", name)
        porch.approve(name, "DeletionProposed")
        porch.delete(name)
        assert not porch.exists(name)


def test_delete_and_recreate(porch: Porch, repo: str) -> None:
    v1 = porch.publish(repo, "again", "ws")
    main = pr_name(repo, "again", "main")
    show_placeholders(porch, repo, main)
    for name in (v1, main):
        porch.approve(name, "DeletionProposed")
        porch.delete(name)
    porch.wait_refs(repo, lambda r: "refs/tags/again/v1" not in r, "tag gone")

    recreated = porch.create(repo, "again", "ws")

    assert recreated["spec"]["lifecycle"] == "Draft"
    assert [t["type"] for t in recreated["spec"]["tasks"]] == ["init"]


def test_delete_from_main(porch: Porch, repo: str) -> None:
    porch.publish(repo, "first", "ws")
    porch.publish(repo, "second", "ws")
    mains = [pr_name(repo, "first", "main"), pr_name(repo, "second", "main")]
    show_placeholders(porch, repo, *mains)

    for name in mains:
        porch.approve(name, "DeletionProposed")
        porch.delete(name)

    def gone(path: str) -> bool:
        return not porch.has_file(repo, "main", path)

    wait_until(lambda: gone("first") and gone("second"), what="package dirs removed from main")
    assert porch.names(repo=repo) == {f"{repo}.first.ws", f"{repo}.second.ws"}
    for name in (f"{repo}.first.ws", f"{repo}.second.ws"):
        porch.approve(name, "DeletionProposed")
        porch.delete(name)
    assert porch.names(repo=repo) == set()


def test_latest_version_on_delete(porch: Porch, repo: str) -> None:
    v1 = porch.publish(repo, "latest", "v1")
    assert porch.get("packagerevision", v1)["metadata"]["labels"][LATEST] == "true"
    v2 = porch.publish(repo, "latest", "v2", edit_task(v1))

    def latest() -> set[str]:
        return porch.names(f"-l={LATEST}=true", repo=repo)

    assert latest() == {v2}
    assert LATEST not in porch.get("packagerevision", v1)["metadata"].get("labels", {})
    porch.approve(v2, "DeletionProposed")
    porch.delete(v2)
    assert latest() == {v1}


def test_subfolder_package_revision_incrementation(porch: Porch, repo: str) -> None:
    deep = f"{repo}-deep"
    porch.register(deep, git_repo=repo, directory="/a/b/c")
    for package in ("nested/one", "nested/two"):
        for target in (repo, deep):
            first = porch.publish(target, package, "w1")
            second = porch.publish(target, package, "w2", edit_task(first))
            assert porch.get("packagerevision", first)["spec"]["revision"] == 1
            assert porch.get("packagerevision", second)["spec"]["revision"] == 2
    porch.wait_refs(
        repo,
        lambda r: {"refs/tags/nested/one/v2", "refs/tags/a/b/c/nested/two/v2"} <= set(r),
        "tags with and without the directory",
    )


# --- init / clone / edit / upgrade ------------------------------------------------------


def test_init_empty_package(porch: Porch, repo: str) -> None:
    created = porch.create(repo, "empty", "ws")

    assert created["spec"]["tasks"] == [
        {"type": "init", "init": {"description": "empty description"}}
    ]
    kf = kptfile(porch.resources(created["metadata"]["name"]))
    assert kf["metadata"]["name"] == "empty"
    assert kf["info"]["description"] == "empty description"


def test_init_task_package(porch: Porch, repo: str) -> None:
    init = {
        "type": "init",
        "init": {"description": "New Package", "keywords": ["test"], "site": "http://kpt.dev/new"},
    }
    name = porch.create(repo, "new-package", "ws", init)["metadata"]["name"]

    info = kptfile(porch.resources(name))["info"]

    assert info == {
        "description": "New Package",
        "keywords": ["test"],
        "site": "http://kpt.dev/new",
    }


def test_clone_from_upstream(porch: Porch, repo: str) -> None:
    upstream = porch.publish(repo, "upstream", "ws")
    placeholder = pr_name(repo, "upstream", "main")
    show_placeholders(porch, repo, placeholder)

    status, refused = porch.post(repo, "from-main", "ws", clone_task(placeholder))
    assert status in (400, 422), refused
    assert not porch.exists(pr_name(repo, "from-main", "ws"))

    name = porch.create(repo, "downstream", "ws", clone_task(upstream))["metadata"]["name"]
    kf = kptfile(porch.resources(name))
    assert kf["upstream"]["type"] == "git"
    assert kf["upstream"]["git"]["repo"] == porch.git.url(repo)
    assert kf["upstream"]["git"]["directory"] == "upstream"
    assert kf["upstream"]["git"]["ref"] == "upstream/v1"
    lock = kf["upstreamLock"]["git"]
    assert (lock["repo"], lock["directory"], lock["ref"]) == (
        porch.git.url(repo),
        "upstream",
        "upstream/v1",
    )
    assert len(lock["commit"]) == 40
    served = porch.get("packagerevision", name)
    assert served["status"]["upstreamLock"]["git"]["ref"] == "upstream/v1"


def test_clone_into_deployment_repository(porch: Porch, repo: str) -> None:
    upstream = porch.publish(repo, "blueprint", "ws")
    deploy = f"{repo}-dep"
    porch.register(deploy, deployment=True)

    name = porch.create(deploy, "site", "ws", clone_task(upstream))["metadata"]["name"]

    assert porch.get("packagerevision", name)["status"]["deployment"] is True
    context = yaml.safe_load(porch.resources(name)["spec"]["resources"]["package-context.yaml"])
    assert context["metadata"]["name"] == "kptfile.kpt.dev"
    assert context["data"]["name"] == "site"


BASENS = {
    "basens/Kptfile": (
        "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: basens\n"
        "info:\n  description: a base namespace\n"
    ),
    "basens/namespace.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: example\n",
    "bucket/Kptfile": "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: bucket\n",
    "bucket/bucket.yaml": (
        "apiVersion: storage.cnrm.cloud.google.com/v1beta1\nkind: StorageBucket\n"
        "metadata:\n  name: blueprints-project-bucket\n"
    ),
}


@pytest.fixture(scope="module")
def blueprints(porch: Porch) -> str:
    """A Git repository of sample packages pushed with plain git (Porch's test-blueprints),
    served behind basic auth and not registered."""
    porch.bare("test-blueprints")
    porch.push_external("test-blueprints", BASENS, ["main"], "sample packages")
    return porch.git.url("test-blueprints")


def test_clone_leading_slash(porch: Porch, repo: str, blueprints: str) -> None:
    name = porch.create(repo, "basens", "ws", git_clone_task(blueprints, "/basens"))["metadata"][
        "name"
    ]

    files = porch.resources(name)["spec"]["resources"]
    assert "namespace.yaml" in files
    assert kptfile(porch.resources(name))["upstream"]["git"]["repo"] == blueprints


def test_git_repository(porch: Porch, repo: str, blueprints: str) -> None:
    name = porch.create(repo, "my-bucket", "ws", git_clone_task(blueprints, "bucket"))["metadata"][
        "name"
    ]

    bucket = yaml.safe_load(porch.resources(name)["spec"]["resources"]["bucket.yaml"])

    assert bucket["kind"] == "StorageBucket"
    assert bucket["metadata"]["name"] == "blueprints-project-bucket"


def test_git_repository_with_release_tags_and_directory(porch: Porch, repo: str) -> None:
    porch.push_external(
        repo,
        {
            "config/basens/Kptfile": BASENS["basens/Kptfile"],
            "config/basens/namespace.yaml": BASENS["basens/namespace.yaml"],
            "other/Kptfile": BASENS["bucket/Kptfile"],
        },
        ["main"],
    )
    work = porch.work / f"tags-{repo}"
    git("clone", "--quiet", str(porch.git.base / f"{repo}.git"), str(work))
    git("tag", "v1.0", cwd=work)  # a release tag that is not a package revision
    git("tag", "config/basens/v1", cwd=work)
    git("push", "--quiet", "origin", "--tags", cwd=work)

    porch.register(f"{repo}-dir", git_repo=repo, directory="config")

    found = porch.revisions(f"--field-selector=spec.repository={repo}-dir")
    assert {(r["spec"]["packageName"], r["spec"]["revision"]) for r in found} == {
        ("basens", 1),
        ("basens", -1),
    }


def test_package_upgrade(porch: Porch, repo: str) -> None:
    v1 = porch.publish(repo, "up", "v1")
    local = porch.publish(repo, "down", "v1", clone_task(v1))
    v2 = porch.create(repo, "up", "v2", edit_task(v1))["metadata"]["name"]
    files = porch.resources(v2)
    files["spec"]["resources"]["new.yaml"] = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: new\ndata:\n  k: v\n"
    )
    status, body = porch.put_resources(v2, files)
    assert status == 200, body
    porch.propose(v2)
    porch.approve(v2)

    upgraded = porch.create(repo, "down", "v2", upgrade_task(v1, v2, local))

    assert [t["type"] for t in upgraded["spec"]["tasks"]] == ["upgrade"]
    name = upgraded["metadata"]["name"]
    resources = porch.resources(name)["spec"]["resources"]
    assert "new.yaml" in resources
    assert kptfile(porch.resources(name))["upstream"]["git"]["ref"] == "up/v2"
    porch.propose(name)
    assert porch.approve(name)["spec"]["revision"] == 2


def test_edit_package_revision(porch: Porch, repo: str) -> None:
    v1 = porch.publish(repo, "edited", "v1")
    other = porch.publish(repo, "other", "v1")
    draft = porch.create(repo, "edited", "draft")["metadata"]["name"]
    placeholder = pr_name(repo, "edited", "main")
    show_placeholders(porch, repo, placeholder)

    for source in (other, draft, placeholder):
        status, refused = porch.post(repo, "edited", "bad", edit_task(source))
        assert status in (400, 422), (source, refused)
    assert not porch.exists(pr_name(repo, "edited", "bad"))

    edited = porch.create(repo, "edited", "v2", edit_task(v1))
    assert edited["spec"]["tasks"] == [edit_task(v1)]
    assert (
        porch.resources(edited["metadata"]["name"])["spec"]["resources"]["Kptfile"]
        == (porch.resources(v1)["spec"]["resources"]["Kptfile"])
    )


SET_NAMESPACE = """apiVersion: kpt.dev/v1
kind: Kptfile
metadata:
  name: res
  annotations:
    config.kubernetes.io/local-config: "true"
info:
  description: res description
pipeline:
  mutators:
  - image: gcr.io/kpt-fn/set-namespace:v0.4.1
    configMap:
      namespace: bucket-namespace
"""

CONFIG_MAP = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: new-config-map\ndata:\n  k: v\n"


def test_update_resources(porch: Porch, repo: str) -> None:
    name = porch.create(repo, "res", "ws")["metadata"]["name"]
    prr = porch.resources(name)
    prr["spec"]["resources"]["Kptfile"] = SET_NAMESPACE
    prr["spec"]["resources"]["config-map.yaml"] = CONFIG_MAP

    status, updated = porch.put_resources(name, prr)

    assert status == 200, updated
    assert updated["status"]["renderStatus"]["error"] == ""
    again = porch.resources(name)["spec"]["resources"]
    rendered = yaml.safe_load(again["config-map.yaml"])
    assert rendered["metadata"]["namespace"] == "bucket-namespace"
    assert kptfile(porch.resources(name))["pipeline"]["mutators"][0]["image"].endswith(
        "set-namespace:v0.4.1"
    )
    porch.wait_refs(repo, lambda r: "refs/heads/drafts/res/ws" in r, "draft branch")
    wait_until(
        lambda: porch.has_file(repo, "drafts/res/ws", "res/config-map.yaml"),
        what="the rendered file in Git",
    )
    assert "bucket-namespace" in porch.show(repo, "drafts/res/ws", "res/config-map.yaml")


def test_update_resources_empty_patch(porch: Porch, repo: str) -> None:
    name = porch.create(repo, "same", "ws")["metadata"]["name"]
    prr = porch.resources(name)

    status, updated = porch.put_resources(name, prr)

    assert status == 200, updated
    assert updated["spec"]["resources"] == prr["spec"]["resources"]
    assert porch.get("packagerevision", name)["spec"]["tasks"] == [
        {"type": "init", "init": {"description": "same description"}}
    ]


# --- repositories --------------------------------------------------------------------


def test_register_repository(porch: Porch) -> None:
    repo = porch.register("registered", deployment=True)

    assert repo["spec"]["type"] == "git"
    assert repo["spec"]["deployment"] is True
    assert condition(repo)["status"] == "True"
    assert porch.refs("registered")["refs/heads/main"]


def register_unreachable(porch: Porch, name: str) -> None:
    manifest = {
        "apiVersion": "config.porch.kpt.dev/v1alpha1",
        "kind": "Repository",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"type": "git", "git": {"repo": "https://repo.invalid/repo.git"}},
    }
    porch.kubectl("apply", "-f", "-", stdin=json.dumps(manifest))
    wait_until(
        lambda: condition(porch.get("repository", name)).get("status") == "False",
        what="Ready=False",
    )


def test_repository_error(porch: Porch) -> None:
    register_unreachable(porch, "repo-error")

    ready = condition(porch.get("repository", "repo-error"))

    assert ready["status"] == "False"
    assert "repo.invalid" in ready["message"]


def test_repository_error_reason_is_error(porch: Porch) -> None:
    register_unreachable(porch, "repo-error-reason")

    assert condition(porch.get("repository", "repo-error-reason"))["reason"] == "Error"


def test_repository_modify(porch: Porch) -> None:
    porch.register("modified")
    patch = '{"spec":{"description":"changed"}}'

    porch.kubectl("patch", "repository", "modified", "--type=merge", "-p", patch)

    repo = porch.get("repository", "modified")
    assert repo["spec"]["description"] == "changed"
    wait_until(
        lambda: condition(porch.get("repository", "modified")).get("status") == "True",
        what="still Ready",
    )


def test_repository_immutability(porch: Porch) -> None:
    porch.register("immutable")
    for patch in (
        {"spec": {"git": {"repo": porch.git.url("elsewhere")}}},
        {"spec": {"git": {"branch": "other"}}},
        {"spec": {"git": {"directory": "/other"}}},
        {"spec": {"type": "oci"}},
    ):
        err = porch.kubectl_fails(
            "patch", "repository", "immutable", "--type=merge", "-p", json.dumps(patch)
        )
        assert "immutable" in err, (patch, err)
    porch.kubectl(
        "patch", "repository", "immutable", "--type=merge", "-p", '{"spec":{"description":"d"}}'
    )
    assert porch.get("repository", "immutable")["spec"]["description"] == "d"


def test_repository_branch_default(porch: Porch) -> None:
    repo = porch.register("branch-default", branch=None)

    assert repo["spec"]["git"]["branch"] == "main"


def test_package_revision_list_with_hanging_repository(porch: Porch, repo: str) -> None:
    porch.publish(repo, "working", "ws")
    for i in range(3):
        hanging = {
            "apiVersion": "config.porch.kpt.dev/v1alpha1",
            "kind": "Repository",
            "metadata": {"name": f"hanging-{i}", "namespace": "default"},
            # a loopback port nobody listens on, and one that accepts and never answers
            "spec": {"type": "git", "git": {"repo": f"http://10.255.255.1:{9000 + i}/r.git"}},
        }
        porch.kubectl("apply", "-f", "-", stdin=json.dumps(hanging))

    started = time.monotonic()
    names = porch.names(repo=repo)
    assert time.monotonic() - started < 5
    assert names == {f"{repo}.working.ws", f"{repo}.working.main"} or names == {
        f"{repo}.working.ws"
    }


def test_package_revision_in_multiple_namespaces(porch: Porch) -> None:
    namespaces = ["multi-a", "multi-b", "multi-c"]
    porch.bare("shared")
    for ns in namespaces:
        porch.register("shared-repo", ns=ns, git_repo="shared")
    porch.publish("shared-repo", "common", "ws", ns="multi-a")
    porch.create("shared-repo", "draft-only", "ws", ns="multi-a")
    for ns in namespaces[1:]:  # the other namespaces see what Git has once they sync
        sync_now(porch, "shared-repo", ns)

    def counts() -> list[int]:
        return [len(porch.revisions(ns=ns)) for ns in namespaces]

    wait_until(lambda: len(set(counts())) == 1, timeout=40, what="equal counts per namespace")
    for ns in namespaces:
        for item in porch.revisions(ns=ns):
            assert item["metadata"]["namespace"] == ns
            assert item["metadata"]["name"].startswith("shared-repo.")
    assert counts()[0] == 3  # v1, the main placeholder, the draft


def test_uniqueness_of_uids(porch: Porch) -> None:
    porch.register("uids-a")
    porch.register("uids-b")
    for repo in ("uids-a", "uids-b"):
        porch.publish(repo, "same", "ws")
        porch.create(repo, "same", "draft")

    uids = [
        r["metadata"]["uid"]
        for r in porch.revisions()
        if r["spec"]["repository"] in ("uids-a", "uids-b")
    ]
    assert len(uids) >= 4
    assert len(uids) == len(set(uids))


# --- metadata ----------------------------------------------------------------------------


def test_package_revision_metadata(porch: Porch, repo: str) -> None:
    name = porch.create(repo, "meta", "ws")["metadata"]["name"]
    porch.kubectl("label", "packagerevision", name, "kpt.dev/label=foo", "team=web")
    porch.kubectl("annotate", "packagerevision", name, "kpt.dev/anno=bar")

    def check() -> None:
        meta = porch.get("packagerevision", name)["metadata"]
        assert meta["labels"]["kpt.dev/label"] == "foo"
        assert meta["labels"]["team"] == "web"
        assert meta["annotations"]["kpt.dev/anno"] == "bar"

    check()
    porch.propose(name)
    check()
    porch.approve(name)
    check()
    porch.approve(name, "DeletionProposed")
    check()


def test_package_revision_owner_references(porch: Porch, repo: str) -> None:
    name = porch.create(repo, "owned", "ws")["metadata"]["name"]
    owner = {"apiVersion": "v1", "kind": "ConfigMap", "name": "owner", "uid": "abc-123"}
    patch = json.dumps({"metadata": {"ownerReferences": [owner]}})

    porch.kubectl("patch", "packagerevision", name, "--type=merge", "-p", patch)

    assert porch.get("packagerevision", name)["metadata"]["ownerReferences"] == [owner]
    porch.propose(name)
    assert porch.get("packagerevision", name)["metadata"]["ownerReferences"] == [owner]


def test_package_revision_field_selectors(porch: Porch, repo: str) -> None:
    v1 = porch.publish(repo, "fields", "v1")
    v2 = porch.publish(repo, "fields", "v2", edit_task(v1))
    draft = porch.create(repo, "fields", "draft", edit_task(v2))["metadata"]["name"]
    other = porch.create(repo, "others", "v1")["metadata"]["name"]
    main = pr_name(repo, "fields", "main")
    show_placeholders(porch, repo, main)

    def sel(expr: str) -> set[str]:
        return porch.names(f"--field-selector={expr}", repo=repo)

    assert sel("spec.packageName=fields") == {v1, v2, draft, main}
    assert sel("spec.revision=1") == {v1}
    assert sel("spec.revision=-1") == {main}
    assert sel("spec.workspaceName=draft") == {draft}
    assert sel("spec.lifecycle=Published") == {v1, v2, main}
    assert sel("spec.lifecycle=Draft") == {draft, other}
    assert sel("spec.packageName=fields,spec.lifecycle=Draft") == {draft}
    assert sel(f"metadata.name={v2}") == {v2}
    err = porch.kubectl_fails("get", "packagerevisions", "--field-selector=spec.lifecycle=Nope")
    assert "Nope" in err


def test_package_revision_label_selectors(porch: Porch, repo: str) -> None:
    v1 = porch.publish(repo, "labels", "v1")
    v2 = porch.publish(repo, "labels", "v2", edit_task(v1))
    porch.kubectl("label", "packagerevision", v1, "kpt.dev/label=foo")

    assert porch.names(f"-l={LATEST}=true", repo=repo) == {v2}
    assert porch.names("-l=kpt.dev/label=foo", repo=repo) == {v1}
    assert porch.names("-l=kpt.dev/label!=foo,kpt.dev/latest-revision", repo=repo) == {v2}


def test_package_revision_finalizers(porch: Porch, repo: str) -> None:
    name = porch.create(repo, "final", "ws")["metadata"]["name"]
    patch = '{"metadata":{"finalizers":["foo.com/blocker"]}}'
    porch.kubectl("patch", "packagerevision", name, "--type=merge", "-p", patch)

    porch.kubectl("delete", "packagerevision", name, "--wait=false")

    held = porch.get("packagerevision", name)["metadata"]
    assert held["deletionTimestamp"]
    assert held["finalizers"] == ["foo.com/blocker"]
    porch.kubectl(
        "patch",
        "packagerevision",
        name,
        "--type=json",
        "-p",
        '[{"op":"remove","path":"/metadata/finalizers"}]',
    )
    wait_until(lambda: not porch.exists(name), what="deleted once the finalizer is gone")


def sync_now(porch: Porch, repo: str, ns: str = "default") -> None:
    """Ask for a background sync (``porchctl repo sync``) and wait until a full pass ran
    (Porch's test waits for its timer instead)."""
    before = porch.repository_events(ns, repo).count("RepositorySynced")
    ran = porchctl(porch.stack, "repo", "sync", repo, f"-n={ns}")
    assert ran.code == 0, ran.err
    wait_until(
        lambda: porch.repository_events(ns, repo).count("RepositorySynced") > before,
        what=f"a full sync of {repo}",
    )


def show_placeholders(porch: Porch, repo: str, *names: str) -> None:
    """Wait for branch placeholders, asking for a pass rather than waiting for the timer."""
    if not all(porch.exists(n) for n in names):
        sync_now(porch, repo)
    wait_until(lambda: all(porch.exists(n) for n in names), what=f"placeholders {names}")


def test_metadata_after_approve_and_background_job(porch: Porch, repo: str) -> None:
    name = porch.publish(repo, "bg", "ws")
    main = pr_name(repo, "bg", "main")

    def listed() -> dict[str, tuple[int, str]]:
        return {
            r["metadata"]["name"]: (
                r["spec"]["revision"],
                r["metadata"].get("labels", {}).get(LATEST, ""),
            )
            for r in porch.revisions(f"--field-selector=spec.repository={repo}")
        }

    wait_until(lambda: main in listed(), what="the main placeholder")
    expected = {name: (1, "true"), main: (-1, "")}
    assert listed() == expected
    sync_now(porch, repo)
    assert listed() == expected


def test_metadata_after_delete_and_background_job(porch: Porch, repo: str) -> None:
    name = porch.publish(repo, "bgdel", "ws")
    main = pr_name(repo, "bgdel", "main")
    show_placeholders(porch, repo, main)
    porch.approve(name, "DeletionProposed")
    porch.delete(name)

    assert porch.names(repo=repo) == {main}, porch.events("default", repo, "bgdel")
    sync_now(porch, repo)
    assert porch.names(repo=repo) == {main}


KPTFILE_WITH_METADATA = """apiVersion: kpt.dev/v1
kind: Kptfile
metadata:
  name: kmeta
  labels:
    tier: backend
  annotations:
    owner: team-a
info:
  description: kmeta description
status:
  conditions:
  - type: example.com/ready
    status: "True"
    reason: Checked
    message: all good
"""


def test_package_metadata_from_kptfile(porch: Porch, repo: str) -> None:
    name = porch.create(repo, "kmeta", "ws")["metadata"]["name"]
    prr = porch.resources(name)
    prr["spec"]["resources"]["Kptfile"] = KPTFILE_WITH_METADATA
    status, body = porch.put_resources(name, prr)
    assert status == 200, body

    served = porch.get("packagerevision", name)

    assert served["spec"]["packageMetadata"] == {
        "labels": {"tier": "backend"},
        "annotations": {"owner": "team-a"},
    }
    assert {
        "type": "example.com/ready",
        "status": "True",
        "reason": "Checked",
        "message": "all good",
    } in served["status"]["conditions"]


def test_package_metadata_field_selectors(porch: Porch, repo: str) -> None:
    name = porch.create(repo, "kmeta", "ws")["metadata"]["name"]
    prr = porch.resources(name)
    prr["spec"]["resources"]["Kptfile"] = KPTFILE_WITH_METADATA
    status, body = porch.put_resources(name, prr)
    assert status == 200, body
    plain = porch.create(repo, "plain", "ws")["metadata"]["name"]

    selected = porch.names("--field-selector=spec.packageMetadata.labels[tier]=backend", repo=repo)
    other = porch.names("--field-selector=spec.packageMetadata.labels[tier]!=backend", repo=repo)

    assert selected == {name}
    assert plain in other


def test_create_package_revision_rollback(porch: Porch, repo: str, blueprints: str) -> None:
    before = porch.refs(repo)
    bad = git_clone_task(blueprints, "basens", ref="no-such-ref")

    status, answer = porch.post(repo, "rollback", "ws", bad)

    assert status >= 400, answer
    assert answer["kind"] == "Status"
    assert not porch.exists(pr_name(repo, "rollback", "ws"))
    assert porch.refs(repo) == before
    assert porch.events("default", repo, "rollback")[-1] == "RevisionCreationFailed"
    # the workspace is free again
    assert porch.create(repo, "rollback", "ws")["spec"]["lifecycle"] == "Draft"


def test_large_package_revision(porch: Porch, repo: str) -> None:
    name = porch.create(repo, "large", "ws")["metadata"]["name"]
    prr = porch.resources(name)
    value = "x" * (5 * 1024 * 1024)
    text = f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  big: {value}\n"
    prr["spec"]["resources"]["big.yaml"] = text

    status, updated = porch.put_resources(name, prr)

    assert status == 200, str(updated)[:500]
    assert value in porch.resources(name)["spec"]["resources"]["big.yaml"]
    porch.propose(name)
    porch.approve(name)
    porch.wait_refs(repo, lambda r: "refs/tags/large/v1" in r, "tag large/v1")
    assert value in porch.show(repo, "large/v1", "large/big.yaml")


# --- functions and render failures (fn_runner_test, render_failure_test) -----------------


STARLARK = """apiVersion: kpt.dev/v1
kind: Kptfile
metadata:
  name: fns
info:
  description: fns description
pipeline:
  mutators:
  - image: gcr.io/kpt-fn/set-namespace:v0.4.1
    configMap:
      namespace: fn-namespace
  - image: gcr.io/kpt-fn/starlark:v0.4.3
    configPath: starlark.yaml
"""

STARLARK_FN = """apiVersion: fn.kpt.dev/v1alpha1
kind: StarlarkRun
metadata:
  name: set-label
  annotations:
    config.kubernetes.io/local-config: "true"
source: |
  for r in ctx.resource_list["items"]:
    if r["kind"] == "ConfigMap":
      r["metadata"].setdefault("labels", {})["touched"] = "yes"
"""


def test_builtin_function_evaluator(porch: Porch, repo: str) -> None:
    name = porch.create(repo, "fns", "ws")["metadata"]["name"]
    prr = porch.resources(name)
    prr["spec"]["resources"].update(
        {"Kptfile": STARLARK, "starlark.yaml": STARLARK_FN, "cm.yaml": CONFIG_MAP}
    )

    status, updated = porch.put_resources(name, prr)

    assert status == 200, updated
    cm = yaml.safe_load(porch.resources(name)["spec"]["resources"]["cm.yaml"])
    assert cm["metadata"]["namespace"] == "fn-namespace"
    assert cm["metadata"]["labels"] == {"touched": "yes"}


BROKEN = """apiVersion: kpt.dev/v1
kind: Kptfile
metadata:
  name: broken{annotations}
info:
  description: broken description
pipeline:
  mutators:
  - image: gcr.io/kpt-fn/set-namespace:v0.4.1
    configMap:
      namespace: ok-namespace
  - image: gcr.io/kpt-fn/starlark:v0.4.3
    configMap:
      source: fail("broken on purpose")
"""


def render_failure(porch: Porch, repo: str, *, push: bool, save: bool) -> tuple[str, Obj, Obj]:
    name = porch.create(repo, "broken", "ws")["metadata"]["name"]
    if push:
        porch.kubectl(
            "annotate", "packagerevision", name, "porch.kpt.dev/push-on-render-failure=true"
        )
    before = porch.resources(name)
    prr = json.loads(json.dumps(before))
    annotations = '\n  annotations:\n    kpt.dev/save-on-render-failure: "true"' if save else ""
    prr["spec"]["resources"]["Kptfile"] = BROKEN.format(annotations=annotations)
    prr["spec"]["resources"]["cm.yaml"] = CONFIG_MAP
    status, answer = porch.put_resources(name, prr)
    # the call reports the failure either way, with what the failing function said
    assert status >= 400, answer
    assert answer["kind"] == "Status"
    assert "broken on purpose" in answer["message"], answer
    return name, before, porch.resources(name)


def test_render_failure_no_push(porch: Porch, repo: str) -> None:
    _name, before, after = render_failure(porch, repo, push=False, save=False)

    assert after["spec"]["resources"] == before["spec"]["resources"]
    assert after["metadata"]["resourceVersion"] == before["metadata"]["resourceVersion"]


def test_render_failure_with_push_annotation(porch: Porch, repo: str) -> None:
    _name, _before, after = render_failure(porch, repo, push=True, save=False)

    cm = yaml.safe_load(after["spec"]["resources"]["cm.yaml"])
    assert "namespace" not in cm["metadata"]  # unrendered


def test_render_failure_with_save_and_push_annotations(porch: Porch, repo: str) -> None:
    _name, _before, after = render_failure(porch, repo, push=True, save=True)

    cm = yaml.safe_load(after["spec"]["resources"]["cm.yaml"])
    assert cm["metadata"]["namespace"] == "ok-namespace"  # the first mutator's output


# --- Git both ways ----------------------------------------------------------------------


def test_external_changes_are_discovered(porch: Porch, repo: str) -> None:
    """Not a Porch e2e test by name, but what its background job is for: a package pushed
    with plain git appears, and disappears when its tag is deleted."""
    porch.push_external(repo, {"ext/Kptfile": BASENS["bucket/Kptfile"]}, ["main"])
    work = porch.work / f"ext-{repo}"
    git("clone", "--quiet", str(porch.git.base / f"{repo}.git"), str(work))
    git("tag", "ext/v1", cwd=work)
    git("push", "--quiet", "origin", "ext/v1", cwd=work)
    sync_now(porch, repo)

    wanted = {pr_name(repo, "ext", "v1"), pr_name(repo, "ext", "main")}
    wait_until(lambda: wanted <= porch.names(repo=repo), what="the pushed package to show")
    git("push", "--quiet", "origin", ":refs/tags/ext/v1", cwd=work)
    sync_now(porch, repo)
    # A timer pass that began before the push may finish first: wait for the removal.
    wait_until(
        lambda: pr_name(repo, "ext", "v1") not in porch.names(repo=repo),
        what="the deleted tag's revision to go",
    )
