"""How a KRM function is run: the ``Evaluator`` port and the evaluators that need no network.

Why it exists: render and eval only need "this function, this ResourceList, give me the
output"; whether the function is a native Python port, a local executable or a remote
function runner is the caller's choice. ``Evaluator`` is that port. Implementations here:

- ``BuiltinEvaluator``: native ports found through a lookup callable injected by the
  caller (the CLI passes ``porch.functions.registry.lookup``; this package must not import
  ``porch.functions``).
- ``ExecEvaluator``: a local executable with the ResourceList on stdin (kpt's ``exec``),
  refused unless exec is allowed (``--allow-exec``), optionally limited to an allow-list.
- ``ChainEvaluator``: the first evaluator that knows the function wins.

The gRPC evaluator lives in ``porch.kptcli`` because ``porch.fnclient`` sits above this
package in the layers. Failures raise ``FunctionFailed`` (the function ran and failed:
exit code, stderr, results) or ``NotRunnable`` (it could not be started).
"""

from __future__ import annotations

import asyncio
import contextlib
import shlex
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from porch.errors import FunctionError, PorchError, Timeout
from porch.kpt import wire
from porch.krm import yamlio
from porch.krm.resourcelist import ResourceList

Lookup = Callable[[str], Callable[[ResourceList], ResourceList] | None]

EXEC_NOT_ALLOWED = "must run with `--allow-exec` option to allow running function binaries"
# What kpt's Go SDK functions print when they return error results.
SDK_FAILURE_STDERR = "failed to evaluate function: error: function failure"


@dataclass
class Evaluation(ResourceList):
    """A function's output ResourceList plus what it wrote to stderr."""

    stderr: str = ""


@dataclass
class Handover(ResourceList):
    """A ResourceList the caller will not look at again: its items may be given to the
    function as they are, without the copy an in-process function otherwise gets."""


class FunctionFailed(FunctionError):
    """The function ran and failed (non-zero exit); its results and stderr are kept."""

    def __init__(
        self,
        message: str,
        *,
        exit_code: int = 1,
        stderr: str = "",
        results: Sequence[dict[str, Any]] = (),
        output: ResourceList | None = None,
    ) -> None:
        super().__init__(message)
        self.exit_code = exit_code
        self.stderr = stderr
        self.results = [dict(r) for r in results]
        self.output = output


class NotRunnable(FunctionError):
    """The function could not be started (unknown image, exec not allowed, no binary)."""


class Unsupported(NotRunnable):
    """This evaluator does not know the function; a chain tries the next one."""


class Evaluator(Protocol):
    async def evaluate(
        self, *, image: str | None, exec_args: list[str] | None, resource_list: ResourceList
    ) -> ResourceList: ...


def _has_errors(results: Sequence[dict[str, Any]]) -> bool:
    return any(str(r.get("severity", "")) == "error" for r in results)


class BuiltinEvaluator:
    """Native Python ports of catalog functions, resolved by ``lookup(image)``."""

    def __init__(self, lookup: Lookup) -> None:
        self._lookup = lookup

    async def evaluate(
        self, *, image: str | None, exec_args: list[str] | None, resource_list: ResourceList
    ) -> ResourceList:
        function = self._lookup(image) if image else None
        if function is None:
            raise Unsupported(f"no native implementation of {image or exec_args}")
        given = _own_copy(resource_list)
        try:
            output = function(given)
        except Exception as exc:  # a builtin that raises has failed, whatever it raised
            message = exc.message if isinstance(exc, PorchError) else f"{type(exc).__name__}: {exc}"
            results = getattr(exc, "results", None) or [{"message": message, "severity": "error"}]
            stderr = getattr(exc, "stderr", None) or SDK_FAILURE_STDERR
            raise FunctionFailed(message, stderr=stderr, results=results) from exc
        # A builtin may report what it printed (Starlark ``print``) as ``output.stderr``.
        stderr = str(getattr(output, "stderr", "") or "").rstrip("\n")
        if _has_errors(output.results):
            raise FunctionFailed(
                f"function {image} reported errors",
                stderr=stderr or SDK_FAILURE_STDERR,
                results=output.results,
                output=output,
            )
        return Evaluation(items=list(output.items), results=list(output.results), stderr=stderr)


