"""remove-local-config-resources: drop items annotated ``config.kubernetes.io/local-config``.

Port of the catalog's function: an item goes when the annotation's value, lower-cased, is
``true`` (so a Kptfile made by ``kpt pkg init`` goes too); one info result per removed
item after a count, or a warning when nothing matched. Pure; no I/O.
"""

from __future__ import annotations

from typing import Any

from porch.functions import objects
from porch.krm.resourcelist import LOCAL_CONFIG, ResourceList


def run(rl: ResourceList) -> ResourceList:
    kept, pruned = [], []
    for item in rl.items:
        if objects.annotation(item, LOCAL_CONFIG).lower() == "true":
            pruned.append(item)
        else:
            kept.append(item)
    rl.items = kept
    rl.results.extend(_results(pruned))
    return rl


def _results(pruned: list[Any]) -> list[dict[str, Any]]:
    if not pruned:
        return [
            {
                "message": "Found no resources to prune with the local config annotation",
                "severity": "warning",
            }
        ]
    summary = {"message": f"Number of resources pruned: {len(pruned)}", "severity": "info"}
    return [
        summary,
        *(
            {
                "message": f"Resource name: [{objects.name(item)}]",
                "severity": "info",
                "file": {"path": objects.path_of(item)},
            }
            for item in pruned
        ),
    ]


__all__ = ["run"]
