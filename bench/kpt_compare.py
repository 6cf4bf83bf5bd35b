"""``pkg get``, ``pkg update`` and ``fn render`` with this library against ``kpt``, same run.

Run: ``.venv/bin/python bench/kpt_compare.py [--resources 200] [--render-resources 100]
[--repeat 5] [--only pkg|render] [--profile]``

**pkg.** Builds a local Git repository (bare, ``file://``) holding one generated package of
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
faster than kpt, library get within 2x of kpt.

**render.** Generates a package of ``--render-resources`` resources (the same Deployments
and Services, every one with ``metadata.labels``) three times, differing only in the
Kptfile pipeline, and renders a fresh copy of it (copied outside the timing) per run,
after one warm-up:

    kpt render awk      ``kpt fn render --allow-exec pkg``, one exec mutator: an awk script
                        written into the package that copies the ResourceList from stdin
                        to stdout and adds the label ``bench: exec``          (baseline)
    lib render awk      ``porch.kpt.render.render`` with ``ExecEvaluator(allow_exec=True)``,
                        same package, same script file
    kpt render python   as kpt render awk with the same function written in Python
                        (stdlib only, this interpreter)                         (baseline)
    lib render python   as lib render awk with the Python function
    lib render builtin  ``set-labels`` + ``set-namespace`` images run in process by
                        ``BuiltinEvaluator(porch.functions.registry.lookup)`` (kpt would
                        need containers for these, so there is no kpt row)

The library runs in this process on one ``asyncio.Runner``; kpt is a new process each
time, so its start-up is in its figures (as a CLI user would see it).

The library's median run of each is split, with ``perf_counter`` wrappers patched around
the library's phases for the run: reading and parsing the package; the functions (the
evaluator calls: for exec, dumping the ResourceList, the process, parsing its output);
``fnrun``'s bookkeeping around each call (checks, copies, annotations, healing comments);
the new files' text; comparing with the files on disk and writing them; the Kptfile's
render status; the rest. The exec functions are also timed alone, on the package's
ResourceList and on empty input (their start-up), and the trees kpt and the library left
are compared (resources and Kptfile apart). ``--profile`` adds a cProfile summary (top 5
of this project's functions by cumulative time, top 5 of all by own time) of one
builtin render. Targets: library exec render within 2x of kpt, builtin render < 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import io
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar
from unittest import mock

from porch.functions import registry
from porch.kpt import fnrun, pkg_files, pkgget, pkgupdate, reading, render, wire, writing
from porch.kpt.console import Console
from porch.kpt.evaluators import BuiltinEvaluator, Evaluator, ExecEvaluator
from porch.krm.resourcelist import ResourceList

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


# --- render -------------------------------------------------------------------------------

T = TypeVar("T")
BUILTIN_TARGET = 0.050
EXEC_TARGET_RATIO = 2.0
KPTFILE = "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: pkg\n"
BUILTIN_PIPELINE = """\
  - image: ghcr.io/kptdev/krm-functions-catalog/set-labels:v0.2.0
    configMap:
      env: bench
  - image: ghcr.io/kptdev/krm-functions-catalog/set-namespace:v0.4.1
    configMap:
      namespace: bench
"""
# Both exec functions copy the ResourceList and add ``bench: exec`` under every
# ``metadata.labels`` (a line edit: the bench's resources all have labels).
AWK_FUNCTION = r"""#!/usr/bin/awk -f
BEGIN { meta = -100 }
{ print; match($0, /^ */); indent = RLENGTH }
/^ *metadata:$/ { meta = indent }
/^ *labels:$/ && indent == meta + 2 { printf "%" (indent + 2) "s%s\n", "", "bench: exec" }
"""
PYTHON_FUNCTION = """#!{python}
import sys

meta, out = -100, []
for line in sys.stdin:
    out.append(line)
    body = line.strip()
    indent = len(line) - len(line.lstrip(" "))
    if body == "metadata:":
        meta = indent
    elif body == "labels:" and indent == meta + 2:
        out.append(" " * (indent + 2) + "bench: exec\\n")
