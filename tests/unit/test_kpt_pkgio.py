"""Reading packages into annotated resources and writing them back, all or nothing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from porch.errors import Invalid
from porch.kpt import bookkeeping, krmignore, pkgio, reading, writing
from porch.krm import yamlio
from porch.krm.resourcelist import ResourceList

DEPLOY = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n"
SERVICE = "apiVersion: v1\nkind: Service\nmetadata:\n  name: y\nspec:\n  ports:\n    - port: 80\n"
CM = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  a: b\n"


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.parts
    }


@pytest.fixture
def package(tmp_path: Path) -> Path:
    root = tmp_path / "pkg"
    _write(
        root,
        {
            "Kptfile": "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: pkg\n",
            "b.yaml": DEPLOY + "---\n" + CM.format(name="c1"),
            "a.yml": "# head\n" + CM.format(name="c0"),
            "README.md": "not yaml: [",
            "data.json": '{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}}',
            "sub/Kptfile": "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: sub\n",
            "sub/x.yaml": CM.format(name="x"),
            "plain/y.yaml": SERVICE,
            "ignored/z.yaml": CM.format(name="z"),
            ".krmignore": "ignored/\n# comment\n",
        },
    )
    return root


def test_files_are_read_in_walk_order_with_reader_annotations(package: Path) -> None:
    items = reading.read_package(package)
    paths = [(bookkeeping.path_of(i), bookkeeping.index_of(i)) for i in items]
    assert paths == [
        ("Kptfile", "0"),
        ("a.yml", "0"),
        ("b.yaml", "0"),
        ("b.yaml", "1"),
        ("data.json", "0"),
        ("plain/y.yaml", "0"),
    ]
    notes = bookkeeping.annotations_of(items[5])
    assert list(notes) == [
        "config.kubernetes.io/index",
        "config.kubernetes.io/path",
        "internal.config.kubernetes.io/index",
        "internal.config.kubernetes.io/path",
        "internal.config.kubernetes.io/seqindent",
    ]
    assert notes["internal.config.kubernetes.io/seqindent"] == "wide"


def test_subpackages_are_included_when_asked(package: Path) -> None:
    options = reading.Options(include_subpackages=True, package_path="/somewhere")
    items = reading.read_package(package, options=options)
    assert "sub/x.yaml" in [bookkeeping.path_of(i) for i in items]
    assert {bookkeeping.get(i, bookkeeping.PACKAGE_PATH) for i in items} == {"/somewhere"}
    assert reading.direct_subpackages(package) == ["sub"]


def test_unchanged_package_is_written_back_byte_identical(package: Path) -> None:
    before = _snapshot(package)
    changed = pkgio.write_back(pkgio.source(package), package, deletes=set())
    assert changed == []
    assert _snapshot(package) == before


def test_changes_are_written_and_emptied_files_deleted(package: Path) -> None:
    items = reading.read_package(package)
    kept = [i for i in items if bookkeeping.path_of(i) != "a.yml"]
    web = next(i for i in kept if i["kind"] == "Deployment")
    web["spec"]["replicas"] = 3
    bookkeeping.set_path(next(i for i in kept if i["kind"] == "Service"), "moved/y.yaml")
    writing.write(kept, root=package, deletes={"a.yml", "plain/y.yaml"})
    assert not (package / "a.yml").exists()
    assert not (package / "plain/y.yaml").exists()
    assert "    - port: 80" in (package / "moved/y.yaml").read_text()
    assert (package / "b.yaml").read_text() == DEPLOY.replace(
        "replicas: 1", "replicas: 3"
    ) + "---\n" + CM.format(name="c1")
    assert (package / "README.md").read_text() == "not yaml: ["


def test_a_bad_path_changes_nothing(package: Path) -> None:
    before = _snapshot(package)
    items = reading.read_package(package)
    items[1]["data"]["a"] = "changed"
    bookkeeping.set_path(items[2], "../escape.yaml")
    with pytest.raises(Invalid, match="resource must be written under package"):
        writing.write(items, root=package)
    bookkeeping.set_path(items[2], "/etc/abs.yaml")
    with pytest.raises(Invalid, match="may not be absolute"):
        writing.write(items, root=package)
    assert _snapshot(package) == before


def test_new_resources_get_default_paths_and_indexes(tmp_path: Path) -> None:
    items = [yamlio.load(CM.format(name="n1")), yamlio.load(CM.format(name="n2"))]
    items[1]["metadata"]["namespace"] = "ns"
    writing.write(items, root=tmp_path)
    assert (tmp_path / "configmap_n1.yaml").read_text() == CM.format(name="n1")
    assert (tmp_path / "ns/configmap_n2.yaml").is_file()


def test_lone_json_resource_is_written_as_json(package: Path) -> None:
    items = reading.read_package(package)
    secret = next(i for i in items if i["kind"] == "Secret")
    secret["metadata"]["labels"] = {"x": "y"}
    writing.write(items, root=package)
    assert (package / "data.json").read_text().startswith('{\n  "apiVersion": "v1",')


def test_malformed_yaml_names_file_and_line(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "Kptfile": "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata: {name: p}\n",
            "bad.yaml": "a: 1\nb: [\n  c: d\n",
        },
    )
    with pytest.raises(Invalid, match=r"^bad\.yaml:\d+: invalid YAML"):
        reading.read_package(tmp_path)


def test_links_out_of_the_package_are_refused(tmp_path: Path) -> None:
    outside = tmp_path / "secret.yaml"
    outside.write_text(CM.format(name="secret"))
    root = tmp_path / "pkg"
    root.mkdir()
    os.symlink(outside, root / "link.yaml")
    with pytest.raises(Invalid, match="points outside the package"):
        reading.read_package(root)


def test_source_and_sink_round_trip(package: Path, tmp_path: Path) -> None:
    listed = pkgio.source(package)
    assert {bookkeeping.path_of(i) for i in listed.items} >= {"sub/x.yaml", "sub/Kptfile"}
    out = tmp_path / "out"
    pkgio.sink(ResourceList(items=listed.items), out)
    assert (out / "b.yaml").read_text() == (package / "b.yaml").read_text()
    assert (out / "sub/x.yaml").read_text() == (package / "sub/x.yaml").read_text()
    assert not (out / "README.md").exists()
    with pytest.raises(Invalid, match="already exists"):
        pkgio.sink(listed, out)


def test_source_carries_a_function_config(package: Path, tmp_path: Path) -> None:
    config = tmp_path / "fn.yaml"
    config.write_text(CM.format(name="cfg"))
    listed = pkgio.source(package, function_config=config)
    assert listed.function_config is not None
    assert listed.function_config["metadata"]["name"] == "cfg"


@pytest.mark.parametrize(
    ("patterns", "path", "is_dir", "ignored"),
    [
        ("*.md\n", "docs/a.md", False, True),
        ("/top.yaml\n", "sub/top.yaml", False, False),
        ("/top.yaml\n", "top.yaml", False, True),
        ("build/\n", "build", True, True),
        ("build/\n", "build", False, False),
        ("*.yaml\n!keep.yaml\n", "keep.yaml", False, False),
        ("a/**/z.yaml\n", "a/b/c/z.yaml", False, True),
        ("[ab].yaml\n", "b.yaml", False, True),
    ],
)
def test_krmignore_patterns(patterns: str, path: str, is_dir: bool, ignored: bool) -> None:
    assert krmignore.parse(patterns).ignored(path, is_dir=is_dir) is ignored
