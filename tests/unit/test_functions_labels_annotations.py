"""set-labels and set-annotations: config forms, which fields they touch, results."""

from __future__ import annotations

import pytest

from porch.functions import set_annotations, set_labels
from porch.functions.failures import FunctionFailed
from porch.krm import yamlio
from porch.krm.resourcelist import ResourceList, set_annotation


def rl_of(items: str, config: str | None) -> ResourceList:
    return ResourceList(
        items=yamlio.load_all(items),
        function_config=yamlio.load(config) if config is not None else None,
    )


WORKLOADS = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: d # keep me
spec:
  template:
    spec: {}
---
apiVersion: batch/v1
kind: Job
metadata: {name: j}
spec:
  selector:
    matchLabels: {app: old}
  template:
    metadata: {}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: local
  annotations: {config.kubernetes.io/local-config: "true"}
"""
LABELS_CM = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: f}\ndata: {app: web, num: '1'}\n"


@pytest.mark.parametrize(
    "config",
    [
        LABELS_CM,
        "apiVersion: fn.kpt.dev/v1alpha1\nkind: SetLabels\nmetadata: {name: f}\n"
        "labels: {app: web, num: '1'}\n",
    ],
)
def test_set_labels_config_forms(config: str) -> None:
    rl = set_labels.run(rl_of(WORKLOADS, config))
    deployment, job, local = rl.items
    assert deployment["metadata"]["labels"] == {"app": "web", "num": "1"}
    assert deployment["spec"]["selector"]["matchLabels"] == {"app": "web", "num": "1"}  # created
    assert deployment["spec"]["template"]["metadata"]["labels"] == {"app": "web", "num": "1"}
    assert job["spec"]["selector"]["matchLabels"] == {"app": "web"}  # only existing keys
    assert "labels" not in local["metadata"]
    assert rl.results == [{"message": "set 12 labels in total", "severity": "info"}]


def test_set_labels_keeps_comments_and_quotes_numeric_values() -> None:
    text = yamlio.dump(set_labels.run(rl_of(WORKLOADS, LABELS_CM)).items[0])
    assert "name: d # keep me" in text
    assert 'num: "1"' in text


def test_set_labels_without_config_fails_like_the_catalog() -> None:
    with pytest.raises(FunctionFailed) as failure:
        set_labels.run(rl_of(WORKLOADS, None))
    assert failure.value.results == [
        {"message": "`FunctionConfig` is not given", "severity": "info"}
    ]


def test_set_labels_rejects_unknown_kinds() -> None:
    with pytest.raises(FunctionFailed, match="unknown FunctionConfig"):
        set_labels.run(rl_of(WORKLOADS, "apiVersion: v1\nkind: Secret\nmetadata: {name: f}\n"))


ANNOTATIONS_CM = (
    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: f}\ndata: {team: a, enabled: 'true'}\n"
)


def test_set_annotations_touches_every_item_and_pod_templates() -> None:
    items = rl_of(WORKLOADS, ANNOTATIONS_CM).items
    for number, item in enumerate(items):
        set_annotation(item, "config.kubernetes.io/path", f"f{number}.yaml")
    rl = set_annotations.run(ResourceList(items=items, function_config=yamlio.load(ANNOTATIONS_CM)))
    deployment, job, local = rl.items
    assert deployment["metadata"]["annotations"]["team"] == "a"
    assert deployment["spec"]["template"]["metadata"]["annotations"] == {
        "enabled": "true",
        "team": "a",
    }
    assert job["spec"]["template"]["metadata"]["annotations"]["team"] == "a"
    assert local["metadata"]["annotations"]["team"] == "a"  # local config is annotated too
    assert 'enabled: "true"' in yamlio.dump(local)
    assert rl.results[0] == {
        "message": 'set annotations: {"enabled":"true","team":"a"}',
        "field": {"path": "metadata.annotations"},
        "file": {"path": "f0.yaml"},
    }


def test_set_annotations_additional_fields() -> None:
    config = """\
apiVersion: fn.kpt.dev/v1alpha1
kind: SetAnnotations
metadata: {name: f}
annotations: {a: b}
additionalAnnotationFields:
- {kind: Widget, group: example.com, version: v1, path: spec/selector/annotations, create: true}
"""
    items = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {}\n"
    rl = set_annotations.run(rl_of(items, config))
    assert rl.items[0]["spec"]["selector"]["annotations"] == {"a": "b"}


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: f}\n",
            "input annotation list cannot be empty",
        ),
        (
            "apiVersion: v1\nkind: Secret\nmetadata: {name: f}\n",
            "must be a `ConfigMap` or `SetAnnotations`",
        ),
    ],
)
def test_set_annotations_bad_config(config: str, message: str) -> None:
    with pytest.raises(FunctionFailed, match=message):
        set_annotations.run(rl_of(WORKLOADS, config))
