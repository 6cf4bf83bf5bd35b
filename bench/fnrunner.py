"""Function runner: builtin in-process vs over gRPC vs warm worker pool vs cold start.

Run: ``.venv/bin/python bench/fnrunner.py [--resources 100] [--calls 30] [--cold-calls 10]``

Calls one builtin function (``set-labels`` from ``porch.functions.registry``, labels from
a ConfigMap functionConfig) on a ResourceList of ``--resources`` resources (Deployments,
Services, ConfigMaps), in one run and one process, five ways:

  A0  ``invoking.invoke`` called directly in this thread (the function's own cost:
      parse, run, serialize)
  A   baseline for B: ``BuiltinEvaluator`` in this process (a thread per call)
  B   over gRPC: ``FunctionRunnerClient`` -> ``python -m porch_fnrunner --builtins thread``
      in a child process on loopback; A and B alternate call by call, and the gRPC
      overhead is the median of the per-pair differences B-A (the function's own cost
      varies by more than the target between calls, so a difference of two p50s taken
      minutes apart would mostly measure noise)
  C   baseline for D: the warm local pool (``PoolEvaluator`` + ``LocalBackend``): the
      same worker process serves every call
  D   cold start: a new worker process per call (start, hello, call, stop)

then the same five on a 1-resource list (rows ending in ``/1``), which separates what
reuse saves from what the function costs. Prints p50/p99 per call (ms), calls/s, and the
ratios B-A (gRPC overhead, target < 5 ms at p50) and D/C (reuse speed-up, target >= 10x
at p50). With few calls p99 is close to the maximum. Never asserts timings.

If the registry has no ``set-labels`` (the builtin functions are written separately), a
small label-setting function defined in this file is used instead, and the run says so.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import sys
import tempfile
import textwrap
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

from porch.fnclient import FunctionRunnerClient
from porch_fnrunner.builtin import BuiltinEvaluator
from porch_fnrunner.invoking import invoke
from porch_fnrunner.pooling import PoolEvaluator
from porch_fnrunner.registries import DEFAULT_REGISTRY, Lookup, load_lookup
from porch_fnrunner.spawning import LocalBackend, LocalWorker

IMAGE = "ghcr.io/kptdev/krm-functions-catalog/set-labels:v0.2.0"
TARGET_GRPC_OVERHEAD_MS = 5.0
TARGET_REUSE_SPEEDUP = 10.0
MAX_BYTES = 6 * 1024 * 1024
ROOT = Path(__file__).resolve().parents[1]

FALLBACK_MODULE = "fnrunner_bench_registry"
FALLBACK_SOURCE = '''
"""Stand-in for set-labels when porch.functions.registry has none (bench only)."""


def set_labels(rl):
    labels = dict(((rl.function_config or {}).get("data") or {}))
    for item in rl.items:
        item.setdefault("metadata", {}).setdefault("labels", {}).update(labels)
    rl.results.append({"message": f"set {len(labels)} labels", "severity": "info"})
    return rl


def lookup(image):
    return set_labels if "set-labels" in image else None
'''


def resource_list(count: int) -> bytes:
    items: list[dict[str, object]] = []
    for i in range(count):
        name, meta = f"web-{i}", {"name": f"web-{i}", "namespace": "bench"}
        if i % 3 == 0:
            pod = {
                "containers": [
                    {"name": "web", "image": "nginx:1.25", "ports": [{"containerPort": 80}]}
                ]
            }
            spec = {"replicas": 2, "selector": {"matchLabels": {"app": name}}}
            spec["template"] = {"metadata": {"labels": {"app": name}}, "spec": pod}
            items.append(
                {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta, "spec": spec}
            )
        elif i % 3 == 1:
            spec = {"selector": {"app": name}, "ports": [{"port": 80, "targetPort": 80}]}
            items.append({"apiVersion": "v1", "kind": "Service", "metadata": meta, "spec": spec})
        else:
            data = {"key": "value", "other": "thing"}
            items.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": data})
    config = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "labels"}}
    config["data"] = {"team": "blue", "tier": "web"}
    doc = {"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList", "items": items}
    doc["functionConfig"] = config
    return yaml.safe_dump(doc, sort_keys=False).encode()


@dataclass
class Row:
    key: str
    label: str
    latencies: list[float]
    elapsed: float

    def p(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0


async def measure(
    key: str, label: str, call: Callable[[], Awaitable[bytes]], *, calls: int, warmup: int
) -> Row:
    for _ in range(warmup):
        check(await call())
    latencies = []
    started = time.perf_counter()
    for _ in range(calls):
        begin = time.perf_counter()
        check(await call())
        latencies.append(time.perf_counter() - begin)
    row = Row(key, label, latencies, time.perf_counter() - started)
    print(f"  {key:5} {label:58} p50 {row.p(0.5):8.2f} ms  p99 {row.p(0.99):8.2f} ms", flush=True)
    return row


async def measure_pair(
    first: tuple[str, str, Callable[[], Awaitable[bytes]]],
    second: tuple[str, str, Callable[[], Awaitable[bytes]]],
    *,
    calls: int,
) -> tuple[Row, Row, list[float]]:
    """Two rows measured call by call in alternation, so machine noise hits both alike;
    also the per-pair differences (second - first), whose median is a steadier overhead."""
    for _ in range(3):
        check(await first[2]())
        check(await second[2]())
    times: tuple[list[float], list[float]] = ([], [])
    elapsed = [0.0, 0.0]
    for _ in range(calls):
        for index, (_, _, call) in enumerate((first, second)):
            begin = time.perf_counter()
            check(await call())
            times[index].append(time.perf_counter() - begin)
            elapsed[index] += times[index][-1]
    rows = [
        Row(k, label, t, e)
        for (k, label, _), t, e in zip((first, second), times, elapsed, strict=True)
    ]
    for row in rows:
        print(f"  {row.key:5} {row.label:58} p50 {row.p(0.5):8.2f} ms  p99 {row.p(0.99):8.2f} ms")
    return rows[0], rows[1], [b - a for a, b in zip(*times, strict=True)]


def check(output: bytes) -> None:
    if b"team: blue" not in output:
        raise SystemExit(f"unexpected output: {output[:300]!r}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Registry:
    lookup: Lookup
    spec: str
    pythonpath: tuple[str, ...]
    note: str


def find_registry(scratch: Path) -> Registry:
    lookup = load_lookup(DEFAULT_REGISTRY)
    if lookup is not None and lookup(IMAGE) is not None:
        return Registry(lookup, DEFAULT_REGISTRY, (), f"builtin {IMAGE} from {DEFAULT_REGISTRY}")
    (scratch / f"{FALLBACK_MODULE}.py").write_text(textwrap.dedent(FALLBACK_SOURCE))
    sys.path.insert(0, str(scratch))
    fallback = load_lookup(f"{FALLBACK_MODULE}:lookup")
    assert fallback is not None
    note = "NO builtin set-labels in the registry: using this file's stand-in function"
    return Registry(fallback, f"{FALLBACK_MODULE}:lookup", (str(scratch),), note)


async def start_runner(registry: Registry) -> tuple[asyncio.subprocess.Process, int]:
    port = free_port()
    path = [str(ROOT), str(ROOT / "services" / "fn-runner"), *registry.pythonpath]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(path)}
    argv = ["--listen", f"127.0.0.1:{port}", "--builtins", "thread", "--log-level", "WARNING"]
    argv += ["--builtin-registry", registry.spec, "--max-message-bytes", str(MAX_BYTES)]
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "porch_fnrunner", *argv, env=env
    )
    return proc, port


async def five_ways(
    registry: Registry, data: bytes, *, suffix: str, calls: int, cold_calls: int, port: int
) -> dict[str, Row]:
    function = registry.lookup(IMAGE)
    assert function is not None
    in_process = BuiltinEvaluator(registry.lookup, timeout=120, max_output_bytes=MAX_BYTES)
    backend = LocalBackend(
        max_message_bytes=MAX_BYTES,
        builtin_lookup=registry.lookup,
        registry=registry.spec,
        pythonpath=registry.pythonpath,
    )
    pool = PoolEvaluator(backend, timeout=120)

    async def direct() -> bytes:
        return invoke(function, data, image=IMAGE, max_output_bytes=MAX_BYTES).resource_list

    async def threaded() -> bytes:
        result = await in_process.evaluate(image=IMAGE, resource_list=data)
        assert result is not None
        return result.resource_list

    async def warm() -> bytes:
        result = await pool.evaluate(image=IMAGE, resource_list=data)
        assert result is not None
        return result.resource_list

    async def cold() -> bytes:
        worker = await LocalWorker.start(
            IMAGE, backend.spec_for(IMAGE), max_message_bytes=MAX_BYTES, start_timeout=60
        )
        try:
            return (await worker.evaluate(image=IMAGE, resource_list=data)).resource_list
        finally:
            await worker.stop()

    target = f"127.0.0.1:{port}"
    rows: dict[str, Row] = {}
    label = "invoke() in this thread"
    rows["A0"] = await measure("A0" + suffix, label, direct, calls=calls, warmup=3)
    async with FunctionRunnerClient(target, timeout=120, max_message_bytes=MAX_BYTES) as client:

        async def remote() -> bytes:
            return await client.run(IMAGE, data)

        rows["A"], rows["B"], differences = await measure_pair(
            ("A" + suffix, "BuiltinEvaluator in-process (thread), alternating with B", threaded),
            ("B" + suffix, "gRPC -> runner process (builtins thread)", remote),
            calls=calls,
        )
    rows["B-A"] = Row("B-A", "per-pair difference", differences, 0.0)
    try:
        label = "warm local pool (one worker process)"
        rows["C"] = await measure("C" + suffix, label, warm, calls=calls, warmup=3)
    finally:
        await pool.close()
    label = "cold start (new worker process per call)"
    rows["D"] = await measure("D" + suffix, label, cold, calls=cold_calls, warmup=1)
    return rows


def report(rows: dict[str, Row], *, title: str) -> None:
    print(f"\n{title}")
    print(f"  {'row':5} {'p50 ms':>9} {'p99 ms':>9} {'calls/s':>9}")
    for key, row in rows.items():
        if key != "B-A":
            print(f"  {key:5} {row.p(0.5):9.2f} {row.p(0.99):9.2f} {row.rate:9.1f}")
    overhead = rows["B-A"].p(0.5)
    speedup = rows["D"].p(0.5) / rows["C"].p(0.5)
    b_over_a = rows["B"].p(0.5) / rows["A"].p(0.5)
    c_over_a = rows["C"].p(0.5) / rows["A"].p(0.5)
    difference = rows["B"].p(0.5) - rows["A"].p(0.5)
    print(f"  B/A p50 ratio {b_over_a:.2f}x; difference of p50s {difference:+.2f} ms")
    print(f"  gRPC overhead: median of per-pair differences B-A {overhead:+.2f} ms")
    print(f"  D/C p50 ratio {speedup:.1f}x (cold start over warm reuse)")
    print(f"  C/A p50 ratio {c_over_a:.2f}x (worker round trip over in-process)")
    met = "MET" if overhead < TARGET_GRPC_OVERHEAD_MS else "MISSED"
    print(f"  target: gRPC overhead over in-process < {TARGET_GRPC_OVERHEAD_MS:g} ms p50: {met}")
    met = "MET" if speedup >= TARGET_REUSE_SPEEDUP else "MISSED"
    print(f"  target: warm pool >= {TARGET_REUSE_SPEEDUP:g}x faster than cold start (p50): {met}")


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--resources", type=int, default=100)
    parser.add_argument("--calls", type=int, default=30)
    parser.add_argument("--cold-calls", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-fnrunner-") as scratch:
        registry = find_registry(Path(scratch))
        print(f"function: {registry.note}")
        big, small = resource_list(args.resources), resource_list(1)
        print(f"input: {args.resources} resources, {len(big)} bytes; small: {len(small)} bytes")
        proc, port = await start_runner(registry)
        try:
            async with FunctionRunnerClient(f"127.0.0.1:{port}", timeout=60, retries=60) as probe:
                await probe.run(IMAGE, small)  # waits until the runner answers
            cold = args.cold_calls
            print(f"\n{args.resources} resources, {args.calls} calls per row ({cold} cold):")
            rows = await five_ways(
                registry, big, suffix="", calls=args.calls, cold_calls=cold, port=port
            )
            print(f"\n1 resource, {args.calls * 3} calls per row ({cold} cold):")
            small_rows = await five_ways(
                registry,
                small,
                suffix="/1",
                calls=args.calls * 3,
                cold_calls=args.cold_calls,
                port=port,
            )
        finally:
            proc.terminate()
            await proc.wait()
    report(rows, title=f"Summary, {args.resources} resources (the target workload):")
    report(
        small_rows,
        title="Summary, 1 resource (reuse and transport overhead without the function's cost):",
    )


if __name__ == "__main__":
    asyncio.run(main())
