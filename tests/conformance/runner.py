"""Runs kpt's end-to-end test cases (``.expected/`` format) against our implementation.

A case is a package directory with ``.expected/config.yaml`` (arguments, expected exit
code, stderr/stdout fragments, flags), ``.expected/diff.patch`` (the change to the
package) and maybe ``results.yaml`` or ``exec.sh``. Like kpt's runner
(``pkg/test/runner``): copy the case into a temporary directory named
``kpt-pipeline-e2e-N/<case>``, ``git init`` and commit, run the command (in process
through the CLI, or ``exec.sh`` with a ``kpt`` shim on ``PATH``), commit the result and
compare ``git diff`` with the expectation. Cases that need containers, wasm, network or
functions without a native port are reported with ``skip_reason``; never passed.

Shared by the conformance test modules; it must not know about pytest.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tests import vectors

VECTORS = vectors.ROOT
KPT_VECTORS = VECTORS / "kpt"
FN_GROUPS = ("fn-render", "fn-eval", "fn-source", "fn-sink")
_COUNTER = itertools.count(1)

SHIM = """#!{python}
import sys
import typer
from porch.kptcli.fn import app
root = typer.Typer(add_completion=False)
root.add_typer(app, name="fn")
sys.argv[0] = "kpt"
root()
"""


@dataclass(frozen=True)
class Case:
    group: str
    path: Path
    config: dict[str, Any]

    @property
    def id(self) -> str:
        return self.path.relative_to(KPT_VECTORS).as_posix()

    @property
    def expected(self) -> Path:
        return self.path / ".expected"

    @property
    def exec_script(self) -> Path | None:
        script = self.expected / "exec.sh"
        return script if script.is_file() else None

    @property
    def test_type(self) -> str:
        return str(self.config.get("testType") or "render")


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str
    diff: str
    results: str
    problems: list[str] = field(default_factory=list)


def discover(groups: tuple[str, ...] = FN_GROUPS) -> list[Case]:
    cases = []
    for group in groups:
        base = KPT_VECTORS / group
        if not base.is_dir():
            continue
        for expected in sorted(base.rglob(".expected")):
            if expected.is_dir():
                cases.append(Case(group=group, path=expected.parent, config=_config(expected)))
    return cases


def _config(expected: Path) -> dict[str, Any]:
    path = expected / "config.yaml"
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text()) or {}
    # kpt's decoder matches keys case-insensitively (``StdErrRegEx`` in some fixtures).
    return {_canonical(k): v for k, v in data.items()} if isinstance(data, dict) else {}


_KEYS = {k.lower(): k for k in ("stdErrRegEx", "stdErr", "stdOut", "exitCode", "testType")}


def _canonical(key: str) -> str:
    return _KEYS.get(key.lower(), key)


# --- which cases can run here ------------------------------------------------------------

_IMAGE_FLAG = re.compile(r"(?:--image|-i)[ =]([^\s\\]+)")


def images_of(case: Case) -> list[str]:
    found = []
    if case.config.get("image"):
        found.append(str(case.config["image"]))
    script = case.exec_script
    if script is not None:
        text = script.read_text()
        variables = dict(re.findall(r'^\s*(?:export\s+)?(\w+)="([^"]*)"', text, re.M))
        found += [_expand(image, variables) for image in _IMAGE_FLAG.findall(text)]
    for kptfile in case.path.rglob("Kptfile"):
        if ".expected" in kptfile.parts:
            continue
        found += _pipeline_images(kptfile)
    return found


def _expand(word: str, variables: dict[str, str]) -> str:
    return re.sub(r"\$\{?(\w+)\}?", lambda m: variables.get(m.group(1), m.group(0)), word)


def _pipeline_images(kptfile: Path) -> list[str]:
    try:
        doc = yaml.safe_load(kptfile.read_text())
    except yaml.YAMLError:
        return []
    pipeline = doc.get("pipeline") if isinstance(doc, dict) else None
    if not isinstance(pipeline, dict):
        return []
    return [
        str(fn["image"])
        for kind in ("mutators", "validators")
        for fn in pipeline.get(kind) or []
        if isinstance(fn, dict) and fn.get("image")
    ]


def skip_reason(case: Case, lookup: Any) -> str | None:
    """Why ``case`` cannot run here (``None`` when it can)."""
    config = case.config
    if config.get("skip"):
        return "marked skip upstream"
    if config.get("allowWasm"):
        return "needs a wasm runtime"
    if config.get("runtimes"):
        return f"needs container runtime {config['runtimes']}"
    if (case.expected / "setup.sh").is_file():
        return "needs setup.sh (container runtime / image pulls)"
    script = case.exec_script.read_text() if case.exec_script else ""
    if "curl " in script or ("KRM_FN_RUNTIME}" in script and "image inspect" in script):
        return "exec.sh needs network or a container runtime"
    for image in images_of(case):
        if image.startswith("pull ") or lookup(image) is None:
            return f"no native implementation of {image}"
    if case.test_type == "render" and _uses_tag_constraints(case):
        return "needs a registry to resolve image tag constraints (recorded in renderStatus)"
    return None


def _uses_tag_constraints(case: Case) -> bool:
    for kptfile in case.path.rglob("Kptfile"):
        if ".expected" not in kptfile.parts and re.search(r"^\s+tag:", kptfile.read_text(), re.M):
            return True
    return False


# --- running ------------------------------------------------------------------------------


def run_case(case: Case, workdir: Path) -> Run:
    tmp = workdir / f"kpt-pipeline-e2e-{next(_COUNTER)}"
    tmp.mkdir(parents=True)
    package = tmp / case.path.name
    shutil.copytree(case.path, package, symlinks=True)
    _make_writable(package)
    first = _git_commit(package, "first")
    results_dir = tmp / "results" if (case.expected / "results.yaml").is_file() else None
    if case.exec_script is not None:
        code, out, err = _run_script(case, package, tmp)
    else:
        code, out, err = _run_cli(case, package, results_dir, cwd=_e2e_dir(workdir))
    _git_commit(package, "second")
    diff = _git(package, "diff", first, "HEAD", env={"GIT_DIFF_OPTS": ""}).strip()
    results = _read_results(results_dir)
    return Run(exit_code=code, stdout=out, stderr=_sanitize(err, tmp), diff=diff, results=results)


def _make_writable(root: Path) -> None:
    for path in [root, *root.rglob("*")]:
        if not path.is_symlink():
            path.chmod(path.stat().st_mode | 0o200)


def _git(cwd: Path, *args: str, env: dict[str, str] | None = None) -> str:
    full_env = {**os.environ, **(env or {})}
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=full_env, capture_output=True, text=True, check=True
    )
    return done.stdout


def _git_commit(package: Path, message: str) -> str:
    if not (package / ".git").exists():
        _git(package, "init", "-q")
        _git(package, "config", "user.name", "none")
        _git(package, "config", "user.email", "none")
    _git(package, "add", "--all")
    _git(package, "commit", "-q", "-m", message, "--allow-empty")
    return _git(package, "log", "-n", "1", "--pretty=format:%h").strip()


def _e2e_dir(workdir: Path) -> Path:
    """A directory like kpt's ``e2e/``: ``testdata`` holds the vectors (exec paths use it)."""
    e2e = workdir / "e2e"
    if not e2e.exists():
        e2e.mkdir(parents=True)
        (e2e / "testdata").symlink_to(KPT_VECTORS)
    return e2e


