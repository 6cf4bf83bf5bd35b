"""Task work items: what the projection hands the orchestrator's task worker, and the
shape of the answers the worker appends. A public contract between the API (which
resolves a task's ``inputs``), the projection (which enqueues) and the worker.

A work item carries the whole request event, so the worker reads no projection. The
worker answers on the request's revision subject with an event whose id and message id are
derived from the request's id: a redelivered item can never append two answers.

``RevisionCreationRequested.inputs`` (filled by the API when it decides, never with
credentials), all keys optional, each value a ``RevisionInput``:
  ``upstream``      clone: the published upstream PackageRevision
  ``source``        edit: the revision copied
  ``oldUpstream``, ``newUpstream``, ``local``   upgrade
(the same roles as ``packages.CreateRevision.sources``).
Pure; no I/O.
"""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

import msgspec

from porch.domain import events as ev

PUSH_ON_RENDER_FAILURE = "porch.kpt.dev/push-on-render-failure"

# Reasons an outcome event gives (Status.reason-like: the API maps them to a code).
REASON_NOT_FOUND = "NotFound"  # an input revision or its content is missing
REASON_INVALID = "Invalid"  # the task cannot be done as asked (bad strategy, bad package)
REASON_GIT = "GitError"  # the Git remote could not be read, or the ref is missing
REASON_OCI = "OciError"  # the OCI registry could not be read
REASON_RENDER = "RenderFailed"  # the Kptfile pipeline failed
REASON_UNSUPPORTED = "NotImplemented"  # a task this version cannot do
REASON_INTERNAL = "InternalError"


class RevisionInput(msgspec.Struct, frozen=True, kw_only=True):
    """One revision a task reads, as the API resolved it from its mirror."""

    name: str = ""  # the PackageRevision's object name
    repository: str = ""
    package: str = ""
    workspace: str = ""
    revision: int = 0
    resources: dict[str, str] = {}  # path -> sha256 in the blob store
    lock: dict[str, Any] | None = None  # {type: git, git: {repo, directory, ref, commit}}
    # Where a Git revision lives ({repo, branch, directory, secretRef}); None for OCI. Lets
    # the worker resolve the lock itself when git-sync has not reported the tag's commit yet.
    git: dict[str, Any] | None = None


class TaskInputs(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    upstream: RevisionInput | None = None
    source: RevisionInput | None = None
    old_upstream: RevisionInput | None = None
    new_upstream: RevisionInput | None = None
    local: RevisionInput | None = None

    def revisions(self) -> list[RevisionInput]:
        found = (self.upstream, self.source, self.old_upstream, self.new_upstream, self.local)
        return [r for r in found if r is not None]


def inputs_of(raw: dict[str, Any]) -> TaskInputs:
    """``inputs`` as typed values; raises ``msgspec.ValidationError`` when malformed."""
    return msgspec.convert(raw, TaskInputs)


def git_lock(
    *, repo: str, repo_directory: str, package: str, revision: int, commit: str
) -> dict[str, Any]:
    """The lock Porch writes for a published Git revision: the package directory inside
    the repository, the tag ``P/vN`` (P including the repository directory) and its commit."""
    path = "/".join(p for p in (repo_directory.strip("/"), package.strip("/")) if p)
    return {
        "type": "git",
        "git": {"repo": repo, "directory": path, "ref": f"{path}/v{revision}", "commit": commit},
    }


class RunTask(msgspec.Struct, frozen=True, kw_only=True, tag="task.v1"):
    """Run a creation task, or render submitted resources, and append the answer."""

    namespace: str
    repository: str
    package: str
    workspace: str
    request: ev.RevisionCreationRequested | ev.RevisionResourcesSubmitted
    request_seq: int  # the request's stream sequence: answers are looked for after it
    source_event: str


_enc = msgspec.json.Encoder()
_dec: msgspec.json.Decoder[RunTask] = msgspec.json.Decoder(RunTask)


def encode(work: RunTask) -> bytes:
    return _enc.encode(work)


def decode(data: bytes) -> RunTask:
    return _dec.decode(data)


def message_id(work: RunTask) -> str:
    return f"task.v1:{work.source_event}"


_OUTCOME_NS = uuid.UUID("0d6f8a0e-3c52-4d8e-9a57-6a4f2b1e9c30")


def outcome_id(request_id: str) -> str:
    """The answer's event id and message id: one per request, whatever the deliveries."""
    return str(uuid.uuid5(_OUTCOME_NS, request_id))


def push_on_render_failure(work: RunTask) -> bool:
    request = work.request
    if isinstance(request, ev.RevisionResourcesSubmitted):
        return request.push_on_render_failure
    return request.annotations.get(PUSH_ON_RENDER_FAILURE, "").lower() == "true"


def _fields(request: ev.Event, time: str) -> dict[str, Any]:
    return {
        "id": outcome_id(request.id),
        "time": time,
        "actor": request.actor,
        "command_id": request.command_id,
    }


_E = TypeVar("_E", bound=ev.Event)


def _with_kptfile(cls: type[_E], values: dict[str, Any], kptfile: dict[str, Any] | None) -> _E:
    # ``kptfile`` is an announced additive field of the outcome events; fill it once it exists.
    if kptfile is not None and "kptfile" in cls.__struct_fields__:
        values["kptfile"] = kptfile
    return cls(**values)


def succeeded(
    work: RunTask,
    *,
    time: str,
    resources: dict[str, str],
    render_status: dict[str, Any] | None,
    kptfile: dict[str, Any] | None = None,
) -> ev.RevisionCreated | ev.RevisionResourcesUpdated:
    request = work.request
    if isinstance(request, ev.RevisionResourcesSubmitted):
        values: dict[str, Any] = {
            **_fields(request, time),
            "workspace": request.workspace,
            "resources": resources,
            "render_status": render_status,
        }
        return _with_kptfile(ev.RevisionResourcesUpdated, values, kptfile)
    values = {
        **_fields(request, time),
        "namespace": request.namespace,
        "repository": request.repository,
        "package": request.package,
        "workspace": request.workspace,
        "uid": request.uid,
        "tasks": request.tasks,
        "resources": resources,
        "labels": request.labels,
        "annotations": request.annotations,
        "render_status": render_status,
    }
    return _with_kptfile(ev.RevisionCreated, values, kptfile)


def failed(
    work: RunTask,
    *,
    time: str,
    reason: str,
    message: str,
    render_status: dict[str, Any] | None = None,
) -> ev.RevisionCreationFailed | ev.RevisionResourcesRejected:
    request = work.request
    common = {
        **_fields(request, time),
        "workspace": request.workspace,
        "reason": reason,
        "message": message,
        "render_status": render_status,
    }
    if isinstance(request, ev.RevisionResourcesSubmitted):
        return ev.RevisionResourcesRejected(**common)
    return ev.RevisionCreationFailed(**common)


__all__ = [
    "PUSH_ON_RENDER_FAILURE",
    "REASON_GIT",
    "REASON_INTERNAL",
    "REASON_INVALID",
    "REASON_NOT_FOUND",
    "REASON_OCI",
    "REASON_RENDER",
    "REASON_UNSUPPORTED",
    "RevisionInput",
    "RunTask",
    "TaskInputs",
    "decode",
    "encode",
    "failed",
    "git_lock",
    "inputs_of",
    "message_id",
    "outcome_id",
    "push_on_render_failure",
    "succeeded",
]
