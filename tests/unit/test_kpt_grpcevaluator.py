"""The gRPC evaluator against a real FunctionEvaluator server on loopback.

The server is a tiny in-test implementation of Porch's service (it labels items, fails on
request with the runner's failure trailer, or does not know the image), so the evaluator's
translation of outputs and errors is checked over a real channel.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import grpc
import pytest
import yaml

from porch._generated import function_evaluator_pb2 as pb
from porch._generated import function_evaluator_pb2_grpc as pb_grpc
from porch.fnclient import FunctionFailure, FunctionRunnerClient
from porch.fnclient.wire import FAILURE_METADATA_KEY, encode_failure
from porch.kpt.evaluators import ChainEvaluator, Evaluation, FunctionFailed, Unsupported
from porch.kptcli.grpcevaluator import GrpcEvaluator
from porch.krm import yamlio
from porch.krm.resourcelist import ResourceList

pytestmark = pytest.mark.integration


class _Runner(pb_grpc.FunctionEvaluatorServicer):  # type: ignore[misc]
    async def EvaluateFunction(self, request: Any, context: Any) -> Any:  # noqa: N802
        if request.image == "example.com/label:v1":
            rl = yaml.safe_load(request.resource_list)
            for item in rl["items"]:
                item["metadata"]["labels"] = {"via": "grpc"}
            rl["results"] = [{"message": "labelled", "severity": "info"}]
            return pb.EvaluateFunctionResponse(
                resource_list=yaml.safe_dump(rl).encode(), log=b"log line"
            )
        if request.image == "example.com/fail:v1":
            failure = FunctionFailure(
                "failed",
                image=request.image,
                exit_code=2,
                stderr="bad input",
                results=[{"message": "no", "severity": "error"}],
            )
            context.set_trailing_metadata(((FAILURE_METADATA_KEY, encode_failure(failure)),))
            await context.abort(grpc.StatusCode.UNKNOWN, "function failed")
        await context.abort(grpc.StatusCode.NOT_FOUND, f"unknown image {request.image}")
        raise AssertionError("abort returns by raising")
        return None


@pytest.fixture
async def target() -> AsyncIterator[str]:
    server = grpc.aio.server()
    pb_grpc.add_FunctionEvaluatorServicer_to_server(_Runner(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    yield f"127.0.0.1:{port}"
    await server.stop(None)


def _list() -> ResourceList:
    return ResourceList(
        items=[yamlio.load("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n")]
    )


async def test_outputs_results_and_log_come_back(target: str) -> None:
    async with FunctionRunnerClient(target, timeout=5) as client:
        out = await GrpcEvaluator(client).evaluate(
            image="example.com/label:v1", exec_args=None, resource_list=_list()
        )
    assert out.items[0]["metadata"]["labels"] == {"via": "grpc"}
    assert out.results == [{"message": "labelled", "severity": "info"}]
    assert isinstance(out, Evaluation)
    assert out.stderr == "log line"


async def test_a_failed_function_keeps_exit_code_stderr_and_results(target: str) -> None:
    async with FunctionRunnerClient(target, timeout=5) as client:
        with pytest.raises(FunctionFailed) as raised:
            await GrpcEvaluator(client).evaluate(
                image="example.com/fail:v1", exec_args=None, resource_list=_list()
            )
    assert (raised.value.exit_code, raised.value.stderr) == (2, "bad input")
    assert raised.value.results == [{"message": "no", "severity": "error"}]


async def test_unknown_images_and_exec_are_left_to_the_next_evaluator(target: str) -> None:
    async with FunctionRunnerClient(target, timeout=5) as client:
        evaluator = GrpcEvaluator(client)
        with pytest.raises(Unsupported, match="unknown image"):
            await evaluator.evaluate(
                image="example.com/other:v1", exec_args=None, resource_list=_list()
            )
        with pytest.raises(Unsupported):
            await ChainEvaluator([evaluator]).evaluate(
                image=None, exec_args=["cat"], resource_list=_list()
            )
