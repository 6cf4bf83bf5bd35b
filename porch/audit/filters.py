"""Where ``porch audit tail`` starts and which subjects it reads: flags to a position.

``--since`` is an RFC 3339 time or a duration back from now (``90s``, ``15m``, ``1h30m``,
``2d``); ``--seq`` a stream sequence; ``--subject-filter`` ``ns[/repo[/package]]``, each
part escaped as the stream escapes it, ``*`` matching any one namespace or repository.
Pure: the clock arrives as an argument. Bad flags raise ``Invalid`` naming the flag.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from porch.errors import Cause, Invalid
from porch.eventlog.subjects import ALL_EVENTS, EVENTS_PREFIX
from porch.model.names import encode_token

_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_DURATION = re.compile(r"^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$")
_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d)")


@dataclass(frozen=True)
class Start:
    """The first event to show: by stream sequence, by stored time, or from the beginning."""

    seq: int = 0  # 0: not by sequence
    time: datetime | None = None


def invalid(flag: str, value: str, problem: str) -> Invalid:
    return Invalid(
        f"{flag} {value!r}: {problem}",
        causes=[Cause("FieldValueInvalid", f"Invalid value: {value!r}: {problem}", flag)],
    )


def parse_duration(value: str) -> timedelta:
    """A Go-style duration (``1h30m``, ``90s``, ``500ms``) plus days (``2d``)."""
    if not _DURATION.match(value):
        raise ValueError(value)
    seconds = sum(float(n) * _UNITS[unit] for n, unit in _PART.findall(value))
    return timedelta(seconds=seconds)


def parse_since(value: str, *, now: datetime) -> datetime:
    """An aware UTC time from ``--since``: RFC 3339, or a duration before ``now``."""
    try:
        return now.astimezone(UTC) - parse_duration(value)
    except ValueError:
        pass
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise invalid(
            "--since",
            value,
            "expected an RFC 3339 time (2026-01-01T00:00:00Z) or a duration (90s, 15m, 1h30m, 2d)",
        ) from None
    if when.tzinfo is None:
        raise invalid("--since", value, "an RFC 3339 time needs a zone offset (Z or +hh:mm)")
    return when.astimezone(UTC)


def start(*, since: str | None, seq: int | None, now: datetime) -> Start:
    if since is not None and seq is not None:
        raise invalid("--seq", str(seq), "give either --since or --seq, not both")
    if seq is not None:
        if seq < 1:
            raise invalid("--seq", str(seq), "stream sequences start at 1")
        return Start(seq=seq)
    if since is not None:
        return Start(time=parse_since(since, now=now))
    return Start()


def subject_filter(value: str | None) -> str:
    """The NATS subject filter for ``ns[/repo[/package]]`` (package paths may hold ``/``);
    a namespace or repository filter includes the repository's own events."""
    if not value:
        return ALL_EVENTS
    parts = value.split("/", 2)
    if any(p == "" for p in parts):
        raise invalid("--subject-filter", value, "expected namespace[/repository[/package]]")
    if len(parts) == 3 and "*" in parts[2]:
        raise invalid("--subject-filter", value, "a package path cannot hold a wildcard")
    tokens = [p if p == "*" else encode_token(p) for p in parts]
    return ".".join([EVENTS_PREFIX, *tokens, ">"])


__all__ = ["Start", "invalid", "parse_duration", "parse_since", "start", "subject_filter"]
