"""A cold start replays history without re-sending its work: what the stream confirms done
(git-sync's reports, task answers) or what a later item supersedes is not sent again; every
other item is, even across a crash in the middle of the catch-up."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from nats.js import JetStreamContext

from porch.domain import events as ev
from porch.domain import snapshots, syncwork, taskwork
from porch.domain.common import Actor, CommandMeta, event_fields
from porch.eventlog import appending, streams, subjects
from porch_orchestrator import projecting
from tests.integration.aiotasks import stop

pytestmark = pytest.mark.integration

NS, REPO = "default", "r"
KPTFILE = {"Kptfile": "0" * 64}


def fields(command_id: str) -> dict[str, Any]:
    return event_fields(
        CommandMeta(command_id=command_id, time="2026-01-01T00:00:00Z", actor=Actor(user="a"))
    )


class History:
    """Appends events and names the work each one should cause."""

    def __init__(self, js: JetStreamContext) -> None:
        self.js = js

    async def append(self, package: str | None, workspace: str, event: ev.Event) -> ev.Event:
        if package is None:
            subject, boundary = subjects.repository(NS, REPO), None
        else:
            subject = subjects.revision(NS, REPO, package, workspace)
            boundary = subjects.package_wildcard(NS, REPO, package)
        await appending.append(
            self.js,
            appending.Append(
                subject=subject,
                data=ev.encode(event),
                event_type=ev.type_of(event),
                msg_id=event.id,
                expected=await appending.last_sequence(self.js, boundary or subject),
                boundary=boundary,
            ),
        )
        return event

    async def register(self) -> ev.Event:
        return await self.append(
            None,
            "",
            ev.RepositoryRegistered(
                **fields("register"),
                namespace=NS,
                name=REPO,
                uid="u-r",
                spec={"type": "git", "git": {"repo": "git://127.0.0.1:1/x.git"}},
            ),
        )

    async def request(self, package: str, ws: str = "v1") -> ev.Event:
        return await self.append(
            package,
            ws,
            ev.RevisionCreationRequested(
                **fields(f"{package}/{ws}/create"),
                namespace=NS,
                repository=REPO,
                package=package,
                workspace=ws,
                uid=f"u-{package}-{ws}",
                tasks=(ev.Task(type="init", init={}),),
            ),
        )

    async def created(self, package: str, ws: str = "v1") -> ev.Event:
        """A request and the task worker's answer."""
        await self.request(package, ws)
        return await self.append(
            package,
            ws,
            ev.RevisionCreated(
                **{**fields(f"{package}/{ws}/create"), "id": f"{package}/{ws}/answer"},
                namespace=NS,
                repository=REPO,
                package=package,
                workspace=ws,
                uid=f"u-{package}-{ws}",
                tasks=(ev.Task(type="init", init={}),),
                resources=KPTFILE,
            ),
        )

    async def synced(self, package: str, cause: ev.Event, *, failed: bool = False) -> None:
        ws = getattr(cause, "workspace", "v1")
        event: ev.Event
        if failed:
            event = ev.RevisionSyncFailed(
                **fields(f"{cause.id}:failed"),
                workspace=ws,
                reason="GitError",
                message="refused",
                source_event=cause.id,
            )
        else:
            event = ev.RevisionSynced(
                **fields(f"{cause.id}:synced"),
                workspace=ws,
                revision=0,
                commit="c" * 40,
                ref="refs/heads/x",
                source_event=cause.id,
            )
        await self.append(package, ws, event)

    async def lifecycle(self, package: str, kind: type[ev.Event], **extra: Any) -> ev.Event:
        return await self.append(
            package, "v1", kind(**fields(f"{package}/{kind.__name__}"), workspace="v1", **extra)
        )


async def message_ids(js: JetStreamContext, stream: str) -> list[str]:
    last = (await js.stream_info(stream)).state.last_seq
    out: list[str] = []
    for seq in range(1, last + 1):
        msg = await js.get_msg(stream, seq=seq)
        out.append((msg.headers or {}).get("Nats-Msg-Id", ""))
    return out


def sync_id(kind: type[syncwork.Work], cause: ev.Event) -> str:
    return f"{kind.__struct_config__.tag}:{cause.id}"


