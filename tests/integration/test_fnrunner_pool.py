"""The warm local pool: real worker processes, reused, evicted, collected and replaced.

Builtin workers run ``python -m porch_fnrunner.worker`` with the tiny registry of
``test_fnrunner_registry`` on their ``PYTHONPATH``; reusable exec workers are small
standalone scripts speaking the frame protocol by hand (as a non-Python binary would).
Process ids reported by the functions themselves show which worker served a call.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import yaml

from porch.errors import FunctionError, Timeout
from porch.fnclient import FunctionRunnerClient
from porch_fnrunner.evaluators import ChainEvaluator
from porch_fnrunner.executing import ExecEvaluator, ExecFunction
from porch_fnrunner.limits import Overloaded
from porch_fnrunner.pooling import PoolEvaluator
from porch_fnrunner.server import FunctionRunnerServer
from porch_fnrunner.settings import Settings
from porch_fnrunner.spawning import LocalBackend, WorkerCrashed
from tests.integration import test_fnrunner_registry as tiny

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
MAX = 1024 * 1024


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[tiny.TinyRegistry]:
    loaded = tiny.write_registry(tmp_path)
    yield loaded
    loaded.module.RELEASE.set()


def _backend(registry: tiny.TinyRegistry, **kwargs: object) -> LocalBackend:
    return LocalBackend(
        max_message_bytes=MAX,
        builtin_lookup=registry.module.lookup,
        registry=registry.spec,
        pythonpath=[str(registry.directory)],
        **kwargs,  # type: ignore[arg-type]
    )


@pytest.fixture
async def pool(registry: tiny.TinyRegistry) -> AsyncIterator[PoolEvaluator]:
    evaluator = PoolEvaluator(_backend(registry), timeout=1.0, max_size=3, max_queue=2)
    yield evaluator
    await evaluator.close()


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


async def _wait_dead(pid: int, within: float = 5.0) -> bool:
    for _ in range(int(within / 0.02)):
        if not _alive(pid):
            return True
        await asyncio.sleep(0.02)
    return False


async def _pid(pool: PoolEvaluator, image: str = tiny.PID, name: str = "ok") -> int:
    result = await pool.evaluate(image=image, resource_list=tiny.named(name))
    assert result is not None
    return tiny.pid_of(result.resource_list)


async def test_worker_is_reused(pool: PoolEvaluator) -> None:
    first = await _pid(pool)
    assert first != os.getpid()
    assert await _pid(pool) == first
    other = await _pid(pool, tiny.FLAKY)
    assert other != first
    assert pool.images == [tiny.PID, tiny.FLAKY]


async def test_unknown_image_is_not_mine(pool: PoolEvaluator) -> None:
    assert await pool.evaluate(image="example.com/other:v1", resource_list=tiny.INPUT) is None


async def test_crash_fails_only_that_call_and_worker_is_replaced(pool: PoolEvaluator) -> None:
    before = await _pid(pool, tiny.FLAKY)
    # The crash is first in the worker's queue; two good calls wait behind it.
    crashed, *queued = await asyncio.gather(
        _pid(pool, tiny.FLAKY, "crash"),
        _pid(pool, tiny.FLAKY),
        _pid(pool, tiny.FLAKY),
        return_exceptions=True,
    )
    assert isinstance(crashed, WorkerCrashed)
    assert re.search(r"exited with code 7 during the call; stderr: flaky: dying now", str(crashed))
    assert len(set(queued)) == 1
    assert all(isinstance(pid, int) and pid != before for pid in queued)
    assert await _wait_dead(before)


async def test_hang_is_killed_and_replaced(pool: PoolEvaluator) -> None:
    before = await _pid(pool, tiny.FLAKY)
    with pytest.raises(Timeout, match="did not finish within 1s"):
        await _pid(pool, tiny.FLAKY, "hang")
    assert await _wait_dead(before)
    assert await _pid(pool, tiny.FLAKY) != before


async def test_cancelled_call_kills_the_worker(pool: PoolEvaluator) -> None:
    before = await _pid(pool, tiny.FLAKY)
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.3):
            await _pid(pool, tiny.FLAKY, "hang")
    assert await _wait_dead(before)
    assert pool.images == []


async def test_stray_output_does_not_break_the_protocol(pool: PoolEvaluator) -> None:
    for _ in range(2):
        result = await pool.evaluate(image=tiny.SCRIBBLE, resource_list=tiny.INPUT)
        assert result is not None
        assert yaml.safe_load(result.resource_list)["kind"] == "ResourceList"


async def test_function_errors_keep_the_worker(pool: PoolEvaluator) -> None:
    with pytest.raises(FunctionError, match="replicas must be set") as caught:
        await pool.evaluate(image=tiny.VALIDATE, resource_list=tiny.INPUT)
    assert getattr(caught.value, "results", ())[0] == tiny.VALIDATE_ERROR
    instance = pool.instance_of(tiny.VALIDATE)
    assert instance is not None
    assert instance.alive


async def test_least_recently_used_worker_is_evicted(pool: PoolEvaluator) -> None:
    oldest = await _pid(pool, tiny.PID)
    evicted = await _pid(pool, tiny.FLAKY)
    await pool.evaluate(image=tiny.SET_TEAM, resource_list=tiny.INPUT)
    assert await _pid(pool, tiny.PID) == oldest  # PID is now the most recently used
    await pool.evaluate(image=tiny.SCRIBBLE, resource_list=tiny.INPUT)
    assert pool.images == [tiny.SET_TEAM, tiny.PID, tiny.SCRIBBLE]
    assert await _wait_dead(evicted)
    assert _alive(oldest)


async def test_full_pool_of_busy_workers_refuses(registry: tiny.TinyRegistry) -> None:
    evaluator = PoolEvaluator(_backend(registry), timeout=5.0, max_size=1)
    try:
        async with asyncio.TaskGroup() as tasks:
            slow = tasks.create_task(_pid(evaluator, tiny.FLAKY, "slow"))
            while evaluator.instance_of(tiny.FLAKY) is None:  # noqa: ASYNC110 - polling
                await asyncio.sleep(0.01)
            with pytest.raises(Overloaded, match="pool full"):
                await _pid(evaluator, tiny.PID)
        assert slow.result() > 0
    finally:
        await evaluator.close()


async def test_idle_workers_are_collected_after_the_ttl(registry: tiny.TinyRegistry) -> None:
    clock = Clock()
    evaluator = PoolEvaluator(_backend(registry), timeout=2.0, ttl=60, clock=clock)
    try:
        first = await _pid(evaluator)
        clock.now += 59
        assert await evaluator.collect_garbage() == []
        clock.now += 1
        assert await evaluator.collect_garbage() == [tiny.PID]
        assert await _wait_dead(first)
        assert await _pid(evaluator) != first
    finally:
        await evaluator.close()


async def test_queue_beyond_its_length_is_refused(registry: tiny.TinyRegistry) -> None:
    evaluator = PoolEvaluator(_backend(registry), timeout=5.0, max_queue=1)
    try:
        await _pid(evaluator, tiny.FLAKY)  # warm, so the timing below is the function's
        async with asyncio.TaskGroup() as tasks:
            running = tasks.create_task(_pid(evaluator, tiny.FLAKY, "slow"))
            queued = tasks.create_task(_pid(evaluator, tiny.FLAKY, "slow"))
            await asyncio.sleep(0.05)
            with pytest.raises(Overloaded, match="2 calls running or queued"):
                await _pid(evaluator, tiny.FLAKY)
        assert running.result() == queued.result()
    finally:
        await evaluator.close()


async def test_worker_that_cannot_start_fails_the_call(tmp_path: Path) -> None:
    backend = LocalBackend(
        max_message_bytes=MAX,
        builtin_lookup=lambda image: (lambda rl: rl) if image == tiny.PID else None,
        registry="fnrunner_module_that_does_not_exist:lookup",
        start_timeout=5.0,
    )
    evaluator = PoolEvaluator(backend, timeout=2.0)
    try:
        with pytest.raises(FunctionError, match=r"did not start the worker protocol.*importable"):
            await evaluator.evaluate(image=tiny.PID, resource_list=tiny.INPUT)
        assert evaluator.images == []
    finally:
        await evaluator.close()


EXEC_WORKER = """
    import json, os, struct, sys
    source, sink = sys.stdin.buffer, sys.stdout.buffer

    def send(payload):
        sink.write(struct.pack(">I", len(payload)) + payload)

    def receive():
        prefix = source.read(4)
        if len(prefix) < 4:
            return None
        return source.read(struct.unpack(">I", prefix)[0])

    send(json.dumps({"protocol": "porch-fn-worker/1", "pid": os.getpid()}).encode())
    sink.flush()
    while (header := receive()) is not None:
        body = receive()
        if b"garbage-frame" in body:
            sink.write(b"this is not a frame at all\\n" * 100)
            sink.flush()
            continue
        item = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "pid"},
                "data": {"pid": str(os.getpid())}}
        output = json.dumps({"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList",
                             "items": [item]}).encode()
        if b"bad-yaml" in body:
            output = b"items: [unclosed"
        send(json.dumps({"outcome": "ok", "message": "", "exitCode": None}).encode())
        send(output)
        send(b"served\\n")
        sink.flush()
