"""``pkg get`` and ``pkg update`` against a real git daemon, with the kpt CLI as the oracle.

The upstream repository (served by ``porch.local.gitserver.GitServer``) holds four
packages at two versions: ``app`` (Kptfile, resources, non-KRM files, a dependent
subpackage and a remote subpackage pointing back at ``base``), ``base``, ``rich`` (a
Deployment whose associative and atomic lists all change) and ``stable`` (whose Kptfile
does not change between versions). Every test runs kpt and this library on
the same input and compares the resulting trees byte for byte. The installed kpt is
v1.0.0-beta.56; where that release and the kpt this library follows differ (copy-merge
does not exist there; force-delete-replace and fast-forward do not merge the Kptfile
there), the tests pick inputs on which both agree or check this library alone.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from porch.errors import Invalid, NotFound
from porch.kpt import pkg_files, pkgget, pkgupdate
from porch.kptcli import pkg as pkg_cli
from porch.local.gitserver import GitServer

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(shutil.which("kpt") is None, reason="the kpt CLI is not installed"),
]

GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.com",
}

KPTFILE = """apiVersion: kpt.dev/v1
kind: Kptfile
metadata:
  name: {name}
  annotations:
    config.kubernetes.io/local-config: "true"
info:
  description: {description}
pipeline:
  mutators:
  - image: set-namespace:v0.4
    configMap:
      namespace: app
"""
DEPLOY = """# the web tier
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: app
spec:
  replicas: {replicas}
  template:
    spec:
      containers:
      - name: web
        image: nginx:{tag}
        ports:
        - containerPort: 80{extra}
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: app
spec:
  ports:
  - port: 80
    targetPort: {target}
"""
SIDECAR = "\n      - name: sidecar\n        image: envoy:1"
RICH = {
    1: """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
    tier: front
  annotations:
    a: "1"
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1
          args: ["--a", "--b"]
          ports:
            - containerPort: 80
              protocol: TCP
          env:
            - name: X
              value: "1"
          volumeMounts:
            - name: data
              mountPath: /data
      volumes:
        - name: data
          emptyDir: {}
      tolerations:
        - key: k
          operator: Exists
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: r
rules:
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["get"]
""",
    2: """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
    tier: front
    version: v2
  annotations:
    a: "2"
    b: new
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:2
          args: ["--a", "--c"]
          ports:
            - containerPort: 80
              protocol: TCP
            - containerPort: 443
              protocol: TCP
          env:
            - name: X
              value: "2"
            - name: Y
              value: "new"
          volumeMounts:
            - name: data
              mountPath: /data
            - name: cache
              mountPath: /cache
      volumes:
        - name: data
          emptyDir: {}
        - name: cache
          emptyDir: {medium: Memory}
      tolerations:
        - key: k
          operator: Exists
        - key: k2
          operator: Exists
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: r
rules:
- apiGroups: [""]
  resources: ["pods", "services"]
  verbs: ["get", "list"]
