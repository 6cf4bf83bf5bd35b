"""A warm builtin worker: ``python -m porch_fnrunner.worker --registry MODULE:ATTR``.

Why: running a builtin in its own process lets the runner kill it when it hangs and
survive when it crashes, and keeping that process warm pays the interpreter start and the
imports once instead of on every call. The worker speaks ``frames`` on stdin/stdout: a
hello, then one reply per request, in order, until stdin ends.

File descriptor 1 is the protocol channel, so the worker moves it aside at start and
points fd 1 at stderr: a stray ``print`` in a function lands in the log, not in the
middle of a frame. Exit codes: 0 at the end of stdin, 2 for bad arguments or a missing
registry, 3 when the runner broke the protocol.

It must not import gRPC or anything heavy beyond the registry it serves (start time is
the cold-start cost), and must not read anything but its own stdin.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import BinaryIO

from porch_fnrunner import frames
from porch_fnrunner.invoking import invoke
from porch_fnrunner.registries import DEFAULT_REGISTRY, Lookup, load_lookup

_DEFAULT_MAX_BYTES = 6 * 1024 * 1024


def serve(lookup: Lookup, *, source: BinaryIO, sink: BinaryIO, max_bytes: int) -> None:
    """Answer requests from ``source`` on ``sink`` until ``source`` ends."""
    sink.write(frames.hello(os.getpid()))
    sink.flush()
    while (
        header := frames.read_frame_blocking(source, max_bytes=frames.MAX_HEADER_BYTES)
    ) is not None:
        body = frames.read_frame_blocking(source, max_bytes=max_bytes)
        if body is None:
            raise frames.ProtocolError("stream ended between a request header and its body")
        sink.write(
            frames.encode_reply(_answer(lookup, frames.request_image(header), body, max_bytes))
        )
        sink.flush()


def _answer(lookup: Lookup, image: str, body: bytes, max_bytes: int) -> frames.Reply:
    function = lookup(image)
    if function is None:
        return frames.Reply("notfound", message=f"no builtin function for image {image!r}")
    return invoke(function, body, image=image, max_output_bytes=max_bytes)


def _protocol_channel() -> BinaryIO:
    """A private duplicate of stdout for frames; fd 1 then points at stderr."""
    channel = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    return channel


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="porch_fnrunner.worker")
    parser.add_argument("--registry", default=DEFAULT_REGISTRY, metavar="MODULE:ATTR")
    parser.add_argument("--max-message-bytes", type=int, default=_DEFAULT_MAX_BYTES)
    args = parser.parse_args(argv)
    lookup = load_lookup(args.registry)
    if lookup is None:
        print(f"worker: builtin registry {args.registry} is not importable", file=sys.stderr)
        return 2
    channel = _protocol_channel()
    try:
        serve(lookup, source=sys.stdin.buffer, sink=channel, max_bytes=args.max_message_bytes)
    except frames.ProtocolError as err:
        print(f"worker: {err}", file=sys.stderr)
        return 3
    except BrokenPipeError:
        return 0  # the runner went away; nobody is left to answer
    return 0


if __name__ == "__main__":
    sys.exit(main())
