"""OpenAPI v3 documents for the served group-versions.

kubectl needs them for ``apply``/``create``/``replace`` without ``--validate=false`` (it looks for
a PATCH operation carrying ``x-kubernetes-group-version-kind`` and a ``fieldValidation`` query
parameter) and for ``kubectl explain`` (component schemas carrying the GVK extension as a list);
reference/apis.md §1.5. The schemas follow Porch's object shapes (reference/porch.md §1.1, §1.2)
and are also what the apiserver may validate against (``schema_for``).

Pure: documents are built once from ``resources.RESOURCES`` and handed out as fresh copies;
no I/O, no HTTP types.
"""

from __future__ import annotations

import functools
import hashlib
import json
from typing import Any, NamedTuple

from porch_apiserver import corev1, resources, verbs
from porch_apiserver.resources import ResourceDef

Json = dict[str, Any]

META = "io.k8s.apimachinery.pkg.apis.meta.v1"
PATCH_CONTENT_TYPES = (
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/strategic-merge-patch+json",
    "application/apply-patch+yaml",
)
_PREFIXES = {
    resources.PORCH_GROUP: "dev.kpt.porch.v1alpha1",
    resources.CONFIG_GROUP: "dev.kpt.porch.config.v1alpha1",
    "": "io.k8s.api.core.v1",  # core v1 Namespaces and Secrets (local mode)
}


# --- schema helpers ----------------------------------------------------------------------------


def _string(description: str, **extra: Any) -> Json:
    return {"type": "string", "description": description, **extra}


def _boolean(description: str) -> Json:
    return {"type": "boolean", "description": description}


def _integer(description: str, fmt: str = "int64") -> Json:
    return {"type": "integer", "format": fmt, "description": description}


def _time(description: str) -> Json:
    return {"type": "string", "format": "date-time", "description": description}


def _ref(name: str, description: str = "") -> Json:
    # kube-apiserver wraps references in allOf so that a description can sit beside them.
    ref: Json = {"allOf": [{"$ref": f"#/components/schemas/{name}"}]}
    return {"description": description, **ref} if description else ref


def _object(description: str, properties: Json, *, required: tuple[str, ...] = ()) -> Json:
    schema: Json = {"type": "object", "description": description, "properties": properties}
    if required:
        schema["required"] = list(required)
    return schema


def _array(description: str, items: Json, **extra: Any) -> Json:
    return {"type": "array", "description": description, "items": items, **extra}


def _string_map(description: str) -> Json:
    return {
        "type": "object",
        "description": description,
        "additionalProperties": {"type": "string", "default": ""},
    }


def _name_ref(description: str) -> Json:
    return _object(description, {"name": _string("Name of the referenced object.")})


def _gvk(resource: ResourceDef, kind: str) -> Json:
    return {"group": resource.group, "version": resource.version, "kind": kind}


def _kind_header(resource: ResourceDef, kind: str) -> Json:
    return {
        "apiVersion": _string(
            "APIVersion defines the versioned schema of this representation of an object "
            f"(here {resource.group_version})."
        ),
        "kind": _string(f"Kind is the REST resource this object represents (here {kind})."),
    }


# --- meta.k8s.io schemas -----------------------------------------------------------------------


