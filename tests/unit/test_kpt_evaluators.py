"""Evaluators: native functions, real local executables, and a chain of both."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from porch.errors import FunctionError, Invalid, Timeout
from porch.kpt.evaluators import (
    BuiltinEvaluator,
    ChainEvaluator,
    Evaluation,
    ExecEvaluator,
    FunctionFailed,
    NotRunnable,
    Unsupported,
    split_exec,
)
from porch.krm import yamlio
from porch.krm.resourcelist import ResourceList

ITEM = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c # the name\ndata:\n  a: b\n"


def _list() -> ResourceList:
    config = yamlio.load(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: function-input}\ndata: {team: x}\n"
    )
    return ResourceList(items=[yamlio.load(ITEM)], function_config=config)


def _script(tmp_path: Path, name: str, body: str) -> str:
    path = tmp_path / name
    path.write_text(f"#!{sys.executable}\n" + textwrap.dedent(body))
    path.chmod(0o755)
    return str(path)


def labeller(rl: ResourceList) -> ResourceList:
    team = rl.function_config["data"]["team"] if rl.function_config else "none"
    for item in rl.items:
        item["metadata"]["labels"] = {"team": team}
    out = ResourceList(items=rl.items, results=[{"message": "labelled", "severity": "info"}])
    out.stderr = "hello from labeller\n"  # type: ignore[attr-defined]
    return out


def refuser(rl: ResourceList) -> ResourceList:
    raise Invalid("no config")


def reporter(rl: ResourceList) -> ResourceList:
    return ResourceList(items=rl.items, results=[{"message": "bad", "severity": "error"}])


LOOKUP = {"labeller": labeller, "refuser": refuser, "reporter": reporter}.get


async def test_builtin_runs_on_copies_and_reports_stderr() -> None:
    given = _list()
    out = await BuiltinEvaluator(LOOKUP).evaluate(
        image="labeller", exec_args=None, resource_list=given
    )
    assert out.items[0]["metadata"]["labels"] == {"team": "x"}
    assert "labels" not in given.items[0]["metadata"]
    assert isinstance(out, Evaluation)
    assert out.stderr == "hello from labeller"
    assert out.results == [{"message": "labelled", "severity": "info"}]


async def test_builtin_failures_carry_results() -> None:
    evaluator = BuiltinEvaluator(LOOKUP)
    with pytest.raises(FunctionFailed) as raised:
        await evaluator.evaluate(image="refuser", exec_args=None, resource_list=_list())
    assert raised.value.results == [{"message": "no config", "severity": "error"}]
    assert raised.value.exit_code == 1
    with pytest.raises(FunctionFailed) as reported:
        await evaluator.evaluate(image="reporter", exec_args=None, resource_list=_list())
    assert reported.value.results[0]["message"] == "bad"
    with pytest.raises(Unsupported, match="no native implementation of unknown"):
        await evaluator.evaluate(image="unknown", exec_args=None, resource_list=_list())


async def test_exec_round_trips_comments_and_captures_stderr(tmp_path: Path) -> None:
    echo = _script(
        tmp_path,
        "echo.py",
        (
            "import sys\ndata = sys.stdin.read()\n"
            "sys.stderr.write('seen\\n')\nsys.stdout.write(data)\n"
        ),
    )
    out = await ExecEvaluator(allow_exec=True).evaluate(
        image=None, exec_args=[echo], resource_list=_list()
    )
    assert yamlio.dump(out.items[0]) == ITEM
    assert isinstance(out, Evaluation)
    assert out.stderr == "seen\n"


async def test_exec_failure_keeps_exit_code_stderr_and_results(tmp_path: Path) -> None:
    fail = _script(
        tmp_path,
        "fail.py",
        """\
        import sys
        sys.stdin.read()
        print("apiVersion: config.kubernetes.io/v1\\nkind: ResourceList\\nitems: []")
        print("results:\\n- message: nope\\n  severity: error")
        sys.stderr.write("broken")
        sys.exit(3)
        """,
    )
    with pytest.raises(FunctionFailed) as raised:
        await ExecEvaluator(allow_exec=True).evaluate(
            image=None, exec_args=[fail], resource_list=_list()
        )
    assert (raised.value.exit_code, raised.value.stderr) == (3, "broken")
    assert raised.value.results == [{"message": "nope", "severity": "error"}]


async def test_exec_needs_permission_and_the_allow_list(tmp_path: Path) -> None:
    echo = _script(tmp_path, "echo.py", "import sys\nsys.stdout.write(sys.stdin.read())\n")
    with pytest.raises(NotRunnable, match="--allow-exec"):
        await ExecEvaluator(allow_exec=False).evaluate(
            image=None, exec_args=[echo], resource_list=_list()
        )
    limited = ExecEvaluator(allow_exec=True, allowed=frozenset({"/bin/cat"}))
    with pytest.raises(NotRunnable, match="not allow-listed"):
        await limited.evaluate(image=None, exec_args=[echo], resource_list=_list())
    with pytest.raises(NotRunnable, match="could not start"):
        await ExecEvaluator(allow_exec=True).evaluate(
            image=None, exec_args=[str(tmp_path / "missing")], resource_list=_list()
        )


async def test_exec_timeout_kills_the_process(tmp_path: Path) -> None:
    sleeper = _script(tmp_path, "sleep.py", "import time\ntime.sleep(30)\n")
    with pytest.raises(Timeout):
        await ExecEvaluator(allow_exec=True, timeout=0.5).evaluate(
            image=None, exec_args=[sleeper], resource_list=_list()
        )


async def test_chain_falls_through_to_the_evaluator_that_knows(tmp_path: Path) -> None:
    echo = _script(tmp_path, "echo.py", "import sys\nsys.stdout.write(sys.stdin.read())\n")
    chain = ChainEvaluator([BuiltinEvaluator(LOOKUP), ExecEvaluator(allow_exec=True)])
    labelled = await chain.evaluate(image="labeller", exec_args=None, resource_list=_list())
    assert labelled.items[0]["metadata"]["labels"] == {"team": "x"}
    echoed = await chain.evaluate(image=None, exec_args=[echo], resource_list=_list())
    assert echoed.items[0]["metadata"]["name"] == "c"
    with pytest.raises(Unsupported) as unknown:
        await chain.evaluate(image="nobody-knows", exec_args=None, resource_list=_list())
    assert isinstance(unknown.value, FunctionError)


def test_exec_strings_are_split_like_a_shell() -> None:
    assert split_exec("sed -e 's/foo/bar/'") == ["sed", "-e", "s/foo/bar/"]
    with pytest.raises(NotRunnable):
        split_exec("unterminated 'quote")
