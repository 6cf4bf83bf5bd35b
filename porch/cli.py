"""The ``porch`` command: run the local stack and the kpt library from the shell."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

import porch
from porch.kptcli import fn as kptfn
from porch.kptcli import pkg as kptpkg
from porch.local import stack

app = typer.Typer(no_args_is_help=True, add_completion=False, help="Porch on NATS JetStream")
kpt = typer.Typer(no_args_is_help=True, help="kpt-compatible package and function commands")
kpt.add_typer(kptfn.app, name="fn")
kpt.add_typer(kptpkg.app, name="pkg")
app.add_typer(kpt, name="kpt")
audit = typer.Typer(no_args_is_help=True, help="Follow the event stream (docs/events.md)")
app.add_typer(audit, name="audit")


@app.command()
def up(
    home: Annotated[
        Path | None, typer.Option(help="state directory (default: $PORCH_HOME or .porch)")
    ] = None,
    apiserver_port: Annotated[
        int | None, typer.Option(help="HTTPS port of the API (default: remembered or free)")
    ] = None,
) -> None:
    """Start NATS, a local Git server and every service; stop them all on Ctrl-C."""
    where = home or Path(os.environ.get("PORCH_HOME", ".porch"))
    raise typer.Exit(stack.up(where, apiserver_port=apiserver_port))


@audit.command("tail")
def audit_tail(
    since: Annotated[
        str | None, typer.Option(help="start at an RFC 3339 time, or this long ago (15m, 1h30m)")
    ] = None,
    seq: Annotated[int | None, typer.Option(help="start at this stream sequence")] = None,
    subject_filter: Annotated[
        str | None,
        typer.Option(help="only ns, ns/repo or ns/repo/package ('*' for any ns or repo)"),
    ] = None,
    output: Annotated[str, typer.Option("--output", "-o", help="text or json")] = "text",
    nats: Annotated[
        str | None, typer.Option(help="NATS URL (default: from $PORCH_HOME/ports.json)")
    ] = None,
    follow: Annotated[
        bool, typer.Option("--follow/--no-follow", help="keep waiting for new events")
    ] = True,
) -> None:
    """Print one line per event from a time or sequence (default: the start) until Ctrl-C."""
    import sys

    from porch.audit import command  # imports NATS: only when this command runs
    from porch.errors import PorchError

    home = Path(os.environ.get("PORCH_HOME", ".porch"))
    try:
        opts = command.options(
            nats=nats,
            home=home,
            since=since,
            seq=seq,
            subject_filter=subject_filter,
            output=output,
            follow=follow,
        )
    except PorchError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(command.EXIT_USAGE) from None
    raise typer.Exit(command.run(opts, out=sys.stdout, err=sys.stderr))


@app.command()
def version() -> None:
    """Print the version."""
    typer.echo(porch.__version__)


def main() -> None:
    app()


__all__ = ["app", "main"]
