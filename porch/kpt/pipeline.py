"""Running one package's pipeline: mutators in order, then validators on copies.

Why it exists: this is the part of ``kpt fn render`` that happens per package — resolve
each function's image and config (``configPath`` re-read from the in-memory resources so
earlier mutators' edits apply), apply selectors and exclusions, call the function through
``fnrun``, print progress, and keep per-step records for ``results.yaml`` and the
Kptfile's ``renderStatus``. Any failure stops the render (``Abort``), carrying kpt's error
text for the Kptfile status and for the console, and the resources as they were before
the failing step (for ``save-on-render-failure``).

No file I/O; the evaluator may run processes. It must not decide the package order.
"""

from __future__ import annotations

import posixpath
import time
from dataclasses import dataclass, field
from typing import NoReturn

from porch.errors import PorchError
from porch.kpt import bookkeeping, console, fnconfig, fnresults, fnrun, images, selectors
from porch.kpt.errchain import Chain, wrap
from porch.kpt.evaluators import EXEC_NOT_ALLOWED, Evaluator, FunctionFailed, split_exec
from porch.kpt.kptfile import Function, StepResult, ValidationError
from porch.kpt.packages import Package
from porch.krm import yamlio
from porch.krm.yamlview import Map

ALREADY_HANDLED = "already handled error"


class Abort(Exception):
    """The render stops. ``chain`` is kpt's error text; ``cli`` what the console shows."""

    def __init__(self, chain: Chain | str, *, cli: str, partial: list[Map] | None = None):
        super().__init__(chain.text() if isinstance(chain, Chain) else chain)
        self.chain = chain
        self.cli = cli
        self.partial = partial


@dataclass
class Context:
    """State shared by every package of one render."""

    evaluator: Evaluator
    console: console.Console
    allow_exec: bool
    image_prefix: str = images.DEFAULT_PREFIX
    records: list[fnrun.Record] = field(default_factory=list)
    mutation_steps: list[StepResult] = field(default_factory=list)
    validation_steps: list[StepResult] = field(default_factory=list)
    executed: int = 0
    failed_function: bool = False


async def run_pipeline(ctx: Context, package: Package, items: list[Map]) -> list[Map]:
    """Run ``package``'s pipeline over ``items``; ``Abort`` on the first failure."""
    ctx.console.package(package.display)
    pipeline = package.pipeline
    if pipeline.is_empty():
        try:
            fnrun.check_krm(items)
        except fnrun.InvariantError as exc:
            raise Abort(exc.message, cli=f"Error: {exc.message}", partial=None) from exc
        return items
    _validate_config_paths(package, items)
    output = await _mutate(ctx, package, items)
    await _validate(ctx, package, output)
    ctx.console.write("\n")
    return output


def _validate_config_paths(package: Package, items: list[Map]) -> None:
    """kpt's ``ValidatePipeline``: each ``configPath`` names one of this package's files."""
    own = {
        _clean(bookkeeping.path_of(i))
        for i in items
        if bookkeeping.get(i, bookkeeping.PACKAGE_PATH) == str(package.path)
    }
    for kind, functions in (
        ("mutator", package.pipeline.mutators),
        ("validator", package.pipeline.validators),
    ):
        for index, fn in enumerate(functions):
            if fn.config_path and _clean(fn.config_path) not in own:
                name = fn.name or images.base_name(fn.image)
                reason = (
                    f'functionConfig resource for {kind} "{name}" is missing from path '
                    f'"{fn.config_path}", this also occurs if "{fn.config_path}" is part of a '
                    "subpackage"
                )
                problem = ValidationError(
                    f"pipeline.{kind}s[{index}].configPath", reason, fn.config_path
                )
                raise Abort(problem.text(), cli=problem.text(), partial=None)


def _clean(path: str) -> str:
    return posixpath.normpath(path) if path else path


async def _mutate(ctx: Context, package: Package, items: list[Map]) -> list[Map]:
    functions = package.pipeline.mutators
    resolved = [_prepare(ctx, package, fn, kind="mutator") for fn in functions]
    current = items
    for fn, image in zip(functions, resolved, strict=True):
        scoped = bool(fn.selectors or fn.exclude)
        if scoped:
            selectors.stamp(current)
        config = _config(package, fn, current)
        chosen = selectors.select(current, selectors=fn.selectors, exclusions=fn.exclude)
        try:
            output = await _step(ctx, package, fn, image, chosen, config, steps=ctx.mutation_steps)
        except Abort as abort:
            selectors.unstamp(current)
            abort.partial = current
            raise
        if scoped:
            current = selectors.merge_back(output, chosen, current)
            selectors.unstamp(current)
        else:
            current = output
    return current


async def _validate(ctx: Context, package: Package, items: list[Map]) -> None:
    for fn in package.pipeline.validators:
        chosen = selectors.select(items, selectors=fn.selectors, exclusions=fn.exclude)
        image = _prepare(ctx, package, fn, kind="validator")
        config = _config(package, fn, items)
        copies = [yamlio.copy_node(i) for i in chosen]
        try:
            await _step(ctx, package, fn, image, copies, config, steps=ctx.validation_steps)
        except Abort as abort:
            abort.partial = items
            raise


