"""Value types shared by every aggregate: who acted, when, and under which command id.

Pure; no I/O.
"""

from __future__ import annotations

import uuid
from typing import Any

import msgspec


class Actor(msgspec.Struct, frozen=True, kw_only=True):
    """The authenticated user behind a command (never credentials)."""

    user: str
    groups: tuple[str, ...] = ()


class CommandMeta(msgspec.Struct, frozen=True, kw_only=True):
    """What every command carries so that ``decide`` stays pure."""

    command_id: str
    time: str  # RFC 3339, UTC, second precision
    actor: Actor


_EVENT_NS = uuid.UUID("6f1c1d0e-6a0b-4f57-9b0e-2b0b5a1f7c11")


def event_id(meta: CommandMeta, index: int) -> str:
    """A deterministic event id: the same command always yields the same event ids."""
    return str(uuid.uuid5(_EVENT_NS, f"{meta.command_id}/{index}"))


def event_fields(meta: CommandMeta) -> dict[str, Any]:
    """The fields every event shares, for the single event a command decides."""
    return {
        "id": event_id(meta, 0),
        "time": meta.time,
        "actor": meta.actor,
        "command_id": meta.command_id,
    }


__all__ = ["Actor", "CommandMeta", "event_fields", "event_id"]
