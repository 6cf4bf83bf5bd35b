"""One builtin call as data (``invoking.invoke``) and its translation to errors (``replies``).

Pure: functions are plain callables called in this thread; nothing is started.
"""

from __future__ import annotations

import sys
from typing import Any

import pytest

from porch.errors import Cause, FunctionError, Invalid, NotFound, TooLarge
from porch.fnclient import EvaluationResult, FunctionFailure
from porch.krm.resourcelist import ResourceList
from porch_fnrunner import replies
from porch_fnrunner.frames import Reply
from porch_fnrunner.invoking import SDK_FAILURE_STDERR, invoke

IMAGE = "example.com/fn:v1"
RL = b"""apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: a  # kept
functionConfig:
  apiVersion: v1
  kind: ConfigMap
  metadata: {name: cfg}
"""
REF_ERROR: dict[str, Any] = {
    "message": "bad",
    "severity": "error",
    "resourceRef": {"apiVersion": "v1", "kind": "ConfigMap", "name": "a"},
    "field": {"path": "data.x"},
}


def _run(function: Any, data: bytes = RL, limit: int = 1 << 20) -> Reply:
    return invoke(function, data, image=IMAGE, max_output_bytes=limit)


def _noop(rl: ResourceList) -> ResourceList:
    return rl


def test_ok_keeps_comments_and_function_config() -> None:
    reply = _run(_noop)
    assert reply.outcome == "ok"
    assert b"name: a # kept" in reply.resource_list
    assert b"functionConfig:" in reply.resource_list


def test_error_results_fail_with_every_result_intact() -> None:
    def judge(rl: ResourceList) -> ResourceList:
        rl.results = [REF_ERROR, {"message": "note", "severity": "info"}]
        return rl

    reply = _run(judge)
    assert reply.outcome == "failed"
    assert reply.exit_code == 1
    assert reply.results == (REF_ERROR, {"message": "note", "severity": "info"})
    assert "failed with 1 error(s): bad" in reply.message
    assert reply.log == SDK_FAILURE_STDERR


def test_many_errors_are_quoted_in_part() -> None:
    def judge(rl: ResourceList) -> ResourceList:
        rl.results = [{"message": f"e{i}", "severity": "error"} for i in range(5)]
        return rl

    assert _run(judge).message.endswith("e0; e1; e2 (and 2 more)")


def test_exception_results_are_kept() -> None:
    class Failed(FunctionError):
        def __init__(self, message: str, results: list[dict[str, Any]]) -> None:
            super().__init__(message)
            self.results = results

    def refuse(rl: ResourceList) -> ResourceList:
        raise Failed("refused", [REF_ERROR])

    reply = _run(refuse)
    assert (reply.outcome, reply.exit_code, reply.results) == ("failed", 1, (REF_ERROR,))
    assert reply.log == SDK_FAILURE_STDERR


def test_porch_error_causes_become_results() -> None:
    def reject(rl: ResourceList) -> ResourceList:
        raise Invalid("no", causes=[Cause("FieldValueRequired", "needed", "data.team")])

    reply = _run(reject)
    assert (reply.outcome, reply.exit_code) == ("failed", 1)
    assert reply.results == (
        {"message": "needed", "severity": "error", "field": {"path": "data.team"}},
    )


def test_exceptions_and_exit_become_failures() -> None:
    def explode(rl: ResourceList) -> ResourceList:
        raise KeyError("k")

    def leave(rl: ResourceList) -> ResourceList:
        sys.exit(3)

    exploded = _run(explode)
    assert exploded.results == ({"message": "KeyError: 'k'", "severity": "error"},)
    assert exploded.log == b"KeyError: 'k'"
    assert (_run(leave).outcome, _run(leave).exit_code) == ("failed", 3)


def test_wrong_return_type_is_error() -> None:
    reply = _run(lambda rl: {"items": []})
    assert reply.outcome == "error"
    assert "returned dict, not a ResourceList" in reply.message


@pytest.mark.parametrize("data", [b"items: [", b"- just a list", b"apiVersion: v1\n"])
def test_bad_input_is_invalid(data: bytes) -> None:
    assert _run(_noop, data).outcome == "invalid"


def test_output_over_limit() -> None:
    assert _run(_noop, limit=10).outcome == "toolarge"


def test_replies_map_to_results_and_errors() -> None:
    ok = replies.to_result(Reply("ok", resource_list=b"rl", log=b"log"), image=IMAGE)
    assert ok == EvaluationResult(resource_list=b"rl", log=b"log")
    cases: list[tuple[Reply, type[Exception]]] = [
        (Reply("invalid", message="m"), Invalid),
        (Reply("notfound", message="m"), NotFound),
        (Reply("toolarge", message="m"), TooLarge),
        (Reply("error", message="m"), FunctionError),
    ]
    for reply, error in cases:
        with pytest.raises(error, match=r"^m$"):
            replies.to_result(reply, image=IMAGE)
    failed = Reply("failed", message="m", log=b"err", exit_code=2, results=(REF_ERROR,))
    with pytest.raises(FunctionFailure) as caught:
        replies.to_result(failed, image=IMAGE)
    failure = caught.value
    assert (failure.image, failure.exit_code, failure.stderr) == (IMAGE, 2, "err")
    assert failure.results == (REF_ERROR,)
