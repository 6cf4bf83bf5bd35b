"""Kubernetes objects of the pod pool, as plain JSON-shaped dicts, and how to read them back.

Why: the pod backend's requests and decisions (what to create, is it ready, is it
expired) are pure functions of the image, the settings and the objects the API returned,
so they are kept apart from the client calls and tested without a cluster.

Each function image gets Pods (``generateName``) labelled with a key derived from the image
and one Service of that key's name in front of them. A pod follows Porch's contract: an
init container copies the wrapper server out of ``wrapper_server_image`` into a shared
``emptyDir``; the ``function`` container runs the function image with the wrapper server
as its command and the function's entrypoint after ``--``, serving
``evaluator.FunctionEvaluator`` (and gRPC health, which the readiness probe calls) on
``port``. The annotation ``fn.kpt.dev/reclaim-after`` (Unix seconds) says when an idle pod
may be deleted; each use pushes it forward.

Pure: no I/O, no clock (times are arguments). It must not call the API.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any, Literal

MANAGED_BY_LABEL = "app.kubernetes.io/managed-by"
MANAGED_BY = "porch-fn-runner"
IMAGE_LABEL = "fn.kpt.dev/image"
IMAGE_ANNOTATION = "fn.kpt.dev/image-ref"
RECLAIM_AFTER = "fn.kpt.dev/reclaim-after"
SAFE_TO_EVICT = "cluster-autoscaler.kubernetes.io/safe-to-evict"
CONTAINER = "function"
TOOLS_VOLUME = "wrapper-server-tools"
TOOLS_PATH = "/wrapper-server-tools"

# Waiting reasons after which a pod will not become ready without someone's help.
FATAL_WAITING = frozenset(
    {
        "ErrImagePull",
        "ImagePullBackOff",
        "InvalidImageName",
        "ErrImageNeverPull",
        "CrashLoopBackOff",
        "CreateContainerConfigError",
        "CreateContainerError",
        "RunContainerError",
    }
)


@dataclass(frozen=True, slots=True)
class PodTemplate:
    """What every function pod shares (from the runner's settings)."""

    namespace: str
    wrapper_server_image: str
    wrapper_server_source: str = "/home/nonroot/wrapper-server/."
    port: int = 9446
    entrypoint: tuple[str, ...] = ("function",)
    max_message_bytes: int = 6 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class PodState:
    phase: Literal["ready", "pending", "failed"]
    reason: str = ""


def image_key(image: str) -> str:
    """A DNS-1035 label (<= 63 chars) unique to ``image``: readable prefix plus a hash."""
    digest = hashlib.sha256(image.encode()).hexdigest()[:10]
    name = image.rsplit("/", 1)[-1]
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40].rstrip("-")
    return f"fn-{slug}-{digest}" if slug else f"fn-{digest}"


def managed_selector() -> str:
    return f"{MANAGED_BY_LABEL}={MANAGED_BY}"


def image_selector(image: str) -> str:
    return f"{managed_selector()},{IMAGE_LABEL}={image_key(image)}"


def _labels(image: str) -> dict[str, str]:
    return {MANAGED_BY_LABEL: MANAGED_BY, IMAGE_LABEL: image_key(image)}


def pod_manifest(image: str, template: PodTemplate, *, reclaim_after: int) -> dict[str, Any]:
    key = image_key(image)
    tools = {"name": TOOLS_VOLUME, "mountPath": TOOLS_PATH}
    args = ["--port", str(template.port)]
    args += ["--max-request-body-size", str(template.max_message_bytes), "--"]
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "generateName": f"{key}-",
            "namespace": template.namespace,
            "labels": _labels(image),
            "annotations": {
                IMAGE_ANNOTATION: image,
                RECLAIM_AFTER: str(reclaim_after),
                SAFE_TO_EVICT: "true",
            },
        },
        "spec": {
            # Functions get no Kubernetes credentials and no service environment variables.
            "automountServiceAccountToken": False,
            "enableServiceLinks": False,
            "restartPolicy": "Always",
            "initContainers": [
                {
                    "name": "copy-wrapper-server",
                    "image": template.wrapper_server_image,
                    "command": ["cp", "-a", template.wrapper_server_source, TOOLS_PATH],
                    "volumeMounts": [tools],
                }
            ],
            "containers": [
                {
                    "name": CONTAINER,
                    "image": image,
                    "command": [f"{TOOLS_PATH}/wrapper-server"],
                    "args": args + list(template.entrypoint),
                    "ports": [{"name": "grpc", "containerPort": template.port}],
                    "readinessProbe": {"grpc": {"port": template.port}, "periodSeconds": 2},
                    "volumeMounts": [tools],
                }
            ],
            "volumes": [{"name": TOOLS_VOLUME, "emptyDir": {}}],
        },
    }


