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

from porch.errors import Invalid
from porch.kpt import bookkeeping, gcpause, healing
from porch.kpt.evaluators import Evaluation, Evaluator, FunctionFailed, Handover
from porch.krm import yamlio, yamlview
from porch.krm.resourcelist import ResourceList
from porch.krm.yamlview import Map

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


def check_krm(items: list[Map], *, stage: str = "input") -> None:
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
    items: list[Map],
    function_config: Map | None,
    package_path: str = "",
) -> tuple[list[Map], Record]:
    """Run one function over ``items``; raises ``FunctionFailed`` or ``InvariantError``.

    ``items`` are not modified; the returned list holds new nodes.
    """
    with gcpause.paused():
        check_krm(items)
        # What the function is given, prepared on outlines: healing reads them afterwards,
        # and only the deep copies handed to the function may change.
        inputs = [_outline(i) for i in items]
        for item in inputs:  # what kyaml's node model remembers of the head comment
            yamlio.drop_head_blank_lines(item)
        snapshot = _prepare(inputs)
        given = _given(inputs, function_config)
    record = Record(image=image, exec=" ".join(exec_args or []) if not image else "")
    try:
        output = await evaluator.evaluate(
            image=image or None, exec_args=exec_args, resource_list=given
        )
    except FunctionFailed as failure:
        record.exit_code, record.stderr = failure.exit_code, failure.stderr
        record.results = list(failure.results)
        raise
    record.stderr = output.stderr if isinstance(output, Evaluation) else ""
    record.results = [dict(r) for r in output.results]
    with gcpause.paused():
        produced = _after(list(output.items), inputs, snapshot, package_path=package_path)
    return produced, record


def _given(inputs: list[Map], config: Map | None) -> ResourceList:
    """What the function receives: copies it may change at will, handed over for good."""
    given = [yamlio.copy_node(i) for i in inputs]
    return Handover(
        items=given, function_config=yamlio.copy_node(config) if config is not None else None
    )


def _outline(item: Map) -> Map:
    """``item`` with fresh copies of the maps ``_prepare`` and the head comment edit touch
    (root, ``metadata``, ``annotations``); everything below them is shared with ``item``."""
    if type(item) is not Map:
        return yamlio.copy_node(item)  # type: ignore[no-any-return]
    outline = yamlview.shallow_copy(item)
    meta = outline.get("metadata")
    if type(meta) is Map:
        meta = outline["metadata"] = yamlview.shallow_copy(meta)
        notes = meta.get("annotations")
        if type(notes) is Map:
            meta["annotations"] = yamlview.shallow_copy(notes)
    return outline


def _prepare(items: list[Map]) -> dict[str, dict[str, str]]:
    """Number the resources and make both annotation spellings agree (kio.Pipeline)."""
    snapshot = {}
    for number, item in enumerate(items):
        bookkeeping.set_value(item, bookkeeping.MIGRATION_ID, str(number))
        notes = bookkeeping.notes_of(item) or {}
        snapshot[str(number)] = {
            k: bookkeeping.text_of(notes, k) for k in _BOOKKEEPING if k in notes
        }
        bookkeeping.copy_legacy(item)
        _check_item(item)
    for number, item in enumerate(items, start=1):
        bookkeeping.set_value(item, bookkeeping.ID, str(number))
        bookkeeping.set_value(item, bookkeeping.LEGACY_ID, str(number))
    return snapshot


_IDS = (bookkeeping.ID, bookkeeping.LEGACY_ID)
_BOOKKEEPING = tuple(key for pair in bookkeeping.PAIRS for key in pair)


def _check_item(item: Map) -> None:
    """Both spellings of path, index and id, where present, must agree."""
    notes = bookkeeping.notes_of(item)
    if notes is None:
        return
    for (new, legacy), what in zip(bookkeeping.PAIRS, ("path", "index", "id"), strict=True):
        now_new = bookkeeping.text_of(notes, new)
        now_legacy = bookkeeping.text_of(notes, legacy)
        if now_new and now_legacy and now_new != now_legacy:
            raise InvariantError(
                f"resource input to function has mismatched legacy and internal {what} annotations"
            )


def _after(
    output: list[Any],
    inputs: list[Map],
    snapshot: dict[str, dict[str, str]],
    *,
    package_path: str,
) -> list[Map]:
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


def _paired(output: list[Any], inputs: list[Map]) -> list[Map]:
    """Outputs healed from the input with the same id; the ids removed."""
    by_id = {bookkeeping.get(i, bookkeeping.ID): i for i in inputs}
    result: list[Map] = []
    for item in output:
        if not isinstance(item, Map):
            raise InvariantError(
                "output resource list must contain only KRM resources: "
                ": resource must have `apiVersion`, `kind`, and `name`"
            )
        rid = bookkeeping.get(item, bookkeeping.ID) or bookkeeping.get(item, bookkeeping.LEGACY_ID)
        if rid in by_id:
            _heal(by_id[rid], item)
        bookkeeping.clear_all(item, _IDS)
        result.append(item)
    return result


def _heal(source: Map, item: Map) -> None:
    healing.heal(source, item)
    # go-yaml re-attaches a file's head comment to the list item once a function has
    # printed it, so kpt shows it before the ``-`` from then on.
    if yamlio.has_mark(source, yamlio.FROM_FILE) or yamlio.has_mark(source, yamlio.HEAD_OUTSIDE):
        yamlio.set_mark(item, yamlio.HEAD_OUTSIDE)


def _reconcile(items: list[Map], snapshot: dict[str, dict[str, str]]) -> None:
    """Copy a path/index the function changed in one spelling to the other (kyaml)."""
    use_internal, use_legacy = _formats(snapshot)
    for item in items:
        original = snapshot.get(bookkeeping.get(item, bookkeeping.MIGRATION_ID))
        if original is not None:
            _sync_changed(item, original)
        if not use_internal:
            bookkeeping.clear_all(item, [bookkeeping.ID, bookkeeping.PATH, bookkeeping.INDEX])
        if not use_legacy:
            bookkeeping.clear_all(
                item, [bookkeeping.LEGACY_ID, bookkeeping.LEGACY_PATH, bookkeeping.LEGACY_INDEX]
            )
        _check_item(item)
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


def _sync_changed(item: Map, original: dict[str, str]) -> None:
    for new, legacy in bookkeeping.PAIRS[:2]:
        before = original.get(new) or original.get(legacy, "")
        if not before:
            continue
        now_new, now_legacy = bookkeeping.get(item, new), bookkeeping.get(item, legacy)
        if before != now_new and before != now_legacy and now_new != now_legacy:
            raise InvariantError(
                "resource input to function has mismatched legacy and internal "
                f"{'path' if new == bookkeeping.PATH else 'index'} annotations"
            )
        if before != now_new:
            bookkeeping.set_value(item, legacy, now_new)
        elif before != now_legacy:
            bookkeeping.set_value(item, new, now_legacy)


def check_paths(items: list[Map]) -> None:
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
