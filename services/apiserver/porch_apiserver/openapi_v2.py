"""OpenAPI v2 (Swagger 2.0) at ``/openapi/v2``, derived from the v3 documents, as JSON or
as the protobuf kubectl asks for.

kubectl validates client-side with the v2 document whenever server-side field validation
cannot be used for a kind; a ``v1`` ``List`` (``kubectl get ... -o json | kubectl replace
-f -``, or an applied file holding a List) is always such a kind, and without a v2 document
kubectl refuses it ("the server could not find the requested resource"). client-go only
reads v2 as protobuf (``application/com.github.proto-openapi.spec.v2@v1.0+protobuf``): the
``openapi.v2.Document`` message of gnostic's ``OpenAPIv2.proto``, whose field numbers are
the wire contract this encoder follows. The aggregator in kube-apiserver fetches JSON.

The v2 document is the v3 ones rewritten: ``components.schemas`` become ``definitions``;
``requestBody`` a ``body`` parameter; response ``content`` a ``schema`` with the media types
in ``produces``; a parameter's ``schema`` its inline type; a lone ``allOf`` reference a
plain ``$ref``, as kube-apiserver's v2 document writes it. Vendor extensions (``x-...``),
defaults and enums travel as YAML (JSON text, which is YAML) in gnostic's ``Any``.
"""

from __future__ import annotations

import functools
import hashlib
import json
import struct
from collections.abc import Iterable
from typing import Any

from porch_apiserver import openapi, resources

Json = dict[str, Any]
PROTOBUF = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf"
PROTOBUF_SERVED = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch")  # PathItem's order


# --- v3 -> v2, as JSON ------------------------------------------------------------------------


def _refs(node: Any) -> Any:
    """``#/components/schemas/X`` -> ``#/definitions/X``; a lone ``allOf`` ref inlined."""
    if isinstance(node, list):
        return [_refs(n) for n in node]
    if not isinstance(node, dict):
        return node
    all_of = node.get("allOf")
    if isinstance(all_of, list) and len(all_of) == 1 and set(all_of[0]) == {"$ref"}:
        node = {**{k: v for k, v in node.items() if k != "allOf"}, "$ref": all_of[0]["$ref"]}
    out = {k: _refs(v) for k, v in node.items()}
    ref = out.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
        out["$ref"] = "#/definitions/" + ref.rsplit("/", 1)[1]
    return out


def _parameter(param: Json) -> Json:
    out = {k: v for k, v in param.items() if k != "schema"}
    out.update(param.get("schema") or {})
    return out


def _operation(op: Json) -> Json:
    out: Json = {k: v for k, v in op.items() if k not in ("parameters", "requestBody", "responses")}
    params = [_parameter(p) for p in op.get("parameters") or ()]
    body = op.get("requestBody")
    if body:
        content: Json = body.get("content") or {}
        out["consumes"] = list(content)
        first: Json = next(iter(content.values()), {})
        schema = first.get("schema", {})
        params.append({"name": "body", "in": "body", "required": True, "schema": schema})
    if params:
        out["parameters"] = params
    produces: list[str] = []
    responses: Json = {}
    for code, response in (op.get("responses") or {}).items():
        v2: Json = {"description": response.get("description", "")}
        content = response.get("content") or {}
        for media in content:
            if media not in produces:
                produces.append(media)
        if content:
            v2["schema"] = next(iter(content.values())).get("schema", {})
        responses[code] = v2
    if produces:
        out["produces"] = produces
    out["responses"] = responses
    converted: Json = _refs(out)
    return converted


def _v3_documents(core: bool) -> Iterable[Json]:
    if core:
        found = openapi.openapi_v3_document("", "v1")
        if found is not None:
            yield found
    for group in resources.groups():
        for version in resources.versions(group):
            found = openapi.openapi_v3_document(group, version)
            if found is not None:
                yield found