def _meta_schemas() -> Json:
    owner_reference = _object(
        "OwnerReference identifies an owning object in the same namespace.",
        {
            "apiVersion": _string("API version of the referent."),
            "kind": _string("Kind of the referent."),
            "name": _string("Name of the referent."),
            "uid": _string("UID of the referent."),
            "controller": _boolean("If true, this reference points to the managing controller."),
            "blockOwnerDeletion": _boolean("If true, the owner cannot be deleted before this."),
        },
        required=("apiVersion", "kind", "name", "uid"),
    )
    owner_reference["x-kubernetes-map-type"] = "atomic"  # +structType=atomic, as in kube
    managed_fields = _object(
        "ManagedFieldsEntry records which manager owns which fields (server-side apply).",
        {
            "manager": _string("Identifier of the workflow managing these fields."),
            "operation": _string("Apply or Update."),
            "apiVersion": _string("Version of the resource these fields were set in."),
            "time": _ref(f"{META}.Time", "When the entry was last changed."),
            "fieldsType": _string("Format of fieldsV1; only FieldsV1 is defined."),
            "fieldsV1": _ref(f"{META}.FieldsV1", "The set of fields owned."),
            "subresource": _string("Subresource the fields were set through, if any."),
        },
    )
    object_meta = _object(
        "ObjectMeta is metadata that all persisted resources must have.",
        {
            "name": _string("Name is unique within a namespace."),
            "generateName": _string("Prefix used to generate a unique name if name is empty."),
            "namespace": _string("Namespace the object lives in."),
            "uid": _string("UID is the unique in time and space value for this object."),
            "resourceVersion": _string(
                "An opaque value that changes on every write; used for optimistic concurrency."
            ),
            "generation": _integer("A sequence number representing a specific spec generation."),
            "creationTimestamp": _ref(f"{META}.Time", "When the object was created."),
            "deletionTimestamp": _ref(f"{META}.Time", "When deletion was requested."),
            "deletionGracePeriodSeconds": _integer("Seconds allowed for graceful termination."),
            "labels": _string_map("Map of string keys and values used to select objects."),
            "annotations": _string_map("Unstructured key value map for tools and users."),
            "finalizers": _array(
                "Must be empty before the object is deleted from the registry.",
                {"type": "string", "default": ""},
                **{"x-kubernetes-list-type": "set"},
            ),
            "ownerReferences": _array(
                "Objects depended on by this object.",
                _ref(f"{META}.OwnerReference"),
                **{"x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["uid"]},
            ),
            "managedFields": _array(
                "Field ownership for server-side apply.", _ref(f"{META}.ManagedFieldsEntry")
            ),
        },
    )
    list_meta = _object(
        "ListMeta describes metadata that synthetic resources must have (lists).",
        {
            "resourceVersion": _string("The version of the list, to start a watch from."),
            "continue": _string("Token to retrieve the next page of a paginated list."),
            "remainingItemCount": _integer("Number of items left after this page, if known."),
        },
    )
    condition = _object(
        "Condition contains details for one aspect of the current state of this resource.",
        {
            "type": _string("Type of condition in CamelCase, e.g. Ready."),
            "status": _string("Status of the condition.", enum=["True", "False", "Unknown"]),
            "observedGeneration": _integer("The generation the condition was computed for."),
            "lastTransitionTime": _ref(f"{META}.Time", "When the status last changed."),
            "reason": _string("A CamelCase programmatic identifier of the last transition."),
            "message": _string("A human readable message about the transition."),
        },
        required=("type", "status", "lastTransitionTime", "reason", "message"),
    )
    status_cause = _object(
        "StatusCause describes one field-level reason for an error.",
        {
            "reason": _string("A machine-readable description of the cause."),
            "message": _string("A human-readable description of the cause."),
            "field": _string("The field of the resource that caused the error."),
        },
    )
    status_details = _object(
        "StatusDetails names the object an error or success refers to.",
        {
            "name": _string("Name of the object."),
            "group": _string("Group of the resource."),
            "kind": _string("Kind (or plural resource) of the object."),
            "uid": _string("UID of the object."),
            "causes": _array("Field-level causes.", _ref(f"{META}.StatusCause")),
            "retryAfterSeconds": _integer("Seconds to wait before retrying.", "int32"),
        },
    )
    status = _object(
        "Status is the return value for calls that do not return other objects.",
        {
            "apiVersion": _string("v1"),
            "kind": _string("Status"),
            "metadata": _ref(f"{META}.ListMeta"),
            "status": _string("Success or Failure."),
            "message": _string("A human-readable description of the status."),
            "reason": _string("A machine-readable description of why the call failed."),
            "details": _ref(f"{META}.StatusDetails"),
            "code": _integer("Suggested HTTP return code.", "int32"),
        },
    )
    delete_options = _object(
        "DeleteOptions may be provided when deleting an API object.",
        {
            "apiVersion": _string("API version."),
            "kind": _string("DeleteOptions"),
            "dryRun": _array("When present (All), changes are not persisted.", {"type": "string"}),
            "gracePeriodSeconds": _integer("Seconds before the object should be deleted."),
            "preconditions": _ref(f"{META}.Preconditions"),
            "propagationPolicy": _string("Orphan, Background or Foreground."),
        },
    )
    preconditions = _object(
        "Preconditions must be fulfilled before an operation is carried out.",
        {
            "uid": _string("Target UID."),
            "resourceVersion": _string("Target resourceVersion."),
        },
    )
    return {
        f"{META}.Time": _time("Time is an RFC 3339 timestamp with second precision."),
        f"{META}.FieldsV1": {"type": "object", "description": "Set of fields, as a trie."},
        f"{META}.OwnerReference": owner_reference,
        f"{META}.ManagedFieldsEntry": managed_fields,
        f"{META}.ObjectMeta": object_meta,
        f"{META}.ListMeta": list_meta,
        f"{META}.Condition": condition,
        f"{META}.StatusCause": status_cause,
        f"{META}.StatusDetails": status_details,
        f"{META}.Status": status,
        f"{META}.Preconditions": preconditions,
        f"{META}.DeleteOptions": delete_options,
        f"{META}.Patch": {"type": "object", "description": "A patch document (see Content-Type)."},
    }


# --- porch.kpt.dev -----------------------------------------------------------------------------


def _upstream_package() -> Json:
    return _object(
        "Where a cloned package comes from: a registered upstream revision or raw git/oci.",
        {
            "type": _string("Repository type.", enum=["git", "oci"]),
            "git": _object(
                "A package in a git repository.",
                {
                    "repo": _string("Git repository URL."),
                    "ref": _string("Git ref (branch, tag or commit)."),
                    "directory": _string("Package directory inside the repository."),
                    "secretRef": _name_ref("Secret with the git credentials."),
                },
            ),
            "oci": _object("A package in an OCI image.", {"image": _string("Image reference.")}),
            "upstreamRef": _name_ref("Name of a PackageRevision registered in Porch."),
        },
    )


def _task() -> Json:
    return _object(
        "The task that created this revision.",
        {
            "type": _string("Task type.", enum=["init", "clone", "edit", "upgrade"]),
            "init": _object(
                "Initialise a new package (kpt pkg init).",
                {
                    "subpackage": _string("Initialise as a subpackage at this path."),
                    "description": _string("Package description."),
                    "keywords": _array("Package keywords.", {"type": "string"}),
                    "site": _string("Package site URL."),
                },
            ),
            "clone": _object(
                "Clone an upstream package.",
                {"upstreamRef": _upstream_package()},
            ),
            "edit": _object(
                "Copy another revision of the same package.",
                {"sourceRef": _name_ref("The PackageRevision to copy.")},
            ),
            "upgrade": _object(
                "Three-way merge: old upstream to new upstream, applied to the local revision.",
                {
                    "oldUpstreamRef": _name_ref(
                        "The upstream revision the local one was based on."
                    ),
                    "newUpstreamRef": _name_ref("The upstream revision to upgrade to."),
                    "localPackageRevisionRef": _name_ref("The local revision to upgrade."),
                    "strategy": _string(
                        "Merge strategy.",
                        enum=[
                            "resource-merge",
                            "fast-forward",
                            "force-delete-replace",
                            "copy-merge",
                        ],
                    ),
                },
            ),
        },
        required=("type",),
    )


def _package_revision_spec() -> Json:
    return _object(
        "PackageRevisionSpec defines the desired state of a package revision.",
        {
            "packageName": _string("Package path inside the repository directory."),
            "repository": _string("Name of the Repository (same namespace)."),
            "workspaceName": _string("Short unique label of this change set."),
            "revision": _integer(
                "Revision number: 0 until published, N>0 once published, -1 for the branch "
                "placeholder."
            ),
            "lifecycle": _string(
                "Lifecycle of the revision.",
                enum=["Draft", "Proposed", "Published", "DeletionProposed"],
            ),
            "tasks": _array("At most one task: how the revision was created.", _task()),
            "readinessGates": _array(
                "Conditions that must be True before the revision is approved.",
                _object("A readiness gate.", {"conditionType": _string("Condition type.")}),
            ),
            "packageMetadata": _object(
                "Labels and annotations mirrored from the Kptfile.",
                {
                    "labels": _string_map("Kptfile metadata labels."),
                    "annotations": _string_map("Kptfile metadata annotations."),
                },
            ),
        },
    )


def _porch_condition() -> Json:
    return _object(
        "A condition from the package's Kptfile.",
        {
            "type": _string("Condition type."),
            "status": _string("Condition status.", enum=["True", "False", "Unknown"]),
            "reason": _string("Machine-readable reason."),
            "message": _string("Human-readable message."),
        },
    )


def _package_revision_status() -> Json:
    return _object(
        "PackageRevisionStatus is the observed state of a package revision.",
        {
            "upstreamLock": _object(
                "Where the package was cloned from (Kptfile upstreamLock).",
                {
                    "type": _string("Repository type.", enum=["git", "oci"]),
                    "git": _object(
                        "Git location.",
                        {
                            "repo": _string("Repository URL."),
                            "directory": _string("Package directory."),
                            "ref": _string("Git ref."),
                            "commit": _string("Commit SHA."),
                        },
                    ),
                },
            ),
            "publishedBy": _string("Who approved (published) the revision."),
            "publishTimestamp": _ref(f"{META}.Time", "When the revision was published."),
            "deployment": _boolean("Whether the revision is deployment-ready (from Repository)."),
            "conditions": _array("Conditions from the Kptfile.", _porch_condition()),
        },
    )


def _resources_spec() -> Json:
    return _object(
        "PackageRevisionResourcesSpec holds the files of a package revision.",
        {
            "packageName": _string("Package path inside the repository directory."),
            "workspaceName": _string("Workspace of the revision."),
            "revision": _integer("Revision number of the revision."),
            "repository": _string("Name of the Repository (same namespace)."),
            "resources": _string_map("File path relative to the package root -> file text."),
        },
    )


def _resources_status() -> Json:
    return _object(
        "PackageRevisionResourcesStatus reports the last render of the package.",
        {
            "renderStatus": _object(
                "Result of rendering the Kptfile pipeline.",
                {
                    "result": {
                        "type": "object",
                        "description": "The FunctionResultList (kpt.dev/v1).",
                        "x-kubernetes-preserve-unknown-fields": True,
                    },
                    "error": _string("The render error, if any."),
                },
            )
        },
    )


# --- config.porch.kpt.dev ----------------------------------------------------------------------


def _repository_spec() -> Json:
    return _object(
        "RepositorySpec describes a git or OCI repository holding packages.",
        {
            "description": _string("User-friendly description."),
            "type": _string("Repository type.", enum=["git", "oci"]),
            "content": _string("Content of the repository; only Package is supported."),
            "deployment": _boolean("Packages in this repository are deployment-ready."),
            "git": _object(
                "Git repository details.",
                {
                    "repo": _string("Repository URL."),
                    "branch": _string("Branch holding the packages (default main)."),
                    "createBranch": _boolean("Create the branch if it does not exist."),
                    "directory": _string("Directory holding the packages (default: root)."),
                    "secretRef": _name_ref("Secret with basic-auth credentials."),
                    "author": _string("Author name for commits."),
                    "email": _string("Author email for commits."),
                },
            ),
            "oci": _object(
                "OCI repository details.",
                {
                    "registry": _string("Registry URL."),
                    "secretRef": _name_ref("Secret with registry credentials."),
                },
            ),
            "sync": _object(
                "Per-repository sync control.",
                {
                    "schedule": _string("Cron schedule of full syncs."),
                    "runOnceAt": _ref(f"{META}.Time", "Run one sync at this time."),
                },
            ),
        },
    )


def _repository_status() -> Json:
    return _object(
        "RepositoryStatus is the observed state of a repository.",
        {
            "conditions": _array(
                "Conditions; type Ready reports whether the repository is usable.",
                _ref(f"{META}.Condition"),
                **{"x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["type"]},
            ),
            "observedGeneration": _integer("The generation the status was computed for."),
            "lastFullSyncTime": _ref(f"{META}.Time", "When the last full sync finished."),
            "nextFullSyncTime": _ref(f"{META}.Time", "When the next full sync is due."),
            "packageCount": _integer("Number of packages discovered.", "int32"),
            "gitCommitHash": _string("Commit of the branch at the last sync."),
        },
    )


# --- kinds -------------------------------------------------------------------------------------

_SPECS = {
    "PackageRevision": _package_revision_spec,
    "PackageRevisionResources": _resources_spec,
    "Repository": _repository_spec,
}
_STATUSES = {
    "PackageRevision": _package_revision_status,
    "PackageRevisionResources": _resources_status,
    "Repository": _repository_status,
}
_DESCRIPTIONS = {
    "PackageRevision": "PackageRevision is one revision of a kpt package in a repository.",
    "PackageRevisionResources": "PackageRevisionResources holds the files of a revision.",
    "Repository": "Repository registers a git or OCI repository with Porch.",
}


def schema_name(kind: str) -> str | None:
    """The component schema name of ``kind`` (``dev.kpt.porch.v1alpha1.PackageRevision``)."""
    for resource in (*resources.RESOURCES, *corev1.CORE):
        if kind in (resource.kind, resource.list_kind):
            return f"{_PREFIXES[resource.group]}.{kind}"
    return None


def _core_fields(kind: str) -> Json:
    if kind == "Secret":
        return {
            "data": {
                "type": "object",
                "description": "Secret data, each value base64-encoded.",
                "additionalProperties": {"type": "string", "format": "byte"},
            },
            "stringData": _string_map("Write-only plain-text data, merged into data on write."),
            "type": _string("Used to facilitate programmatic handling of secret data."),
            "immutable": _boolean("If true, data cannot be changed after creation."),
        }
    return {
        "spec": _object(
            "NamespaceSpec describes the attributes of a namespace.",
            {"finalizers": _array("Finalizers.", _string("A finalizer name."))},
        ),
        "status": _object(
            "NamespaceStatus is information about the current status of a namespace.",
            {"phase": _string("Phase of the namespace: Active or Terminating.")},
        ),
    }


_CORE_DESCRIPTIONS = {
    "Secret": "Secret holds secret data of a certain type (local mode: stored in porch_secrets).",
    "Namespace": "Namespace provides a scope for names.",
}


def _kind_schemas(resource: ResourceDef) -> Json:
    kind, list_kind = resource.kind, resource.list_kind
    fields = (
        _core_fields(kind)
        if resource in corev1.CORE
        else {"spec": _SPECS[kind](), "status": _STATUSES[kind]()}
    )
    item = _object(
        _CORE_DESCRIPTIONS.get(kind) or _DESCRIPTIONS[kind],
        {
            **_kind_header(resource, kind),
            "metadata": {**_ref(f"{META}.ObjectMeta", "Standard object metadata."), "default": {}},
            **fields,
        },
    )
    item["x-kubernetes-group-version-kind"] = [_gvk(resource, kind)]
    listing = _object(
        f"{list_kind} is a list of {kind} objects.",
        {
            **_kind_header(resource, list_kind),
            "metadata": {**_ref(f"{META}.ListMeta", "Standard list metadata."), "default": {}},
            "items": _array(f"The {kind} objects.", _ref(f"{schema_name(kind)}")),
        },
        required=("items",),
    )
    listing["x-kubernetes-group-version-kind"] = [_gvk(resource, list_kind)]
    return {f"{schema_name(kind)}": item, f"{schema_name(list_kind)}": listing}


# --- paths -------------------------------------------------------------------------------------


def _query(name: str, description: str, schema_type: str = "string") -> Json:
    return {
        "name": name,
        "in": "query",
        "description": description,
        "schema": {"type": schema_type, "uniqueItems": True},
    }


def _path_param(name: str, description: str) -> Json:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": {"type": "string", "uniqueItems": True},
    }


_PRETTY = _query("pretty", "If 'true', the output is pretty printed.")
_DRY_RUN = _query("dryRun", "When present (All), the request is validated but not persisted.")
_FIELD_MANAGER = _query("fieldManager", "Name of the actor making the change.")
_FIELD_VALIDATION = _query(
    "fieldValidation", "How to handle unknown or duplicate fields: Ignore, Warn or Strict."
)
_FORCE = _query("force", "Force apply requests, taking over conflicting fields.", "boolean")
_WRITE_PARAMS = (_DRY_RUN, _FIELD_MANAGER, _FIELD_VALIDATION, _PRETTY)
_LIST_PARAMS = (
    _query("allowWatchBookmarks", "Request BOOKMARK watch events.", "boolean"),
    _query("continue", "Continue token from a previous paginated list."),
    _query("fieldSelector", "Restrict the list by fields."),
    _query("labelSelector", "Restrict the list by labels."),
    _query("limit", "Maximum number of items to return.", "integer"),
    _query("resourceVersion", "Resource version to list or watch from."),
    _query("resourceVersionMatch", "How resourceVersion applies to a list: NotOlderThan, Exact."),
    _query("sendInitialEvents", "Not supported; must be unset.", "boolean"),
    _query("timeoutSeconds", "Timeout of the list/watch call.", "integer"),
    _query("watch", "Watch for changes and return them as a stream of events.", "boolean"),
    _PRETTY,
)
_DELETE_PARAMS = (
    _DRY_RUN,
    _query("gracePeriodSeconds", "Seconds before the object should be deleted.", "integer"),
    _query("propagationPolicy", "Orphan, Background or Foreground."),
    _PRETTY,
)


def _json_content(schema_ref: str) -> Json:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_ref}"}}}