def cli_args(case: Case, package: Path, results_dir: Path | None) -> list[str]:
    config = case.config
    if case.test_type == "eval":
        args = ["fn", "eval", str(package)]
    else:
        args = ["fn", "render", str(package)]
    if results_dir is not None:
        args += ["--results-dir", str(results_dir)]
    if config.get("imagePullPolicy"):
        args += ["--image-pull-policy", str(config["imagePullPolicy"])]
    if case.test_type == "eval":
        args += _eval_args(case)
    else:
        if config.get("allowExec"):
            args.append("--allow-exec")
        if config.get("disableOutputTruncate"):
            args.append("--truncate-output=false")
    return args


def _eval_args(case: Case) -> list[str]:
    config = case.config
    args: list[str] = []
    if config.get("network"):
        args.append("--network")
    if config.get("image"):
        args += ["--image", str(config["image"])]
    elif config.get("execPath"):
        args += ["--exec", str((case.expected / str(config["execPath"])).resolve())]
    if config.get("tag"):
        args += ["--tag", str(config["tag"])]
    if config.get("fnConfig"):
        args += ["--fn-config", str((case.expected / str(config["fnConfig"])).resolve())]
    if config.get("includeMetaResources"):
        args.append("--include-meta-resources")
    pairs = config.get("args") or {}
    if pairs:
        args += ["--", *(f"{k}={v}" for k, v in pairs.items())]
    return args


