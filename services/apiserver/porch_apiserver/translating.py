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
    task: ev.Task | None  # None: the domain adds Porch's default init
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


def _task(raw: Any, *, package: str) -> ev.Task | None:
    del package  # the default task is the domain's
    if raw is None:
        return None
    if not isinstance(raw, dict) or not isinstance(raw.get("type"), str):
        raise Invalid(
            "spec.tasks[0].type: Required value",
            causes=[Cause("FieldValueRequired", "Required value", "spec.tasks[0].type")],
        )
    kind = raw["type"]
    if kind not in packages.TASK_TYPES:
        raise Invalid(
            f'spec.tasks[0].type: Unsupported value: "{kind}": supported values: '
            '"init", "clone", "edit", "upgrade"',
            causes=[Cause("FieldValueNotSupported", "unknown task type", "spec.tasks[0].type")],
        )
    payload = raw.get(kind) or {}
    if not isinstance(payload, dict):
        raise Invalid(
            f"spec.tasks[0].{kind}: must be an object",
            causes=[Cause("FieldValueInvalid", "must be an object", f"spec.tasks[0].{kind}")],
        )
    if kind == "clone" and not isinstance(payload.get("upstreamRef"), dict):
        raise Invalid(
            "spec.tasks[0].clone.upstreamRef: Required value",
            causes=[
                Cause("FieldValueRequired", "Required value", "spec.tasks[0].clone.upstreamRef")
            ],
        )
    task: ev.Task = msgspec.convert({"type": kind, kind: payload}, ev.Task)
    return task


def task_of(obj: Json) -> ev.Task | None:
    """The creation task of a served revision object, or None."""
    tasks = (obj.get("spec") or {}).get("tasks") or []
    if not tasks or not isinstance(tasks[0], dict):
        return None
    try:
        task: ev.Task = msgspec.convert(tasks[0], ev.Task)
    except msgspec.ValidationError:
        return None
    return task


def ref_names(task: ev.Task) -> dict[str, str]:
    """role -> name of each registered revision the task reads (see packages.CreateRevision)."""
    payload = packages.task_payload(task)

    def name(key: str) -> str:
        ref = payload.get(key)
        return str(ref.get("name") or "") if isinstance(ref, dict) else ""

    found = {
        "clone": {"upstream": packages.clone_upstream_name(task)},
        "edit": {"source": name("sourceRef")},
        "upgrade": {
            "oldUpstream": name("oldUpstreamRef"),
            "newUpstream": name("newUpstreamRef"),
            "local": name("localPackageRevisionRef"),
        },
    }.get(task.type, {})
    return {role: n for role, n in found.items() if n}


PUSH_ON_RENDER_FAILURE = "porch.kpt.dev/push-on-render-failure"


def resource_files(body: Json) -> dict[str, str]:
    """``spec.resources`` of a PackageRevisionResources: package-relative path -> text."""
    files = (body.get("spec") or {}).get("resources")
    if files is None:
        files = {}
    if not isinstance(files, dict):
        raise Invalid(
            "spec.resources: must be a map of file path to file content",
            causes=[Cause("FieldValueInvalid", "must be a map of strings", "spec.resources")],
        )
    causes: list[Cause] = []
    for path, text in files.items():
        fld = f"spec.resources[{path}]"
        problem = _path_problem(path) if isinstance(path, str) else "must be a string"
        if problem is None and not isinstance(text, str):
            problem = "the content must be a string"
        if problem is not None:
            causes.append(Cause("FieldValueInvalid", problem, fld))
    if causes:
        raise Invalid(
            "PackageRevisionResources is invalid: "
            + "; ".join(f"{c.field}: {c.message}" for c in causes),
            causes=causes,
        )
    return dict(files)


def _path_problem(path: str) -> str | None:
    if not path or not path.strip():
        return "the file name must not be empty"
    if path.startswith(("/", "\\")) or (len(path) > 1 and path[1] == ":"):
        return "the file name must be relative to the package"
    parts = path.replace("\\", "/").split("/")
    if any(p in ("", ".", "..") for p in parts):
        return "the file name must not contain empty, '.' or '..' segments"
    if "\x00" in path:
        return "the file name must not contain NUL"
    return None


def push_on_render_failure(*objs: Json) -> bool:
    return any(
        ((o.get("metadata") or {}).get("annotations") or {}).get(PUSH_ON_RENDER_FAILURE) == "true"
        for o in objs
    )


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
    finalizers, owners = _finalizers(new), _owner_references(new)
    if (labels, annotations, finalizers, owners) != (
        cur_labels,
        cur_annotations,
        _finalizers(current),
        _owner_references(current),
    ):
        out.append(
            packages.UpdateMetadata(
                meta=meta,
                workspace=workspace,
                labels=labels,
                annotations=annotations,
                finalizers=finalizers,
                owner_references=owners,
            )
        )
    lifecycle = new_spec.get("lifecycle")
    if lifecycle and lifecycle != current["spec"]["lifecycle"]:
        out.append(packages.ChangeLifecycle(meta=meta, workspace=workspace, lifecycle=lifecycle))
    return out


def _finalizers(obj: Json) -> tuple[str, ...]:
    value = (obj.get("metadata") or {}).get("finalizers") or []
    if not isinstance(value, list) or not all(isinstance(f, str) and f for f in value):
        raise Invalid(
            "metadata.finalizers: must be a list of names",
            causes=[Cause("FieldValueInvalid", "must be a list of names", "metadata.finalizers")],
        )
    return tuple(dict.fromkeys(value))


def _owner_references(obj: Json) -> tuple[dict[str, Any], ...]:
    value = (obj.get("metadata") or {}).get("ownerReferences") or []
    fld = "metadata.ownerReferences"
    if not isinstance(value, list) or not all(isinstance(o, dict) for o in value):
        raise Invalid(
            f"{fld}: must be a list of objects",
            causes=[Cause("FieldValueInvalid", "must be a list of objects", fld)],
        )
    for i, ref in enumerate(value):
        missing = [k for k in ("apiVersion", "kind", "name", "uid") if not ref.get(k)]
        if missing:
            raise Invalid(
                "; ".join(f"{fld}[{i}].{k}: Required value" for k in missing),
                causes=[
                    Cause("FieldValueRequired", "Required value", f"{fld}[{i}].{k}")
                    for k in missing
                ],
            )
    return tuple(dict(o) for o in value)


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
    "PUSH_ON_RENDER_FAILURE",
    "RevisionRequest",
    "approval",
    "check_resource_version",
    "expect_object",
    "metadata_maps",
    "parse_body",
    "push_on_render_failure",
    "ref_names",
    "register_repository",
    "resource_files",
    "revision_request",
    "revision_updates",
    "task_of",
    "update_repository",
]