def _camel_group(group: str) -> str:
    return "".join(part.capitalize() for part in group.split("."))


class _Op(NamedTuple):
    """How one verb appears in the paths: HTTP method, operationId prefix, action, params."""

    verb: str
    method: str
    prefix: str
    action: str
    params: tuple[Json, ...]
    codes: tuple[str, ...]


_ITEM_OPS = (
    _Op("get", "get", "read", "get", (_PRETTY,), ("200",)),
    _Op("update", "put", "replace", "put", _WRITE_PARAMS, ("200", "201")),
    _Op("patch", "patch", "patch", "patch", (*_WRITE_PARAMS, _FORCE), ("200", "201")),
    _Op("delete", "delete", "delete", "delete", _DELETE_PARAMS, ("200", "202")),
)
_LIST = _Op("list", "get", "list", "list", _LIST_PARAMS, ("200",))
# Answers Status in kube's OpenAPI too, though the body is the List of deleted objects.
_DELETE_COLLECTION = _Op(
    "delete",
    "delete",
    "delete",
    "deletecollection",
    (
        *_DELETE_PARAMS,
        _query("fieldSelector", "Restrict the deleted objects by fields."),
        _query("labelSelector", "Restrict the deleted objects by labels."),
    ),
    ("200",),
)
_CREATE = _Op("create", "post", "create", "post", _WRITE_PARAMS, ("200", "201", "202"))