def _run_cli(
    case: Case, package: Path, results_dir: Path | None, *, cwd: Path
) -> tuple[int, str, str]:
    from typer.testing import CliRunner

    root = _root_app()
    with contextlib.chdir(cwd):
        result = CliRunner().invoke(
            root, cli_args(case, package, results_dir), catch_exceptions=False
        )
    return result.exit_code, result.stdout, result.stderr


def _root_app() -> Any:
    import typer

    from porch.kptcli.fn import app

    root = typer.Typer(add_completion=False)
    root.add_typer(app, name="fn")
    return root


def _run_script(case: Case, package: Path, tmp: Path) -> tuple[int, str, str]:
    shim_dir = tmp / "bin"
    shim_dir.mkdir()
    shim = shim_dir / "kpt"
    shim.write_text(SHIM.format(python=sys.executable))
    shim.chmod(0o755)
    assert case.exec_script is not None
    env = {**os.environ, "PATH": f"{shim_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run(
        ["bash", str(case.exec_script)],
        cwd=package,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.returncode, done.stdout, done.stderr


def _read_results(results_dir: Path | None) -> str:
    if results_dir is None or not results_dir.is_dir():
        return ""
    files = sorted(results_dir.iterdir())
    return files[0].read_text().strip() if files else ""


_TIMING = re.compile(r"^(\[(?:PASS|FAIL)\] \S+ in) \S+$")


def _sanitize(stderr: str, tmp: Path) -> str:
    """kpt's runner: timings become ``0s``; temporary directory prefixes disappear."""
    lines = [_TIMING.sub(r"\1 0s", line) for line in stderr.split("\n")]
    text = "\n".join(lines)
    text = text.replace(f"{tmp}/", "")
    return re.sub(r"/?\w+/kpt-pipeline-e2e-\d+/", "", text)


# --- comparing ----------------------------------------------------------------------------


def compare(case: Case, run: Run) -> list[str]:
    config = case.config
    problems = []
    want_code = int(config.get("exitCode") or 0)
    if run.exit_code != want_code:
        problems.append(f"exit code {run.exit_code}, want {want_code}")
    stderr = _strip_lines(run.stderr, config.get("stdErrStripLines") or [])
    if str(config.get("stdErr") or "") not in stderr:
        problems.append(f"stderr lacks {config.get('stdErr')!r}")
    regex = config.get("stdErrRegEx")
    if regex and not re.search(str(regex), stderr):
        problems.append(f"stderr does not match {regex!r}")
    if str(config.get("stdOut") or "") not in run.stdout:
        problems.append(f"stdout lacks {config.get('stdOut')!r}")
    problems += _compare_results(case, run)
    problems += _compare_diff(case, run)
    return problems


def _strip_lines(text: str, lines: list[str]) -> str:
    for line in lines:
        text = text.replace(line + "\n", "")
    return text


def _compare_results(case: Case, run: Run) -> list[str]:
    path = case.expected / "results.yaml"
    if not path.is_file():
        return []
    actual = _strip_lines(run.results, case.config.get("actualStripLines") or []).strip()
    want = path.read_text().strip()
    return [] if actual == want else [f"results differ:\n--- want\n{want}\n--- got\n{actual}"]


def _compare_diff(case: Case, run: Run) -> list[str]:
    path = case.expected / "diff.patch"
    want = path.read_text().strip() if path.is_file() else ""
    got = run.diff
    strip = case.config.get("diffStripRegEx")
    if strip:
        want, got = _normalize_diff(want, str(strip)), _normalize_diff(got, str(strip))
    return [] if want == got else [f"diff differs:\n--- want\n{want}\n--- got\n{got}"]


def _normalize_diff(diff: str, strip: str) -> str:
    pattern = re.compile(strip)
    out = []
    for line in diff.split("\n"):
        if pattern.search(line):
            continue
        line = re.sub(r"^index [0-9a-f]+\.\.[0-9a-f]+", "index NORMALIZED", line)
        line = re.sub(r"^@@ -\d+,\d+ \+\d+,\d+ @@", "@@ NORMALIZED @@", line)
        out.append(line)
    return "\n".join(out)


__all__ = [
    "FN_GROUPS",
    "KPT_VECTORS",
    "Case",
    "Run",
    "cli_args",
    "compare",
    "discover",
    "run_case",
    "skip_reason",
]
