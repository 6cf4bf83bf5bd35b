"""The projection loop against real JetStream: resume, idempotent replay, rebuild."""

from __future__ import annotations

import itertools

import msgspec
import pytest
from nats.js import JetStreamContext

from porch.domain import events as ev
from porch.domain import packages, repository, snapshots, syncwork, taskwork
from porch.domain.common import Actor, CommandMeta
from porch.eventlog import appending, buckets, streams, subjects
from porch_orchestrator import projecting

pytestmark = pytest.mark.integration

_ids = itertools.count()
NS, REPO = "default", "blueprints"


def meta() -> CommandMeta:
    return CommandMeta(
        command_id=f"cmd-{next(_ids)}", time="2026-01-01T00:00:00Z", actor=Actor(user="alice")
    )


async def register(js: JetStreamContext) -> None:
    command = repository.RegisterRepository(
        meta=meta(),
        namespace=NS,
        name=REPO,
        uid="u-repo",
        spec={"type": "git", "git": {"repo": "file:///nowhere.git"}},
    )
    (event,) = repository.decide(None, command)
    await _append(js, subjects.repository(NS, REPO), None, event)


async def package_command(
    js: JetStreamContext, state: packages.PackageState, command: packages.Command
) -> packages.PackageState:
    boundary = subjects.package_wildcard(NS, REPO, state.package)
    for event in packages.decide(state, command):
        await _append(
            js, subjects.revision(NS, REPO, state.package, command.workspace), boundary, event
        )
        state = packages.evolve(state, event)
    return state


async def _append(
    js: JetStreamContext,
    subject: str,
    boundary: str | None,
    event: ev.Event,
    *,
    msg_id: str = "",
) -> int:
    expected = await appending.last_sequence(js, boundary or subject)
    return await appending.append(
        js,
        appending.Append(
            subject=subject,
            data=ev.encode(event),
            event_type=ev.type_of(event),
            msg_id=msg_id or event.command_id,
            expected=expected,
            boundary=boundary,
        ),
    )


async def publish(js: JetStreamContext, package: str, workspace: str) -> packages.PackageState:
    """Create (answering the request as the task worker would), propose, approve."""
    state = packages.empty(namespace=NS, repository=REPO, package=package)
    create = packages.CreateRevision(
        meta=meta(),
        workspace=workspace,
        uid=f"u-{package}-{workspace}",
        tasks=(ev.Task(type="init", init={}),),
    )
    (requested,) = packages.decide(state, create)
    assert isinstance(requested, ev.RevisionCreationRequested)
    boundary = subjects.package_wildcard(NS, REPO, package)
    subject = subjects.revision(NS, REPO, package, workspace)
    seq = await _append(js, subject, boundary, requested)
    state = packages.evolve(state, requested)
    work = taskwork.RunTask(
        namespace=NS,
        repository=REPO,
        package=package,
        workspace=workspace,
        request=requested,
        request_seq=seq,
        source_event=requested.id,
    )
    answer = taskwork.succeeded(
        work, time=requested.time, resources={"Kptfile": "0" * 64}, render_status=None
    )
    await _append(js, subject, boundary, answer, msg_id=taskwork.outcome_id(requested.id))
    state = packages.evolve(state, answer)
    state = await package_command(
        js, state, packages.ChangeLifecycle(meta=meta(), workspace=workspace, lifecycle="Proposed")
    )
    return await package_command(
        js, state, packages.ChangeApproval(meta=meta(), workspace=workspace, lifecycle="Published")
    )


async def objects(js: JetStreamContext, bucket: str) -> dict[str, object]:
    kv = await buckets.open_bucket(js, bucket)
    return {k: msgspec.json.decode(e.value or b"") for k, e in (await buckets.load_all(kv)).items()}


async def run_to_end(projector: projecting.Projector, js: JetStreamContext) -> None:
    await projector.run(until=await appending.last_sequence(js, subjects.ALL_EVENTS))


