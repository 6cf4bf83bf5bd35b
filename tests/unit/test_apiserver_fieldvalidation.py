"""fieldValidation: unknown fields against the published schemas, Strict/Warn/Ignore."""

from __future__ import annotations

import pytest

from porch.errors import BadRequest
from porch_apiserver import fieldvalidation

REPO = {
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
