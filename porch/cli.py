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


@app.command()
def version() -> None:
    """Print the version."""
    typer.echo(porch.__version__)


def main() -> None:
    app()


__all__ = ["app", "main"]
