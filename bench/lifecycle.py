"""End-to-end package lifecycle through the whole local stack, against a bare ``git push``.

Run: ``.venv/bin/python bench/lifecycle.py [--packages 200] [--poll local|ls-remote]``

Starts NATS, the Git daemon and the four services with ``porch.local.stack.Stack`` in a
temporary home, registers a Repository for the local Git server through the HTTPS API
(bearer token from ``$home/tokens.csv``, CA ``$home/pki/ca.crt``), waits for it to be Ready,
then, one package at a time:

    POST PackageRevision (init task)            -> "create"
    PATCH merge {"spec":{"lifecycle":"Proposed"}} -> "propose"
    PUT .../approval with lifecycle Published    -> "approve"
    wait until tag <pkg>/v1 exists on the Git server

Meanwhile a core NATS subscription on ``porch.ev.>`` and ``porch.sync.>`` timestamps each
event and work item as it is stored (same clock), which splits every step into the part
before the append and the part after it (projection + mirror), and the Git leg into the
orchestrator (approved event -> work item), git-sync (work item -> tag) and the fact
(tag -> RevisionSynced).

Baselines, measured afterwards against the same daemon and repository (same tag count):
  G1  git CLI: ``git push`` of one new commit + tag (commit made locally beforehand)
  G2  git CLI: commit + tag + push
  G3  ``porch.git.publishing.publish_revision`` called directly (what git-sync runs)
  G4  git CLI: ``git ls-remote`` once (the cost of one poll in --poll ls-remote mode)

Tag detection: ``--poll local`` (default) checks the daemon's bare repository refs every
2 ms, which costs nothing the stack would notice; ``--poll ls-remote`` runs ``git ls-remote``
in a loop (each call spawns git plus an upload-pack in the daemon, so it competes with the
stack for the 2 cores and its resolution is one ls-remote). Either way one ``git ls-remote``
at the end confirms that the daemon advertises every tag. Prints figures and ratios; never
asserts timings.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import nats

from porch.domain import syncwork
from porch.eventlog import records, subjects
from porch.git import publishing
from porch.kpt import pkginit
from porch.local.stack import LOCAL_REPO, Stack, remembered_ports
from porch.security import tokens

TARGET_E2E_P50_MS = 300.0
NAMESPACE = "default"
WORKSPACE = "ws1"
PORCH = "/apis/porch.kpt.dev/v1alpha1"
CONFIG = "/apis/config.porch.kpt.dev/v1alpha1"
TAG_POLL_S = 0.002

now = time.perf_counter


# --- timelines ----------------------------------------------------------------------------


@dataclass
class Timeline:
    package: str
    marks: dict[str, float] = field(default_factory=dict)

    def span(self, a: str, b: str) -> float | None:
        if a in self.marks and b in self.marks:
            return (self.marks[b] - self.marks[a]) * 1000.0
        return None


class Observer:
    """Timestamps events and work items as NATS delivers them (core subscriptions)."""

    EVENT_MARKS = {
        "RevisionCreated.v1": "ev_created",
        "RevisionProposed.v1": "ev_proposed",
        "RevisionApproved.v1": "ev_approved",
        "RevisionSynced.v1": "ev_synced",
        "RevisionSyncFailed.v1": "ev_sync_failed",
    }

    def __init__(self, timelines: dict[str, Timeline]) -> None:
        self.timelines = timelines
        self.repo_events: list[tuple[float, str]] = []

    async def start(self, url: str) -> None:
        self.nc = await nats.connect(url, name="bench-lifecycle-observer")
        await self.nc.subscribe(f"{subjects.EVENTS_PREFIX}.>", cb=self._event)
        await self.nc.subscribe(f"{subjects.SYNC_PREFIX}.>", cb=self._work)

    async def stop(self) -> None:
        await self.nc.close()

    def _mark(self, package: str, key: str, t: float) -> None:
        tl = self.timelines.get(package)
        if tl is not None:
            tl.marks.setdefault(key, t)

    async def _event(self, msg: Any) -> None:
        t = now()
        where = subjects.parse(msg.subject)
        kind = (msg.headers or {}).get(records.EVENT_TYPE, "")
        if where is None:
            return
        if where.is_repository:
            self.repo_events.append((t, kind))
            return
        key = self.EVENT_MARKS.get(kind)
        if key:
            self._mark(where.package, key, t)

    async def _work(self, msg: Any) -> None:
        t = now()
        try:
            work = syncwork.decode(msg.data)
        except Exception:  # not ours to judge here
            return
        if isinstance(work, syncwork.PublishRevision):
            self._mark(work.package, "work", t)


# --- tag detection ------------------------------------------------------------------------


def local_tags(bare: Path) -> set[str]:
    """Tag refs in the daemon's bare repository (loose and packed)."""
    found: set[str] = set()
    base = bare / "refs" / "tags"
    if base.is_dir():
        for root, _dirs, files in os.walk(base):
            for name in files:
                found.add(str(Path(root, name).relative_to(bare)))
    packed = bare / "packed-refs"
    if packed.exists():
        for line in packed.read_text().splitlines():
            parts = line.split(" ", 1)
            if len(parts) == 2 and parts[1].startswith("refs/tags/"):
                found.add(parts[1])
    return found


