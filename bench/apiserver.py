"""The apiserver under many watchers: watch fan-out latency and get-by-name throughput.

Run: ``.venv/bin/python bench/apiserver.py [--watchers 1000] [--rounds 30] [--gets 5000]``

Starts the whole local stack (``porch.local.stack.Stack``) in a temporary home (git-sync
stopped: label edits need no Git), registers a repository and creates one package
revision, then opens ``--watchers`` concurrent watches (HTTPS, one connection each) on the
package revisions of one apiserver process, from ``--client-processes`` client processes
so that the clients' own event loops do not dominate the figures. Each round labels the
revision (a merge PATCH, as ``kubectl label`` sends) and every watcher notes when the
MODIFIED event carrying that round's label arrives:

  write->watcher  from sending the PATCH to each watcher receiving the event: the whole
                  write path (append, orchestrator fold, KV, mirror) plus the fan-out
  fan-out         from the first watcher receiving the event to each other one: what one
                  process holding all the watchers adds
  get             GET of the revision by name, requests/s with 8 concurrent clients, with
                  the watchers held and after they are closed

Prints medians and p99s and the ratio to the target (issue 7: fan-out p99 < 50 ms, here
applied to both latencies); never asserts. List timings of 10,000 revisions are in
``bench/scale.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import multiprocessing
import selectors
import shutil
import socket
import ssl
import statistics
import tempfile
import time
import urllib.parse
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

import aiohttp

from porch.local.stack import Stack, remembered_ports
from porch.security import tokens

PORCH = "/apis/porch.kpt.dev/v1alpha1/namespaces/default"
CONFIG = "/apis/config.porch.kpt.dev/v1alpha1/namespaces/default"
NAME = "bench.fanout.v1"
now = time.perf_counter


def _ssl(ca: str) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=ca)


# --- watcher processes ----------------------------------------------------------------------


async def _watch_all(base: str, ca: str, token: str, count: int, rv: str, pipe: Connection) -> None:
    """Hold ``count`` watches; report (round, wall-clock receipt time) per watcher."""
    headers = {"Authorization": f"Bearer {token}"}
    url = f"{base}{PORCH}/packagerevisions?watch=true&resourceVersion={rv}&timeoutSeconds=3600"
    connector = aiohttp.TCPConnector(ssl=_ssl(ca), limit=0)
    received: list[tuple[int, float]] = []
    opened = asyncio.Event()
    started = [0]

    async def one(session: aiohttp.ClientSession) -> None:
        async with session.get(url, timeout=aiohttp.ClientTimeout(total=None)) as resp:
            started[0] += 1
            if started[0] == count:
                opened.set()
            async for line in resp.content:
                # A marker search, not a JSON parse: the client must stay cheap per event.
                at = line.find(b'"bench-round":"')
                if at >= 0:
                    end = line.index(b'"', at + 15)
                    received.append((int(line[at + 15 : end]), time.time()))

    async with aiohttp.ClientSession(connector=connector, headers=headers) as session:
        tasks = [asyncio.create_task(one(session)) for _ in range(count)]
        await asyncio.wait_for(opened.wait(), 300)
        pipe.send("open")
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, pipe.recv)  # "stop"
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    pipe.send(received)


def _raw_watch_all(base: str, ca: str, token: str, count: int, rv: str, pipe: Connection) -> None:
    """The same watches from non-blocking TLS sockets and one selector loop: per event the
    client only decrypts and searches bytes, so the spread it notes is mostly the server's
    (the aiohttp client parses each chunk and wakes a task per watcher)."""
    url = urllib.parse.urlsplit(base)
    host, port = url.hostname or "127.0.0.1", url.port or 443
    path = f"{PORCH}/packagerevisions?watch=true&resourceVersion={rv}&timeoutSeconds=3600"
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAuthorization: Bearer {token}\r\n"
        "Accept: application/json\r\n\r\n"
    ).encode()
    context = _ssl(ca)
    selector = selectors.DefaultSelector()
    socks: list[ssl.SSLSocket] = []
    for _ in range(count):
        sock = context.wrap_socket(socket.create_connection((host, port)), server_hostname=host)
        sock.sendall(request)
        head = b""
        while b"\r\n\r\n" not in head:
            head += sock.recv(65536)
        assert b" 200 " in head.split(b"\r\n", 1)[0], head
        sock.setblocking(False)
        selector.register(sock, selectors.EVENT_READ, [head.split(b"\r\n\r\n", 1)[1]])
        socks.append(sock)
    pipe.send("open")
    # A collection pausing this process mid-round would show as server spread.
    gc.disable()
    received: list[tuple[int, float]] = []
    marker = b'"bench-round":"'
    while not pipe.poll():
        for key, _ in selector.select(timeout=0.05):
            conn, state = key.fileobj, key.data
            assert isinstance(conn, ssl.SSLSocket)
            try:
                data = conn.recv(262144)
                while conn.pending():
                    data += conn.recv(262144)
            except ssl.SSLWantReadError:
                continue
            at = time.time()
            buf, done = state[0] + data, 0
            while (found := buf.find(marker, done)) >= 0:
                end = buf.find(b'"', found + len(marker))
                if end < 0:
                    break
                received.append((int(buf[found + len(marker) : end]), at))
                done = end
            # Keep what may hold a marker split across reads, never a counted one again.
            state[0] = buf[max(done, len(buf) - 64) :]
    pipe.recv()  # "stop"
    for sock in socks:
        sock.close()
    pipe.send(received)


def _watcher_process(
    base: str, ca: str, token: str, count: int, rv: str, pipe: Connection, client: str
) -> None:
    if client == "raw":
        _raw_watch_all(base, ca, token, count, rv, pipe)
    else:
        asyncio.run(_watch_all(base, ca, token, count, rv, pipe))


# --- the driver -----------------------------------------------------------------------------


class Api:
    def __init__(self, base: str, ca: str, token: str) -> None:
        self.base = base
        self.session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(ssl=_ssl(ca), limit=16),
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
        )

    async def call(
        self, method: str, path: str, body: Any = None, content_type: str = "application/json"
    ) -> tuple[int, Any]:
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": content_type}
        async with self.session.request(
            method, self.base + path, data=data, headers=headers
        ) as resp:
            return resp.status, json.loads(await resp.read() or b"{}")


async def prepare(api: Api, repo_url: str) -> str:
    repo = {
        "apiVersion": "config.porch.kpt.dev/v1alpha1",
        "kind": "Repository",
        "metadata": {"name": "bench", "namespace": "default"},
        "spec": {"type": "git", "git": {"repo": repo_url, "branch": "main"}},
    }
    status, body = await api.call("POST", f"{CONFIG}/repositories", repo)
    assert status == 201, body
    revision = {
        "apiVersion": "porch.kpt.dev/v1alpha1",
        "kind": "PackageRevision",
        "metadata": {"namespace": "default"},
        "spec": {"packageName": "fanout", "repository": "bench", "workspaceName": "v1"},
    }
    status, body = await api.call("POST", f"{PORCH}/packagerevisions", revision)
    assert status == 201, body
    status, body = await api.call("GET", f"{PORCH}/packagerevisions")
    return str(body["metadata"]["resourceVersion"])


async def get_rate(api: Api, total: int, clients: int = 8) -> float:
    left = [total]

    async def client() -> None:
        while left[0] > 0:
            left[0] -= 1
            status, _ = await api.call("GET", f"{PORCH}/packagerevisions/{NAME}")
            assert status == 200

    t0 = now()
    await asyncio.gather(*(client() for _ in range(clients)))
    return total / (now() - t0)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def line(label: str, values: list[float], target: float) -> str:
    p50, p99 = statistics.median(values) * 1000, pct(values, 0.99) * 1000
    verdict = "met" if p99 < target else "MISSED"
    return (
        f"{label:<16} p50 {p50:8.1f} ms   p99 {p99:8.1f} ms   "
        f"{p99 / target:5.2f}x of {target:.0f} ms target ({verdict})"
    )


async def run(home: Path, args: argparse.Namespace) -> None:
    stack = Stack(home=home, ports=remembered_ports(home), say=lambda _line: None)
    stack.start()
    pipes: list[Connection] = []
    procs: list[BaseProcess] = []
    try:
        for child in stack.children:
            if child.name == "git-sync":
                child.stop()
        users = tokens.load_tokens(home / "tokens.csv").items()
        token = next(t for t, u in users if u.name == "admin")
        ca = str(home / "pki" / "ca.crt")
        api = Api(stack.api_url, ca, token)
        try:
            rv = await prepare(api, stack.repo_url)
            print(f"get, no watchers: {await get_rate(api, args.gets):8.0f} requests/s")
            share = [args.watchers // args.client_processes] * args.client_processes
            share[0] += args.watchers - sum(share)
            context = multiprocessing.get_context("spawn")
            t0 = now()
            for count in share:
                mine, theirs = context.Pipe()
                proc = context.Process(
                    target=_watcher_process,
                    args=(stack.api_url, ca, token, count, rv, theirs, args.client),
                )
                proc.start()
                pipes.append(mine)
                procs.append(proc)
            for pipe in pipes:
                assert await asyncio.to_thread(pipe.recv) == "open"
            print(f"{args.watchers} watchers open in {now() - t0:.1f} s")
            sent: dict[int, float] = {}
            for i in range(args.rounds):
                patch = {"metadata": {"labels": {"bench-round": str(i)}}}
                sent[i] = time.time()
                status, body = await api.call(
                    "PATCH",
                    f"{PORCH}/packagerevisions/{NAME}",
                    patch,
                    "application/merge-patch+json",
                )
                assert status == 200, body
                await asyncio.sleep(args.pause)
            held = await get_rate(api, args.gets)
            print(f"get, {args.watchers} watchers held: {held:8.0f} requests/s")
            for pipe in pipes:
                pipe.send("stop")
            got: list[tuple[int, float]] = []
            for pipe in pipes:
                got.extend(await asyncio.to_thread(pipe.recv))
        finally:
            await api.session.close()
        by_round: dict[int, list[float]] = {}
        for round_, at in got:
            by_round.setdefault(round_, []).append(at)
        end_to_end = [at - sent[r] for r, ats in by_round.items() for at in ats]
        spread = [at - min(ats) for ats in by_round.values() for at in ats]
        complete = sum(1 for ats in by_round.values() if len(ats) == args.watchers)
        print(f"rounds with every watcher served: {complete}/{args.rounds}")
        print(line("write->watcher", end_to_end, args.target_ms))
        print(line("fan-out", spread, args.target_ms))
    finally:
        for worker in procs:
            worker.join(timeout=10)
            if worker.is_alive():
                worker.terminate()
        stack.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--watchers", type=int, default=1000)
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--pause", type=float, default=0.3, help="seconds between writes")
    parser.add_argument("--gets", type=int, default=5000)
    parser.add_argument("--target-ms", type=float, default=50.0)
    parser.add_argument(
        "--client",
        choices=("aiohttp", "raw"),
        default="aiohttp",
        help="watch client: aiohttp (a task per watch) or raw TLS sockets (cheaper per event)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary home")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="porch-bench-apiserver-"))
    try:
        asyncio.run(run(home, args))
    finally:
        if args.keep:
            print(f"home kept: {home}")
        else:
            shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
