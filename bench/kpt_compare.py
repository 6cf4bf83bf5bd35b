"""``pkg get`` and ``pkg update`` with this library against the ``kpt`` binary, same run.

Run: ``.venv/bin/python bench/kpt_compare.py [--resources 200] [--repeat 5]``

Builds a local Git repository (bare, ``file://``) holding one generated package of
``--resources`` resources (Deployments and Services with comments, spread over files) at
two versions: v2 changes replicas and images everywhere, adds a resource and deletes one.
Then, per repetition and after one warm-up (both sides keep their repository cache):

    kpt get         ``kpt pkg get file://.../up.git/pkg@v1 pkg``            (baseline)
    lib get         ``porch.kpt.pkgget.get`` in this process
    cli get         the same through ``porch kpt pkg get`` in a fresh Python process
    kpt update      local edits, then ``kpt pkg update pkg@v2``               (baseline)
    lib update      the same edits, then ``porch.kpt.pkgupdate.update``
    cli update      the same through ``porch kpt pkg update`` in a fresh process

Prints the median of each, the ratios to kpt and whether the library's trees were
byte-identical to kpt's. Targets (printed MET/MISSED, never asserted): library update
faster than kpt, library get within 2x of kpt. (Render is measured elsewhere.)
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from porch.kpt import pkg_files, pkgget, pkgupdate

GIT_ENV = {"GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@x", "GIT_COMMITTER_NAME": "b"}
GIT_ENV["GIT_COMMITTER_EMAIL"] = "b@x"
PER_FILE = 4
CLI = (
    "import sys; from porch.kptcli.pkg import app; "
    "sys.argv = ['porch-kpt-pkg', *sys.argv[1:]]; app()"
)


def resource(i: int, version: int) -> str:
    return f"""# app {i}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-{i}
  namespace: ns
  labels:
    app: app-{i}
spec:
  replicas: {version} # scale
  selector:
    matchLabels:
      app: app-{i}
  template:
    spec:
      containers:
      - name: web
        image: nginx:1.{version}.{i}
        ports:
        - containerPort: 80
        env:
        - name: MODE
          value: "v{version}"
---
apiVersion: v1
kind: Service
metadata:
  name: app-{i}
  namespace: ns
spec:
  ports:
  - port: 80
    targetPort: 8080