async def ls_remote_tags(url: str) -> set[str]:
    proc = await asyncio.create_subprocess_exec(
        "git",
        "ls-remote",
        "--tags",
        url,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    out, _ = await proc.communicate()
    return {line.split("\t", 1)[1] for line in out.decode().splitlines() if "\t" in line}


class TagWatcher:
    """Records when each awaited tag first shows up on the server."""

    def __init__(self, mode: str, *, bare: Path, url: str) -> None:
        self.mode, self.bare, self.url = mode, bare, url
        self.waiting: dict[str, tuple[Timeline, asyncio.Event]] = {}
        self.polls = 0

    def expect(self, ref: str, tl: Timeline) -> asyncio.Event:
        done = asyncio.Event()
        self.waiting[ref] = (tl, done)
        return done

    async def run(self) -> None:
        while True:
            if not self.waiting:
                await asyncio.sleep(TAG_POLL_S)
                continue
            if self.mode == "local":
                tags = local_tags(self.bare)
            else:
                tags = await ls_remote_tags(self.url)
            self.polls += 1
            t = now()
            for ref in [r for r in self.waiting if r in tags]:
                tl, done = self.waiting.pop(ref)
                tl.marks.setdefault("tag", t)
                done.set()
            if self.mode == "local":
                await asyncio.sleep(TAG_POLL_S)


# --- the API client -----------------------------------------------------------------------


class Api:
    def __init__(self, base: str, *, ca: Path, token: str) -> None:
        self.base = base
        ctx = ssl.create_default_context(cafile=str(ca))
        self.session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(ssl=ctx, limit=4),
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
        )

    async def close(self) -> None:
        await self.session.close()

    async def call(
        self, method: str, path: str, body: Any = None, *, content_type: str = "application/json"
    ) -> dict[str, Any]:
        data = None if body is None else json.dumps(body).encode()
        headers = {"Content-Type": content_type} if data is not None else {}
        async with self.session.request(
            method, self.base + path, data=data, headers=headers
        ) as resp:
            text = await resp.read()
            if resp.status >= 300:
                raise RuntimeError(f"{method} {path} -> {resp.status}: {text[:500]!r}")
            return json.loads(text)


async def register_repository(api: Api, url: str, timeout: float = 60.0) -> float:
    body = {
        "apiVersion": "config.porch.kpt.dev/v1alpha1",
        "kind": "Repository",
        "metadata": {"name": LOCAL_REPO, "namespace": NAMESPACE},
        "spec": {"type": "git", "git": {"repo": url, "branch": "main"}},
    }
    t0 = now()
    await api.call("POST", f"{CONFIG}/namespaces/{NAMESPACE}/repositories", body)
    deadline = t0 + timeout
    while now() < deadline:
        obj = await api.call("GET", f"{CONFIG}/namespaces/{NAMESPACE}/repositories/{LOCAL_REPO}")
        for cond in obj.get("status", {}).get("conditions", []):
            if cond.get("type") == "Ready":
                if cond.get("status") == "True":
                    return (now() - t0) * 1000.0
                if cond.get("status") == "False":
                    raise RuntimeError(f"repository not ready: {cond}")
        await asyncio.sleep(0.02)
    raise RuntimeError("repository did not become Ready")


