"""Render a package tree's Kptfile pipeline and report it as Porch's ``renderStatus``.

The kpt library renders a directory in place, so the tree is written to a private
temporary directory, rendered there and read back. Functions run builtin (in process) or
on the function runner over gRPC; exec functions are never allowed in the server.
Outcomes follow Porch: on failure nothing is kept, unless the Kptfile says
``kpt.dev/save-on-render-failure`` (the partial output is kept) or the caller asked to
push on failure (the unrendered tree is kept); the error is reported either way.
"""

from __future__ import annotations

import io
import posixpath
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from porch.errors import Invalid, PorchError
from porch.kpt import fnresults, kptfile, pkg_files, render
from porch.kpt.console import Console
from porch.kpt.evaluators import BuiltinEvaluator, ChainEvaluator, Evaluator
from porch.kpt.fnrun import Record
from porch.krm import yamlio

Files = dict[str, bytes]


@dataclass(frozen=True)
class Rendered:
    """What to keep (``files`` is None when nothing may be kept) and what to report."""

    files: Files | None
    status: dict[str, Any]  # Porch's status.renderStatus: {result, error}
    error: str = ""


def check_paths(files: Files) -> None:
    """Refuse paths that would leave the package directory (or hide in ``.git``)."""
    for path in files:
        parts = path.split("/")
        clean = posixpath.normpath(path)
        if (
            not path
            or path.startswith("/")
            or clean != path
            or ".." in parts
            or ".git" in parts
            or "\\" in path
        ):
            raise Invalid(
                f"invalid resource path {path!r}: must be relative and inside the package"
            )


def evaluator(remote: Evaluator | None) -> Evaluator:
    from porch.functions import registry  # the builtin catalog, imported on first use

    chain: list[Evaluator] = [BuiltinEvaluator(registry.lookup)]
    if remote is not None:
        chain.append(remote)
    return ChainEvaluator(chain)


def status(records: list[Record], *, error: str) -> dict[str, Any]:
    result = fnresults.result_list(records, exit_code=1 if error else 0)
    return {"result": yamlio.to_plain(result), "error": error}


async def render_files(
    files: Files, *, name: str, evaluator: Evaluator, push_on_failure: bool
) -> Rendered:
    check_paths(files)
    with tempfile.TemporaryDirectory(prefix="porch-render-") as tmp:
        root = Path(tmp) / (name or "package")
        pkg_files.create(root, files, executables=frozenset())
        progress = io.StringIO()  # kpt's console lines; kept out of the service's output
        try:
            outcome = await render.render(
                root,
                evaluator=evaluator,
                options=render.Options(allow_exec=False),
                console=Console(progress),
            )
        except render.RenderFailed as failure:
            message = failure.status_message or failure.message
            report = status(failure.outcome.records, error=message)
            if _saves_on_failure(files):
                return Rendered(pkg_files.read_tree(root), report, message)
            return Rendered(dict(files) if push_on_failure else None, report, message)
        except PorchError as exc:  # e.g. no Kptfile, an invalid pipeline
            message = exc.message.replace(str(root), ".")
            report = status([], error=message)
            return Rendered(dict(files) if push_on_failure else None, report, message)
        return Rendered(pkg_files.read_tree(root), status(outcome.records, error=""))


def _saves_on_failure(files: Files) -> bool:
    data = files.get(kptfile.FILE_NAME)
    if data is None:
        return False
    try:
        doc = yamlio.load(data.decode())
    except Exception:  # an unreadable Kptfile cannot ask for anything
        return False
    annotations = ((doc or {}).get("metadata") or {}).get("annotations") or {}
    return str(annotations.get(kptfile.SAVE_ON_RENDER_FAILURE, "")).lower() == "true"


__all__ = ["Rendered", "check_paths", "evaluator", "render_files", "status"]
