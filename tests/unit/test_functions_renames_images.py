"""ensure-name-substring and set-image: names, references, images and their configs."""

from __future__ import annotations

import pytest

from porch.functions import ensure_name_substring, set_image
from porch.functions.failures import FunctionFailed
from porch.krm import yamlio
from porch.krm.resourcelist import ResourceList

APP = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
  namespace: ns
  annotations:
    config.kubernetes.io/path: app.yaml
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ns
  annotations:
    config.kubernetes.io/depends-on: /namespaces/ns/ConfigMap/cfg
spec:
  template:
    spec:
      serviceAccountName: robot
      containers:
      - name: app
        image: nginx:1.20
        envFrom:
        - configMapRef: {name: cfg}
---
apiVersion: v1
kind: Namespace
metadata: {name: ns}
---
apiVersion: v1
kind: Service
metadata: {name: prod-svc, namespace: ns}
"""


def ensure(config: str) -> ResourceList:
    return ensure_name_substring.run(
        ResourceList(items=yamlio.load_all(APP), function_config=yamlio.load(config))
    )


def test_prefix_renames_and_fixes_references() -> None:
    rl = ensure("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: f}\ndata: {prepend: prod-}\n")
    cfg, web, namespace, svc = rl.items
    assert cfg["metadata"]["name"] == "prod-cfg"
    assert web["metadata"]["name"] == "prod-web"
    container = web["spec"]["template"]["spec"]["containers"][0]
    assert container["envFrom"][0]["configMapRef"]["name"] == "prod-cfg"
    assert web["spec"]["template"]["spec"]["serviceAccountName"] == "robot"  # not in the list
    assert web["metadata"]["annotations"]["config.kubernetes.io/depends-on"] == (
        "/namespaces/ns/ConfigMap/prod-cfg"
    )
    assert namespace["metadata"]["name"] == "ns"  # Namespaces keep their names
    assert svc["metadata"]["name"] == "prod-svc"  # already contains the substring
    assert "annotations" not in cfg["metadata"]  # file bookkeeping dropped like the catalog


def test_suffix_with_custom_config_and_extra_fields() -> None:
    config = """\
apiVersion: fn.kpt.dev/v1alpha1
kind: EnsureNameSubstring
metadata: {name: f}
substring: -v2
editMode: append
additionalNameFields:
- {kind: Deployment, path: spec/template/spec/serviceAccountName}
"""
    web = ensure(config).items[1]
    assert web["metadata"]["name"] == "web-v2"
    assert web["spec"]["template"]["spec"]["serviceAccountName"] == "robot-v2"


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: f}\ndata: {a: b, c: d}\n",
            "only 1 entry",
        ),
        (
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: f}\ndata: {middle: x}\n",
            "unknown editMode",
        ),
        (
            "apiVersion: fn.kpt.dev/v1alpha1\nkind: EnsureNameSubstring\nmetadata: {name: f}\n",
            "must not be empty",
        ),
    ],
)
def test_ensure_bad_config(config: str, message: str) -> None:
    with pytest.raises(FunctionFailed, match=message):
        ensure(config)


def image_config(**data: str) -> ResourceList:
    config = yamlio.load("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: f}\n")
    config["data"] = yamlio.to_node(data)
    return set_image.run(ResourceList(items=yamlio.load_all(APP), function_config=config))


@pytest.mark.parametrize(
    ("data", "image"),
    [
        ({"name": "nginx", "newTag": "1.21"}, "nginx:1.21"),
        ({"name": "nginx", "newName": "bitnami/nginx"}, "bitnami/nginx:1.20"),
        ({"name": "nginx", "digest": "sha256:abc"}, "nginx@sha256:abc"),
        ({"name": "other", "newTag": "2"}, "nginx:1.20"),
    ],
)
def test_set_image(data: dict[str, str], image: str) -> None:
    rl = image_config(**data)
    container = rl.items[1]["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == image
    changed = 0 if image == "nginx:1.20" else 1
    assert rl.results == [
        {"message": f"summary: updated a total of {changed} image(s)", "severity": "info"}
    ]


def test_image_split_keeps_registry_ports() -> None:
    assert set_image.split("host:5000/app:1.0@sha256:ab") == ("host:5000/app", "1.0", "sha256:ab")
    assert set_image.split("app") == ("app", "", "")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"newTag": "1"}, "must specify `name`"),
        ({"name": "nginx"}, "must specify one of"),
        ({"name": "nginx", "tag": "1"}, "wrong field name tag"),
    ],
)
def test_set_image_bad_config(data: dict[str, str], message: str) -> None:
    with pytest.raises(FunctionFailed, match=message):
        image_config(**data)
