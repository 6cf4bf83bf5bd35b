"""The task worker: take a task from ``PORCH_TASKS``, compute it off the loop, store the
files, append the answer on the revision's subject, ack.

It runs beside the projection loop in the same process and never blocks it: blob I/O and
appends are short awaits; building, merging and rendering run in a worker thread on a
private event loop. An answer's message id is derived from the request's event id, and
before doing any work the revision's subject is checked for that answer, so a redelivered
item (even after the duplicate window) never appends twice. A failing task is an answer
(``RevisionCreationFailed``/``RevisionResourcesRejected``); only trouble reaching NATS
makes an item go back to the queue, with backoff.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import random
import time
from datetime import UTC, datetime

from nats.aio.msg import Msg
from nats.errors import Error as NatsError
from nats.errors import TimeoutError as NatsTimeout
from nats.js import JetStreamContext, api
from nats.js.errors import NotFoundError

from porch.domain import events as ev
from porch.domain import taskwork
from porch.errors import Conflict, Invalid, NotFound, PorchError
from porch.eventlog import appending, records, streams, subjects
from porch.eventlog.blobs import BlobStore
from porch.eventlog.secrets import SecretStore
from porch_orchestrator import gitauth, metrics, tasking

log = logging.getLogger(__name__)

DURABLE = "porch-orchestrator-tasks"
MAX_DELIVER = 8
BACKOFF_S = (1.0, 2.0, 5.0, 10.0, 30.0, 60.0)
ACK_WAIT_S = 120.0
HEARTBEAT_S = 30.0  # "still working" well within ACK_WAIT_S, for long renders
APPEND_ATTEMPTS = 10
RETRY_S, MAX_RETRY_S = 0.5, 5.0  # pauses after NATS refused a fetch


class TaskWorker:
    def __init__(
        self,
        js: JetStreamContext,
        blobs: BlobStore,
        runtime: tasking.Runtime,
        *,
        concurrency: int = 2,
        fetch_wait: float = 2.0,
        secrets: SecretStore | None = None,
    ) -> None:
        self.js = js
        self.blobs = blobs
        self.runtime = runtime
        self._secrets = secrets  # opened on first use when not given
        self.concurrency = concurrency
        self.fetch_wait = fetch_wait
        self.done = 0  # answers appended (or found already there); for tests and logs

    async def run(self) -> None:
        config = api.ConsumerConfig(
            durable_name=DURABLE,
            ack_policy=api.AckPolicy.EXPLICIT,
            ack_wait=ACK_WAIT_S,
            max_deliver=MAX_DELIVER,
            max_ack_pending=self.concurrency,
        )
        sub = await self.js.pull_subscribe(
            f"{subjects.TASK_PREFIX}.>", DURABLE, stream=streams.TASK_STREAM, config=config
        )
        slots = asyncio.Semaphore(self.concurrency)
        pause = RETRY_S
        async with asyncio.TaskGroup() as group:
            while True:
                await slots.acquire()
                try:
                    batch = await sub.fetch(1, timeout=self.fetch_wait)
                except NatsTimeout:
                    slots.release()
                    continue
                except NatsError as exc:  # no responders, JetStream restarting, reconnecting
                    slots.release()
                    log.warning("fetching a task failed, retrying in %.1fs: %r", pause, exc)
                    await asyncio.sleep(pause)
                    pause = min(pause * 2, MAX_RETRY_S)
                    continue
                except BaseException:
                    slots.release()
                    raise
                pause = RETRY_S
                group.create_task(self._handle_in_slot(batch[0], slots))

    async def _handle_in_slot(self, msg: Msg, slots: asyncio.Semaphore) -> None:
        try:
            await self.handle(msg)
        finally:
            slots.release()

    async def handle(self, msg: Msg) -> None:
        try:
            work = taskwork.decode(msg.data)
        except Exception:
            log.exception("dropping undecodable task item on %s", msg.subject)
            with contextlib.suppress(NatsError, TimeoutError):
                await msg.term()
            return
        attempt = int(msg.metadata.num_delivered or 1)
        heartbeat = asyncio.create_task(_heartbeat(msg))
        started = time.monotonic()  # metrics
        try:
            await self.perform(work)
        except (PorchError, NatsError, TimeoutError, OSError) as exc:
            metrics.task_retried(work, started)  # metrics
            if attempt < MAX_DELIVER:
                delay = BACKOFF_S[min(attempt - 1, len(BACKOFF_S) - 1)]
                log.warning(
                    "task %s failed (attempt %d), retrying in %.0fs: %s",
                    work.source_event,
                    attempt,
                    delay,
                    exc,
                )
                # Lost with NATS away: the item comes back after ACK_WAIT_S anyway.
                with contextlib.suppress(NatsError, TimeoutError):
                    await msg.nak(delay=delay)
                return
            log.error("task %s failed for good: %s", work.source_event, exc)
            # The request must not stay pending forever: answer it with the failure.
            with contextlib.suppress(PorchError, NatsError, TimeoutError):
                await self.answer(
                    work,
                    taskwork.failed(
                        work, time=_now(), reason=taskwork.REASON_INTERNAL, message=str(exc)
                    ),
                )
        finally:
            heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await heartbeat
        # A lost ack means a redelivery, which finds the answer and appends nothing.
        with contextlib.suppress(NatsError, TimeoutError):
            await msg.ack_sync()

    async def perform(self, work: taskwork.RunTask) -> None:
        """Compute the task and append its answer; raises only for NATS trouble."""
        started = time.monotonic()  # metrics
        if await self.answered(work):
            log.info("task %s was answered already", work.source_event)
            self.done += 1
            metrics.task_answered(work, None, started)  # metrics
            return
        try:
            trees = await self._fetch(tasking.needed_inputs(work))
            runtime = await self._runtime_for(work)
        except NotFound as exc:
            outcome = tasking.Outcome(None, reason=taskwork.REASON_NOT_FOUND, message=exc.message)
        except Invalid as exc:  # e.g. a Secret without usable credentials
            outcome = tasking.Outcome(None, reason=taskwork.REASON_INVALID, message=exc.message)
        except ValueError as exc:  # malformed inputs (msgspec.ValidationError)
            outcome = tasking.Outcome(None, reason=taskwork.REASON_INVALID, message=str(exc))
        else:
            outcome = await asyncio.to_thread(tasking.compute_blocking, work, trees, runtime)
        event: ev.Event
        if outcome.files is None:
            event = taskwork.failed(
                work,
                time=_now(),
                reason=outcome.reason,
                message=outcome.message,
                render_status=outcome.render_status,
            )
        else:
            resources = {path: await self.blobs.put(data) for path, data in outcome.files.items()}
            event = taskwork.succeeded(
                work,
                time=_now(),
                resources=dict(sorted(resources.items())),
                render_status=outcome.render_status,
                kptfile=outcome.kptfile,
            )
        await self.answer(work, event)
        metrics.task_answered(work, event, started)  # metrics
        log.info(
            "task %s for %s/%s/%s: %s%s",
            work.source_event,
            work.repository,
            work.package,
            work.workspace,
            ev.type_of(event),
            f" ({outcome.reason}: {outcome.message})" if outcome.reason else "",
        )

    async def _runtime_for(self, work: taskwork.RunTask) -> tasking.Runtime:
        """The runtime with Git credentials when the task clones with a named Secret: read
        here, on this loop, at the moment of use (the computation runs off it)."""
        name = gitauth.secret_name(work)
        if not name or self.runtime.git_fetchers is not None:
            return self.runtime
        if self._secrets is None:
            self._secrets = await SecretStore.open(self.js)
        found = await gitauth.credentials(self._secrets, namespace=work.namespace, name=name)
        return dataclasses.replace(
            self.runtime, git_fetchers=gitauth.fetchers(self.runtime.cache_dir, {name: found})
        )

    async def _fetch(self, needed: dict[str, dict[str, str]]) -> dict[str, tasking.Files]:
        return {
            role: {path: await self.blobs.get(digest) for path, digest in resources.items()}
            for role, resources in needed.items()
        }

    async def answered(self, work: taskwork.RunTask) -> bool:
        """Whether the revision's subject already holds this request's answer."""
        subject = _subject(work)
        wanted = taskwork.outcome_id(work.request.id)
        seq = work.request_seq + 1
        while True:
            try:
                msg = await self.js.get_msg(
                    streams.EVENTS_STREAM, seq=seq, subject=subject, next=True, direct=True
                )
            except NotFoundError:
                return False
            if (msg.headers or {}).get(records.MSG_ID) == wanted:
                return True
            seq = int(msg.seq or seq) + 1

    async def answer(self, work: taskwork.RunTask, event: ev.Event) -> int:
        """Append ``event`` on the revision subject, checked against the package boundary.
        An answer is a fact: a conflict only means someone else wrote first, so retry."""
        boundary = subjects.package_wildcard(work.namespace, work.repository, work.package)
        for attempt in range(APPEND_ATTEMPTS):
            if attempt:
                await asyncio.sleep(random.uniform(0, 0.005 * 2 ** min(attempt, 6)))
            item = appending.Append(
                subject=_subject(work),
                data=ev.encode(event),
                event_type=ev.type_of(event),
                msg_id=taskwork.outcome_id(work.request.id),
                expected=await appending.last_sequence(self.js, boundary),
                boundary=boundary,
            )
            try:
                seq = await appending.append(self.js, item)
            except Conflict:
                continue
            self.done += 1
            return seq
        raise Conflict(f"could not answer task {work.source_event}: too much contention")


def _subject(work: taskwork.RunTask) -> str:
    return subjects.revision(work.namespace, work.repository, work.package, work.workspace)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


async def _heartbeat(msg: Msg) -> None:
    while True:
        await asyncio.sleep(HEARTBEAT_S)
        with contextlib.suppress(NatsError, TimeoutError):
            await msg.in_progress()


__all__ = ["DURABLE", "MAX_DELIVER", "TaskWorker"]
