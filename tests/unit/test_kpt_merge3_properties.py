"""Properties of the 3-way merge, over generated ConfigMap-like resources.

Edits change, add or remove scalar fields and replace a list (deleting whole maps is left
out: kpt brings a locally deleted map back as ``{}``, by design).
"""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from porch.kpt import merge3
from porch.krm import yamlparse
from porch.krm.yamlnode import MAP, SEQ, Node

KEYS = st.sampled_from(["a", "b", "c", "d", "e"])
VALUES = st.sampled_from(["x", "y", "z", "1", "on"])
FLAT = st.dictionaries(KEYS, VALUES, max_size=5)


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "cm"},
        "data": draw(FLAT),
        "spec": {"m": draw(FLAT), "l": draw(st.lists(VALUES, max_size=4))},
    }


@st.composite
def edited(draw: st.DrawFn, base: dict[str, Any]) -> dict[str, Any]:
    """``base`` with some scalar fields changed, added or removed, maybe a new list."""
    doc = yaml.safe_load(yaml.safe_dump(base))
    for section in (doc["data"], doc["spec"]["m"]):
        for key in draw(st.lists(KEYS, max_size=3)):
            if draw(st.booleans()) and key in section:
                del section[key]
            else:
                section[key] = draw(VALUES)
    if draw(st.booleans()):
        doc["spec"]["l"] = draw(st.lists(VALUES, max_size=4))
    return doc


def node(doc: dict[str, Any]) -> Node:
    parsed = yamlparse.parse(yaml.safe_dump(doc, sort_keys=False))
    assert parsed is not None
    return parsed.root


def plain(n: Node | None) -> Any:
    if n is None:
        return None
    if n.kind == MAP:
        return {k.value: plain(v) for k, v in n.pairs()}
    if n.kind == SEQ:
        return [plain(i) for i in n.content]
    return n.value


def merge(origin: dict[str, Any], updated: dict[str, Any], dest: dict[str, Any]) -> Any:
    return plain(merge3.merge_node(node(dest), node(origin), node(updated)))


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_no_upstream_change_keeps_the_local_copy(data: st.DataObject) -> None:
    origin = data.draw(documents())
    local = data.draw(edited(origin))
    assert merge(origin, origin, local) == plain(node(local))


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_no_local_change_takes_upstream(data: st.DataObject) -> None:
    origin = data.draw(documents())
    updated = data.draw(edited(origin))
    assert merge(origin, updated, origin) == plain(node(updated))


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_merging_again_changes_nothing(data: st.DataObject) -> None:
    origin = data.draw(documents())
    updated = data.draw(edited(origin))
    local = data.draw(edited(origin))
    once = merge3.merge_node(node(local), node(origin), node(updated))
    assert once is not None
    again = merge3.merge_node(once.copy(), node(origin), node(updated))
    assert plain(again) == plain(once)


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_upstream_edits_win_and_untouched_local_edits_survive(data: st.DataObject) -> None:
    origin = data.draw(documents())
    updated = data.draw(edited(origin))
    local = data.draw(edited(origin))
    result = merge(origin, updated, local)
    for key in set(origin["data"]) | set(updated["data"]) | set(local["data"]):
        if updated["data"].get(key) != origin["data"].get(key):
            assert result["data"].get(key) == updated["data"].get(key)
        else:
            assert result["data"].get(key) == local["data"].get(key)


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_text_merge_is_idempotent(data: st.DataObject) -> None:
    origin = yaml.safe_dump(data.draw(documents()), sort_keys=False)
    updated = yaml.safe_dump(data.draw(edited(yaml.safe_load(origin))), sort_keys=False)
    local = yaml.safe_dump(data.draw(edited(yaml.safe_load(origin))), sort_keys=False)
    once = merge3.merge_texts(origin, updated, local)
    assert merge3.merge_texts(origin, updated, once) == once
