"""``porch audit tail`` flags: start position, subject filter, NATS address."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from porch.audit import command, filters
from porch.errors import Invalid, PorchError

NOW = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("90s", 90), ("15m", 900), ("1h30m", 5400), ("2d", 172800), ("500ms", 0.5), ("1.5h", 5400)],
)
def test_durations(value: str, seconds: float) -> None:
    assert filters.parse_duration(value) == timedelta(seconds=seconds)


def test_since_a_duration_counts_back_from_now() -> None:
    assert filters.parse_since("15m", now=NOW) == datetime(2026, 3, 1, 11, 45, tzinfo=UTC)


def test_since_an_rfc3339_time_is_read_as_utc() -> None:
    assert filters.parse_since("2026-03-01T14:00:00+02:00", now=NOW) == NOW
    assert filters.parse_since("2026-03-01T12:00:00Z", now=NOW) == NOW


@pytest.mark.parametrize("value", ["yesterday", "15", "1h-5m", "2026-03-01T12:00:00", ""])
def test_a_bad_since_is_invalid_and_names_the_flag(value: str) -> None:
    with pytest.raises(Invalid) as caught:
        filters.parse_since(value, now=NOW)

    assert caught.value.causes[0].field == "--since"


def test_start_by_sequence_time_or_from_the_beginning() -> None:
    assert filters.start(since=None, seq=None, now=NOW) == filters.Start()
    assert filters.start(since=None, seq=12, now=NOW) == filters.Start(seq=12)
    assert filters.start(since="1h", seq=None, now=NOW) == filters.Start(
        time=NOW - timedelta(hours=1)
    )


@pytest.mark.parametrize(("since", "seq"), [("1h", 3), (None, 0), (None, -1)])
def test_bad_start_flags_are_invalid(since: str | None, seq: int) -> None:
    with pytest.raises(Invalid, match="--seq"):
        filters.start(since=since, seq=seq, now=NOW)


@pytest.mark.parametrize(
    ("value", "subject"),
    [
        (None, "porch.ev.>"),
        ("default", "porch.ev.default.>"),
        ("default/blue.prints", "porch.ev.default.blue=2Eprints.>"),
        ("default/bp/apps/web", "porch.ev.default.bp.apps/web.>"),
        ("*/bp", "porch.ev.*.bp.>"),
        ("default/*", "porch.ev.default.*.>"),
    ],
)
def test_subject_filters(value: str | None, subject: str) -> None:
    assert filters.subject_filter(value) == subject


@pytest.mark.parametrize("value", ["/bp", "default//pkg", "default/", "ns/repo/a*"])
def test_bad_subject_filters_are_invalid(value: str) -> None:
    with pytest.raises(Invalid, match="--subject-filter"):
        filters.subject_filter(value)


def test_the_nats_address_comes_from_the_flag_or_ports_json(tmp_path: Path) -> None:
    (tmp_path / "ports.json").write_text(json.dumps({"nats": 4333, "apiserver": 1}))

    assert command.nats_url("nats://elsewhere:1", home=tmp_path) == "nats://elsewhere:1"
    assert command.nats_url(None, home=tmp_path) == "nats://127.0.0.1:4333"
    with pytest.raises(PorchError, match="pass --nats URL or set PORCH_HOME"):
        command.nats_url(None, home=tmp_path / "nowhere")


def test_options_refuse_an_unknown_output() -> None:
    with pytest.raises(Invalid, match="--output"):
        command.options(
            nats="nats://x:1",
            home=Path("."),
            since=None,
            seq=None,
            subject_filter=None,
            output="yaml",
            follow=False,
        )


def test_the_command_is_wired_and_its_help_renders() -> None:
    from typer.testing import CliRunner

    from porch.cli import app

    result = CliRunner().invoke(app, ["audit", "tail", "--help"])

    assert result.exit_code == 0, result.output
    for flag in ("--since", "--seq", "--subject-filter", "--output", "--nats", "--no-follow"):
        assert flag in result.output
