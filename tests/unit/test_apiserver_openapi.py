"""OpenAPI v3 documents: what kubectl apply and explain rely on (reference/apis.md §1.5)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import pytest

from porch_apiserver import openapi, resources

GROUP_VERSIONS = [("porch.kpt.dev", "v1alpha1"), ("config.porch.kpt.dev", "v1alpha1")]


def _document(group: str, version: str) -> dict[str, Any]:
    document = openapi.openapi_v3_document(group, version)
    assert document is not None
    return document


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def test_index_points_at_each_group_version_with_content_hash() -> None:
    index = openapi.openapi_v3_index()

    assert set(index["paths"]) == {f"apis/{g}/{v}" for g, v in GROUP_VERSIONS}
    for group, version in GROUP_VERSIONS:
        raw = openapi.openapi_v3_document_bytes(group, version)
        assert raw is not None
        digest = hashlib.sha256(raw).hexdigest()
        assert index["paths"][f"apis/{group}/{version}"] == {
            "serverRelativeURL": f"/openapi/v3/apis/{group}/{version}?hash={digest}"
        }
        assert openapi.document_hash(group, version) == digest
    assert openapi.openapi_v3_index() == index


def test_unknown_group_version_has_no_document() -> None:
    assert openapi.openapi_v3_document("apps", "v1") is None
    assert openapi.openapi_v3_document("porch.kpt.dev", "v1") is None
    assert openapi.document_hash("apps", "v1") is None


def test_documents_are_fresh_copies() -> None:
    _document("porch.kpt.dev", "v1alpha1")["paths"].clear()

    assert _document("porch.kpt.dev", "v1alpha1")["paths"]


@pytest.mark.parametrize(("group", "version"), GROUP_VERSIONS)
def test_every_reference_resolves(group: str, version: str) -> None:
    document = _document(group, version)
    schemas = document["components"]["schemas"]

    assert document["openapi"] == "3.0.0"
    refs = [n["$ref"] for n in _walk(document) if "$ref" in n]
    assert refs
    for ref in refs:
        assert ref.startswith("#/components/schemas/")
        assert ref.removeprefix("#/components/schemas/") in schemas


@pytest.mark.parametrize("resource", resources.RESOURCES, ids=lambda r: r.plural)
def test_kind_schemas_carry_gvk_as_a_list(resource: resources.ResourceDef) -> None:
    schemas = _document(resource.group, resource.version)["components"]["schemas"]

    for kind in (resource.kind, resource.list_kind):
        name = openapi.schema_name(kind)
        assert name is not None
        assert schemas[name]["x-kubernetes-group-version-kind"] == [
            {"group": resource.group, "version": resource.version, "kind": kind}
        ]


@pytest.mark.parametrize("resource", resources.RESOURCES, ids=lambda r: r.plural)
def test_every_patch_operation_supports_server_side_field_validation(
    resource: resources.ResourceDef,
) -> None:
    # kubectl takes the first PATCH op carrying the GVK (map order) and looks for the inline
    # query parameter, so every such operation must have it.
    document = _document(resource.group, resource.version)
    gvk = {"group": resource.group, "version": resource.version, "kind": resource.kind}
    patches = [
        item["patch"]
        for item in document["paths"].values()
        if "patch" in item and item["patch"]["x-kubernetes-group-version-kind"] == gvk
    ]

    assert patches
    for operation in patches:
        query = {p["name"] for p in operation["parameters"] if p["in"] == "query"}
        assert {"fieldValidation", "dryRun", "fieldManager", "force"} <= query
        assert set(operation["requestBody"]["content"]) == set(openapi.PATCH_CONTENT_TYPES)


def test_package_revision_paths_and_operations() -> None:
    paths = _document("porch.kpt.dev", "v1alpha1")["paths"]
    base = "/apis/porch.kpt.dev/v1alpha1"
    collection = f"{base}/namespaces/{{namespace}}/packagerevisions"

    assert set(paths) == {
        f"{base}/packagerevisions",
        collection,
        f"{collection}/{{name}}",
        f"{collection}/{{name}}/approval",
        f"{base}/packagerevisionresources",
        f"{base}/namespaces/{{namespace}}/packagerevisionresources",
        f"{base}/namespaces/{{namespace}}/packagerevisionresources/{{name}}",
    }
    prr = f"{base}/namespaces/{{namespace}}/packagerevisionresources"
    assert set(paths[prr]) == {"parameters", "get"}
    assert set(paths[f"{prr}/{{name}}"]) == {"parameters", "get", "put", "patch"}
    assert set(paths[collection]) == {"parameters", "get", "post", "delete"}
    assert set(paths[f"{collection}/{{name}}"]) == {"parameters", "get", "put", "patch", "delete"}
    assert set(paths[f"{collection}/{{name}}/approval"]) == {"parameters", "get", "put"}
    post = paths[collection]["post"]
    assert post["x-kubernetes-action"] == "post"
    assert post["operationId"] == "createPorchKptDevV1alpha1NamespacedPackageRevision"
    assert {p["name"] for p in post["parameters"]} >= {"dryRun", "fieldValidation"}
    listing = paths[collection]["get"]
    assert {p["name"] for p in listing["parameters"]} >= {"watch", "labelSelector", "limit"}


def test_package_revision_spec_schema() -> None:
    schema = openapi.schema_for("PackageRevision")

    assert schema is not None
    spec = schema["properties"]["spec"]["properties"]
    assert set(spec) == {
        "packageName",
        "repository",
        "workspaceName",
        "revision",
        "lifecycle",
        "tasks",
        "readinessGates",
        "packageMetadata",
    }
    assert spec["revision"]["type"] == "integer"
    assert spec["lifecycle"]["enum"] == ["Draft", "Proposed", "Published", "DeletionProposed"]
    task = spec["tasks"]["items"]["properties"]
    assert set(task) == {"type", "init", "clone", "edit", "upgrade"}
    assert set(task["init"]["properties"]) == {"subpackage", "description", "keywords", "site"}
    assert "upstreamRef" in task["clone"]["properties"]
    assert task["edit"]["properties"]["sourceRef"]["properties"] == {
        "name": {"type": "string", "description": "Name of the referenced object."}
    }
    assert set(task["upgrade"]["properties"]) == {
        "oldUpstreamRef",
        "newUpstreamRef",
        "localPackageRevisionRef",
        "strategy",
    }
    assert set(spec["packageMetadata"]["properties"]) == {"labels", "annotations"}
    status = schema["properties"]["status"]["properties"]
    assert set(status) == {
        "upstreamLock",
        "publishedBy",
        "publishTimestamp",
        "deployment",
        "conditions",
    }
    assert status["publishTimestamp"]["format"] == "date-time"


def test_repository_spec_schema() -> None:
    schema = openapi.schema_for("Repository")

    assert schema is not None
    spec = schema["properties"]["spec"]["properties"]
    assert spec["type"]["enum"] == ["git", "oci"]
    assert set(spec["git"]["properties"]) == {
        "repo",
        "branch",
        "createBranch",
        "directory",
        "secretRef",
        "author",
        "email",
    }
    assert set(spec["oci"]["properties"]) == {"registry", "secretRef"}
    conditions = schema["properties"]["status"]["properties"]["conditions"]
    assert conditions["items"]["properties"]["status"]["enum"] == ["True", "False", "Unknown"]


def test_schema_for_resolves_references() -> None:
    schema = openapi.schema_for("RepositoryList")

    assert schema is not None
    assert not [n for n in _walk(schema) if "$ref" in n or "allOf" in n]
    item = schema["properties"]["items"]["items"]
    assert item["properties"]["metadata"]["properties"]["labels"]["type"] == "object"
    assert schema["properties"]["metadata"]["properties"]["continue"]["type"] == "string"


def test_schema_for_unresolved_and_unknown() -> None:
    schema = openapi.schema_for("PackageRevision", resolve=False)

    assert schema is not None
    assert "allOf" in schema["properties"]["metadata"]
    assert openapi.schema_for("Deployment") is None
    assert openapi.schema_name("Repository") == "dev.kpt.porch.config.v1alpha1.Repository"
