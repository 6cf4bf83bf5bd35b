"""apply-replacements: kustomize replacement sources, targets, options and errors."""

from __future__ import annotations

import pytest

from porch.functions import apply_replacements
from porch.functions.failures import FunctionFailed
from porch.krm import yamlio
from porch.krm.resourcelist import ResourceList

ITEMS = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: source}
data:
  image: registry/app:1.2
  port: "8080"
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
      - name: app # the app
        image: old:0
      - name: side
        image: side:0
"""


def run(replacements: str, items: str = ITEMS) -> ResourceList:
    config = yamlio.load(
        "apiVersion: fn.kpt.dev/v1alpha1\nkind: ApplyReplacements\nmetadata: {name: r}\n"
        + replacements
    )
    return apply_replacements.run(
        ResourceList(items=yamlio.load_all(items), function_config=config)
    )


def test_list_selector_paths_are_replaced_in_place() -> None:
    rl = run("""\
replacements:
- source: {kind: ConfigMap, name: source, fieldPath: data.image}
  targets:
  - select: {kind: Deployment}
    fieldPaths: ['spec.template.spec.containers.[name=app].image']
""")
    text = yamlio.dump(rl.items[1])
    assert "- name: app # the app\n        image: registry/app:1.2" in text
    assert "image: side:0" in text


def test_delimiter_options_on_source_and_target() -> None:
    rl = run("""\
replacements:
- source: {kind: ConfigMap, fieldPath: data.image, options: {delimiter: ':', index: 1}}
  targets:
  - select: {name: web}
    fieldPaths: [spec.template.spec.containers.*.image]
    options: {delimiter: ':', index: 1}
""")
    images = [c["image"] for c in rl.items[1]["spec"]["template"]["spec"]["containers"]]
    assert images == ["old:1.2", "side:1.2"]


def test_create_adds_missing_fields_and_reject_excludes() -> None:
    rl = run("""\
replacements:
- source: {kind: ConfigMap, fieldPath: data.port}
  targets:
  - select: {}
    reject: [{kind: ConfigMap}]
    fieldPaths: [metadata.annotations.port]
    options: {create: true}
""")
    assert rl.items[1]["metadata"]["annotations"] == {"port": "8080"}
    assert "annotations" not in rl.items[0]["metadata"]


@pytest.mark.parametrize(
    ("replacements", "message"),
    [
        ("replacements:\n- source: {kind: Secret}\n  targets: []\n", "nothing selected"),
        (
            "replacements:\n- source: {kind: ConfigMap}\n  targets:\n"
            "  - select: {kind: Deployment}\n    fieldPaths: [spec.missing.field]\n",
            "unable to find field",
        ),
    ],
)
def test_errors(replacements: str, message: str) -> None:
    with pytest.raises(FunctionFailed, match=message):
        run(replacements)


def test_only_apply_replacements_config_is_accepted() -> None:
    rl = ResourceList(
        items=[],
        function_config=yamlio.load("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"),
    )
    with pytest.raises(FunctionFailed, match="only functionConfig of kind ApplyReplacements"):
        apply_replacements.run(rl)
