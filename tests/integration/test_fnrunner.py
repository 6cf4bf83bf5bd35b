"""The function runner end to end: a real gRPC server on loopback, real function processes.

Functions are small Python scripts written into tmp_path and allow-listed by image name;
they are called through ``porch.fnclient.FunctionRunnerClient`` as a renderer would.
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
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import grpc
import pytest
import yaml
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from porch.errors import FunctionError, Invalid, NotFound, Timeout
from porch.fnclient import FunctionFailure, FunctionRunnerClient
from porch_fnrunner.__main__ import parse_settings
from porch_fnrunner.executing import load_exec_config, parse_exec_config
from porch_fnrunner.server import SERVICE_NAME, FunctionRunnerServer
from porch_fnrunner.settings import Settings

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]

LABEL_IMAGE = "example.com/set-labels:v1"
SLEEP_IMAGE = "example.com/sleepy:v1"
GARBAGE_IMAGE = "example.com/garbage:v1"
FAIL_IMAGE = "example.com/fail:v1"
FLOOD_IMAGE = "example.com/flood:v1"
ENV_IMAGE = "example.com/env:v1"
ORPHAN_IMAGE = "example.com/orphan:v1"

# Every script is called with one argument, a file it may write a process id to.
SCRIPTS = {
    LABEL_IMAGE: """
        import sys, yaml
        rl = yaml.safe_load(sys.stdin)
        value = (rl.get("functionConfig") or {}).get("data", {}).get("team", "none")
        for item in rl.get("items") or []:
            item.setdefault("metadata", {}).setdefault("labels", {})["team"] = value
        rl["results"] = [{"message": "labelled", "severity": "info"}]
        print("set-labels: done", file=sys.stderr)
        yaml.safe_dump(rl, sys.stdout)
    """,
    SLEEP_IMAGE: """
        import os, sys, time
        sys.stdin.read()
        with open(sys.argv[1], "w") as f:
            f.write(str(os.getpid()))
        time.sleep(60)
    """,
    GARBAGE_IMAGE: """
        import sys
        sys.stdin.read()
        print("this: is: not [a ResourceList")
    """,
    FAIL_IMAGE: """
        import sys, yaml
        rl = yaml.safe_load(sys.stdin)
        rl["results"] = [
            {"message": "replicas must be set", "severity": "error",
             "field": {"path": "spec.replicas"}},
        ]
        yaml.safe_dump(rl, sys.stdout)
        print("validation failed: 1 error", file=sys.stderr)
        sys.exit(1)
    """,
    FLOOD_IMAGE: """
        import sys
        sys.stdin.read()
        chunk = "x" * 65536
        while True:
            sys.stdout.write(chunk)
    """,
    ENV_IMAGE: """
        import json, os, sys
        sys.stdin.read()
        items = [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "env"},
                  "data": {"keys": ",".join(sorted(os.environ)), "cwd": os.getcwd(),
                           "greeting": os.environ.get("GREETING", "")}}]
        print(json.dumps({"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList",
                          "items": items}))
    """,
    ORPHAN_IMAGE: """
        import subprocess, sys
        sys.stdin.read()
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        with open(sys.argv[1], "w") as f:
            f.write(str(child.pid))
        print("apiVersion: config.kubernetes.io/v1\\nkind: ResourceList\\nitems: []")
    """,
}

INPUT = yaml.safe_dump(
    {
        "apiVersion": "config.kubernetes.io/v1",
        "kind": "ResourceList",
        "items": [
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}},
            {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "b"}},
        ],
        "functionConfig": {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "function-input"},
            "data": {"team": "blue"},
        },
    }
).encode()


@dataclass
class Runner:
    port: int
    target: str
    pid_file: Path
    exec_config: Path


def _write_allow_list(tmp_path: Path) -> tuple[Path, Path]:
    pid_file = tmp_path / "function.pid"
    functions: list[dict[str, object]] = []
    for image, body in SCRIPTS.items():
        script = tmp_path / (image.rsplit("/", 1)[-1].split(":")[0] + ".py")
        script.write_text(textwrap.dedent(body))
        functions.append({"image": image, "exec": [sys.executable, str(script), str(pid_file)]})
        if image == ENV_IMAGE:
            functions[-1]["env"] = {"GREETING": "hello"}
    config = tmp_path / "exec-config.yaml"
    config.write_text(yaml.safe_dump({"functions": functions}))
    return config, pid_file


@pytest.fixture
async def runner(tmp_path: Path) -> AsyncIterator[Runner]:
    config, pid_file = _write_allow_list(tmp_path)
    settings = Settings(
        listen="127.0.0.1:0",
        exec_config=config,
        call_timeout=2.0,
        max_message_bytes=1024 * 1024,
        shutdown_grace=1.0,
    )
    async with FunctionRunnerServer.from_settings(settings) as server:
        yield Runner(server.port, f"127.0.0.1:{server.port}", pid_file, config)


def _alive(pid: int) -> bool:
    """Running, as opposed to gone or a zombie (an orphan's reaper may be slow)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


async def _wait_dead(pid: int, *, within: float = 5.0) -> bool:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while loop.time() < deadline:
        if not _alive(pid):
            return True
        await asyncio.sleep(0.05)
    return False


async def test_exec_function_adds_label(runner: Runner) -> None:
    async with FunctionRunnerClient(runner.target) as client:
        result = await client.evaluate(image=LABEL_IMAGE, resource_list=INPUT)
    output = yaml.safe_load(result.resource_list)
    assert output["kind"] == "ResourceList"
    assert [item["metadata"]["labels"] for item in output["items"]] == [
        {"team": "blue"},
        {"team": "blue"},
    ]
    assert output["results"] == [{"message": "labelled", "severity": "info"}]
    assert result.log == b"set-labels: done\n"


async def test_concurrent_calls_are_independent(runner: Runner) -> None:
    async with FunctionRunnerClient(runner.target) as client:
        results = await asyncio.gather(
            *(client.evaluate(image=LABEL_IMAGE, resource_list=INPUT) for _ in range(8))
        )
    assert len({r.resource_list for r in results}) == 1


async def test_function_gets_minimal_env_and_scratch_dir(runner: Runner) -> None:
    async with FunctionRunnerClient(runner.target) as client:
        result = await client.evaluate(image=ENV_IMAGE, resource_list=INPUT)
    data = yaml.safe_load(result.resource_list)["items"][0]["data"]
    assert set(data["keys"].split(",")) <= {
        "PATH",
        "LC_ALL",
        "HOME",
        "TMPDIR",
        "GREETING",
        "LC_CTYPE",
    }
    assert data["greeting"] == "hello"
    assert Path(data["cwd"]).name.startswith("porch-fn-")
    assert not await asyncio.to_thread(Path(data["cwd"]).exists)


async def test_unknown_image_is_not_found(runner: Runner) -> None:
    async with FunctionRunnerClient(runner.target) as client:
        expected = re.escape("no evaluator for image 'example.com/nope:v9'")
        with pytest.raises(NotFound, match=expected):
            await client.evaluate(image="example.com/nope:v9", resource_list=INPUT)


async def test_empty_image_is_invalid(runner: Runner) -> None:
    async with FunctionRunnerClient(runner.target) as client:
        with pytest.raises(Invalid):
            await client.evaluate(image="", resource_list=INPUT)


async def test_server_timeout_kills_function_and_keeps_serving(runner: Runner) -> None:
    async with FunctionRunnerClient(runner.target, timeout=10.0) as client:
        with pytest.raises(Timeout, match="did not finish within 2s"):
            await client.evaluate(image=SLEEP_IMAGE, resource_list=INPUT)
        pid = int(runner.pid_file.read_text())
        assert await _wait_dead(pid), "timed-out function still running"
        result = await client.evaluate(image=LABEL_IMAGE, resource_list=INPUT)
    assert b"team: blue" in result.resource_list


async def test_client_deadline_cancels_function(runner: Runner) -> None:
    async with FunctionRunnerClient(runner.target, timeout=1.5) as client:
        with pytest.raises(Timeout):
            await client.evaluate(image=SLEEP_IMAGE, resource_list=INPUT)
        # The server saw the deadline too: the function's process group is killed.
        pid = runner.pid_file.read_text() if runner.pid_file.exists() else ""
        if pid:  # (on a very slow machine it may have been killed before writing it)
            assert await _wait_dead(int(pid))
        result = await client.evaluate(image=LABEL_IMAGE, resource_list=INPUT)
    assert b"team: blue" in result.resource_list


async def test_leftover_children_are_killed(runner: Runner) -> None:
    async with FunctionRunnerClient(runner.target, timeout=10.0) as client:
        result = await client.evaluate(image=ORPHAN_IMAGE, resource_list=INPUT)
    assert yaml.safe_load(result.resource_list)["items"] == []
    assert await _wait_dead(int(runner.pid_file.read_text()))


async def test_garbage_output_is_function_error(runner: Runner) -> None:
    async with FunctionRunnerClient(runner.target) as client:
        with pytest.raises(FunctionError, match="did not print a ResourceList") as caught:
            await client.evaluate(image=GARBAGE_IMAGE, resource_list=INPUT)
    assert not isinstance(caught.value, FunctionFailure)


async def test_failing_function_keeps_results_and_stderr(runner: Runner) -> None:
    async with FunctionRunnerClient(runner.target) as client:
        with pytest.raises(FunctionFailure, match="exited with code 1") as caught:
            await client.evaluate(image=FAIL_IMAGE, resource_list=INPUT)
    failure = caught.value
    assert isinstance(failure, FunctionError)
    assert failure.exit_code == 1
    assert failure.image == FAIL_IMAGE
    assert "validation failed: 1 error" in failure.stderr
    assert "validation failed: 1 error" in failure.message
    assert failure.results == (
        {
            "message": "replicas must be set",
            "severity": "error",
            "field": {"path": "spec.replicas"},
        },
    )
    assert [(c.reason, c.message, c.field) for c in failure.causes] == [
        ("error", "replicas must be set", "spec.replicas")
    ]


async def test_output_over_cap_is_function_error(runner: Runner) -> None:
    async with FunctionRunnerClient(runner.target) as client:
        with pytest.raises(FunctionError, match=r"RESOURCE_EXHAUSTED.*more than"):
            await client.evaluate(image=FLOOD_IMAGE, resource_list=INPUT)
        result = await client.evaluate(image=LABEL_IMAGE, resource_list=INPUT)
    assert b"team: blue" in result.resource_list


async def test_health_and_reflection(runner: Runner) -> None:
    async with grpc.aio.insecure_channel(runner.target) as channel:
        health = health_pb2_grpc.HealthStub(channel)
        for service in ("", SERVICE_NAME):
            reply = await health.Check(health_pb2.HealthCheckRequest(service=service), timeout=5)
            assert reply.status == health_pb2.HealthCheckResponse.SERVING
        reflect = reflection_pb2_grpc.ServerReflectionStub(channel)
        request = reflection_pb2.ServerReflectionRequest(list_services="")
        async for answer in reflect.ServerReflectionInfo(iter([request]), timeout=5):
            names = {s.name for s in answer.list_services_response.service}
            assert {"evaluator.FunctionEvaluator", "grpc.health.v1.Health"} <= names
            break


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def test_client_retries_until_runner_is_up(tmp_path: Path) -> None:
    config, _ = _write_allow_list(tmp_path)
    port = _free_port()
    settings = Settings(listen=f"127.0.0.1:{port}", exec_config=config)

    server = FunctionRunnerServer.from_settings(settings)

    async def start_late() -> None:
        await asyncio.sleep(0.3)
        await server.start()

    try:
        async with (
            FunctionRunnerClient(f"127.0.0.1:{port}", timeout=10.0, retries=6) as client,
            asyncio.TaskGroup() as tasks,
        ):
            tasks.create_task(start_late())
            call = tasks.create_task(client.evaluate(image=LABEL_IMAGE, resource_list=INPUT))
        assert b"team: blue" in call.result().resource_list
    finally:
        await server.stop(0)


async def test_unreachable_runner_is_function_error() -> None:
    port = _free_port()
    async with FunctionRunnerClient(f"127.0.0.1:{port}", timeout=5.0, retries=1) as client:
        with pytest.raises(FunctionError, match="UNAVAILABLE"):
            await client.evaluate(image=LABEL_IMAGE, resource_list=INPUT)


def test_allow_list_validation(tmp_path: Path) -> None:
    with pytest.raises(Invalid) as caught:
        parse_exec_config(
            textwrap.dedent(
                """
                functions:
                  - image: a:v1
                    exec: [relative/bin]
                  - image: a:v1
                    exec: [/bin/true]
                  - image: ""
                    exec: []
                    extra: 1
                """
            ),
            source="test",
        )
    fields = sorted(c.field for c in caught.value.causes)
    assert fields == [
        "functions[0].exec",
        "functions[1]",
        "functions[2].exec",
        "functions[2].extra",
        "functions[2].image",
    ]
    missing = tmp_path / "cfg.yaml"
    missing.write_text("functions: [{image: 'a:v1', exec: ['/nonexistent/fn']}]")
    with pytest.raises(Invalid, match="missing"):
        load_exec_config(missing)


def test_settings_from_flags_and_environment(tmp_path: Path) -> None:
    env = {
        "PORCH_FNRUNNER_LISTEN": "0.0.0.0:1234",
        "PORCH_FNRUNNER_CALL_TIMEOUT": "5",
        "PORCH_FNRUNNER_EXEC_CONFIG": str(tmp_path / "c.yaml"),
    }
    settings = parse_settings(["--call-timeout", "7.5"], env)
    assert settings.listen == "0.0.0.0:1234"
    assert settings.call_timeout == 7.5
    assert settings.exec_config == tmp_path / "c.yaml"
    assert settings.max_message_bytes == 6 * 1024 * 1024
    with pytest.raises(SystemExit):
        parse_settings(["--max-message-bytes", "10"], {})


async def test_main_serves_until_sigterm(tmp_path: Path) -> None:
    config, _ = _write_allow_list(tmp_path)
    port = _free_port()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "services" / "fn-runner")]),
        "PORCH_FNRUNNER_EXEC_CONFIG": str(config),
    }
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
        async with FunctionRunnerClient(f"127.0.0.1:{port}", timeout=20.0, retries=20) as client:
            result = await client.evaluate(image=LABEL_IMAGE, resource_list=INPUT)
        assert b"team: blue" in result.resource_list
        proc.send_signal(signal.SIGTERM)
        async with asyncio.timeout(15):
            _, stderr = await proc.communicate()
        assert proc.returncode == 0, stderr.decode()
        assert b"function runner stopped" in stderr
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
