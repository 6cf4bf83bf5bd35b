"""HTTP bodies to domain commands, and the checks kube-apiserver makes on the way.

Pure; no I/O: every function takes the parsed body and the current object (as served)
and returns commands, or raises from the porch.errors tree.
"""

from __future__ import annotations

import json
from typing import Any

import msgspec
import yaml

from porch.domain import events as ev
from porch.domain import packages, repository
from porch.domain.common import CommandMeta
from porch.errors import BadRequest, Cause, Conflict, Invalid
from porch.model import names
from porch_apiserver import resources

Json = dict[str, Any]


def parse_body(data: bytes, content_type: str) -> Any:
    """JSON (what kubectl sends) or YAML; 400 with the parser's words otherwise."""
    if not data.strip():
        raise BadRequest("the request body is empty")
    try:
        if "yaml" in content_type:
            return yaml.safe_load(data)
        return json.loads(data)
    except (ValueError, yaml.YAMLError) as exc:
        raise BadRequest(f"the request body is not valid {_format(content_type)}: {exc}") from exc


def _format(content_type: str) -> str:
    return "YAML" if "yaml" in content_type else "JSON"


def expect_object(body: Any, resource: resources.ResourceDef, *, namespace: str) -> Json:
    if not isinstance(body, dict):
        raise BadRequest("the request body must be a JSON object")
    want = resource.group_version
    if body.get("apiVersion") not in (None, want) or body.get("kind") not in (None, resource.kind):
        raise BadRequest(
            f"the API version in the data ({body.get('apiVersion')}) and kind "
            f"({body.get('kind')}) do not match the endpoint ({want}, {resource.kind})"
        )
    meta = body.get("metadata") or {}
    if not isinstance(meta, dict):
        raise BadRequest("metadata must be an object")
    if meta.get("namespace") not in (None, "", namespace):
        raise BadRequest(
            "the namespace of the provided object does not match the namespace sent on the request"
        )
    return body


def check_resource_version(body: Json, current: Json, *, resource: resources.ResourceDef) -> None:
    """A stale ``metadata.resourceVersion`` is a 409 with kube's own words."""
    sent = (body.get("metadata") or {}).get("resourceVersion")
    have = current["metadata"]["resourceVersion"]
    if sent not in (None, "") and str(sent) != have:
        name = current["metadata"]["name"]
        raise Conflict(
            f'Operation cannot be fulfilled on {resource.plural}.{resource.group} "{name}": '
            "the object has been modified; please apply your changes to the latest version "
            "and try again"
        )