def service_manifest(image: str, template: PodTemplate) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {
            "name": image_key(image),
            "namespace": template.namespace,
            "labels": _labels(image),
            "annotations": {IMAGE_ANNOTATION: image},
        },
        "spec": {
            "selector": _labels(image),
            "ports": [
                {
                    "name": "grpc",
                    "port": template.port,
                    "targetPort": template.port,
                    "protocol": "TCP",
                }
            ],
        },
    }


def reclaim_patch(reclaim_after: int) -> dict[str, Any]:
    """A JSON merge patch pushing the reclaim time forward."""
    return {"metadata": {"annotations": {RECLAIM_AFTER: str(reclaim_after)}}}


def pod_state(pod: dict[str, Any]) -> PodState:
    """Ready, still starting, or failed for good (with the reason)."""
    status = pod.get("status") or {}
    if (pod.get("metadata") or {}).get("deletionTimestamp"):
        return PodState("failed", "being deleted")
    if status.get("phase") in ("Failed", "Succeeded"):
        why = status.get("reason") or status.get("message") or ""
        return PodState("failed", f"pod {status['phase']}{': ' + why if why else ''}")
    for container in (status.get("initContainerStatuses") or []) + (
        status.get("containerStatuses") or []
    ):
        waiting = (container.get("state") or {}).get("waiting") or {}
        if waiting.get("reason") in FATAL_WAITING:
            message = waiting.get("message") or ""
            return PodState("failed", f"{waiting['reason']}{': ' + message if message else ''}")
    for condition in status.get("conditions") or []:
        if condition.get("type") == "Ready" and condition.get("status") == "True":
            return PodState("ready")
    return PodState("pending")


def reclaim_after_of(obj: dict[str, Any]) -> int | None:
    value = ((obj.get("metadata") or {}).get("annotations") or {}).get(RECLAIM_AFTER)
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def reusable(pod: dict[str, Any], *, image: str, now: float) -> bool:
    """A pod another runner (or this one, earlier) left that can serve ``image`` now."""
    notes = (pod.get("metadata") or {}).get("annotations") or {}
    if notes.get(IMAGE_ANNOTATION) != image or pod_state(pod).phase == "failed":
        return False
    reclaim = reclaim_after_of(pod)
    return reclaim is None or reclaim > now


def expired(pod: dict[str, Any], *, now: float) -> bool:
    """Past its reclaim time, or failed: the GC scan deletes it."""
    if (pod.get("metadata") or {}).get("deletionTimestamp"):
        return False  # already going
    if pod_state(pod).phase == "failed":
        return True
    reclaim = reclaim_after_of(pod)
    return reclaim is not None and reclaim <= now


def name_of(obj: dict[str, Any]) -> str:
    return str((obj.get("metadata") or {}).get("name") or "")


def key_of(obj: dict[str, Any]) -> str:
    return str(((obj.get("metadata") or {}).get("labels") or {}).get(IMAGE_LABEL) or "")


def service_target(service: dict[str, Any], *, port: int) -> str | None:
    """``clusterIP:port`` of a Service, or None while it has no cluster IP."""
    ip = (service.get("spec") or {}).get("clusterIP")
    if not ip or ip == "None":
        return None
    return f"[{ip}]:{port}" if ":" in ip else f"{ip}:{port}"


__all__ = [
    "IMAGE_ANNOTATION",
    "IMAGE_LABEL",
    "MANAGED_BY",
    "MANAGED_BY_LABEL",
    "RECLAIM_AFTER",
    "PodState",
    "PodTemplate",
    "expired",
    "image_key",
    "image_selector",
    "key_of",
    "managed_selector",
    "name_of",
    "pod_manifest",
    "pod_state",
    "reclaim_after_of",
    "reclaim_patch",
    "reusable",
    "service_manifest",
    "service_target",
]
