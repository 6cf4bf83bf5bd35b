"""The local backend of the warm pool: one long-lived worker process per image.

Why: a warm process answers in the time the function takes, not the time an interpreter
or binary takes to start. Two kinds of worker speak the ``frames`` protocol on
stdin/stdout:

* builtin images: ``python -m porch_fnrunner.worker --registry MODULE:ATTR``;
* exec images allow-listed with ``reuse: true``: the binary itself. It declares that it
  can serve several requests by sending the protocol's hello when started; one that does
  not (within ``start_timeout``) is killed and its image falls back to one-shot exec for
  the rest of the runner's life (``NotPoolable``). Its output is checked to be a
  ResourceList, as the exec evaluator checks one-shot output.

Each worker runs in its own process group, scratch directory and minimal environment,
like one-shot exec. Its stderr goes to a file in the scratch directory (cut back when it
grows past a limit) and its tail is quoted when the worker dies. A worker that dies,
breaks the protocol, or is interrupted mid-call (timeout, cancellation: the stream is then
in an unknown state) is killed and reports ``alive = False``; the pool replaces it.

It must not decide which images are pooled beyond what it is configured with, and must
not leave a process behind after ``stop``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from porch.errors import FunctionError
from porch.fnclient import EvaluationResult
from porch_fnrunner import frames, outputs, replies
from porch_fnrunner.executing import BASE_ENV, ExecFunction, kill_group
from porch_fnrunner.pooling import NotPoolable
from porch_fnrunner.registries import DEFAULT_REGISTRY, Lookup

log = logging.getLogger(__name__)

# A worker's stderr file is cut back to nothing past this size (checked after each call).
_STDERR_FILE_LIMIT = 1024 * 1024
_STDERR_QUOTE = 2048
# How long a worker gets to exit after its stdin closes, and to be reaped after a kill.
_EXIT_GRACE = 1.0
_POLL = 0.02


class WorkerCrashed(FunctionError):
    """The worker died or broke the protocol during a call; only that call fails."""


class WorkerStartFailed(FunctionError):
    """The worker did not start or did not speak the protocol."""


@dataclass(frozen=True, slots=True)
class WorkerSpec:
    """How to start a worker and whether its output needs checking."""

    argv: tuple[str, ...]
    env: Mapping[str, str]
    untrusted_output: bool


class LocalWorker:
    """One started worker process; ``evaluate`` one call at a time (the pool queues)."""

    def __init__(
        self,
        proc: asyncio.subprocess.Process,
        *,
        image: str,
        scratch: Path,
        errfile: BinaryIO,
        spec: WorkerSpec,
        max_message_bytes: int,
    ) -> None:
        self._proc = proc
        self._image = image
        self._scratch = scratch
        self._errfile = errfile
        self._spec = spec
        self._max = max_message_bytes
        self._broken = False
        self._stopped = False

    @classmethod
    async def start(
        cls, image: str, spec: WorkerSpec, *, max_message_bytes: int, start_timeout: float
    ) -> LocalWorker:
        """Start the process and wait for its hello; ``WorkerStartFailed`` otherwise."""
        scratch = Path(tempfile.mkdtemp(prefix="porch-worker-"))
        errfile = (scratch / "stderr.log").open("ab")  # append: survives truncation
        env = {**spec.env, "HOME": str(scratch), "TMPDIR": str(scratch)}
        try:
            proc = await asyncio.create_subprocess_exec(
                *spec.argv,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=errfile,
                env=env,
                cwd=scratch,
                start_new_session=True,
            )
        except BaseException as err:
            errfile.close()
            shutil.rmtree(scratch, ignore_errors=True)
            if isinstance(err, OSError):
                raise WorkerStartFailed(f"cannot start worker for {image!r}: {err}") from err
            raise
        worker = cls(
            proc,
            image=image,
            scratch=scratch,
            errfile=errfile,
            spec=spec,
            max_message_bytes=max_message_bytes,
        )
        await worker._await_hello(start_timeout)
        return worker

    async def _await_hello(self, timeout: float) -> None:
        assert self._proc.stdout is not None
        try:
            async with asyncio.timeout(timeout):
                first = await frames.read_frame(
                    self._proc.stdout, max_bytes=frames.MAX_HEADER_BYTES
                )
            frames.check_hello(first)
        except (TimeoutError, frames.ProtocolError) as err:
            why = "no hello in time" if isinstance(err, TimeoutError) else str(err)
            self._broken = True
            kill_group(self._proc.pid)
            await self._wait_exit(_EXIT_GRACE)
            stderr = self._quoted_stderr()  # before stop() removes the scratch directory
            await self.stop()
            raise WorkerStartFailed(
                f"worker for {self._image!r} did not start the worker protocol: {why}{stderr}"
            ) from None
        except BaseException:
            self._broken = True
            await self.stop()
            raise

    @property
    def alive(self) -> bool:
        return not (self._broken or self._stopped) and self._proc.returncode is None

    @property
    def pid(self) -> int:
        return self._proc.pid

    async def evaluate(self, *, image: str, resource_list: bytes) -> EvaluationResult:
        if not self.alive:
            raise WorkerCrashed(f"worker for {image!r} is not running")
        try:
            reply = await self._exchange(image, resource_list)
        except (frames.ProtocolError, ConnectionError) as err:
            raise WorkerCrashed(await self._crash_message(image, err)) from None
        except BaseException:
            # Timed out or cancelled mid-call: the stream is in an unknown state.
            self._kill()
            raise
        self._trim_stderr()
        if self._spec.untrusted_output and reply.outcome == "ok":
            parsed = await asyncio.to_thread(outputs.parse_resource_list, reply.resource_list)
            if parsed is None:
                raise FunctionError(f"function {image!r} did not print a ResourceList")
        return replies.to_result(reply, image=image)

    async def _exchange(self, image: str, resource_list: bytes) -> frames.Reply:
        stdin, stdout = self._proc.stdin, self._proc.stdout
        assert stdin is not None
        assert stdout is not None
        stdin.write(frames.encode_request(frames.Request(image, resource_list)))
        await stdin.drain()
        header = await frames.read_frame(stdout, max_bytes=frames.MAX_HEADER_BYTES)
        body = await frames.read_frame(stdout, max_bytes=self._max)
        log_bytes = await frames.read_frame(stdout, max_bytes=self._max)
        return frames.decode_reply(header, body, log_bytes)

    async def _crash_message(self, image: str, err: Exception) -> str:
        was_running = self._proc.returncode is None
        if was_running:
            # Give a dying worker a moment to be reaped, so its exit status can be named.
            for _ in range(int(0.2 / _POLL)):
                await asyncio.sleep(_POLL)
                if self._proc.returncode is not None:
                    break
        code = self._proc.returncode
        self._kill()
        if code is None:
            what = f"broke the worker protocol ({err})"
        elif code < 0:
            what = f"was killed by signal {-code}"
        else:
            what = f"exited with code {code}"
        return f"worker for {image!r} {what} during the call{self._quoted_stderr()}"

    def _kill(self) -> None:
        self._broken = True
        kill_group(self._proc.pid)

    def _trim_stderr(self) -> None:
        with contextlib.suppress(OSError):
            if os.fstat(self._errfile.fileno()).st_size > _STDERR_FILE_LIMIT:
                os.ftruncate(self._errfile.fileno(), 0)

    def _quoted_stderr(self) -> str:
        try:
            with (self._scratch / "stderr.log").open("rb") as f:
                f.seek(max(0, f.seek(0, os.SEEK_END) - _STDERR_QUOTE))
                tail = f.read().decode("utf-8", errors="replace").strip()
        except OSError:
            return ""
        return f"; stderr: {tail}" if tail else ""

    async def stop(self) -> None:
        """Close stdin (a healthy worker exits), then kill the group and reap; idempotent."""
        if self._stopped:
            return
        self._stopped = True
        proc = self._proc
        if proc.stdin is not None and not proc.stdin.is_closing():
            proc.stdin.close()
        if not self._broken:
            await self._wait_exit(_EXIT_GRACE)
        kill_group(proc.pid)
        assert proc.stdout is not None
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(_EXIT_GRACE):
                await proc.stdout.read()  # to EOF, so asyncio can close the transport
                await proc.wait()
        self._errfile.close()
        shutil.rmtree(self._scratch, ignore_errors=True)

    async def release(self) -> None:
        await self.stop()

    async def _wait_exit(self, within: float) -> None:
        for _ in range(int(within / _POLL)):
            if self._proc.returncode is not None:
                return
            await asyncio.sleep(_POLL)


class LocalBackend:
    """Starts ``LocalWorker``s for builtin images and reusable exec images."""

    name = "local pool"

    def __init__(
        self,
        *,
        max_message_bytes: int,
        builtin_lookup: Lookup | None = None,
        registry: str = DEFAULT_REGISTRY,
        exec_functions: Mapping[str, ExecFunction] | None = None,
        python: str = sys.executable,
        pythonpath: Sequence[str] = (),
        start_timeout: float = 10.0,
    ) -> None:
        self._lookup = builtin_lookup
        self._registry = registry
        self._exec = {k: v for k, v in (exec_functions or {}).items() if v.reuse}
        self._python = python
        self._pythonpath = tuple(pythonpath)
        self._max = max_message_bytes
        self._start_timeout = start_timeout
        self._oneshot: set[str] = set()

    def handles(self, image: str) -> bool:
        return self._is_builtin(image) or (image in self._exec and image not in self._oneshot)

    def _is_builtin(self, image: str) -> bool:
        return self._lookup is not None and self._lookup(image) is not None

    def spec_for(self, image: str) -> WorkerSpec:
        if self._is_builtin(image):
            env = dict(BASE_ENV)
            if self._pythonpath:
                env["PYTHONPATH"] = os.pathsep.join(self._pythonpath)
            argv = (self._python, "-m", "porch_fnrunner.worker", "--registry", self._registry)
            limit = ("--max-message-bytes", str(self._max))
            return WorkerSpec(argv=argv + limit, env=env, untrusted_output=False)
        function = self._exec[image]
        return WorkerSpec(
            argv=function.argv, env={**BASE_ENV, **function.env}, untrusted_output=True
        )

    async def start(self, image: str) -> LocalWorker:
        builtin = self._is_builtin(image)
        try:
            return await LocalWorker.start(
                image,
                self.spec_for(image),
                max_message_bytes=self._max,
                start_timeout=self._start_timeout,
            )
        except WorkerStartFailed as err:
            if builtin:
                raise
            self._oneshot.add(image)
            log.warning("%s; running it one-shot from now on", err.message)
            raise NotPoolable(image) from err

    async def sweep(self) -> None:
        return None  # workers live and die with the pool


__all__ = ["LocalBackend", "LocalWorker", "WorkerCrashed", "WorkerSpec", "WorkerStartFailed"]