async def lifecycle(api: Api, watcher: TagWatcher, tl: Timeline, timeout: float) -> None:
    pkg = tl.package
    coll = f"{PORCH}/namespaces/{NAMESPACE}/packagerevisions"
    body = {
        "apiVersion": "porch.kpt.dev/v1alpha1",
        "kind": "PackageRevision",
        "metadata": {"namespace": NAMESPACE},
        "spec": {
            "packageName": pkg,
            "repository": LOCAL_REPO,
            "workspaceName": WORKSPACE,
            "lifecycle": "Draft",
            "tasks": [{"type": "init", "init": {"description": f"{pkg} for the benchmark"}}],
        },
    }
    tag_seen = watcher.expect(f"refs/tags/{pkg}/v1", tl)
    m = tl.marks
    m["post0"] = now()
    created = await api.call("POST", coll, body)
    m["post1"] = now()
    name = created["metadata"]["name"]
    m["patch0"] = now()
    proposed = await api.call(
        "PATCH",
        f"{coll}/{name}",
        {"spec": {"lifecycle": "Proposed"}},
        content_type="application/merge-patch+json",
    )
    m["patch1"] = now()
    proposed["spec"]["lifecycle"] = "Published"
    m["put0"] = now()
    await api.call("PUT", f"{coll}/{name}/approval", proposed)
    m["put1"] = now()
    try:
        await asyncio.wait_for(tag_seen.wait(), timeout)
    except TimeoutError:
        raise RuntimeError(f"tag {pkg}/v1 did not appear within {timeout}s") from None


# --- baselines (synchronous, run after the porch phase) ------------------------------------


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def git_cli_baseline(url: str, work: Path, count: int) -> tuple[list[float], list[float]]:
    """(push only, commit+tag+push) latencies in ms for ``count`` sequential pushes."""
    clone = work / "clone"
    subprocess.run(["git", "clone", "-q", url, str(clone)], check=True, capture_output=True)
    git("config", "user.name", "bench", cwd=clone)
    git("config", "user.email", "bench@localhost", cwd=clone)
    push_only, full = [], []
    files = pkginit.init_package(name="cli")
    for i in range(count + 1):  # the first round is a warm-up
        t0 = now()
        d = clone / f"cli-{i:04d}"
        d.mkdir()
        for path, data in files.items():
            (d / path).write_bytes(data)
        git("add", "-A", cwd=clone)
        git("commit", "-q", "-m", f"cli-{i}", cwd=clone)
        git("tag", f"cli-{i:04d}/v1", cwd=clone)
        t1 = now()
        git("push", "-q", "origin", "HEAD:refs/heads/main", f"refs/tags/cli-{i:04d}/v1", cwd=clone)
        t2 = now()
        if i:
            push_only.append((t2 - t1) * 1000.0)
            full.append((t2 - t0) * 1000.0)
    return push_only, full


def direct_publish_baseline(url: str, work: Path, count: int) -> list[float]:
    files = pkginit.init_package(name="direct", description="direct publish")
    cache = work / "direct-cache"
    out = []
    for i in range(count + 1):
        request = publishing.PublishRequest(
            url=url,
            branch="main",
            directory="",
            package=f"direct-{i:04d}",
            revision=1,
            workspace=WORKSPACE,
            files=files,
            author_name="bench",
            author_email="bench@localhost",
            event_id=str(uuid.uuid4()),
        )
        t0 = now()
        publishing.publish_revision(request, cache_dir=cache)
        if i:
            out.append((now() - t0) * 1000.0)
    return out


def ls_remote_baseline(url: str, count: int) -> list[float]:
    out = []
    for _ in range(count):
        t0 = now()
        subprocess.run(["git", "ls-remote", "--tags", url], check=True, capture_output=True)
        out.append((now() - t0) * 1000.0)
    return out


