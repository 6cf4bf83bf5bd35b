"""What ``porch kpt fn render|eval|source|sink`` do once their flags are parsed.

Why it exists: the typer declarations in ``fn`` stay a list of flags; here the library is
called with a concrete evaluator chain, output modes are honoured (in place, ``-o stdout``,
``-o unwrap``, ``-o DIR``, stdin/stdout pipes), and errors become kpt's messages and exit
codes (0 on success, 1 on any failure).

Terminal and file I/O; no KRM logic of its own.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from porch.errors import PorchError
from porch.kpt import eval as kpt_eval
from porch.kpt import pkgio, render, savefn, wire, writing
from porch.kpt.console import Console
from porch.kpt.evaluators import BuiltinEvaluator, ChainEvaluator, Evaluator, ExecEvaluator, Lookup
from porch.kpt.fnconfig import ConfigError
from porch.krm.resourcelist import ResourceList
from porch.krm.yamlview import Map

STDOUT = "stdout"
UNWRAP = "unwrap"


@dataclass
class Streams:
    stdin: TextIO
    stdout: TextIO
    stderr: TextIO


def default_streams() -> Streams:
    return Streams(stdin=sys.stdin, stdout=sys.stdout, stderr=sys.stderr)


def default_lookup() -> Lookup:
    """``porch.functions.registry.lookup`` when the builtin functions are installed."""
    try:
        from porch.functions import registry
    except ImportError:  # pragma: no cover - the functions package is optional at runtime
        return lambda _image: None
    lookup: Lookup = registry.lookup
    return lookup


def evaluator_chain(
    *, allow_exec: bool, lookup: Lookup | None = None, remote: Evaluator | None = None
) -> Evaluator:
    chain: list[Evaluator] = [BuiltinEvaluator(lookup or default_lookup())]
    if remote is not None:
        chain.append(remote)
    chain.append(ExecEvaluator(allow_exec=allow_exec))
    return ChainEvaluator(chain)


def error_text(exc: PorchError) -> str:
    """What kpt prints for an error (nothing more when a function already reported it)."""
    if isinstance(exc, render.RenderFailed | kpt_eval.EvalFailed):
        return exc.cli
    if isinstance(exc, ConfigError):  # kpt prints a Kptfile validation error bare
        return exc.message
    return f"Error: {exc.message}"


def _report(console: Console, exc: PorchError) -> int:
    text = error_text(exc)
    if text:
        console.write(text.rstrip("\n") + "\n")
    return 1


def resolve_symlink(path: str, console: Console) -> str:
    if os.path.islink(path):
        target = os.path.realpath(path)
        shown = os.path.relpath(target)
        console.write(
            f'[WARN] resolved symlink "{path}" to "{shown}", please note that the symlinks '
            "within the package are ignored\n"
        )
        return target
    return path


def check_not_present(dest: str) -> None:
    if os.path.lexists(dest):
        raise PorchErrorText(
            f'directory "{dest}" already exists, please delete the directory and retry'
        )


class PorchErrorText(PorchError):
    """A command-line level error (bad flags, existing output directory)."""


def write_output(items: list[Map], *, dest: str, streams: Streams, wrapped_default: bool) -> None:
    """Honour ``-o``: ``stdout`` (ResourceList), ``unwrap`` (documents) or a new directory."""
    if dest == STDOUT or (not dest and wrapped_default):
        streams.stdout.write(wire.dump(items))
    elif dest == UNWRAP:
        streams.stdout.write(unwrapped(items))
    elif dest:
        reparsed = wire.parse(wire.dump(items)).items
        target = Path(dest)
        planned = writing.plan(reparsed, root=target)
        target.mkdir(parents=True, exist_ok=True)
        writing.apply(planned, root=target)


def unwrapped(items: list[Map]) -> str:
    """Plain YAML documents with path/index/seqindent annotations removed."""
    reparsed = wire.parse(wire.dump(items)).items
    strip = (*writing.FILE_ANNOTATIONS,)
    return "---\n".join(writing.render_file("x.yaml", [item], strip=strip) for item in reparsed)


async def run_render(
    pkg_path: str | None,
    *,
    dest: str,
    results_dir: str | None,
    allow_exec: bool,
    image_prefix: str,
    streams: Streams,
    make_evaluator: Callable[[bool], Evaluator],
) -> int:
    console = Console(streams.stderr)
    try:
        path = resolve_symlink(pkg_path or os.getcwd(), console)
        if dest and dest not in (STDOUT, UNWRAP):
            check_not_present(dest)
        outcome = await render.render(
            Path(path),
            evaluator=make_evaluator(allow_exec),
            options=render.Options(
                allow_exec=allow_exec,
                in_place=not dest,
                results_dir=Path(results_dir) if results_dir else None,
                image_prefix=image_prefix,
            ),
            console=console,
        )
    except PorchError as exc:
        return _report(console, exc)
    if dest:
        write_output(outcome.items, dest=dest, streams=streams, wrapped_default=False)
    return 0


async def run_eval(
    target: str,
    *,
    options: kpt_eval.Options,
    dest: str,
    streams: Streams,
    make_evaluator: Callable[[bool], Evaluator],
    save: str = "",
    tag: str = "",
) -> int:
    console = Console(streams.stderr)
    evaluator = make_evaluator(True)  # ``fn eval --exec`` needs no --allow-exec
    try:
        _check_save(save)
        if dest and dest not in (STDOUT, UNWRAP):
            check_not_present(dest)
        if target == "-":
            parsed = wire.parse(streams.stdin.read())
            outcome = await kpt_eval.run_items(
                parsed.items, evaluator=evaluator, options=options, console=console
            )
            write_output(outcome.items, dest=dest, streams=streams, wrapped_default=True)
            return 0
        path = resolve_symlink(target, console)
        outcome = await kpt_eval.eval_directory(
            Path(path), evaluator=evaluator, options=options, console=console, in_place=not dest
        )
    except PorchError as exc:
        return _report(console, exc)
    if dest:
        write_output(outcome.items, dest=dest, streams=streams, wrapped_default=False)
    if save:
        console.write(_save_function(Path(path), options, kind=save, tag=tag))
    return 0


def _check_save(save: str) -> None:
    if save and save not in ("mutator", "validator"):
        raise PorchErrorText("--type must be either `mutator` or `validator`")


def _save_function(package: Path, options: kpt_eval.Options, *, kind: str, tag: str) -> str:
    fn = savefn.new_function(
        image=kpt_eval.function_name(options) if options.image else "",
        exec_command=options.exec_command,
        tag=tag,
        arguments=list(options.arguments),
        config_path=savefn.relative_config_path(package, options.fn_config),
        selector=options.selector,
        exclusion=options.exclusion,
    )
    try:
        return savefn.save(package, fn, kind=kind)
    except FileNotFoundError:
        return "function not added: Kptfile not exists\n"
    except PorchError as exc:
        return f"function is not added to Kptfile: {exc.message}\n"


def run_source(dirs: list[str], *, dest: str, fn_config: str | None, streams: Streams) -> int:
    try:
        if dest not in (STDOUT, UNWRAP):
            raise PorchErrorText(
                f'invalid input for --output flag "{dest}", must be "stdout" or "unwrap"'
            )
        items = []
        config = None
        for directory in dirs or ["."]:
            rl = pkgio.source(
                Path(os.path.realpath(directory)),
                function_config=Path(fn_config) if fn_config else None,
            )
            items.extend(rl.items)
            config = rl.function_config
    except PorchError as exc:
        streams.stderr.write(f"Error: {exc.message}\n")
        return 1
    if dest == STDOUT:
        streams.stdout.write(wire.dump(items, function_config=config))
    else:
        streams.stdout.write(unwrapped(items))
    return 0


def run_sink(directory: str, *, streams: Streams) -> int:
    try:
        check_not_present(directory)
        parsed = wire.parse(streams.stdin.read())
        pkgio.sink(ResourceList(items=parsed.items), Path(directory))
    except PorchError as exc:
        streams.stderr.write(f"Error: {exc.message}\n")
        return 1
    return 0


__all__ = [
    "STDOUT",
    "UNWRAP",
    "Streams",
    "default_lookup",
    "default_streams",
    "error_text",
    "evaluator_chain",
    "run_eval",
    "run_render",
    "run_sink",
    "run_source",
    "unwrapped",
    "write_output",
]
