"""The exec evaluator: runs allow-listed local executables as KRM functions.

Why: Porch's "exec" runtime runs functions baked into the runner image without starting a
pod. Only images named in an allow-list file are run, each mapped to an absolute
executable path and fixed arguments:

    functions:
      - image: example.com/set-labels:v1
        exec: ["/opt/fns/set-labels", "--verbose"]
        env: {LOG_LEVEL: debug}          # optional, added to a minimal environment
        reuse: false                     # optional: true if the binary serves the framed
                                         # worker protocol (see ``frames``); the warm
                                         # pool then keeps one process for many calls

A function gets the ResourceList on stdin and must print one on stdout (KRM functions
spec); stderr is its log. Each call runs in a fresh scratch directory with a minimal
environment (the runner's own environment, which may hold credentials, is not passed on),
in its own process group, so the whole group is killed when the call times out, is
cancelled, or overflows the output cap. Nothing is left running after ``evaluate``
returns or raises.

It must not run anything that is not in the allow-list, and must not interpret the
ResourceList beyond checking that the output is one and reading its ``results``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from porch.errors import Cause, FunctionError, Invalid, Timeout, TooLarge
from porch.fnclient import EvaluationResult, FunctionFailure
from porch_fnrunner import outputs

log = logging.getLogger(__name__)

_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
BASE_ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LC_ALL": "C.UTF-8"}
_CHUNK = 64 * 1024
# How much of stderr goes into an error message (the full tail is in ``stderr``).
_MESSAGE_STDERR_CHARS = 1024
# After the process group is dead, how long to wait for its pipes to report EOF.
_DRAIN_SECONDS = 1.0
# How often to check whether a function exited while its pipes are still held open.
_EXIT_POLL_SECONDS = 0.1


@dataclass(frozen=True, slots=True)
class ExecFunction:
    """One allow-listed function: the image name callers use and how to run it."""

    image: str
    argv: tuple[str, ...]
    env: Mapping[str, str] = field(default_factory=dict)
    reuse: bool = False


def parse_exec_config(text: str, *, source: str) -> dict[str, ExecFunction]:
    """Parse an allow-list document; ``Invalid`` (with causes) for anything off-schema."""
    try:
        doc = yaml.load(text, Loader=_YAML_LOADER)
    except yaml.YAMLError as err:
        raise Invalid(f"{source}: not YAML: {err}") from err
    if doc is None:
        doc = {}
    if not isinstance(doc, dict) or not isinstance(doc.get("functions", []), list):
        raise Invalid(f"{source}: expected a mapping with a 'functions' list")
    unknown = sorted(str(k) for k in doc if k != "functions")
    causes = [Cause("FieldValueNotSupported", "unknown field", key) for key in unknown]
    functions: dict[str, ExecFunction] = {}
    seen: set[str] = set()
    for index, entry in enumerate(doc.get("functions") or []):
        where = f"functions[{index}]"
        if not isinstance(entry, dict):
            causes.append(Cause("FieldValueInvalid", "must be a mapping", where))
            continue
        problems = _entry_problems(entry, where=where)
        image = entry.get("image")
        if isinstance(image, str) and image in seen:
            problems.append(Cause("FieldValueDuplicate", f"image {image!r} listed twice", where))
        if isinstance(image, str):
            seen.add(image)
        causes.extend(problems)
        if not problems:
            functions[entry["image"]] = ExecFunction(
                image=entry["image"],
                argv=tuple(entry["exec"]),
                env=dict(entry.get("env") or {}),
                reuse=bool(entry.get("reuse", False)),
            )
    if causes:
        raise Invalid(f"{source}: invalid exec allow-list", causes=causes)
    return functions


def _entry_problems(entry: Mapping[str, Any], *, where: str) -> list[Cause]:
    problems = [
        Cause("FieldValueNotSupported", "unknown field", f"{where}.{key}")
        for key in sorted(str(k) for k in entry if k not in {"image", "exec", "env", "reuse"})
    ]
    if not isinstance(entry.get("reuse", False), bool):
        problems.append(Cause("FieldValueInvalid", "must be true or false", f"{where}.reuse"))
    image, argv, env = entry.get("image"), entry.get("exec"), entry.get("env") or {}
    if not isinstance(image, str) or not image.strip():
        problems.append(Cause("FieldValueRequired", "must be a non-empty string", f"{where}.image"))
    if not isinstance(argv, list) or not argv or not all(isinstance(a, str) and a for a in argv):
        problems.append(
            Cause("FieldValueInvalid", "must be a non-empty list of strings", f"{where}.exec")
        )
    elif not os.path.isabs(argv[0]):
        problems.append(
            Cause("FieldValueInvalid", "executable must be an absolute path", f"{where}.exec")
        )
    if not isinstance(env, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in env.items()
    ):
        problems.append(Cause("FieldValueInvalid", "must map strings to strings", f"{where}.env"))
    return problems


def load_exec_config(path: Path) -> dict[str, ExecFunction]:
    """Read and validate the allow-list file; every executable must exist and be runnable.

    Called once at startup (blocking file I/O is fine there), so a broken allow-list stops
    the runner instead of failing calls later.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise Invalid(f"cannot read exec allow-list {path}: {err}") from err
    functions = parse_exec_config(text, source=str(path))
    missing = [
        Cause("FieldValueInvalid", f"{fn.argv[0]} is not an executable file", fn.image)
        for fn in functions.values()
        if not (os.path.isfile(fn.argv[0]) and os.access(fn.argv[0], os.X_OK))
    ]
    if missing:
        raise Invalid(f"{path}: allow-listed executables are missing", causes=missing)
    return functions


