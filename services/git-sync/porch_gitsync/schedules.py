"""How often a repository is polled, from its ``spec.sync`` (Porch's per-repository sync).

Supported: no ``spec.sync`` (the default interval), ``schedule`` as robfig/cron's
``@every <duration>`` (``30s``, ``5m``, ``1h30m``), the descriptors ``@hourly``, ``@daily``
and ``@weekly``, and five-field cron expressions that mean "every N minutes" (``* * * * *``,
``*/N * * * *``).
Other cron expressions (fixed times of day) fall back to the default interval with a
warning; ``runOnceAt`` is honoured as "one extra pass", which the default interval already
gives. Pure; no I/O.
"""

from __future__ import annotations

import re
from typing import Any

DEFAULT_INTERVAL_S = 10.0
_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h)")
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}
_DESCRIPTORS = {"@hourly": 3600.0, "@daily": 86400.0, "@midnight": 86400.0, "@weekly": 604800.0}


def _duration(text: str) -> float | None:
    text = text.strip()
    if not text or _DURATION.sub("", text):
        return None
    total = sum(float(n) * _UNITS[unit] for n, unit in _DURATION.findall(text))
    return total if total > 0 else None


def _cron_minutes(expr: str) -> float | None:
    fields = expr.split()
    if len(fields) != 5 or any(f != "*" for f in fields[1:]):
        return None
    minute = fields[0]
    if minute == "*":
        return 60.0
    match = re.fullmatch(r"\*/([1-9][0-9]*)", minute)
    return float(match.group(1)) * 60.0 if match else None


def interval(spec: dict[str, Any], *, default: float = DEFAULT_INTERVAL_S) -> tuple[float, str]:
    """Seconds between polls, and a warning ('' when the schedule was understood)."""
    sync = spec.get("sync")
    schedule = sync.get("schedule") if isinstance(sync, dict) else None
    if not isinstance(schedule, str) or not schedule.strip():
        return default, ""
    schedule = schedule.strip()
    if schedule.startswith("@every "):
        seconds = _duration(schedule.removeprefix("@every "))
    else:
        seconds = _DESCRIPTORS.get(schedule) or _cron_minutes(schedule)
    if seconds is None:
        return default, f"unsupported sync schedule {schedule!r}; polling every {default:g}s"
    return seconds, ""


__all__ = ["DEFAULT_INTERVAL_S", "interval"]
