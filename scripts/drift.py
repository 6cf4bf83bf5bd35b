"""Compare committed generated files with a fresh generation and report drift (shared by
the generators' ``--check``)."""

from __future__ import annotations

import difflib
import sys
from pathlib import Path


def report(committed: dict[str, str], fresh: dict[str, str], *, where: Path, rerun: str) -> int:
    """Print what differs (missing, stale, a unified diff) to stderr; 1 when anything does."""
    drift = False
    for name in sorted(fresh.keys() | committed.keys()):
        old, new = committed.get(name), fresh.get(name)
        if old == new:
            continue
        drift = True
        rel = where / name
        if old is None:
            print(f"missing: {rel}", file=sys.stderr)
        elif new is None:
            print(f"stale (nothing generates it): {rel}", file=sys.stderr)
        else:
            sys.stderr.writelines(
                difflib.unified_diff(
                    old.splitlines(keepends=True),
                    new.splitlines(keepends=True),
                    fromfile=f"{rel} (committed)",
                    tofile=f"{rel} (generated)",
                    n=1,
                )
            )
    if drift:
        print(f"generated files in {where} are out of date: run {rerun}", file=sys.stderr)
        return 1
    return 0
