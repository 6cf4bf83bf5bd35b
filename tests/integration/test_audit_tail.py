"""``porch audit tail`` as a user runs it (a subprocess) against a real JetStream server."""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from nats.js import JetStreamContext

from porch.eventlog import appending, subjects
from porch.local.natsserver import NatsServer

pytestmark = pytest.mark.integration

CORPUS = Path(__file__).parents[1] / "unit" / "corpus" / "events-v1.jsonl"
EVENTS = {json.loads(line)["type"]: line for line in CORPUS.read_bytes().splitlines()}
REPO = subjects.repository("default", "bp")
WEB = subjects.revision("default", "bp", "apps/web", "v1")
DB = subjects.revision("default", "bp", "db", "v1")
OTHER = subjects.revision("team-b", "bp", "apps/web", "v1")


async def append(js: JetStreamContext, subject: str, tag: str, *, data: bytes = b"") -> int:
    expected = await appending.last_sequence(js, subject)
    item = appending.Append(
        subject=subject,
        data=data or EVENTS[tag],
        event_type=tag,
        msg_id=f"{subject}/{expected}",
        expected=expected,
    )
    return await appending.append(js, item)


async def history(js: JetStreamContext) -> None:
    """seq 1..6: a repository, two packages, an event of a future version, another ns."""
    await append(js, REPO, "RepositoryRegistered.v1")
    await append(js, WEB, "RevisionCreated.v1")
    await append(js, DB, "RevisionProposed.v1")
    await append(js, WEB, "RevisionFromTheFuture.v7", data=b'{"type":"RevisionFromTheFuture.v7"}')
    await append(js, WEB, "RevisionApproved.v1")
    await append(js, OTHER, "RevisionProposed.v1")


async def porch(*args: str, home: Path | None = None) -> tuple[int, str, str]:
    env = {"PORCH_HOME": str(home)} if home else {}
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "porch",
        "audit",
        "tail",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={"PATH": "/usr/bin:/bin", **env},
    )
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


def columns(out: str) -> list[tuple[str, str, str]]:
    """(seq, type, where) of each text line."""
    return [(f[1], f[3], f[4]) for f in (line.split() for line in out.splitlines())]


async def test_no_follow_prints_every_event_and_skips_an_unknown_type(
    js: JetStreamContext, nats_server: NatsServer
) -> None:
    await history(js)

    code, out, err = await porch("--no-follow", "--nats", nats_server.url)

    assert code == 0
    assert columns(out) == [
        ("1", "RepositoryRegistered.v1", "default/bp"),
        ("2", "RevisionCreated.v1", "default/bp/apps/web/v1"),
        ("3", "RevisionProposed.v1", "default/bp/db/v1"),
        ("5", "RevisionApproved.v1", "default/bp/apps/web/v1"),
        ("6", "RevisionProposed.v1", "team-b/bp/apps/web/v1"),
    ]
    assert out.splitlines()[3] == (
        "2026-01-01T00:00:11Z      5 alice@example.com RevisionApproved.v1 "
        "default/bp/apps/web/v1 revision=3"
    )
    assert "skipped event 4 on porch.ev.default.bp.apps/web.v1: unknown event type" in err


async def test_from_a_sequence_and_for_one_package(
    js: JetStreamContext, nats_server: NatsServer
) -> None:
    await history(js)

    _, from_three, _ = await porch("--no-follow", "--seq", "3", "--nats", nats_server.url)
    _, web, _ = await porch(
        "--no-follow", "--subject-filter", "default/bp/apps/web", "--nats", nats_server.url
    )
    _, namespace, _ = await porch(
        "--no-follow", "--subject-filter", "team-b", "--nats", nats_server.url
    )

    assert [c[0] for c in columns(from_three)] == ["3", "5", "6"]
    assert [c[0] for c in columns(web)] == ["2", "5"]
    assert [c[0] for c in columns(namespace)] == ["6"]


async def test_json_lines_carry_the_stored_event_seq_and_subject(
    js: JetStreamContext, nats_server: NatsServer
) -> None:
    await history(js)

    code, out, _ = await porch("--no-follow", "-o", "json", "--nats", nats_server.url)

    docs = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert [d["seq"] for d in docs] == [1, 2, 3, 5, 6]
    assert docs[1]["subject"] == WEB
    assert docs[1]["event"] == json.loads(EVENTS["RevisionCreated.v1"])


