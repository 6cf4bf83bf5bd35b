"""kpt's own end-to-end cases for ``fn render|eval|source|sink``, run against our library.

Every case under ``vectors/kpt/{fn-render,fn-eval,fn-source,fn-sink}`` is a test: it is
skipped (with the reason) when it needs something this machine does not offer — a
container runtime, wasm, a registry, a function without a native port — and otherwise it
must produce kpt's exit code, stderr/stdout fragments, results file and ``git diff``.
Known differences are strict xfails with the reason, so fixing one shows up as XPASS.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conformance import runner

KNOWN_FAILURES = {
    "fn-source/subpkgs-with-krmignore": (
        "stale upstream fixture: it expects fn source to omit Kptfiles, but kpt (HEAD and "
        "v1.0.0-beta.56 alike) lists every Kptfile first, as we do"
    ),
}


def _lookup() -> Callable[[str], Any]:
    try:
        from porch.functions import registry
    except ImportError:
        return lambda _image: None
    return registry.lookup


LOOKUP = _lookup()
CASES = runner.discover()


def _param(case: runner.Case) -> Any:
    marks = []
    if case.id in KNOWN_FAILURES:
        marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_FAILURES[case.id]))
    return pytest.param(case, id=case.id, marks=marks)


def test_every_group_has_cases() -> None:
    if not runner.KPT_VECTORS.is_dir():
        pytest.skip(f"no vectors at {runner.KPT_VECTORS}")
    assert {c.group for c in CASES} == set(runner.FN_GROUPS)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_vector(case: runner.Case, tmp_path: Path) -> None:
    reason = runner.skip_reason(case, LOOKUP)
    if reason:
        pytest.skip(reason)
    run = runner.run_case(case, tmp_path)
    problems = runner.compare(case, run)
    assert not problems, "\n".join(problems) + f"\n--- stderr\n{run.stderr}"
