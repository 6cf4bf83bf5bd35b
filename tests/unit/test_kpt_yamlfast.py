"""The render's fast paths give exactly what the plain paths give.

Reading builds Map/Seq values straight from parser events (``yamlviewparse``) instead of
through a node tree, writing prints them without rebuilding nodes (``yamlviewemit``),
``fnrun`` copies each resource once, and the cycle collector is paused around the heavy
synchronous steps. Each is checked against the path it replaces, on the conformance
vectors and on hand-written corner cases.
"""

from __future__ import annotations

import gc
import random
from typing import Any

import pytest

from porch.errors import Invalid
from porch.kpt import bookkeeping, fnrun, gcpause, images
from porch.kpt.evaluators import BuiltinEvaluator
from porch.krm import yamlemit, yamlio, yamlparse, yamlview, yamlviewemit, yamlviewparse
from porch.krm.resourcelist import ResourceList
from porch.krm.yamlview import Map
from tests.vectors import ROOT

_FILES = sorted(
    p
    for p in ROOT.rglob("*")
    if p.is_file() and (p.suffix in (".yaml", ".yml") or p.name == "Kptfile")
)

# Comment placements go-yaml treats specially, each beside ordinary content.
CORNERS = [
    "# head\n\n# first key\na: 1 # line\n# foot of a\n\nb:\n  c: 2\n  # foot of c\n",
    "items:\n- a: 1\n  b: 2\n  # closes the item\n- c: 3 # on c\n# last\n",
    "list:\n  # head of first\n  - x\n  - y # on y\n\n  # before z\n  - z\n",
    "flow: {a: 1, b: [x, y]} # after flow\nseq: [1, 2] # after seq\n",
    "text: |\n  # not a comment\n  body\nafter: 1 # real\n",
    "nested:\n  - - a # inner\n    - b\n  - c\n# trailing\n",
    "key: # on the key\n  inner: v\n",
    "- a: 1 # on a\n  b:\n  - x\n# end\n",
    "quoted: 'x # y' # real\nplain: a#b\n",
    "empty: {} # e\nnone: # n\n",
    "tagged: !!str 1 # t\ncustom: !thing v\n",
    "multi: >\n  folded\n  text\n# after folded\nz: 1\n",
    "a:\n  b:\n    c: 1\n    # foot deep\n  # foot mid\n# foot top\n",
]


def _through_nodes(text: str) -> Any:
    """What the node path makes of ``text`` (the reference)."""
    parsed = yamlparse.parse(text)
    if parsed is None:
        return yamlview.NOTHING
    value = yamlview.from_node(parsed.root)
    if isinstance(value, Map):
        value.doc_head = parsed.head
    return value


def _printed(value: Any) -> str:
    """Through the node emitter: it prints every comment slot the values carry."""
    return yamlemit.emit(yamlio.document_node(value))


def _documents() -> list[str]:
    parts = list(CORNERS)
    for path in _FILES:
        try:
            parts.extend(part for part, _ in yamlio.split_documents(path.read_text()))
        except Exception:  # files the reader rejects are not this test's concern
            continue
    return [part for part in parts if "#" in part]


def test_there_are_commented_documents_to_compare() -> None:
    assert len(_documents()) > 200


def test_values_built_from_events_match_the_node_tree() -> None:
    differ = []
    for text in _documents():
        try:
            expected = _through_nodes(text)
        except Exception:
            continue
        try:
            value, head = yamlviewparse.parse(text)
        except yamlview.Unusual:
            continue  # left to the node tree, which is the reference
        if isinstance(value, Map):
            value.doc_head = head
        if not isinstance(expected, dict | list):
            if value != expected:
                differ.append(text)
        elif _printed(value) != _printed(expected) or repr(value) != repr(expected):
            differ.append(text)
    assert differ == []


@pytest.mark.parametrize("text", ["a: &x 1\nb: *x # c\n", "? [a, b]\n: v # c\n"])
def test_anchors_and_complex_keys_are_left_to_the_node_tree(text: str) -> None:
    with pytest.raises(yamlview.Unusual):
        yamlviewparse.parse(text)
    assert yamlio.dump(yamlio.load(text)) == _printed(_through_nodes(text))


def test_bad_yaml_is_reported_like_the_plain_path() -> None:
    for text in ("a: 1 # c\nb: [\n", "a: 1\nb: [\n"):  # fast path, plain path
        with pytest.raises(Invalid, match=r"^x.yaml:3: invalid YAML: did not find"):
            yamlio.load(text, source="x.yaml")


