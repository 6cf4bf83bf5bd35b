"""Kptfiles as kpt rewrites them, and kpt's Kptfile 3-way merge."""

from __future__ import annotations

import pytest

from porch.errors import Invalid
from porch.kpt import kptfilemerge
from porch.kpt import pkg_kptfilestruct as struct
from porch.krm.yamlnode import Node

HEAD = "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: pkg\n"


def kf(text: str) -> Node:
    return struct.parse(text)


def pipeline(*functions: str) -> str:
    return HEAD + "pipeline:\n  mutators:\n" + "".join(functions)


def fn(image: str, **config: str) -> str:
    text = f"  - image: {image}\n"
    if config:
        text += "    configMap:\n" + "".join(f"      {k}: {v}\n" for k, v in config.items())
    return text


def test_kpt_writes_struct_order_sorted_maps_no_comments_and_wide_lists() -> None:
    text = (
        "# comment\napiVersion: kpt.dev/v1\nkind: Kptfile\n"
        "pipeline:\n  mutators:\n  - configMap: {b: '1', a: x}\n    image: fn:v1\n"
        "info: {description: d}\nmetadata:\n  annotations: {z: 'true', a: b}\n  name: p\n"
    )
    assert struct.dump(kf(text)) == (
        "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: p\n  annotations:\n"
        '    a: b\n    z: "true"\ninfo:\n  description: d\npipeline:\n  mutators:\n'
        '    - image: fn:v1\n      configMap:\n        a: x\n        b: "1"\n'
    )


def test_fields_without_omitempty_are_always_written() -> None:
    text = HEAD + "status:\n  conditions:\n  - type: Rendered\n    status: 'True'\n"
    out = struct.dump(kf(text))
    assert '    - type: Rendered\n      status: "True"\n' in out


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (HEAD + "extra: 1\n", "field extra not found in type v1.KptFile"),
        (HEAD + "pipeline:\n  mutators:\n  - image: x\n    foo: y\n", "field foo not found"),
        ("apiVersion: kpt.dev/v1alpha2\nkind: Kptfile\n", 'old resource version "v1alpha2"'),
        ("apiVersion: v1\nkind: ConfigMap\n", "unknown resource type"),
    ],
)
def test_kptfiles_are_read_strictly(text: str, message: str) -> None:
    with pytest.raises(Invalid, match=message):
        kf(text)


def test_functions_without_names_merge_by_image() -> None:
    origin = kf(pipeline(fn("set-namespace:v1", namespace="a"), fn("drop:v1")))
    updated = kf(pipeline(fn("set-namespace:v2", namespace="a"), fn("set-labels:v1", app="x")))
    local = kf(pipeline(fn("set-namespace:v1", namespace="mine"), fn("drop:v1"), fn("local:v1")))
    merged = kptfilemerge.merge(local, updated, origin)
    assert struct.dump(merged) == struct.dump(
        kf(
            pipeline(
                fn("set-namespace:v2", namespace="mine"),
                fn("local:v1"),
                fn("set-labels:v1", app="x"),
            )
        )
    )


def test_upstream_wins_when_both_sides_changed_a_field() -> None:
    origin = kf(pipeline(fn("set-namespace:v1", namespace="a")))
    updated = kf(pipeline(fn("set-namespace:v1", namespace="upstream")))
    local = kf(pipeline(fn("set-namespace:v1", namespace="local")))
    merged = kptfilemerge.merge(local, updated, origin)
    assert merged.lookup("pipeline", "mutators") is not None
    assert "namespace: upstream" in struct.dump(merged)


def test_named_functions_merge_by_name() -> None:
    named = "  - name: ns\n    image: set-namespace:v1\n"
    origin = kf(pipeline(named))
    updated = kf(pipeline(named.replace("v1", "v2")))
    local = kf(pipeline(named, "  - name: mine\n    image: x:v1\n"))
    out = struct.dump(kptfilemerge.merge(local, updated, origin))
    assert out.endswith(
        "    - image: set-namespace:v2\n      name: ns\n    - image: x:v1\n      name: mine\n"
    )


def test_only_some_sections_come_from_the_merge() -> None:
    local = kf(HEAD.replace("name: pkg", "name: local\n  namespace: ns") + "info:\n  site: a\n")
    updated = kf(
        HEAD.replace("name: pkg", "name: remote\n  labels:\n    l: v")
        + "upstream:\n  type: git\n  git:\n    repo: r\n    directory: /d\n    ref: v2\n"
        + "info:\n  site: b\n"
    )
    merged = kptfilemerge.merge(local, updated, None)
    assert struct.dump(merged) == (
        "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: local\n  namespace: ns\n"
        "  labels:\n    l: v\ninfo:\n  site: b\n"
    )
    nested = kptfilemerge.update(local, updated, None, take_upstream=True)
    assert nested.lookup("upstream", "git") is not None
    assert nested.text("upstream", "git", "ref") == "v2"


def test_merging_with_no_origin_adds_the_upstream_sections() -> None:
    local = struct.new("fresh")
    updated = kf(
        HEAD + "info:\n  description: upstream\n" + "pipeline:\n  mutators:\n" + fn("a:v1")
    )
    out = struct.dump(kptfilemerge.merge(local, updated, None))
    assert out == (
        "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: fresh\ninfo:\n"
        "  description: upstream\npipeline:\n  mutators:\n    - image: a:v1\n"
    )


def test_go_strings_are_quoted_like_go_yaml() -> None:
    assert struct.dump(struct.go_string("yes")) == '"yes"\n'
    assert struct.dump(struct.go_string("1:30")) == '"1:30"\n'
    assert struct.dump(struct.go_string("a: b")) == "'a: b'\n"
    assert struct.dump(struct.go_string("plain")) == "plain\n"
