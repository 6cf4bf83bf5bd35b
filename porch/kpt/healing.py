"""Undoing what a function did to formatting: comments it dropped, keys it reordered.

Why it exists: kpt pairs every function output resource with its input (by a temporary
id annotation) and then (1) copies comments from the input into comment slots the output
left empty, so a function can replace a comment but never silently drop one, and (2)
reorders every mapping of the output to the input's key order, new keys last, so a
function that re-serialises with sorted keys does not reshuffle files.

Pure; no I/O. It must not touch values, only comments and key order.
"""

from __future__ import annotations

from typing import Any

from porch.krm.yamlnode import Node
from porch.krm.yamlview import Map, Seq

_SLOTS = ("head", "line", "foot")
_CONTAINERS = (Map, Seq)
_NESTED = (dict, list)
_MISSING: Any = object()


def heal(source: Any, target: Any) -> None:
    """Copy comments then key order from ``source`` (function input) onto ``target``."""
    _heal(source, target, comments=True)


def sync_order(source: Any, target: Any) -> None:
    """Reorder ``target``'s mappings to ``source``'s key order; new keys keep theirs, last."""
    _heal(source, target, comments=False)


def _heal(source: Any, target: Any, *, comments: bool) -> None:
    """Both repairs in one walk (this runs for every resource after every function).

    Comments are copied only along a path where source and target are both
    :class:`Map`/:class:`Seq`; key order is synced along any dict/list path."""
    if isinstance(source, dict):
        if type(target) is not Map:
            return
        if comments and type(source) is Map:
            if source.head or source.line or source.foot:
                _copy_own(source, target)
            if source.doc_head and not target.doc_head:
                target.doc_head = source.doc_head
            if source.src != target.src:  # equal (shared entries): nothing to fill in
                _copy_entries(source, target)
        else:
            comments = False
        if list(source) != list(target):
            _reorder(source, target)
        for key, value in source.items():
            if isinstance(value, _NESTED):
                other = target.get(key, _MISSING)
                if other is not _MISSING:
                    _heal(value, other, comments=comments and type(value) in _CONTAINERS)
    elif isinstance(source, list) and isinstance(target, list):
        _heal_items(source, target, comments=comments)


def _heal_items(source: Any, target: Any, *, comments: bool) -> None:
    comments = comments and type(source) is Seq and type(target) is Seq
    if comments and (source.head or source.line or source.foot):
        _copy_own(source, target)
    for index, (value, other) in enumerate(zip(source, target, strict=False)):
        if isinstance(value, _NESTED):
            _heal(value, other, comments=comments and isinstance(other, _NESTED))
        elif comments and value == other:
            _copy_item(source, target, index)


def _copy_entries(source: Map, target: Map) -> None:
    theirs, ours = source.src, target.src
    for key in source:
        if key in target:
            found = theirs.get(key)
            if found is not None and ours.get(key) is not found:  # shared: nothing to do
                _copy_entry(source, target, key)


def _reorder(source: dict[Any, Any], target: Map) -> None:
    order = [k for k in source if k in target]
    extra = [k for k in target if k not in source]
    if list(target) != order + extra:
        values = {k: dict.pop(target, k) for k in order + extra}
        for key, value in values.items():
            dict.__setitem__(target, key, value)


def _copy_own(source: Map | Seq, target: Map | Seq) -> None:
    for slot in _SLOTS:
        if _has_comment(getattr(source, slot)) and not getattr(target, slot):
            setattr(target, slot, getattr(source, slot))


def _copy_entry(source: Map, target: Map, key: Any) -> None:
    theirs = source.src.get(key)
    if theirs is None:
        return
    ours = target.src.get(key)
    if ours is None:  # a value node is reused only while the value equals theirs[1]
        target.src[key] = theirs
        return
    key_node = _filled(ours[0], theirs[0]) or ours[0]
    value_node = ours[2]
    if value_node is not None and theirs[2] is not None:
        value_node = _filled(value_node, theirs[2]) or value_node
    if key_node is not ours[0] or value_node is not ours[2]:
        target.src[key] = (key_node, ours[1], value_node)


def _copy_item(source: Seq, target: Seq, index: int) -> None:
    theirs = source.src[index] if index < len(source.src) else None
    if theirs is None:
        return
    while len(target.src) < len(target):
        target.src.append(None)
    ours = target.src[index]
    if ours is None:
        target.src[index] = theirs
        return
    node = _filled(ours[1], theirs[1])
    if node is not None:
        target.src[index] = (ours[0], node)


def _filled(ours: Node | None, theirs: Node) -> Node | None:
    """``ours`` with the comment slots it leaves empty taken from ``theirs`` (a new node),
    or None when there is nothing to copy."""
    wanted = [s for s in _SLOTS if _has_comment(getattr(theirs, s))]
    if ours is not None:
        wanted = [s for s in wanted if not getattr(ours, s)]
    if not wanted:
        return None
    base = ours if ours is not None else theirs
    node = Node(base.kind, tag=base.tag, value=base.value, style=base.style, content=base.content)
    node.head, node.line, node.foot = base.head, base.line, base.foot
    for slot in wanted:
        setattr(node, slot, getattr(theirs, slot))
    return node


def _has_comment(text: str) -> bool:
    """Blank lines are not comments to kyaml; only real ``#`` text is worth restoring."""
    return "#" in text


__all__ = ["heal", "sync_order"]
