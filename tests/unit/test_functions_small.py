"""upsert-resource, remove-local-config-resources, set-enforcement-action and fix."""

from __future__ import annotations

import pytest

from porch.functions import (
    fix,
    remove_local_config_resources,
    set_enforcement_action,
    upsert_resource,
)
from porch.functions.failures import FunctionFailed
from porch.krm import yamlio
from porch.krm.resourcelist import ResourceList

SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: svc
  namespace: ns
  annotations:
    config.kubernetes.io/path: svc.yaml
    config.kubernetes.io/index: '1'
spec:
  selector: {app: old}
"""


def test_upsert_replaces_a_match_in_place() -> None:
    config = (
        "apiVersion: v1\nkind: Service\nmetadata: {name: svc, namespace: ns}\n"
        "spec: {selector: {app: new}}\n"
    )
    rl = upsert_resource.run(
        ResourceList(items=yamlio.load_all(SERVICE), function_config=yamlio.load(config))
    )
    assert len(rl.items) == 1
    assert rl.items[0]["spec"]["selector"]["app"] == "new"
    assert rl.items[0]["metadata"]["annotations"]["config.kubernetes.io/index"] == "1"


def test_upsert_adds_at_target_path_when_paths_differ() -> None:
    config = """\
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Service
  metadata:
    name: svc
    namespace: ns
    annotations: {config.kubernetes.io/target-path: sub/svc.yaml}
"""
    rl = upsert_resource.run(
        ResourceList(items=yamlio.load_all(SERVICE), function_config=yamlio.load(config))
    )
    assert len(rl.items) == 2
    notes = rl.items[1]["metadata"]["annotations"]
    assert notes["config.kubernetes.io/path"] == "sub/svc.yaml"
    assert "config.kubernetes.io/target-path" not in notes


def test_remove_local_config_resources() -> None:
    items = (
        SERVICE
        + "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: local\n  annotations:\n"
        + ("    config.kubernetes.io/local-config: 'True'\n    config.kubernetes.io/path: l.yaml\n")
    )
    rl = remove_local_config_resources.run(ResourceList(items=yamlio.load_all(items)))
    assert [i["metadata"]["name"] for i in rl.items] == ["svc"]
    assert rl.results == [
        {"message": "Number of resources pruned: 1", "severity": "info"},
        {"message": "Resource name: [local]", "severity": "info", "file": {"path": "l.yaml"}},
    ]
    assert (
        remove_local_config_resources.run(ResourceList(items=rl.items)).results[-1]["severity"]
        == "warning"
    )


CONSTRAINT = (
    "apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sRule\nmetadata: {name: c}\n"
    "spec: {enforcementAction: deny}\n"
)


def test_set_enforcement_action() -> None:
    config = yamlio.load(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: f}\ndata: {enforcementAction: warn}\n"
    )
    rl = set_enforcement_action.run(
        ResourceList(items=yamlio.load_all(CONSTRAINT), function_config=config)
    )
    assert rl.items[0]["spec"]["enforcementAction"] == "warn"
    assert rl.results[0] == {"message": "Number of policies set to [warn]: 1", "severity": "info"}


@pytest.mark.parametrize("data", ["{enforcementAction: block}", "{a: b, enforcementAction: warn}"])
def test_set_enforcement_action_rejects_bad_config(data: str) -> None:
    config = yamlio.load(f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: f}}\ndata: {data}\n")
    with pytest.raises(FunctionFailed, match="failed to process policies"):
        set_enforcement_action.run(
            ResourceList(items=yamlio.load_all(CONSTRAINT), function_config=config)
        )


OLD_KPTFILE = """\
apiVersion: kpt.dev/v1alpha1
kind: Kptfile
metadata:
  name: pkg
  annotations: {config.kubernetes.io/path: Kptfile}
packageMetadata: {shortDescription: demo}
openAPI:
  definitions:
    io.k8s.cli.setters.replicas:
      x-k8s-cli: {setter: {name: replicas, value: "3"}}
    io.k8s.cli.setters.tag:
      x-k8s-cli: {setter: {name: tag, value: "1.0"}}
    io.k8s.cli.substitutions.image:
      x-k8s-cli:
        substitution:
          name: image
          pattern: nginx:TAG
          values: [{marker: TAG, ref: '#/definitions/io.k8s.cli.setters.tag'}]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
  annotations: {config.kubernetes.io/path: d.yaml}
spec:
  replicas: 3 # {"$kpt-set":"replicas"}
  image: nginx:1.0 # {"$kpt-set":"image"}
"""


def test_fix_upgrades_kptfile_and_setter_comments() -> None:
    rl = fix.run(ResourceList(items=yamlio.load_all(OLD_KPTFILE)))
    kptfile, deployment, setters = rl.items
    assert kptfile["apiVersion"] == "kpt.dev/v1"
    assert kptfile["info"] == {"description": "demo"}
    assert kptfile["pipeline"]["mutators"][0] == {
        "image": fix.APPLY_SETTERS,
        "configPath": "setters.yaml",
    }
    text = yamlio.dump(deployment)
    assert "replicas: 3 # kpt-set: ${replicas}" in text
    assert "image: nginx:1.0 # kpt-set: nginx:${tag}" in text
    assert setters["data"] == {"replicas": "3", "tag": "1.0"}


def test_fix_needs_a_kptfile() -> None:
    with pytest.raises(FunctionFailed, match="Kptfile not found"):
        fix.run(ResourceList(items=yamlio.load_all(SERVICE)))
