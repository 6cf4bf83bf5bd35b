"""Paging over the mirror's name order: what kubectl's chunked lists rely on."""

from __future__ import annotations

import json

import msgspec
import pytest

from porch.domain import snapshots
from porch.errors import BadRequest
from porch.eventlog.buckets import Entry
from porch_apiserver import listing
from porch_apiserver.mirror import Collection


def _obj(namespace: str, name: str) -> dict[str, object]:
    return {"kind": "PackageRevision", "metadata": {"namespace": namespace, "name": name}}


def _collection(names: list[tuple[str, str]]) -> Collection:
    coll = Collection("test")
    for rev, (ns, name) in enumerate(names, start=1):
        key = snapshots.object_key(ns, name)
        coll.apply(Entry(key=key, value=msgspec.json.encode(_obj(ns, name)), revision=rev))
    return coll


def _names(page: listing.Page) -> list[str]:
    return [str(obj["metadata"]["name"]) for _, obj in page.items]


def _all(obj: dict[str, object]) -> bool:
    return True


# Escaped keys ("." becomes "=2E") sort differently from the names themselves.
NAMES = [("default", n) for n in ("a-b.c", "a.b", "a0", "a.b-c", "b", "a-z")]


def test_a_list_is_in_namespace_then_name_order_whatever_the_key_encoding() -> None:
    coll = _collection([*NAMES, ("alpha", "z")])

    page = listing.page(coll, _all, limit=0, token=None, rv="9", count_remaining=True)

    assert [
        (str(o["metadata"]["namespace"]), str(o["metadata"]["name"])) for _, o in page.items
    ] == sorted([*NAMES, ("alpha", "z")])
    assert page.token == ""


def test_chunks_cover_every_object_once_and_count_what_remains() -> None:
    coll = _collection(NAMES)
    seen: list[str] = []
    token: str | None = None
    remaining: list[int | None] = []
    while True:
        page = listing.page(coll, _all, limit=4, token=token, rv="6", count_remaining=True)
        seen += _names(page)
        remaining.append(page.remaining)
        if not page.token:
            break
        token = page.token

    assert seen == sorted(n for _, n in NAMES)
    assert remaining == [2, None]


def test_a_selector_pages_over_matches_only_and_reports_no_count() -> None:
    coll = _collection(NAMES)

    def starts_with_a(obj: dict[str, object]) -> bool:
        return str(obj["metadata"]["name"]).startswith("a")  # type: ignore[index]

    first = listing.page(coll, starts_with_a, limit=2, token=None, rv="6", count_remaining=False)
    second = listing.page(
        coll, starts_with_a, limit=2, token=first.token, rv="6", count_remaining=False
    )

    assert _names(first) + _names(second) == ["a-b.c", "a-z", "a.b", "a.b-c"]
    assert first.remaining is None
    assert "remainingItemCount" not in first.metadata()


def test_deleted_objects_leave_the_order() -> None:
    coll = _collection(NAMES)
    coll.apply(Entry(key=snapshots.object_key("default", "a.b"), value=None, revision=7))

    page = listing.page(coll, _all, limit=0, token=None, rv="7", count_remaining=True)

    assert "a.b" not in _names(page)
    assert len(coll.order) == len(NAMES) - 1


def test_the_encoded_list_is_valid_json_with_each_objects_resource_version() -> None:
    coll = _collection(NAMES[:2])
    page = listing.page(coll, _all, limit=1, token=None, rv="2", count_remaining=True)

    body = json.loads(listing.encode_list(coll, page, kind="PackageRevisionList", api_version="v"))

    assert body["kind"] == "PackageRevisionList"
    assert body["metadata"]["remainingItemCount"] == 1
    assert body["items"][0]["metadata"]["resourceVersion"] in ("1", "2")


def test_a_garbled_continue_token_is_a_bad_request() -> None:
    with pytest.raises(BadRequest):
        listing.page(_collection(NAMES), _all, limit=1, token="%%%", rv="1", count_remaining=True)
    with pytest.raises(BadRequest):
        listing.parse_limit("ten")


def test_a_namespaced_list_walks_only_its_namespace_and_counts_what_remains() -> None:
    coll = _collection([("a", "x"), ("b", "p"), ("b", "q"), ("b", "r"), ("c", "z")])

    def in_b(obj: dict[str, object]) -> bool:
        return obj["metadata"]["namespace"] == "b"  # type: ignore[index]

    first = listing.page(
        coll, in_b, limit=2, token=None, rv="5", count_remaining=True, namespace="b"
    )
    rest = listing.page(
        coll, in_b, limit=2, token=first.token, rv="5", count_remaining=True, namespace="b"
    )

    assert (_names(first), first.remaining) == (["p", "q"], 1)
    assert (_names(rest), rest.token) == (["r"], "")
    empty = listing.page(
        coll, _all, limit=0, token=None, rv="5", count_remaining=True, namespace="m"
    )
    assert empty.items == []


def test_a_table_is_answered_whole_up_to_the_bound_in_scope_and_never_mid_paging() -> None:
    coll = _collection([*NAMES, ("alpha", "z"), ("zeta", "y")])  # 6 in default, 8 in all

    assert listing.whole_table(coll, None, None, 8)
    assert not listing.whole_table(coll, None, None, 7)
    assert listing.whole_table(coll, "default", None, 6)
    assert not listing.whole_table(coll, "default", None, 5)
    assert listing.whole_table(coll, "alpha", None, 1)
    assert not listing.whole_table(coll, None, "token", 100)  # a client already paging
    assert not listing.whole_table(coll, None, None, 0)  # 0: always page
