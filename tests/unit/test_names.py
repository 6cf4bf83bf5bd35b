"""Naming rules and the reversible token encoding (``porch.model.names``,
``porch.eventlog.subjects``, ``porch.domain.snapshots`` keys)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from porch.domain import snapshots
from porch.eventlog import subjects
from porch.model import names

FAST = settings(max_examples=300, deadline=None, database=None)
TOKEN = re.compile(r"[A-Za-z0-9_/=-]+")


@FAST
@given(st.text())
def test_encode_token_round_trips(value: str) -> None:
    assert names.decode_token(names.encode_token(value)) == value


@FAST
@given(st.text())
def test_encode_token_is_a_non_empty_safe_token(value: str) -> None:
    token = names.encode_token(value)

    assert token
    assert TOKEN.fullmatch(token), token


@FAST
@given(st.text(), st.text())
def test_encode_token_is_injective(a: str, b: str) -> None:
    if a != b:
        assert names.encode_token(a) != names.encode_token(b)


@pytest.mark.parametrize(
    ("value", "token"),
    [
        ("", "="),
        ("default", "default"),
        ("apps/web", "apps/web"),
        ("a.b", "a=2Eb"),
        ("a=b", "a=3Db"),
        ("*", "=2A"),
        (">", "=3E"),
        ("a b", "a=20b"),
        ("é", "=C3=A9"),
    ],
)
def test_encode_token_examples(value: str, token: str) -> None:
    assert names.encode_token(value) == token


def test_non_ascii_digits_and_letters_are_escaped() -> None:
    assert names.encode_token("\u0663") == "=D9=A3"  # ARABIC-INDIC DIGIT THREE
    assert names.encode_token("\uff41") == "=EF=BD=81"  # FULLWIDTH a


@FAST
@given(st.text(), st.text(), st.text(), st.text())
def test_parse_inverts_revision_subjects(ns: str, repo: str, pkg: str, ws: str) -> None:
    subject = subjects.revision(ns, repo, pkg, ws)

    assert subjects.parse(subject) == subjects.Aggregate(ns, repo, pkg, ws)
    assert len(subject.split(".")) == 6


@FAST
@given(st.text(), st.text())
def test_parse_inverts_repository_subjects(ns: str, repo: str) -> None:
    where = subjects.parse(subjects.repository(ns, repo))

    assert where == subjects.Aggregate(ns, repo)
    assert where is not None
    assert where.is_repository


@FAST
@given(st.text(), st.text(), st.text())
def test_the_package_wildcard_covers_its_revision_subjects(ns: str, repo: str, pkg: str) -> None:
    wildcard = subjects.package_wildcard(ns, repo, pkg)
    subject = subjects.revision(ns, repo, pkg, "ws")

    assert wildcard.endswith(".>")
    assert subject.startswith(wildcard[:-1])


def test_a_repository_named_like_the_repo_token_still_parses() -> None:
    assert subjects.parse(subjects.repository("ns", "_repo")) == subjects.Aggregate("ns", "_repo")


@pytest.mark.parametrize(
    "subject", ["", "porch", "porch.ev", "porch.ev.a.b", "porch.ev.a.b.c", "other.ev.a.b._repo"]
)
def test_parse_refuses_other_subjects(subject: str) -> None:
    assert subjects.parse(subject) is None


@FAST
@given(st.lists(st.text(), min_size=1, max_size=5))
def test_kv_keys_round_trip(parts: list[str]) -> None:
    assert subjects.unkey(subjects.key(*parts)) == parts


@FAST
@given(st.text(), st.text())
def test_object_keys_round_trip(ns: str, name: str) -> None:
    assert snapshots.parse_object_key(snapshots.object_key(ns, name)) == (ns, name)


def test_revision_name_joins_path_segments_with_dots() -> None:
    assert names.revision_name(repository="bp", package="web", workspace="v1") == "bp.web.v1"
    assert (
        names.revision_name(repository="bp", package="apps/team/web", workspace="ws-1")
        == "bp.apps.team.web.ws-1"
    )
    assert names.package_object_name(repository="bp", package="apps/web") == "bp.apps.web"


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("a", True),
        ("a-1", True),
        ("1a", True),
        ("a" * 63, True),
        ("a" * 64, False),
        ("", False),
        ("A", False),
        ("a_b", False),
        ("a.b", False),
        ("-a", False),
        ("a-", False),
    ],
)
def test_label_rule(value: str, ok: bool) -> None:
    assert (names.label_problem(value) is None) is ok


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("a.b.c", True),
        ("a" * 253, True),
        ("a" * 254, False),
        ("a..b", False),
        (".a", False),
        ("a.", False),
        ("A.b", False),
    ],
)
def test_subdomain_rule(value: str, ok: bool) -> None:
    assert (names.subdomain_problem(value) is None) is ok


@pytest.mark.parametrize(
    ("path", "ok"),
    [
        ("web", True),
        ("apps/web", True),
        ("", False),
        ("apps//web", False),
        ("/web", False),
        ("web/", False),
        ("apps/Web", False),
    ],
)
def test_package_path_rule(path: str, ok: bool) -> None:
    assert (names.package_path_problem(path) is None) is ok
