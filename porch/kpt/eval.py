"""``kpt fn eval``: run one function over a directory (or a piped ResourceList), imperatively.

Why it exists: unlike render there is no pipeline — the whole tree under the directory,
subpackages and Kptfiles included, is one flat list with paths relative to it. The
function's config is ``--fn-config FILE`` (removed from the input when it lives in the
tree, and written back untouched) or ``-- k=v`` arguments (an empty ``function-input``
ConfigMap when there are none). One selector and one exclusion may narrow the input.
Output goes back in place (files emptied by the function are deleted) or to the caller.

Reads and writes under the directory only (plus the results directory). It must not
know how functions run (only the ``Evaluator`` port).
"""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

from porch.errors import FunctionError, Invalid, PorchError
from porch.kpt import bookkeeping, fnconfig, fnresults, fnrun, images, reading, selectors, writing
from porch.kpt.console import Console
from porch.kpt.evaluators import Evaluator, FunctionFailed, split_exec
from porch.kpt.fnrun import Record
from porch.kpt.kptfile import Selector
from porch.krm.yamlview import Map


@dataclass(frozen=True)
class Options:
    image: str = ""
    exec_command: str = ""
    arguments: tuple[str, ...] = ()
    fn_config: Path | None = None
    selector: Selector = field(default_factory=Selector)
    exclusion: Selector = field(default_factory=Selector)
    results_dir: Path | None = None
    image_prefix: str = images.DEFAULT_PREFIX


@dataclass
class Outcome:
    items: list[Map] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)
    results_file: Path | None = None
    written: list[str] = field(default_factory=list)


class EvalFailed(FunctionError):
    """The function failed or broke an invariant; ``cli`` is what kpt prints (may be empty)."""

    def __init__(self, message: str, *, cli: str, outcome: Outcome) -> None:
        super().__init__(message)
        self.cli = cli
        self.outcome = outcome


def function_name(options: Options) -> str:
    return (
        images.with_prefix(options.image, prefix=options.image_prefix)
        if options.image
        else options.exec_command
    )


def function_config(options: Options) -> Map:
    if options.fn_config is not None:
        if not options.fn_config.exists():
            raise Invalid(f"missing function config file: {options.fn_config}")
        return fnconfig.read_config(options.fn_config, shown=str(options.fn_config))
    return fnconfig.from_arguments(list(options.arguments))


def read_directory(directory: Path) -> list[Map]:
    return reading.read_package(directory, options=reading.Options(include_subpackages=True))


def _read_resolved(directory: Path) -> tuple[Path, list[Map]]:
    root = directory.resolve()
    return root, read_directory(root)


async def run_items(
    items: list[Map],
    *,
    evaluator: Evaluator,
    options: Options,
    console: Console,
    root: Path | None = None,
) -> Outcome:
    """Run the function over ``items``; the fn-config resource (if in the tree) is set aside."""
    if options.image and options.exec_command:
        raise Invalid("must specify --image or --exec, not both")
    if not options.image and not options.exec_command:
        raise Invalid("must specify --image or --exec")
    config = function_config(options)
    items, held = _set_aside(items, options.fn_config, root)
    outcome = Outcome()
    output = await _run(
        items, config, evaluator=evaluator, options=options, console=console, outcome=outcome
    )
    outcome.items = output + held
    outcome.results_file = _save(options, outcome, console, failed=False)
    return outcome


def _set_aside(
    items: list[Map], fn_config: Path | None, root: Path | None
) -> tuple[list[Map], list[Map]]:
    if fn_config is None or root is None:
        return items, []
    target = os.path.abspath(fn_config)
    keep: list[Map] = []
    held: list[Map] = []
    for item in items:
        path = bookkeeping.path_of(item)
        (held if path and os.path.join(root, path) == target else keep).append(item)
    return keep, held


async def _run(
    items: list[Map],
    config: Map,
    *,
    evaluator: Evaluator,
    options: Options,
    console: Console,
    outcome: Outcome,
) -> list[Map]:
    scoped = not options.selector.is_empty() or not options.exclusion.is_empty()
    chosen = _select(items, options) if scoped else items
    name = function_name(options)
    console.running(name, count=len(chosen) if scoped else None)
    started = time.monotonic()
    try:
        output, record = await fnrun.run(
            evaluator=evaluator,
            image=name if options.image else "",
            exec_args=split_exec(options.exec_command) if options.exec_command else None,
            items=chosen,
            function_config=config,
        )
    except PorchError as exc:
        _failed(exc, name, options, console, outcome, seconds=time.monotonic() - started)
    record.exec = options.exec_command
    outcome.records.append(record)
    console.passed(
        name, seconds=time.monotonic() - started, results=record.results, stderr=record.stderr
    )
    if scoped:
        output = selectors.merge_back(output, chosen, items)
        selectors.unstamp(output)
    return output


def _select(items: list[Map], options: Options) -> list[Map]:
    selectors.stamp(items)
    return selectors.select(items, selectors=[options.selector], exclusions=[options.exclusion])


def _failed(
    exc: PorchError,
    name: str,
    options: Options,
    console: Console,
    outcome: Outcome,
    *,
    seconds: float,
) -> NoReturn:
    """Report a failed call like kpt (results, stderr, exit code), save results, stop."""
    if not isinstance(exc, FunctionFailed):
        console.failed(name, seconds=seconds, results=[])
        outcome.results_file = _save(options, outcome, console, failed=False)
        raise EvalFailed(exc.message, cli=f"error: {exc.message}", outcome=outcome) from exc
    outcome.records.append(
        Record(
            image=name if options.image else "",
            exec=options.exec_command,
            stderr=exc.stderr,
            exit_code=exc.exit_code,
            results=list(exc.results),
        )
    )
    console.failed(
        name, seconds=seconds, results=exc.results, stderr=exc.stderr, exit_code=exc.exit_code
    )
    outcome.results_file = _save(options, outcome, console, failed=True)
    raise EvalFailed(exc.message, cli="", outcome=outcome) from exc


def _save(options: Options, outcome: Outcome, console: Console, *, failed: bool) -> Path | None:
    if options.results_dir is None:
        return None
    path = fnresults.save(options.results_dir, outcome.records, exit_code=1 if failed else 0)
    console.write(f"\nFor complete results, see {path}\n")
    return path


async def eval_directory(
    directory: Path,
    *,
    evaluator: Evaluator,
    options: Options,
    console: Console | None = None,
    in_place: bool = True,
) -> Outcome:
    """``kpt fn eval DIR``: read the tree, run, and (in place) write back and prune."""
    console = console or Console()
    root, items = await asyncio.to_thread(_read_resolved, directory)
    before = {bookkeeping.path_of(i) for i in items}
    outcome = await run_items(
        items, evaluator=evaluator, options=options, console=console, root=root
    )
    if in_place:
        after_paths = {bookkeeping.path_of(i) for i in outcome.items}
        outcome.written = await asyncio.to_thread(
            writing.write, outcome.items, root=root, deletes=before - after_paths
        )
    return outcome


__all__ = [
    "EvalFailed",
    "Options",
    "Outcome",
    "eval_directory",
    "function_config",
    "function_name",
    "read_directory",
    "run_items",
]