"""

ONESHOT = """
    import sys
    sys.stdin.read()
    print("apiVersion: config.kubernetes.io/v1\\nkind: ResourceList\\nitems: []")
"""


def _exec_functions(tmp_path: Path) -> dict[str, ExecFunction]:
    functions = {}
    for image, body in (("example.com/worker:v1", EXEC_WORKER), ("example.com/plain:v1", ONESHOT)):
        script = tmp_path / f"{image.split('/')[1].split(':')[0]}.py"
        script.write_text(textwrap.dedent(body))
        functions[image] = ExecFunction(image=image, argv=(sys.executable, str(script)), reuse=True)
    return functions


async def test_reusable_exec_worker(tmp_path: Path) -> None:
    backend = LocalBackend(max_message_bytes=MAX, exec_functions=_exec_functions(tmp_path))
    evaluator = PoolEvaluator(backend, timeout=2.0)
    image = "example.com/worker:v1"
    try:
        first = await evaluator.evaluate(image=image, resource_list=tiny.named("a"))
        assert first is not None
        assert first.log == b"served\n"
        pid = tiny.pid_of(first.resource_list)
        with pytest.raises(FunctionError, match="did not print a ResourceList"):
            await evaluator.evaluate(image=image, resource_list=tiny.named("bad-yaml"))
        assert await _pid(evaluator, image) == pid  # invalid output: that call only
        with pytest.raises(WorkerCrashed, match="broke the worker protocol"):
            await evaluator.evaluate(image=image, resource_list=tiny.named("garbage-frame"))
        assert await _wait_dead(pid)
        assert await _pid(evaluator, image) != pid
    finally:
        await evaluator.close()


async def test_exec_binary_without_the_protocol_falls_back_to_one_shot(tmp_path: Path) -> None:
    functions = _exec_functions(tmp_path)
    backend = LocalBackend(max_message_bytes=MAX, exec_functions=functions, start_timeout=0.5)
    evaluator = PoolEvaluator(backend, timeout=2.0)
    chain = ChainEvaluator([evaluator, ExecEvaluator(functions, timeout=5, max_output_bytes=MAX)])
    try:
        for _ in range(2):
            result = await chain.evaluate(image="example.com/plain:v1", resource_list=tiny.INPUT)
            assert result is not None
            assert yaml.safe_load(result.resource_list)["items"] == []
        assert not backend.handles("example.com/plain:v1")
    finally:
        await evaluator.close()


async def test_server_collects_idle_workers(registry: tiny.TinyRegistry) -> None:
    settings = Settings(
        listen="127.0.0.1:0",
        builtins="process",
        builtin_registry=registry.spec,
        worker_pythonpath=(str(registry.directory),),
        pool_ttl=0.3,
        scan_interval=0.1,
    )
    server = FunctionRunnerServer.from_settings(settings, lookup=registry.module.lookup)
    async with server, FunctionRunnerClient(f"127.0.0.1:{server.port}") as client:
        result = await client.evaluate(image=tiny.PID, resource_list=tiny.INPUT)
        first = tiny.pid_of(result.resource_list)
        assert await _wait_dead(first)
        result = await client.evaluate(image=tiny.PID, resource_list=tiny.INPUT)
        second = tiny.pid_of(result.resource_list)
    assert second != first
    assert await _wait_dead(second)  # stopping the server stops its workers


async def test_main_runs_builtins_in_warm_workers(registry: tiny.TinyRegistry) -> None:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": os.pathsep.join(
            [str(ROOT), str(ROOT / "services" / "fn-runner"), str(registry.directory)]
        ),
        "PORCH_FNRUNNER_BUILTINS": "process",
        "PORCH_FNRUNNER_BUILTIN_REGISTRY": registry.spec,
        "PORCH_FNRUNNER_WORKER_PYTHONPATH": str(registry.directory),
    }
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "porch_fnrunner",
        "--listen",
        f"127.0.0.1:{port}",
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        async with FunctionRunnerClient(f"127.0.0.1:{port}", timeout=20, retries=20) as client:
            pids = set()
            for _ in range(3):
                result = await client.evaluate(image=tiny.PID, resource_list=tiny.INPUT)
                pids.add(tiny.pid_of(result.resource_list))
        assert len(pids) == 1
        proc.send_signal(signal.SIGTERM)
        async with asyncio.timeout(15):
            _, stderr = await proc.communicate()
        assert proc.returncode == 0, stderr.decode()
        assert await _wait_dead(pids.pop())
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def test_process_builtins_fail_alone_over_grpc(registry: tiny.TinyRegistry) -> None:
    settings = Settings(
        listen="127.0.0.1:0",
        builtins="process",
        builtin_registry=registry.spec,
        worker_pythonpath=(str(registry.directory),),
        call_timeout=1.0,
    )
    server = FunctionRunnerServer.from_settings(settings, lookup=registry.module.lookup)
    async with server, FunctionRunnerClient(f"127.0.0.1:{server.port}", timeout=10) as client:
        with pytest.raises(FunctionError, match=r"INTERNAL.*exited with code 7"):
            await client.evaluate(image=tiny.FLAKY, resource_list=tiny.named("crash"))
        with pytest.raises(Timeout):
            await client.evaluate(image=tiny.FLAKY, resource_list=tiny.named("hang"))
        with pytest.raises(FunctionError, match="replicas must be set") as caught:
            await client.evaluate(image=tiny.VALIDATE, resource_list=tiny.INPUT)
        assert getattr(caught.value, "results", ())[0] == tiny.VALIDATE_ERROR
        result = await client.evaluate(image=tiny.FLAKY, resource_list=tiny.named("ok"))
        assert tiny.pid_of(result.resource_list) != os.getpid()
