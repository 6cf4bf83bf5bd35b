"""CONTRACT tests of the Kubernetes pod pool, against RECORDED API exchanges (no cluster here).

Each scenario in ``tests/contracts/k8s_pod_pool/*.json`` lists request/response pairs
written after the Kubernetes API reference (object shapes, status codes, ``Status``
errors). A small aiohttp server on loopback plays the API server: it expects the requests
in the recorded order, checks each one (method, path, query, the listed headers, and that
the recorded body is contained in the body sent) and answers with the recorded response.
The real ``kubernetes`` client talks to it. The function "pod" is a real gRPC runner on
loopback; the recorded Service's cluster IP is 127.0.0.1 and its port a placeholder.

What this proves: our requests match the recorded contract and we react correctly to the
recorded answers. What it cannot prove: that a real cluster answers as recorded.
"""

from __future__ import annotations

import asyncio
import json
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from aiohttp import web
from kubernetes import client as k8s

from porch.errors import FunctionError
from porch.fnclient import RunnerUnavailable
from porch_fnrunner import podspecs
from porch_fnrunner.pods import KubernetesError, PodBackend
from porch_fnrunner.pooling import PoolEvaluator
from porch_fnrunner.server import FunctionRunnerServer
from porch_fnrunner.settings import Settings
from tests.integration import test_fnrunner_registry as tiny

pytestmark = pytest.mark.integration

CONTRACTS = Path(__file__).resolve().parents[1] / "contracts" / "k8s_pod_pool"
NAMESPACE = "porch-fn-system"
WRAPPER_IMAGE = "ghcr.io/kptdev/porch-wrapper-server:v4.0.0"
WALL = 1700000000.0
TTL = 1800.0
IMAGE = tiny.SET_TEAM


def _substitute(value: Any, port: int) -> Any:
    if value == "$GRPC_PORT":
        return port
    if value == "$GRPC_PORT_STR":
        return str(port)
    if isinstance(value, dict):
        return {k: _substitute(v, port) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, port) for v in value]
    return value