def _prepare(ctx: Context, package: Package, fn: Function, *, kind: str) -> str:
    """Check exec permission and resolve the image (kpt does this before any step runs)."""
    steps = ctx.mutation_steps if kind == "mutator" else ctx.validation_steps
    if fn.exec and not ctx.allow_exec:
        steps.append(_pre_exec_failure(fn, EXEC_NOT_ALLOWED))
        raise Abort(
            wrap("pipeline.run", str(package.path), EXEC_NOT_ALLOWED),
            cli=f"Error: {EXEC_NOT_ALLOWED}",
        )
    return images.resolve(fn.image, tag=fn.tag, prefix=ctx.image_prefix) if fn.image else ""


def _config(package: Package, fn: Function, items: list[Map]) -> Map | None:
    if fn.config_map:
        return fnconfig.from_config_map(fn.config_map)
    if not fn.config_path:
        return None
    for item in items:  # the in-memory version, with earlier mutators' edits
        same_package = bookkeeping.get(item, bookkeeping.PACKAGE_PATH) == str(package.path)
        if same_package and bookkeeping.path_of(item) == fn.config_path:
            return item
    return fnconfig.read_config(package.path / fn.config_path, shown=fn.config_path)


async def _step(
    ctx: Context,
    package: Package,
    fn: Function,
    image: str,
    items: list[Map],
    config: Map | None,
    *,
    steps: list[StepResult],
) -> list[Map]:
    name = image or fn.exec
    count = len(items) if (fn.selectors or fn.exclude) else None
    ctx.console.running(name, count=count, package=package.display)
    started = time.monotonic()
    try:
        output, record = await fnrun.run(
            evaluator=ctx.evaluator,
            image=image,
            exec_args=split_exec(fn.exec) if fn.exec else None,
            items=items,
            function_config=config,
            package_path=str(package.path),
        )
    except PorchError as exc:
        _failed(ctx, package, fn, image, exc, steps=steps, seconds=time.monotonic() - started)
    ctx.records.append(record)
    steps.append(_step_result(fn, image, record))
    ctx.executed += 1
    ctx.console.passed(
        name, seconds=time.monotonic() - started, results=record.results, stderr=record.stderr
    )
    return output


def _failed(
    ctx: Context,
    package: Package,
    fn: Function,
    image: str,
    exc: PorchError,
    *,
    steps: list[StepResult],
    seconds: float,
) -> NoReturn:
    """Record and print a failed step, then stop the render."""
    name = image or fn.exec
    if isinstance(exc, FunctionFailed):
        _record_failure(ctx, fn, image, exc, steps=steps)
        ctx.console.failed(
            name, seconds=seconds, results=exc.results, stderr=exc.stderr, exit_code=exc.exit_code
        )
        chain = wrap("pipeline.run", str(package.path), ALREADY_HANDLED)
        raise Abort(chain, cli="") from exc
    steps.append(_pre_exec_failure(fn, exc.message, image=image))
    ctx.console.failed(name, seconds=seconds, results=[])
    chain = wrap("pipeline.run", str(package.path), exc.message)
    raise Abort(chain, cli=f"Error: {exc.message}") from exc


def _record_failure(
    ctx: Context, fn: Function, image: str, failure: FunctionFailed, *, steps: list[StepResult]
) -> None:
    record = fnrun.Record(
        image=image,
        exec=fn.exec,
        stderr=failure.stderr,
        exit_code=failure.exit_code,
        results=list(failure.results),
    )
    ctx.records.append(record)
    ctx.failed_function = True
    steps.append(_step_result(fn, image, record))


def _step_result(fn: Function, image: str, record: fnrun.Record) -> StepResult:
    results = tuple(fnresults.normalize_all(record.results))
    errors = tuple(r for r in results if r.get("severity") == "error")
    return StepResult(
        name=fn.name,
        image=image,
        exec=fn.exec,
        stderr=record.stderr,
        exit_code=record.exit_code,
        results=results,
        error_results=errors,
    )


def _pre_exec_failure(fn: Function, message: str, *, image: str = "") -> StepResult:
    return StepResult(
        name=fn.name, image=image or fn.image, exec=fn.exec, exit_code=1, execution_error=message
    )


def step_name(step: StepResult) -> str:
    return step.name or step.image or step.exec


def error_summary(steps: list[StepResult]) -> str:
    lines = []
    for step in steps:
        if step.execution_error:
            lines.append(f"{step_name(step)}: {step.execution_error}")
        elif step.exit_code:
            lines.append(f"{step_name(step)}: exit code {step.exit_code}")
    return "\n".join(lines)


__all__ = ["ALREADY_HANDLED", "Abort", "Context", "error_summary", "run_pipeline", "step_name"]
