"""``rpkg log``: a revision's history read straight from the event stream (local mode).

The apiserver has no endpoint for it yet, so this connects to NATS (``--nats`` or the
address ``porch up`` keeps in ``$PORCH_HOME/ports.json``) and reads the revision's subject.
Formatting is pure; NATS is imported only when the command runs.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from porch.porchctl import printing
from porch.porchctl.failures import CliError

Json = dict[str, Any]
_ENVELOPE = {
    "type",
    "id",
    "time",
    "actor",
    "command_id",
    "namespace",
    "repository",
    "package",
    "workspace",
    "uid",
    "seq",
}


def split_name(name: str) -> tuple[str, str, str]:
    """(repository, package path, workspace) of ``<repo>.<path.with.dots>.<workspace>``;
    unambiguous because repository names and path segments are RFC-1123 labels."""
    parts = name.split(".")
    if len(parts) < 3 or not all(parts):
        raise CliError(f"cannot read {name!r} as <repository>.<package path>.<workspace>")
    return parts[0], "/".join(parts[1:-1]), parts[-1]


def nats_url(flag: str, env: dict[str, str] | os._Environ[str]) -> str:
    if flag:
        return flag
    home = Path(env.get("PORCH_HOME", ".porch"))
    try:
        ports = json.loads((home / "ports.json").read_text())
        return f"nats://127.0.0.1:{int(ports['nats'])}"
    except (OSError, ValueError, KeyError, TypeError):
        raise CliError(
            f"rpkg log reads the event stream directly (local mode): pass --nats URL or set "
            f"PORCH_HOME to the directory of a running `porch up` (no ports.json in {home})"
        ) from None


def _short(value: Any) -> str:
    text = (
        value
        if isinstance(value, str)
        else json.dumps(value, separators=(",", ":"), sort_keys=True)
    )
    return text if len(text) <= 60 else text[:57] + "..."


def details(event: Json) -> str:
    """The interesting fields of one event, as ``key=value`` (digests and maps summarised)."""
    kind = str(event.get("type", ""))
    parts = []
    if kind.startswith(("RevisionCreated", "RevisionCreationRequested")):
        tasks = event.get("tasks") or []
        if tasks:
            parts.append(f"task={tasks[0].get('type')}")
    for key, value in event.items():
        if key in _ENVELOPE or key in ("tasks", "inputs", "kptfile") or value in (None, "", {}, []):
            continue
        if key == "resources" and isinstance(value, dict):
            parts.append(f"files={len(value)}")
        elif key == "commit" and isinstance(value, str):
            parts.append(f"commit={value[:12]}")
        elif key == "render_status" and isinstance(value, dict):
            parts.append(f"render={'failed' if value.get('error') else 'ok'}")
        else:
            parts.append(f"{key}={_short(value)}")
    return " ".join(parts)


def rows(events: list[Json]) -> list[list[str]]:
    out = [["TIME", "ACTOR", "EVENT", "DETAILS"]]
    for e in events:
        actor = (e.get("actor") or {}).get("user", "")
        out.append(
            [str(e.get("time", "")), str(actor), str(e.get("type", "")).split(".v")[0], details(e)]
        )
    return out


async def read_events(
    url: str, namespace: str, repo: str, package: str, workspace: str
) -> list[Json]:
    from porch.domain import events as ev
    from porch.eventlog import connecting, reading, subjects

    nc = await connecting.connect(url, name="porchctl-log", wait=5.0)
    try:
        js = nc.jetstream()
        subject = subjects.revision(namespace, repo, package, workspace)
        found = await reading.read(js, subject, known_types=ev.KNOWN_TYPES)
        return [json.loads(r.data) | {"seq": r.seq} for r in found]
    finally:
        await nc.close()


def show(events: list[Json], *, output: str) -> str:
    if output == "json":
        return printing.to_json(events)
    return printing.align(rows(events))


__all__ = ["details", "nats_url", "read_events", "rows", "show", "split_name"]
