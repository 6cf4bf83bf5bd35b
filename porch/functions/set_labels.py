"""set-labels: add labels to resources and to the selectors and templates that must agree.

Port of the catalog's ``set-labels`` (Go SDK): labels from ConfigMap ``data`` or
``SetLabels.labels``; local-config items are skipped; ``metadata.labels`` is always set,
selectors are created only where Kubernetes requires them to match (Service, RC and the
workload ``matchLabels``) and otherwise only updated. Pure; no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from porch.functions import nodes, objects
from porch.functions.failures import FunctionFailed, fail
from porch.krm.resourcelist import ResourceList
from porch.krm.yamlview import Map

NOT_GIVEN = "`FunctionConfig` is not given"


@dataclass
class _Labeler:
    labels: dict[str, str]
    count: int = 0

    def update(self, holder: Any, path: tuple[str, ...], *, create: bool) -> None:
        """Set each label (sorted) under ``holder`` at ``path``; counts every visit."""
        if not isinstance(holder, Map):
            return
        for key in sorted(self.labels):
            value = self.labels[key]
            current = nodes.get_path(holder, *path)
            exists = isinstance(current, dict) and key in current
            old = objects.text(current.get(key)) if exists else None
            if (exists and old != value) or (not exists and create):
                nodes.ensure_map(holder, *path)[key] = nodes.go_string(value)
            self.count += 1


def run(rl: ResourceList) -> ResourceList:
    results: list[dict[str, Any]] = []
    labels = _labels(rl.function_config, results)
    items = [item for item in rl.items if not objects.is_local_config(item)]
    if not items:
        rl.results.extend([*results, _info("no input resources")])
        return rl
    if labels is None:
        raise FunctionFailed(NOT_GIVEN, results=results)
    if not labels:
        rl.results.extend([*results, {"message": _NO_LABELS, "severity": "warning"}])
        return rl
    labeler = _Labeler(labels)
    for item in items:
        _label(labeler, item)
    rl.results.extend([*results, _info(f"set {labeler.count} labels in total")])
    return rl


_NO_LABELS = "no `labels` arguments are given in FunctionConfig"


def _labels(fc: Map | None, results: list[dict[str, Any]]) -> dict[str, str] | None:
    if objects.is_empty_config(fc):
        results.append(_info(NOT_GIVEN))
        return None
    assert fc is not None
    if objects.kind(fc) == "ConfigMap" and objects.group(fc) == "":
        return objects.config_data(fc)
    if objects.kind(fc) == "SetLabels" and objects.group(fc) == objects.FN_GROUP:
        raw = fc.get("labels") or {}
        return {str(k): objects.text(v) for k, v in raw.items()} if isinstance(raw, dict) else {}
    raise fail(
        f"unknown FunctionConfig `{objects.kind(fc)}.{objects.group(fc)}`, "
        f"expect `SetLabels.{objects.FN_GROUP}` or `ConfigMap.v1`",
        results=results,
    )


def _info(message: str) -> dict[str, Any]:
    return {"message": message, "severity": "info"}


def _label(labeler: _Labeler, item: Map) -> None:
    labeler.update(item, ("metadata", "labels"), create=True)
    _label_selector(labeler, item)
    spec = item.get("spec")
    if not isinstance(spec, Map):
        return
    if _has_pod_template(item):
        _label_pod(labeler, spec.get("template"))
    if objects.is_gvk(item, "batch", "", "CronJob"):
        _label_job_template(labeler, spec.get("jobTemplate"))
    if objects.is_gvk(item, "apps", "", "StatefulSet"):
        for claim in spec.get("volumeClaimTemplates") or []:
            labeler.update(claim, ("metadata", "labels"), create=True)
            labeler.update(claim, ("selector", "matchLabels"), create=False)
    if _is_network_policy(item):
        _label_network_policy_rules(labeler, spec)


def _is_network_policy(item: Map) -> bool:
    return objects.is_gvk(item, "networking.k8s.io", "", "NetworkPolicy")


def _label_selector(labeler: _Labeler, item: Map) -> None:
    if objects.is_gvk(item, "", "v1", "Service") or objects.is_gvk(
        item, "", "v1", "ReplicationController"
    ):
        labeler.update(item, ("spec", "selector"), create=True)
    # One or the other, as the catalog's first-match lookup decides (a kind-less object,
    # e.g. a kustomization, matches both and gets the creating variant only).
    if any(objects.is_gvk(item, g, "", k) for g, k in _CREATES_MATCH_LABELS):
        labeler.update(item, ("spec", "selector", "matchLabels"), create=True)
    elif any(objects.is_gvk(item, g, "", k) for g, k in _UPDATES_MATCH_LABELS):
        labeler.update(item, ("spec", "selector", "matchLabels"), create=False)
    if _is_network_policy(item):
        labeler.update(item, ("spec", "podSelector", "matchLabels"), create=False)


_CREATES_MATCH_LABELS: tuple[tuple[str, str], ...] = (
    ("", "Deployment"),
    ("", "ReplicaSet"),
    ("", "DaemonSet"),
    ("apps", "StatefulSet"),
)
_UPDATES_MATCH_LABELS = (("batch", "Job"), ("policy", "PodDisruptionBudget"))


def _has_pod_template(item: Map) -> bool:
    if objects.is_gvk(item, "", "v1", "ReplicationController"):
        return True
    return any(
        objects.is_gvk(item, g, "", k) for g, k in (*_CREATES_MATCH_LABELS, ("batch", "Job"))
    )


def _label_pod(labeler: _Labeler, pod: Any) -> None:
    if not isinstance(pod, Map):
        return
    labeler.update(pod, ("metadata", "labels"), create=True)
    spec = pod.get("spec")
    if not isinstance(spec, Map):
        return
    for constraint in spec.get("topologySpreadConstraints") or []:
        labeler.update(constraint, ("labelSelector", "matchLabels"), create=False)
    # The catalog looks for affinity terms one level too high (directly under ``affinity``)
    # so pod (anti-)affinity selectors are left alone; kept for identical output.
    affinity = spec.get("affinity")
    if isinstance(affinity, Map):
        _label_affinity_quirk(labeler, affinity)


def _label_affinity_quirk(labeler: _Labeler, affinity: Map) -> None:
    for kind in ("podAffinity", "podAntiAffinity"):
        if not isinstance(affinity.get(kind), Map):
            continue
        for term in affinity.get("preferredDuringSchedulingIgnoredDuringExecution") or []:
            if isinstance(term, Map):
                labeler.update(
                    term.get("podAffinityTerm"), ("labelSelector", "matchLabels"), create=False
                )
        for term in affinity.get("requiredDuringSchedulingIgnoredDuringExecution") or []:
            labeler.update(term, ("labelSelector", "matchLabels"), create=False)


def _label_job_template(labeler: _Labeler, job: Any) -> None:
    if not isinstance(job, Map):
        return
    labeler.update(job, ("metadata", "labels"), create=True)
    spec = job.get("spec")
    labeler.update(spec, ("selector", "matchLabels"), create=False)
    if isinstance(spec, Map):
        _label_pod(labeler, spec.get("template"))


def _label_network_policy_rules(labeler: _Labeler, spec: Map) -> None:
    for direction, peers in (("ingress", "from"), ("egress", "to")):
        for rule in spec.get(direction) or []:
            if not isinstance(rule, Map):
                continue
            for peer in rule.get(peers) or []:
                labeler.update(peer, ("podSelector", "matchLabels"), create=False)


__all__ = ["NOT_GIVEN", "run"]
