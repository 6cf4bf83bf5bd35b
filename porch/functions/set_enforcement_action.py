"""set-enforcement-action: set ``spec.enforcementAction`` on every Gatekeeper constraint.

Port of the catalog's ``set-enforcement-action``: a ConfigMap with exactly one key,
``enforcementAction`` in ``deny | warn | dryrun``; constraints are the items with
``apiVersion: constraints.gatekeeper.sh/v1beta1``. Pure; no I/O.
"""

from __future__ import annotations

from typing import Any

from porch.functions import nodes, objects
from porch.functions.failures import fail
from porch.krm.resourcelist import ResourceList
from porch.krm.yamlview import Map

POLICY_API_VERSION = "constraints.gatekeeper.sh/v1beta1"
ACTIONS = ("deny", "warn", "dryrun")


def _action(fc: Map | None) -> str:
    data = objects.config_data(fc)
    if len(data) != 1:
        raise ValueError("expecting exactly 1 enforcementAction as part of the ConfigMap")
    action = data.get("enforcementAction", "")
    if action not in ACTIONS:
        raise ValueError("expected values for enforcementAction are [deny] or [warn] or [dryrun]")
    return action


def run(rl: ResourceList) -> ResourceList:
    try:
        action = _action(rl.function_config)
    except ValueError as exc:
        raise fail(f"failed to process policies: {exc}") from None
    changed: list[dict[str, Any]] = []
    for item in rl.items:
        if not objects.name(item) or not objects.kind(item):
            continue
        if objects.api_version(item) != POLICY_API_VERSION:
            continue
        nodes.ensure_map(item, "spec")["enforcementAction"] = action
        changed.append(
            {
                "message": f"Policy name: [{objects.name(item)}]",
                "severity": "info",
                "file": {"path": objects.path_of(item)},
            }
        )
    if not changed:
        rl.results.append(
            {"message": f"Found no policy to set to [{action}]", "severity": "warning"}
        )
        return rl
    summary = {
        "message": f"Number of policies set to [{action}]: {len(changed)}",
        "severity": "info",
    }
    rl.results.extend([summary, *changed])
    return rl


__all__ = ["ACTIONS", "POLICY_API_VERSION", "run"]
