"""The write path: decide against the mirrored state, append with optimistic
concurrency, then wait until the projection shows the write (read-your-writes).

A conflict on append means another writer got in first: wait until the mirror has folded
what is now on the stream and decide again (a user's stale resourceVersion is then caught
by the caller's precondition, as a 409). A write that was stored but does not become
visible in time is reported as a Timeout that says so: it is never lost.

Two-step commands (a creation request, a resource submission) are answered by the
orchestrator with an outcome event under the same command id on the revision's subject;
``answer`` follows that subject from the request's sequence until the outcome arrives.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from nats.js import JetStreamContext

from porch.domain import events as ev
from porch.domain import packages, repository, snapshots
from porch.errors import Conflict, Timeout
from porch.eventlog import appending, reading, subjects
from porch_apiserver import metrics
from porch_apiserver.mirror import Mirror

log = logging.getLogger(__name__)

ATTEMPTS = 5


@dataclass(frozen=True)
class Outcome:
    seq: int  # 0: the command changed nothing
    events: tuple[ev.Event, ...]


class Writer:
    def __init__(
        self,
        js: JetStreamContext,
        mirror: Mirror,
        *,
        visible_within: float = 10.0,
        answered_within: float = 60.0,
    ):
        self.js = js
        self.mirror = mirror
        self.visible_within = visible_within
        self.answered_within = answered_within  # tasks and renders run functions

    async def repository(
        self,
        namespace: str,
        name: str,
        build: Callable[[repository.State], repository.Command],
        *,
        dry_run: bool = False,
    ) -> Outcome:
        subject = subjects.repository(namespace, name)
        key = snapshots.repository_state_key(namespace, name)
        for _ in range(ATTEMPTS):
            stored = self.mirror.repository_state(namespace, name)
            command = build(stored.state if stored else None)
            found = repository.decide(stored.state if stored else None, command)
            if dry_run:
                return Outcome(0, tuple(found))
            outcome = await self._append(
                found,
                subject=subject,
                boundary=None,
                expected=stored.seq if stored else 0,
                msg_id=command.meta.command_id,
                state_key=key,
            )
            if outcome is not None:
                return outcome
        raise Conflict(f'repository "{name}" is being changed concurrently; try again')

    async def package(
        self,
        namespace: str,
        repo: str,
        package: str,
        build: Callable[[packages.PackageState], packages.Command],
        *,
        dry_run: bool = False,
    ) -> Outcome:
        key = snapshots.package_state_key(namespace, repo, package)
        boundary = subjects.package_wildcard(namespace, repo, package)
        for _ in range(ATTEMPTS):
            stored = self.mirror.package_state(namespace, repo, package)
            state = (
                stored.state
                if stored
                else packages.empty(namespace=namespace, repository=repo, package=package)
            )
            command = build(state)
            found = packages.decide(state, command)
            if dry_run:
                return Outcome(0, tuple(found))
            outcome = await self._append(
                found,
                subject=subjects.revision(namespace, repo, package, command.workspace),
                boundary=boundary,
                expected=stored.seq if stored else 0,
                msg_id=command.meta.command_id,
                state_key=key,
            )
            if outcome is not None:
                return outcome
        raise Conflict(f'package "{package}" is being changed concurrently; try again')

    async def _append(
        self,
        found: list[ev.RepositoryEvent] | list[ev.PackageEvent],
        *,
        subject: str,
        boundary: str | None,
        expected: int,
        msg_id: str,
        state_key: str,
    ) -> Outcome | None:
        """Append the decided event; None when the boundary moved (decide again)."""
        if not found:
            return Outcome(0, ())
        if len(found) != 1:  # every command decides at most one event today
            raise AssertionError("multi-event commands need an atomic batch")
        event = found[0]
        item = appending.Append(
            subject=subject,
            data=ev.encode(event),
            event_type=ev.type_of(event),
            msg_id=msg_id,
            expected=expected,
            boundary=boundary,
        )
        try:
            seq = await appending.append(self.js, item)
        except Conflict:
            latest = await appending.last_sequence(self.js, boundary or subject)
            await self.mirror.wait_state(state_key, latest, timeout=self.visible_within)
            await asyncio.sleep(random.uniform(0, 0.004))  # de-synchronise contending writers
            return None
        await self.visible(state_key, seq)
        return Outcome(seq, (event,))

    async def answer(
        self,
        *,
        namespace: str,
        repo: str,
        package: str,
        workspace: str,
        after: int,
        command_id: str,
        kinds: tuple[type[ev.Event], ...],
    ) -> ev.Event:
        """The orchestrator's outcome of the command appended at ``after``, once visible."""
        subject = subjects.revision(namespace, repo, package, workspace)

        async def find() -> tuple[int, ev.Event]:
            stream = reading.follow(self.js, subject, after=after, known_types=ev.KNOWN_TYPES)
            try:
                async for record in stream:
                    event = ev.decode(record.data)
                    if event.command_id == command_id and isinstance(event, kinds):
                        return record.seq, event
            finally:
                await stream.aclose()  # type: ignore[attr-defined]
            raise AssertionError("the event stream ended")

        try:
            seq, event = await asyncio.wait_for(find(), self.answered_within)
        except TimeoutError:
            raise Timeout(
                f"the request was stored as event {after} but no orchestrator answered within "
                f"{self.answered_within:g}s; the orchestrator may be down, the request will be "
                "processed once it runs"
            ) from None
        await self.visible(snapshots.package_state_key(namespace, repo, package), seq)
        return event

    async def visible(self, state_key: str, seq: int) -> None:
        names = self.mirror.names
        started = time.monotonic()
        shown = await self.mirror.wait_state(state_key, seq, timeout=self.visible_within)
        shown = shown and await self.mirror.catch_up(names.revisions, timeout=self.visible_within)
        shown = shown and await self.mirror.catch_up(
            names.repositories, timeout=self.visible_within
        )
        metrics.waited_for_visibility(started, shown=shown)
        if not shown:
            raise Timeout(
                f"the change was stored as event {seq} but is not visible yet; "
                "the orchestrator may be down, it will appear once it catches up"
            )


__all__ = ["ATTEMPTS", "Outcome", "Writer"]
