"""The Kptfile fields the API mirrors onto a PackageRevision, read here once per outcome so
the domain folds stay pure and never read blobs. The shape is the domain's
(``objects.kptfile_summary``); this module only parses the file."""

from __future__ import annotations

from typing import Any

import yaml

from porch.domain import objects


def summarize(kptfile: bytes | None) -> dict[str, Any] | None:
    """The summary ({} when the Kptfile says nothing mirrored), None without a readable one."""
    if kptfile is None:
        return None
    try:
        doc = yaml.safe_load(kptfile)
    except yaml.YAMLError:
        return None
    return objects.kptfile_summary(doc) if isinstance(doc, dict) else None


__all__ = ["summarize"]