def _request_body(op: _Op, item_ref: str) -> Json | None:
    if op.method == "patch":
        schema = {"$ref": f"#/components/schemas/{META}.Patch"}
        return {"content": {t: {"schema": schema} for t in PATCH_CONTENT_TYPES}, "required": True}
    if op.method in ("put", "post"):
        return {"content": _json_content(item_ref), "required": True}
    if op.method == "delete":
        return {"content": _json_content(f"{META}.DeleteOptions")}
    return None


def _operation(resource: ResourceDef, op: _Op, *, kind: str, subject: str) -> Json:
    item_ref = f"{schema_name(kind)}"
    response_ref = {"list": f"{schema_name(resource.list_kind)}", "delete": f"{META}.Status"}
    content = _json_content(response_ref.get(op.verb, item_ref))
    responses: Json = {code: {"description": "OK", "content": content} for code in op.codes}
    camel = _camel_group(resource.group) or "Core"
    operation: Json = {
        "tags": [f"{camel[0].lower()}{camel[1:]}_{resource.version}"],
        "description": f"{op.action} {subject}",
        "operationId": f"{op.prefix}{camel}{resource.version.capitalize()}{subject}",
        "parameters": list(op.params),
        "responses": {**responses, "401": {"description": "Unauthorized"}},
        "x-kubernetes-action": op.action,
        "x-kubernetes-group-version-kind": _gvk(resource, kind),
    }
    body = _request_body(op, item_ref)
    if body is not None:
        operation["requestBody"] = body
    return operation


