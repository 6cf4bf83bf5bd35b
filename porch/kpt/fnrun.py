"""One function call with kpt's bookkeeping around it (kyaml ``FunctionFilter`` + ``Pipeline``).

Why it exists: calling a function is more than passing a list. Before the call every
resource is numbered and its path/index annotations are made consistent (internal and
legacy spellings); after it, outputs are paired with inputs to restore comments and key
order, resources without a path get ``<namespace>/<kind>_<name>.yaml``, an annotation the
function changed in one spelling is copied to the other, the owning package is recorded,
and kpt's invariants are enforced (only KRM in and out, no path leaving the package, no
two resources at the same path and index). Render and eval both call ``run``.

No I/O of its own (the evaluator may run a process). It must not print or read files.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml.comments import CommentedMap

from porch.errors import Invalid
from porch.kpt import bookkeeping, healing
from porch.kpt.evaluators import Evaluation, Evaluator, FunctionFailed, Handover
from porch.krm import yamlio
from porch.krm.resourcelist import ResourceList

KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")


@dataclass
class Record:
    """What kpt keeps of one executed step (a ``FunctionResultList`` item)."""

    image: str = ""
    exec: str = ""
    stderr: str = ""
    exit_code: int = 0
    results: list[dict[str, Any]] = field(default_factory=list)


class InvariantError(Invalid):
    """Input or output broke one of kpt's rules; the step counts as not executed."""


def krm_problem(item: Any) -> str:
    """Why ``item`` is not a KRM resource (empty when it is); kustomizations are exempt."""
    if _is_kustomization(item):
        return ""
    if not isinstance(item, dict):
        return "resource must have `apiVersion`, `kind`, and `name`"
    meta = item.get("metadata")
    if not item.get("apiVersion"):
        return "resource must have `apiVersion`"
    if not item.get("kind"):
        return "resource must have `kind`"
    if not isinstance(meta, dict) or not meta.get("name"):
        return "resource must have `metadata.name`"
    return ""


def _is_kustomization(item: Any) -> bool:
    if not isinstance(item, dict):
        return False
    if posixpath.basename(bookkeeping.path_of(item)) in KUSTOMIZATION_FILES:
        return True
    api_version = str(item.get("apiVersion") or "")
    return api_version.startswith("kustomize.config.k8s.io") or (
        not api_version and item.get("kind") == "Kustomization"
    )


def check_krm(items: list[CommentedMap], *, stage: str = "input") -> None:
    for item in items:
        problem = krm_problem(item)
        if problem:
            path = bookkeeping.path_of(item)
            raise InvariantError(
                f"{stage} resource list must contain only KRM resources: {path}: {problem}"
            )


async def run(
    *,
    evaluator: Evaluator,
    image: str,
    exec_args: list[str] | None,
    items: list[CommentedMap],
    function_config: CommentedMap | None,
    package_path: str = "",
) -> tuple[list[CommentedMap], Record]:
    """Run one function over ``items``; raises ``FunctionFailed`` or ``InvariantError``.

    ``items`` are not modified; the returned list holds new nodes.
    """
    check_krm(items)
    inputs = [yamlio.copy_node(i) for i in items]
    for item in inputs:  # what kyaml's node model remembers of the head comment
        yamlio.drop_head_blank_lines(item)
    snapshot = _prepare(inputs)
    record = Record(image=image, exec=" ".join(exec_args or []) if not image else "")
    try:
        output = await evaluator.evaluate(
            image=image or None,
            exec_args=exec_args,
            resource_list=_given(inputs, function_config),
        )
    except FunctionFailed as failure:
        record.exit_code, record.stderr = failure.exit_code, failure.stderr
        record.results = list(failure.results)
        raise
    record.stderr = output.stderr if isinstance(output, Evaluation) else ""
    record.results = [dict(r) for r in output.results]
    produced = _after(list(output.items), inputs, snapshot, package_path=package_path)
    return produced, record


def _given(inputs: list[CommentedMap], config: CommentedMap | None) -> ResourceList:
    """What the function receives: copies it may change at will, handed over for good."""
    given = [yamlio.copy_node(i) for i in inputs]
    return Handover(
        items=given, function_config=yamlio.copy_node(config) if config is not None else None
    )


def _prepare(items: list[CommentedMap]) -> dict[str, dict[str, str]]:
    """Number the resources and make both annotation spellings agree (kio.Pipeline)."""
    snapshot = {}
    for number, item in enumerate(items):
        bookkeeping.set_value(item, bookkeeping.MIGRATION_ID, str(number))
        snapshot[str(number)] = {
            k: v for k, v in bookkeeping.annotations_of(item).items() if _is_bookkeeping(k)
        }
        bookkeeping.copy_legacy(item)
        _check_mismatch(bookkeeping.annotations_of(item))
    for number, item in enumerate(items, start=1):
        bookkeeping.set_value(item, bookkeeping.ID, str(number))
        bookkeeping.set_value(item, bookkeeping.LEGACY_ID, str(number))
    return snapshot


def _is_bookkeeping(key: str) -> bool:
    return any(key in pair for pair in bookkeeping.PAIRS)


def _check_mismatch(notes: dict[str, str]) -> None:
    for (new, legacy), what in zip(bookkeeping.PAIRS, ("path", "index", "id"), strict=True):
        if notes.get(new) and notes.get(legacy) and notes[new] != notes[legacy]:
            raise InvariantError(
                f"resource input to function has mismatched legacy and internal {what} annotations"
            )


