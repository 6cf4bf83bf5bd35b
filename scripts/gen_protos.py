"""Generate the Python gRPC stubs in ``porch/_generated`` from ``schemas/*.proto``.

Why: the stubs are committed so that installing the project needs no protoc, and CI must
notice when a ``.proto`` changed without regenerating (``--check``). The output depends
only on the ``.proto`` files and the pinned grpcio-tools version, and files are rewritten
only when their content changes, so running it twice is a no-op.

It must not touch anything outside ``porch/_generated`` and must not edit the protos.

    python scripts/gen_protos.py           # regenerate in place
    python scripts/gen_protos.py --check   # exit 1 if the committed stubs are stale
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import drift

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "schemas"
OUT = ROOT / "porch" / "_generated"

INIT_TEXT = '''"""Generated gRPC/protobuf modules; do not edit by hand.

Regenerate with ``python scripts/gen_protos.py`` (``--check`` verifies they are current).
The sources are the ``.proto`` files in ``schemas/``.
"""
'''

# protoc writes ``import foo_pb2 as foo__pb2`` in the *_grpc.py files, which only works when
# the output directory is on sys.path; inside a package it has to be relative.
_ABSOLUTE_PB2_IMPORT = re.compile(r"^import (\w+_pb2) as (\w+)$", re.MULTILINE)


def _protos() -> list[Path]:
    return sorted(SCHEMAS.glob("*.proto"))


def generate(out_dir: Path) -> None:
    """Write the complete generated package for every proto into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="porch-protoc-") as raw:
        raw_dir = Path(raw)
        protos = _protos()
        if protos:
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "grpc_tools.protoc",
                    f"-I{SCHEMAS}",
                    f"--python_out={raw_dir}",
                    f"--pyi_out={raw_dir}",
                    f"--grpc_python_out={raw_dir}",
                    *(p.name for p in protos),
                ],
                check=True,
                cwd=SCHEMAS,
            )
        wanted = {"__init__.py": INIT_TEXT}
        for produced in sorted(raw_dir.iterdir()):
            text = produced.read_text(encoding="utf-8")
            if produced.name.endswith("_pb2_grpc.py"):
                text = _ABSOLUTE_PB2_IMPORT.sub(r"from . import \1 as \2", text)
            wanted[produced.name] = text
    for name, text in wanted.items():
        target = out_dir / name
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
    # Stubs of protos that no longer exist would otherwise linger.
    for existing in out_dir.iterdir():
        if existing.suffix in {".py", ".pyi"} and existing.name not in wanted:
            existing.unlink()


def _source_files(directory: Path) -> dict[str, str]:
    if not directory.is_dir():
        return {}
    return {
        p.name: p.read_text(encoding="utf-8")
        for p in sorted(directory.iterdir())
        if p.is_file() and p.suffix in {".py", ".pyi"}
    }


def check() -> int:
    """Regenerate into a temporary directory; 0 when ``porch/_generated`` matches it."""
    with tempfile.TemporaryDirectory(prefix="porch-gen-check-") as tmp:
        fresh_dir = Path(tmp) / "_generated"
        generate(fresh_dir)
        fresh = _source_files(fresh_dir)
    committed = _source_files(OUT)
    return drift.report(
        committed, fresh, where=OUT.relative_to(ROOT), rerun="scripts/gen_protos.py"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate porch/_generated from schemas/*.proto.")
    parser.add_argument(
        "--check", action="store_true", help="fail if porch/_generated differs from a fresh run"
    )
    args = parser.parse_args(argv)
    if args.check:
        return check()
    generate(OUT)
    return 0


if __name__ == "__main__":
    sys.exit(main())