async def test_since_and_empty_ranges_end_at_once(
    js: JetStreamContext, nats_server: NatsServer
) -> None:
    await history(js)

    _, recent, _ = await porch("--no-follow", "--since", "1h", "--nats", nats_server.url)
    future = await porch(
        "--no-follow", "--since", "2099-01-01T00:00:00Z", "--nats", nats_server.url
    )
    past_the_end = await porch("--no-follow", "--seq", "99", "--nats", nats_server.url)
    nothing = await porch("--no-follow", "--subject-filter", "nobody", "--nats", nats_server.url)

    assert len(recent.splitlines()) == 5  # stored a moment ago
    assert future == past_the_end == nothing == (0, "", "")


async def test_the_address_comes_from_porch_home(
    js: JetStreamContext, nats_server: NatsServer, tmp_path: Path
) -> None:
    await append(js, REPO, "RepositoryRegistered.v1")
    (tmp_path / "ports.json").write_text(json.dumps({"nats": nats_server.port}))

    code, out, _ = await porch("--no-follow", home=tmp_path)

    assert code == 0
    assert columns(out) == [("1", "RepositoryRegistered.v1", "default/bp")]


async def test_follow_prints_new_events_until_interrupted(
    js: JetStreamContext, nats_server: NatsServer
) -> None:
    await append(js, REPO, "RepositoryRegistered.v1")
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "porch",
        "audit",
        "tail",
        "--nats",
        nats_server.url,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert proc.stdout is not None
    try:
        first = await asyncio.wait_for(proc.stdout.readline(), 30)
        await append(js, WEB, "RevisionProposed.v1")
        second = await asyncio.wait_for(proc.stdout.readline(), 30)
        proc.send_signal(signal.SIGINT)
        rest, err = await asyncio.wait_for(proc.communicate(), 30)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()

    assert b"RepositoryRegistered.v1" in first
    assert b"RevisionProposed.v1 default/bp/apps/web/v1" in second
    assert proc.returncode == 0
    assert rest == b""
    assert b"Traceback" not in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "yesterday"], "error: --since 'yesterday': expected an RFC 3339 time"),
        (["--seq", "2", "--since", "1h"], "give either --since or --seq"),
        (["--subject-filter", "/bp"], "expected namespace[/repository[/package]]"),
        (["-o", "yaml"], "expected one of text, json"),
    ],
)
async def test_bad_flags_exit_2_with_one_error_line(
    nats_server: NatsServer, args: list[str], message: str
) -> None:
    code, out, err = await porch("--no-follow", "--nats", nats_server.url, *args)

    assert code == 2
    assert out == ""
    assert message in err
    assert len(err.splitlines()) == 1


async def test_no_ports_json_and_no_nats_are_reported_not_raised(tmp_path: Path) -> None:
    no_home = await porch("--no-follow", home=tmp_path)
    unreachable = await porch("--no-follow", "--nats", "nats://127.0.0.1:9")

    assert no_home[0] == 2
    assert "pass --nats URL or set PORCH_HOME" in no_home[2]
    assert unreachable[0] == 1
    assert unreachable[2].startswith("error: following the event stream at nats://127.0.0.1:9")
    assert "Traceback" not in unreachable[2]


async def test_since_a_time_between_two_events_starts_at_the_second(
    js: JetStreamContext, nats_server: NatsServer
) -> None:
    await append(js, REPO, "RepositoryRegistered.v1")
    await asyncio.sleep(0.05)
    between = datetime.now(UTC).isoformat()
    await asyncio.sleep(0.05)
    await append(js, WEB, "RevisionCreated.v1")
    await append(js, REPO, "RepositoryConnected.v1")

    _, out, _ = await porch("--no-follow", "--since", between, "--nats", nats_server.url)
    _, web, _ = await porch(
        "--no-follow",
        "--since",
        between,
        "--subject-filter",
        "default/bp/apps/web",
        "--nats",
        nats_server.url,
    )

    assert [c[0] for c in columns(out)] == ["2", "3"]
    assert [c[0] for c in columns(web)] == ["2"]


async def test_following_from_a_time_with_nothing_after_it_shows_what_comes_next(
    js: JetStreamContext, nats_server: NatsServer
) -> None:
    await append(js, REPO, "RepositoryRegistered.v1")
    await asyncio.sleep(0.05)
    since = datetime.now(UTC).isoformat()  # fixed here: the process may start slowly
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "porch", "audit", "tail", "--since", since,
        "--nats", nats_server.url,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert proc.stdout is not None
    try:
        await asyncio.sleep(1.0)  # usually after it resolved the start; shown either way
        await append(js, WEB, "RevisionProposed.v1")
        line = await asyncio.wait_for(proc.stdout.readline(), 30)
        proc.send_signal(signal.SIGINT)
        rest, _ = await asyncio.wait_for(proc.communicate(), 30)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()

    assert line.split()[1:4] == [b"2", b"alice@example.com", b"RevisionProposed.v1"]
    assert rest == b""
