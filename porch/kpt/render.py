"""``kpt fn render``: hydrate a package tree through its pipelines, all or nothing.

Why it exists: this is the library form of the command. Order: depth-first post-order by
default (each subpackage, alphabetically, before its parent; a parent sees its own
resources, then its subpackages' output), or top-down with the root annotation
``kpt.dev/bfs-rendering: "true"`` (a parent runs first and sees all its descendants).
In place, nothing is written unless every step succeeded — except with
``kpt.dev/save-on-render-failure: "true"`` — files that lost all their resources are
deleted, and the root Kptfile records the outcome (``Rendered`` condition,
``renderStatus``). Out of place (``-o``), the caller receives the resources.

Reads and writes under the package only (plus the results directory). It must not know
how functions run (only the ``Evaluator`` port) or print anything itself (``console``).
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

from porch.errors import FunctionError, PorchError
from porch.kpt import (
    bookkeeping,
    fnresults,
    gcpause,
    images,
    kptfile,
    kptfilewriting,
    packages,
    pipeline,
    reading,
    writing,
)
from porch.kpt.console import Console
from porch.kpt.errchain import Chain, wrap
from porch.kpt.evaluators import Evaluator
from porch.kpt.fnconfig import ConfigError
from porch.kpt.fnrun import Record
from porch.kpt.packages import Package
from porch.krm.yamlview import Map


@dataclass(frozen=True)
class Options:
    allow_exec: bool = False
    in_place: bool = True
    results_dir: Path | None = None
    image_prefix: str = images.DEFAULT_PREFIX


@dataclass
class Outcome:
    """What a render produced: final resources (paths relative to the root) and records."""

    items: list[Map] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)
    executed: int = 0
    packages: int = 0
    results_file: Path | None = None
    written: list[str] = field(default_factory=list)


class RenderFailed(FunctionError):
    """A step failed. ``status_message`` is kpt's text for the Kptfile; ``cli`` the console's."""

    def __init__(self, message: str, *, status_message: str, cli: str, outcome: Outcome) -> None:
        super().__init__(message)
        self.status_message = status_message
        self.cli = cli
        self.outcome = outcome


async def render(
    directory: Path,
    *,
    evaluator: Evaluator,
    options: Options | None = None,
    console: Console | None = None,
) -> Outcome:
    """Render the package at ``directory``; raises ``RenderFailed`` or the Kptfile's error."""
    options = options or Options()
    root = packages.root(directory)
    ctx = pipeline.Context(
        evaluator=evaluator,
        console=console or Console(),
        allow_exec=options.allow_exec,
        image_prefix=options.image_prefix,
    )
    run = _Hydration(root, ctx)
    failure: pipeline.Abort | None = None
    items: list[Map] | None
    try:
        if root.kptfile.annotation_is_true(kptfile.BFS_RENDERING):
            items = await run.breadth_first()
        else:
            items = await run.depth_first(root)
    except pipeline.Abort as abort:
        failure, items = abort, run.root_resources
    return _finish(run, options, items, failure)


def _finish(
    run: _Hydration,
    options: Options,
    items: list[Map] | None,
    failure: pipeline.Abort | None,
) -> Outcome:
    ctx, root = run.ctx, run.root
    outcome = Outcome(records=ctx.records, executed=ctx.executed, packages=len(run.seen))
    save = root.kptfile.annotation_is_true(kptfile.SAVE_ON_RENDER_FAILURE)
    if failure is not None and not (save and options.in_place):
        _fail(run, options, outcome, failure)
    final = _relative_to_root(root, items or [])
    outcome.items = final
    if options.in_place:
        deletes = (
            run.input_files - {bookkeeping.path_of(i) for i in final} if failure is None else set()
        )
        with gcpause.paused():
            outcome.written = writing.write(
                final, root=root.path, deletes=deletes, originals=run.originals
            )
        ctx.console.summary(
            executed=ctx.executed, packages=len(run.seen), failed=failure is not None
        )
    if failure is not None:
        _fail(run, options, outcome, failure)
    outcome.results_file = _save_results(run, options, failed=False)
    if options.in_place:
        _set_status(run, None)
    return outcome


