"""kpt's merge3 vectors (``shared/vectors/kpt/merge3``) through :mod:`porch.kpt.merge3`.

Each case holds three ``MergeTestResources`` documents (original, updated, destination)
whose ``spec.resources`` map file paths to package files, plus optional CRD files that
teach the merge their schemas. kpt checks the merged objects with Go functions
(``merge3_util_test.go``); the same checks are written here as data (image of the
``test-app`` container, temperature and fruit amounts of the ``test-fruit-store``).
kpt disabled list-key inference for resources and skips its ``infer-*`` cases; they run
here with the library's ``infer_associative`` option, which reproduces kyaml's inference,
and ``infer-crd`` is also checked without it (the list is then replaced whole).
A pass/skip/fail summary is printed at the end of the module.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from porch.kpt import merge3, pkg_resources
from porch.kpt.pkg_resources import Resource
from porch.kpt.pkg_schema import Registry
from porch.krm import yamlparse
from porch.krm.yamlnode import Node
from tests import vectors

VECTORS = vectors.ROOT / "kpt" / "merge3"
SUMMARY: dict[str, list[str]] = {"passed": [], "skipped": [], "failed": []}


@dataclass(frozen=True)
class Expectation:
    image: str = ""
    temperature: int = 0
    fruits: dict[str, int] = field(default_factory=dict)
    infer: bool = False


ALL_FRUITS = {"apple": 20, "grape": 5, "banana": 3, "pear": 30}
EXPECTED = {
    "simple-conflict": Expectation(image="test-image:updated"),
    "simple-subpackage-conflict": Expectation(image="test-image:updated"),
    "one-key-crd": Expectation(temperature=10, fruits=ALL_FRUITS),
    "one-key-crd-empty-orig": Expectation(temperature=10, fruits=ALL_FRUITS),
    "one-key-crd-empty-updated": Expectation(temperature=10, fruits={"banana": 3}),
    "one-key-crd-empty-dest": Expectation(temperature=10, fruits={"apple": 20, "pear": 30}),
    "non-assoc-crd": Expectation(temperature=10, fruits={"apple": 20, "grape": 5, "pear": 30}),
    "infer-crd": Expectation(temperature=10, fruits=ALL_FRUITS, infer=True),
    "infer-crd-empty-orig": Expectation(temperature=10, fruits=ALL_FRUITS, infer=True),
    "infer-crd-empty-updated": Expectation(temperature=10, fruits={"banana": 3}, infer=True),
    "infer-crd-empty-dest": Expectation(
        temperature=10, fruits={"apple": 20, "pear": 30}, infer=True
    ),
}
CASES = sorted(p.name for p in VECTORS.iterdir() if p.is_dir()) if VECTORS.is_dir() else []


@pytest.fixture(scope="module", autouse=True)
def summary(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    capture = request.config.pluginmanager.getplugin("capturemanager")
    lines = [
        f"merge3 vectors: {len(SUMMARY['passed'])} passed, {len(SUMMARY['skipped'])} skipped, "
        f"{len(SUMMARY['failed'])} failed",
        *(f"  skipped {name}" for name in SUMMARY["skipped"]),
        *(f"  failed {name}" for name in SUMMARY["failed"]),
    ]
    if capture is not None:
        with capture.global_and_fixture_disabled():
            print("\n" + "\n".join(lines))


def _package(path: Path) -> dict[str, bytes]:
    doc = yamlparse.parse(path.read_text(), source=str(path))
    assert doc is not None
    resources = doc.root.lookup("spec", "resources")
    assert resources is not None
    return {key.value: value.value.encode() for key, value in resources.pairs()}


def _registry(case: Path) -> Registry:
    crds = [
        r
        for crd in sorted(case.glob("*.crd.yaml"))
        for r in pkg_resources.parse_file(crd.name, crd.read_text())
    ]
    return merge3.registry_for(crds)


def _merged(case: Path, *, infer: bool) -> list[Resource]:
    original, updated, dest = (
        _package(case / f"{name}.yaml") for name in ("original", "updated", "destination")
    )
    out: list[Resource] = []
    for root in ("", "subpackage/"):

        def own(files: dict[str, bytes], root: str = root) -> dict[str, bytes]:
            return {k[len(root) :]: v for k, v in files.items() if k.startswith(root)}

        out += merge3.merge(
            pkg_resources.read_resources(own(original)),
            pkg_resources.read_resources(own(updated)),
            pkg_resources.read_resources(own(dest)),
            registry=_registry(case),
            infer_associative=infer,
        )
    return out


def _named(resources: list[Resource], name: str) -> Node:
    found = [r.node for r in resources if r.node.text("metadata", "name") == name]
    assert len(found) == 1, f"expected one object named {name!r}, found {len(found)}"
    return found[0]


def _check(resources: list[Resource], expected: Expectation) -> None:
    if expected.image:
        containers = _named(resources, "test-app").lookup("spec", "template", "spec", "containers")
        assert containers is not None
        assert containers.content[0].text("image") == expected.image
    if expected.fruits:
        store = _named(resources, "test-fruit-store")
        assert store.text("spec", "preferredTemperature") == str(expected.temperature)
        fruits = store.lookup("spec", "fruits")
        assert fruits is not None
        amounts = {f.text("name"): int(f.text("amount")) for f in fruits.content}
        assert len(fruits.content) == len(expected.fruits)
        assert amounts == expected.fruits


@pytest.mark.parametrize("case", CASES)
def test_merge3_vector(case: str) -> None:
    if case not in EXPECTED:
        SUMMARY["skipped"].append(f"{case}: no expectation known for this case")
        pytest.skip("no expectation known for this case")
    SUMMARY["failed"].append(case)
    expected = EXPECTED[case]
    _check(_merged(VECTORS / case, infer=expected.infer), expected)
    SUMMARY["failed"].remove(case)
    SUMMARY["passed"].append(case)


def test_inference_off_replaces_an_upstream_changed_list() -> None:
    """kpt's default for a list without a schema merge key: upstream's list, whole."""
    if "infer-crd" not in CASES:
        pytest.skip("merge3 vectors not found")
    whole = Expectation(temperature=10, fruits={"apple": 20, "grape": 5, "pear": 30})
    _check(_merged(VECTORS / "infer-crd", infer=False), whole)


def test_every_case_has_an_expectation() -> None:
    if not CASES:
        pytest.skip("merge3 vectors not found")
    assert sorted(EXPECTED) == CASES
