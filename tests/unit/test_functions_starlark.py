"""starlark: config forms, edits merged into the original nodes, load(), failures, limits."""

from __future__ import annotations

import time

import pytest

from porch.functions import starlark
from porch.functions.failures import FunctionFailed
from porch.krm import yamlio
from porch.krm.resourcelist import ResourceList

ITEMS = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web # the web tier
  annotations:
    last-applied: '{"spec":{"replicas":3}}'
spec:
  replicas: 1
  template:
    spec:
      containers:
      - name: app
        image: "nginx:1.0" # pinned
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: doomed
"""


def star(source: str, *, items: str = ITEMS, **params: str) -> ResourceList:
    config = yamlio.load(
        "apiVersion: fn.kpt.dev/v1alpha1\nkind: StarlarkRun\nmetadata: {name: s}\n"
    )
    config["source"] = source
    if params:
        config["params"] = yamlio.to_node(params)
    return starlark.run(ResourceList(items=yamlio.load_all(items), function_config=config))


def test_edits_keep_comments_quotes_and_key_order() -> None:
    rl = star(
        'for r in ctx.resource_list["items"]:\n'
        '  if r["kind"] == "Deployment":\n'
        '    r["spec"]["replicas"] = 2\n'
        '    pod = r["spec"]["template"]["spec"]\n'
        '    pod["containers"].append({"name": "log", "image": "fluentd"})\n'
        '    r["metadata"]["namespace"] = "prod"\n'
    )
    text = yamlio.dump(rl.items[0])
    assert "name: web # the web tier\n" in text
    assert 'image: "nginx:1.0" # pinned' in text
    assert "replicas: 2\n" in text
    assert "- image: fluentd\n        name: log\n" in text  # new objects come out sorted
    assert text.index("annotations:") < text.index("namespace: prod")  # new keys appended


def test_items_can_be_dropped_and_generated() -> None:
    rl = star(
        'items = [r for r in ctx.resource_list["items"] if r["kind"] != "ConfigMap"]\n'
        'items.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "new"}})\n'
        'ctx.resource_list["items"] = items\n'
    )
    assert [i["metadata"]["name"] for i in rl.items] == ["web", "new"]
    assert "annotations" not in rl.items[1]["metadata"]


def test_untouched_items_stay_identical() -> None:
    before = yamlio.dump_all(yamlio.load_all(ITEMS))
    assert yamlio.dump_all(star("x = 1\n").items) == before


def test_configmap_config_and_params_are_visible() -> None:
    config = yamlio.load(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\n"
        "data:\n  replicas: '5'\n  source: |\n"
        '    for r in ctx.resource_list["items"]:\n'
        '      if r["kind"] == "Deployment":\n'
        '        data = ctx.resource_list["functionConfig"]["data"]\n'
        '        r["spec"]["replicas"] = int(data["replicas"])\n'
    )
    rl = starlark.run(ResourceList(items=yamlio.load_all(ITEMS), function_config=config))
    assert rl.items[0]["spec"]["replicas"] == 5
    rl = star(
        'params = ctx.resource_list["functionConfig"]["params"]\n'
        'ctx.resource_list["items"][0]["spec"]["replicas"] = int(params["n"])\n',
        n="7",
    )
    assert rl.items[0]["spec"]["replicas"] == 7


def test_load_json_and_other_libraries() -> None:
    rl = star(
        'load("encoding/json.star", "json")\n'
        'load("encoding/base64.star", "base64")\n'
        'load("encoding/yaml.star", "yaml")\n'
        'd = ctx.resource_list["items"][0]\n'
        'last = json.decode(d["metadata"]["annotations"]["last-applied"])\n'
        'd["spec"]["replicas"] = last["spec"]["replicas"] + 1\n'
        'parsed = yaml.loads("a: 1")["a"]\n'
        'd["metadata"]["labels"] = {"b64": base64.encode("hi"), "y": str(parsed)}\n'
    )
    assert rl.items[0]["spec"]["replicas"] == 4
    assert rl.items[0]["metadata"]["labels"] == {"b64": "aGk=", "y": "1"}


def test_fail_is_reported_like_the_catalog() -> None:
    with pytest.raises(FunctionFailed) as failure:
        star(
            'def check(items):\n  fail("no private keys", 42)\ncheck(ctx.resource_list["items"])\n'
        )
    assert failure.value.results == [{"message": "fail: no private keys 42", "severity": "error"}]


def test_syntax_errors_are_worded_like_go_starlark() -> None:
    with pytest.raises(FunctionFailed) as failure:
        star('def f(r):\n  return r["kind"] == "x" and\n  r["b"]\n')
    assert failure.value.results[0]["message"] == "s:2:30: got newline, want primary expression"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ('load("http.star", "http")\n', "cannot load http.star"),
        ('ctx.resource_list["items"] = "nope"\n', "must be a list of objects"),
        ('x = ctx.environment["HOME"]\n', "HOME"),
    ],
)
def test_sandbox_refuses_io_and_bad_output(source: str, message: str) -> None:
    with pytest.raises(FunctionFailed, match=message):
        star(source)


def test_runaway_scripts_are_cancelled() -> None:
    config = yamlio.load(
        "apiVersion: fn.kpt.dev/v1alpha1\nkind: StarlarkRun\nmetadata: {name: s}\n"
    )
    config["source"] = (
        "def spin():\n  for a in range(100000):\n    for b in range(100000):\n      pass\nspin()\n"
    )
    started = time.monotonic()
    with pytest.raises(FunctionFailed, match="cancelled"):
        starlark.execute(ResourceList(items=[], function_config=config), time_limit_seconds=0.2)
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (None, "FunctionConfig is missing"),
        (
            "apiVersion: fn.kpt.dev/v1alpha1\nkind: StarlarkRun\nmetadata: {name: s}\n",
            "`source` must not be empty",
        ),
        (
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: s}\n",
            "but we got: apps/v1, Kind=Deployment",
        ),
    ],
)
def test_bad_config(config: str | None, message: str) -> None:
    rl = ResourceList(items=[], function_config=yamlio.load(config) if config else None)
    with pytest.raises(FunctionFailed, match=message):
        starlark.run(rl)