# --- report -------------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    data = sorted(values)
    if not data:
        return float("nan")
    return data[min(len(data) - 1, int(q * len(data)))]


def row(label: str, values: list[float]) -> str:
    if not values:
        return f"  {label:58}{'(none)':>8}"
    return (
        f"  {label:58}{len(values):>5}{pct(values, 0.5):>9.1f}{pct(values, 0.99):>9.1f}"
        f"{statistics.fmean(values):>9.1f}"
    )


def spans(tls: list[Timeline], a: str, b: str) -> list[float]:
    return [s for tl in tls if (s := tl.span(a, b)) is not None]


def log_tail(home: Path, name: str, lines: int = 30) -> str:
    path = home / "logs" / f"{name}.log"
    if not path.exists():
        return ""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


async def porch_phase(
    stack: Stack, args: argparse.Namespace, timelines: list[Timeline]
) -> dict[str, Any]:
    home = stack.home
    users = tokens.load_tokens(home / "tokens.csv")
    token = next(t for t, u in users.items() if u.name == "admin")
    api = Api(stack.api_url, ca=home / "pki" / "ca.crt", token=token)
    by_pkg = {tl.package: tl for tl in timelines}
    observer = Observer(by_pkg)
    assert stack.nats is not None
    await observer.start(stack.nats.url)
    watcher = TagWatcher(args.poll, bare=home / "git" / f"{LOCAL_REPO}.git", url=stack.repo_url)
    poller = asyncio.create_task(watcher.run())
    info: dict[str, Any] = {}
    try:
        info["ready_ms"] = await register_repository(api, stack.repo_url)
        t0 = now()
        for i, tl in enumerate(timelines):
            await lifecycle(api, watcher, tl, args.tag_timeout)
            if i % 20 == 19:
                stack.supervise()  # surfaces (and restarts) a crashed service
        info["total_s"] = now() - t0
        await asyncio.sleep(0.5)  # let the last RevisionSynced arrive
        advertised = await ls_remote_tags(stack.repo_url)
        want = {f"refs/tags/{tl.package}/v1" for tl in timelines}
        info["advertised"] = len(want & advertised)
        info["polls"] = watcher.polls
    finally:
        poller.cancel()
        await observer.stop()
        await api.close()
    return info


