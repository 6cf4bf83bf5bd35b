"""The published event JSON Schemas (schemas/events/): they accept every recorded event,
refuse broken ones, cover every known type, and match what the generator writes."""

from __future__ import annotations

import copy
import importlib.util
import json
import shutil
from pathlib import Path
from types import ModuleType
from typing import Any

import jsonschema
import pytest

from porch.audit import kinds
from porch.domain import events as ev

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "schemas" / "events"
CORPUS = Path(__file__).parent / "corpus" / "events-v1.jsonl"
EVENTS = [json.loads(line) for line in CORPUS.read_bytes().splitlines()]


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "gen_event_schemas", ROOT / "scripts" / "gen_event_schemas.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _validator(tag: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMAS / f"{tag}.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("event", EVENTS, ids=[e["type"] for e in EVENTS])
def test_every_recorded_event_validates_against_its_schema(event: dict[str, Any]) -> None:
    errors = list(_validator(event["type"]).iter_errors(event))

    assert errors == []


@pytest.mark.parametrize("event", EVENTS, ids=[e["type"] for e in EVENTS])
def test_a_schema_refuses_a_missing_envelope_field_and_a_wrong_type(
    event: dict[str, Any],
) -> None:
    validator = _validator(event["type"])
    missing = {k: v for k, v in event.items() if k != "command_id"}
    wrong = copy.deepcopy(event) | {"actor": {"groups": ["g"]}}  # no user
    other_tag = event | {"type": "SomethingElse.v1"}

    assert not validator.is_valid(missing)
    assert not validator.is_valid(wrong)
    assert not validator.is_valid(other_tag)


def test_a_wrong_field_type_is_refused() -> None:
    approved = next(e for e in EVENTS if e["type"] == "RevisionApproved.v1")

    assert not _validator("RevisionApproved.v1").is_valid(approved | {"revision": "3"})


def test_the_index_lists_every_known_type_with_its_kind_subject_and_schema() -> None:
    index = json.loads((SCHEMAS / "index.json").read_text())
    listed = {e["type"]: e for e in index["events"]}

    assert set(listed) == ev.KNOWN_TYPES
    assert {p.name for p in SCHEMAS.glob("*.v*.json")} == {e["schema"] for e in listed.values()}
    assert listed["RevisionApproved.v1"]["subject"] == (
        "porch.ev.{namespace}.{repository}.{package}.{workspace}"
    )
    assert listed["RepositorySynced.v1"]["subject"] == "porch.ev.{namespace}.{repository}._repo"
    assert listed["RevisionCreated.v1"]["kind"] == "outcome"
    assert index["stream"] == "PORCH_EVENTS"


def test_every_known_type_has_a_kind() -> None:
    assert set(kinds.KINDS) == ev.KNOWN_TYPES


def test_descriptions_come_from_docstrings_and_field_comments() -> None:
    schema = json.loads((SCHEMAS / "RevisionDiscovered.v1.json").read_text())

    assert schema["description"].startswith("A revision as found in Git/OCI")
    assert "\n" not in schema["description"]  # reflowed, not the raw indented docstring
    assert "the branch placeholder" in schema["properties"]["revision"]["description"]
    assert schema["properties"]["workspace"].keys() == {"type"}  # no comment, no description


def test_the_committed_schemas_are_what_the_generator_writes() -> None:
    assert _generator().check() == 0


def test_the_drift_check_fails_on_an_edited_missing_or_stale_file(tmp_path: Path) -> None:
    gen = _generator()
    for change in ("edit", "remove", "add"):
        copy_dir = tmp_path / change
        shutil.copytree(SCHEMAS, copy_dir)
        target = copy_dir / "RevisionApproved.v1.json"
        if change == "edit":
            target.write_text(target.read_text().replace('"integer"', '"string"'))
        elif change == "remove":
            target.unlink()
        else:
            (copy_dir / "RevisionVanished.v1.json").write_text("{}\n")

        assert gen.check(copy_dir) == 1, change


def test_generating_twice_gives_the_same_files(tmp_path: Path) -> None:
    gen = _generator()
    gen.generate(tmp_path)
    first = {p.name: p.read_text() for p in tmp_path.iterdir()}
    gen.generate(tmp_path)

    assert {p.name: p.read_text() for p in tmp_path.iterdir()} == first
    assert gen.check(tmp_path) == 0