def _fail(run: _Hydration, options: Options, outcome: Outcome, failure: pipeline.Abort) -> NoReturn:
    message = _status_text(run, failure.chain)
    if options.in_place:
        _set_status(run, message)
    outcome.results_file = _save_results(run, options, failed=True)
    inner = failure.chain.innermost() if isinstance(failure.chain, Chain) else failure.chain
    raise RenderFailed(inner or message, status_message=message, cli=failure.cli, outcome=outcome)


def _status_text(run: _Hydration, chain: Chain | str) -> str:
    text = chain.text() if isinstance(chain, Chain) else chain
    return text.replace(str(run.root.path), ".")


def _save_results(run: _Hydration, options: Options, *, failed: bool) -> Path | None:
    if options.results_dir is None:
        return None
    exit_code = 1 if run.ctx.failed_function else 0
    path = fnresults.save(options.results_dir, run.ctx.records, exit_code=exit_code)
    run.ctx.console.write(f"For complete results, see {path}\n")
    return path


def _set_status(run: _Hydration, error: str | None) -> None:
    """Rewrite the root Kptfile with the ``Rendered`` condition and ``renderStatus``."""
    ctx = run.ctx
    condition = kptfile.Condition(
        type=kptfile.RENDERED,
        status="False" if error is not None else "True",
        reason=kptfile.RENDER_FAILED if error is not None else kptfile.RENDER_SUCCESS,
        message=error or "",
    )
    render_status = None
    if ctx.mutation_steps or ctx.validation_steps:
        render_status = kptfile.RenderStatus(
            mutation_steps=tuple(ctx.mutation_steps),
            validation_steps=tuple(ctx.validation_steps),
            error_summary=pipeline.error_summary(ctx.mutation_steps + ctx.validation_steps)
            if error is not None
            else "",
        )
    try:
        current = packages.load_kptfile(run.root.path)
    except PorchError:
        return  # kpt gives up silently when the Kptfile cannot be re-read
    updated = kptfilewriting.with_render_status(current, condition=condition, render=render_status)
    target = run.root.path / kptfile.FILE_NAME
    writing.apply(
        writing.Plan(files={kptfile.FILE_NAME: kptfilewriting.to_yaml(updated)}), root=target.parent
    )


def _relative_to_root(root: Package, items: list[Map]) -> list[Map]:
    """Paths relative to the root package; the package-path annotation removed."""
    prefixes: dict[str, str] = {}  # owner -> its path from the root (few owners, many items)
    for item in items:
        owner = bookkeeping.get(item, bookkeeping.PACKAGE_PATH)
        prefix = prefixes.get(owner)
        if prefix is None:
            rel = os.path.relpath(owner, root.path) if owner else "."
            prefix = prefixes[owner] = Path(rel).as_posix()
        path = bookkeeping.path_of(item)
        joined = posixpath.normpath(f"{prefix}/{posixpath.normpath(path)}")
        bookkeeping.set_path(item, joined)
        bookkeeping.clear(item, bookkeeping.PACKAGE_PATH)
    return items


