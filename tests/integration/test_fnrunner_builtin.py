"""Builtin functions run in a thread of the runner, and the runner's admission limits.

A real gRPC server on loopback with a tiny registry (``test_fnrunner_registry``) injected
in place of ``porch.functions.registry``; calls go through ``porch.fnclient`` as a
renderer's would. Each misbehaving function must fail its own call only: the next call on
the same runner succeeds.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import grpc
import pytest
import yaml
from grpc_health.v1 import health_pb2, health_pb2_grpc

from porch.errors import FunctionError, Invalid, Timeout
from porch.fnclient import BlockingFunctionRunner, FunctionFailure, FunctionRunnerClient
from porch_fnrunner.builtin import BuiltinEvaluator
from porch_fnrunner.limits import Overloaded
from porch_fnrunner.server import FunctionRunnerServer
from porch_fnrunner.settings import Settings
from tests.integration import test_fnrunner_registry as tiny

pytestmark = pytest.mark.integration

MAX_MESSAGE = 128 * 1024


@dataclass
class Runner:
    server: FunctionRunnerServer
    target: str
    registry: tiny.TinyRegistry


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[tiny.TinyRegistry]:
    loaded = tiny.write_registry(tmp_path)
    yield loaded
    loaded.module.RELEASE.set()  # end any hang still waiting in a thread


@pytest.fixture
async def runner(registry: tiny.TinyRegistry) -> AsyncIterator[Runner]:
    settings = Settings(
        listen="127.0.0.1:0",
        call_timeout=1.0,
        max_message_bytes=MAX_MESSAGE,
        max_concurrent_calls=4,
        shutdown_grace=0.5,
    )
    async with FunctionRunnerServer.from_settings(settings, lookup=registry.module.lookup) as srv:
        yield Runner(srv, f"127.0.0.1:{srv.port}", registry)


async def _healthy(target: str) -> bool:
    async with grpc.aio.insecure_channel(target) as channel:
        reply = await health_pb2_grpc.HealthStub(channel).Check(
            health_pb2.HealthCheckRequest(service=""), timeout=5
        )
    serving: bool = reply.status == health_pb2.HealthCheckResponse.SERVING
    return serving


async def _still_works(client: FunctionRunnerClient) -> None:
    result = await client.evaluate(image=tiny.SET_TEAM, resource_list=tiny.INPUT)
    assert b"team: blue" in result.resource_list


async def test_builtin_function_runs(runner: Runner) -> None:
    async with FunctionRunnerClient(runner.target) as client:
        result = await client.evaluate(image=tiny.SET_TEAM, resource_list=tiny.INPUT)
    output = yaml.safe_load(result.resource_list)
    assert [i["metadata"]["labels"] for i in output["items"]] == [{"team": "blue"}] * 2
    assert output["functionConfig"]["data"] == {"team": "blue"}
    assert output["results"] == [{"message": "labelled", "severity": "info"}]
    assert result.log == b""


async def test_error_results_come_back_intact(runner: Runner) -> None:
    async with FunctionRunnerClient(runner.target) as client:
        with pytest.raises(FunctionFailure, match="replicas must be set") as caught:
            await client.evaluate(image=tiny.VALIDATE, resource_list=tiny.INPUT)
        await _still_works(client)
    failure = caught.value
    assert failure.exit_code == 1
    assert failure.image == tiny.VALIDATE
    assert failure.results == (
        tiny.VALIDATE_ERROR,
        {"message": "looks fine otherwise", "severity": "info"},
    )
    assert failure.causes[0].field == "spec.replicas"


async def test_raised_error_becomes_results(runner: Runner) -> None:
    async with FunctionRunnerClient(runner.target) as client:
        with pytest.raises(FunctionFailure, match="bad functionConfig") as caught:
            await client.evaluate(image=tiny.REJECT, resource_list=tiny.INPUT)
        with pytest.raises(FunctionFailure, match="ValueError: kaboom") as exploded:
            await client.evaluate(image=tiny.EXPLODE, resource_list=tiny.INPUT)
        await _still_works(client)
    assert caught.value.results == (
        {"message": "required", "severity": "error", "field": {"path": "data.team"}},
    )
    assert exploded.value.results == ({"message": "ValueError: kaboom", "severity": "error"},)


async def test_hang_times_out_and_runner_stays_healthy(runner: Runner) -> None:
    async with FunctionRunnerClient(runner.target, timeout=10) as client:
        with pytest.raises(Timeout, match="did not finish within 1s"):
            await client.evaluate(image=tiny.HANG, resource_list=tiny.INPUT)
        await _still_works(client)
    assert await _healthy(runner.target)


async def test_returning_garbage_is_function_error(runner: Runner) -> None:
    async with FunctionRunnerClient(runner.target) as client:
        with pytest.raises(FunctionError, match="returned str, not a ResourceList") as caught:
            await client.evaluate(image=tiny.NOT_A_LIST, resource_list=tiny.INPUT)
        await _still_works(client)
    assert not isinstance(caught.value, FunctionFailure)


async def test_invalid_input_is_invalid_argument(runner: Runner) -> None:
    async with FunctionRunnerClient(runner.target) as client:
        with pytest.raises(Invalid, match="invalid YAML"):
            await client.evaluate(image=tiny.SET_TEAM, resource_list=b"items: [unclosed")
        with pytest.raises(Invalid, match="apiVersion and kind"):
            await client.evaluate(image=tiny.SET_TEAM, resource_list=b"items: [{a: 1}]")
        await _still_works(client)


async def test_output_over_limit_is_resource_exhausted(runner: Runner) -> None:
    async with FunctionRunnerClient(runner.target) as client:
        with pytest.raises(FunctionError, match=r"RESOURCE_EXHAUSTED.*output exceeds"):
            await client.evaluate(image=tiny.HUGE, resource_list=tiny.INPUT)
        await _still_works(client)


async def test_request_over_limit_is_resource_exhausted(runner: Runner) -> None:
    big = tiny.INPUT + b"# " + b"x" * (2 * MAX_MESSAGE) + b"\n"
    # Just under gRPC's own limit, so the runner's ResourceList check is what refuses it.
    near = tiny.INPUT + b"# " + b"x" * (MAX_MESSAGE - len(tiny.INPUT) - 40) + b"\n"
    async with FunctionRunnerClient(runner.target, max_message_bytes=4 * MAX_MESSAGE) as client:
        with pytest.raises(FunctionError, match="RESOURCE_EXHAUSTED"):
            await client.evaluate(image=tiny.SET_TEAM, resource_list=big)
        with pytest.raises(FunctionError, match=r"RESOURCE_EXHAUSTED.*the limit is"):
            await client.evaluate(image=tiny.SET_TEAM, resource_list=near)
        await _still_works(client)


async def test_calls_beyond_the_limit_are_refused(runner: Runner) -> None:
    release = runner.registry.module.RELEASE
    async with FunctionRunnerClient(runner.target, timeout=10) as client:
        async with asyncio.TaskGroup() as tasks:
            hung = [
                tasks.create_task(client.evaluate(image=tiny.HANG, resource_list=tiny.INPUT))
                for _ in range(4)
            ]
            while runner.server.in_flight < 4:  # noqa: ASYNC110 - polling a counter
                await asyncio.sleep(0.01)
            with pytest.raises(FunctionError, match=r"RESOURCE_EXHAUSTED.*4 calls already"):
                await client.evaluate(image=tiny.SET_TEAM, resource_list=tiny.INPUT)
            release.set()
        assert all(b"kind: ResourceList" in t.result().resource_list for t in hung)
        await _still_works(client)


async def test_abandoned_threads_are_bounded(registry: tiny.TinyRegistry) -> None:
    evaluator = BuiltinEvaluator(
        registry.module.lookup, timeout=0.1, max_output_bytes=MAX_MESSAGE, max_abandoned=1
    )
    with pytest.raises(Timeout):
        await evaluator.evaluate(image=tiny.HANG, resource_list=tiny.INPUT)
    assert evaluator.abandoned == 1
    with pytest.raises(Overloaded, match="still running past their deadline"):
        await evaluator.evaluate(image=tiny.SET_TEAM, resource_list=tiny.INPUT)
    registry.module.RELEASE.set()
    while evaluator.abandoned:  # noqa: ASYNC110 - polling threads
        await asyncio.sleep(0.01)
    assert await evaluator.evaluate(image=tiny.SET_TEAM, resource_list=tiny.INPUT) is not None


async def test_unknown_image_is_not_mine(registry: tiny.TinyRegistry) -> None:
    evaluator = BuiltinEvaluator(registry.module.lookup, timeout=1, max_output_bytes=MAX_MESSAGE)
    assert await evaluator.evaluate(image="example.com/other:v1", resource_list=b"") is None


async def test_blocking_runner_for_synchronous_callers(runner: Runner) -> None:
    def render() -> bytes:
        with BlockingFunctionRunner(runner.target, timeout=10) as run:
            first = run(tiny.SET_TEAM, tiny.INPUT)
            with pytest.raises(FunctionFailure):
                run(tiny.VALIDATE, tiny.INPUT)
            return run(tiny.SET_TEAM, first)

    output = await asyncio.to_thread(render)
    assert yaml.safe_load(output)["results"] == [{"message": "labelled", "severity": "info"}] * 2


async def test_catalog_function_through_the_default_registry() -> None:
    settings = Settings(listen="127.0.0.1:0")
    function_config = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "labels"},
        "data": {"team": "blue"},
    }
    rl = yaml.safe_load(tiny.INPUT)
    rl["functionConfig"] = function_config
    async with (
        FunctionRunnerServer.from_settings(settings) as server,
        FunctionRunnerClient(f"127.0.0.1:{server.port}") as client,
    ):
        image = "ghcr.io/kptdev/krm-functions-catalog/set-labels:v0.2.0"
        result = await client.evaluate(image=image, resource_list=yaml.safe_dump(rl).encode())
        output = yaml.safe_load(result.resource_list)
        assert all(i["metadata"]["labels"]["team"] == "blue" for i in output["items"])
        del rl["functionConfig"]
        with pytest.raises(FunctionFailure, match="`FunctionConfig` is not given") as caught:
            await client.evaluate(image=image, resource_list=yaml.safe_dump(rl).encode())
        assert caught.value.exit_code == 1
