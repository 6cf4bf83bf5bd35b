"""The one place that turns ``porch.errors`` into Kubernetes ``Status`` objects.

kubectl prints ``Error from server (<reason>): <message>`` from these, so messages for the common
cases (not found, conflict, already exists) are built here in kube-apiserver's exact wording
(reference/apis.md §4, §4.1). Pure: no I/O, no HTTP types; the caller sets the HTTP status to the
returned code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from porch import errors

Json = dict[str, Any]


@dataclass(frozen=True)
class StatusDetails:
    """``Status.details`` naming the object; ``kind`` is the plural resource for most errors."""

    name: str = ""
    group: str = ""
    kind: str = ""


class ResourceNotFound(errors.NotFound):
    """NotFound that remembers which object was missing."""

    def __init__(self, message: str, *, details: StatusDetails) -> None:
        super().__init__(message)
        self.details = details


class ResourceConflict(errors.Conflict):
    """Conflict that remembers which object was modified."""

    def __init__(self, message: str, *, details: StatusDetails) -> None:
        super().__init__(message)
        self.details = details


class ResourceAlreadyExists(errors.AlreadyExists):
    """AlreadyExists that remembers which name was taken."""

    def __init__(self, message: str, *, details: StatusDetails) -> None:
        super().__init__(message)
        self.details = details


class ResourceInvalid(errors.Invalid):
    """Invalid that names the object (``details.kind`` is the Kind, as kube sends it)."""

    def __init__(self, message: str, *, details: StatusDetails, causes: list[errors.Cause]) -> None:
        super().__init__(message, causes=causes)
        self.details = details


def invalid(kind: str, group: str, name: str, causes: list[errors.Cause]) -> errors.Invalid:
    """``Secret "x" is invalid: data[k]: illegal base64 data``, with its causes."""
    text = "; ".join(f"{c.field}: {c.message}" if c.field else c.message for c in causes)
    qualified = f"{kind}.{group}" if group else kind
    return ResourceInvalid(
        f'{qualified} "{name}" is invalid: {text}',
        details=StatusDetails(name=name, group=group, kind=kind),
        causes=causes,
    )


def _qualified(resource_plural: str, group: str) -> str:
    return f"{resource_plural}.{group}" if group else resource_plural


def not_found(resource_plural: str, group: str, name: str) -> errors.NotFound:
    """``packagerevisions.porch.kpt.dev "x" not found``."""
    return ResourceNotFound(
        f'{_qualified(resource_plural, group)} "{name}" not found',
        details=StatusDetails(name=name, group=group, kind=resource_plural),
    )


def conflict_modified(plural: str, group: str, name: str) -> errors.Conflict:
    """The optimistic-concurrency conflict, worded as kube-apiserver words it."""
    return ResourceConflict(
        f'Operation cannot be fulfilled on {_qualified(plural, group)} "{name}": the object has '
        "been modified; please apply your changes to the latest version and try again",
        details=StatusDetails(name=name, group=group, kind=plural),
    )


def already_exists(resource_plural: str, group: str, name: str) -> errors.AlreadyExists:
    """``packagerevisions.porch.kpt.dev "x" already exists``."""
    return ResourceAlreadyExists(
        f'{_qualified(resource_plural, group)} "{name}" already exists',
        details=StatusDetails(name=name, group=group, kind=resource_plural),
    )


def expired(message: str) -> errors.PorchError:
    """410 Expired: a resourceVersion older than what is kept."""
    error = errors.PorchError(message)
    error.code, error.reason = 410, "Expired"
    return error


def method_not_allowed(verb: str) -> errors.PorchError:
    """405, worded as kube-apiserver words it."""
    error = errors.PorchError(
        f"the server does not allow this method on the requested resource: {verb}"
    )
    error.code, error.reason = 405, "MethodNotAllowed"
    return error


def _details(error: errors.PorchError, *, kind: str, name: str, group: str) -> Json:
    known = getattr(error, "details", None)
    base = known if isinstance(known, StatusDetails) else StatusDetails()
    details: Json = {
        key: value
        for key, value in (
            ("name", name or base.name),
            ("group", group or base.group),
            ("kind", kind or base.kind),
        )
        if value
    }
    if error.causes:
        details["causes"] = [
            {
                k: v
                for k, v in (("reason", c.reason), ("message", c.message), ("field", c.field))
                if v
            }
            for c in error.causes
        ]
    return details


def status_for(
    error: errors.PorchError, *, kind: str = "", name: str = "", group: str = ""
) -> tuple[int, Json]:
    """(HTTP code, ``Status`` body) for ``error``; keyword values override remembered details.

    By kube convention ``kind`` is the plural resource (``packagerevisions``) for NotFound,
    Conflict and AlreadyExists, and the Kind (``PackageRevision``) for Invalid.
    """
    body: Json = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": error.message,
        "reason": error.reason,
    }
    details = _details(error, kind=kind, name=name, group=group)
    if details:
        body["details"] = details
    body["code"] = error.code
    return error.code, body


def success_status(*, kind: str = "", name: str = "", group: str = "", uid: str = "") -> Json:
    """The ``Status`` a successful DELETE may return; ``kind`` is the plural resource."""
    details = {
        k: v for k, v in (("name", name), ("group", group), ("kind", kind), ("uid", uid)) if v
    }
    body: Json = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success"}
    if details:
        body["details"] = details
    return body


__all__ = [
    "ResourceAlreadyExists",
    "ResourceConflict",
    "ResourceInvalid",
    "ResourceNotFound",
    "StatusDetails",
    "already_exists",
    "conflict_modified",
    "invalid",
    "not_found",
    "status_for",
    "success_status",
]
