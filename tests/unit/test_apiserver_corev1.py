"""Local mode's core v1: Secret and Namespace rules, kubectl's protobuf bodies, discovery."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest

from porch.errors import BadRequest, Invalid
from porch_apiserver import corev1, discovery, openapi, protowire, tables

NOW = "2026-01-01T00:00:00Z"


def test_string_data_is_folded_into_base64_data() -> None:
    secret = corev1.secret_object(
        {"metadata": {"name": "s", "uid": "sent"}, "stringData": {"password": "p"}},
        namespace="default",
        previous=None,
        uid="u1",
        now=NOW,
    )
    assert secret["data"] == {"password": base64.b64encode(b"p").decode()}
    assert "stringData" not in secret
    assert secret["metadata"] == {
        "name": "s",
        "namespace": "default",
        "uid": "u1",
        "creationTimestamp": NOW,
    }
    assert secret["type"] == corev1.OPAQUE


def test_invalid_secrets_never_quote_the_value() -> None:
    with pytest.raises(Invalid) as caught:
        corev1.secret_object(
            {"metadata": {"name": "s"}, "data": {"token": "hunter2!!"}},
            namespace="default",
            previous=None,
            uid="u",
            now=NOW,
        )
    assert "hunter2" not in caught.value.message
    assert caught.value.causes[0].field == "data[token]"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"metadata": {"name": "Bad_Name"}}, "metadata.name"),
        ({"metadata": {}}, "metadata.name"),
        ({"metadata": {"name": "s"}, "type": corev1.BASIC_AUTH, "data": {}}, "data"),
    ],
)
def test_secret_validation(body: dict[str, object], field: str) -> None:
    with pytest.raises(Invalid) as caught:
        corev1.secret_object(body, namespace="default", previous=None, uid="u", now=NOW)
    assert caught.value.causes[0].field == field


def test_secret_type_is_immutable_and_the_namespace_must_match() -> None:
    old = corev1.secret_object(
        {"metadata": {"name": "s"}}, namespace="default", previous=None, uid="u", now=NOW
    )
    with pytest.raises(Invalid, match="immutable"):
        corev1.secret_object(
            {"metadata": {"name": "s"}, "type": "x"},
            namespace="default",
            previous=old,
            uid="",
            now=NOW,
        )
    with pytest.raises(BadRequest):
        corev1.secret_object(
            {"metadata": {"name": "s", "namespace": "other"}},
            namespace="default",
            previous=None,
            uid="u",
            now=NOW,
        )


def test_namespaces_get_the_name_label_and_keep_their_uid() -> None:
    created = corev1.namespace_object(
        {"metadata": {"name": "team"}}, previous=None, uid="u", now=NOW
    )
    assert created["metadata"]["labels"] == {"kubernetes.io/metadata.name": "team"}
    assert created["status"] == {"phase": "Active"}
    again = corev1.namespace_object(
        {"metadata": {"name": "team", "uid": "forged"}}, previous=created, uid="new", now="later"
    )
    assert again["metadata"]["uid"] == "u"
    assert again["metadata"]["creationTimestamp"] == NOW
    with pytest.raises(Invalid):
        corev1.namespace_object({"metadata": {"name": "a.b"}}, previous=None, uid="u", now=NOW)


def test_generate_name() -> None:
    body = corev1.generate_name({"metadata": {"generateName": "s-"}}, "abcde")
    assert body["metadata"]["name"] == "s-abcde"
    named = {"metadata": {"name": "x", "generateName": "s-"}}
    assert corev1.generate_name(named, "abcde") is named


# --- protobuf, as kubectl create secret sends it --------------------------------------------


def _varint(n: int) -> bytes:
    out = b""
    while True:
        byte, n = n & 0x7F, n >> 7
        out += bytes([byte | (0x80 if n else 0)])
        if not n:
            return out


def _field(number: int, payload: bytes) -> bytes:
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def _entry(key: str, value: bytes) -> bytes:
    return _field(1, key.encode()) + _field(2, value)


def _envelope(kind: str, raw: bytes) -> bytes:
    type_meta = _field(1, b"v1") + _field(2, kind.encode())
    return protowire.MAGIC + _field(1, type_meta) + _field(2, raw)


def test_decodes_a_secret_from_protobuf() -> None:
    meta = _field(1, b"creds") + _field(2, b"") + _field(3, b"default")
    meta += _field(11, _entry("app", b"web"))
    raw = _field(1, meta) + _field(2, _entry("password", b"\x00\xffbinary"))
    raw += _field(3, b"kubernetes.io/basic-auth") + _field(4, _entry("username", b"me"))
    raw += _varint(5 << 3) + _varint(1)  # immutable: true
    secret = protowire.decode(_envelope("Secret", raw))
    assert secret == {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "creds", "namespace": "default", "labels": {"app": "web"}},
        "data": {"password": base64.b64encode(b"\x00\xffbinary").decode()},
        "type": "kubernetes.io/basic-auth",
        "stringData": {"username": "me"},
        "immutable": True,
    }


def test_decodes_a_namespace_and_rejects_other_bodies() -> None:
    ns = protowire.decode(_envelope("Namespace", _field(1, _field(1, b"team"))))
    assert ns["metadata"] == {"name": "team"}
    with pytest.raises(BadRequest, match="magic"):
        protowire.decode(b"{}")
    with pytest.raises(BadRequest, match="Secret and Namespace only"):
        protowire.decode(_envelope("Pod", b""))
    with pytest.raises(BadRequest, match="truncated"):
        protowire.decode(_envelope("Secret", _field(1, b"abc"))[:-2])


# --- discovery, OpenAPI and tables -------------------------------------------------------------


def test_core_discovery_only_when_served() -> None:
    assert discovery.api_versions(core=True)["versions"] == ["v1"]
    assert discovery.api_versions()["versions"] == []
    listed = discovery.core_resource_list(corev1.CORE)
    assert [(r["name"], r["namespaced"]) for r in listed["resources"]] == [
        ("namespaces", False),
        ("secrets", True),
    ]
    [group] = discovery.aggregated_core(corev1.CORE)["items"]
    assert group["metadata"] == {"name": ""}
    assert [r["resource"] for r in group["versions"][0]["resources"]] == ["namespaces", "secrets"]


def test_core_openapi_has_a_patch_with_field_validation_and_schemas() -> None:
    assert "api/v1" in openapi.openapi_v3_index(core=True)["paths"]
    assert "api/v1" not in openapi.openapi_v3_index()["paths"]
    document = openapi.openapi_v3_document("", "v1")
    assert document is not None
    patch = document["paths"]["/api/v1/namespaces/{namespace}/secrets/{name}"]["patch"]
    assert patch["x-kubernetes-group-version-kind"] == {
        "group": "",
        "version": "v1",
        "kind": "Secret",
    }
    assert "fieldValidation" in [p["name"] for p in patch["parameters"]]
    assert "/api/v1/namespaces/{name}" in document["paths"]
    schema = openapi.schema_for("Secret")
    assert schema is not None
    assert "data" in schema["properties"]


def test_secret_table_columns() -> None:
    secret = {"metadata": {"name": "s"}, "type": "Opaque", "data": {"a": "", "b": ""}}
    table = tables.table_for(corev1.SECRETS, [secret], resource_version="1", now=datetime.now(UTC))
    assert [c["name"] for c in table["columnDefinitions"]] == ["Name", "Type", "Data", "Age"]
    assert table["rows"][0]["cells"][:3] == ["s", "Opaque", 2]