def _paths(resource: ResourceDef) -> Json:
    """Collection and item paths; path parameters sit on the path item, like kube-apiserver's."""
    base = (
        f"/apis/{resource.group}/{resource.version}"
        if resource.group
        else f"/api/{resource.version}"
    )
    ns_param = _path_param("namespace", "Object name and auth scope, such as for teams.")
    name_param = _path_param("name", f"Name of the {resource.kind}.")
    kind = resource.kind
    if resource.namespaced:
        collection = f"{base}/namespaces/{{namespace}}/{resource.plural}"
        params, subject = [name_param, ns_param], f"Namespaced{kind}"
        paths: Json = {collection: {"parameters": [ns_param]}}
    else:
        collection = f"{base}/{resource.plural}"
        params, subject = [name_param], kind
        paths = {collection: {}}
    if "list" in resource.verbs:
        if resource.namespaced:
            all_ns = _operation(resource, _LIST, kind=kind, subject=f"{kind}ForAllNamespaces")
            paths[f"{base}/{resource.plural}"] = {"get": all_ns}
        paths[collection]["get"] = _operation(resource, _LIST, kind=kind, subject=subject)
    if "create" in resource.verbs:
        paths[collection]["post"] = _operation(resource, _CREATE, kind=kind, subject=subject)
    if verbs.serves(resource, verbs.DELETECOLLECTION):
        paths[collection]["delete"] = _operation(
            resource, _DELETE_COLLECTION, kind=kind, subject=f"Collection{subject}"
        )
    paths[f"{collection}/{{name}}"] = {
        "parameters": params,
        **{
            op.method: _operation(resource, op, kind=kind, subject=subject)
            for op in _ITEM_OPS
            if op.verb in resource.verbs
        },
    }
    for sub in resource.subresources:
        sub_subject = f"{subject}{sub.name.capitalize()}"
        paths[f"{collection}/{{name}}/{sub.name}"] = {
            "parameters": params,
            **{
                op.method: _operation(resource, op, kind=sub.kind, subject=sub_subject)
                for op in _ITEM_OPS
                if op.verb in sub.verbs
            },
        }
    return paths