def document(*, core: bool) -> Json:
    """The Swagger 2.0 document of every served group-version (and core v1 with ``core``)."""
    paths: Json = {}
    definitions: Json = {}
    for doc in _v3_documents(core):
        for name, schema in ((doc.get("components") or {}).get("schemas") or {}).items():
            definitions.setdefault(name, _refs(schema))
        for path, item in (doc.get("paths") or {}).items():
            v2_item: Json = {}
            for key, value in item.items():
                if key in _METHODS:
                    v2_item[key] = _operation(value)
                elif key == "parameters":
                    v2_item[key] = [_parameter(p) for p in value]
                elif key.startswith("x-"):
                    v2_item[key] = value
            paths[path] = v2_item
    return {
        "swagger": "2.0",
        "info": {"title": "Porch", "version": "v1alpha1"},
        "paths": dict(sorted(paths.items())),
        "definitions": dict(sorted(definitions.items())),
    }


# --- protobuf (gnostic openapi.v2) -------------------------------------------------------------


def _varint(n: int) -> bytes:
    n &= (1 << 64) - 1  # negative int64s as their two's complement, as protobuf does
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _field(number: int, payload: bytes) -> bytes:
    """A length-delimited field (string, bytes, message), present even when empty."""
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def _string(number: int, value: Any) -> bytes:
    return _field(number, str(value).encode()) if value not in (None, "") else b""


def _strings(number: int, values: Any) -> bytes:
    return b"".join(_field(number, str(v).encode()) for v in values or ())


def _bool(number: int, value: Any) -> bytes:
    return _varint(number << 3) + b"\x01" if value else b""


def _int(number: int, value: Any) -> bytes:
    return _varint(number << 3) + _varint(int(value)) if value else b""


def _double(number: int, value: Any) -> bytes:
    return _varint(number << 3 | 1) + struct.pack("<d", float(value)) if value else b""


def _any(number: int, value: Any) -> bytes:
    """gnostic's ``Any``: the value as YAML (field 2); JSON text is YAML."""
    return _field(number, _string(2, json.dumps(value, separators=(",", ":"))))


def _extensions(number: int, node: Json) -> bytes:
    return b"".join(
        _field(number, _string(1, key) + _any(2, value))
        for key, value in node.items()
        if key.startswith("x-")
    )


def _schema(s: Json) -> bytes:
    parts = [
        _string(1, s.get("$ref")),
        _string(2, s.get("format")),
        _string(3, s.get("title")),
        _string(4, s.get("description")),
        _any(5, s["default"]) if "default" in s else b"",
        _double(6, s.get("multipleOf")),
        _double(7, s.get("maximum")),
        _bool(8, s.get("exclusiveMaximum")),
        _double(9, s.get("minimum")),
        _bool(10, s.get("exclusiveMinimum")),
        _int(11, s.get("maxLength")),
        _int(12, s.get("minLength")),
        _string(13, s.get("pattern")),
        _int(14, s.get("maxItems")),
        _int(15, s.get("minItems")),
        _bool(16, s.get("uniqueItems")),
        _int(17, s.get("maxProperties")),
        _int(18, s.get("minProperties")),
        _strings(19, s.get("required")),
        b"".join(_any(20, v) for v in s.get("enum") or ()),
    ]
    extra = s.get("additionalProperties")
    if isinstance(extra, dict):
        parts.append(_field(21, _field(1, _schema(extra))))
    elif isinstance(extra, bool):  # a oneof member: present even when false
        parts.append(_field(21, _varint(2 << 3) + (b"\x01" if extra else b"\x00")))
    kind = s.get("type")
    if kind:
        parts.append(_field(22, _strings(1, kind if isinstance(kind, list) else [kind])))
    items = s.get("items")
    if items is not None:
        listed = items if isinstance(items, list) else [items]
        parts.append(_field(23, b"".join(_field(1, _schema(i)) for i in listed)))
    parts += [_field(24, _schema(a)) for a in s.get("allOf") or ()]
    props = s.get("properties")
    if props is not None:
        named = (_field(1, _string(1, k) + _field(2, _schema(v))) for k, v in props.items())
        parts.append(_field(25, b"".join(named)))
    parts += [
        _string(26, s.get("discriminator")),
        _bool(27, s.get("readOnly")),
        _any(30, s["example"]) if "example" in s else b"",
        _extensions(31, s),
    ]
    return b"".join(parts)


