"""``porch kpt fn render|eval|source|sink``: flags, output modes and exit codes.

Functions are real executables (small Python scripts), so the CLI is exercised end to end
without depending on the catalog ports.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest
import typer
import yaml
from typer.testing import CliRunner

from porch.kptcli.fn import app

# Adds a label from the ConfigMap's data (or "none") to every item; prints to stderr.
LABEL = """\
import sys, yaml
rl = yaml.safe_load(sys.stdin)
data = (rl.get("functionConfig") or {}).get("data") or {}
for item in rl["items"]:
    item["metadata"].setdefault("labels", {})["team"] = data.get("team", "none")
rl["results"] = [{"message": "labelled", "severity": "info"}]
sys.stderr.write("labelled!\\n")
yaml.safe_dump(rl, sys.stdout, sort_keys=False)
"""
DEPLOY = (
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n"
    "  name: web # the app\nspec:\n  replicas: 1\n"
)


def _root() -> typer.Typer:
    root = typer.Typer(add_completion=False)
    root.add_typer(app, name="fn")
    return root


def _invoke(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(_root(), ["fn", *args], input=stdin, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def label(tmp_path: Path) -> str:
    script = tmp_path / "label.py"
    script.write_text(f"#!{sys.executable}\n" + LABEL)
    script.chmod(0o755)
    return str(script)


@pytest.fixture
def package(tmp_path: Path, label: str) -> Path:
    root = tmp_path / "pkg"
    root.mkdir()
    kptfile = (
        f"apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n"
        f"  name: pkg\npipeline:\n  mutators:\n    - exec: {label}\n"
    )
    (root / "Kptfile").write_text(kptfile)
    (root / "deploy.yaml").write_text(DEPLOY)
    return root


def test_render_needs_allow_exec_for_exec_functions(package: Path) -> None:
    code, _, err = _invoke("render", str(package))
    assert code == 1
    assert "Error: must run with `--allow-exec` option to allow running function binaries" in err
    assert (package / "deploy.yaml").read_text() == DEPLOY


def test_render_in_place(package: Path, tmp_path: Path) -> None:
    code, _, err = _invoke(
        "render", str(package), "--allow-exec", "--results-dir", str(tmp_path / "r")
    )
    assert code == 0, err
    assert "labels:\n    team: none\n" in (package / "deploy.yaml").read_text()
    assert "name: web # the app" in (package / "deploy.yaml").read_text()
    assert "  Stderr:\n    labelled!\n" in err
    assert "Successfully executed 1 function(s) in 1 package(s)." in err
    assert yaml.safe_load((tmp_path / "r/results.yaml").read_text())["items"][0]["exitCode"] == 0


def test_render_to_stdout_and_to_a_directory(package: Path, tmp_path: Path) -> None:
    code, out, _ = _invoke("render", str(package), "--allow-exec", "-o", "stdout")
    assert code == 0
    listed = yaml.safe_load(out)
    assert listed["kind"] == "ResourceList"
    assert (package / "deploy.yaml").read_text() == DEPLOY
    code, _, _ = _invoke("render", str(package), "--allow-exec", "-o", str(tmp_path / "out"))
    assert code == 0
    assert (tmp_path / "out/deploy.yaml").is_file()
    code, _, err = _invoke("render", str(package), "--allow-exec", "-o", str(tmp_path / "out"))
    assert code == 1
    assert "already exists" in err


def test_render_accepts_cobra_style_booleans(package: Path) -> None:
    code, _, err = _invoke("render", str(package), "--allow-exec=true", "--truncate-output=false")
    assert code == 0, err


def test_eval_with_arguments_after_dashes(package: Path, label: str) -> None:
    code, _, err = _invoke("eval", str(package), "--exec", label, "--", "team=blue")
    assert code == 0, err
    assert "team: blue" in (package / "deploy.yaml").read_text()
    assert f'[RUNNING] "{label}"\n[PASS] "{label}" in' in err


def test_eval_selects_with_match_flags(package: Path, label: str) -> None:
    code, _, _ = _invoke("eval", str(package), "--exec", label, "--match-kind", "Kptfile")
    assert code == 0
    assert "labels" not in (package / "deploy.yaml").read_text()
    assert "team: none" in (package / "Kptfile").read_text()


def test_eval_from_stdin_writes_a_resource_list(package: Path, label: str) -> None:
    code, listed, _ = _invoke("source", str(package))
    assert code == 0
    code, out, _ = _invoke("eval", "-", "--exec", label, "--", "team=red", stdin=listed)
    assert code == 0
    items = yaml.safe_load(out)["items"]
    assert {i["metadata"]["labels"]["team"] for i in items} == {"red"}


def test_eval_save_records_the_function(package: Path, label: str) -> None:
    code, _, err = _invoke(
        "eval", str(package), "--exec", label, "-s", "-t", "validator", "--", "team=x"
    )
    assert code == 0, err
    assert f'Added "{label}" as validator in the Kptfile.' in err
    kf = yaml.safe_load((package / "Kptfile").read_text())
    assert kf["pipeline"]["validators"] == [{"exec": label, "configMap": {"team": "x"}}]


def test_eval_refuses_conflicting_configs(package: Path, label: str, tmp_path: Path) -> None:
    config = tmp_path / "fn.yaml"
    config.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n")
    code, _, err = _invoke(
        "eval", str(package), "--exec", label, "--fn-config", str(config), "--", "a=b"
    )
    assert code == 1
    assert "only be specified without function config file" in err
    code, _, err = _invoke("eval", str(package), "--image", "x", "--include-meta-resources")
    assert code == 1
    assert "no longer necessary" in err


def test_source_unwrap_and_sink(package: Path, tmp_path: Path) -> None:
    code, unwrapped, _ = _invoke("source", str(package), "-o", "unwrap")
    assert code == 0
    assert "config.kubernetes.io" not in unwrapped
    assert "name: web # the app" in unwrapped
    code, listed, _ = _invoke("source", str(package))
    code, _, _ = _invoke("sink", str(tmp_path / "copy"), stdin=listed)
    assert code == 0
    assert (tmp_path / "copy/deploy.yaml").read_text() == DEPLOY
    code, _, err = _invoke("sink", str(tmp_path / "copy"), stdin=listed)
    assert code == 1
    assert "already exists" in err


def test_missing_kptfile_is_reported(tmp_path: Path) -> None:
    code, _, err = _invoke("render", str(tmp_path))
    assert code == 1
    assert f'Error: No Kptfile found at "{tmp_path}".' in err


def test_help_lists_the_commands() -> None:
    code, out, _ = _invoke("--help")
    assert code == 0
    for command in ("render", "eval", "source", "sink"):
        assert command in out
    assert textwrap.dedent(out)
