"""One stored event -> one output line: text for people, JSON Lines for programs.

Unknown tags (written by a newer version) and records that do not decode as their tag are
not printed: the caller gets a ``Skipped`` with the reason and carries on. Text lines are
``TIME SEQ ACTOR TYPE WHERE DETAILS``; WHERE is ``ns/repo`` or ``ns/repo/package/workspace``
from the subject, DETAILS a few ``key=value`` pairs (digests and maps summarised, URL
credentials removed). Pure; no I/O.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import msgspec

from porch.domain import events as ev
from porch.eventlog import records, subjects

Json = dict[str, Any]

# Shown in the line's own columns, or too bulky to be a detail.
_HIDDEN = frozenset(
    {
        "type",
        "id",
        "time",
        "actor",
        "command_id",
        "namespace",
        "repository",
        "package",
        "workspace",
        "name",
        "uid",
        "inputs",
        "kptfile",
        "owner_references",
    }
)
_MAX_VALUE = 60


@dataclass(frozen=True)
class Skipped:
    seq: int
    subject: str
    reason: str

    def note(self) -> str:
        return f"skipped event {self.seq} on {self.subject}: {self.reason}"


def _decoded(record: records.Record) -> Json | Skipped:
    tag = record.event_type
    if tag not in ev.KNOWN_TYPES:
        return Skipped(record.seq, record.subject, f"unknown event type {tag!r}")
    try:
        event = ev.decode(record.data)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        return Skipped(record.seq, record.subject, f"does not decode as {tag}: {exc}")
    if ev.type_of(event) != tag:
        return Skipped(record.seq, record.subject, f"header says {tag}, body {ev.type_of(event)}")
    body: Json = msgspec.to_builtins(event)
    return body


def where(subject: str) -> str:
    found = subjects.parse(subject)
    if found is None:
        return subject
    if found.is_repository:
        return f"{found.namespace}/{found.repository}"
    return f"{found.namespace}/{found.repository}/{found.package}/{found.workspace}"


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
    if len(text) > _MAX_VALUE:
        text = text[: _MAX_VALUE - 3] + "..."
    return json.dumps(text) if (" " in text or not text) else text


def _without_credentials(url: str) -> str:
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit(parts._replace(netloc=netloc))


def _spec(spec: Json) -> list[str]:
    kind = str(spec.get("type", ""))
    found = spec.get(kind)
    target: Json = found if isinstance(found, dict) else {}
    url = str(target.get("repo") or target.get("registry") or "")
    out = [f"repo={kind}"] + ([f"url={_without_credentials(url)}"] if url else [])
    if target.get("branch"):
        out.append(f"branch={target['branch']}")
    if spec.get("deployment"):
        out.append("deployment=true")
    return out


def _detail(key: str, value: Any) -> list[str]:
    if key == "tasks":
        return [f"task={','.join(str(t.get('type', '?')) for t in value)}"]
    if key == "resources" and isinstance(value, dict):
        return [f"files={len(value)}"]
    if key == "commit" and isinstance(value, str):
        return [f"{key}={value[:12]}"]
    if key == "render_status" and isinstance(value, dict):
        return [f"render={'failed' if value.get('error') else 'ok'}"]
    if key == "spec" and isinstance(value, dict):
        return _spec(value)
    if isinstance(value, dict):
        return [f"{key}={_short(','.join(f'{k}={v}' for k, v in sorted(value.items())))}"]
    if isinstance(value, list | tuple):
        return [f"{key}={_short(','.join(str(v) for v in value))}"]
    return [f"{key}={_short(value)}"]


def _empty(value: Any) -> bool:
    """Unset: None, False or an empty string or collection (0 is a value: revision 0)."""
    return (
        value is None
        or value is False
        or (isinstance(value, str | dict | list | tuple) and not value)
    )


def details(event: Json) -> str:
    """The interesting fields of one event as ``key=value`` pairs (empty ones left out)."""
    parts: list[str] = []
    for key, value in event.items():
        if key in _HIDDEN or _empty(value):
            continue
        parts.extend(_detail(key, value))
    return " ".join(parts)


def text(record: records.Record) -> str | Skipped:
    event = _decoded(record)
    if isinstance(event, Skipped):
        return event
    actor = str((event.get("actor") or {}).get("user") or "-")
    head = f"{event['time']} {record.seq:>6} {actor} {event['type']} {where(record.subject)}"
    more = details(event)
    return f"{head} {more}" if more else head


def json_line(record: records.Record) -> str | Skipped:
    """``{"seq", "subject", "event"}`` with the event exactly as stored when it is one line."""
    event = _decoded(record)
    if isinstance(event, Skipped):
        return event
    raw = record.data.decode()
    if "\n" in raw or "\r" in raw:
        raw = json.dumps(json.loads(raw), separators=(",", ":"))
    return f'{{"seq":{record.seq},"subject":{json.dumps(record.subject)},"event":{raw}}}'


Format = Callable[[records.Record], "str | Skipped"]
FORMATS: dict[str, Format] = {"text": text, "json": json_line}

__all__ = ["FORMATS", "Format", "Skipped", "details", "json_line", "text", "where"]
