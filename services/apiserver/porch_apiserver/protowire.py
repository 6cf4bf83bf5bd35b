"""Decoding the Kubernetes protobuf bodies kubectl sends for core types. Pure; no I/O.

kubectl's typed clients (``kubectl create secret``, ``kubectl create namespace``) send
``application/vnd.kubernetes.protobuf``: the magic ``k8s\\0``, then a ``runtime.Unknown``
(1: TypeMeta{1: apiVersion, 2: kind}, 2: raw object). Only the fields of Secret and
Namespace that local mode stores are read (field numbers from k8s.io/api core/v1 and
apimachinery meta/v1 generated.proto); the rest is skipped. Answers stay JSON, which those
clients also accept.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

from porch.errors import BadRequest

PROTOBUF = "application/vnd.kubernetes.protobuf"
MAGIC = b"k8s\x00"
Json = dict[str, Any]


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value, shift = 0, 0
    while True:
        if at >= len(data) or shift > 63:
            raise BadRequest("the protobuf body is truncated")
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, at
        shift += 7


def fields(data: bytes) -> Iterator[tuple[int, int | bytes]]:
    """``(field number, value)``: an int for varints, bytes for length-delimited."""
    at = 0
    while at < len(data):
        key, at = _varint(data, at)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, at = _varint(data, at)
            yield number, value
        elif wire == 2:
            size, at = _varint(data, at)
            if at + size > len(data):
                raise BadRequest("the protobuf body is truncated")
            yield number, data[at : at + size]
            at += size
        elif wire == 1:
            at += 8
        elif wire == 5:
            at += 4
        else:
            raise BadRequest(f"unsupported protobuf wire type {wire}")


def _text(value: int | bytes) -> str:
    if not isinstance(value, bytes):
        raise BadRequest("malformed protobuf body: expected a string")
    return value.decode("utf-8", errors="strict")


def _entry(value: int | bytes) -> tuple[str, bytes]:
    if not isinstance(value, bytes):
        raise BadRequest("malformed protobuf body: expected a map entry")
    key, item = "", b""
    for number, part in fields(value):
        if number == 1:
            key = _text(part)
        elif number == 2 and isinstance(part, bytes):
            item = part
    return key, item


def _metadata(data: bytes) -> Json:
    meta: Json = {}
    names = {1: "name", 2: "generateName", 3: "namespace", 6: "resourceVersion", 5: "uid"}
    for number, value in fields(data):
        if number in names:
            if text := _text(value):  # gogo proto sends empty strings too
                meta[names[number]] = text
        elif number in (11, 12):
            key, item = _entry(value)
            meta.setdefault("labels" if number == 11 else "annotations", {})[key] = item.decode()
        elif number == 14:
            meta.setdefault("finalizers", []).append(_text(value))
    return meta


def _secret(data: bytes) -> Json:
    obj: Json = {"apiVersion": "v1", "kind": "Secret"}
    for number, value in fields(data):
        if number == 1 and isinstance(value, bytes):
            obj["metadata"] = _metadata(value)
        elif number == 2:
            key, item = _entry(value)  # bytes on the wire, base64 in JSON
            obj.setdefault("data", {})[key] = base64.b64encode(item).decode()
        elif number == 3:
            obj["type"] = _text(value)
        elif number == 4:
            key, item = _entry(value)
            obj.setdefault("stringData", {})[key] = item.decode()
        elif number == 5 and isinstance(value, int):
            obj["immutable"] = bool(value)
    return obj


def _namespace(data: bytes) -> Json:
    obj: Json = {"apiVersion": "v1", "kind": "Namespace"}
    for number, value in fields(data):
        if number == 1 and isinstance(value, bytes):
            obj["metadata"] = _metadata(value)
    return obj


_DECODERS = {"Secret": _secret, "Namespace": _namespace}


def decode(body: bytes) -> Json:
    """A Secret or Namespace from its Kubernetes protobuf encoding."""
    if not body.startswith(MAGIC):
        raise BadRequest("the protobuf body does not start with the Kubernetes magic number")
    kind, raw = "", b""
    for number, value in fields(body[len(MAGIC) :]):
        if number == 1 and isinstance(value, bytes):
            for sub, part in fields(value):
                if sub == 2:
                    kind = _text(part)
        elif number == 2 and isinstance(value, bytes):
            raw = value
    decoder = _DECODERS.get(kind)
    if decoder is None:
        raise BadRequest(
            f"protobuf bodies are accepted for Secret and Namespace only, not {kind!r}"
        )
    try:
        return decoder(raw)
    except UnicodeDecodeError:
        raise BadRequest("malformed protobuf body: a string is not UTF-8") from None


__all__ = ["MAGIC", "PROTOBUF", "decode", "fields"]
