"""Where the conformance vectors live: ``../shared/vectors`` beside the checkout, as CI
lays it out, unless ``PORCH_VECTORS`` says otherwise."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(
    os.environ.get("PORCH_VECTORS") or Path(__file__).resolve().parents[2] / "shared" / "vectors"
)
