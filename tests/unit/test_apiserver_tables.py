"""Table output for kubectl get (reference/apis.md §2, Porch's printer columns)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from porch_apiserver import resources, tables

NOW = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)
KUBECTL_GET_ACCEPT = (
    "application/json;as=Table;v=v1;g=meta.k8s.io,"
    "application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"
)


def _ago(delta: timedelta) -> str:
    return (NOW - delta).strftime("%Y-%m-%dT%H:%M:%SZ")


def package_revision(**spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "porch.kpt.dev/v1alpha1",
        "kind": "PackageRevision",
        "metadata": {
            "name": "blueprints.basens.v1",
            "namespace": "default",
            "uid": "u-1",
            "resourceVersion": "42",
            "creationTimestamp": _ago(timedelta(days=2, hours=3)),
            "labels": {"kpt.dev/latest-revision": "true", "app": "demo"},
        },
        "spec": {
            "packageName": "basens",
            "workspaceName": "v1",
            "revision": 1,
            "lifecycle": "Published",
            "repository": "blueprints",
            **spec,
        },
    }


def repository(**spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "config.porch.kpt.dev/v1alpha1",
        "kind": "Repository",
        "metadata": {
            "name": "blueprints",
            "namespace": "default",
            "creationTimestamp": _ago(timedelta(seconds=5)),
        },
        "spec": {
            "type": "git",
            "content": "Package",
            "deployment": False,
            "git": {"repo": "https://example.com/blueprints.git", "branch": "main"},
            **spec,
        },
        "status": {
            "conditions": [
                {"type": "Synced", "status": "False"},
                {"type": "Ready", "status": "True", "reason": "Ready", "message": ""},
            ]
        },
    }


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (-5, "<invalid>"),
        (-1, "0s"),
        (0, "0s"),
        (5, "5s"),
        (119, "119s"),
        (120, "2m"),
        (150, "2m30s"),
        (600, "10m"),
        (179 * 60, "179m"),
        (3 * 3600, "3h"),
        (3 * 3600 + 5 * 60, "3h5m"),
        (8 * 3600 + 59 * 60, "8h"),
        (47 * 3600, "47h"),
        (2 * 86400, "2d"),
        (2 * 86400 + 3 * 3600, "2d3h"),
        (8 * 86400, "8d"),
        (45 * 86400, "45d"),
        (729 * 86400, "729d"),
        (2 * 365 * 86400 + 10 * 86400, "2y10d"),
        (3 * 365 * 86400, "3y"),
        (9 * 365 * 86400 + 100 * 86400, "9y"),
    ],
)
def test_human_duration_matches_kube_apiserver(seconds: int, expected: str) -> None:
    assert tables.human_duration(seconds) == expected


@given(st.integers(min_value=0, max_value=10**10))
def test_human_duration_is_short_and_non_empty(seconds: int) -> None:
    text = tables.human_duration(seconds)

    assert text
    assert len(text) <= 9


def test_package_revision_columns() -> None:
    definitions = tables.table_for(resources.PACKAGE_REVISIONS, [], resource_version="1", now=NOW)[
        "columnDefinitions"
    ]

    assert [(c["name"], c["type"], c["priority"]) for c in definitions] == [
        ("Name", "string", 0),
        ("Package", "string", 0),
        ("WorkspaceName", "string", 0),
        ("Revision", "integer", 0),
        ("Latest", "boolean", 0),
        ("Lifecycle", "string", 0),
        ("Repository", "string", 0),
        ("Age", "date", 1),
    ]
    assert definitions[0]["format"] == "name"
    assert all(c["description"] for c in definitions)


def test_package_revision_rows() -> None:
    draft = package_revision(lifecycle="Draft", revision=0, workspaceName="ws")
    del draft["metadata"]["labels"]

    table = tables.table_for(
        resources.PACKAGE_REVISIONS,
        [package_revision(), draft],
        resource_version="43",
        continue_token="abc",
        now=NOW,
        remaining_item_count=3,
    )

    assert table["kind"] == "Table"
    assert table["apiVersion"] == "meta.k8s.io/v1"
    assert table["metadata"] == {
        "resourceVersion": "43",
        "continue": "abc",
        "remainingItemCount": 3,
    }
    assert [row["cells"] for row in table["rows"]] == [
        ["blueprints.basens.v1", "basens", "v1", 1, True, "Published", "blueprints", "2d3h"],
        ["blueprints.basens.v1", "basens", "ws", 0, False, "Draft", "blueprints", "2d3h"],
    ]


def test_rows_carry_partial_object_metadata_with_labels() -> None:
    obj = package_revision()

    [row] = tables.table_for(resources.PACKAGE_REVISIONS, [obj], resource_version="1", now=NOW)[
        "rows"
    ]

    assert row["object"] == {
        "kind": "PartialObjectMetadata",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": obj["metadata"],
    }
    assert row["object"]["metadata"]["labels"]["app"] == "demo"


def test_include_object_modes() -> None:
    obj = package_revision()

    def row_object(mode: str) -> Any:
        table = tables.table_for(
            resources.PACKAGE_REVISIONS, [obj], resource_version="1", include_object=mode, now=NOW
        )
        return table["rows"][0]["object"]

    assert row_object("Object") == obj
    assert row_object("None") is None
    with pytest.raises(ValueError, match="includeObject"):
        row_object("Everything")


def test_watch_events_after_the_first_omit_definitions() -> None:
    table = tables.table_for(
        resources.REPOSITORIES,
        [repository()],
        resource_version="7",
        now=NOW,
        with_definitions=False,
    )

    assert table["columnDefinitions"] is None
    assert len(table["rows"]) == 1


def test_repository_columns_and_rows() -> None:
    oci = repository(type="oci", git=None, oci={"registry": "ghcr.io/acme"}, deployment=True)
    oci["spec"]["sync"] = {"schedule": "*/10 * * * *"}
    del oci["status"]
    del oci["metadata"]["creationTimestamp"]

    table = tables.table_for(
        resources.REPOSITORIES, [repository(), oci], resource_version="1", now=NOW
    )

    assert [(c["name"], c["type"], c["priority"]) for c in table["columnDefinitions"]] == [
        ("Name", "string", 0),
        ("Type", "string", 0),
        ("Content", "string", 0),
        ("Sync Schedule", "string", 0),
        ("Deployment", "boolean", 0),
        ("Ready", "string", 0),
        ("Address", "string", 0),
        ("Branch", "string", 1),
        ("Age", "date", 1),
    ]
    assert [row["cells"] for row in table["rows"]] == [
        [
            "blueprints",
            "git",
            "Package",
            "",
            False,
            "True",
            "https://example.com/blueprints.git",
            "main",
            "5s",
        ],
        ["blueprints", "oci", "Package", "*/10 * * * *", True, "", "ghcr.io/acme", "", "<unknown>"],
    ]


def test_age_parses_offsets() -> None:
    obj = {"metadata": {"creationTimestamp": "2026-03-01T13:00:00+02:00"}}

    assert tables.age(obj, NOW) == "60m"


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (KUBECTL_GET_ACCEPT, True),
        ("application/json;as=Table;v=v1beta1;g=meta.k8s.io", True),
        ("application/json", False),
        ("", False),
        ("*/*", False),
        ("application/json, " + KUBECTL_GET_ACCEPT, False),
        ("application/yaml, application/json;as=Table;v=v1;g=meta.k8s.io", True),
        ("application/json;as=Table;v=v2;g=meta.k8s.io, application/json", False),
        ("application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io", False),
        ("application/json;q=0.1, application/json;as=Table;v=v1;g=meta.k8s.io", True),
    ],
)
def test_wants_table(accept: str, expected: bool) -> None:
    assert tables.wants_table(accept) is expected


def test_the_encoded_table_equals_the_table_and_reuses_rows_until_they_change() -> None:
    import json as _json
    from datetime import UTC as _UTC
    from datetime import datetime as _dt
    from datetime import timedelta as _td

    def obj(name: str, rv: str) -> dict[str, object]:
        return {
            "metadata": {
                "name": name,
                "namespace": "default",
                "resourceVersion": rv,
                "creationTimestamp": "2026-01-01T00:00:00Z",
            },
            "spec": {"packageName": name, "revision": 1, "lifecycle": "Published"},
        }

    now = _dt(2026, 1, 1, 0, 5, tzinfo=_UTC)
    pairs = [("k1", obj("a", "1")), ("k2", obj("b", "2"))]
    cache: tables.RowCache = {}
    first = tables.encoded_table(
        resources.PACKAGE_REVISIONS, pairs, cache=cache, resource_version="2", now=now
    )
    plain = tables.table_for(
        resources.PACKAGE_REVISIONS, [o for _, o in pairs], resource_version="2", now=now
    )
    assert _json.loads(first) == plain
    kept = cache["k1"][3]
    tables.encoded_table(
        resources.PACKAGE_REVISIONS, pairs, cache=cache, resource_version="2", now=now
    )
    assert cache["k1"][3] is kept  # same object, same age: the row is reused
    later = now + _td(hours=3)
    aged = tables.encoded_table(
        resources.PACKAGE_REVISIONS, pairs, cache=cache, resource_version="2", now=later
    )
    assert [row["cells"][-1] for row in _json.loads(aged)["rows"]] == ["3h5m", "3h5m"]
    changed = [("k1", obj("a2", "3")), pairs[1]]
    again = tables.encoded_table(
        resources.PACKAGE_REVISIONS, changed, cache=cache, resource_version="3", now=later
    )
    assert _json.loads(again)["rows"][0]["cells"][0] == "a2"
