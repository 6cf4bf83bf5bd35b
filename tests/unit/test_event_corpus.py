"""Schema-evolution guard (STYLE §3): recorded events must keep decoding.

``corpus/events-v1.jsonl`` is committed data: one encoded example of every event type,
written once and never regenerated. If a test here fails, an event's wire shape changed;
add a new tag (``<Name>.v2``) instead of editing the old one. A new event type must get a
line appended here.
"""

from __future__ import annotations

import json
import typing
from pathlib import Path

import msgspec
import pytest

from porch.domain import events as ev

CORPUS = Path(__file__).parent / "corpus" / "events-v1.jsonl"
LINES = CORPUS.read_bytes().splitlines()


def _tag(line: bytes) -> str:
    return str(json.loads(line)["type"])


@pytest.mark.parametrize("line", LINES, ids=[_tag(line) for line in LINES])
def test_every_recorded_event_decodes_to_its_type_and_keeps_every_field(line: bytes) -> None:
    event = ev.decode(line)
    recorded = json.loads(line)
    again = json.loads(ev.encode(event))

    assert ev.type_of(event) == _tag(line)
    # Every recorded field survives with its value; new fields (with defaults) may be added.
    assert {k: again[k] for k in recorded} == recorded


def test_the_corpus_has_exactly_one_example_of_every_known_type() -> None:
    tags = [_tag(line) for line in LINES]

    assert len(tags) == len(set(tags))
    assert set(tags) == ev.KNOWN_TYPES
    assert {str(cls.__struct_config__.tag) for cls in ev._ALL} == ev.KNOWN_TYPES


def test_every_event_of_the_union_is_known() -> None:
    union = {*typing.get_args(ev.RepositoryEvent), *typing.get_args(ev.PackageEvent)}

    assert union == set(ev._ALL)


def test_an_unknown_tag_is_refused_by_the_decoder() -> None:
    line = LINES[0].replace(b'"RepositoryRegistered.v1"', b'"RepositoryRegistered.v99"')

    with pytest.raises(msgspec.ValidationError):
        ev.decode(line)
