"""Which fields refer to other resources by name: kustomize's name-reference table.

When ensure-name-substring renames a ConfigMap, Secret, ServiceAccount, Role, Service ...
the fields listed here that held the old name follow it. The table covers the built-in
kinds kustomize knows (pod specs of every workload, RBAC bindings, Ingress, HPA, PVC ...).
Data and a pure update; no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from porch.functions import fieldspecs, objects, scopes
from porch.functions.fieldspecs import FieldSpec
from porch.krm.yamlview import Map

_POD_SPECS: dict[str, tuple[str, str]] = {
    # kind -> (group, path of its pod spec)
    "Pod": ("", "spec"),
    "Deployment": ("", "spec/template/spec"),
    "ReplicaSet": ("", "spec/template/spec"),
    "DaemonSet": ("", "spec/template/spec"),
    "StatefulSet": ("", "spec/template/spec"),
    "ReplicationController": ("", "spec/template/spec"),
    "Job": ("batch", "spec/template/spec"),
    "CronJob": ("batch", "spec/jobTemplate/spec/template/spec"),
}
_CONTAINERS = ("containers[]", "initContainers[]")


def _in_pods(*paths: str) -> list[FieldSpec]:
    return [
        FieldSpec(f"{prefix}/{path}", group=group, kind=kind)
        for kind, (group, prefix) in _POD_SPECS.items()
        for path in paths
    ]


def _in_containers(*paths: str) -> list[FieldSpec]:
    return _in_pods(*(f"{c}/{p}" for c in _CONTAINERS for p in paths))


@dataclass(frozen=True)
class BackRef:
    """Fields (``referrers``) that name a resource of ``kind`` (and ``group``)."""

    kind: str
    referrers: tuple[FieldSpec, ...]
    group: str = ""


TABLE: tuple[BackRef, ...] = (
    BackRef(
        "ConfigMap",
        tuple(
            _in_pods("volumes[]/configMap/name", "volumes[]/projected/sources[]/configMap/name")
            + _in_containers("env[]/valueFrom/configMapKeyRef/name", "envFrom[]/configMapRef/name")
        ),
    ),
    BackRef(
        "Secret",
        tuple(
            _in_pods(
                "volumes[]/secret/secretName",
                "volumes[]/projected/sources[]/secret/name",
                "imagePullSecrets[]/name",
            )
            + _in_containers("env[]/valueFrom/secretKeyRef/name", "envFrom[]/secretRef/name")
            + [
                FieldSpec("spec/tls[]/secretName", kind="Ingress"),
                FieldSpec("imagePullSecrets[]/name", kind="ServiceAccount"),
                FieldSpec("secrets[]/name", kind="ServiceAccount"),
            ]
        ),
    ),
    BackRef(
        "ServiceAccount",
        (
            *_in_pods("serviceAccountName", "serviceAccount"),
            FieldSpec("subjects[]/name", kind="RoleBinding"),
            FieldSpec("subjects[]/name", kind="ClusterRoleBinding"),
        ),
    ),
    BackRef("Role", (FieldSpec("roleRef/name", kind="RoleBinding"),), "rbac.authorization.k8s.io"),
    BackRef(
        "ClusterRole",
        (
            FieldSpec("roleRef/name", kind="RoleBinding"),
            FieldSpec("roleRef/name", kind="ClusterRoleBinding"),
        ),
        "rbac.authorization.k8s.io",
    ),
    BackRef(
        "Service",
        (
            FieldSpec("spec/serviceName", kind="StatefulSet"),
            FieldSpec("spec/rules[]/http/paths[]/backend/serviceName", kind="Ingress"),
            FieldSpec("spec/rules[]/http/paths[]/backend/service/name", kind="Ingress"),
            FieldSpec("spec/backend/serviceName", kind="Ingress"),
            FieldSpec("spec/defaultBackend/service/name", kind="Ingress"),
            FieldSpec("spec/service/name", kind="APIService"),
        ),
    ),
    BackRef(
        "PersistentVolumeClaim",
        tuple(_in_pods("volumes[]/persistentVolumeClaim/claimName")),
    ),
    BackRef("PersistentVolume", (FieldSpec("spec/volumeName", kind="PersistentVolumeClaim"),)),
    BackRef(
        "StorageClass",
        (
            FieldSpec("spec/storageClassName", kind="PersistentVolumeClaim"),
            FieldSpec("spec/storageClassName", kind="PersistentVolume"),
        ),
    ),
    BackRef("PriorityClass", tuple(_in_pods("priorityClassName"))),
    *(
        BackRef(kind, (FieldSpec("spec/scaleTargetRef/name", kind="HorizontalPodAutoscaler"),))
        for kind in ("Deployment", "ReplicaSet", "StatefulSet", "ReplicationController")
    ),
)


@dataclass(frozen=True)
class Renamed:
    item: Map
    old_name: str


def _referable(referrer: Map, target: Map) -> bool:
    if not scopes.is_namespace_scoped(target) or not scopes.is_namespace_scoped(referrer):
        return True
    return objects.namespace(referrer) == objects.namespace(target)


def fix_references(items: Iterable[Map], renamed: list[Renamed]) -> None:
    """Point every name reference at a renamed resource to its new name."""
    for referrer in items:
        for backref in TABLE:
            targets = [
                r
                for r in renamed
                if objects.kind(r.item) == backref.kind
                and (not backref.group or objects.group(r.item) == backref.group)
                and _referable(referrer, r.item)
            ]
            if targets:
                _update(referrer, backref, targets)


def _update(referrer: Map, backref: BackRef, targets: list[Renamed]) -> None:
    def follow(parent: Map, key: str) -> None:
        if key not in parent:
            return
        sibling_kind = objects.text(parent.get("kind"))
        if sibling_kind and sibling_kind != backref.kind:
            return
        old = objects.text(parent[key])
        new = {objects.name(t.item) for t in targets if t.old_name == old}
        if len(new) == 1:
            parent[key] = new.pop()

    fieldspecs.visit_all(referrer, backref.referrers, follow)


__all__ = ["TABLE", "BackRef", "Renamed", "fix_references"]
