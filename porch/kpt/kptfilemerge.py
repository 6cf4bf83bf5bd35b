"""The Kptfile 3-way merge kpt applies on ``pkg get`` and ``pkg update``.

kpt marshals the local, updated and original Kptfiles, merges them with kyaml's stock
3-way merge (lists of named things merge by name), decodes the result and takes only
``metadata.annotations``, ``metadata.labels``, ``info``, ``pipeline``, ``inventory`` and
``status`` from it: name and namespace stay local, and ``upstream``/``upstreamLock`` come
from the updated Kptfile only when a nested package is updated. When no pipeline function
has a name and none repeats, each function is named after its image (without tag) or exec
for the merge, so functions match across versions; the names are removed afterwards.
Pure: node trees in, a node tree out; no I/O.
"""

from __future__ import annotations

from porch.kpt import pkg_kptfilestruct as struct
from porch.kpt.pkg_walk import StockVisitor, Walker
from porch.krm.yamlnode import MAP, SEQ, Node, mapping

SYNTHETIC_PREFIX = "_kpt-merge_"
_MERGED_TOP = ("info", "pipeline", "inventory", "status")
_MERGED_META = ("labels", "annotations")
_STEPS = ("mutators", "validators")


def _functions(kptfile: Node) -> list[list[Node]]:
    pipeline = kptfile.get("pipeline")
    if pipeline is None or pipeline.kind != MAP:
        return []
    lists = (pipeline.get(step) for step in _STEPS)
    return [list(s.content) for s in lists if s is not None and s.kind == SEQ]


def _function_key(function: Node) -> str:
    return function.text("exec") or function.text("image").split(":")[0]


def _needs_synthetic_names(*kptfiles: Node) -> bool:
    """kpt's shouldAddFnKey: no function has a name and no key repeats within a list."""
    for kptfile in kptfiles:
        for functions in _functions(kptfile):
            keys = [_function_key(f) for f in functions]
            if any(f.text("name") for f in functions) or len(set(keys)) != len(keys):
                return False
    return True


def _name_functions(kptfile: Node) -> None:
    for functions in _functions(kptfile):
        for function in functions:
            if not function.text("name"):
                function.set("name", struct.go_string(SYNTHETIC_PREFIX + _function_key(function)))


def _unname_functions(kptfile: Node) -> None:
    for functions in _functions(kptfile):
        for function in functions:
            if function.text("name").startswith(SYNTHETIC_PREFIX):
                function.remove("name")


def _normalized(kptfile: Node | None) -> Node:
    if kptfile is None:
        return mapping()
    return struct.normalize(kptfile.copy()) or mapping()


def merge(local: Node | None, updated: Node | None, original: Node | None) -> Node:
    """``local`` with the merged annotations, labels, info, pipeline, inventory, status."""
    mine, theirs, base = _normalized(local), _normalized(updated), _normalized(original)
    synthetic = _needs_synthetic_names(mine, theirs, base)
    if synthetic:
        for kptfile in (theirs, base):
            _name_functions(kptfile)
    dest = mine.copy()
    if synthetic:
        _name_functions(dest)
    walker = Walker(StockVisitor(), infer_associative=True)
    merged = struct.normalize(walker.merge(dest, base, theirs) or mapping()) or mapping()
    if synthetic:
        _unname_functions(merged)
    return _take_merged(mine, merged)


def _take_merged(local: Node, merged: Node) -> Node:
    result = local.copy()
    for name in _MERGED_TOP:
        _replace(result, name, merged.get(name))
    meta = merged.get("metadata")
    if any(meta is not None and meta.get(n) is not None for n in _MERGED_META) or (
        result.get("metadata") is not None
    ):
        target = result.get("metadata") or mapping()
        for name in _MERGED_META:
            _replace(target, name, meta.get(name) if meta is not None else None)
        _replace(result, "metadata", target)
    return struct.normalize(result) or mapping()


def _replace(node: Node, name: str, value: Node | None) -> None:
    if value is None:
        node.remove(name)
    else:
        node.set(name, value.copy())


def update(
    local: Node | None, updated: Node | None, original: Node | None, *, take_upstream: bool
) -> Node:
    """kptfileutil.UpdateKptfile: the merge, plus ``upstream``/``upstreamLock`` copied from
    ``updated`` (when it has them) for nested packages."""
    result = merge(local, updated, original)
    if take_upstream and updated is not None:
        theirs = _normalized(updated)
        for name in ("upstream", "upstreamLock"):
            if theirs.get(name) is not None:
                _replace(result, name, theirs.get(name))
    return struct.normalize(result) or mapping()


__all__ = ["SYNTHETIC_PREFIX", "merge", "update"]
