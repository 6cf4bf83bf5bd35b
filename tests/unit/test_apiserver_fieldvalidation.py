"""fieldValidation: unknown fields against the published schemas, Strict/Warn/Ignore."""

from __future__ import annotations

from typing import Any

import pytest

from porch.errors import BadRequest
from porch_apiserver import fieldvalidation

REPO: dict[str, Any] = {
    "apiVersion": "config.porch.kpt.dev/v1alpha1",
    "kind": "Repository",
    "metadata": {"name": "r", "labels": {"any": "thing"}},
    "spec": {"type": "git", "git": {"repo": "u", "bogus": 1}, "extra": True},
    "status": {"whatever": 1},
}


def test_strict_names_every_unknown_field() -> None:
    with pytest.raises(BadRequest) as caught:
        fieldvalidation.check("Strict", REPO, kind="Repository")
    assert caught.value.message == (
        'strict decoding error: unknown field "spec.git.bogus", unknown field "spec.extra"'
    )


def test_warn_is_the_default_and_ignore_ignores() -> None:
    assert fieldvalidation.check(None, REPO, kind="Repository") == [
        'unknown field "spec.git.bogus"',
        'unknown field "spec.extra"',
    ]
    assert fieldvalidation.check("Ignore", REPO, kind="Repository") == []
    with pytest.raises(BadRequest):
        fieldvalidation.check("Loose", REPO, kind="Repository")


def test_fields_the_stored_object_has_are_not_unknown() -> None:
    current = {"spec": {"git": {"bogus": 0}, "extra": False}}
    assert fieldvalidation.check("Strict", REPO, kind="Repository", current=current) == []


def test_lists_maps_and_core_kinds() -> None:
    revision = {
        "spec": {
            "tasks": [{"type": "init", "init": {"description": "d", "nope": 1}}],
            "packageMetadata": {"labels": {"free": "form"}},
        }
    }
    assert fieldvalidation.unknown_fields(revision, fieldvalidation._schema("PackageRevision")) == [
        "spec.tasks[0].init.nope"
    ]
    secret = {"metadata": {"name": "s"}, "data": {"k": "dg=="}, "stringData": {"a": "b"}}
    assert fieldvalidation.check("Strict", secret, kind="Secret") == []


def test_warning_header_quotes_like_kube() -> None:
    header = fieldvalidation.warning_header('unknown field "spec.x"')
    assert header == '299 - "unknown field \\"spec.x\\""'


def test_prune_drops_undeclared_fields_at_every_depth() -> None:
    kept = fieldvalidation.prune(REPO, kind="Repository")
    assert kept == {
        "apiVersion": "config.porch.kpt.dev/v1alpha1",
        "kind": "Repository",
        "metadata": {"name": "r", "labels": {"any": "thing"}},  # a map: every key declared
        "spec": {"type": "git", "git": {"repo": "u"}},
        "status": {"whatever": 1},  # server-owned, never written from a request
    }
    assert REPO["spec"]["git"] == {"repo": "u", "bogus": 1}  # the input is left alone


def test_prune_walks_arrays_of_objects_and_keeps_what_the_stored_object_has() -> None:
    revision = {
        "metadata": {"name": "x", "ownerReferences": [{"uid": "1", "name": "o", "x": 1}]},
        "spec": {
            "tasks": [{"type": "init", "init": {"description": "d", "nope": 1}, "extra": 2}],
            "readinessGates": [{"conditionType": "Ready", "other": True}],
            "stray": {"deep": [1]},
        },
    }
    kept = fieldvalidation.prune(revision, kind="PackageRevision")
    assert kept["metadata"]["ownerReferences"] == [{"uid": "1", "name": "o"}]
    assert kept["spec"] == {
        "tasks": [{"type": "init", "init": {"description": "d"}}],
        "readinessGates": [{"conditionType": "Ready"}],
    }
    current = {"spec": {"stray": {"deep": [0]}}}
    assert fieldvalidation.prune(revision, kind="PackageRevision", current=current)["spec"][
        "stray"
    ] == {"deep": [1]}


def test_prune_keeps_preserve_unknown_fields_subtrees() -> None:
    schema = {
        "type": "object",
        "properties": {
            "spec": {
                "type": "object",
                "properties": {
                    "config": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
                    "items": {
                        "type": "array",
                        "items": {"type": "object", "properties": {"a": {"type": "string"}}},
                    },
                },
            }
        },
    }
    body = {
        "spec": {
            "config": {"anything": {"goes": [1, {"x": 2}]}},
            "items": [{"a": "1", "b": 2}, {"c": 3}],
            "gone": 1,
        }
    }
    assert fieldvalidation.pruned(body, schema) == {
        "spec": {"config": {"anything": {"goes": [1, {"x": 2}]}}, "items": [{"a": "1"}, {}]}
    }
    resources = {"status": {"renderStatus": {"result": {"free": "form"}}}, "spec": {"bad": 1}}
    kept = fieldvalidation.prune(resources, kind="PackageRevisionResources")
    assert kept == {"status": {"renderStatus": {"result": {"free": "form"}}}, "spec": {}}


def test_secret_data_is_a_map_and_kept() -> None:
    secret = {"metadata": {"name": "s"}, "data": {"k": "dg=="}, "type": "Opaque", "junk": 1}
    assert fieldvalidation.prune(secret, kind="Secret") == {
        "metadata": {"name": "s"},
        "data": {"k": "dg=="},
        "type": "Opaque",
    }
