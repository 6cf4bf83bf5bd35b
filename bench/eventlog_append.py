"""Event-log append throughput and latency against a private nats-server.

Run: ``.venv/bin/python bench/eventlog_append.py [--events N] [--writers W] [--others K]``

Starts its own ``NatsServer`` (JetStream, file storage) in a temporary directory, creates
the streams with ``streams.ensure_all`` and measures, in one run and one process:

  A1  baseline: plain ``js.publish`` (no headers) to one subject, sequential
  A2  plain publish + ``Nats-Msg-Id`` only (what deduplication costs)
  A3  plain publish + expected-last-subject-sequence on the exact subject (OCC, no wildcard)
  B   ``appending.append`` (OCC on the package wildcard boundary + msg id), single writer,
      sequential on one aggregate, expected = previous sequence
  B2  as B, after the stream holds K other packages (does the wildcard check scale?)
  A16 baseline for C: plain ``js.publish``, W concurrent writers, one subject each
  C   ``appending.append``, W concurrent writers, each on its own package
  D   W writers contending on ONE package (each its own workspace subject, one boundary):
      read the boundary's last sequence, append, on ``Conflict`` read again and retry

Prints a table (p50/p99 per append in ms, appends/s, client and server CPU per append) and
ratios against the named baseline measured in the same run. Never asserts timings.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import nats
from nats.js import JetStreamContext

from porch.domain import events as ev
from porch.domain.common import Actor
from porch.errors import Conflict
from porch.eventlog import appending, records, streams, subjects
from porch.local.natsserver import NatsServer

TARGET_P50_MS = 0.5
TARGET_CONCURRENT_RATE = 5000.0
NS, REPO = "bench", "repo"
CLK_TCK = os.sysconf("SC_CLK_TCK")


def payload(workspace: str) -> bytes:
    """A realistic event body (~300 bytes): a RevisionProposed as the apiserver writes it."""
    command = str(uuid.uuid4())
    event = ev.RevisionProposed(
        id=str(uuid.uuid5(uuid.NAMESPACE_URL, command)),
        time="2025-01-01T00:00:00Z",
        actor=Actor(user="admin", groups=("system:masters", "system:authenticated")),
        command_id=command,
        workspace=workspace,
    )
    return ev.encode(event)


def proc_cpu(pid: int) -> float:
    """User+system CPU seconds of process ``pid`` (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


@dataclass
class Result:
    key: str
    label: str
    latencies: list[float]  # seconds, one per successful append
    elapsed: float
    client_cpu: float
    server_cpu: float
    notes: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.count / self.elapsed if self.elapsed else 0.0

    def pct(self, q: float) -> float:
        data = sorted(self.latencies)
        if not data:
            return float("nan")
        return data[min(len(data) - 1, int(q * len(data)))] * 1000.0


class Meter:
    """Wall time plus client and nats-server CPU over one phase."""

    def __init__(self, server_pid: int) -> None:
        self.server_pid = server_pid

    def __enter__(self) -> Meter:
        self.t0 = time.perf_counter()
        self.c0 = time.process_time()
        self.s0 = proc_cpu(self.server_pid)
        return self

    def __exit__(self, *_: object) -> None:
        self.elapsed = time.perf_counter() - self.t0
        self.client = time.process_time() - self.c0
        self.server = proc_cpu(self.server_pid) - self.s0


Op = Callable[[], Awaitable[None]]


async def timed_loop(op: Op, n: int, out: list[float]) -> None:
    for _ in range(n):
        t = time.perf_counter()
        await op()
        out.append(time.perf_counter() - t)


async def run_phase(
    key: str, label: str, pid: int, ops: list[Op], per_writer: int, warmup: int
) -> Result:
    for op in ops:  # warm-up: connections, inboxes, stream subject index
        for _ in range(warmup):
            await op()
    lat: list[float] = []
    with Meter(pid) as m:
        await asyncio.gather(*(timed_loop(op, per_writer, lat) for op in ops))
    return Result(key, label, lat, m.elapsed, m.client, m.server)


# --- the operations -----------------------------------------------------------------------


def plain_publish(js: JetStreamContext, subject: str, headers: str = "") -> Op:
    state = {"seq": 0}
    data = payload("ws")

    async def op() -> None:
        h: dict[str, str] | None = None
        if headers == "msgid":
            h = {records.MSG_ID: str(uuid.uuid4())}
        elif headers == "occ":
            h = {records.EXPECTED_SUBJECT_SEQ: str(state["seq"])}
        ack = await js.publish(subject, data, headers=h)
        state["seq"] = int(ack.seq)

    return op


def sequential_append(js: JetStreamContext, package: str, workspace: str) -> Op:
    """appending.append on one aggregate; expected = the sequence of our previous append."""
    subject = subjects.revision(NS, REPO, package, workspace)
    boundary = subjects.package_wildcard(NS, REPO, package)
    state = {"seq": 0}
    data = payload(workspace)

    async def op() -> None:
        item = appending.Append(
            subject=subject,
            data=data,
            event_type="RevisionProposed.v1",
            msg_id=str(uuid.uuid4()),
            expected=state["seq"],
            boundary=boundary,
        )
        state["seq"] = await appending.append(js, item)

    return op


def contending_append(js: JetStreamContext, package: str, workspace: str, stats: dict) -> Op:
    """Read the boundary's last sequence, append; on Conflict read again and retry."""
    subject = subjects.revision(NS, REPO, package, workspace)
    boundary = subjects.package_wildcard(NS, REPO, package)
    data = payload(workspace)

    async def op() -> None:
        msg_id = str(uuid.uuid4())
        lost = 0
        while True:
            expected = await appending.last_sequence(js, boundary)
            item = appending.Append(
                subject=subject,
                data=data,
                event_type="RevisionProposed.v1",
                msg_id=msg_id,
                expected=expected,
                boundary=boundary,
            )
            stats["attempts"] += 1
            try:
                await appending.append(js, item)
                stats["per_append"].append(lost)
                return
            except Conflict:
                stats["conflicts"] += 1
                lost += 1

    return op


async def load_others(js: JetStreamContext, count: int) -> float:
    """Put one event on each of ``count`` other packages (pipelined plain publishes)."""
    t = time.perf_counter()
    data = payload("ws")
    batch = 256
    for start in range(0, count, batch):
        await asyncio.gather(
            *(
                js.publish(subjects.revision(NS, "other", f"pkg-{i}", "ws"), data)
                for i in range(start, min(count, start + batch))
            )
        )
    return time.perf_counter() - t


# --- report -------------------------------------------------------------------------------


def table(results: list[Result]) -> str:
    head = (
        f"{'':4}{'phase':62}{'n':>7}{'p50 ms':>9}{'p99 ms':>9}{'ops/s':>9}"
        f"{'cli CPU':>9}{'srv CPU':>9}"
    )
    lines = [head, " " * 4 + "-" * (len(head) - 4)]
    for r in results:
        cli = r.client_cpu / r.count * 1e6 if r.count else 0
        srv = r.server_cpu / r.count * 1e6 if r.count else 0
        lines.append(
            f"{r.key:4}{r.label:62}{r.count:>7}{r.pct(0.5):>9.3f}{r.pct(0.99):>9.3f}"
            f"{r.rate:>9.0f}{cli:>7.0f}us{srv:>7.0f}us"
        )
        for note in r.notes:
            lines.append(" " * 8 + note)
    lines.append("    (cli/srv CPU = CPU time of this Python process / of nats-server per op)")
    return "\n".join(lines)


def ratio(a: Result, base: Result) -> str:
    return (
        f"{a.key} vs {base.key}: p50 x{a.pct(0.5) / base.pct(0.5):.2f}, "
        f"p99 x{a.pct(0.99) / base.pct(0.99):.2f}, throughput x{a.rate / base.rate:.2f}"
    )


def verdict(ok: bool) -> str:
    return "MET" if ok else "MISSED"


async def main(args: argparse.Namespace) -> None:
    n, w = args.events, args.writers
    per_writer = max(1, n // w)
    warmup = args.warmup
    with tempfile.TemporaryDirectory(prefix="bench-eventlog-") as tmp:
        server = NatsServer(store_dir=Path(tmp) / "nats")
        server.start()
        try:
            assert server._proc is not None  # bench-only peek at the pid for CPU accounting
            pid = server._proc.pid
            nc = await nats.connect(server.url, name="bench-eventlog")
            js = nc.jetstream()
            await streams.ensure_all(js)
            print(
                f"nats-server {server.url}  store={tmp}  cores={os.cpu_count()}  "
                f"python={sys.version.split()[0]}  payload={len(payload('ws'))} B"
            )
            print(f"events per phase: {n} (concurrent phases: {w} writers x {per_writer})\n")
            base_subject = subjects.revision(NS, "baseline", "pkg", "ws")
            res: list[Result] = []
            res.append(
                await run_phase(
                    "A1",
                    "baseline: js.publish, no headers, sequential, 1 subject",
                    pid,
                    [plain_publish(js, base_subject)],
                    n,
                    warmup,
                )
            )
            res.append(
                await run_phase(
                    "A2",
                    "js.publish + Nats-Msg-Id only, sequential",
                    pid,
                    [plain_publish(js, subjects.revision(NS, "baseline", "msgid", "ws"), "msgid")],
                    n,
                    warmup,
                )
            )
            res.append(
                await run_phase(
                    "A3",
                    "js.publish + expected-subject-seq (exact subject), sequential",
                    pid,
                    [plain_publish(js, subjects.revision(NS, "baseline", "occ", "ws"), "occ")],
                    n,
                    warmup,
                )
            )
            res.append(
                await run_phase(
                    "B",
                    "append(): OCC on pkg wildcard + msg id, 1 writer, 1 aggregate",
                    pid,
                    [sequential_append(js, "single", "ws")],
                    n,
                    warmup,
                )
            )
            loaded = await load_others(js, args.others)
            b2 = await run_phase(
                "B2",
                f"as B, stream now holds {args.others} other packages",
                pid,
                [sequential_append(js, "single-after-load", "ws")],
                n,
                warmup,
            )
            b2.notes.append(f"(loading {args.others} other packages took {loaded:.2f} s)")
            res.append(b2)
            res.append(
                await run_phase(
                    "A16",
                    f"baseline: js.publish, no headers, {w} concurrent, 1 subject each",
                    pid,
                    [
                        plain_publish(js, subjects.revision(NS, "baseline", f"c{i}", "ws"))
                        for i in range(w)
                    ],
                    per_writer,
                    warmup,
                )
            )
            res.append(
                await run_phase(
                    "C",
                    f"append(): {w} concurrent writers, own package each",
                    pid,
                    [sequential_append(js, f"own-{i}", "ws") for i in range(w)],
                    per_writer,
                    warmup,
                )
            )
            stats: dict = {"attempts": 0, "conflicts": 0, "per_append": []}
            contended = [contending_append(js, "hot", f"ws-{i}", stats) for i in range(w)]
            for op in contended:  # warm-up outside the counted stats
                await op()
            stats.update(attempts=0, conflicts=0, per_append=[])
            d_per_writer = max(1, args.contended // w)
            lat: list[float] = []
            with Meter(pid) as m:
                await asyncio.gather(*(timed_loop(op, d_per_writer, lat) for op in contended))
            d = Result(
                "D",
                f"{w} writers contending on ONE package (read, append, retry)",
                lat,
                m.elapsed,
                m.client,
                m.server,
            )
            d.notes.append(
                f"{stats['attempts']} attempts for {d.count} appends: {stats['conflicts']} "
                f"conflicts ({stats['conflicts'] / max(1, stats['attempts']):.0%} of attempts, "
                f"{stats['conflicts'] / max(1, d.count):.2f} per append); "
                "latency = first read to success"
            )
            lost = sorted(stats["per_append"])
            d.notes.append(
                f"conflicts before success: p50 {lost[len(lost) // 2]}, "
                f"p99 {lost[int(len(lost) * 0.99)]}, max {lost[-1]}; appends that lost >= 5 "
                f"times: {sum(x >= 5 for x in lost) / len(lost):.0%} (the apiserver Writer gives "
                f"up after 5 attempts), >= 10: {sum(x >= 10 for x in lost) / len(lost):.0%} "
                "(git-sync facts.record gives up after 10)"
            )
            res.append(d)
            await nc.close()
        finally:
            server.stop()

    by = {r.key: r for r in res}
    print(table(res))
    print("\nRatios against the baselines measured above (x>1 = slower / more):")
    for key in ("A2", "A3", "B", "B2"):
        print("  " + ratio(by[key], by["A1"]))
    print("  " + ratio(by["B2"], by["B"]))
    for key in ("C", "D"):
        print("  " + ratio(by[key], by["A16"]))
    print("  " + ratio(by["D"], by["C"]))
    print("\nTargets:")
    b, c = by["B"], by["C"]
    print(
        f"  single writer append p50 <= {TARGET_P50_MS} ms: {b.pct(0.5):.3f} ms "
        f"-> {verdict(b.pct(0.5) <= TARGET_P50_MS)}  (baseline A1 p50 {by['A1'].pct(0.5):.3f} ms)"
    )
    print(
        f"  {w} writers >= {TARGET_CONCURRENT_RATE:.0f} appends/s: {c.rate:.0f}/s "
        f"-> {verdict(c.rate >= TARGET_CONCURRENT_RATE)}  (baseline A16 {by['A16'].rate:.0f}/s)"
    )


def parse() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--events", type=int, default=5000, help="appends per phase (default 5000)")
    p.add_argument("--writers", type=int, default=16, help="concurrent writers (default 16)")
    p.add_argument(
        "--contended", type=int, default=2000, help="successful appends in phase D (default 2000)"
    )
    p.add_argument(
        "--others", type=int, default=10000, help="other packages loaded before B2 (default 10000)"
    )
    p.add_argument("--warmup", type=int, default=50, help="untimed ops per writer first")
    return p.parse_args()


if __name__ == "__main__":
    asyncio.run(main(parse()))
