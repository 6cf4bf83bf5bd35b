"""Bad input is a clear error and leaves the package's files as they were.

Each case runs the real thing — the CLI's render or eval with real executables as
functions — and compares every file of the package before and after. (On a failed
in-place render kpt records the failure in the root Kptfile's status; that one change is
expected and checked.)
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from porch.kptcli.fn import app

KPTFILE = "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: pkg\n"
DEPLOY = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n"

PATH = "rl['items'][0]['metadata']['annotations']['internal.config.kubernetes.io/path']"
SCRIPTS = {
    "duplicate": "rl['items'].append(copy.deepcopy(rl['items'][0]))",
    "escape": f"{PATH} = '../x.yaml'",
    "absolute": f"{PATH} = '/tmp/abs.yaml'",
    "nonkrm": "rl['items'].append({'hello': 'world'})",
}


def _run(*args: str) -> tuple[int, str]:
    root = typer.Typer(add_completion=False)
    root.add_typer(app, name="fn")
    result = CliRunner().invoke(root, ["fn", *args], catch_exceptions=False)
    return result.exit_code, result.stderr


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _script(tmp_path: Path, name: str) -> str:
    path = tmp_path / f"{name}.py"
    body = (
        f"import copy, sys, yaml\nrl = yaml.safe_load(sys.stdin)\n"
        f"{SCRIPTS[name]}\nyaml.safe_dump(rl, sys.stdout)\n"
    )
    path.write_text(f"#!{sys.executable}\n{body}")
    path.chmod(0o755)
    return str(path)


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "pkg"
    for rel, text in {"Kptfile": KPTFILE, "deploy.yaml": DEPLOY, **files}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"bad.yaml": "a: 1\nb:\n  - c\n d: e\n"}, "bad.yaml:4: invalid YAML"),
        ({"other.yaml": "just: data\n"}, "other.yaml: resource must have `apiVersion`"),
    ],
)
def test_bad_files_stop_eval(tmp_path: Path, files: dict[str, str], expected: str) -> None:
    root = _package(tmp_path, files)
    before = _snapshot(root)
    code, err = _run("eval", str(root), "--exec", _script(tmp_path, "duplicate"))
    assert code == 1
    assert expected in err
    assert _snapshot(root) == before


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("duplicate", 'resource at path "Kptfile" and index "0" already exists'),
        (
            "escape",
            "function must not modify resources outside of package: resource has path ../x.yaml",
        ),
        ("absolute", "package paths may not be absolute paths"),
        ("nonkrm", "output resource list must contain only KRM resources"),
    ],
)
def test_bad_function_output_changes_nothing(tmp_path: Path, script: str, expected: str) -> None:
    root = _package(tmp_path, {})
    before = _snapshot(root)
    code, err = _run("eval", str(root), "--exec", _script(tmp_path, script))
    assert code == 1
    assert expected in err
    assert _snapshot(root) == before


def test_unknown_kptfile_field_stops_render_before_anything_runs(tmp_path: Path) -> None:
    kptfile = KPTFILE + "pipeline:\n  mutators:\n    - image: x\n      targetResources: []\n"
    root = _package(tmp_path, {"Kptfile": kptfile})
    before = _snapshot(root)
    code, err = _run("render", str(root))
    assert code == 1
    assert f'Kptfile at "{root}" can\'t be read.' in err
    assert "line 8: field targetResources not found in type v1.Function" in err
    assert "pipeline.mutators[0].targetResources" in err
    assert _snapshot(root) == before


def test_failed_render_only_records_its_status(tmp_path: Path) -> None:
    script = _script(tmp_path, "escape")
    kptfile = KPTFILE + f"pipeline:\n  mutators:\n    - exec: {script}\n"
    root = _package(tmp_path, {"Kptfile": kptfile, "other.yaml": DEPLOY.replace("web", "api")})
    before = _snapshot(root)
    code, err = _run("render", str(root), "--allow-exec")
    assert code == 1
    assert "function must not modify resources outside of package" in err
    after = _snapshot(root)
    assert {k for k in after if after[k] != before.get(k)} == {"Kptfile"}
    assert b"reason: RenderFailed" in after["Kptfile"]
