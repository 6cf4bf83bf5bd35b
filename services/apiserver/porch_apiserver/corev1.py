"""The minimal core ``v1`` API of local mode: Namespaces and Secrets, as data and rules.

Local mode has no kube-apiserver, yet ``kubectl create secret`` and ``porchctl repo reg
--repo-basic-username`` must work, so the apiserver serves these two kinds (ARCHITECTURE §1).
Here: their resource definitions (for discovery, tables and routing), how a request body
becomes the stored object (kube's defaulting and validation), and the always-present
``default`` namespace. Pure: ids and time arrive as arguments; no I/O, and no message
quotes a Secret's value.
"""

from __future__ import annotations

import base64
import binascii
import re
import uuid
from typing import Any

from porch.errors import BadRequest, Cause, Invalid
from porch_apiserver import statuses
from porch_apiserver.resources import ResourceDef

Json = dict[str, Any]

_CORE_VERBS = ("get", "list", "create", "update", "patch", "delete")

NAMESPACES = ResourceDef(
    group="",
    version="v1",
    plural="namespaces",
    singular="namespace",
    kind="Namespace",
    list_kind="NamespaceList",
    namespaced=False,
    verbs=_CORE_VERBS,
    short_names=("ns",),
)

SECRETS = ResourceDef(
    group="",
    version="v1",
    plural="secrets",
    singular="secret",
    kind="Secret",
    list_kind="SecretList",
    namespaced=True,
    verbs=_CORE_VERBS,
)

CORE: tuple[ResourceDef, ...] = (NAMESPACES, SECRETS)

DEFAULT_NAMESPACE = "default"
# A fixed uid and time: ``default`` exists before anything was stored.
_DEFAULT_UID = str(uuid.uuid5(uuid.NAMESPACE_URL, "porch:namespace/default"))
_EPOCH = "1970-01-01T00:00:00Z"
OPAQUE = "Opaque"
BASIC_AUTH = "kubernetes.io/basic-auth"
# Server-owned metadata: what a client sends there is replaced (reference/apis.md §8).
_SERVER_META = ("uid", "creationTimestamp", "resourceVersion", "generation", "managedFields")

_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_DATA_KEY = re.compile(r"^[-._a-zA-Z0-9]+$")


def lookup(version: str, plural: str) -> ResourceDef | None:
    """The core resource served at ``/api/<version>/<plural>``, or None."""
    return next((r for r in CORE if (r.version, r.plural) == (version, plural)), None)


def _invalid(kind: str, name: str, causes: list[Cause]) -> Invalid:
    return statuses.invalid(kind, "", name, causes)


def _check_name(kind: str, name: str, *, label: bool) -> None:
    pattern, limit = (_LABEL, 63) if label else (_SUBDOMAIN, 253)
    if not name:
        raise _invalid(kind, name, [Cause("FieldValueRequired", "Required value", "metadata.name")])
    if len(name) > limit or not pattern.match(name):
        what = "RFC 1123 label" if label else "RFC 1123 subdomain"
        message = f'Invalid value: "{name}": a lowercase {what} must consist of lower case '
        message += (
            "alphanumeric characters, '-' or '.'"
            if not label
            else ("alphanumeric characters or '-'")
        )
        raise _invalid(kind, name, [Cause("FieldValueInvalid", message, "metadata.name")])


def _metadata(body: Json) -> Json:
    meta = body.get("metadata")
    if meta is None:
        return {}
    if not isinstance(meta, dict):
        raise BadRequest("metadata must be an object")
    return {k: v for k, v in meta.items() if k not in _SERVER_META}


def _stamped(meta: Json, *, previous: Json | None, uid: str, now: str) -> Json:
    """``meta`` with the server-owned fields: kept from ``previous``, or new ones."""
    old = (previous or {}).get("metadata") or {}
    return {
        **meta,
        "uid": old.get("uid", uid),
        "creationTimestamp": old.get("creationTimestamp", now),
    }


def expect_kind(body: Any, resource: ResourceDef) -> Json:
    if not isinstance(body, dict):
        raise BadRequest("the request body must be a JSON object")
    if body.get("apiVersion") not in (None, "v1") or body.get("kind") not in (None, resource.kind):
        raise BadRequest(
            f"the API version in the data ({body.get('apiVersion')}) and kind "
            f"({body.get('kind')}) do not match the endpoint (v1, {resource.kind})"
        )
    return body


def generate_name(body: Json, suffix: str) -> Json:
    """``metadata.generateName`` + ``suffix`` as the name when no name was given."""
    meta = body.get("metadata") or {}
    if not isinstance(meta, dict) or meta.get("name") or not meta.get("generateName"):
        return body
    return {**body, "metadata": {**meta, "name": f"{meta['generateName']}{suffix}"}}


# --- Namespaces -----------------------------------------------------------------------------


