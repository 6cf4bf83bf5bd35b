"""The three kinds of events a subscriber sees (docs/events.md), by tag.

A **command** was accepted by the API (a user asked for it), an **outcome** answers a
command the orchestrator worked on (same ``command_id``), a **fact** is what git-sync read
from or wrote to Git/OCI. Kept as a table so that a new event type cannot be published
without a kind: a unit test compares it with ``events.KNOWN_TYPES``. Pure; no I/O.
"""

from __future__ import annotations

from typing import Literal

Kind = Literal["command", "outcome", "fact"]

KINDS: dict[str, Kind] = {
    # commands accepted by the API
    "RepositoryRegistered.v1": "command",
    "RepositoryUpdated.v1": "command",
    "RepositoryUnregistered.v1": "command",
    "RevisionCreationRequested.v1": "command",
    "RevisionResourcesSubmitted.v1": "command",
    "RevisionMetadataUpdated.v1": "command",
    "RevisionProposed.v1": "command",
    "RevisionRejected.v1": "command",
    "RevisionApproved.v1": "command",
    "RevisionDeletionProposed.v1": "command",
    "RevisionDeletionRejected.v1": "command",
    "RevisionDeletionStarted.v1": "command",
    "RevisionDeleted.v1": "command",
    # outcomes of the orchestrator's work for a command
    "RevisionCreated.v1": "outcome",
    "RevisionCreationFailed.v1": "outcome",
    "RevisionResourcesUpdated.v1": "outcome",
    "RevisionResourcesRejected.v1": "outcome",
    # facts from Git/OCI, appended by git-sync
    "RepositoryConnected.v1": "fact",
    "RepositoryConnectionFailed.v1": "fact",
    "RepositorySynced.v1": "fact",
    "RevisionSynced.v1": "fact",
    "RevisionSyncFailed.v1": "fact",
    "RevisionDiscovered.v1": "fact",
    "RevisionRemoved.v1": "fact",
}


def kind_of(tag: str) -> Kind | None:
    return KINDS.get(tag)


__all__ = ["KINDS", "Kind", "kind_of"]