# --- documents ---------------------------------------------------------------------------------


def _document(group: str, version: str) -> Json | None:
    served = (
        resources.in_group_version(group, version)
        if group
        else tuple(r for r in corev1.CORE if r.version == version)
    )
    if not served:
        return None
    schemas = _meta_schemas()
    paths: Json = {}
    for resource in served:
        schemas.update(_kind_schemas(resource))
        paths.update(_paths(resource))
    return {
        "openapi": "3.0.0",
        "info": {"title": "Porch", "version": version},
        "paths": paths,
        "components": {"schemas": dict(sorted(schemas.items()))},
    }


@functools.cache
def _document_bytes(group: str, version: str) -> bytes | None:
    document = _document(group, version)
    if document is None:
        return None
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode()


def openapi_v3_document_bytes(group: str, version: str) -> bytes | None:
    """The canonical JSON encoding of the document (what ``document_hash`` hashes), or None."""
    return _document_bytes(group, version)


def document_hash(group: str, version: str) -> str | None:
    """sha256 (hex) of the canonical document; stable across processes, usable as an ETag."""
    raw = _document_bytes(group, version)
    return hashlib.sha256(raw).hexdigest() if raw is not None else None


def openapi_v3_document(group: str, version: str) -> Json | None:
    """``GET /openapi/v3/apis/<group>/<version>``: a fresh copy of the document, or None."""
    raw = _document_bytes(group, version)
    return json.loads(raw) if raw is not None else None


