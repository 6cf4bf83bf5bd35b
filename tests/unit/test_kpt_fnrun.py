"""One function call's bookkeeping, and the small pure pieces render and eval share."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from porch.kpt import (
    bookkeeping,
    console,
    errchain,
    fnconfig,
    fnresults,
    fnrun,
    healing,
    images,
    selectors,
)
from porch.kpt import eval as kpt_eval
from porch.kpt.evaluators import BuiltinEvaluator
from porch.kpt.kptfile import Selector
from porch.krm import yamlio
from porch.krm.resourcelist import ResourceList


def _item(name: str, kind: str = "ConfigMap", path: str = "a.yaml", index: int = 0) -> Any:
    item = yamlio.load(f"apiVersion: v1\nkind: {kind}\nmetadata:\n  name: {name}\n")
    bookkeeping.add_reader_annotations(item, path=path, index=index, seqindent="compact")
    return item


def _evaluator(function: Any) -> BuiltinEvaluator:
    return BuiltinEvaluator(lambda image: function if images.base_name(image) == "f" else None)


async def test_function_sees_ids_and_output_loses_them() -> None:
    seen: list[dict[str, str]] = []

    def spy(rl: ResourceList) -> ResourceList:
        seen.extend(bookkeeping.annotations_of(i) for i in rl.items)
        return rl

    output, record = await fnrun.run(
        evaluator=_evaluator(spy),
        image="f",
        exec_args=None,
        items=[_item("a")],
        function_config=None,
    )
    assert seen[0][bookkeeping.ID] == "1"
    assert seen[0][bookkeeping.LEGACY_ID] == "1"
    assert seen[0][bookkeeping.MIGRATION_ID] == "0"
    notes = bookkeeping.annotations_of(output[0])
    assert bookkeeping.ID not in notes
    assert bookkeeping.MIGRATION_ID not in notes
    assert record.image == "f"
    assert record.exit_code == 0


@pytest.mark.parametrize("key", [bookkeeping.PATH, bookkeeping.LEGACY_PATH])
async def test_a_path_changed_in_one_spelling_moves_both(key: str) -> None:
    def mover(rl: ResourceList) -> ResourceList:
        bookkeeping.set_value(rl.items[0], key, "moved.yaml")
        return rl

    output, _ = await fnrun.run(
        evaluator=_evaluator(mover),
        image="f",
        exec_args=None,
        items=[_item("a")],
        function_config=None,
    )
    notes = bookkeeping.annotations_of(output[0])
    assert notes[bookkeeping.PATH] == notes[bookkeeping.LEGACY_PATH] == "moved.yaml"


async def test_mismatched_spellings_are_refused() -> None:
    item = _item("a")
    bookkeeping.set_value(item, bookkeeping.LEGACY_PATH, "other.yaml")
    with pytest.raises(fnrun.InvariantError, match="mismatched legacy and internal path"):
        await fnrun.run(
            evaluator=_evaluator(lambda rl: rl),
            image="f",
            exec_args=None,
            items=[item],
            function_config=None,
        )


async def test_generated_items_get_a_path_and_the_package() -> None:
    def generate(rl: ResourceList) -> ResourceList:
        new = yamlio.load("apiVersion: v1\nkind: Service\nmetadata: {name: svc, namespace: ns}\n")
        return ResourceList(items=[*rl.items, new])

    output, _ = await fnrun.run(
        evaluator=_evaluator(generate),
        image="f",
        exec_args=None,
        items=[_item("a")],
        function_config=None,
        package_path="/pkg",
    )
    assert bookkeeping.path_of(output[1]) == "ns/service_svc.yaml"
    assert bookkeeping.get(output[1], bookkeeping.PACKAGE_PATH) == "/pkg"


def test_krm_rules() -> None:
    assert fnrun.krm_problem({"kind": "X"}) == "resource must have `apiVersion`"
    assert (
        fnrun.krm_problem({"apiVersion": "v1", "metadata": {"name": "a"}})
        == "resource must have `kind`"
    )
    assert (
        fnrun.krm_problem({"apiVersion": "v1", "kind": "X"}) == "resource must have `metadata.name`"
    )
    assert fnrun.krm_problem({"resources": ["a.yaml"], "kind": "Kustomization"}) == ""


def test_selection_and_merge_back() -> None:
    items = [_item("a"), _item("b", kind="Secret"), _item("c")]
    selectors.stamp(items)
    chosen = selectors.select(
        items, selectors=[Selector(kind="ConfigMap")], exclusions=[Selector(name="c"), Selector()]
    )
    assert [i["metadata"]["name"] for i in chosen] == ["a"]
    new = _item("new")
    merged = selectors.merge_back([new], chosen, items)
    assert [i["metadata"]["name"] for i in merged] == ["b", "c", "new"]
    labelled = _item("l")
    labelled["metadata"]["labels"] = {"x": "y"}
    assert selectors.matches(labelled, Selector(labels={"x": "y"}))
    assert not selectors.matches(labelled, Selector(labels={"x": "z"}))


def test_healing_restores_comments_order_and_nulls() -> None:
    source = yamlio.load("b: 1 # keep\na:\n  q: ~ # why\n  p: 2\n")
    target = yamlio.to_node({"a": {"p": 3, "q": None}, "b": 1, "c": "new"})
    healing.heal(source, target)
    assert yamlio.dump(target) == "b: 1 # keep\na:\n  q: ~ # why\n  p: 3\nc: new\n"


def test_error_chains_are_worded_like_kpt() -> None:
    inner = errchain.wrap("pipeline.run", "/p/db", "already handled error")
    chain = errchain.wrap("pkg.render", "/p", errchain.wrap("pkg.render", "/p/db", inner))
    assert (
        chain.text() == "pkg.render: pkg /p:\n\tpkg /p/db:\n\tpipeline.run: already handled error"
    )
    assert chain.innermost() == "already handled error"
    assert errchain.wrap("pkg.render", "/p", "boom").text() == "pkg.render: pkg /p: boom"


@pytest.mark.parametrize(
    ("seconds", "text"), [(0, "0s"), (0.0125, "12ms"), (1.2345, "1.234s"), (75.5, "1m15.5s")]
)
def test_durations_look_like_go(seconds: float, text: str) -> None:
    assert console.duration(seconds) == text


def test_result_lines() -> None:
    result = {
        "message": "m",
        "resourceRef": {"apiVersion": "v1", "kind": "A", "name": "n"},
        "field": {"path": "spec"},
    }
    assert console.result_line(result) == "[info] v1/A/n spec: m"
    assert console.result_line({"message": "m", "severity": "error"}) == "[error]: m"


@pytest.mark.parametrize(
    ("image", "tag", "resolved"),
    [
        ("set-labels", "", "ghcr.io/kptdev/krm-functions-catalog/set-labels:latest"),
        ("gcr.io/kpt-fn/x:v1", "", "gcr.io/kpt-fn/x:v1"),
        ("ghcr.io/a/b", "v2", "ghcr.io/a/b:v2"),
        ("ghcr.io/a/b@sha256:abc", "", "ghcr.io/a/b@sha256:abc"),
    ],
)
def test_image_names(image: str, tag: str, resolved: str) -> None:
    assert images.resolve(image, tag=tag) == resolved


def test_results_are_normalised_like_kpt() -> None:
    legacy = {
        "severity": "warning",
        "message": "m",
        "resourceRef": {"kind": "A", "metadata": {"name": "n", "namespace": "''"}},
        "field": {"path": " a.b ", "suggestedValue": 3},
        "file": {"path": "x.yaml", "index": 0},
        "tags": {"b": 1, "a": "x"},
    }
    assert fnresults.normalize(legacy) == {
        "message": "m",
        "severity": "warning",
        "resourceRef": {"kind": "A", "name": "n"},
        "field": {"path": "a.b", "proposedValue": "3"},
        "file": {"path": "x.yaml"},
        "tags": {"a": "x", "b": "1"},
    }


def test_function_configs() -> None:
    config = fnconfig.from_arguments(["SetThing", "a=1", "b=x=y"])
    assert yamlio.to_plain(config) == {
        "metadata": {"name": "function-input"},
        "data": {"a": "1", "b": "x=y"},
        "kind": "SetThing",
        "apiVersion": "v1",
    }
    assert yamlio.dump(fnconfig.from_config_map({"b": "true", "a": "1"})).endswith(
        'data: {a: "1", b: "true"}\n'
    )


async def test_eval_sets_aside_a_config_file_inside_the_tree(tmp_path: Path) -> None:
    (tmp_path / "fn.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  who: me\n"
    )
    (tmp_path / "c.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n")
    seen: list[str] = []

    def spy(rl: ResourceList) -> ResourceList:
        seen.extend(str(i["metadata"]["name"]) for i in rl.items)
        assert rl.function_config is not None
        assert rl.function_config["data"]["who"] == "me"
        return ResourceList(items=[])

    options = kpt_eval.Options(image="f", fn_config=tmp_path / "fn.yaml")
    out = await kpt_eval.eval_directory(
        tmp_path, evaluator=_evaluator(spy), options=options, console=console.Console()
    )
    assert seen == ["c"]
    assert not (tmp_path / "c.yaml").exists()
    assert (tmp_path / "fn.yaml").is_file()
    assert [i["metadata"]["name"] for i in out.items] == ["cfg"]
