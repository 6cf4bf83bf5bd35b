"""Kubernetes Status objects from porch.errors (reference/apis.md §4.1)."""

from __future__ import annotations

from porch import errors
from porch_apiserver import statuses


def test_not_found_uses_kube_wording_and_details() -> None:
    error = statuses.not_found("packagerevisions", "porch.kpt.dev", "r.p.ws")

    assert isinstance(error, errors.NotFound)
    assert statuses.status_for(error) == (
        404,
        {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": 'packagerevisions.porch.kpt.dev "r.p.ws" not found',
            "reason": "NotFound",
            "details": {"name": "r.p.ws", "group": "porch.kpt.dev", "kind": "packagerevisions"},
            "code": 404,
        },
    )


def test_conflict_modified_message() -> None:
    error = statuses.conflict_modified("repositories", "config.porch.kpt.dev", "blueprints")

    code, body = statuses.status_for(error)

    assert isinstance(error, errors.Conflict)
    assert code == 409
    assert body["reason"] == "Conflict"
    assert body["message"] == (
        'Operation cannot be fulfilled on repositories.config.porch.kpt.dev "blueprints": the '
        "object has been modified; please apply your changes to the latest version and try again"
    )


def test_already_exists() -> None:
    error = statuses.already_exists("packagerevisions", "porch.kpt.dev", "x")

    code, body = statuses.status_for(error)

    assert isinstance(error, errors.AlreadyExists)
    assert (code, body["reason"]) == (409, "AlreadyExists")
    assert body["message"] == 'packagerevisions.porch.kpt.dev "x" already exists'
    assert body["details"]["kind"] == "packagerevisions"


def test_invalid_with_causes_and_explicit_details() -> None:
    error = errors.Invalid(
        'PackageRevision.porch.kpt.dev "x" is invalid: spec.lifecycle: Unsupported value',
        causes=[
            errors.Cause("FieldValueNotSupported", "Unsupported value", "spec.lifecycle"),
            errors.Cause("FieldValueRequired", "Required value"),
        ],
    )

    code, body = statuses.status_for(error, kind="PackageRevision", name="x", group="porch.kpt.dev")

    assert code == 422
    assert body["reason"] == "Invalid"
    assert body["details"] == {
        "name": "x",
        "group": "porch.kpt.dev",
        "kind": "PackageRevision",
        "causes": [
            {
                "reason": "FieldValueNotSupported",
                "message": "Unsupported value",
                "field": "spec.lifecycle",
            },
            {"reason": "FieldValueRequired", "message": "Required value"},
        ],
    }


def test_errors_without_details_have_none() -> None:
    code, body = statuses.status_for(errors.Unauthorized("Unauthorized"))

    assert code == 401
    assert body == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": "Unauthorized",
        "reason": "Unauthorized",
        "code": 401,
    }
    assert statuses.status_for(errors.EventLogError("nats down"))[0] == 503


def test_keyword_details_override_remembered_ones() -> None:
    error = statuses.not_found("packagerevisions", "porch.kpt.dev", "a")

    _, body = statuses.status_for(error, name="b")

    assert body["details"]["name"] == "b"
    assert body["details"]["kind"] == "packagerevisions"


def test_success_status_for_delete() -> None:
    assert statuses.success_status(
        kind="packagerevisions", name="x", group="porch.kpt.dev", uid="u-1"
    ) == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Success",
        "details": {
            "name": "x",
            "group": "porch.kpt.dev",
            "kind": "packagerevisions",
            "uid": "u-1",
        },
    }
    assert "details" not in statuses.success_status()
