"""The worker protocol: length-prefixed frames between the runner and a warm worker process.

Why: a warm worker reads many ResourceLists from one stdin and writes many answers to one
stdout, so each message needs a boundary that YAML cannot provide. Every frame is a 4-byte
big-endian length followed by that many bytes. The conversation is:

    worker -> runner   hello:   {"protocol": "porch-fn-worker/1", "pid": <int>}
    runner -> worker   request: header {"image": <str>}, then the ResourceList bytes
    worker -> runner   reply:   header {"outcome": ..., "message", "exitCode", "results"},
                                then the output ResourceList bytes, then the log bytes

``outcome`` is one of ``ok``, ``invalid`` (the input was not a ResourceList), ``failed``
(the function ran and reported failure; ``results`` and ``exitCode`` say how), ``error``
(it could not produce an answer), ``toolarge`` (the output exceeded the size limit) or
``notfound`` (the worker does not know the image).
A worker answers requests strictly in order, one at a time.

This module is the protocol as data plus two small readers (blocking for the worker,
asyncio for the runner). It must stay free of porch imports beyond the standard library,
so a worker process starts fast, and must not start or kill processes.
"""

from __future__ import annotations

import asyncio
import json
import struct
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Literal

PROTOCOL = "porch-fn-worker/1"

Outcome = Literal["ok", "invalid", "failed", "error", "toolarge", "notfound"]
OUTCOMES: frozenset[str] = frozenset({"ok", "invalid", "failed", "error", "toolarge", "notfound"})

_LENGTH = struct.Struct(">I")
# Headers are small JSON objects; anything bigger means the stream is not our protocol.
MAX_HEADER_BYTES = 1024 * 1024


class ProtocolError(Exception):
    """The peer broke the protocol (bad length, bad header, early end of stream)."""


@dataclass(frozen=True, slots=True)
class Request:
    image: str
    resource_list: bytes


@dataclass(frozen=True, slots=True)
class Reply:
    outcome: Outcome
    message: str = ""
    resource_list: bytes = b""
    log: bytes = b""
    exit_code: int | None = None
    results: tuple[dict[str, Any], ...] = field(default_factory=tuple)


def frame(payload: bytes) -> bytes:
    """One frame: the length prefix, then ``payload``."""
    return _LENGTH.pack(len(payload)) + payload


def hello(pid: int) -> bytes:
    return frame(_json({"protocol": PROTOCOL, "pid": pid}))


def encode_request(request: Request) -> bytes:
    return frame(_json({"image": request.image})) + frame(request.resource_list)


def encode_reply(reply: Reply) -> bytes:
    header = {
        "outcome": reply.outcome,
        "message": reply.message,
        "exitCode": reply.exit_code,
        "results": list(reply.results),
    }
    return frame(_json(header)) + frame(reply.resource_list) + frame(reply.log)


def check_hello(payload: bytes) -> int:
    """The worker's pid from its hello frame; ``ProtocolError`` if it is not ours."""
    header = decode_header(payload)
    if header.get("protocol") != PROTOCOL:
        raise ProtocolError(f"unsupported worker protocol {header.get('protocol')!r}")
    pid = header.get("pid")
    return pid if isinstance(pid, int) else 0


def request_image(payload: bytes) -> str:
    image = decode_header(payload).get("image")
    if not isinstance(image, str) or not image:
        raise ProtocolError("request header has no image")
    return image


def decode_reply(header: bytes, resource_list: bytes, log: bytes) -> Reply:
    fields = decode_header(header)
    outcome = fields.get("outcome")
    if outcome not in OUTCOMES:
        raise ProtocolError(f"unknown reply outcome {outcome!r}")
    exit_code, results = fields.get("exitCode"), fields.get("results")
    return Reply(
        outcome=outcome,
        message=str(fields.get("message") or ""),
        resource_list=resource_list,
        log=log,
        exit_code=exit_code if isinstance(exit_code, int) else None,
        results=tuple(r for r in results if isinstance(r, dict))
        if isinstance(results, list)
        else (),
    )


def decode_header(payload: bytes) -> dict[str, Any]:
    try:
        header = json.loads(payload)
    except ValueError as err:
        raise ProtocolError(f"frame header is not JSON: {err}") from err
    if not isinstance(header, dict):
        raise ProtocolError("frame header is not a JSON object")
    return header


def read_frame_blocking(stream: BinaryIO, *, max_bytes: int) -> bytes | None:
    """The next frame from a blocking stream; ``None`` at a clean end of stream."""
    prefix = stream.read(_LENGTH.size)
    if not prefix:
        return None
    if len(prefix) < _LENGTH.size:
        raise ProtocolError("stream ended inside a frame length")
    (length,) = _LENGTH.unpack(prefix)
    if length > max_bytes:
        raise ProtocolError(f"frame of {length} bytes exceeds the limit of {max_bytes}")
    payload = stream.read(length)
    if len(payload) < length:
        raise ProtocolError("stream ended inside a frame")
    return payload


async def read_frame(reader: asyncio.StreamReader, *, max_bytes: int) -> bytes:
    """The next frame from an asyncio stream; any end of stream is a ``ProtocolError``."""
    try:
        (length,) = _LENGTH.unpack(await reader.readexactly(_LENGTH.size))
        if length > max_bytes:
            raise ProtocolError(f"frame of {length} bytes exceeds the limit of {max_bytes}")
        return await reader.readexactly(length)
    except asyncio.IncompleteReadError as err:
        raise ProtocolError("worker closed its output") from err


def _json(value: dict[str, Any]) -> bytes:
    return json.dumps(value, separators=(",", ":"), default=str).encode()


__all__ = [
    "MAX_HEADER_BYTES",
    "PROTOCOL",
    "ProtocolError",
    "Reply",
    "Request",
    "check_hello",
    "decode_header",
    "decode_reply",
    "encode_reply",
    "encode_request",
    "frame",
    "hello",
    "read_frame",
    "read_frame_blocking",
    "request_image",
]