class ExecEvaluator:
    """Evaluator for the allow-listed images; ``None`` for any other image.

    ``timeout`` is the most one call may take; ``max_output_bytes`` caps the function's
    stdout (and therefore the response); ``stderr_tail_bytes`` is how much of the end of
    its stderr is kept as the log.
    """

    def __init__(
        self,
        functions: Mapping[str, ExecFunction],
        *,
        timeout: float,
        max_output_bytes: int,
        stderr_tail_bytes: int = 64 * 1024,
    ) -> None:
        self._functions = dict(functions)
        self._timeout = timeout
        self._max_output = max_output_bytes
        self._stderr_tail = stderr_tail_bytes

    @property
    def images(self) -> frozenset[str]:
        return frozenset(self._functions)

    async def evaluate(self, *, image: str, resource_list: bytes) -> EvaluationResult | None:
        function = self._functions.get(image)
        if function is None:
            return None
        started = time.monotonic()
        with tempfile.TemporaryDirectory(prefix="porch-fn-", ignore_cleanup_errors=True) as work:
            env = {**BASE_ENV, "HOME": work, "TMPDIR": work, **function.env}
            try:
                # On expiry _run is cancelled, and cancellation kills the process group.
                async with asyncio.timeout(self._timeout):
                    done = await _run(
                        function.argv,
                        stdin=resource_list,
                        env=env,
                        cwd=work,
                        max_stdout=self._max_output,
                        stderr_tail=self._stderr_tail,
                    )
            except TimeoutError:
                raise Timeout(
                    f"function {image!r} did not finish within {self._timeout:g}s and was killed"
                ) from None
            except OSError as err:
                raise FunctionError(f"cannot start function {image!r}: {err}") from err
        log.info(
            "exec %s: exit %s in %.3fs, stdout %d bytes, stderr %d bytes",
            image,
            done.returncode,
            time.monotonic() - started,
            len(done.stdout),
            len(done.stderr),
        )
        return await _interpret(image, done, max_output=self._max_output)


@dataclass(frozen=True, slots=True)
class _Completed:
    returncode: int
    stdout: bytes
    stdout_overflowed: bool
    stderr: bytes


async def _interpret(image: str, done: _Completed, *, max_output: int) -> EvaluationResult:
    stderr_text = done.stderr.decode("utf-8", errors="replace")
    if done.stdout_overflowed:
        raise TooLarge(f"function {image!r} wrote more than {max_output} bytes to stdout")
    output = await asyncio.to_thread(outputs.parse_resource_list, done.stdout)
    if done.returncode != 0:
        how = (
            f"was killed by signal {-done.returncode}"
            if done.returncode < 0
            else f"exited with code {done.returncode}"
        )
        raise FunctionFailure(
            f"function {image!r} {how}{_stderr_suffix(stderr_text)}",
            image=image,
            exit_code=done.returncode,
            stderr=stderr_text,
            results=outputs.results_of(output) if output is not None else (),
        )
    if output is None:
        raise FunctionError(
            f"function {image!r} did not print a ResourceList on stdout"
            f"{_stderr_suffix(stderr_text)}"
        )
    return EvaluationResult(resource_list=done.stdout, log=done.stderr)