def _after(
    output: list[Any],
    inputs: list[CommentedMap],
    snapshot: dict[str, dict[str, str]],
    *,
    package_path: str,
) -> list[CommentedMap]:
    """kyaml's post-processing of a function's output, then kpt's invariants."""
    result = _paired(output, inputs)
    for item in result:
        bookkeeping.copy_legacy(item)
        if not bookkeeping.path_of(item):
            bookkeeping.set_path(item, bookkeeping.default_path(item))
    _reconcile(result, snapshot)
    if package_path:
        for item in result:
            if not bookkeeping.get(item, bookkeeping.PACKAGE_PATH):
                bookkeeping.set_value(item, bookkeeping.PACKAGE_PATH, package_path)
    check_paths(result)
    check_krm(result, stage="output")
    return result


def _paired(output: list[Any], inputs: list[CommentedMap]) -> list[CommentedMap]:
    """Outputs healed from the input with the same id; the ids removed."""
    by_id = {bookkeeping.get(i, bookkeeping.ID): i for i in inputs}
    result: list[CommentedMap] = []
    for item in output:
        if not isinstance(item, CommentedMap):
            raise InvariantError(
                "output resource list must contain only KRM resources: "
                ": resource must have `apiVersion`, `kind`, and `name`"
            )
        rid = bookkeeping.get(item, bookkeeping.ID) or bookkeeping.get(item, bookkeeping.LEGACY_ID)
        if rid in by_id:
            _heal(by_id[rid], item)
        bookkeeping.clear(item, bookkeeping.ID)
        bookkeeping.clear(item, bookkeeping.LEGACY_ID)
        result.append(item)
    return result


def _heal(source: CommentedMap, item: CommentedMap) -> None:
    healing.heal(source, item)
    # go-yaml re-attaches a file's head comment to the list item once a function has
    # printed it, so kpt shows it before the ``-`` from then on.
    if yamlio.has_mark(source, yamlio.FROM_FILE) or yamlio.has_mark(source, yamlio.HEAD_OUTSIDE):
        yamlio.set_mark(item, yamlio.HEAD_OUTSIDE)


def _reconcile(items: list[CommentedMap], snapshot: dict[str, dict[str, str]]) -> None:
    """Copy a path/index the function changed in one spelling to the other (kyaml)."""
    use_internal, use_legacy = _formats(snapshot)
    for item in items:
        original = snapshot.get(bookkeeping.get(item, bookkeeping.MIGRATION_ID))
        if original is not None:
            _sync_changed(item, original)
        notes = bookkeeping.annotations_of(item)
        if not use_internal:
            bookkeeping.clear_all(item, [bookkeeping.ID, bookkeeping.PATH, bookkeeping.INDEX])
        if not use_legacy:
            bookkeeping.clear_all(
                item, [bookkeeping.LEGACY_ID, bookkeeping.LEGACY_PATH, bookkeeping.LEGACY_INDEX]
            )
        _check_mismatch(bookkeeping.annotations_of(item) if notes else {})
        bookkeeping.clear(item, bookkeeping.MIGRATION_ID)


def _formats(snapshot: dict[str, dict[str, str]]) -> tuple[bool, bool]:
    internal: bool | None = None
    legacy: bool | None = None
    for notes in snapshot.values():
        if not notes:
            continue
        has_new = any(k in notes for k in (bookkeeping.PATH, bookkeeping.INDEX, bookkeeping.ID))
        has_old = any(
            k in notes
            for k in (bookkeeping.LEGACY_PATH, bookkeeping.LEGACY_INDEX, bookkeeping.LEGACY_ID)
        )
        if internal is None:
            internal, legacy = has_new, has_old
        elif internal != has_new or legacy != has_old:
            raise InvariantError(
                "the annotation formatting in the input resources is not consistent"
            )
    if not snapshot:
        return True, True
    return bool(internal), bool(legacy)  # no bookkeeping at all: keep none (kyaml)


def _sync_changed(item: CommentedMap, original: dict[str, str]) -> None:
    notes = bookkeeping.annotations_of(item)
    for new, legacy in bookkeeping.PAIRS[:2]:
        before = original.get(new) or original.get(legacy, "")
        if not before:
            continue
        now_new, now_legacy = notes.get(new, ""), notes.get(legacy, "")
        if before != now_new and before != now_legacy and now_new != now_legacy:
            raise InvariantError(
                "resource input to function has mismatched legacy and internal "
                f"{'path' if new == bookkeeping.PATH else 'index'} annotations"
            )
        if before != now_new:
            bookkeeping.set_value(item, legacy, now_new)
        elif before != now_legacy:
            bookkeeping.set_value(item, new, now_legacy)


def check_paths(items: list[CommentedMap]) -> None:
    """No resource outside its package; no two at the same path and index (per package)."""
    seen: set[tuple[str, str, str]] = set()
    for item in items:
        path = bookkeeping.path_of(item)
        clean = posixpath.normpath(path) if path else path
        if clean.startswith("../"):
            raise InvariantError(
                f"function must not modify resources outside of package: resource has path {path}"
            )
        key = (bookkeeping.get(item, bookkeeping.PACKAGE_PATH), clean, bookkeeping.index_of(item))
        if key in seen:
            raise InvariantError(f'resource at path "{clean}" and index "{key[2]}" already exists')
        seen.add(key)


__all__ = ["InvariantError", "Record", "check_krm", "check_paths", "krm_problem", "run"]
