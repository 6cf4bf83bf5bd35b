"""Render: package order, pipelines, selectors, bookkeeping, all-or-nothing writes, status.

Functions are small native Python functions injected through the builtin evaluator's
lookup (the same path the CLI uses for ``porch.functions``), so these tests do not depend
on the catalog ports.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
import yaml

from porch.errors import Invalid
from porch.kpt import bookkeeping, console, images, kptfile, render
from porch.kpt.evaluators import BuiltinEvaluator
from porch.krm import yamlio
from porch.krm.resourcelist import ResourceList
from porch.krm.yamlview import Map

CALLS: list[tuple[str, list[str]]] = []


def _who(rl: ResourceList) -> str:
    config = rl.function_config
    return str(config["data"]["who"]) if config is not None else ""


def recorder(rl: ResourceList) -> ResourceList:
    CALLS.append((_who(rl), [str(i["metadata"]["name"]) for i in rl.items]))
    return ResourceList(items=rl.items)


def labeller(rl: ResourceList) -> ResourceList:
    for item in rl.items:
        item["metadata"].setdefault("labels", Map())["team"] = _who(rl) or "x"
    return ResourceList(items=rl.items, results=[{"message": "labelled", "severity": "info"}])


def refuser(rl: ResourceList) -> ResourceList:
    raise Invalid("refused")


def generator(rl: ResourceList) -> ResourceList:
    new = yamlio.load("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: gen\n  namespace: ns\n")
    return ResourceList(items=[*rl.items, new])


def sorter(rl: ResourceList) -> ResourceList:
    """Re-serialises like a careless function: keys sorted, comments gone."""
    items = [yamlio.to_node(_sorted(yamlio.to_plain(i))) for i in rl.items]
    return ResourceList(items=items)


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _sorted(value[k]) for k in sorted(value)}
    return value


def escaper(rl: ResourceList) -> ResourceList:
    bookkeeping.set_path(rl.items[-1], "../outside.yaml")
    return rl


def duplicator(rl: ResourceList) -> ResourceList:
    return ResourceList(items=[*rl.items, yamlio.copy_node(rl.items[-1])])


FUNCTIONS = {
    f.__name__: f for f in (recorder, labeller, refuser, generator, sorter, escaper, duplicator)
}


def _evaluator() -> BuiltinEvaluator:
    return BuiltinEvaluator(lambda image: FUNCTIONS.get(images.base_name(image)))


def _kptfile(name: str, mutators: list[dict[str, Any]], **extra: Any) -> str:
    doc: dict[str, Any] = {
        "apiVersion": "kpt.dev/v1",
        "kind": "Kptfile",
        "metadata": {"name": name},
    }
    doc["metadata"].update(extra)
    if mutators or extra.get("validators"):
        doc["pipeline"] = {"mutators": mutators}
    return yaml.safe_dump(doc, sort_keys=False)


def _cm(name: str, comment: str = "") -> str:
    return (
        f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n"
        f"  name: {name}{comment}\ndata:\n  z: 1\n  a: 2\n"
    )


def _fn(image: str, who: str = "", **extra: Any) -> dict[str, Any]:
    fn: dict[str, Any] = {"image": image}
    if who:
        fn["configMap"] = {"who": who}
    fn.update(extra)
    return fn


def _tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def _snapshot(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


async def _render(root: Path, **options: Any) -> tuple[render.Outcome, str]:
    out = io.StringIO()
    outcome = await render.render(
        root,
        evaluator=_evaluator(),
        options=render.Options(**options),
        console=console.Console(out),
    )
    return outcome, out.getvalue()


@pytest.fixture(autouse=True)
def _clear_calls() -> None:
    CALLS.clear()


async def test_depth_first_subpackages_alphabetically_then_parent(tmp_path: Path) -> None:
    root = _tree(
        tmp_path / "root",
        {
            "Kptfile": _kptfile("root", [_fn("recorder", "root")]),
            "r.yaml": _cm("r"),
            "b/Kptfile": _kptfile("b", [_fn("recorder", "b")]),
            "b/b.yaml": _cm("b"),
            "a/Kptfile": _kptfile("a", [_fn("recorder", "a")]),
            "a/a.yaml": _cm("a"),
        },
    )
    outcome, printed = await _render(root)
    assert CALLS == [
        ("a", ["a", "a"]),
        ("b", ["b", "b"]),
        ("root", ["root", "r", "a", "a", "b", "b"]),
    ]
    assert (outcome.executed, outcome.packages) == (3, 3)
    assert (
        'Package "root/a":\n[RUNNING] "ghcr.io/kptdev/krm-functions-catalog/recorder:latest"'
        in printed
    )
    assert printed.endswith("Successfully executed 3 function(s) in 3 package(s).\n")


async def test_bfs_rendering_runs_parents_first_over_descendants(tmp_path: Path) -> None:
    annotations = {"annotations": {kptfile.BFS_RENDERING: "true"}}
    root = _tree(
        tmp_path / "root",
        {
            "Kptfile": _kptfile("root", [_fn("recorder", "root")], **annotations),
            "b/Kptfile": _kptfile("b", [_fn("recorder", "b")]),
            "a/Kptfile": _kptfile("a", [_fn("recorder", "a")]),
            "a/deep/Kptfile": _kptfile("deep", [_fn("recorder", "deep")]),
        },
    )
    await _render(root)
    assert [who for who, _ in CALLS] == ["root", "a", "b", "deep"]
    assert CALLS[0][1] == ["root", "a", "deep", "b"]


async def test_success_writes_changes_and_the_rendered_status(tmp_path: Path) -> None:
    root = _tree(
        tmp_path / "p", {"Kptfile": _kptfile("p", [_fn("labeller", "blue")]), "c.yaml": _cm("c")}
    )
    outcome, _ = await _render(root, results_dir=tmp_path / "results")
    assert "labels:\n    team: blue\n" in (root / "c.yaml").read_text()
    status = kptfile.parse((root / "Kptfile").read_text(), source="Kptfile").status
    assert status is not None
    assert status.conditions[0].reason == kptfile.RENDER_SUCCESS
    assert status.render_status is not None
    assert status.render_status.mutation_steps[0].results == (
        {"message": "labelled", "severity": "info"},
    )
    results = yaml.safe_load((tmp_path / "results/results.yaml").read_text())
    image = "ghcr.io/kptdev/krm-functions-catalog/labeller:latest"
    assert results["exitCode"] == 0
    assert results["items"][0]["image"] == image
    assert outcome.records[0].results[0]["message"] == "labelled"


async def test_failure_changes_no_resource_but_records_why(tmp_path: Path) -> None:
    files = {
        "Kptfile": _kptfile("p", [_fn("labeller", "blue"), _fn("refuser")]),
        "c.yaml": _cm("c"),
    }
    root = _tree(tmp_path / "p", files)
    with pytest.raises(render.RenderFailed) as failed:
        await _render(root)
    assert (root / "c.yaml").read_text() == files["c.yaml"]
    kf = kptfile.parse((root / "Kptfile").read_text(), source="Kptfile")
    assert kf.status is not None
    assert kf.status.conditions[0].status == "False"
    assert (
        kf.status.conditions[0].message
        == "pkg.render: pkg .:\n\tpipeline.run: already handled error"
    )
    assert kf.status.render_status is not None
    summary = "ghcr.io/kptdev/krm-functions-catalog/refuser:latest: exit code 1"
    assert kf.status.render_status.error_summary == summary
    assert failed.value.cli == ""


async def test_save_on_render_failure_keeps_the_steps_that_ran(tmp_path: Path) -> None:
    annotations = {"annotations": {kptfile.SAVE_ON_RENDER_FAILURE: "true"}}
    steps = [_fn("labeller", "blue"), _fn("refuser")]
    root = _tree(
        tmp_path / "p", {"Kptfile": _kptfile("p", steps, **annotations), "c.yaml": _cm("c")}
    )
    with pytest.raises(render.RenderFailed):
        await _render(root)
    assert "team: blue" in (root / "c.yaml").read_text()


async def test_validators_see_a_copy(tmp_path: Path) -> None:
    kf = yaml.safe_load(_kptfile("p", [_fn("recorder", "m")]))
    kf["pipeline"]["validators"] = [_fn("labeller", "v")]
    root = _tree(tmp_path / "p", {"Kptfile": yaml.safe_dump(kf), "c.yaml": _cm("c")})
    await _render(root)
    assert "labels" not in (root / "c.yaml").read_text()


async def test_selectors_and_exclusions_narrow_a_step(tmp_path: Path) -> None:
    step = _fn("labeller", "sel", selectors=[{"kind": "ConfigMap"}], exclude=[{"name": "skip"}])
    root = _tree(
        tmp_path / "p",
        {"Kptfile": _kptfile("p", [step]), "c.yaml": _cm("c") + "---\n" + _cm("skip")},
    )
    _, printed = await _render(root)
    text = (root / "c.yaml").read_text()
    assert text.count("team: sel") == 1
    assert "name: skip\ndata" in text
    assert 'labeller:latest" on 1 resource(s) on package "p"' in printed
    assert "kpt-resource-id" not in text


async def test_generated_resources_get_a_default_path(tmp_path: Path) -> None:
    root = _tree(tmp_path / "p", {"Kptfile": _kptfile("p", [_fn("generator")])})
    await _render(root)
    assert (
        (root / "ns/configmap_gen.yaml").read_text().startswith("apiVersion: v1\nkind: ConfigMap\n")
    )


async def test_comments_and_key_order_survive_a_careless_function(tmp_path: Path) -> None:
    original = "# head\n" + _cm("c", comment=" # keep me")
    root = _tree(tmp_path / "p", {"Kptfile": _kptfile("p", [_fn("sorter")]), "c.yaml": original})
    await _render(root)
    assert (root / "c.yaml").read_text() == original


async def test_config_path_reads_the_in_memory_resource(tmp_path: Path) -> None:
    config = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  who: file\n"
    steps = [_fn("labeller", "", configPath="cfg.yaml"), _fn("recorder", "", configPath="cfg.yaml")]
    root = _tree(tmp_path / "p", {"Kptfile": _kptfile("p", steps), "cfg.yaml": config})
    await _render(root)
    assert "team: file" in (root / "cfg.yaml").read_text()


@pytest.mark.parametrize(
    ("function", "message"),
    [
        ("escaper", "function must not modify resources outside of package"),
        ("duplicator", 'resource at path "c.yaml" and index "0" already exists'),
    ],
)
async def test_path_invariants_stop_the_render(tmp_path: Path, function: str, message: str) -> None:
    files = {"Kptfile": _kptfile("p", [_fn(function)]), "c.yaml": _cm("c")}
    root = _tree(tmp_path / "p", files)
    with pytest.raises(render.RenderFailed) as failed:
        await _render(root)
    assert message in failed.value.cli
    assert (root / "c.yaml").read_text() == files["c.yaml"]
    status = kptfile.parse((root / "Kptfile").read_text(), source="Kptfile").status
    assert status is not None
    assert status.render_status is not None
    assert message in status.render_status.mutation_steps[0].execution_error


async def test_out_of_place_leaves_the_package_alone(tmp_path: Path) -> None:
    files = {"Kptfile": _kptfile("p", [_fn("labeller", "o")]), "c.yaml": _cm("c")}
    root = _tree(tmp_path / "p", files)
    outcome, _ = await _render(root, in_place=False)
    assert _snapshot(root) == files
    item = next(i for i in outcome.items if i["kind"] == "ConfigMap")
    assert item["metadata"]["labels"]["team"] == "o"
    assert bookkeeping.path_of(item) == "c.yaml"
    assert not bookkeeping.get(item, bookkeeping.PACKAGE_PATH)


async def test_exec_functions_need_permission(tmp_path: Path) -> None:
    root = _tree(tmp_path / "p", {"Kptfile": _kptfile("p", [{"exec": "cat"}]), "c.yaml": _cm("c")})
    with pytest.raises(render.RenderFailed, match="--allow-exec"):
        await _render(root)


async def test_invalid_subpackage_kptfile_is_reported_with_its_path(tmp_path: Path) -> None:
    root = _tree(
        tmp_path / "p",
        {
            "Kptfile": _kptfile("p", []),
            "db/Kptfile": "apiVersion: kpt.dev/v1\nkind: Kptfile\nbogus: 1\n",
        },
    )
    with pytest.raises(render.RenderFailed) as failed:
        await _render(root)
    assert failed.value.status_message.startswith(
        'pkg.render: pkg .:\n\tpkg.Subpackages: pkg ./db: error reading Kptfile at "./db"'
    )
