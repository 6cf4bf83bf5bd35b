"""Discovery lag: from a plain ``git push`` to the PackageRevision being listed by the API.

Run: ``.venv/bin/python bench/discovery_lag.py [--fast-pushes 12] [--slow-pushes 6]``

Starts the whole local stack (``porch.local.stack.Stack``) in a temporary home, creates two
bare repositories on its Git daemon and registers them over HTTPS: ``fast`` with
``spec.sync.schedule: "@every 2s"`` and ``slow`` without ``spec.sync`` (git-sync's default,
10 s). Then, per repository, one push after another: commit package ``pN`` (a Kptfile made by
``kpt pkg init``'s rules) with the git CLI, push it to ``main`` and tag ``pN/v1``, and time
from the end of ``git push`` until ``GET .../packagerevisions`` lists revision 1 of ``pN``
in that repository (polled every 20 ms). A random pause of up to one poll interval before
each push keeps pushes out of step with the poll timer, so the lag samples the whole cycle.

Prints per repository the poll interval, p50/p99/max lag and their ratio to two poll
intervals (the target: p99 within 2 intervals). Never asserts timings.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import ssl
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp

from porch.kpt import pkginit
from porch.local.gitserver import ensure_bare_repository
from porch.local.stack import Stack, remembered_ports
from porch.security import tokens

NAMESPACE = "default"
PORCH = "/apis/porch.kpt.dev/v1alpha1"
CONFIG = "/apis/config.porch.kpt.dev/v1alpha1"
DEFAULT_INTERVAL_S = 10.0  # git-sync's --poll-interval default, which porch up keeps
LIST_POLL_S = 0.02

now = time.perf_counter


class Api:
    def __init__(self, base: str, *, ca: Path, token: str) -> None:
        self.base = base
        ctx = ssl.create_default_context(cafile=str(ca))
        self.session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(ssl=ctx, limit=2),
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
        )

    async def close(self) -> None:
        await self.session.close()

    async def call(self, method: str, path: str, body: Any = None) -> dict[str, Any]:
        data = None if body is None else json.dumps(body).encode()
        headers = {"Content-Type": "application/json"} if data is not None else {}
        async with self.session.request(
            method, self.base + path, data=data, headers=headers
        ) as resp:
            text = await resp.read()
            if resp.status >= 300:
                raise RuntimeError(f"{method} {path} -> {resp.status}: {text[:500]!r}")
            result: dict[str, Any] = json.loads(text)
            return result


async def register(api: Api, name: str, url: str, schedule: str, timeout: float = 60.0) -> None:
    spec: dict[str, Any] = {"type": "git", "git": {"repo": url, "branch": "main"}}
    if schedule:
        spec["sync"] = {"schedule": schedule}
    body = {
        "apiVersion": "config.porch.kpt.dev/v1alpha1",
        "kind": "Repository",
        "metadata": {"name": name, "namespace": NAMESPACE},
        "spec": spec,
    }
    await api.call("POST", f"{CONFIG}/namespaces/{NAMESPACE}/repositories", body)
    deadline = now() + timeout
    while now() < deadline:
        obj = await api.call("GET", f"{CONFIG}/namespaces/{NAMESPACE}/repositories/{name}")
        for cond in obj.get("status", {}).get("conditions", []):
            if cond.get("type") == "Ready" and cond.get("status") == "True":
                return
        await asyncio.sleep(0.05)
    raise RuntimeError(f"repository {name} did not become Ready")


async def listed(api: Api, repo: str, package: str) -> bool:
    items = (await api.call("GET", f"{PORCH}/namespaces/{NAMESPACE}/packagerevisions"))["items"]
    return any(
        item["spec"].get("repository") == repo
        and item["spec"].get("packageName") == package
        and item["spec"].get("revision") == 1
        for item in items
    )


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def clone(url: str, into: Path) -> Path:
    subprocess.run(["git", "clone", "-q", url, str(into)], check=True, capture_output=True)
    git("config", "user.name", "bench", cwd=into)
    git("config", "user.email", "bench@localhost", cwd=into)
    return into


def push_package(work: Path, package: str) -> None:
    """Commit package ``package`` on main, tag ``<package>/v1``, push both."""
    target = work / package
    target.mkdir()
    for path, data in pkginit.init_package(name=package).items():
        (target / path).write_bytes(data)
    git("add", "-A", cwd=work)
    git("commit", "-q", "-m", f"add {package}", cwd=work)
    git("tag", f"{package}/v1", cwd=work)
    git("push", "-q", "origin", "HEAD:refs/heads/main", f"refs/tags/{package}/v1", cwd=work)


async def measure(
    api: Api, work: Path, repo: str, *, pushes: int, interval: float, timeout: float
) -> list[float]:
    lags: list[float] = []
    for i in range(pushes):
        await asyncio.sleep(random.uniform(0, interval))
        package = f"{repo}-p{i:03d}"
        await asyncio.to_thread(push_package, work, package)
        pushed = now()
        deadline = pushed + timeout
        while not await listed(api, repo, package):
            if now() > deadline:
                raise RuntimeError(f"{package} was not listed within {timeout}s")
            await asyncio.sleep(LIST_POLL_S)
        lags.append(now() - pushed)
        print(f"  {repo:5} {package}: {lags[-1]:6.2f} s", flush=True)
    return lags


def pct(values: list[float], q: float) -> float:
    data = sorted(values)
    return data[min(len(data) - 1, int(q * len(data)))] if data else float("nan")


async def run(
    stack: Stack, home: Path, args: argparse.Namespace
) -> list[tuple[str, float, list[float]]]:
    users = tokens.load_tokens(home / "tokens.csv")
    token = next(t for t, u in users.items() if u.name == "admin")
    api = Api(stack.api_url, ca=home / "pki" / "ca.crt", token=token)
    assert stack.git is not None
    plan = [
        ("fast", "@every 2s", 2.0, args.fast_pushes),
        ("slow", "", DEFAULT_INTERVAL_S, args.slow_pushes),
    ]
    results = []
    try:
        for name, schedule, interval, pushes in plan:
            ensure_bare_repository(home / "git" / f"{name}.git")
            url = stack.git.url(name)
            await register(api, name, url, schedule)
            work = clone(url, home / f"work-{name}")
            print(f"{name}: schedule {schedule or '(none: default)'}, interval {interval:g} s")
            lags = await measure(
                api, work, name, pushes=pushes, interval=interval, timeout=args.timeout
            )
            results.append((name, interval, lags))
            stack.supervise()
    finally:
        await api.close()
    return results


def report(results: list[tuple[str, float, list[float]]]) -> None:
    print()
    print(
        f"  {'repo':6}{'interval':>9}{'n':>4}{'p50':>8}{'p99':>8}{'max':>8}"
        f"{'p50/2i':>8}{'p99/2i':>8}  target p99 <= 2 intervals"
    )
    for name, interval, lags in results:
        p50, p99, top = pct(lags, 0.5), pct(lags, 0.99), max(lags)
        two = 2 * interval
        verdict = "MET" if p99 <= two else "MISSED"
        print(
            f"  {name:6}{interval:>8g}s{len(lags):>4}{p50:>7.2f}s{p99:>7.2f}s{top:>7.2f}s"
            f"{p50 / two:>8.2f}{p99 / two:>8.2f}  {verdict}"
        )


def main() -> int:
    args = parse()
    random.seed(args.seed)
    home = Path(tempfile.mkdtemp(prefix="bench-discovery-"))
    stack = Stack(home=home, ports=remembered_ports(home), say=lambda s: print(f"[stack] {s}"))
    ok = False
    try:
        t0 = now()
        stack.start()
        print(
            f"stack up in {now() - t0:.1f} s (home {home}); cores={os.cpu_count()} "
            f"python={sys.version.split()[0]}"
        )
        report(asyncio.run(run(stack, home, args)))
        ok = True
    except BaseException:
        log = home / "logs" / "git-sync.log"
        if log.exists():
            tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:])
            print(f"--- git-sync.log (tail) ---\n{tail}", file=sys.stderr)
        raise
    finally:
        stack.stop()
        if ok and not args.keep:
            shutil.rmtree(home, ignore_errors=True)
        else:
            print(f"state kept in {home}")
    return 0


def parse() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--fast-pushes", type=int, default=12, help="pushes to the @every 2s repo")
    p.add_argument("--slow-pushes", type=int, default=6, help="pushes to the default (10 s) repo")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds to wait per push")
    p.add_argument("--seed", type=int, default=1, help="seed of the random pauses")
    p.add_argument("--keep", action="store_true", help="keep the temporary home (logs, state)")
    return p.parse_args()


if __name__ == "__main__":
    sys.exit(main())