def _stderr_suffix(stderr: str) -> str:
    tail = stderr.strip()[-_MESSAGE_STDERR_CHARS:]
    return f"; stderr: {tail}" if tail else ""


async def _run(
    argv: tuple[str, ...],
    *,
    stdin: bytes,
    env: Mapping[str, str],
    cwd: str,
    max_stdout: int,
    stderr_tail: int,
) -> _Completed:
    """Run ``argv`` to completion; if cancelled, kill its process group before re-raising."""
    proc = await asyncio.create_subprocess_exec(
        *argv,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=dict(env),
        cwd=cwd,
        start_new_session=True,
    )
    assert proc.stdin is not None
    assert proc.stdout is not None
    assert proc.stderr is not None
    finished = False
    try:
        async with asyncio.TaskGroup() as tasks:
            tasks.create_task(_feed(proc.stdin, stdin))
            out = tasks.create_task(
                _read_capped(proc.stdout, max_stdout, on_overflow=lambda: kill_group(proc.pid))
            )
            err = tasks.create_task(_read_tail(proc.stderr, stderr_tail))
            sweeper = tasks.create_task(_sweep_after_exit(proc))
            await asyncio.wait((out, err))
            sweeper.cancel()
        returncode = await proc.wait()
        # Children that closed their pipes could still be running; the call is over.
        kill_group(proc.pid)
        finished = True
        stdout, overflowed = out.result()
        return _Completed(returncode, stdout, overflowed, err.result())
    finally:
        if not finished:
            kill_group(proc.pid)
            # Read the pipes to EOF so asyncio can close the transports, then reap.
            try:
                async with asyncio.timeout(_DRAIN_SECONDS):
                    await asyncio.gather(proc.stdout.read(), proc.stderr.read())
                    await proc.wait()
            except TimeoutError:
                log.warning("function process %d: pipes still open after kill", proc.pid)


def kill_group(pgid: int) -> None:
    # start_new_session=True made the function the leader of its own process group. Once
    # the leader is reaped the group id could in theory be reused; the window between
    # reaping and this call is a few event-loop steps.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


async def _sweep_after_exit(proc: asyncio.subprocess.Process) -> None:
    """Once the function has exited, kill what it left behind holding its stdout/stderr.

    Polls ``returncode`` because ``Process.wait()`` (Python 3.11) only returns once the
    pipes are closed too, which is exactly what leftover children prevent, and asyncio
    offers no public exit event. The poll runs only while the function is running.
    """
    while proc.returncode is None:  # noqa: ASYNC110 - no public process-exit event
        await asyncio.sleep(_EXIT_POLL_SECONDS)
    kill_group(proc.pid)


async def _feed(writer: asyncio.StreamWriter, data: bytes) -> None:
    # A function may exit without reading all of its input; that is its business.
    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
        writer.write(data)
        await writer.drain()
    writer.close()
    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
        await writer.wait_closed()


async def _read_capped(
    stream: asyncio.StreamReader, cap: int, *, on_overflow: Callable[[], None]
) -> tuple[bytes, bool]:
    buf = bytearray()
    overflowed = False
    while chunk := await stream.read(_CHUNK):
        if overflowed:
            continue  # keep draining until the killed process's pipe closes
        buf += chunk
        if len(buf) > cap:
            overflowed = True
            del buf[cap:]
            on_overflow()
    return bytes(buf), overflowed


async def _read_tail(stream: asyncio.StreamReader, keep: int) -> bytes:
    buf = bytearray()
    while chunk := await stream.read(_CHUNK):
        buf += chunk
        if len(buf) > keep:
            del buf[:-keep]
    return bytes(buf)


__all__ = [
    "BASE_ENV",
    "ExecEvaluator",
    "ExecFunction",
    "kill_group",
    "load_exec_config",
    "parse_exec_config",
]