sys.stdout.write("".join(out))
"""
PHASES = (  # key, column heading, what
    ("read", "read", "reading and parsing the package's files"),
    ("functions", "fns", "evaluator calls (exec: dump, process, parse its output)"),
    ("bookkeeping", "bookkeep", "fnrun around each call: checks, copies, annotations, healing"),
    ("serialise", "dump", "writing: the files' new text (writing.plan)"),
    ("files", "files", "writing: compare with the files on disk, write (writing.apply)"),
    ("status", "status", "the Kptfile's render status"),
    ("other", "other", "the rest: Kptfile loading and validation, the pipeline's own work"),
)


def render_resource(i: int) -> str:
    """``resource(i, 1)`` with labels on the Service too."""
    service = "kind: Service\nmetadata:\n"
    return resource(i, 1).replace(service, f"{service}  labels:\n    app: app-{i}\n")


def write_render_package(pkg: Path, resources: int, mutators: str) -> None:
    pkg.mkdir(parents=True)
    (pkg / "Kptfile").write_text(f"{KPTFILE}pipeline:\n  mutators:\n{mutators}")
    apps = resources // 2
    for start in range(0, apps, PER_FILE):
        numbers = range(start, min(start + PER_FILE, apps))
        (pkg / f"apps-{start:04d}.yaml").write_text("---\n".join(map(render_resource, numbers)))


class Phases:
    """Seconds spent in each phase of one library render (wrappers patched in for it)."""

    def __init__(self) -> None:
        self.seconds = dict.fromkeys((key for key, _, _ in PHASES), 0.0)
        self.total = 0.0

    def sync(self, key: str, function: Callable[..., T]) -> Callable[..., T]:
        def timed_call(*args: Any, **kwargs: Any) -> T:
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[key] += time.perf_counter() - start

        return timed_call

    def coroutine(self, key: str, function: Callable[..., Awaitable[T]]) -> Callable[..., Any]:
        async def timed_call(*args: Any, **kwargs: Any) -> T:
            start = time.perf_counter()
            try:
                return await function(*args, **kwargs)
            finally:
                self.seconds[key] += time.perf_counter() - start

        return timed_call

    @contextlib.contextmanager
    def patched(self) -> Iterator[None]:
        """``fnrun.run`` and ``writing.write`` are timed whole; ``finish`` takes out the
        evaluator's and ``writing.plan``'s shares."""
        with contextlib.ExitStack() as stack:
            for module, name, key in (
                (reading, "read_package", "read"),
                (writing, "write", "files"),
                (writing, "plan", "serialise"),
                (render, "_set_status", "status"),
            ):
                wrapped = self.sync(key, getattr(module, name))
                stack.enter_context(mock.patch.object(module, name, wrapped))
            timed_run = self.coroutine("bookkeeping", fnrun.run)
            stack.enter_context(mock.patch.object(fnrun, "run", timed_run))
            yield

    def finish(self, total: float) -> None:
        self.total = total
        self.seconds["bookkeeping"] -= self.seconds["functions"]
        self.seconds["files"] -= self.seconds["serialise"]
        self.seconds["other"] = total - sum(self.seconds.values())


class TimedEvaluator:
    def __init__(self, inner: Evaluator, phases: Phases) -> None:
        self.inner, self.phases = inner, phases

    async def evaluate(
        self, *, image: str | None, exec_args: list[str] | None, resource_list: ResourceList
    ) -> ResourceList:
        start = time.perf_counter()
        try:
            return await self.inner.evaluate(
                image=image, exec_args=exec_args, resource_list=resource_list
            )
        finally:
            self.phases.seconds["functions"] += time.perf_counter() - start


class RenderBench:
    """kpt vs library ``fn render`` on fresh copies of generated packages."""

    def __init__(self, base: Path, resources: int) -> None:
        self.base, self.resources = base / "render", resources
        self.env = {**os.environ, "KPT_CACHE_DIR": str(base / "kpt-cache")}
        self.runner = asyncio.Runner()
        self.templates: dict[str, Path] = {}
        self.scripts: dict[str, Path] = {}
        for name, source in (("awk", AWK_FUNCTION), ("python", PYTHON_FUNCTION)):
            # the function is written into the package (kpt reads no .awk/.py file) and
            # named by its absolute path, so every copy of it runs this one file
            pkg = self.base / "templates" / name / "pkg"
            script = pkg / f"add-label.{name}"
            write_render_package(pkg, resources, f"  - exec: {script}\n")
            script.write_text(source.replace("{python}", sys.executable))
            script.chmod(0o755)
            self.scripts[name], self.templates[name] = script, pkg
        self.templates["builtin"] = self.base / "templates" / "builtin" / "pkg"
        write_render_package(self.templates["builtin"], resources, BUILTIN_PIPELINE)
        self.builtin = BuiltinEvaluator(registry.lookup)
        self.exec = ExecEvaluator(allow_exec=True)
        self.times: dict[str, list[float]] = {}
        self.splits: dict[str, list[Phases]] = {}
        self.identical = {"awk": True, "python": True}
        self.kptfile_identical = {"awk": True, "python": True}
        self.kptfile_changed = {"kpt": False, "lib": False}
        self.round = 0

    def close(self) -> None:
        self.runner.close()

    def copy(self, name: str, side: str) -> Path:
        target = self.base / f"round-{self.round}" / f"{side}-{name}"
        shutil.copytree(self.templates[name], target / "pkg")
        return target

    def kpt(self, name: str) -> tuple[float, Path]:
        where = self.copy(name, "kpt")
        cmd = ["kpt", "fn", "render", "--allow-exec", "pkg"]
        return timed(lambda: run(cmd, where, self.env)), where / "pkg"

    def lib(self, name: str) -> tuple[Phases, Path]:
        pkg = self.copy(name, "lib") / "pkg"
        phases = Phases()
        inner = self.builtin if name == "builtin" else self.exec
        evaluator = TimedEvaluator(inner, phases)
        options = render.Options(allow_exec=name != "builtin")
        console = Console(io.StringIO())
        with phases.patched():
            start = time.perf_counter()
            self.runner.run(
                render.render(pkg, evaluator=evaluator, options=options, console=console)
            )
            phases.finish(time.perf_counter() - start)
        return phases, pkg

    def one(self, *, keep: bool) -> None:
        self.round += 1
        for name in ("awk", "python", "builtin"):
            if name != "builtin":
                seconds, kpt_pkg = self.kpt(name)
                if keep:
                    self.times.setdefault(f"kpt render {name}", []).append(seconds)
            phases, lib_pkg = self.lib(name)
            if keep:
                self.times.setdefault(f"lib render {name}", []).append(phases.total)
                self.splits.setdefault(f"lib render {name}", []).append(phases)
            if name != "builtin":
                kpt_tree, lib_tree = pkg_files.read_tree(kpt_pkg), pkg_files.read_tree(lib_pkg)
                before = (self.templates[name] / "Kptfile").read_bytes()
                kpt_kptfile, lib_kptfile = kpt_tree.pop("Kptfile"), lib_tree.pop("Kptfile")
                self.kptfile_identical[name] &= kpt_kptfile == lib_kptfile
                self.kptfile_changed["kpt"] |= kpt_kptfile != before
                self.kptfile_changed["lib"] |= lib_kptfile != before
                self.identical[name] &= kpt_tree == lib_tree and b"bench: exec" in b"".join(
                    lib_tree.values()
                )
        shutil.rmtree(self.base / f"round-{self.round}")

    def functions_alone(self, repeat: int) -> dict[str, tuple[float, float]]:
        """Median seconds of each exec function on the package's ResourceList and on nothing
        (``2 * repeat`` runs each after a warm-up: they are short and noisy)."""
        items = reading.read_package(self.templates["awk"])
        given = wire.dump(items).encode()
        alone = {}
        for name, script in self.scripts.items():
            figures = []
            for stdin in (given, b""):
                runs = []
                for _ in range(2 * repeat + 1):
                    start = time.perf_counter()
                    subprocess.run([str(script)], input=stdin, capture_output=True, check=True)
                    runs.append(time.perf_counter() - start)
                figures.append(statistics.median(runs[1:]))
            alone[name] = (figures[0], figures[1])
        return alone

    def report(self, repeat: int, *, profile: bool) -> None:
        median = {name: statistics.median(values) for name, values in self.times.items()}
        runs = len(self.times["lib render builtin"])
        print(f"\nrender: {self.resources} resources, {runs} runs (medians)\n")
        print(f"{'':20}{'ms':>8}{'vs kpt':>9}")
        for name in ("awk", "python", "builtin"):
            base = median.get(f"kpt render {name}")
            if base is not None:
                print(f"{'kpt render ' + name:20}{base * 1000:8.1f}{1:8.2f}x")
            value = median[f"lib render {name}"]
            ratio = f"{value / base:8.2f}x" if base else f"{'-':>9}"
            print(f"{'lib render ' + name:20}{value * 1000:8.1f}{ratio}")
        print("\nlibrary, split of the median run (ms):")
        print(f"{'':20}{'total':>8}" + "".join(f"{heading:>9}" for _, heading, _ in PHASES))
        for name in ("awk", "python", "builtin"):
            middle = self.median_run(name)
            figures = "".join(f"{middle.seconds[key] * 1000:9.1f}" for key, _, _ in PHASES)
            print(f"{'lib render ' + name:20}{middle.total * 1000:8.1f}{figures}")
        for _, heading, what in PHASES:
            print(f"  {heading:9}{what}")
        alone = self.functions_alone(repeat)
        print("\nexec function alone (ms): on the ResourceList / on empty input (start-up)")
        for name, (full, empty) in alone.items():
            print(f"  {name:8}{full * 1000:7.1f} / {empty * 1000:5.1f}")
        full, empty = alone["python"]
        print(
            f"  the Python function is almost all interpreter start-up ({empty * 1000:.0f} ms"
            f" on empty input, {full * 1000:.0f} ms on the ResourceList); either function is"
            " a small part of a render"
        )
        identical = ", ".join(f"{name} {same}" for name, same in self.identical.items())
        kptfile = ", ".join(f"{name} {same}" for name, same in self.kptfile_identical.items())
        print(f"\nresources identical to kpt after render: {identical}")
        print(f"Kptfile identical to kpt after render:   {kptfile}")
        changed = ", ".join(
            f"{side} {'yes' if yes else 'no'}" for side, yes in self.kptfile_changed.items()
        )
        print(f"  Kptfile rewritten by render (status):   {changed}")
        for name in ("awk", "python"):
            met = median[f"lib render {name}"] <= EXEC_TARGET_RATIO * median[f"kpt render {name}"]
            label = f"target lib render (exec, {name}) within 2x of kpt:"
            print(f"{label:52}{'MET' if met else 'MISSED'}")
        met = median["lib render builtin"] < BUILTIN_TARGET
        label = f"target lib render builtin < {BUILTIN_TARGET * 1000:.0f} ms:"
        print(f"{label:52}{'MET' if met else 'MISSED'}")
        if profile:
            print("\ncProfile of one lib render builtin (ms; profiling slows it down):")
            print(self.profile())

    def median_run(self, name: str) -> Phases:
        runs = sorted(self.splits[f"lib render {name}"], key=lambda p: p.total)
        return runs[(len(runs) - 1) // 2]

    def profile(self) -> str:
        """Top 5 of this project's functions by cumulative time, top 5 of all by own time."""
        profiler = cProfile.Profile()
        profiler.enable()
        self.lib("builtin")
        profiler.disable()
        stats: dict[tuple[str, int, str], tuple[Any, ...]]
        stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
        root = str(Path(render.__file__).parents[2]) + os.sep
        ours = [(k, v) for k, v in stats.items() if k[0].startswith(root + "porch")]
        lines = ["  top 5 cumulative (porch):"]
        for (file, line, function), (_, calls, _, cumulative, _) in sorted(
            ours, key=lambda kv: -kv[1][3]
        )[:5]:
            where = f"{file.removeprefix(root)}:{line}({function})"
            lines.append(f"  {cumulative * 1000:9.1f}{calls:9d}  {where}")
        lines.append("  top 5 own time (all):")
        for (file, line, function), (_, calls, own, _, _) in sorted(
            stats.items(), key=lambda kv: -kv[1][2]
        )[:5]:
            where = f"{Path(file).name}:{line}({function})"
            lines.append(f"  {own * 1000:9.1f}{calls:9d}  {where}")
        return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=200)
    parser.add_argument("--render-resources", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", choices=("pkg", "render"))
    parser.add_argument("--profile", action="store_true", help="cProfile one builtin render")
    args = parser.parse_args()
    if shutil.which("kpt") is None:
        raise SystemExit("the kpt binary is not on PATH")
    with tempfile.TemporaryDirectory(prefix="kpt-compare-") as tmp:
        base = Path(tmp)
        if args.only != "render":
            bench = Bench(base, make_upstream(base, args.resources))
            bench.one(keep=False)  # warm-up: fills both repository caches
            for _ in range(args.repeat):
                bench.one(keep=True)
            bench.report(args.resources)
        if args.only != "pkg":
            renders = RenderBench(base, args.render_resources)
            try:
                renders.one(keep=False)  # warm-up: imports, builtin modules, page cache
                for _ in range(args.repeat):
                    renders.one(keep=True)
                renders.report(args.repeat, profile=args.profile)
            finally:
                renders.close()


if __name__ == "__main__":
    main()
