"""What the poll timer polls: the target a Repository spec names."""

from __future__ import annotations

from porch.domain import syncwork
from porch_gitsync import polling


def test_an_oci_spec_is_polled_at_its_registry_with_its_secret() -> None:
    spec = {"type": "oci", "oci": {"registry": "r.example.com/bp", "secretRef": {"name": "s"}}}

    assert polling.target(spec) == syncwork.OciTarget(registry="r.example.com/bp", secret_ref="s")


def test_a_git_spec_is_polled_at_its_remote() -> None:
    url = "https://git.example.com/bp.git"
    spec = {"type": "git", "git": {"repo": url, "branch": "b"}}

    found = polling.target(spec)

    assert isinstance(found, syncwork.GitTarget)
    assert (found.url, found.branch, found.directory) == (url, "b", "/")


def test_a_spec_without_a_place_is_not_polled() -> None:
    assert polling.target({"type": "oci", "oci": {}}) is None
    assert polling.target({"type": "oci"}) is None
    assert polling.target({"type": "git", "git": {"repo": ""}}) is None
    assert polling.target({}) is None