"""


def write_version(pkg: Path, resources: int, version: int) -> None:
    for old in pkg.glob("*.yaml"):
        old.unlink()
    (pkg / "Kptfile").write_text(
        "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: pkg\n"
        f"info:\n  description: generated, version {version}\n"
    )
    apps = resources // 2
    numbers = [i for i in range(apps + (version - 1)) if not (version == 2 and i == 0)]
    for start in range(0, len(numbers), PER_FILE):
        chunk = numbers[start : start + PER_FILE]
        text = "---\n".join(resource(i, version) for i in chunk)
        (pkg / f"apps-{chunk[0]:04d}.yaml").write_text(text)
    (pkg / "README.md").write_text(f"version {version}\n")


def git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", *args], cwd=cwd, env={**os.environ, **GIT_ENV}, check=True, capture_output=True
    )


def make_upstream(base: Path, resources: int) -> str:
    work = base / "work"
    (work / "pkg").mkdir(parents=True)
    git(work, "init", "-q", "-b", "main")
    for version in (1, 2):
        write_version(work / "pkg", resources, version)
        git(work, "add", "-A")
        git(work, "commit", "-qm", f"v{version}")
        git(work, "tag", f"pkg/v{version}")
    git(base, "clone", "-q", "--bare", str(work), str(base / "up.git"))
    return f"file://{base}/up"


def edit(pkg: Path) -> None:
    """A few local changes: one edited resource, one new file, one edited README."""
    first = sorted(pkg.glob("apps-*.yaml"))[1]
    first.write_text(first.read_text().replace("replicas: 1 # scale", "replicas: 7 # mine", 1))
    (pkg / "local.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: mine\n")
    (pkg / "README.md").write_text("mine\n")


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def run(cmd: list[str], cwd: Path, env: dict[str, str]) -> None:
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stderr}")


class Bench:
    def __init__(self, base: Path, url: str) -> None:
        self.base, self.url = base, url
        self.env = {**os.environ, "KPT_CACHE_DIR": str(base / "kpt-cache")}
        self.cli_env = {**os.environ, "KPT_CACHE_DIR": str(base / "cli-cache")}
        self.cache = base / "lib-cache"
        self.times: dict[str, list[float]] = {}
        self.identical = {"get": True, "update": True}
        self.round = 0

    def record(self, name: str, seconds: float) -> None:
        self.times.setdefault(name, []).append(seconds)

    def one(self, *, keep: bool) -> None:
        self.round += 1
        root = self.base / f"round-{self.round}"
        dirs = {side: root / side for side in ("kpt", "lib", "cli")}
        for directory in dirs.values():
            directory.mkdir(parents=True)
        argument = f"{self.url}.git/pkg@v1"
        times = {
            "kpt get": timed(
                lambda: run(["kpt", "pkg", "get", argument, "pkg"], dirs["kpt"], self.env)
            ),
            "lib get": timed(
                lambda: pkgget.get(
                    self.url, "/pkg", "v1", dirs["lib"] / "pkg", cache_dir=self.cache
                )
            ),
            "cli get": timed(
                lambda: run(
                    [sys.executable, "-c", CLI, "get", argument, "pkg"], dirs["cli"], self.cli_env
                )
            ),
        }
        self.identical["get"] &= self._same(dirs["kpt"], dirs["lib"])
        for directory in dirs.values():
            edit(directory / "pkg")
        times["kpt update"] = timed(
            lambda: run(["kpt", "pkg", "update", "pkg@v2"], dirs["kpt"], self.env)
        )
        times["lib update"] = timed(
            lambda: pkgupdate.update(dirs["lib"] / "pkg", ref="v2", cache_dir=self.cache)
        )
        times["cli update"] = timed(
            lambda: run([sys.executable, "-c", CLI, "update", "pkg@v2"], dirs["cli"], self.cli_env)
        )
        self.identical["update"] &= self._same(dirs["kpt"], dirs["lib"])
        if keep:
            for name, seconds in times.items():
                self.record(name, seconds)
        shutil.rmtree(root)

    @staticmethod
    def _same(kpt_dir: Path, lib_dir: Path) -> bool:
        return pkg_files.read_tree(kpt_dir / "pkg") == pkg_files.read_tree(lib_dir / "pkg")

    def report(self, resources: int) -> None:
        median = {name: statistics.median(values) for name, values in self.times.items()}
        print(f"\npackage: {resources} resources, {len(self.times['kpt get'])} runs (medians)\n")
        print(f"{'':12}{'seconds':>10}{'vs kpt':>10}")
        for op in ("get", "update"):
            base = median[f"kpt {op}"]
            for side in ("kpt", "lib", "cli"):
                value = median[f"{side} {op}"]
                print(f"{side + ' ' + op:12}{value:10.3f}{value / base:9.2f}x")
        print(f"\nidentical to kpt: get {self.identical['get']}, update {self.identical['update']}")
        update_met = median["lib update"] < median["kpt update"]
        get_met = median["lib get"] <= 2 * median["kpt get"]
        print(f"target lib update faster than kpt: {'MET' if update_met else 'MISSED'}")
        print(f"target lib get within 2x of kpt:   {'MET' if get_met else 'MISSED'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if shutil.which("kpt") is None:
        raise SystemExit("the kpt binary is not on PATH")
    with tempfile.TemporaryDirectory(prefix="kpt-compare-") as tmp:
        base = Path(tmp)
        bench = Bench(base, make_upstream(base, args.resources))
        bench.one(keep=False)  # warm-up: fills both repository caches
        for _ in range(args.repeat):
            bench.one(keep=True)
        bench.report(args.resources)


if __name__ == "__main__":
    main()
