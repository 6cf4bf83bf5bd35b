"""Discovery documents and the resource registry (reference/apis.md §1)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from porch_apiserver import discovery, resources

KUBECTL_DISCOVERY_ACCEPT = (
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
    "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,"
    "application/json"
)


def test_registry_serves_exactly_repositories_packagerevisions_and_their_resources() -> None:
    assert [(r.group, r.version, r.plural, r.kind) for r in resources.RESOURCES] == [
        ("config.porch.kpt.dev", "v1alpha1", "repositories", "Repository"),
        ("porch.kpt.dev", "v1alpha1", "packagerevisions", "PackageRevision"),
        ("porch.kpt.dev", "v1alpha1", "packagerevisionresources", "PackageRevisionResources"),
    ]
    prr = resources.PACKAGE_REVISION_RESOURCES
    assert "create" not in prr.verbs
    assert "delete" not in prr.verbs
    assert {"get", "list", "update"} <= set(prr.verbs)
    repo = resources.REPOSITORIES
    assert repo.short_names == ("repo",)
    assert repo.categories == ("porch",)
    assert repo.list_kind == "RepositoryList"
    approval = resources.PACKAGE_REVISIONS.subresource("approval")
    assert approval == resources.SubresourceDef("approval", "PackageRevision", ("get", "update"))


def test_lookup_finds_by_group_version_plural() -> None:
    assert resources.lookup("porch.kpt.dev", "v1alpha1", "packagerevisions") is (
        resources.PACKAGE_REVISIONS
    )
    assert resources.lookup("porch.kpt.dev", "v1alpha1", "repositories") is None
    assert resources.lookup("porch.kpt.dev", "v1", "packagerevisions") is None
    assert resources.PACKAGE_REVISIONS.qualified_name == "packagerevisions.porch.kpt.dev"


def test_api_advertises_no_core_versions() -> None:
    assert discovery.api_versions() == {
        "kind": "APIVersions",
        "versions": [],
        "serverAddressByClientCIDRs": [],
    }
    assert discovery.aggregated_core() == {
        "kind": "APIGroupDiscoveryList",
        "apiVersion": "apidiscovery.k8s.io/v2",
        "metadata": {},
        "items": [],
    }


def test_api_group_list_names_both_groups_with_preferred_version() -> None:
    document = discovery.api_group_list()

    assert document["kind"] == "APIGroupList"
    assert document["apiVersion"] == "v1"
    by_name = {g["name"]: g for g in document["groups"]}
    assert set(by_name) == {"porch.kpt.dev", "config.porch.kpt.dev"}
    porch = by_name["porch.kpt.dev"]
    assert porch["versions"] == [{"groupVersion": "porch.kpt.dev/v1alpha1", "version": "v1alpha1"}]
    assert porch["preferredVersion"] == porch["versions"][0]


def test_api_group_documents_one_group() -> None:
    group = discovery.api_group("config.porch.kpt.dev")

    assert group is not None
    assert group["kind"] == "APIGroup"
    assert group["preferredVersion"]["groupVersion"] == "config.porch.kpt.dev/v1alpha1"
    assert discovery.api_group("apps") is None


def test_api_resource_list_includes_subresources() -> None:
    document = discovery.api_resource_list("porch.kpt.dev", "v1alpha1")

    assert document is not None
    assert document["groupVersion"] == "porch.kpt.dev/v1alpha1"
    by_name = {r["name"]: r for r in document["resources"]}
    assert set(by_name) == {
        "packagerevisions",
        "packagerevisions/approval",
        "packagerevisionresources",
    }
    assert by_name["packagerevisionresources"]["kind"] == "PackageRevisionResources"
    main = by_name["packagerevisions"]
    assert main["singularName"] == "packagerevision"
    assert main["namespaced"] is True
    assert main["kind"] == "PackageRevision"
    verbs = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"]
    assert main["verbs"] == verbs
    assert main["storageVersionHash"]
    assert by_name["packagerevisions/approval"]["verbs"] == ["get", "update"]
    assert by_name["packagerevisions/approval"]["kind"] == "PackageRevision"


def test_api_resource_list_for_repositories_has_short_name() -> None:
    document = discovery.api_resource_list("config.porch.kpt.dev", "v1alpha1")

    assert document is not None
    [repo] = document["resources"]
    assert repo["shortNames"] == ["repo"]
    assert repo["categories"] == ["porch"]
    assert discovery.api_resource_list("porch.kpt.dev", "v1") is None


def test_aggregated_discovery_describes_every_resource() -> None:
    document = discovery.aggregated_discovery()

    assert document["kind"] == "APIGroupDiscoveryList"
    assert document["apiVersion"] == "apidiscovery.k8s.io/v2"
    groups = {item["metadata"]["name"]: item for item in document["items"]}
    [version] = groups["porch.kpt.dev"]["versions"]
    assert version["version"] == "v1alpha1"
    assert version["freshness"] == "Current"
    prr, pr = version["resources"]  # sorted by name
    assert prr["resource"] == "packagerevisionresources"
    assert pr["resource"] == "packagerevisions"
    assert pr["responseKind"] == {
        "group": "porch.kpt.dev",
        "version": "v1alpha1",
        "kind": "PackageRevision",
    }
    assert pr["scope"] == "Namespaced"
    assert pr["singularResource"] == "packagerevision"
    assert pr["subresources"] == [
        {
            "subresource": "approval",
            "responseKind": pr["responseKind"],
            "verbs": ["get", "update"],
        }
    ]
    [repo] = groups["config.porch.kpt.dev"]["versions"][0]["resources"]
    assert repo["shortNames"] == ["repo"]
    assert "subresources" not in repo


def test_documents_are_fresh_copies() -> None:
    discovery.aggregated_discovery()["items"].clear()

    assert discovery.aggregated_discovery()["items"]


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (KUBECTL_DISCOVERY_ACCEPT, discovery.AGGREGATED_CONTENT_TYPE),
        ("application/json", None),
        ("", None),
        ("*/*", None),
        ("application/json, " + KUBECTL_DISCOVERY_ACCEPT, None),
        ("application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList", None),
        (
            "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,"
            "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList",
            discovery.AGGREGATED_CONTENT_TYPE,
        ),
        (
            "application/json;q=0.5, "
            "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList",
            discovery.AGGREGATED_CONTENT_TYPE,
        ),
        (
            "application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
            "application/JSON; g=apidiscovery.k8s.io; v=v2; as=APIGroupDiscoveryList",
            discovery.AGGREGATED_CONTENT_TYPE,
        ),
        ("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList;q=0", None),
    ],
)
def test_negotiate_discovery(accept: str, expected: str | None) -> None:
    assert discovery.negotiate_discovery(accept) == expected


@given(st.text())
def test_negotiation_never_fails_on_arbitrary_headers(accept: str) -> None:
    assert discovery.negotiate_discovery(accept) in (None, discovery.AGGREGATED_CONTENT_TYPE)


def test_parse_accept_orders_by_quality_then_position() -> None:
    ranges = discovery.parse_accept('text/plain;q=0.2, application/json;as="x,y", */*;q=0.5')

    assert [(r.media_type, r.q) for r in ranges] == [
        ("application/json", 1.0),
        ("*/*", 0.5),
        ("text/plain", 0.2),
    ]
    assert ranges[0].params == {"as": "x,y"}


def test_version_info_claims_kubernetes_1_32() -> None:
    info = discovery.version_info()

    assert (info["major"], info["minor"]) == ("1", "32")
    assert info["gitVersion"] == "v1.32.0-porch-0.1.0"
    assert info["platform"] == "linux/amd64"
