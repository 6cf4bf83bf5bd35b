"""Pod pool objects and decisions as pure functions (no cluster, no client)."""

from __future__ import annotations

import re
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from porch_fnrunner import podspecs

TEMPLATE = podspecs.PodTemplate(namespace="fns", wrapper_server_image="wrapper:v1")
IMAGE = "ghcr.io/kptdev/krm-functions-catalog/set-labels:v0.2.0"


@given(st.text(min_size=1, max_size=300))
def test_image_key_is_a_dns_label(image: str) -> None:
    key = podspecs.image_key(image)
    assert len(key) <= 63 - 6  # room for generateName's random suffix
    assert re.fullmatch(r"[a-z]([-a-z0-9]*[a-z0-9])?", key)


def test_image_key_is_readable_and_distinct() -> None:
    assert podspecs.image_key(IMAGE).startswith("fn-set-labels-v0-2-0-")
    assert podspecs.image_key(IMAGE) != podspecs.image_key(IMAGE.replace("0.2.0", "0.2.1"))


def test_pod_manifest() -> None:
    pod = podspecs.pod_manifest(IMAGE, TEMPLATE, reclaim_after=123)
    meta, spec = pod["metadata"], pod["spec"]
    key = podspecs.image_key(IMAGE)
    assert meta["generateName"] == f"{key}-"
    assert meta["labels"] == {podspecs.MANAGED_BY_LABEL: "porch-fn-runner", "fn.kpt.dev/image": key}
    assert meta["annotations"]["fn.kpt.dev/reclaim-after"] == "123"
    assert meta["annotations"]["fn.kpt.dev/image-ref"] == IMAGE
    assert spec["automountServiceAccountToken"] is False
    (init,) = spec["initContainers"]
    assert init["command"] == [
        "cp",
        "-a",
        "/home/nonroot/wrapper-server/.",
        "/wrapper-server-tools",
    ]
    (function,) = spec["containers"]
    assert function["name"] == "function"
    assert function["image"] == IMAGE
    assert function["command"] == ["/wrapper-server-tools/wrapper-server"]
    assert function["args"] == [
        "--port",
        "9446",
        "--max-request-body-size",
        str(6 * 1024 * 1024),
        "--",
        "function",
    ]
    assert function["readinessProbe"]["grpc"] == {"port": 9446}


def test_service_selects_the_image_pods() -> None:
    service = podspecs.service_manifest(IMAGE, TEMPLATE)
    pod = podspecs.pod_manifest(IMAGE, TEMPLATE, reclaim_after=1)
    assert service["metadata"]["name"] == podspecs.image_key(IMAGE)
    assert service["spec"]["selector"].items() <= pod["metadata"]["labels"].items()
    assert (
        podspecs.service_target({"spec": {"clusterIP": "10.0.0.7"}}, port=9446) == "10.0.0.7:9446"
    )
    assert podspecs.service_target({"spec": {"clusterIP": "fd00::7"}}, port=1) == "[fd00::7]:1"
    assert podspecs.service_target({"spec": {}}, port=1) is None


def _pod(status: dict[str, Any], **meta: Any) -> dict[str, Any]:
    notes = {"fn.kpt.dev/image-ref": IMAGE, "fn.kpt.dev/reclaim-after": "100"}
    return {"metadata": {"annotations": notes, **meta}, "status": status}


READY = {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}


def test_pod_states() -> None:
    assert podspecs.pod_state(_pod(READY)).phase == "ready"
    assert podspecs.pod_state(_pod({"phase": "Pending"})).phase == "pending"
    waiting = {"state": {"waiting": {"reason": "ImagePullBackOff", "message": "nope"}}}
    pulled = podspecs.pod_state(_pod({"phase": "Pending", "containerStatuses": [waiting]}))
    assert (pulled.phase, pulled.reason) == ("failed", "ImagePullBackOff: nope")
    starting = {"state": {"waiting": {"reason": "PodInitializing"}}}
    assert podspecs.pod_state(_pod({"containerStatuses": [starting]})).phase == "pending"
    evicted = podspecs.pod_state(_pod({"phase": "Failed", "reason": "Evicted"}))
    assert (evicted.phase, evicted.reason) == ("failed", "pod Failed: Evicted")
    assert podspecs.pod_state(_pod(READY, deletionTimestamp="t")).phase == "failed"


def test_reuse_and_expiry() -> None:
    assert podspecs.reusable(_pod(READY), image=IMAGE, now=99)
    assert not podspecs.reusable(_pod(READY), image=IMAGE, now=100)
    assert not podspecs.reusable(_pod(READY), image="other:v1", now=0)
    assert podspecs.expired(_pod(READY), now=100)
    assert not podspecs.expired(_pod(READY), now=99)
    assert podspecs.expired(_pod({"phase": "Failed"}), now=0)
    assert not podspecs.expired(_pod({"phase": "Failed"}, deletionTimestamp="t"), now=1000)
    assert (
        podspecs.reclaim_after_of({"metadata": {"annotations": {podspecs.RECLAIM_AFTER: "x"}}})
        is None
    )


def test_reclaim_patch() -> None:
    assert podspecs.reclaim_patch(5) == {"metadata": {"annotations": {podspecs.RECLAIM_AFTER: "5"}}}
