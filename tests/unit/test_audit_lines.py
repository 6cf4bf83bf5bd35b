"""``porch audit tail`` output: one line per event, text or JSON Lines, unknown and broken
events skipped with a reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from porch.audit import lines
from porch.eventlog import records, subjects

CORPUS = Path(__file__).parent / "corpus" / "events-v1.jsonl"
EVENTS = {json.loads(line)["type"]: line for line in CORPUS.read_bytes().splitlines()}
PKG_SUBJECT = subjects.revision("default", "blue.prints", "apps/web", "v1")
REPO_SUBJECT = subjects.repository("default", "blue.prints")


def record(tag: str, *, seq: int = 7, data: bytes | None = None) -> records.Record:
    subject = REPO_SUBJECT if tag.startswith("Repository") else PKG_SUBJECT
    body = EVENTS[tag] if data is None else data
    return records.Record(seq=seq, subject=subject, data=body, headers={records.EVENT_TYPE: tag})


def test_a_text_line_has_time_seq_actor_type_where_and_details() -> None:
    line = lines.text(record("RevisionApproved.v1", seq=42))

    assert line == (
        "2026-01-01T00:00:11Z     42 alice@example.com RevisionApproved.v1 "
        "default/blue.prints/apps/web/v1 revision=3"
    )


def test_where_comes_from_the_subject_with_tokens_unescaped() -> None:
    assert lines.where(REPO_SUBJECT) == "default/blue.prints"
    assert lines.where(PKG_SUBJECT) == "default/blue.prints/apps/web/v1"
    assert lines.where("porch.other.x") == "porch.other.x"


def test_details_summarise_digests_tasks_commits_and_render_status() -> None:
    created = lines.text(record("RevisionCreated.v1"))
    synced = lines.text(record("RevisionSynced.v1"))
    failed = lines.text(record("RevisionCreationFailed.v1"))

    assert isinstance(created, str)
    assert "task=clone files=2" in created
    assert isinstance(synced, str)
    assert "commit=89abcdef0123 " in synced
    assert isinstance(failed, str)
    assert 'message="set-namespace: namespace is required" render=failed' in failed


def test_revision_zero_is_shown_and_empty_values_are_not() -> None:
    event = {"type": "X.v1", "revision": 0, "labels": {}, "finalizers": (), "flag": False}

    assert lines.details(event) == "revision=0"


def test_a_repository_url_loses_its_credentials() -> None:
    event = json.loads(EVENTS["RepositoryRegistered.v1"])
    event["spec"]["git"]["repo"] = "https://bob:s3cret@git.example.com:8443/bp.git"
    line = lines.text(record("RepositoryRegistered.v1", data=json.dumps(event).encode()))

    assert isinstance(line, str)
    assert "url=https://git.example.com:8443/bp.git branch=main" in line
    assert "s3cret" not in line
    assert "bob" not in line


def test_long_values_are_cut() -> None:
    assert lines.details({"message": "x" * 100}) == f"message={'x' * 57}..."


def test_json_is_the_stored_event_with_seq_and_subject() -> None:
    line = lines.json_line(record("RevisionProposed.v1", seq=9))

    assert isinstance(line, str)
    doc = json.loads(line)
    assert doc == {
        "seq": 9,
        "subject": PKG_SUBJECT,
        "event": json.loads(EVENTS["RevisionProposed.v1"]),
    }
    assert line.endswith(EVENTS["RevisionProposed.v1"].decode() + "}")  # byte for byte


def test_a_multi_line_event_is_still_one_json_line() -> None:
    pretty = json.dumps(json.loads(EVENTS["RevisionProposed.v1"]), indent=2).encode()
    line = lines.json_line(record("RevisionProposed.v1", data=pretty))

    assert isinstance(line, str)
    assert "\n" not in line
    assert json.loads(line)["event"]["type"] == "RevisionProposed.v1"


@pytest.mark.parametrize("render", [lines.text, lines.json_line])
def test_an_unknown_type_is_skipped_with_a_reason(render: lines.Format) -> None:
    rec = records.Record(
        seq=5,
        subject=REPO_SUBJECT,
        data=b'{"type":"New.v9"}',
        headers={records.EVENT_TYPE: "New.v9"},
    )

    skipped = render(rec)

    assert isinstance(skipped, lines.Skipped)
    assert skipped.note() == f"skipped event 5 on {REPO_SUBJECT}: unknown event type 'New.v9'"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"{not json", "does not decode as RevisionApproved.v1"),
        (b'{"type":"RevisionApproved.v1"}', "missing required field"),
        (
            EVENTS["RevisionProposed.v1"],
            "header says RevisionApproved.v1, body RevisionProposed.v1",
        ),
    ],
)
def test_a_record_that_does_not_decode_as_its_header_is_skipped(data: bytes, reason: str) -> None:
    skipped = lines.text(record("RevisionApproved.v1", data=data))

    assert isinstance(skipped, lines.Skipped)
    assert reason in skipped.reason


def test_every_recorded_event_gives_one_text_line() -> None:
    for tag in EVENTS:
        line = lines.text(record(tag))
        assert isinstance(line, str), tag
        assert "\n" not in line
        assert tag in line