def report(
    args: argparse.Namespace,
    info: dict[str, Any],
    tls: list[Timeline],
    base: dict[str, list[float]],
    startup_s: float,
) -> None:
    n = len(tls)
    head = f"  {'step (ms)':58}{'n':>5}{'p50':>9}{'p99':>9}{'mean':>9}"
    print(
        f"\nstack start {startup_s:.1f} s; repository Ready after {info['ready_ms']:.0f} ms; "
        f"tag detection: {args.poll} ({info['polls']} polls)"
    )
    print(
        f"{n} packages, sequential: {info['total_s']:.1f} s total, "
        f"{n / info['total_s']:.1f} packages/s; daemon advertises "
        f"{info['advertised']}/{n} tags at the end\n"
    )
    print(head)
    print("  " + "-" * (len(head) - 2))
    e2e = spans(tls, "post0", "tag")
    for label, a, b in [
        ("create    POST -> 201", "post0", "post1"),
        ("  POST sent -> RevisionCreated stored", "post0", "ev_created"),
        ("  RevisionCreated stored -> 201 (projection+mirror)", "ev_created", "post1"),
        ("propose   PATCH -> 200", "patch0", "patch1"),
        ("  PATCH sent -> RevisionProposed stored", "patch0", "ev_proposed"),
        ("  RevisionProposed stored -> 200", "ev_proposed", "patch1"),
        ("approve   PUT approval -> 200", "put0", "put1"),
        ("  PUT sent -> RevisionApproved stored", "put0", "ev_approved"),
        ("  RevisionApproved stored -> 200", "ev_approved", "put1"),
        ("git leg   RevisionApproved -> sync work (orchestrator)", "ev_approved", "work"),
        ("          sync work -> tag on server (git-sync)", "work", "tag"),
        ("          tag -> RevisionSynced stored", "tag", "ev_synced"),
        ("          approve 200 -> tag", "put1", "tag"),
        ("          PUT approval sent -> tag", "put0", "tag"),
    ]:
        print(row(label, spans(tls, a, b)))
    print(row("END TO END  POST -> tag <pkg>/v1 on the server", e2e))
    if args.poll == "ls-remote":
        print(
            "  (ls-remote polling: a tag is stamped when the ls-remote that first lists it"
            " returns,\n   an upper bound off by up to one ls-remote (G4); tag -> RevisionSynced"
            " may go negative)"
        )
    decile = max(1, n // 10)
    print(row(f"  first {decile} packages", e2e[:decile]))
    print(row(f"  last {decile} packages", e2e[-decile:]))
    print("\nBaselines (same Git daemon and repository, after the porch phase):")
    print(head)
    print("  " + "-" * (len(head) - 2))
    labels = {
        "G1": "G1 git CLI: push 1 commit + tag (baseline)",
        "G2": "G2 git CLI: commit + tag + push",
        "G3": "G3 publishing.publish_revision() direct (pygit2)",
        "G4": "G4 git ls-remote --tags (one poll)",
    }
    for key, label in labels.items():
        print(row(label, base[key]))
    g1 = pct(base["G1"], 0.5)
    print("\nRatios against G1 (git CLI push, p50):")
    for label, values in [
        ("end to end POST -> tag", e2e),
        ("PUT approval sent -> tag", spans(tls, "put0", "tag")),
        ("git-sync leg: sync work -> tag", spans(tls, "work", "tag")),
        ("G3 publish_revision() direct", base["G3"]),
    ]:
        print(f"  {label:40} {pct(values, 0.5):8.1f} ms = x{pct(values, 0.5) / g1:.2f} G1")
    p50 = pct(e2e, 0.5)
    print(
        f"\nTarget: create->propose->approve->tag p50 < {TARGET_E2E_P50_MS:.0f} ms: "
        f"{p50:.1f} ms -> {'MET' if p50 < TARGET_E2E_P50_MS else 'MISSED'}"
    )


def main() -> int:
    args = parse()
    home = Path(tempfile.mkdtemp(prefix="bench-lifecycle-"))
    stack = Stack(home=home, ports=remembered_ports(home), say=lambda s: print(f"[stack] {s}"))
    timelines = [Timeline(f"bench-{i:04d}") for i in range(args.packages)]
    base: dict[str, list[float]] = {}
    ok = False
    try:
        t0 = now()
        stack.start()
        startup = now() - t0
        print(
            f"stack up in {startup:.1f} s: api {stack.api_url}, git {stack.repo_url}, "
            f"home {home}; cores={os.cpu_count()} python={sys.version.split()[0]}"
        )
        info = asyncio.run(porch_phase(stack, args, timelines))
        work = home / "bench-baseline"
        work.mkdir()
        base["G1"], base["G2"] = git_cli_baseline(stack.repo_url, work, args.baseline_pushes)
        base["G3"] = direct_publish_baseline(stack.repo_url, work, args.baseline_pushes)
        base["G4"] = ls_remote_baseline(stack.repo_url, args.baseline_pushes)
        report(args, info, timelines, base, startup)
        ok = True
    except BaseException:
        for name in ("apiserver", "orchestrator", "git-sync"):
            print(f"--- {name}.log (tail) ---\n{log_tail(home, name)}", file=sys.stderr)
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
    p.add_argument("--packages", type=int, default=200, help="packages to publish (default 200)")
    p.add_argument(
        "--poll",
        choices=["local", "ls-remote"],
        default="local",
        help="how to see the tag appear (default: local refs of the daemon's repo)",
    )
    p.add_argument(
        "--baseline-pushes",
        type=int,
        default=30,
        help="sequential pushes per Git baseline (default 30)",
    )
    p.add_argument("--tag-timeout", type=float, default=60.0, help="seconds to wait per tag")
    p.add_argument("--keep", action="store_true", help="keep the temporary home (logs, state)")
    return p.parse_args()


if __name__ == "__main__":
    sys.exit(main())