def _string_map(value: Any, fld: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise Invalid(
            f"{fld}: must be a map of strings",
            causes=[Cause("FieldValueInvalid", "must be a map of strings", fld)],
        )
    return dict(value)


def metadata_maps(body: Json) -> tuple[dict[str, str], dict[str, str]]:
    meta = body.get("metadata") or {}
    return (
        _string_map(meta.get("labels"), "metadata.labels"),
        _string_map(meta.get("annotations"), "metadata.annotations"),
    )


# --- Repository -------------------------------------------------------------------------


def register_repository(
    body: Json, *, namespace: str, uid: str, meta: CommandMeta
) -> repository.RegisterRepository:
    name = str((body.get("metadata") or {}).get("name") or "")
    spec = body.get("spec")
    if not isinstance(spec, dict):
        raise Invalid(
            f'Repository.config.porch.kpt.dev "{name}" is invalid: spec: Required value',
            causes=[Cause("FieldValueRequired", "Required value", "spec")],
        )
    labels, annotations = metadata_maps(body)
    return repository.RegisterRepository(
        meta=meta,
        namespace=namespace,
        name=name,
        uid=uid,
        spec=spec,
        labels=labels,
        annotations=annotations,
    )


def update_repository(body: Json, *, meta: CommandMeta) -> repository.UpdateRepository:
    spec = body.get("spec")
    if not isinstance(spec, dict):
        raise Invalid(
            "spec: Required value", causes=[Cause("FieldValueRequired", "Required value", "spec")]
        )
    labels, annotations = metadata_maps(body)
    return repository.UpdateRepository(meta=meta, spec=spec, labels=labels, annotations=annotations)


# --- PackageRevision --------------------------------------------------------------------


class RevisionRequest(msgspec.Struct, frozen=True, kw_only=True):
    """What a create request asks for, before the task runs."""

    repository: str
    package: str
    workspace: str
    lifecycle: str
    task: ev.Task
    labels: dict[str, str]
    annotations: dict[str, str]


def revision_request(body: Json) -> RevisionRequest:
    spec = body.get("spec")
    if not isinstance(spec, dict):
        raise Invalid(
            "spec: Required value", causes=[Cause("FieldValueRequired", "Required value", "spec")]
        )
    missing = [f for f in ("repository", "packageName", "workspaceName") if not spec.get(f)]
    if missing:
        raise Invalid(
            "; ".join(f"spec.{f}: Required value" for f in missing),
            causes=[Cause("FieldValueRequired", "Required value", f"spec.{f}") for f in missing],
        )
    repo, package, workspace = (
        str(spec[f]) for f in ("repository", "packageName", "workspaceName")
    )
    tasks = spec.get("tasks") or []
    if not isinstance(tasks, list):
        raise Invalid("spec.tasks: must be a list")
    if len(tasks) > 1:
        raise Invalid(
            "spec.tasks: task list must not contain more than one task",
            causes=[Cause("FieldValueInvalid", "at most one task", "spec.tasks")],
        )
    task = _task(tasks[0] if tasks else None, package=package)
    labels, annotations = metadata_maps(body)
    computed = names.revision_name(repository=repo, package=package, workspace=workspace)
    given = (body.get("metadata") or {}).get("name")
    if given not in (None, "", computed):
        raise Invalid(
            f'PackageRevision.porch.kpt.dev "{given}" is invalid: metadata.name: Invalid value: '
            f'"{given}": must be "{computed}" (<repository>.<package path with dots>.<workspace>)',
            causes=[Cause("FieldValueInvalid", f"must be {computed}", "metadata.name")],
        )
    return RevisionRequest(
        repository=repo,
        package=package,
        workspace=workspace,
        lifecycle=str(spec.get("lifecycle") or packages.DRAFT),
        task=task,
        labels=labels,
        annotations=annotations,
    )


def _task(raw: Any, *, package: str) -> ev.Task:
    if raw is None:
        return ev.Task(type="init", init={"description": f"{package} description"})
    if not isinstance(raw, dict) or not isinstance(raw.get("type"), str):
        raise Invalid("spec.tasks[0].type: Required value")
    kind = raw["type"]
    if kind != "init":
        raise Invalid(
            f'spec.tasks[0].type: Unsupported value: "{kind}": supported values: "init"',
            causes=[
                Cause("FieldValueNotSupported", "only init is supported", "spec.tasks[0].type")
            ],
        )
    init = raw.get("init") or {}
    if not isinstance(init, dict):
        raise Invalid("spec.tasks[0].init: must be an object")
    return ev.Task(type="init", init=init)


_IMMUTABLE_SPEC = ("packageName", "repository", "workspaceName", "revision", "tasks")


def revision_updates(current: Json, new: Json, *, meta: CommandMeta) -> list[packages.Command]:
    """Commands for an update of the main resource: metadata, then lifecycle."""
    workspace = current["spec"]["workspaceName"]
    new_spec = new.get("spec") or {}
    changed = [
        f for f in _IMMUTABLE_SPEC if f in new_spec and new_spec[f] != current["spec"].get(f)
    ]
    if changed:
        raise Invalid(
            "; ".join(f"spec.{f}: Invalid value: field is immutable" for f in changed),
            causes=[
                Cause("FieldValueForbidden", "field is immutable", f"spec.{f}") for f in changed
            ],
        )
    out: list[packages.Command] = []
    labels, annotations = metadata_maps(new)
    cur_labels, cur_annotations = metadata_maps(current)
    computed = cur_labels.get(packages.LATEST_LABEL)
    if labels.get(packages.LATEST_LABEL) == computed:  # echoed back unchanged: not user data
        labels.pop(packages.LATEST_LABEL, None)
    cur_labels.pop(packages.LATEST_LABEL, None)
    if (labels, annotations) != (cur_labels, cur_annotations):
        out.append(
            packages.UpdateMetadata(
                meta=meta, workspace=workspace, labels=labels, annotations=annotations
            )
        )
    lifecycle = new_spec.get("lifecycle")
    if lifecycle and lifecycle != current["spec"]["lifecycle"]:
        out.append(packages.ChangeLifecycle(meta=meta, workspace=workspace, lifecycle=lifecycle))
    return out


def approval(current: Json, new: Json, *, meta: CommandMeta) -> packages.ChangeApproval:
    lifecycle = (new.get("spec") or {}).get("lifecycle")
    if not isinstance(lifecycle, str) or lifecycle not in packages.LIFECYCLES:
        raise Invalid(
            f"spec.lifecycle: Unsupported value: {lifecycle!r}",
            causes=[Cause("FieldValueNotSupported", "unknown lifecycle", "spec.lifecycle")],
        )
    return packages.ChangeApproval(
        meta=meta, workspace=current["spec"]["workspaceName"], lifecycle=lifecycle
    )


__all__ = [
    "RevisionRequest",
    "approval",
    "check_resource_version",
    "expect_object",
    "metadata_maps",
    "parse_body",
    "register_repository",
    "revision_request",
    "revision_updates",
    "update_repository",
]
