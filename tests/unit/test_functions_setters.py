"""apply-setters, create-setters and list-setters on ``# kpt-set:`` comments."""

from __future__ import annotations

import pytest

from porch.functions import apply_setters, create_setters, list_setters, setters
from porch.functions.failures import FunctionFailed
from porch.krm import yamlio
from porch.krm.resourcelist import ResourceList

RESOURCE = """\
apiVersion: v1
kind: MyKind
metadata:
  name: foo # kpt-set: ${name}
  annotations:
    config.kubernetes.io/path: r.yaml
spec:
  image: "nginx:1.1" # kpt-set: ${image}:${tag}
  replicas: 4 # kpt-set: ${replicas}
  envs: # kpt-set: ${envs}
  - dev
  - stage
  flow: [a, b] # kpt-set: ${flow}
"""


def config(data: str) -> str:
    return f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: setters}}\ndata:\n{data}"


def apply(data: str) -> ResourceList:
    rl = ResourceList(items=yamlio.load_all(RESOURCE), function_config=yamlio.load(config(data)))
    return apply_setters.run(rl)


def test_apply_setters_substitutes_and_keeps_styles_and_comments() -> None:
    rl = apply("  tag: '1.2'\n  replicas: '3'\n  envs: |-\n    - prod\n")
    text = yamlio.dump(rl.items[0])
    assert 'image: "nginx:1.2" # kpt-set: ${image}:${tag}' in text  # ${image} recovered
    assert "replicas: 3 # kpt-set: ${replicas}" in text  # tag cleared: an int again
    assert "envs: # kpt-set: ${envs}\n  - prod\n" in text
    assert "name: foo # kpt-set: ${name}" in text  # not mentioned: untouched
    assert rl.results[1] == {
        "message": 'set field value to "nginx:1.2"',
        "field": {"path": "spec.image"},
        "file": {"path": "r.yaml"},
    }


def test_apply_empty_array_value_writes_a_flow_list() -> None:
    text = yamlio.dump(apply("  envs: ''\n").items[0])
    assert "envs: [] # kpt-set: ${envs}" in text


def test_apply_reports_no_match() -> None:
    assert apply("  other: x\n").results == [{"message": "no matches for input setter(s)"}]


def test_apply_unresolvable_setter_fails() -> None:
    rl = ResourceList(
        items=yamlio.load_all(
            "apiVersion: v1\nkind: K\nmetadata: {name: a}\nx: '' # kpt-set: ${a}-${b}\n"
        ),
        function_config=yamlio.load(config("  a: one\n")),
    )
    with pytest.raises(FunctionFailed, match=r"values for setters \[\$\{b\}\] must be provided"):
        apply_setters.run(rl)


def test_current_values_are_recovered_unanchored() -> None:
    assert setters.current_values("${image}:${tag}", "nginx:1.1") == {
        "image": "nginx",
        "tag": "1.1",
    }
    assert setters.current_values("${a}-x", "-x") == {}


def test_create_setters_marks_scalars_and_arrays() -> None:
    plain = RESOURCE.replace(" # kpt-set: ${name}", "").replace(" # kpt-set: ${image}:${tag}", "")
    plain = plain.replace(" # kpt-set: ${replicas}", "").replace(" # kpt-set: ${envs}", "")
    rl = ResourceList(
        items=yamlio.load_all(plain),
        function_config=yamlio.load(
            config("  tag: '1.1'\n  envs: |-\n    - stage\n    - dev\n  n: '4'\n")
        ),
    )
    text = yamlio.dump(create_setters.run(rl).items[0])
    assert 'image: "nginx:1.1" # kpt-set: nginx:${tag}' in text
    assert "replicas: 4 # kpt-set: ${n}" in text
    assert "envs: # kpt-set: ${envs}" in text


def test_create_setters_without_matches_fails() -> None:
    rl = ResourceList(
        items=yamlio.load_all(RESOURCE), function_config=yamlio.load(config("  x: nothing\n"))
    )
    with pytest.raises(FunctionFailed, match="no matches for the input list of setters"):
        create_setters.run(rl)


def test_list_setters_reports_values_types_and_counts() -> None:
    rl = list_setters.run(ResourceList(items=yamlio.load_all(RESOURCE)))
    assert [r["message"] for r in rl.results] == [
        "Name: envs, Value: [dev, stage], Type: array, Count: 1",
        "Name: flow, Value: [a, b], Type: array, Count: 1",
        "Name: image, Value: nginx, Type: str, Count: 1",
        "Name: name, Value: foo, Type: str, Count: 1",
        "Name: replicas, Value: 4, Type: int, Count: 1",
        "Name: tag, Value: 1.1, Type: str, Count: 1",
    ]
