"""Conformance session report: pass/skip/fail counts per kpt vector group.

The counts are printed at the end of every session that ran the kpt fn vectors, so a
reader sees at a glance how much of kpt's behaviour is covered and how much is skipped
(and why, in the skip reasons). Those test ids are ``<group>/<case>``
(``fn-render/basicpipeline``); other conformance modules report for themselves.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

OUTCOMES = ("passed", "failed", "skipped", "xfailed", "xpassed", "error")


def _group(nodeid: str) -> str:
    """``fn-render`` for ``...[fn-render/case]``; empty for tests that are not kpt vectors."""
    param = nodeid.split("[", 1)[1].rstrip("]") if "[" in nodeid else ""
    return param.split("/", 1)[0] if "/" in param else ""


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: Any) -> None:
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for outcome in OUTCOMES:
        for report in terminalreporter.stats.get(outcome, []):
            nodeid = getattr(report, "nodeid", "")
            group = _group(nodeid) if "tests/conformance/" in nodeid else ""
            if group and getattr(report, "when", "call") != "teardown":
                counts[group][outcome] += 1
    if not counts:
        return
    terminalreporter.section("kpt fn vectors")
    for group in sorted(counts):
        shown = [o for o in OUTCOMES if counts[group][o] or o in ("passed", "skipped", "failed")]
        line = ", ".join(f"{counts[group][o]} {o}" for o in shown)
        terminalreporter.write_line(f"{group}: {line}")