# Field numbers of the parameter sub-schemas: (required, in, description, name, type,
# format, uniqueItems, vendor extensions); query and form data also have allowEmptyValue.
_NON_BODY = {
    "header": (1, (1, 2, 3, 4, 5, 6, 19, 22)),
    "formData": (2, (1, 2, 3, 4, 6, 7, 20, 23)),
    "query": (3, (1, 2, 3, 4, 6, 7, 20, 23)),
    "path": (4, (1, 2, 3, 4, 5, 6, 19, 22)),
}


def _parameter_pb(p: Json) -> bytes:
    if p.get("in") == "body":
        body = (
            _string(1, p.get("description"))
            + _string(2, p.get("name"))
            + _string(3, "body")
            + _bool(4, p.get("required"))
            + _field(5, _schema(p.get("schema") or {}))
            + _extensions(6, p)
        )
        parameter = _field(1, body)
    else:
        which, (req, where, desc, name, kind, fmt, unique, ext) = _NON_BODY[p.get("in", "query")]
        sub = (
            _bool(req, p.get("required"))
            + _string(where, p.get("in"))
            + _string(desc, p.get("description"))
            + _string(name, p.get("name"))
            + _string(kind, p.get("type"))
            + _string(fmt, p.get("format"))
            + _bool(unique, p.get("uniqueItems"))
            + _extensions(ext, p)
        )
        parameter = _field(2, _field(which, sub))
    return _field(1, parameter)  # ParametersItem.parameter


def _response_pb(code: str, response: Json) -> bytes:
    """A ``NamedResponseValue``: the code, then ResponseValue.response (description and,
    when there is one, SchemaItem.schema)."""
    schema = response.get("schema")
    body = _string(1, response.get("description"))
    if schema is not None:
        body += _field(2, _field(1, _schema(schema)))
    return _string(1, code) + _field(2, _field(1, body))


def _operation_pb(op: Json) -> bytes:
    responses = b"".join(
        _field(1, _response_pb(code, r)) for code, r in (op.get("responses") or {}).items()
    )
    return b"".join(
        [
            _strings(1, op.get("tags")),
            _string(2, op.get("summary")),
            _string(3, op.get("description")),
            _string(5, op.get("operationId")),
            _strings(6, op.get("produces")),
            _strings(7, op.get("consumes")),
            b"".join(_field(8, _parameter_pb(p)) for p in op.get("parameters") or ()),
            _field(9, responses),
            _strings(10, op.get("schemes")),
            _bool(11, op.get("deprecated")),
            _extensions(13, op),
        ]
    )


def _path_item_pb(item: Json) -> bytes:
    parts = [  # PathItem numbers its operations 2..8 in _METHODS order
        _field(number, _operation_pb(item[m]))
        for number, m in enumerate(_METHODS, start=2)
        if m in item
    ]
    parts += [_field(9, _parameter_pb(p)) for p in item.get("parameters") or ()]
    parts.append(_extensions(10, item))
    return b"".join(parts)


def encode(doc: Json) -> bytes:
    """``doc`` (Swagger 2.0 JSON) as a gnostic ``openapi.v2.Document``."""
    info = doc.get("info") or {}
    paths = b"".join(
        _field(2, _string(1, path) + _field(2, _path_item_pb(item)))
        for path, item in (doc.get("paths") or {}).items()
    )
    definitions = b"".join(
        _field(1, _string(1, name) + _field(2, _schema(schema)))
        for name, schema in (doc.get("definitions") or {}).items()
    )
    return b"".join(
        [
            _string(1, doc.get("swagger")),
            _field(2, _string(1, info.get("title")) + _string(2, info.get("version"))),
            _field(8, paths),
            _field(9, definitions),
            _extensions(16, doc),
        ]
    )


@functools.cache
def document_bytes(*, core: bool, protobuf: bool) -> bytes:
    """The served bytes; the documents are fixed for the life of the process."""
    doc = document(core=core)
    if protobuf:
        return encode(doc)
    return json.dumps(doc, separators=(",", ":"), sort_keys=True).encode()


@functools.cache
def etag(*, core: bool, protobuf: bool) -> str:
    """A strong ETag of the served bytes (quoted, as HTTP wants it)."""
    return '"' + hashlib.sha256(document_bytes(core=core, protobuf=protobuf)).hexdigest() + '"'


__all__ = ["PROTOBUF", "PROTOBUF_SERVED", "document", "document_bytes", "encode", "etag"]