async def test_projects_resumes_from_checkpoint_and_rebuilds_identically(
    js: JetStreamContext,
) -> None:
    live = snapshots.Buckets("porch")
    await register(js)
    await publish(js, "nginx", "v1")
    first = projecting.Projector(js, live, emit_work=True)
    await first.open()
    await run_to_end(first, js)
    revs = await objects(js, live.revisions)
    assert list(revs) == [snapshots.object_key(NS, "blueprints.nginx.v1")]
    nginx = revs[snapshots.object_key(NS, "blueprints.nginx.v1")]
    assert nginx["spec"]["revision"] == 1  # type: ignore[index]
    assert nginx["metadata"]["labels"] == {"kpt.dev/latest-revision": "true"}  # type: ignore[index]
    # Connect the repository, publish nginx v1: its draft and proposal branches are
    # retired by the approval replayed with them, and its creation request is answered.
    work = await js.stream_info(streams.SYNC_STREAM)
    assert work.state.messages == 2
    tasks = await js.stream_info(streams.TASK_STREAM)
    assert tasks.state.messages == 0

    # A restarted orchestrator resumes from the checkpoint, not from the start.
    second = projecting.Projector(js, live, emit_work=True)
    await second.open()
    assert second.checkpoint == first.checkpoint > 0
    await publish(js, "redis", "v1")
    await run_to_end(second, js)
    assert second.applied == 4  # only the new events were read
    assert len(await objects(js, live.revisions)) == 2

    # Rebuild from sequence 0 into fresh buckets gives the same objects, and no new work.
    rebuilt = await projecting.rebuild(js, snapshots.Buckets("porch_rebuild"))
    assert rebuilt.checkpoint == second.checkpoint
    assert await projecting.compare(js, live, snapshots.Buckets("porch_rebuild")) == []
    assert (await js.stream_info(streams.SYNC_STREAM)).state.messages == 3
    assert (await js.stream_info(streams.TASK_STREAM)).state.messages == 0


async def test_replay_over_existing_projection_is_idempotent(js: JetStreamContext) -> None:
    live = snapshots.Buckets("porch")
    await register(js)
    await publish(js, "nginx", "v1")
    projector = projecting.Projector(js, live, emit_work=True)
    await projector.open()
    await run_to_end(projector, js)
    before = await objects(js, live.revisions)
    kv = await buckets.open_bucket(js, live.meta)
    await kv.put(snapshots.CHECKPOINT_KEY, b"0")  # as if the checkpoint had been lost
    again = projecting.Projector(js, live, emit_work=True)
    await again.open()
    await run_to_end(again, js)
    assert await objects(js, live.revisions) == before
    # Work items are deduplicated by message id: still one per effect.
    assert (await js.stream_info(streams.SYNC_STREAM)).state.messages == 2
    assert (await js.stream_info(streams.TASK_STREAM)).state.messages == 0


async def test_unknown_event_types_are_skipped(js: JetStreamContext) -> None:
    live = snapshots.Buckets("porch")
    await register(js)
    await appending.append(
        js,
        appending.Append(
            subject=subjects.revision(NS, REPO, "future", "v1"),
            data=b'{"type":"Teleported.v7"}',
            event_type="Teleported.v7",
            msg_id="future-1",
            expected=0,
            boundary=subjects.package_wildcard(NS, REPO, "future"),
        ),
    )
    await publish(js, "nginx", "v1")
    projector = projecting.Projector(js, live, emit_work=False)
    await projector.open()
    await run_to_end(projector, js)
    assert len(await objects(js, live.revisions)) == 1
    assert projector.checkpoint == await appending.last_sequence(js, subjects.ALL_EVENTS)


def test_work_items_carry_no_credentials() -> None:
    fields = set(syncwork.GitTarget.__struct_fields__)
    assert "password" not in fields
    assert "secret_ref" in fields
