"""Catching up in batches against real JetStream: same projection as event by event, fewer
writes, and a stop in the middle is repaired by the next run. Behaviour only, no timings."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from nats.js import JetStreamContext

from porch.domain import events as ev
from porch.domain import snapshots
from porch.domain.common import Actor, CommandMeta, event_fields
from porch.eventlog import appending, streams, subjects
from porch_orchestrator import projecting

pytestmark = pytest.mark.integration

NS = "default"
PACKAGES, EDITS = 30, 12


def fields(command_id: str) -> dict[str, Any]:
    return event_fields(
        CommandMeta(command_id=command_id, time="2026-01-01T00:00:00Z", actor=Actor(user="a"))
    )


async def seed(js: JetStreamContext) -> int:
    """Two repositories; per package a published revision and a draft edited many times,
    appended package by package concurrently (so packages interleave in the stream)."""
    for repo in ("r1", "r2"):
        registered = ev.RepositoryRegistered(
            **fields(f"{repo}/reg"),
            namespace=NS,
            name=repo,
            uid=f"u-{repo}",
            spec={"type": "git", "git": {"repo": "git://127.0.0.1:1/x.git"}},
        )
        await _append(js, subjects.repository(NS, repo), None, registered)

    async def package(repo: str, name: str) -> None:
        boundary = subjects.package_wildcard(NS, repo, name)
        plan: list[ev.PackageEvent] = []
        for ws in ("v1", "draft"):
            plan.append(
                ev.RevisionCreated(
                    **fields(f"{repo}/{name}/{ws}/create"),
                    namespace=NS,
                    repository=repo,
                    package=name,
                    workspace=ws,
                    uid=f"u-{repo}-{name}-{ws}",
                    tasks=(ev.Task(type="init", init={}),),
                    resources={"Kptfile": "0" * 64},
                )
            )
        plan.append(ev.RevisionProposed(**fields(f"{repo}/{name}/p"), workspace="v1"))
        plan.append(ev.RevisionApproved(**fields(f"{repo}/{name}/a"), workspace="v1", revision=1))
        plan += [
            ev.RevisionMetadataUpdated(
                **fields(f"{repo}/{name}/l{i}"),
                workspace="draft",
                labels={"edit": str(i)},
                annotations={},
            )
            for i in range(EDITS)
        ]
        for event in plan:
            await _append(js, subjects.revision(NS, repo, name, event.workspace), boundary, event)

    await asyncio.gather(
        *(package(f"r{1 + p % 2}", f"app{p:02d}") for p in range(PACKAGES)),
    )
    return await appending.last_sequence(js, subjects.ALL_EVENTS)


async def _append(
    js: JetStreamContext, subject: str, boundary: str | None, event: ev.Event
) -> None:
    await appending.append(
        js,
        appending.Append(
            subject=subject,
            data=ev.encode(event),
            event_type=ev.type_of(event),
            msg_id=event.command_id,
            expected=await appending.last_sequence(js, boundary or subject),
            boundary=boundary,
        ),
    )


async def writes(js: JetStreamContext, bucket: str) -> int:
    return int((await js.stream_info(f"KV_{bucket}")).state.last_seq)


async def test_catching_up_in_batches_projects_what_event_by_event_does(
    js: JetStreamContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    last = await seed(js)
    batched, single = snapshots.Buckets("porch"), snapshots.Buckets("porch_single")

    projector = projecting.Projector(js, batched, emit_work=True)
    await projector.open()
    await projector.run(until=last)
    monkeypatch.setattr(projecting, "BATCH_EVENTS", 1)
    one_by_one = projecting.Projector(js, single, emit_work=False)
    await one_by_one.open()
    await one_by_one.run(until=last)

    assert await projecting.compare(js, batched, single) == []
    assert projector.checkpoint == one_by_one.checkpoint == last
    assert projector.applied == one_by_one.applied == last
    assert projector.batches < last / 10  # folded in batches ...
    assert one_by_one.batches == last
    # ... and each key written about once, not once per event that touched it
    assert await writes(js, batched.revisions) < await writes(js, single.revisions) / 4
    assert await writes(js, batched.state) < await writes(js, single.state) / 4
    # connect both repositories; per package the draft and v1's publication (v1's draft and
    # proposal branches are retired by the publication replayed with them)
    work = await js.stream_info(streams.SYNC_STREAM)
    assert work.state.messages == 2 + PACKAGES * 2


async def test_a_stop_in_the_middle_of_a_catch_up_is_repaired_by_the_next_run(
    js: JetStreamContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    last = await seed(js)
    live = snapshots.Buckets("porch")
    monkeypatch.setattr(projecting, "BATCH_EVENTS", 37)
    first = projecting.Projector(js, live, emit_work=True)
    await first.open()
    flush = first._flush

    async def stop_after_the_third_write(*args: Any, **kwargs: Any) -> None:
        await flush(*args, **kwargs)
        if first.batches == 3:  # a stop mid-stream, as a cancelled task sees it
            raise asyncio.CancelledError

    monkeypatch.setattr(first, "_flush", stop_after_the_third_write)
    with pytest.raises(asyncio.CancelledError):
        await first.run()
    assert 0 < first.checkpoint < last

    second = projecting.Projector(js, live, emit_work=True)
    await second.open()
    assert second.checkpoint == first.checkpoint
    await second.run(until=last)
    reference = await projecting.rebuild(js, snapshots.Buckets("porch_rebuild"))

    assert reference.checkpoint == last
    assert await projecting.compare(js, live, snapshots.Buckets("porch_rebuild")) == []
    # Replayed work is deduplicated by id; the first run may have sent a draft or proposal
    # whose publication came in a later batch, never anything twice.
    work = await js.stream_info(streams.SYNC_STREAM)
    assert 2 + PACKAGES * 2 <= work.state.messages <= 2 + PACKAGES * 4