def _contained(expected: Any, actual: Any, where: str = "body") -> list[str]:
    """Where ``expected`` is not contained in ``actual`` (dicts by key, lists item by item)."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{where}: expected an object, got {actual!r}"]
        return [
            p for k, v in expected.items() for p in _contained(v, actual.get(k), f"{where}.{k}")
        ]
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [f"{where}: expected {len(expected)} items, got {actual!r}"]
        return [
            p for i, v in enumerate(expected) for p in _contained(v, actual[i], f"{where}[{i}]")
        ]
    return [] if expected == actual else [f"{where}: expected {expected!r}, got {actual!r}"]


@dataclass
class ApiReplay:
    """Plays the API server from a recorded list of exchanges, strictly in order."""

    pending: deque[dict[str, Any]] = field(default_factory=deque)
    problems: list[str] = field(default_factory=list)

    async def handle(self, request: web.Request) -> web.Response:
        raw = await request.read()
        if not self.pending:
            self.problems.append(f"unexpected {request.method} {request.path_qs}")
            return web.json_response({"kind": "Status", "code": 500}, status=500)
        exchange = self.pending.popleft()
        problems = self._check(exchange["request"], request, raw)
        if problems:
            self.problems.append(f"{request.method} {request.path_qs}: " + "; ".join(problems))
            return web.json_response({"kind": "Status", "code": 500}, status=500)
        response = exchange["response"]
        return web.json_response(response["body"], status=response["status"])

    @staticmethod
    def _check(expected: dict[str, Any], request: web.Request, raw: bytes) -> list[str]:
        problems = []
        if (request.method, request.path) != (expected["method"], expected["path"]):
            problems.append(f"expected {expected['method']} {expected['path']}")
        if dict(request.query) != expected.get("query", {}):
            problems.append(f"query {dict(request.query)} != {expected.get('query', {})}")
        for name, value in expected.get("headers", {}).items():
            sent = request.headers.get(name, "").split(";")[0].strip()
            if sent != value:
                problems.append(f"header {name}: {sent!r} != {value!r}")
        if "body" in expected:
            problems += _contained(expected["body"], json.loads(raw) if raw else None)
        return problems

    def play(self, scenario: str, *, port: int) -> dict[str, Any]:
        doc = json.loads((CONTRACTS / f"{scenario}.json").read_text())
        assert doc["clock"] == {"wall": WALL, "ttl": TTL}
        self.pending.extend(_substitute(doc["exchanges"], port))
        return dict(doc)

    def assert_done(self) -> None:
        assert self.problems == []
        left = [f"{e['request']['method']} {e['request']['path']}" for e in self.pending]
        assert left == [], "recorded requests never sent"


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@dataclass
class Contract:
    replay: ApiReplay
    pool: PoolEvaluator
    wall: Clock
    monotonic: Clock
    grpc_port: int
    restart_pod: Callable[[], Any]
    stop_pod: Callable[[], Any]

    def play(self, scenario: str) -> None:
        self.replay.play(scenario, port=self.grpc_port)


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[tiny.TinyRegistry]:
    loaded = tiny.write_registry(tmp_path)
    yield loaded
    loaded.module.RELEASE.set()


@pytest.fixture
async def contract(registry: tiny.TinyRegistry) -> AsyncIterator[Contract]:
    replay = ApiReplay()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", replay.handle)
    api = web.AppRunner(app)
    await api.setup()
    await web.TCPSite(api, "127.0.0.1", 0).start()
    api_port = api.addresses[0][1]

    def pod_server(port: int) -> FunctionRunnerServer:
        settings = Settings(listen=f"127.0.0.1:{port}", shutdown_grace=0.1)
        return FunctionRunnerServer.from_settings(settings, lookup=registry.module.lookup)

    pod = pod_server(0)
    await pod.start()
    grpc_port = pod.port
    servers = [pod]

    async def restart_pod() -> None:
        servers.append(pod_server(grpc_port))
        await servers[-1].start()

    async def stop_pod() -> None:
        await servers[-1].stop(0)

    core = k8s.CoreV1Api(k8s.ApiClient(k8s.Configuration(host=f"http://127.0.0.1:{api_port}")))
    template = podspecs.PodTemplate(
        namespace=NAMESPACE,
        wrapper_server_image=WRAPPER_IMAGE,
        port=grpc_port,
        max_message_bytes=1024 * 1024,
    )
    wall, monotonic = Clock(WALL), Clock(100.0)
    backend = PodBackend(
        core,
        template,
        ttl=TTL,
        call_timeout=5,
        ready_timeout=5,
        poll_interval=0.01,
        wall_clock=wall,
    )
    pool = PoolEvaluator(backend, timeout=5, ttl=TTL, clock=monotonic)
    try:
        yield Contract(replay, pool, wall, monotonic, grpc_port, restart_pod, stop_pod)
        replay.assert_done()
    finally:
        await pool.close()
        for server in servers:
            await server.stop(0)
        core.api_client.close()
        await api.cleanup()


async def _labelled(pool: PoolEvaluator) -> None:
    result = await pool.evaluate(image=IMAGE, resource_list=tiny.INPUT)
    assert result is not None
    output = yaml.safe_load(result.resource_list)
    assert [i["metadata"]["labels"] for i in output["items"]] == [{"team": "blue"}] * 2


async def test_cold_start_reuse_refresh_and_collect(contract: Contract) -> None:
    contract.play("cold_start")
    await _labelled(contract.pool)
    await _labelled(contract.pool)  # warm: no API request
    contract.wall.now += 450  # ttl / 4: the next use refreshes the reclaim time
    await _labelled(contract.pool)
    contract.monotonic.now += TTL
    assert await contract.pool.collect_garbage() == [IMAGE]


async def test_adopts_a_pod_left_by_an_earlier_runner(contract: Contract) -> None:
    contract.play("adopt_existing_pod")
    await _labelled(contract.pool)
    await contract.pool.close()  # pods are kept at shutdown: no request


async def test_image_pull_failure_fails_the_waiting_calls(contract: Contract) -> None:
    contract.play("image_pull_failure")
    outcomes = await asyncio.gather(
        contract.pool.evaluate(image=IMAGE, resource_list=tiny.INPUT),
        contract.pool.evaluate(image=IMAGE, resource_list=tiny.INPUT),
        return_exceptions=True,
    )
    for outcome in outcomes:
        assert isinstance(outcome, FunctionError)
        assert "failed to start: ErrImagePull: rpc error: code = NotFound" in outcome.message
    assert contract.pool.images == []


async def test_gc_sweep_deletes_expired_and_failed_pods(contract: Contract) -> None:
    contract.play("gc_sweep")
    assert await contract.pool.collect_garbage() == []


async def test_api_refusal_fails_the_call_and_is_not_cached(contract: Contract) -> None:
    contract.play("api_forbidden")
    with pytest.raises(KubernetesError, match=r"create pod: HTTP 403: pods is forbidden"):
        await contract.pool.evaluate(image=IMAGE, resource_list=tiny.INPUT)
    await _labelled(contract.pool)


async def test_lost_pod_is_replaced(contract: Contract) -> None:
    contract.play("pod_lost")
    await _labelled(contract.pool)
    first = contract.pool.instance_of(IMAGE)
    await contract.stop_pod()
    with pytest.raises(RunnerUnavailable):
        await contract.pool.evaluate(image=IMAGE, resource_list=tiny.INPUT)
    await contract.restart_pod()
    await _labelled(contract.pool)
    second = contract.pool.instance_of(IMAGE)
    assert getattr(second, "pod", None) != getattr(first, "pod", None)
