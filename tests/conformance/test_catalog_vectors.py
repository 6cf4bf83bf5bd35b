"""Every catalog example (``shared/vectors/catalog``) run through the builtin functions.

Each example is copied to a temporary git work tree, run by ``catalog_support`` and its
``git diff`` compared with ``.expected/diff.patch``; the exit code with
``.expected/config.yaml`` and the structured results with ``.expected/results.yaml``.
Examples needing a function without a native port are skipped with the reason; a summary
of pass/skip/fail is printed at the end of the module.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from porch.krm import yamlio
from tests import vectors
from tests.conformance import catalog_support

VECTORS = vectors.ROOT / "catalog"
EXAMPLES = (
    sorted(p.name for p in VECTORS.iterdir() if (p / ".expected").is_dir())
    if VECTORS.is_dir()
    else []
)
SUMMARY: dict[str, list[str]] = {"passed": [], "skipped": [], "failed": []}


@pytest.fixture(scope="module", autouse=True)
def summary(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    capture = request.config.pluginmanager.getplugin("capturemanager")
    lines = [
        f"catalog vectors: {len(SUMMARY['passed'])} passed, {len(SUMMARY['skipped'])} skipped, "
        f"{len(SUMMARY['failed'])} failed",
        *(f"  skipped {name}" for name in SUMMARY["skipped"]),
        *(f"  failed {name}" for name in SUMMARY["failed"]),
    ]
    if capture is not None:
        with capture.global_and_fixture_disabled():
            print("\n" + "\n".join(lines))


def _expected_exit(example: Path) -> int:
    config = example / ".expected" / "config.yaml"
    loaded = yamlio.load_all(config.read_text()) if config.exists() else []
    return int((loaded[0] if loaded else {}).get("exitCode") or 0)


def _expected_results(example: Path) -> list[dict[str, Any]] | None:
    path = example / ".expected" / "results.yaml"
    if not path.exists():
        return None
    loaded = yamlio.to_plain(yamlio.load(path.read_text()))
    return [
        {"exitCode": item.get("exitCode", 0), "results": item.get("results") or []}
        for item in loaded.get("items") or []
    ]


def _check(example: Path, package: Path) -> None:
    outcome, diff = catalog_support.run_example(package)
    assert outcome.exit_code == _expected_exit(example)
    patch = example / ".expected" / "diff.patch"
    expected_diff = patch.read_text().strip() if patch.exists() else ""
    assert diff.strip() == expected_diff
    expected_results = _expected_results(example)
    if expected_results is not None:
        got = [
            {"exitCode": r["exitCode"], "results": yamlio.to_plain(r["results"])}
            for r in outcome.results
        ]
        assert got == expected_results


@pytest.mark.skipif(not EXAMPLES, reason=f"no catalog vectors under {VECTORS}")
@pytest.mark.parametrize("name", EXAMPLES)
def test_catalog_example(name: str, tmp_path: Path) -> None:
    example = VECTORS / name
    package = tmp_path / name
    shutil.copytree(example, package)
    try:
        _check(example, package)
    except catalog_support.Skip as skip:
        SUMMARY["skipped"].append(f"{name}: {skip}")
        pytest.skip(str(skip))
    except BaseException:
        SUMMARY["failed"].append(name)
        raise
    SUMMARY["passed"].append(name)