def openapi_v3_index(*, core: bool = False) -> Json:
    """``GET /openapi/v3``: one entry per served group-version, URL carrying the doc hash;
    with ``core`` (local mode) also ``api/v1`` (its document: group "")."""
    paths: Json = {}
    if core:
        paths["api/v1"] = {
            "serverRelativeURL": f"/openapi/v3/api/v1?hash={document_hash('', 'v1')}"
        }
    for group in resources.groups():
        for version in resources.versions(group):
            paths[f"apis/{group}/{version}"] = {
                "serverRelativeURL": f"/openapi/v3/apis/{group}/{version}"
                f"?hash={document_hash(group, version)}"
            }
    return {"paths": paths}


def _resolve(node: Any, schemas: Json) -> Any:
    if isinstance(node, list):
        return [_resolve(n, schemas) for n in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str):
        return _resolve(schemas[ref.rsplit("/", 1)[1]], schemas)
    all_of = node.get("allOf")
    if isinstance(all_of, list) and len(all_of) == 1:
        merged = {k: v for k, v in node.items() if k != "allOf"}
        return {**_resolve(all_of[0], schemas), **merged}
    return {k: _resolve(v, schemas) for k, v in node.items()}


def schema_for(kind: str, *, resolve: bool = True) -> Json | None:
    """The component schema of ``kind`` (e.g. ``PackageRevision``, ``RepositoryList``), or None.

    With ``resolve`` (the default) every ``$ref`` is inlined, so the result is self-contained
    and can drive validation (e.g. ``fieldValidation=Strict``).
    """
    served = (*resources.RESOURCES, *corev1.CORE)
    resource = next((r for r in served if kind in (r.kind, r.list_kind)), None)
    name = schema_name(kind)
    if resource is None or name is None:
        return None
    document = openapi_v3_document(resource.group, resource.version)
    assert document is not None
    schemas: Json = document["components"]["schemas"]
    schema: Json = schemas[name]
    return _resolve(schema, schemas) if resolve else schema


__all__ = [
    "PATCH_CONTENT_TYPES",
    "document_hash",
    "openapi_v3_document",
    "openapi_v3_document_bytes",
    "openapi_v3_index",
    "schema_for",
    "schema_name",
]