def _mutate(value: Any, rnd: random.Random) -> None:
    """Edits of every kind a function makes: new and changed scalars, new collections of
    every shape, removed and appended entries."""
    if isinstance(value, dict):
        for key in list(value):
            roll = rnd.random()
            if roll < 0.05:
                value[key] = "changed"
            elif roll < 0.08:
                value[key] = 7
            elif roll < 0.1:
                value[key] = {"a": [1, "x"], "b": {}}
            elif roll < 0.12:
                value[key] = (1, "yes")
            elif roll < 0.13:
                value[key] = []
            elif roll < 0.14:
                del value[key]
            else:
                _mutate(value[key], rnd)
        if rnd.random() < 0.1:
            value["new"] = "line\nbreak"
    elif isinstance(value, list):
        for index in range(len(value)):
            roll = rnd.random()
            if roll < 0.05:
                value[index] = "c"
            elif roll < 0.07:
                value[index] = {"z": 1}
            else:
                _mutate(value[index], rnd)
        if rnd.random() < 0.1:
            value.append("tail")


def test_view_emitter_prints_what_the_node_emitter_prints() -> None:
    rnd = random.Random(7)
    differ = []
    for text in _documents():
        try:
            docs = yamlio.load_all(text)
        except Exception:
            continue
        for doc in docs:
            for edited in (False, True):
                value = yamlview.copy(doc)
                if edited:
                    _mutate(value, rnd)
                for indent in (yamlemit.COMPACT, yamlemit.WIDE):
                    head = getattr(value, "doc_head", "")
                    node = yamlemit.emit(yamlio.document_node(value), seq_indent=indent)
                    view = yamlviewemit.emit(value, head=head, seq_indent=indent)
                    if node != view:
                        differ.append((text, edited, indent))
    assert differ == []


def test_scalars_from_the_cache_equal_fresh_ones() -> None:
    import yaml

    text = "a: 1\nb: '1'\nc: 0x1F\nd: 1.50\ne: ~\nf: yes\ng: !!str 2\nh: |\n  x\n"
    for _ in range(2):  # the second pass is served from the cache
        loader = yaml.CSafeLoader(text)
        try:
            for event in iter(loader.get_event, None):
                if isinstance(event, yaml.ScalarEvent):
                    node, value = yamlview.event_scalar(event)
                    fresh = yamlparse.scalar_node(event)
                    assert (node.tag, node.value, node.style) == (
                        fresh.tag,
                        fresh.value,
                        fresh.style,
                    )
                    expected = yamlview.scalar_value(fresh)
                    assert (type(value), value) == (type(expected), expected)
        finally:
            loader.dispose()


def _resource(name: str) -> Map:
    item = yamlio.load(
        f"# {name}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n"
        "  labels:\n    a: b # why\ndata:\n  z: 1 # last\n  y: 2\n"
    )
    bookkeeping.add_reader_annotations(item, path=f"{name}.yaml", index=0, seqindent="compact")
    return item


async def test_one_copy_per_call_leaves_the_callers_items_untouched() -> None:
    """The function may wreck what it is given: the caller's items stay as they were,
    and the output is healed from them (comments back, key order back)."""

    def vandal(rl: ResourceList) -> ResourceList:
        for item in rl.items:  # new mappings: no source nodes, so no comments
            item["metadata"]["labels"] = yamlio.to_node({"a": "b", "new": "x"})
            data = item["data"]
            item["data"] = yamlio.to_node({"y": data["y"], "z": data["z"]})  # reordered
            item["metadata"]["annotations"]["mine"] = "1"
        return rl

    items = [_resource("one"), _resource("two")]
    before = [yamlio.dump(i) for i in items]
    output, _ = await fnrun.run(
        evaluator=BuiltinEvaluator(lambda i: vandal if images.base_name(i) == "f" else None),
        image="f",
        exec_args=None,
        items=items,
        function_config=None,
    )
    assert [yamlio.dump(i) for i in items] == before
    written = yamlio.dump(output[0])
    assert "a: b # why" in written
    assert written.index("z: 1 # last") < written.index("y: 2")
    assert 'mine: "1"' in written
    assert "mine" not in before[0]


def test_gc_pause_nests_and_restores_the_collector() -> None:
    assert gc.isenabled()
    with gcpause.paused():
        assert not gc.isenabled()
        with gcpause.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer pause is still running
    assert gc.isenabled()
    gc.disable()
    try:
        with gcpause.paused():
            pass
        assert not gc.isenabled()  # never enabled by a pause that found it off
    finally:
        gc.enable()
