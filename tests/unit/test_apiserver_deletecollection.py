"""deletecollection and core watch: the verbs served, DeleteOptions of a collection delete,
and how discovery and OpenAPI advertise them (reference/apis.md §1, §4)."""

from __future__ import annotations

from typing import Any

import pytest

from porch.errors import BadRequest, Invalid
from porch_apiserver import collectiondelete, corev1, discovery, openapi, resources, verbs


def test_deletecollection_is_served_wherever_delete_is_but_on_namespaces() -> None:
    assert verbs.served(resources.PACKAGE_REVISIONS) == (
        "get",
        "list",
        "watch",
        "create",
        "update",
        "patch",
        "delete",
        "deletecollection",
    )
    assert verbs.serves(resources.REPOSITORIES, "deletecollection")
    assert not verbs.serves(resources.PACKAGE_REVISION_RESOURCES, "deletecollection")
    assert not verbs.serves(resources.PACKAGE_REVISION_RESOURCES, "watch")
    assert verbs.served(corev1.SECRETS) == (
        "get",
        "list",
        "watch",
        "create",
        "update",
        "patch",
        "delete",
        "deletecollection",
    )
    # kube-apiserver serves Namespaces without deletecollection.
    assert verbs.served(corev1.NAMESPACES) == (
        "get",
        "list",
        "watch",
        "create",
        "update",
        "patch",
        "delete",
    )


def test_verbs_already_declared_are_not_repeated() -> None:
    declared = resources.ResourceDef(
        group="",
        version="v1",
        plural="secrets",
        singular="secret",
        kind="Secret",
        list_kind="SecretList",
        namespaced=True,
        verbs=("get", "list", "watch", "delete", "deletecollection"),
    )
    assert verbs.served(declared) == ("get", "list", "watch", "delete", "deletecollection")
    namespaces = resources.ResourceDef(
        group="",
        version="v1",
        plural="namespaces",
        singular="namespace",
        kind="Namespace",
        list_kind="NamespaceList",
        namespaced=False,
        verbs=("list", "delete", "deletecollection"),
    )
    assert verbs.served(namespaces) == ("list", "watch", "delete")


def test_options_take_dry_run_from_query_or_body() -> None:
    plain = collectiondelete.options({}, [], None)
    assert plain == collectiondelete.Options(dry_run=False, item={})
    by_query = collectiondelete.options({}, ["All"], None)
    assert by_query.dry_run
    assert by_query.item == {"dryRun": ["All"]}
    body = {"kind": "DeleteOptions", "apiVersion": "v1", "dryRun": ["All"]}
    by_body = collectiondelete.options({}, [], body)
    assert by_body.dry_run
    assert by_body.item == {"dryRun": ["All"]}
    with pytest.raises(BadRequest, match='unsupported dryRun value "Some"'):
        collectiondelete.options({}, ["Some"], None)
    with pytest.raises(BadRequest, match="dryRun must be a list"):
        collectiondelete.options({}, [], {"dryRun": "All"})


def test_options_refuse_preconditions_and_other_bodies() -> None:
    with pytest.raises(BadRequest, match="preconditions are not supported"):
        collectiondelete.options({}, [], {"preconditions": {"uid": "u"}})
    with pytest.raises(BadRequest, match="must be an object"):
        collectiondelete.options({}, [], ["x"])
    with pytest.raises(BadRequest, match="not Secret"):
        collectiondelete.options({}, [], {"kind": "Secret"})
    # Empty preconditions name nothing: kubectl may send them.
    assert not collectiondelete.options({}, [], {"preconditions": {}}).dry_run


def test_options_check_the_propagation_policy() -> None:
    chosen = collectiondelete.options({"propagationPolicy": "Orphan"}, [], None)
    assert chosen.item == {"propagationPolicy": "Orphan"}
    from_body = collectiondelete.options({}, [], {"propagationPolicy": "Foreground"})
    assert from_body.item == {"propagationPolicy": "Foreground"}
    with pytest.raises(Invalid) as refused:
        collectiondelete.options({}, [], {"propagationPolicy": "Sometimes"})
    assert refused.value.message.startswith(
        'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "Sometimes"'
    )
    assert [c.field for c in refused.value.causes] == ["propagationPolicy"]


def test_the_answer_is_the_list_of_deleted_objects() -> None:
    item: dict[str, Any] = {"metadata": {"name": "a"}}
    body = collectiondelete.list_body(resources.PACKAGE_REVISIONS, [item], "42")
    assert body == {
        "kind": "PackageRevisionList",
        "apiVersion": "porch.kpt.dev/v1alpha1",
        "metadata": {"resourceVersion": "42"},
        "items": [item],
    }
    assert collectiondelete.list_body(corev1.SECRETS, [], "7")["apiVersion"] == "v1"


def test_discovery_advertises_deletecollection_and_core_watch() -> None:
    listed = discovery.api_resource_list("porch.kpt.dev", "v1alpha1")
    assert listed is not None
    by_name = {r["name"]: r for r in listed["resources"]}
    assert "deletecollection" in by_name["packagerevisions"]["verbs"]
    assert "deletecollection" not in by_name["packagerevisionresources"]["verbs"]
    assert by_name["packagerevisions/approval"]["verbs"] == ["get", "update"]
    aggregated = discovery.aggregated_discovery()
    groups = {item["metadata"]["name"]: item for item in aggregated["items"]}
    [repo] = groups["config.porch.kpt.dev"]["versions"][0]["resources"]
    assert "deletecollection" in repo["verbs"]
    core = {r["name"]: r["verbs"] for r in discovery.core_resource_list(corev1.CORE)["resources"]}
    assert "watch" in core["namespaces"]
    assert "watch" in core["secrets"]
    assert "deletecollection" in core["secrets"]
    assert "deletecollection" not in core["namespaces"]
    [group] = discovery.aggregated_core(corev1.CORE)["items"]
    v2 = {r["resource"]: r["verbs"] for r in group["versions"][0]["resources"]}
    assert v2 == core


def test_openapi_has_deletecollection_on_collections_that_serve_it() -> None:
    porch = openapi.openapi_v3_document("porch.kpt.dev", "v1alpha1")
    assert porch is not None
    base = "/apis/porch.kpt.dev/v1alpha1/namespaces/{namespace}"
    operation = porch["paths"][f"{base}/packagerevisions"]["delete"]
    assert operation["x-kubernetes-action"] == "deletecollection"
    assert operation["operationId"] == (
        "deletePorchKptDevV1alpha1CollectionNamespacedPackageRevision"
    )
    params = {p["name"] for p in operation["parameters"]}
    assert {"labelSelector", "fieldSelector", "dryRun", "propagationPolicy"} <= params
    assert "delete" not in porch["paths"][f"{base}/packagerevisionresources"]
    core = openapi.openapi_v3_document("", "v1")
    assert core is not None
    secrets = core["paths"]["/api/v1/namespaces/{namespace}/secrets"]["delete"]
    assert secrets["operationId"] == "deleteCoreV1CollectionNamespacedSecret"
    assert "delete" not in core["paths"]["/api/v1/namespaces"]
