"""Render aggregate states as the Kubernetes objects the API serves.

The orchestrator stores these in the projection buckets; the apiserver only adds
``metadata.resourceVersion`` (the bucket revision). Computed fields live here, in one
place: the ``kpt.dev/latest-revision`` label, ``status.deployment``, the Ready condition,
and what a revision mirrors from its Kptfile (``kptfile_summary``, computed once by the
orchestrator when it reads the Kptfile and carried on the outcome events).
Pure; no I/O.
"""

from __future__ import annotations

from typing import Any

from porch.domain import packages
from porch.domain.repository import RepositoryState
from porch.model import names

PORCH_GROUP = "porch.kpt.dev"
CONFIG_GROUP = "config.porch.kpt.dev"
VERSION = "v1alpha1"


def repository_object(state: RepositoryState) -> dict[str, Any]:
    condition = {
        "type": "Ready",
        "status": state.ready,
        "reason": state.ready_reason,
        "message": state.ready_message,
        "lastTransitionTime": state.ready_since or state.created,
        "observedGeneration": state.generation,
    }
    status: dict[str, Any] = {"conditions": [condition], "observedGeneration": state.generation}
    if state.commit:
        status["gitCommitHash"] = state.commit
    return {
        "apiVersion": f"{CONFIG_GROUP}/{VERSION}",
        "kind": "Repository",
        "metadata": _metadata(
            name=state.name,
            namespace=state.namespace,
            uid=state.uid,
            created=state.created,
            generation=state.generation,
            labels=state.labels,
            annotations=state.annotations,
        ),
        "spec": state.spec,
        "status": status,
    }


def revision_objects(pkg: packages.PackageState, *, deployment: bool) -> dict[str, dict[str, Any]]:
    """Every revision of the package keyed by object name (latest label computed here)."""
    latest = pkg.latest_workspace()
    return {
        names.revision_name(
            repository=pkg.repository, package=pkg.package, workspace=ws
        ): revision_object(pkg, rev, latest=ws == latest, deployment=deployment)
        for ws, rev in pkg.revisions.items()
    }


def revision_object(
    pkg: packages.PackageState,
    rev: packages.RevisionState,
    *,
    latest: bool,
    deployment: bool,
) -> dict[str, Any]:
    labels = dict(rev.labels)
    if latest:
        labels[packages.LATEST_LABEL] = "true"
    kptfile = rev.kptfile or {}
    spec: dict[str, Any] = {
        "packageName": pkg.package,
        "repository": pkg.repository,
        "workspaceName": rev.workspace,
        "revision": rev.revision,
        "lifecycle": rev.lifecycle,
        "tasks": [_task(t) for t in rev.tasks],
    }
    if kptfile.get("readinessGates"):
        spec["readinessGates"] = kptfile["readinessGates"]
    package_metadata = {k: kptfile[k] for k in ("labels", "annotations") if kptfile.get(k)}
    if package_metadata:
        spec["packageMetadata"] = package_metadata
    # The projection is the controller: every generation it serves is observed.
    status: dict[str, Any] = {"deployment": deployment, "observedGeneration": rev.generation}
    if kptfile.get("upstreamLock"):
        status["upstreamLock"] = kptfile["upstreamLock"]
    if rev.published_by or rev.published_at:
        status["publishedBy"] = rev.published_by
        status["publishTimestamp"] = rev.published_at
    # Where git-sync wrote the revision is not shown: it arrives asynchronously after each
    # write, and changing the object then would move its resourceVersion under a client
    # that just read it (a GET-then-PUT would get a spurious 409).
    if kptfile.get("conditions"):
        status["conditions"] = kptfile["conditions"]
    meta = _metadata(
        name=names.revision_name(
            repository=pkg.repository, package=pkg.package, workspace=rev.workspace
        ),
        namespace=pkg.namespace,
        uid=rev.uid,
        created=rev.created,
        generation=rev.generation,
        labels=labels,
        annotations=rev.annotations,
    )
    if rev.finalizers:
        meta["finalizers"] = list(rev.finalizers)
    if rev.owner_references:
        meta["ownerReferences"] = [dict(o) for o in rev.owner_references]
    if rev.deletion_timestamp:
        meta["deletionTimestamp"] = rev.deletion_timestamp
    return {
        "apiVersion": f"{PORCH_GROUP}/{VERSION}",
        "kind": "PackageRevision",
        "metadata": meta,
        "spec": spec,
        "status": status,
    }


def resources_object(
    revision: dict[str, Any], files: dict[str, str], render_status: dict[str, Any] | None
) -> dict[str, Any]:
    """The PackageRevisionResources of a served revision: same name and metadata, the
    file texts (path -> content) and the last render status."""
    spec = revision["spec"]
    meta = {
        k: v
        for k, v in revision["metadata"].items()
        if k not in ("finalizers", "ownerReferences", "deletionTimestamp", "generation")
    }
    status: dict[str, Any] = {}
    if render_status is not None:
        status["renderStatus"] = render_status
    return {
        "apiVersion": f"{PORCH_GROUP}/{VERSION}",
        "kind": "PackageRevisionResources",
        "metadata": meta,
        "spec": {
            "packageName": spec["packageName"],
            "workspaceName": spec["workspaceName"],
            "revision": spec["revision"],
            "repository": spec["repository"],
            "resources": dict(sorted(files.items())),
        },
        "status": status,
    }


def kptfile_summary(kptfile: Any) -> dict[str, Any]:
    """What the API objects mirror from a parsed Kptfile: metadata labels/annotations
    (spec.packageMetadata), info.readinessGates, status.conditions, upstreamLock."""
    if not isinstance(kptfile, dict):
        return {}
    meta = kptfile.get("metadata") or {}
    info = kptfile.get("info") or {}
    status = kptfile.get("status") or {}
    found: dict[str, Any] = {
        "labels": _strings(meta.get("labels") if isinstance(meta, dict) else None),
        "annotations": _strings(meta.get("annotations") if isinstance(meta, dict) else None),
        "readinessGates": [
            {"conditionType": str(g.get("conditionType", ""))}
            for g in (info.get("readinessGates") or [] if isinstance(info, dict) else [])
            if isinstance(g, dict)
        ],
        "conditions": [
            {k: str(c[k]) for k in ("type", "status", "reason", "message") if k in c}
            for c in (status.get("conditions") or [] if isinstance(status, dict) else [])
            if isinstance(c, dict)
        ],
        "upstreamLock": kptfile.get("upstreamLock")
        if isinstance(kptfile.get("upstreamLock"), dict)
        else None,
    }
    return {k: v for k, v in found.items() if v}


def _strings(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(k): str(v) for k, v in value.items()}


def _task(task: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"type": task.type}
    for key in ("init", "clone", "edit", "upgrade"):
        value = getattr(task, key)
        if value is not None:
            out[key] = value
    return out


def _metadata(
    *,
    name: str,
    namespace: str,
    uid: str,
    created: str,
    generation: int,
    labels: dict[str, str],
    annotations: dict[str, str],
) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "name": name,
        "namespace": namespace,
        "uid": uid,
        "creationTimestamp": created,
        "generation": generation,
    }
    if labels:
        meta["labels"] = dict(labels)
    if annotations:
        meta["annotations"] = dict(annotations)
    return meta


__all__ = [
    "CONFIG_GROUP",
    "PORCH_GROUP",
    "VERSION",
    "kptfile_summary",
    "repository_object",
    "resources_object",
    "revision_object",
    "revision_objects",
]
