"""List/watch parameters: the legal combinations, and a Status (not a 500) for the rest."""

from __future__ import annotations

import pytest

from porch.errors import BadRequest, Invalid
from porch_apiserver import queries, selectors


def test_send_initial_events_needs_not_older_than_and_bookmarks() -> None:
    ok = queries.parse(
        {
            "watch": "true",
            "sendInitialEvents": "true",
            "resourceVersionMatch": "NotOlderThan",
            "allowWatchBookmarks": "true",
        }
    )
    assert (ok.send_initial_events, ok.replays_state, ok.bookmarks) == (True, True, True)
    with pytest.raises(Invalid, match="resourceVersionMatch to NotOlderThan"):
        queries.parse({"watch": "true", "sendInitialEvents": "true"})
    with pytest.raises(Invalid, match="allowWatchBookmarks to true"):
        queries.parse(
            {"watch": "1", "sendInitialEvents": "true", "resourceVersionMatch": "NotOlderThan"}
        )
    with pytest.raises(Invalid, match="forbidden for list"):
        queries.parse({"sendInitialEvents": "true"})


def test_resource_version_match_rules_for_lists() -> None:
    assert queries.parse({"resourceVersion": "5", "resourceVersionMatch": "Exact"}).match == "Exact"
    with pytest.raises(Invalid, match="unless resourceVersion is provided"):
        queries.parse({"resourceVersionMatch": "NotOlderThan"})
    with pytest.raises(Invalid, match="Unsupported value"):
        queries.parse({"resourceVersion": "5", "resourceVersionMatch": "Newest"})
    with pytest.raises(Invalid, match="forbidden for watch"):
        queries.parse({"watch": "true", "resourceVersion": "5", "resourceVersionMatch": "Exact"})


@pytest.mark.parametrize(
    "query",
    [
        {"resourceVersion": "abc"},
        {"watch": "true", "timeoutSeconds": "1.5x"},
        {"watch": "maybe"},
        {"allowWatchBookmarks": "yes"},
    ],
)
def test_malformed_values_are_bad_requests(query: dict[str, str]) -> None:
    with pytest.raises(BadRequest):
        queries.parse(query)


def test_watch_from_a_version_does_not_replay_and_timeouts_parse() -> None:
    options = queries.parse({"watch": "true", "resourceVersion": "42", "timeoutSeconds": "7"})
    assert (options.revision, options.replays_state, options.timeout) == (42, False, 7.0)
    assert queries.parse({"watch": "true"}).timeout == queries.DEFAULT_WATCH_TIMEOUT


def revision(labels: dict[str, str]) -> dict[str, object]:
    return {"metadata": {"name": "r"}, "spec": {"packageMetadata": {"labels": labels}}}


def test_package_metadata_label_field_selector() -> None:
    match = selectors.fields("spec.packageMetadata.labels[app]=web", selectors.REVISION_FIELDS)
    assert match(revision({"app": "web"}))
    assert not match(revision({"app": "db"}))
    assert not match(revision({}))
    differs = selectors.fields("spec.packageMetadata.labels[app]!=web", selectors.REVISION_FIELDS)
    assert differs(revision({}))


@pytest.mark.parametrize(
    "selector",
    [
        "spec.foo=x",
        "spec.packageMetadata.labels[*]=x",
        "spec.packageMetadata.annotations[a]=x",
        "spec.lifecycle=Shipped",
    ],
)
def test_unsupported_fields_and_values_are_bad_requests(selector: str) -> None:
    with pytest.raises(BadRequest):
        selectors.fields(selector, selectors.REVISION_FIELDS)


def test_repositories_do_not_support_package_labels() -> None:
    with pytest.raises(BadRequest, match="field label not supported"):
        selectors.fields("spec.packageMetadata.labels[a]=b", selectors.COMMON_FIELDS)