class _Hydration:
    """The walk over the package tree, shared state for one render."""

    def __init__(self, root: Package, ctx: pipeline.Context) -> None:
        self.root = root
        self.ctx = ctx
        self.seen: set[Path] = set()
        self.input_files: set[str] = set()
        self.root_resources: list[Map] | None = None
        self.save = root.kptfile.annotation_is_true(kptfile.SAVE_ON_RENDER_FAILURE)
        self._loaded: dict[Path, list[Map]] = {}
        self.originals: reading.Originals = {}  # every file read, so writing can skip re-parsing

    def read(self, package: Package) -> list[Map]:
        try:
            with gcpause.paused():
                items = reading.read_package(
                    package.path,
                    options=reading.Options(
                        package_path=str(package.path), originals=self.originals
                    ),
                )
        except PorchError as exc:
            inner = wrap("pkg.readResources", str(package.path), exc.message)
            raise pipeline.Abort(
                wrap("pkg.render", str(package.path), inner), cli=f"Error: {exc.message}"
            ) from exc
        for item in items:
            self.input_files.add(
                posixpath.normpath(f"{package.rel or '.'}/{bookkeeping.path_of(item)}")
            )
        return items

    def children(self, package: Package) -> list[Package]:
        """Direct subpackages, each Kptfile read and validated (kpt's ``newPkgNode``)."""
        try:
            found = [
                packages.child(package, d, root_path=self.root.path)
                for d in packages.subpackage_dirs(package)
            ]
        except PorchError as exc:
            location = str(getattr(exc, "location", package.path))
            detail = str(getattr(exc, "detail", exc.message))
            inner = wrap(
                "pkg.Subpackages", location, f'error reading Kptfile at "{location}": {detail}'
            )
            raise pipeline.Abort(
                wrap("pkg.render", str(package.path), inner), cli=f"Error: {exc.message}"
            ) from exc
        for sub in found:
            try:
                packages.validate(sub)
            except ConfigError as exc:
                text = f'invalid pipeline: function "{exc.image}": {exc.message}'
                inner = wrap("pkg.read", str(sub.path), text)
                raise pipeline.Abort(
                    wrap("pkg.render", str(sub.path), inner), cli=exc.message
                ) from exc
        return found

    async def depth_first(self, package: Package) -> list[Map]:
        self.seen.add(package.path)
        own = self.read(package)
        items = list(own)
        for sub in self.children(package):
            try:
                items.extend(await self.depth_first(sub))
            except pipeline.Abort as abort:
                if abort.partial is not None and self.save and package is self.root:
                    self.root_resources = items + abort.partial
                chain = wrap("pkg.render", str(sub.path), abort.chain)
                raise pipeline.Abort(chain, cli=abort.cli, partial=None) from abort
        try:
            return await pipeline.run_pipeline(self.ctx, package, items)
        except pipeline.Abort as abort:
            partial = abort.partial if abort.partial is not None else items
            if self.save and package is self.root:
                self.root_resources = partial
            chain = wrap("pkg.render", str(package.path), abort.chain)
            raise pipeline.Abort(
                chain, cli=abort.cli, partial=partial if self.save else None
            ) from abort

    async def breadth_first(self) -> list[Map]:
        order, tree = self._discover()
        resources = {p.path: self._loaded[p.path] for p in order}
        for package in order:
            given = resources[package.path] + _descendants(package, tree, resources)
            try:
                output = await pipeline.run_pipeline(self.ctx, package, given)
            except pipeline.Abort as abort:
                if self.save:
                    resources[package.path] = abort.partial if abort.partial is not None else given
                    _redistribute(package, order, resources)
                    self.root_resources = [i for p in order for i in resources[p.path]]
                raise pipeline.Abort(
                    wrap("pkg.render", str(self.root.path), abort.chain), cli=abort.cli
                ) from abort
            resources[package.path] = output
            _redistribute(package, order, resources)
        return [i for p in order for i in resources[p.path]]

    def _discover(self) -> tuple[list[Package], dict[Path, list[Package]]]:
        order: list[Package] = []
        tree: dict[Path, list[Package]] = {}
        queue = [self.root]
        while queue:
            package = queue.pop(0)
            order.append(package)
            self.seen.add(package.path)
            try:
                self._loaded[package.path] = self.read(package)
                tree[package.path] = self.children(package)
            except pipeline.Abort as abort:
                raise pipeline.Abort(
                    wrap("pkg.render", str(self.root.path), _unwrap_render(abort.chain)),
                    cli=abort.cli,
                ) from abort
            queue.extend(tree[package.path])
        return order, tree


def _unwrap_render(chain: Chain | str) -> Chain | str:
    """BFS discovery errors are wrapped once, by the root, not per package."""
    if isinstance(chain, Chain) and chain.op == "pkg.render":
        return chain.inner
    return chain


def _descendants(
    package: Package, tree: dict[Path, list[Package]], resources: dict[Path, list[Map]]
) -> list[Map]:
    out: list[Map] = []
    for child in tree.get(package.path, []):
        out.extend(resources[child.path])
        out.extend(_descendants(child, tree, resources))
    return out


def _redistribute(package: Package, order: list[Package], resources: dict[Path, list[Map]]) -> None:
    """After a BFS step, give each resource back to the package it belongs to."""
    groups: dict[str, list[Map]] = {}
    for item in resources[package.path]:
        owner = bookkeeping.get(item, bookkeeping.PACKAGE_PATH) or str(package.path)
        groups.setdefault(owner, []).append(item)
    remaining: list[Map] = []
    for target in order:
        group = groups.get(str(target.path))
        if group is None:
            continue
        if target.path == package.path:
            remaining.extend(group)
        else:
            resources[target.path] = group
    resources[package.path] = remaining


__all__ = ["Options", "Outcome", "RenderFailed", "render"]
