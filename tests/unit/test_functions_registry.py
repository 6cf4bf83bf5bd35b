"""The builtin function registry resolves catalog image names and nothing else."""

from __future__ import annotations

import pytest

from porch.functions import registry, set_labels, set_namespace


@pytest.mark.parametrize(
    "image",
    [
        "gcr.io/kpt-fn/set-namespace:v0.4.1",
        "gcr.io/kpt-fn/set-namespace:unstable",
        "ghcr.io/kptdev/krm-functions-catalog/set-namespace:latest",
        "ghcr.io/kptdev/krm-functions-catalog/set-namespace@sha256:0123abcd",
        "set-namespace",
        "set-namespace:v0.4",
    ],
)
def test_catalog_names_resolve_to_the_port(image: str) -> None:
    found = registry.lookup(image)
    # set-namespace's output is sorted like the Go SDK's, around the port itself.
    assert getattr(found, "__wrapped__", None) is set_namespace.run


@pytest.mark.parametrize(
    "image",
    [
        "docker.io/library/nginx:1.2",
        "gcr.io/other/set-labels:v1",
        "gcr.io/kpt-fn/kubeconform:v0.1",
        "example.com/set-labels",
        "",
    ],
)
def test_unknown_images_fall_through(image: str) -> None:
    assert registry.lookup(image) is None


def test_names_lists_every_port_and_each_resolves() -> None:
    names = registry.names()
    assert "starlark" in names
    assert "set-labels" in names
    assert names == sorted(names)
    assert all(registry.lookup(f"gcr.io/kpt-fn/{name}:v1") is not None for name in names)
    assert getattr(registry.lookup("set-labels"), "__wrapped__", None) is set_labels.run