""",
}


def _cm(name: str, value: str) -> str:
    return f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  v: {value!r}\n"


def _version(repo: Path, url: str, number: int) -> None:
    """Write version ``number`` of the packages into the work tree ``repo``."""
    v2 = number == 2
    files = {
        "app/Kptfile": KPTFILE.format(name="app", description=f"app v{number}"),
        "app/deploy.yaml": DEPLOY.format(
            replicas="5 # upstream" if v2 else "1",
            tag="2" if v2 else "1",
            extra=SIDECAR if v2 else "",
            target="8081" if v2 else "8080",
        ),
        "app/README.md": f"readme v{number}\n",
        "app/notes.txt": "notes\n",
        "app/local/Kptfile": "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: local\n",
        "app/local/cm.yaml": _cm("local", str(number)),
        "app/base/Kptfile": (
            "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: base\nupstream:\n"
            f"  type: git\n  git:\n    repo: {url}\n    directory: /base\n    ref: v1\n"
            "  updateStrategy: resource-merge\n"
        ),
        "base/Kptfile": "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: base\n",
        "base/b.yaml": _cm("base", str(number)),
        "rich/Kptfile": "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: rich\n",
        "rich/r.yaml": RICH[number],
        "stable/Kptfile": KPTFILE.format(name="stable", description="stable"),
        "stable/deploy.yaml": DEPLOY.format(
            replicas=str(number), tag=str(number), extra="", target="8080"
        ),
    }
    files["app/old.yaml" if not v2 else "app/new.yaml"] = _cm("old" if not v2 else "new", "x")
    if v2:
        (repo / "app" / "old.yaml").unlink()
    for path, text in files.items():
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        (repo / path).write_text(text)


def _git(cwd: Path, *args: str) -> str:
    env = {**os.environ, **GIT_ENV}
    done = subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)
    return done.stdout.decode().strip()


@dataclass
class Upstream:
    url: str  # as kpt records it: no .git
    v1: str  # commit of version 1


@pytest.fixture(scope="module")
def upstream(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Upstream]:
    base = tmp_path_factory.mktemp("kpt-upstream")
    with GitServer(base_dir=base / "served") as server:
        url = server.url("up").removesuffix(".git")
        work = base / "work"
        work.mkdir()
        _git(work, "init", "-q", "-b", "main")
        _version(work, url, 1)
        _git(work, "add", "-A")
        _git(work, "commit", "-qm", "v1")
        v1 = _git(work, "rev-parse", "HEAD")
        for tag in ("v1", "app/v1", "base/v1", "stable/v1", "rich/v1"):
            _git(work, "tag", tag)
        _version(work, url, 2)
        _git(work, "add", "-A")
        _git(work, "commit", "-qm", "v2")
        for tag in ("v2", "app/v2", "base/v2", "stable/v2", "rich/v2"):
            _git(work, "tag", tag)
        _git(base, "clone", "-q", "--bare", str(work), str(base / "served" / "up.git"))
        yield Upstream(url=url, v1=v1)


@pytest.fixture
def caches(tmp_path: Path) -> dict[str, str]:
    return {"KPT_CACHE_DIR": str(tmp_path / "kpt-cache"), "OURS": str(tmp_path / "our-cache")}


def kpt(cwd: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "KPT_CACHE_DIR": env["KPT_CACHE_DIR"]}
    return subprocess.run(["kpt", *args], cwd=cwd, env=full, capture_output=True, text=True)


def tree(root: Path) -> dict[str, bytes]:
    return pkg_files.read_tree(root)


def both_get(
    tmp_path: Path,
    upstream: Upstream,
    caches: dict[str, str],
    *,
    package: str,
    ref: str,
    for_deployment: bool = False,
) -> tuple[Path, Path]:
    theirs, ours = tmp_path / "kpt", tmp_path / "ours"
    theirs.mkdir()
    ours.mkdir()
    flags = ["--for-deployment"] if for_deployment else []
    done = kpt(
        theirs, "pkg", "get", f"{upstream.url}.git/{package}@{ref}", "pkg", *flags, env=caches
    )
    assert done.returncode == 0, done.stderr
    pkgget.get(
        upstream.url,
        f"/{package}",
        ref,
        ours / "pkg",
        for_deployment=for_deployment,
        cache_dir=Path(caches["OURS"]),
    )
    return theirs / "pkg", ours / "pkg"


@pytest.mark.parametrize("ref", ["v1", "main", "app/v1", "commit"])
def test_get_matches_kpt(
    tmp_path: Path, upstream: Upstream, caches: dict[str, str], ref: str
) -> None:
    ref = upstream.v1 if ref == "commit" else ref
    theirs, ours = both_get(tmp_path, upstream, caches, package="app", ref=ref)
    assert tree(ours) == tree(theirs)
    assert "base/b.yaml" in tree(ours)  # the remote subpackage was fetched as well


def test_get_for_deployment_matches_kpt(
    tmp_path: Path, upstream: Upstream, caches: dict[str, str]
) -> None:
    theirs, ours = both_get(
        tmp_path, upstream, caches, package="stable", ref="v1", for_deployment=True
    )
    assert tree(ours) == tree(theirs)
    assert b"name: pkg" in tree(ours)["package-context.yaml"]


def test_get_of_an_unknown_ref_fails_and_writes_nothing(
    tmp_path: Path, upstream: Upstream, caches: dict[str, str]
) -> None:
    assert kpt(tmp_path, "pkg", "get", f"{upstream.url}.git/app@nope", "k", env=caches).returncode
    assert not (tmp_path / "k").exists()
    with pytest.raises(NotFound, match='Unknown ref "nope"'):
        pkgget.get(upstream.url, "/app", "nope", tmp_path / "o", cache_dir=Path(caches["OURS"]))
    assert not (tmp_path / "o").exists()
    with pytest.raises(NotFound, match='path "/missing" does not exist'):
        pkgget.get(upstream.url, "/missing", "v1", tmp_path / "o", cache_dir=Path(caches["OURS"]))


LOCAL_EDITS = {
    "deploy.yaml": lambda t: t.replace("replicas: 1", "replicas: 3 # mine").replace(
        "namespace: app", "namespace: prod"
    ),
    "notes.txt": lambda t: t + "local notes\n",
    "local/cm.yaml": lambda t: t.replace("v: '1'", "v: '1' # kept"),
}


def _edit(root: Path, edits: dict[str, object]) -> None:
    for path, change in edits.items():
        target = root / path
        target.write_text(change(target.read_text()))  # type: ignore[operator]


RICH_EDITS = {
    "r.yaml": lambda t: (
        t.replace("    tier: front\n", "")
        .replace("replicas: 2", "replicas: 7")
        .replace(
            'value: "1"\n', 'value: "1"\n            - name: LOCAL\n              value: "l"\n'
        )
        .replace('args: ["--a", "--b"]', 'args: ["--a", "--b", "--local"]')
        .replace('verbs: ["get"]', 'verbs: ["get", "watch"]')
    ),
}


@pytest.mark.parametrize(
    ("package", "strategy", "edits"),
    [
        ("app", "resource-merge", LOCAL_EDITS),
        ("rich", "resource-merge", RICH_EDITS),
        ("app", "resource-merge", {}),
        ("stable", "force-delete-replace", {"deploy.yaml": lambda t: t + "# mine\n"}),
        ("stable", "fast-forward", {}),
    ],
    ids=[
        "resource-merge-edited",
        "resource-merge-rich",
        "resource-merge-clean",
        "force-delete-replace",
        "fast-forward",
    ],
)
def test_update_matches_kpt(
    tmp_path: Path,
    upstream: Upstream,
    caches: dict[str, str],
    package: str,
    strategy: str,
    edits: dict[str, object],
) -> None:
    theirs, ours = both_get(tmp_path, upstream, caches, package=package, ref="v1")
    _edit(theirs, edits)
    _edit(ours, edits)
    done = kpt(theirs.parent, "pkg", "update", "pkg@v2", "--strategy", strategy, env=caches)
    assert done.returncode == 0, done.stderr
    pkgupdate.update(ours, ref="v2", strategy=strategy, cache_dir=Path(caches["OURS"]))
    assert tree(ours) == tree(theirs)


def test_fast_forward_refuses_local_changes_and_leaves_the_package_alone(
    tmp_path: Path, upstream: Upstream, caches: dict[str, str]
) -> None:
    theirs, ours = both_get(tmp_path, upstream, caches, package="stable", ref="v1")
    edits = {"deploy.yaml": lambda t: t.replace("replicas: 1", "replicas: 9")}
    _edit(theirs, edits)
    _edit(ours, edits)
    done = kpt(theirs.parent, "pkg", "update", "pkg@v2", "--strategy", "fast-forward", env=caches)
    assert done.returncode == 1
    assert "local package files have been modified: [deploy.yaml]" in done.stderr
    before = tree(ours)
    with pytest.raises(Invalid, match=r"local package files have been modified: \[deploy.yaml\]"):
        pkgupdate.update(ours, ref="v2", strategy="fast-forward", cache_dir=Path(caches["OURS"]))
    assert tree(ours) == before


def test_copy_merge_keeps_local_files_and_takes_upstream_ones(
    tmp_path: Path, upstream: Upstream, caches: dict[str, str]
) -> None:
    _, ours = both_get(tmp_path, upstream, caches, package="app", ref="v1")
    (ours / "mine.txt").write_text("mine\n")
    pkgupdate.update(ours, ref="v2", strategy="copy-merge", cache_dir=Path(caches["OURS"]))
    files = tree(ours)
    assert files["mine.txt"] == b"mine\n"
    assert "old.yaml" not in files
    assert b"nginx:2" in files["deploy.yaml"]
    assert b"updateStrategy: copy-merge" in files["Kptfile"]


def test_cli_get_and_update_match_the_library(
    tmp_path: Path, upstream: Upstream, caches: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    theirs, _ = both_get(tmp_path, upstream, caches, package="app", ref="v1")
    cli_dir = tmp_path / "cli"
    cli_dir.mkdir()
    monkeypatch.chdir(cli_dir)
    monkeypatch.setenv("KPT_CACHE_DIR", str(tmp_path / "cli-cache"))
    runner = CliRunner()
    got = runner.invoke(pkg_cli.app, ["get", f"{upstream.url}.git/app@v1", "pkg"])
    assert got.exit_code == 0, got.output
    assert tree(cli_dir / "pkg") == tree(theirs)
    assert kpt(theirs.parent, "pkg", "update", "pkg@v2", env=caches).returncode == 0
    updated = runner.invoke(pkg_cli.app, ["update", "pkg@v2"])
    assert updated.exit_code == 0, updated.output
    assert tree(cli_dir / "pkg") == tree(theirs)
    failed = runner.invoke(pkg_cli.app, ["get", f"{upstream.url}.git/app@nope", "other"])
    assert failed.exit_code == 1
    assert 'Error: Unknown ref "nope"' in failed.output


def test_cli_init_writes_a_new_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    done = CliRunner().invoke(pkg_cli.app, ["init", "fresh", "--keywords", "a,b"])
    assert done.exit_code == 0, done.output
    assert sorted(tree(tmp_path / "fresh")) == ["Kptfile", "README.md", "package-context.yaml"]
    assert b"  name: fresh\n" in tree(tmp_path / "fresh")["Kptfile"]
