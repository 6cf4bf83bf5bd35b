"""Poll intervals from a Repository's ``spec.sync`` (git-sync's ``schedules``): what is
understood, and the default with a warning for everything else."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from porch_gitsync.schedules import DEFAULT_INTERVAL_S, interval


def sync(schedule: object) -> dict[str, Any]:
    return {"type": "git", "sync": {"schedule": schedule}}


@pytest.mark.parametrize(
    "spec",
    [
        {},
        {"sync": None},
        {"sync": "@every 5s"},  # not an object: ignored like an absent one
        {"sync": {}},
        {"sync": {"runOnceAt": "2025-01-01T00:00:00Z"}},
        sync(""),
        sync("   "),
        sync(None),
        sync(30),
    ],
)
def test_no_schedule_means_the_default_without_a_warning(spec: dict[str, Any]) -> None:
    assert interval(spec) == (DEFAULT_INTERVAL_S, "")
    assert interval(spec, default=7.0) == (7.0, "")


@pytest.mark.parametrize(
    ("schedule", "seconds"),
    [
        ("@every 2s", 2.0),
        ("@every 30s", 30.0),
        ("@every 5m", 300.0),
        ("@every 1h30m", 5400.0),
        ("@every 1h0m10s", 3610.0),
        ("@every 1.5s", 1.5),
        ("@every 500ms", 0.5),
        ("  @every 45s  ", 45.0),
        ("@hourly", 3600.0),
        ("@daily", 86400.0),
        ("@midnight", 86400.0),
        ("@weekly", 604800.0),
        ("* * * * *", 60.0),
        ("*/1 * * * *", 60.0),
        ("*/5 * * * *", 300.0),
        ("*/15  *  *  *  *", 900.0),
    ],
)
def test_understood_schedules(schedule: str, seconds: float) -> None:
    assert interval(sync(schedule)) == (seconds, "")


@pytest.mark.parametrize(
    "schedule",
    [
        "@every",
        "@every ",
        "@every 0s",
        "@every 10",  # Go durations need a unit
        "@every 5x",
        "@every -5s",
        "@every 5 s",
        "@every s",
        "@yearly",
        "@reboot",
        "0 * * * *",  # fixed minute: a time of day, not an interval
        "30 2 * * *",
        "*/0 * * * *",
        "*/5 2 * * *",
        "*/5 * * *",  # four fields
        "0 */5 * * * *",  # six fields (seconds): not the standard parser
        "every 5 minutes",
    ],
)
def test_unsupported_schedules_fall_back_to_the_default_with_a_warning(schedule: str) -> None:
    seconds, warning = interval(sync(schedule), default=12.0)
    assert seconds == 12.0
    assert repr(schedule.strip()) in warning
    assert "12s" in warning


@given(
    hours=st.integers(0, 99),
    minutes=st.integers(0, 59),
    secs=st.integers(0, 59),
)
def test_every_adds_up_its_units(hours: int, minutes: int, secs: int) -> None:
    text = f"{hours}h{minutes}m{secs}s"
    total = hours * 3600.0 + minutes * 60.0 + secs
    seconds, warning = interval(sync(f"@every {text}"))
    if total == 0:
        assert (seconds, bool(warning)) == (DEFAULT_INTERVAL_S, True)
    else:
        assert (seconds, warning) == (total, "")


@given(st.integers(1, 59))
def test_every_n_minutes_cron_is_n_minutes(n: int) -> None:
    assert interval(sync(f"*/{n} * * * *")) == (n * 60.0, "")
