"""OpenAPI v2 from the v3 documents, and its protobuf form (gnostic ``openapi.v2.Document``
field numbers), read back here with a minimal protobuf wire reader."""

from __future__ import annotations

import json
import struct
from typing import Any

import yaml
from hypothesis import given
from hypothesis import strategies as st

from porch_apiserver import openapi_v2

Fields = dict[int, list[Any]]


def _varint(data: bytes, at: int) -> tuple[int, int]:
    shift = value = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, at


def fields(data: bytes) -> Fields:
    """Field number -> the values in order (bytes for length-delimited, int, or float)."""
    out: Fields = {}
    at = 0
    while at < len(data):
        key, at = _varint(data, at)
        number, wire = key >> 3, key & 7
        value: Any
        if wire == 0:
            value, at = _varint(data, at)
        elif wire == 1:
            (value,) = struct.unpack("<d", data[at : at + 8])
            at += 8
        elif wire == 2:
            size, at = _varint(data, at)
            value, at = data[at : at + size], at + size
        else:
            raise AssertionError(f"wire type {wire}")
        out.setdefault(number, []).append(value)
    return out


def named(entries: list[bytes]) -> dict[str, bytes]:
    """Entries of a gnostic ``Named*`` list: name (1) -> value (2)."""
    pairs = (fields(entry) for entry in entries)
    return {p[1][0].decode(): p.get(2, [b""])[0] for p in pairs}


def wrapped(data: bytes, field: int = 1) -> dict[str, bytes]:
    """A message whose field ``field`` is a ``Named*`` list (Definitions, Properties, ...)."""
    return named(fields(data).get(field, []))


def test_the_document_defines_every_kind_with_v2_references() -> None:
    doc = openapi_v2.document(core=True)
    assert doc["swagger"] == "2.0"
    text = json.dumps(doc)
    assert "#/components/" not in text
    assert '"requestBody"' not in text
    revision = doc["definitions"]["dev.kpt.porch.v1alpha1.PackageRevision"]
    assert revision["x-kubernetes-group-version-kind"] == [
        {"group": "porch.kpt.dev", "kind": "PackageRevision", "version": "v1alpha1"}
    ]
    assert revision["properties"]["metadata"]["$ref"] == (
        "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
    )
    assert "io.k8s.api.core.v1.Secret" in doc["definitions"]
    assert "io.k8s.api.core.v1.Secret" not in openapi_v2.document(core=False)["definitions"]
    path = "/apis/porch.kpt.dev/v1alpha1/namespaces/{namespace}/packagerevisions"
    create = doc["paths"][path]["post"]
    body = next(p for p in create["parameters"] if p["in"] == "body")
    assert body["schema"]["$ref"] == "#/definitions/dev.kpt.porch.v1alpha1.PackageRevision"
    assert "application/json" in create["consumes"]
    assert create["responses"]["201"]["schema"]["$ref"].startswith("#/definitions/")
    query = next(p for p in create["parameters"] if p["name"] == "dryRun")
    assert (query["in"], query["type"]) == ("query", "string")


def test_the_protobuf_carries_the_same_document() -> None:
    doc = openapi_v2.document(core=True)
    top = fields(openapi_v2.encode(doc))
    assert top[1] == [b"2.0"]
    assert fields(top[2][0])[1] == [b"Porch"]
    definitions = wrapped(top[9][0])
    assert set(definitions) == set(doc["definitions"])
    schema = fields(definitions["dev.kpt.porch.config.v1alpha1.Repository"])
    extensions = named(schema[31])
    gvk = yaml.safe_load(fields(extensions["x-kubernetes-group-version-kind"])[2][0])
    assert gvk == [{"group": "config.porch.kpt.dev", "kind": "Repository", "version": "v1alpha1"}]
    assert fields(schema[22][0])[1] == [b"object"]  # TypeItem
    props = wrapped(schema[25][0])
    assert set(props) == set(
        doc["definitions"]["dev.kpt.porch.config.v1alpha1.Repository"]["properties"]
    )
    metadata = fields(props["metadata"])  # a lone allOf ref became $ref, with its siblings
    assert metadata[1] == [b"#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"]
    assert metadata[4] == [b"Standard object metadata."]
    assert fields(metadata[5][0])[2] == [b"{}"]  # the default, as YAML in gnostic's Any
    spec = fields(props["spec"])
    assert "git" in wrapped(spec[25][0])
    paths = wrapped(top[8][0], field=2)
    assert set(paths) == set(doc["paths"])


def test_a_false_additional_properties_is_still_sent() -> None:
    schema = fields(openapi_v2._schema({"type": "object", "additionalProperties": False}))
    assert fields(schema[21][0]) == {2: [0]}
    schema = fields(openapi_v2._schema({"additionalProperties": {"type": "string"}}))
    assert fields(fields(schema[21][0])[1][0])[22]


@given(st.integers(min_value=-(2**63), max_value=2**63 - 1))
def test_varints_read_back_as_int64(n: int) -> None:
    value, _ = _varint(openapi_v2._varint(n), 0)
    assert value - (1 << 64 if value >= 1 << 63 else 0) == n