def namespace_object(body: Json, *, previous: Json | None, uid: str, now: str) -> Json:
    """The Namespace to store for a create (``previous`` None) or an update."""
    meta = _metadata(body)
    name = str(meta.get("name") or (previous or {}).get("metadata", {}).get("name") or "")
    _check_name("Namespace", name, label=True)
    meta.pop("namespace", None)  # cluster-scoped
    labels = meta.get("labels") or {}
    if not isinstance(labels, dict):
        raise BadRequest("metadata.labels must be a map of strings")
    meta["labels"] = {**labels, "kubernetes.io/metadata.name": name}  # as kube's admission sets
    return {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": _stamped({**meta, "name": name}, previous=previous, uid=uid, now=now),
        "spec": {"finalizers": ["kubernetes"]},
        "status": {"phase": "Active"},
    }


def default_namespace() -> Json:
    """``default``, as served when it was never written."""
    return {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {
            "name": DEFAULT_NAMESPACE,
            "uid": _DEFAULT_UID,
            "creationTimestamp": _EPOCH,
            "labels": {"kubernetes.io/metadata.name": DEFAULT_NAMESPACE},
        },
        "spec": {"finalizers": ["kubernetes"]},
        "status": {"phase": "Active"},
    }


# --- Secrets --------------------------------------------------------------------------------


def _data(body: Json, name: str) -> dict[str, str]:
    """``data`` (base64) with ``stringData`` folded in, as kube stores a Secret."""
    data, plain = body.get("data") or {}, body.get("stringData") or {}
    if not isinstance(data, dict) or not isinstance(plain, dict):
        raise BadRequest("data and stringData must be maps of strings")
    causes: list[Cause] = []
    out: dict[str, str] = {}
    for key, value in data.items():
        if not isinstance(key, str) or not _DATA_KEY.match(key):
            causes.append(
                Cause(
                    "FieldValueInvalid",
                    "a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
                    f"data[{key}]",
                )
            )
            continue
        try:
            base64.b64decode(str(value), validate=True)
        except (binascii.Error, ValueError):
            # Never quote the value: it is a secret.
            causes.append(Cause("FieldValueInvalid", "illegal base64 data", f"data[{key}]"))
            continue
        out[key] = str(value)
    for key, value in plain.items():
        if not isinstance(key, str) or not _DATA_KEY.match(key) or not isinstance(value, str):
            causes.append(
                Cause(
                    "FieldValueInvalid", "must be a string under a valid key", f"stringData[{key}]"
                )
            )
            continue
        out[key] = base64.b64encode(value.encode()).decode()
    if causes:
        raise _invalid("Secret", name, causes)
    return out


def secret_object(body: Json, *, namespace: str, previous: Json | None, uid: str, now: str) -> Json:
    """The Secret to store: ``data`` only (``stringData`` is write-only in kube), a type
    (default Opaque, immutable), and kube's checks for the basic-auth type."""
    meta = _metadata(body)
    name = str(meta.get("name") or (previous or {}).get("metadata", {}).get("name") or "")
    _check_name("Secret", name, label=False)
    if meta.get("namespace") not in (None, "", namespace):
        raise BadRequest(
            "the namespace of the provided object does not match the namespace sent on the request"
        )
    kind = body.get("type") or (previous or {}).get("type") or OPAQUE
    if not isinstance(kind, str):
        raise BadRequest("type must be a string")
    if previous is not None and kind != previous.get("type", OPAQUE):
        raise _invalid("Secret", name, [Cause("FieldValueInvalid", "field is immutable", "type")])
    data = _data(body, name)
    if kind == BASIC_AUTH and not ({"username", "password"} & data.keys()):
        raise _invalid(
            "Secret",
            name,
            [Cause("FieldValueRequired", "must have at least one of username or password", "data")],
        )
    secret: Json = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": _stamped(
            {**meta, "name": name, "namespace": namespace}, previous=previous, uid=uid, now=now
        ),
        "type": kind,
        "data": data,
    }
    if body.get("immutable") is not None:
        secret["immutable"] = bool(body["immutable"])
    if previous is not None and previous.get("immutable") and data != previous.get("data"):
        raise _invalid(
            "Secret",
            name,
            [Cause("FieldValueForbidden", "field is immutable when `immutable` is set", "data")],
        )
    return secret


def served(obj: Json, revision: int) -> Json:
    """``obj`` with its resourceVersion (the KV revision of its key)."""
    return {**obj, "metadata": {**obj.get("metadata", {}), "resourceVersion": str(revision)}}


__all__ = [
    "BASIC_AUTH",
    "CORE",
    "DEFAULT_NAMESPACE",
    "NAMESPACES",
    "OPAQUE",
    "SECRETS",
    "default_namespace",
    "expect_kind",
    "generate_name",
    "lookup",
    "namespace_object",
    "secret_object",
    "served",
]
