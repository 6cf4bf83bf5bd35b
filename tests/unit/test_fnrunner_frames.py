"""The worker protocol as data: frames, hello, requests and replies (pure, no processes).

``worker.serve`` is driven here over in-memory streams, so the worker's side of the
conversation is checked without starting one.
"""

from __future__ import annotations

import asyncio
import io
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from porch.krm.resourcelist import ResourceList
from porch_fnrunner import frames, worker

RL = b"apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\n"


def _frames(data: bytes) -> list[bytes]:
    stream, found = io.BytesIO(data), []
    while (payload := frames.read_frame_blocking(stream, max_bytes=1 << 20)) is not None:
        found.append(payload)
    return found


@given(st.lists(st.binary(max_size=300), max_size=5))
def test_frames_round_trip(payloads: list[bytes]) -> None:
    assert _frames(b"".join(frames.frame(p) for p in payloads)) == payloads


@given(
    outcome=st.sampled_from(sorted(frames.OUTCOMES)),
    message=st.text(max_size=50),
    body=st.binary(max_size=100),
    log=st.binary(max_size=100),
    exit_code=st.none() | st.integers(-9, 255),
)
def test_reply_round_trip(
    outcome: frames.Outcome, message: str, body: bytes, log: bytes, exit_code: int | None
) -> None:
    reply = frames.Reply(
        outcome,
        message=message,
        resource_list=body,
        log=log,
        exit_code=exit_code,
        results=({"message": "m", "severity": "error", "field": {"path": "a.b"}},),
    )
    assert frames.decode_reply(*_frames(frames.encode_reply(reply))) == reply


def test_request_and_hello() -> None:
    header, body = _frames(frames.encode_request(frames.Request("img:v1", RL)))
    assert frames.request_image(header) == "img:v1"
    assert body == RL
    (hello,) = _frames(frames.hello(42))
    assert frames.check_hello(hello) == 42


@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        (b"not json", "not JSON"),
        (b"[1]", "not a JSON object"),
        (json.dumps({"protocol": "other/9"}).encode(), "unsupported worker protocol"),
    ],
)
def test_bad_hello(payload: bytes, problem: str) -> None:
    with pytest.raises(frames.ProtocolError, match=problem):
        frames.check_hello(payload)


def test_bad_reply_and_request() -> None:
    with pytest.raises(frames.ProtocolError, match="unknown reply outcome"):
        frames.decode_reply(b'{"outcome": "maybe"}', b"", b"")
    with pytest.raises(frames.ProtocolError, match="no image"):
        frames.request_image(b"{}")


def test_truncated_and_oversized_frames() -> None:
    with pytest.raises(frames.ProtocolError, match="inside a frame length"):
        frames.read_frame_blocking(io.BytesIO(b"\x00\x00"), max_bytes=10)
    with pytest.raises(frames.ProtocolError, match="inside a frame"):
        frames.read_frame_blocking(io.BytesIO(frames.frame(b"abcdef")[:-2]), max_bytes=10)
    with pytest.raises(frames.ProtocolError, match="exceeds the limit of 3"):
        frames.read_frame_blocking(io.BytesIO(frames.frame(b"abcdef")), max_bytes=3)


async def test_async_reader() -> None:
    reader = asyncio.StreamReader()
    reader.feed_data(frames.frame(b"one") + frames.frame(b"x" * 100))
    reader.feed_eof()
    assert await frames.read_frame(reader, max_bytes=10) == b"one"
    with pytest.raises(frames.ProtocolError, match="exceeds"):
        await frames.read_frame(reader, max_bytes=10)
    ended = asyncio.StreamReader()
    ended.feed_data(frames.frame(b"cut short")[:-3])
    ended.feed_eof()
    with pytest.raises(frames.ProtocolError, match="closed its output"):
        await frames.read_frame(ended, max_bytes=100)


def _echo(rl: ResourceList) -> ResourceList:
    return rl


def test_worker_serves_requests_in_order() -> None:
    requests = b"".join(
        frames.encode_request(frames.Request(image, RL)) for image in ("echo:v1", "nope:v1")
    )
    sink = io.BytesIO()
    worker.serve({"echo:v1": _echo}.get, source=io.BytesIO(requests), sink=sink, max_bytes=1 << 20)
    hello, *rest = _frames(sink.getvalue())
    assert frames.check_hello(hello) > 0
    first, second = frames.decode_reply(*rest[:3]), frames.decode_reply(*rest[3:])
    assert first.outcome == "ok"
    assert b"kind: ResourceList" in first.resource_list
    assert second.outcome == "notfound"


def test_worker_refuses_a_request_without_body() -> None:
    header_only = frames.frame(b'{"image": "echo:v1"}')
    with pytest.raises(frames.ProtocolError, match="between a request header and its body"):
        worker.serve(
            {"echo:v1": _echo}.get,
            source=io.BytesIO(header_only),
            sink=io.BytesIO(),
            max_bytes=1 << 20,
        )
