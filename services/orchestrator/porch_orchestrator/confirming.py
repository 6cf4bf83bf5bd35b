"""Which work a replay must not send again: effects the stream already confirms.

A cold start folds every event ever appended, and the fold yields work for each of them.
Most of it was done long ago: git-sync recorded ``RevisionSynced``/``RevisionSyncFailed``
with the item's ``source_event``, the task worker answered the request with an outcome
carrying its ``command_id``. Such work is dropped, and so is branch work (draft, move,
deletion marker) for a revision whose later ``DeleteRevision`` or ``PublishRevision`` in
the same replay leaves no branch behind. What is left may be genuinely pending and is sent.
Pure; no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from porch.domain import events as ev
from porch.domain import syncwork, taskwork

SyncItem = tuple[str, syncwork.Work]  # (subject, work)
TaskItem = tuple[str, taskwork.RunTask]
RevisionKey = tuple[str, str, str, str]  # namespace, repository, package, workspace

# Work that only shapes a revision's draft/proposed branch or its deletion marker: undone by
# deleting the revision, and (draft, move) by publishing it, which retires the branch.
_BRANCH_WORK = (syncwork.WriteDraft, syncwork.MoveRevision, syncwork.MarkDeletion)
_TASK_OUTCOMES = (
    ev.RevisionCreated,
    ev.RevisionCreationFailed,
    ev.RevisionResourcesUpdated,
    ev.RevisionResourcesRejected,
)


@dataclass
class Confirmations:
    """Ids of work the stream reports done, collected while catching up."""

    synced: set[str] = field(default_factory=set)  # source_event of git-sync's reports
    answered: set[str] = field(default_factory=set)  # command_id of task outcomes

    def observe(self, event: ev.AnyEvent) -> None:
        if isinstance(event, ev.RevisionSynced | ev.RevisionSyncFailed):
            self.synced.add(event.source_event)
        elif isinstance(event, _TASK_OUTCOMES):
            self.answered.add(event.command_id)

    def clear(self) -> None:
        self.synced.clear()
        self.answered.clear()

    def __len__(self) -> int:
        return len(self.synced) + len(self.answered)


def pending_work(
    work: Sequence[SyncItem], later: Sequence[SyncItem], seen: Confirmations
) -> list[SyncItem]:
    """``work`` (in order) without what ``seen`` confirms or what a later item in ``work``
    or ``later`` (the work of events folded after it) supersedes."""
    ends: dict[RevisionKey, int] = {}  # revision -> index of its last delete
    publishes: dict[RevisionKey, int] = {}  # revision -> index of its last publish
    items = [*work, *later]
    for i, (_, item) in enumerate(items):
        if isinstance(item, syncwork.DeleteRevision):
            ends[_revision(item)] = i
        elif isinstance(item, syncwork.PublishRevision):
            publishes[_revision(item)] = i
    out: list[SyncItem] = []
    for i, (subject, item) in enumerate(work):
        if item.source_event in seen.synced:
            continue
        if isinstance(item, _BRANCH_WORK):
            key = _revision(item)
            if ends.get(key, -1) > i:
                continue
            if not isinstance(item, syncwork.MarkDeletion) and publishes.get(key, -1) > i:
                continue
        out.append((subject, item))
    return out


def pending_tasks(tasks: Sequence[TaskItem], seen: Confirmations) -> list[TaskItem]:
    """``tasks`` without the requests already answered."""
    return [(s, t) for s, t in tasks if t.request.command_id not in seen.answered]


def _revision(
    item: syncwork.WriteDraft
    | syncwork.MoveRevision
    | syncwork.MarkDeletion
    | syncwork.DeleteRevision
    | syncwork.PublishRevision,
) -> RevisionKey:
    return (item.namespace, item.repository, item.package, item.workspace)


__all__ = ["Confirmations", "pending_tasks", "pending_work"]
