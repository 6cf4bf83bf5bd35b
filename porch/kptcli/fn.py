"""``porch kpt fn render|eval|source|sink``: kpt's function commands and flags (typer).

Why it exists: users and scripts that know ``kpt fn`` should find the same commands,
flags and exit codes. Container-only flags (``--image-pull-policy``, ``--network``,
``--mount``, ``--as-current-user``, ``--allow-alpha-wasm``, ...) are accepted so
scripts keep working; functions run natively, as local executables, or on a function
runner given with ``--fn-runner`` (or ``PORCH_FN_RUNNER``).

Flag parsing only; the work happens in ``fncommands``.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperCommand

from porch.kpt import eval as kpt_eval
from porch.kpt import images
from porch.kpt.evaluators import Evaluator
from porch.kpt.images import DEFAULT_PREFIX
from porch.kpt.kptfile import Selector
from porch.kptcli import fncommands

app = typer.Typer(
    no_args_is_help=True, add_completion=False, help="Run KRM functions on packages (kpt fn)."
)

FnRunner = Annotated[
    str | None,
    typer.Option("--fn-runner", envvar="PORCH_FN_RUNNER", help="gRPC function runner for images"),
]
ImagePrefix = Annotated[
    str,
    typer.Option("--image-prefix", envvar="KPT_IMAGE_PREFIX", help="prefix for short image names"),
]
ResultsDir = Annotated[
    str | None, typer.Option("--results-dir", help="directory to save function results in")
]
PullPolicy = Annotated[
    str,
    typer.Option("--image-pull-policy", help="accepted for compatibility; images are not pulled"),
]


class _KptCommand(TyperCommand):
    """Parses like cobra: ``--flag=false`` for booleans, and keeps what follows ``--``
    apart (kpt's function config ``k=v`` pairs)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if "--" in args:
            at = args.index("--")
            ctx.meta["fn_args"] = args[at + 1 :]
            args = args[:at]
        else:
            ctx.meta["fn_args"] = []
        return super().parse_args(ctx, [a for arg in args for a in self._booleans(arg)])

    def _booleans(self, arg: str) -> list[str]:
        name, sep, value = arg.partition("=")
        if not sep or value.lower() not in ("true", "false"):
            return [arg]
        for param in self.params:
            if getattr(param, "is_flag", False) and name in getattr(param, "opts", ()):
                if value.lower() == "true":
                    return [name]
                return list(getattr(param, "secondary_opts", [])[:1])
        return [arg]


def _make_evaluator(fn_runner: str | None) -> Any:
    def make(allow_exec: bool) -> Evaluator:
        remote = None
        if fn_runner:
            from porch.fnclient import FunctionRunnerClient
            from porch.kptcli.grpcevaluator import GrpcEvaluator

            remote = GrpcEvaluator(FunctionRunnerClient(fn_runner))
        return fncommands.evaluator_chain(allow_exec=allow_exec, remote=remote)

    return make


@app.command(cls=_KptCommand)
def render(
    pkg_path: Annotated[str | None, typer.Argument(help="package directory (default: .)")] = None,
    output: Annotated[str, typer.Option("--output", "-o", help="stdout|unwrap|<OUT_DIR>")] = "",
    results_dir: ResultsDir = None,
    allow_exec: Annotated[bool, typer.Option("--allow-exec", help="allow exec functions")] = False,
    allow_network: Annotated[bool, typer.Option("--allow-network")] = False,
    allow_alpha_wasm: Annotated[bool, typer.Option("--allow-alpha-wasm")] = False,
    image_pull_policy: PullPolicy = "IfNotPresent",
    truncate_output: Annotated[
        bool, typer.Option("--truncate-output/--no-truncate-output", help="shorten long output")
    ] = True,
    image_prefix: ImagePrefix = DEFAULT_PREFIX,
    fn_runner: FnRunner = None,
) -> None:
    """Render a package: run its Kptfile pipelines (subpackages first)."""
    code = asyncio.run(
        fncommands.run_render(
            pkg_path,
            dest=output,
            results_dir=results_dir,
            allow_exec=allow_exec,
            image_prefix=image_prefix,
            streams=fncommands.default_streams(),
            make_evaluator=_make_evaluator(fn_runner),
        )
    )
    raise typer.Exit(code)


def _pairs(values: list[str]) -> dict[str, str]:
    out = {}
    for value in values:
        key, _, rest = value.partition("=")
        out[key] = rest
    return out


@app.command("eval", cls=_KptCommand)
def eval_(
    ctx: typer.Context,
    target: Annotated[
        str, typer.Argument(help="directory, or - to read a ResourceList from stdin")
    ] = ".",
    image: Annotated[str, typer.Option("--image", "-i", help="function image")] = "",
    exec_: Annotated[str, typer.Option("--exec", help="local executable (with arguments)")] = "",
    fn_config: Annotated[
        str | None, typer.Option("--fn-config", help="function config file")
    ] = None,
    tag: Annotated[str, typer.Option("--tag", help="image tag or semver constraint")] = "",
    output: Annotated[str, typer.Option("--output", "-o", help="stdout|unwrap|<OUT_DIR>")] = "",
    results_dir: ResultsDir = None,
    match_api_version: Annotated[str, typer.Option("--match-api-version")] = "",
    match_kind: Annotated[str, typer.Option("--match-kind")] = "",
    match_name: Annotated[str, typer.Option("--match-name")] = "",
    match_namespace: Annotated[str, typer.Option("--match-namespace")] = "",
    match_annotations: Annotated[list[str] | None, typer.Option("--match-annotations")] = None,
    match_labels: Annotated[list[str] | None, typer.Option("--match-labels")] = None,
    exclude_api_version: Annotated[str, typer.Option("--exclude-api-version")] = "",
    exclude_kind: Annotated[str, typer.Option("--exclude-kind")] = "",
    exclude_name: Annotated[str, typer.Option("--exclude-name")] = "",
    exclude_namespace: Annotated[str, typer.Option("--exclude-namespace")] = "",
    exclude_annotations: Annotated[list[str] | None, typer.Option("--exclude-annotations")] = None,
    exclude_labels: Annotated[list[str] | None, typer.Option("--exclude-labels")] = None,
    image_pull_policy: PullPolicy = "IfNotPresent",
    network: Annotated[bool, typer.Option("--network")] = False,
    mount: Annotated[list[str] | None, typer.Option("--mount")] = None,
    env: Annotated[list[str] | None, typer.Option("--env", "-e")] = None,
    as_current_user: Annotated[bool, typer.Option("--as-current-user")] = False,
    allow_alpha_wasm: Annotated[bool, typer.Option("--allow-alpha-wasm")] = False,
    include_meta_resources: Annotated[bool, typer.Option("--include-meta-resources", "-m")] = False,
    save: Annotated[
        bool, typer.Option("--save", "-s", help="add the function to the Kptfile")
    ] = False,
    fn_type: Annotated[
        str, typer.Option("--type", "-t", help="mutator|validator (with --save)")
    ] = "",
    image_prefix: ImagePrefix = DEFAULT_PREFIX,
    fn_runner: FnRunner = None,
) -> None:
    """Run one function over a directory or a ResourceList on stdin."""
    # One parameter per kpt flag, hence the length; the work is in fncommands.
    streams = fncommands.default_streams()
    arguments = list(ctx.meta.get("fn_args", []))
    problem = _eval_flag_problem(
        include_meta_resources=include_meta_resources,
        container_only=bool(exec_ and (network or mount or env or as_current_user)),
        arguments_and_config=bool(arguments and fn_config),
    )
    if problem:
        streams.stderr.write(f"Error: {problem}\n")
        raise typer.Exit(1)
    options = kpt_eval.Options(
        image=images.resolve(image, tag=tag, prefix=image_prefix) if image and tag else image,
        exec_command=exec_,
        arguments=tuple(arguments),
        fn_config=_path(fn_config),
        selector=_selector(
            match_api_version,
            match_kind,
            match_name,
            match_namespace,
            match_labels,
            match_annotations,
        ),
        exclusion=_selector(
            exclude_api_version,
            exclude_kind,
            exclude_name,
            exclude_namespace,
            exclude_labels,
            exclude_annotations,
        ),
        results_dir=_path(results_dir),
        image_prefix=image_prefix,
    )
    code = asyncio.run(
        fncommands.run_eval(
            target,
            options=options,
            dest=output,
            streams=streams,
            make_evaluator=_make_evaluator(fn_runner),
            save=_save_type(save, fn_type, streams),
            tag=tag,
        )
    )
    raise typer.Exit(code)


def _eval_flag_problem(
    *, include_meta_resources: bool, container_only: bool, arguments_and_config: bool
) -> str:
    if include_meta_resources:
        return (
            "--include-meta-resources is no longer necessary because meta resources are now "
            "included by default"
        )
    if container_only:
        return (
            "--mount, --as-current-user, --network and --env can only be used with "
            "container functions"
        )
    if arguments_and_config:
        return "function arguments can only be specified without function config file"
    return ""


def _selector(*fields: Any) -> Selector:
    api_version, kind, name, namespace, labels, annotations = fields
    return Selector(
        api_version=api_version,
        kind=kind,
        name=name,
        namespace=namespace,
        labels=_pairs(labels or []),
        annotations=_pairs(annotations or []),
    )


def _save_type(save: bool, fn_type: str, streams: fncommands.Streams) -> str:
    if save and not fn_type:
        streams.stderr.write(
            "Error: --type must be specified if saving functions to Kptfile (--save=true)\n"
        )
        raise typer.Exit(1)
    return fn_type if save else ""


def _path(value: str | None) -> Path | None:
    return Path(value).absolute() if value else None


@app.command(cls=_KptCommand)
def source(
    dirs: Annotated[
        list[str] | None, typer.Argument(help="package directories (default: .)")
    ] = None,
    output: Annotated[str, typer.Option("--output", "-o", help="stdout|unwrap")] = "stdout",
    fn_config: Annotated[
        str | None, typer.Option("--fn-config", help="functionConfig file")
    ] = None,
) -> None:
    """Print packages as a ResourceList (with path annotations)."""
    code = fncommands.run_source(
        dirs or [], dest=output, fn_config=fn_config, streams=fncommands.default_streams()
    )
    raise typer.Exit(code)


@app.command()
def sink(directory: Annotated[str, typer.Argument(help="new directory to write into")]) -> None:
    """Write a ResourceList from stdin into a new directory."""
    raise typer.Exit(fncommands.run_sink(directory, streams=fncommands.default_streams()))


__all__ = ["app"]