async def seed(js: JetStreamContext) -> tuple[list[str], list[str], set[str]]:
    """A history; returns the sync and task message ids a replay must send, in order, and
    the sync ids it must not send."""
    h = History(js)
    registered = await h.register()
    must = [sync_id(syncwork.ConnectRepository, registered)]
    never: set[str] = set()

    done = await h.created("synced")  # drafted and reported written: nothing to do
    await h.synced("synced", done)
    never.add(sync_id(syncwork.WriteDraft, done))

    pending = await h.created("unsynced")  # drafted, never reported: still to write
    must.append(sync_id(syncwork.WriteDraft, pending))

    await h.request("waiting")  # a request nobody answered yet: the task worker's
    tasks = [taskwork.message_id(_task_for("waiting"))]

    failed = await h.created("failing")  # the move was reported failed: not retried
    await h.synced("failing", failed)
    moved = await h.lifecycle("failing", ev.RevisionProposed)
    await h.synced("failing", moved, failed=True)
    never |= {sync_id(syncwork.WriteDraft, failed), sync_id(syncwork.MoveRevision, moved)}

    gone = await h.created("deleted")  # drafted, then deleted: only the delete is sent
    deleted = await h.lifecycle("deleted", ev.RevisionDeleted)
    never.add(sync_id(syncwork.WriteDraft, gone))
    must.append(sync_id(syncwork.DeleteRevision, deleted))

    drafted = await h.created("published")  # published: the branch work is pointless
    proposed = await h.lifecycle("published", ev.RevisionProposed)
    approved = await h.lifecycle("published", ev.RevisionApproved, revision=1)
    never |= {sync_id(syncwork.WriteDraft, drafted), sync_id(syncwork.MoveRevision, proposed)}
    must.append(sync_id(syncwork.PublishRevision, approved))

    shipped = await h.created("shipped")  # published and reported: nothing at all
    await h.synced("shipped", shipped)
    await h.synced("shipped", await h.lifecycle("shipped", ev.RevisionProposed))
    out = await h.lifecycle("shipped", ev.RevisionApproved, revision=1)
    await h.synced("shipped", out)
    never.add(sync_id(syncwork.PublishRevision, out))
    return must, tasks, never


def _task_for(package: str) -> taskwork.RunTask:
    request = ev.RevisionCreationRequested(
        **fields(f"{package}/v1/create"),
        namespace=NS,
        repository=REPO,
        package=package,
        workspace="v1",
        uid=f"u-{package}-v1",
        tasks=(ev.Task(type="init", init={}),),
    )
    return taskwork.RunTask(
        namespace=NS,
        repository=REPO,
        package=package,
        workspace="v1",
        request=request,
        request_seq=0,
        source_event=request.id,
    )


async def test_a_replay_sends_only_the_work_the_stream_does_not_confirm(
    js: JetStreamContext,
) -> None:
    must, tasks, never = await seed(js)
    projector = projecting.Projector(js, snapshots.Buckets("porch"), emit_work=True)
    await projector.open()
    await projector.run(until=await appending.last_sequence(js, subjects.ALL_EVENTS))

    assert await message_ids(js, streams.SYNC_STREAM) == must
    assert await message_ids(js, streams.TASK_STREAM) == tasks
    assert projector.dropped > 0
    assert not never & set(must)


async def test_confirmations_in_the_next_batch_count_too(
    js: JetStreamContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One event per batch: an effect confirmed by the very next event is still dropped (the
    batch is written after the next one is folded); nothing unconfirmed is lost."""
    must, tasks, never = await seed(js)
    monkeypatch.setattr(projecting, "BATCH_EVENTS", 1)
    projector = projecting.Projector(js, snapshots.Buckets("porch"), emit_work=True)
    await projector.open()
    await projector.run(until=await appending.last_sequence(js, subjects.ALL_EVENTS))

    sent = await message_ids(js, streams.SYNC_STREAM)
    assert set(must) <= set(sent)
    confirmed_next = {i for i in never if not i.startswith("draft.v1:published")}
    assert not confirmed_next & set(sent)
    assert await message_ids(js, streams.TASK_STREAM) == tasks


async def test_a_crash_in_the_middle_of_the_catch_up_loses_no_unconfirmed_work(
    js: JetStreamContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    must, tasks, _ = await seed(js)
    last = await appending.last_sequence(js, subjects.ALL_EVENTS)
    live = snapshots.Buckets("porch")
    monkeypatch.setattr(projecting, "BATCH_EVENTS", 3)
    for stop_after in range(1, 8):  # stop after each of the first write rounds, restart
        first = projecting.Projector(js, live, emit_work=True)
        await first.open()
        if first.checkpoint >= last:
            break
        running = asyncio.create_task(first.run())
        # Poll until it has written some rounds (or caught up), then stop it wherever it is.
        while first.batches < stop_after and first.checkpoint < last:
            assert not running.done()
            await asyncio.sleep(0.001)
        await stop(running)
    second = projecting.Projector(js, live, emit_work=True)
    await second.open()
    await second.run(until=last)

    sent = await message_ids(js, streams.SYNC_STREAM)
    assert set(must) <= set(sent)
    assert len(sent) == len(set(sent))
    assert await message_ids(js, streams.TASK_STREAM) == tasks
    # What git-sync is sent is in the stream's order.
    order = {msg_id: n for n, msg_id in enumerate(sent)}
    assert [order[i] for i in must] == sorted(order[i] for i in must)
