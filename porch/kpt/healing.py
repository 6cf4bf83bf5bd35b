"""Undoing what a function did to formatting: comments it dropped, keys it reordered.

Why it exists: kpt pairs every function output resource with its input (by a temporary
id annotation) and then (1) copies comments from the input into comment slots the output
left empty, so a function can replace a comment but never silently drop one, and (2)
reorders every mapping of the output to the input's key order, new keys last, so a
function that re-serialises with sorted keys does not reshuffle files. This module does
both on ruamel nodes (plus the spelling of nulls, which ruamel keeps outside the node).

Pure; no I/O. It must not touch values, only comments, key order and null spelling.
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from porch.krm import yamlio


def heal(source: Any, target: Any) -> None:
    """Copy comments then key order from ``source`` (function input) onto ``target``."""
    copy_comments(source, target)
    sync_order(source, target)


def copy_comments(source: Any, target: Any) -> None:
    if isinstance(source, CommentedMap) and isinstance(target, CommentedMap):
        _copy_container_comment(source, target)
        _copy_null_texts(source, target)
        for key, value in source.items():
            if key not in target:
                continue
            _copy_slot(source, target, key, key)
            copy_comments(value, target[key])
    elif isinstance(source, CommentedSeq) and isinstance(target, CommentedSeq):
        _copy_container_comment(source, target)
        for index, (value, other) in enumerate(zip(source, target, strict=False)):
            same_kind = isinstance(value, dict | list) and isinstance(other, dict | list)
            if same_kind or value == other:
                _copy_slot(source, target, index, index)
                copy_comments(value, other)


def _copy_container_comment(source: Any, target: Any) -> None:
    theirs = getattr(source.ca, "comment", None)
    if not theirs:
        return
    ours = target.ca.comment
    if not ours:
        target.ca.comment = list(theirs)
        return
    for i, slot in enumerate(theirs):
        if i < len(ours) and not ours[i] and slot:
            ours[i] = slot


def _copy_slot(source: Any, target: Any, key: Any, target_key: Any) -> None:
    theirs = [slot if _has_comment(slot) else None for slot in source.ca.items.get(key) or []]
    if not any(theirs):
        return
    ours = target.ca.items.get(target_key)
    if ours is None:
        target.ca.items[target_key] = theirs
        return
    for i, slot in enumerate(theirs):
        if i < len(ours) and not ours[i] and slot:
            ours[i] = slot


def _has_comment(slot: Any) -> bool:
    """Blank lines are not comments to kyaml; only real ``#`` text is worth restoring."""
    if slot is None:
        return False
    if isinstance(slot, list):
        return any(_has_comment(s) for s in slot)
    return "#" in str(getattr(slot, "value", ""))


def _copy_null_texts(source: CommentedMap, target: CommentedMap) -> None:
    known = yamlio.null_texts(target)
    for key, text in yamlio.null_texts(source).items():
        if key in target and target[key] is None and key not in known:
            yamlio.set_null_text(target, key, text)


def sync_order(source: Any, target: Any) -> None:
    """Reorder ``target``'s mappings to ``source``'s key order; new keys keep theirs, last."""
    if isinstance(source, dict) and isinstance(target, CommentedMap):
        order = [k for k in source if k in target]
        extra = [k for k in target if k not in source]
        if list(target) != order + extra:
            for key in order + extra:
                target.move_to_end(key)
        for key in order:
            sync_order(source[key], target[key])
    elif isinstance(source, list) and isinstance(target, list):
        for value, other in zip(source, target, strict=False):
            sync_order(value, other)


__all__ = ["copy_comments", "heal", "sync_order"]
