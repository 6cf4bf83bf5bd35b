"""Appending observed facts (not commands) to an aggregate's subject.

A fact does not depend on state, so a conflict only means someone else wrote first: read
the boundary's new last sequence and append again. The message id is derived from the
work item, so a redelivered work item never records the same fact twice.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass
from datetime import UTC, datetime

from nats.js import JetStreamContext

from porch.domain import events as ev
from porch.domain.common import Actor, CommandMeta
from porch.errors import Conflict
from porch.eventlog import appending, subjects
from porch_gitsync import metrics

ACTOR = Actor(user="system:porch-git-sync", groups=("system:serviceaccounts",))
ATTEMPTS = 10


def meta(msg_id: str) -> CommandMeta:
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return CommandMeta(command_id=msg_id, time=now, actor=ACTOR)


async def record(
    js: JetStreamContext, *, subject: str, boundary: str | None, event: ev.Event
) -> int:
    for attempt in range(ATTEMPTS):
        if attempt:  # jittered, growing pauses keep contending writers out of lockstep
            await asyncio.sleep(random.uniform(0, 0.005 * 2 ** min(attempt, 6)))
        expected = await appending.last_sequence(js, boundary or subject)
        item = appending.Append(
            subject=subject,
            data=ev.encode(event),
            event_type=ev.type_of(event),
            msg_id=event.command_id,
            expected=expected,
            boundary=boundary,
        )
        try:
            seq = await appending.append(js, item)
        except Conflict:
            continue
        metrics.fact_appended(event)
        return seq
    raise Conflict(f"could not record {ev.type_of(event)} on {subject}: too much contention")


@dataclass(frozen=True)
class Fact:
    """An event and where it goes: a repository's subject or a revision's (with its package
    boundary)."""

    subject: str
    boundary: str | None
    event: ev.Event


def about_repository(namespace: str, repository: str, event: ev.Event) -> Fact:
    return Fact(subjects.repository(namespace, repository), None, event)


def about_revision(
    namespace: str, repository: str, package: str, workspace: str, event: ev.Event
) -> Fact:
    return Fact(
        subjects.revision(namespace, repository, package, workspace),
        subjects.package_wildcard(namespace, repository, package),
        event,
    )


async def record_all(js: JetStreamContext, facts: list[Fact]) -> None:
    for fact in facts:
        await record(js, subject=fact.subject, boundary=fact.boundary, event=fact.event)


__all__ = ["ACTOR", "Fact", "about_repository", "about_revision", "meta", "record", "record_all"]
