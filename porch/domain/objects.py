"""Render aggregate states as the Kubernetes objects the API serves.

The orchestrator stores these in the projection buckets; the apiserver only adds
``metadata.resourceVersion`` (the bucket revision). Computed fields live here, in one
place: the ``kpt.dev/latest-revision`` label, ``status.deployment``, the Ready condition.
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
    spec: dict[str, Any] = {
        "packageName": pkg.package,
        "repository": pkg.repository,
        "workspaceName": rev.workspace,
        "revision": rev.revision,
        "lifecycle": rev.lifecycle,
        "tasks": [_task(t) for t in rev.tasks],
    }
    status: dict[str, Any] = {"deployment": deployment}
    if rev.published_by:
        status["publishedBy"] = rev.published_by
        status["publishTimestamp"] = rev.published_at
    if rev.synced_commit:
        status["selfLock"] = {
            "type": "git",
            "git": {"ref": rev.synced_ref, "commit": rev.synced_commit},
        }
    return {
        "apiVersion": f"{PORCH_GROUP}/{VERSION}",
        "kind": "PackageRevision",
        "metadata": _metadata(
            name=names.revision_name(
                repository=pkg.repository, package=pkg.package, workspace=rev.workspace
            ),
            namespace=pkg.namespace,
            uid=rev.uid,
            created=rev.created,
            generation=rev.generation,
            labels=labels,
            annotations=rev.annotations,
        ),
        "spec": spec,
        "status": status,
    }


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
    "repository_object",
    "revision_object",
    "revision_objects",
]