def _own_copy(resource_list: ResourceList) -> ResourceList:
    """What an in-process function may change at will without touching the caller's nodes."""
    if isinstance(resource_list, Handover):
        return ResourceList(
            items=list(resource_list.items), function_config=resource_list.function_config
        )
    return ResourceList(
        items=[yamlio.copy_node(i) for i in resource_list.items],
        function_config=yamlio.copy_node(resource_list.function_config),
    )


class ExecEvaluator:
    """Local executables: ResourceList text on stdin, ResourceList text on stdout."""

    def __init__(
        self,
        *,
        allow_exec: bool,
        allowed: frozenset[str] | None = None,
        timeout: float = 300.0,
        cwd: str | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        self._allow_exec = allow_exec
        self._allowed = allowed
        self._timeout = timeout
        self._cwd = cwd
        self._env = env

    async def evaluate(
        self, *, image: str | None, exec_args: list[str] | None, resource_list: ResourceList
    ) -> ResourceList:
        if not exec_args:
            raise Unsupported(f"not an exec function: {image}")
        if not self._allow_exec:
            raise NotRunnable(EXEC_NOT_ALLOWED)
        if self._allowed is not None and exec_args[0] not in self._allowed:
            raise NotRunnable(f"exec function {exec_args[0]!r} is not allow-listed")
        stdin = wire.dump(resource_list.items, function_config=resource_list.function_config)
        code, stdout, stderr = await self._run(exec_args, stdin)
        parsed = _parse_output(stdout, exec_args[0], failed=code != 0)
        if code != 0:
            raise FunctionFailed(
                f"exec function {exec_args[0]} exited with {code}",
                exit_code=code,
                stderr=stderr,
                results=parsed.results,
                output=ResourceList(items=parsed.items, results=parsed.results),
            )
        return Evaluation(items=parsed.items, results=parsed.results, stderr=stderr)

    async def _run(self, args: list[str], stdin: str) -> tuple[int, str, str]:
        try:
            process = await asyncio.create_subprocess_exec(
                *args,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                cwd=self._cwd,
                env=self._env,
            )
        except OSError as exc:
            raise NotRunnable(f"exec function {args[0]!r} could not start: {exc}") from exc
        try:
            out, err = await asyncio.wait_for(process.communicate(stdin.encode()), self._timeout)
        except TimeoutError as exc:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
            raise Timeout(f"exec function {args[0]!r} timed out after {self._timeout:g}s") from exc
        code = process.returncode if process.returncode is not None else -1
        return code, out.decode(errors="replace"), err.decode(errors="replace")


def _parse_output(stdout: str, name: str, *, failed: bool) -> wire.Parsed:
    if not stdout.strip():
        return wire.Parsed(items=[])
    try:
        return wire.parse(stdout, source=f"output of {name}")
    except PorchError:
        if failed:  # a failing function may print anything; its exit code is what counts
            return wire.Parsed(items=[])
        raise


class ChainEvaluator:
    """Tries each evaluator in turn; ``Unsupported`` means "ask the next one"."""

    def __init__(self, evaluators: Sequence[Evaluator]) -> None:
        self._evaluators = list(evaluators)

    async def evaluate(
        self, *, image: str | None, exec_args: list[str] | None, resource_list: ResourceList
    ) -> ResourceList:
        reasons = []
        for evaluator in self._evaluators:
            try:
                return await evaluator.evaluate(
                    image=image, exec_args=exec_args, resource_list=resource_list
                )
            except Unsupported as exc:
                reasons.append(exc.message)
        raise Unsupported("; ".join(reasons) or f"no evaluator for {image or exec_args}")


def split_exec(command: str) -> list[str]:
    """kpt splits an ``exec`` string with shell quoting rules (no shell is involved)."""
    try:
        return shlex.split(command)
    except ValueError as exc:
        raise NotRunnable(f"exec command {command!r} must be valid: {exc}") from exc


__all__ = [
    "EXEC_NOT_ALLOWED",
    "SDK_FAILURE_STDERR",
    "BuiltinEvaluator",
    "ChainEvaluator",
    "Evaluation",
    "Evaluator",
    "ExecEvaluator",
    "FunctionFailed",
    "Handover",
    "Lookup",
    "NotRunnable",
    "Unsupported",
    "split_exec",
]
