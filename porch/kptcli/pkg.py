"""``porch kpt pkg init|get|update``: kpt's package commands and flags (typer).

Why it exists: people and scripts that know ``kpt pkg`` find the same arguments
(``REPO_URI[.git]/PKG_PATH[@VERSION] [DEST]``, ``PKG_PATH[@VERSION]``), flags
(``--strategy``, ``--for-deployment``, ``--description``, ``--keywords``, ``--site``),
progress messages on stderr and exit code 1 with ``Error: ...`` on failure. Repositories
are cached under ``$KPT_CACHE_DIR/porch`` (default ``~/.kpt/porch-repos``).
Flag parsing and printing only; the work is in ``porch.kpt``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from porch.errors import Invalid, PorchError
from porch.kpt import pkg_args, pkg_git, pkgget, pkginit, pkgupdate

app = typer.Typer(
    no_args_is_help=True, add_completion=False, help="Get, update and init packages (kpt pkg)."
)

Strategy = Annotated[
    str,
    typer.Option(
        "--strategy",
        help="update strategy: resource-merge, fast-forward, force-delete-replace, copy-merge",
    ),
]


def _cache_dir() -> Path:
    configured = os.environ.get("KPT_CACHE_DIR")
    return Path(configured) / "porch" if configured else pkgget.default_cache_dir()


def _fail(exc: PorchError) -> typer.Exit:
    typer.echo(f"Error: {exc.message}", err=True)
    return typer.Exit(1)


@app.command()
def init(
    directory: Annotated[str, typer.Argument(help="package directory (created if missing)")] = ".",
    description: Annotated[str, typer.Option(help="short description")] = "sample description",
    keywords: Annotated[str, typer.Option(help="comma separated keywords")] = "",
    site: Annotated[str, typer.Option(help="link to the package's page")] = "",
) -> None:
    """Initialize an empty package (Kptfile, README.md, package-context.yaml)."""
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    words = [k for k in keywords.split(",") if k]
    files = pkginit.init_package(
        name=root.resolve().name, description=description, keywords=words, site=site
    )
    for name, data in files.items():
        target = root / name
        if target.exists():
            continue
        typer.echo(f"writing {name if directory == '.' else Path(directory) / name}", err=True)
        target.write_bytes(data)


@app.command()
def get(
    repo_uri: Annotated[str, typer.Argument(metavar="REPO_URI[.git]/PKG_PATH[@VERSION]")],
    dest: Annotated[str | None, typer.Argument(metavar="[DEST]")] = None,
    strategy: Strategy = "resource-merge",
    for_deployment: Annotated[
        bool, typer.Option("--for-deployment", help="customize the package for deployment")
    ] = False,
) -> None:
    """Fetch a package from a Git repository."""
    cache = pkg_git.RepoCache(_cache_dir())
    try:
        target = pkg_args.parse_get(
            repo_uri,
            dest,
            default_branch=cache.default_branch,
            branches=lambda repo: sorted(cache.refs(repo).heads),
        )
        name = target.destination.resolve().name
        typer.echo(f'Package "{name}":', err=True)
        tree = pkgget.get(
            target.repo,
            target.directory,
            target.ref,
            target.destination,
            strategy=strategy,
            for_deployment=for_deployment,
            cache_dir=_cache_dir(),
        )
    except PorchError as exc:
        raise _fail(exc) from exc
    for message in tree.messages:
        typer.echo(message, err=True)
    typer.echo(f"\nFetched {tree.fetched} package(s).", err=True)


@app.command()
def update(
    pkg_path: Annotated[str | None, typer.Argument(metavar="[PKG_PATH][@VERSION]")] = None,
    strategy: Strategy = "resource-merge",
) -> None:
    """Update a package to a new upstream version (or its current ref's latest commit)."""
    try:
        path, ref = pkg_args.parse_update(pkg_path)
        if not path.resolve().is_relative_to(Path.cwd().resolve()):
            raise Invalid("package path must be under current working directory")
        result = pkgupdate.update(path, ref=ref or None, strategy=strategy, cache_dir=_cache_dir())
    except PorchError as exc:
        raise _fail(exc) from exc
    for message in result.messages:
        typer.echo(message, err=True)


__all__ = ["app"]
