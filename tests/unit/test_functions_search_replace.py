"""search-replace: matchers, path patterns, capture groups, field creation, errors."""

from __future__ import annotations

import pytest

from porch.functions import search_replace
from porch.functions.failures import FunctionFailed
from porch.krm import yamlio
from porch.krm.resourcelist import ResourceList

ITEM = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: the-deployment
  namespace: space
  annotations:
    config.kubernetes.io/path: deploy/app.yaml
spec:
  template:
    spec:
      containers:
      - name: app
        image: nginx:1.7 # pinned
      - name: side
        image: busybox:1
"""


def run(**data: str) -> ResourceList:
    config = yamlio.load("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: f}\n")
    config["data"] = yamlio.to_node(data)
    return search_replace.run(ResourceList(items=yamlio.load_all(ITEM), function_config=config))


def test_value_and_path_match_replaces_and_keeps_comment() -> None:
    rl = run(**{"by-path": "spec.**.image", "by-value": "nginx:1.7", "put-value": "nginx:1.8"})
    assert "image: nginx:1.8 # pinned" in yamlio.dump(rl.items[0])
    assert rl.results == [
        {
            "message": 'Mutated field value to "nginx:1.8"',
            "field": {"path": "spec.template.spec.containers[0].image"},
            "file": {"path": "deploy/app.yaml"},
        }
    ]


def test_regex_capture_groups_fill_value_and_comment() -> None:
    rl = run(**{"by-value-regex": "(.*):1$", "put-value": "${1}:2", "put-comment": "was ${1}"})
    assert "image: busybox:2 # was busybox" in yamlio.dump(rl.items[0])


def test_search_only_reports_matches() -> None:
    rl = run(**{"by-path": "spec.template.spec.containers[*].name"})
    assert [r["message"] for r in rl.results] == [
        'Matched field value "app"',
        'Matched field value "side"',
    ]


def test_absolute_path_put_value_creates_the_field() -> None:
    rl = run(**{"by-path": "spec.replicas", "put-value": "3"})
    assert rl.items[0]["spec"]["replicas"] == 3


def test_file_glob_filters_items() -> None:
    assert run(**{"by-file-path": "other/**", "by-value": "app"}).results == [
        {"message": "no matches"}
    ]
    assert len(run(**{"by-file-path": "deploy/**", "by-value": "app"}).results) == 1


@pytest.mark.parametrize(
    ("elems", "pattern", "expected"),
    [
        ("a.b.c", "a.*.c", True),
        ("a.b.c", "**.c", True),
        ("a.c", "a.**.c", True),
        ("a.b[0].c", "a.b[*].c", True),
        ("a.b[0].c", "a.b[1].c", False),
        ("a.b", "a.b.c", False),
    ],
)
def test_path_patterns(elems: str, pattern: str, expected: bool) -> None:
    assert search_replace.match_path(elems.split("."), pattern.split(".")) is expected


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"by-name": "x"}, 'invalid matcher \\\\"by-name\\\\"'),
        ({"by-value": "a", "by-value-regex": "b"}, "only one of"),
    ],
)
def test_bad_config_fails(data: dict[str, str], message: str) -> None:
    with pytest.raises(FunctionFailed, match=message):
        run(**data)
