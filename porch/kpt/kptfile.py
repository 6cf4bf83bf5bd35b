"""The ``kpt.dev/v1`` Kptfile as a strict, typed model: parse, validate, write back.

Why it exists: every kpt command starts by reading Kptfiles, and kpt decodes them strictly
(unknown fields and wrong types are errors that name the line). This module reproduces that
decoding (with go-yaml's wording, so users see the messages they know) and kpt's way of
writing a Kptfile it rewrites: struct field order, wide sequence indentation, map keys
sorted, comments dropped (``to_yaml``).

Pure: text in, dataclasses out; no file I/O. It must not run functions or read resources;
checks that need the package's files (``configPath`` existence) live in ``fnconfig``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from porch.errors import Cause, Invalid, NotFound
from porch.kpt import kptfileschema as schema
from porch.krm import ruamelio, yamlio

API_VERSION = "kpt.dev/v1"
KIND = "Kptfile"
FILE_NAME = "Kptfile"

BFS_RENDERING = "kpt.dev/bfs-rendering"
SAVE_ON_RENDER_FAILURE = "kpt.dev/save-on-render-failure"
LOCAL_CONFIG = "config.kubernetes.io/local-config"

RENDERED = "Rendered"
RENDER_SUCCESS = "RenderSuccess"
RENDER_FAILED = "RenderFailed"

_DEPRECATED_VERSIONS = ("kpt.dev/v1alpha1", "kpt.dev/v1alpha2")


class KptfileError(Invalid):
    """A Kptfile that cannot be read; ``detail`` is the decoder's own text (go-yaml wording)."""

    def __init__(self, message: str, *, location: str, detail: str, causes: list[Cause]) -> None:
        super().__init__(message, causes=causes)
        self.location = location
        self.detail = detail


class KptfileNotFound(NotFound):
    def __init__(self, location: str) -> None:
        super().__init__(f'No Kptfile found at "{location}".')
        self.location = location
        self.detail = "no such file or directory"


@dataclass(frozen=True)
class Selector:
    api_version: str = ""
    kind: str = ""
    name: str = ""
    namespace: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)

    def is_empty(self) -> bool:
        return not (self.api_version or self.kind or self.name or self.namespace) and not (
            self.labels or self.annotations
        )


@dataclass(frozen=True)
class Function:
    image: str = ""
    exec: str = ""
    config_path: str = ""
    config_map: dict[str, str] = field(default_factory=dict)
    name: str = ""
    tag: str = ""
    selectors: tuple[Selector, ...] = ()
    exclude: tuple[Selector, ...] = ()


@dataclass(frozen=True)
class Pipeline:
    mutators: tuple[Function, ...] = ()
    validators: tuple[Function, ...] = ()

    def is_empty(self) -> bool:
        return not self.mutators and not self.validators


@dataclass(frozen=True)
class Git:
    repo: str = ""
    directory: str = ""
    ref: str = ""


@dataclass(frozen=True)
class Upstream:
    type: str = ""
    git: Git | None = None
    update_strategy: str = ""


@dataclass(frozen=True)
class GitLock:
    repo: str = ""
    directory: str = ""
    ref: str = ""
    commit: str = ""


@dataclass(frozen=True)
class GenericLock:
    store_id: str = ""
    resource_id: str = ""
    resource_version: str = ""


@dataclass(frozen=True)
class Locator:
    type: str = ""
    git: GitLock | None = None
    generic: GenericLock | None = None


@dataclass(frozen=True)
class ReadinessGate:
    condition_type: str = ""


@dataclass(frozen=True)
class PackageInfo:
    site: str = ""
    emails: tuple[str, ...] = ()
    license: str = ""
    license_file: str = ""
    description: str = ""
    keywords: tuple[str, ...] = ()
    man: str = ""
    readiness_gates: tuple[ReadinessGate, ...] = ()


@dataclass(frozen=True)
class Inventory:
    namespace: str = ""
    name: str = ""
    inventory_id: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Condition:
    type: str = ""
    status: str = ""
    reason: str = ""
    message: str = ""


@dataclass(frozen=True)
class StepResult:
    """One pipeline step of the last render (``status.renderStatus.*Steps[]``)."""

    name: str = ""
    image: str = ""
    exec: str = ""
    execution_error: str = ""
    stderr: str = ""
    exit_code: int = 0
    results: tuple[dict[str, Any], ...] = ()
    error_results: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class RenderStatus:
    mutation_steps: tuple[StepResult, ...] = ()
    validation_steps: tuple[StepResult, ...] = ()
    error_summary: str = ""


@dataclass(frozen=True)
class Status:
    conditions: tuple[Condition, ...] = ()
    render_status: RenderStatus | None = None


@dataclass(frozen=True)
class Metadata:
    name: str = ""
    namespace: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Kptfile:
    api_version: str = API_VERSION
    kind: str = KIND
    metadata: Metadata = field(default_factory=Metadata)
    upstream: Upstream | None = None
    upstream_lock: Locator | None = None
    info: PackageInfo | None = None
    pipeline: Pipeline | None = None
    inventory: Inventory | None = None
    status: Status | None = None

    @property
    def name(self) -> str:
        return self.metadata.name

    def annotation_is_true(self, key: str) -> bool:
        return self.metadata.annotations.get(key, "").lower() == "true"

    def effective_pipeline(self) -> Pipeline:
        return self.pipeline or Pipeline()


def parse(text: str, *, source: str) -> Kptfile:
    """Decode a Kptfile strictly; ``KptfileError`` names ``source``, the line and the field."""
    quick = _parse_well_formed(text)
    if quick is not None:
        return quick
    try:
        node = ruamelio.new_yaml().load(text)
    except Exception as exc:  # ruamel raises many unrelated types for bad input
        raise _syntax_error(exc, source) from exc
    if not isinstance(node, dict):
        raise _error(source, "yaml: Kptfile must be a mapping", [])
    _check_version(node, source)
    decoder = schema.Decoder()
    result = decoder.decode(node, schema.KPTFILE)
    if decoder.problems:
        lines = [f"  line {p.line}: {p.message}" for p in decoder.problems]
        causes = [
            Cause(reason="FieldValueInvalid", message=p.message, field=p.path)
            for p in decoder.problems
        ]
        detail = "yaml: unmarshal errors:\n" + "\n".join(lines)
        fields = ", ".join(p.path for p in decoder.problems)
        raise _error(source, detail, causes, suffix=f"\nfields: {fields}")
    return _build(result)


def _parse_well_formed(text: str) -> Kptfile | None:
    """A Kptfile without syntax or schema problems, read by the fast YAML layer; None for
    anything else, which the ruamel reader then decodes again for its line numbers."""
    try:
        node = yamlio.load(text)
    except Invalid:
        return None
    if not isinstance(node, dict):
        return None
    api_version, kind = str(node.get("apiVersion") or ""), str(node.get("kind") or "")
    if api_version != API_VERSION or kind != KIND:
        return None
    decoder = schema.Decoder()
    result = decoder.decode(node, schema.KPTFILE)
    return None if decoder.problems else _build(result)


def _syntax_error(exc: Exception, source: str) -> KptfileError:
    line, problem = ruamelio.error_position(exc)
    return _error(source, f"yaml: line {line}: {problem}", [])


def _error(source: str, detail: str, causes: list[Cause], *, suffix: str = "") -> KptfileError:
    message = f'Kptfile at "{source}" can\'t be read.\n\nDetails:\n{detail}{suffix}'
    return KptfileError(message, location=source, detail=detail, causes=causes)


def _check_version(node: dict[str, Any], source: str) -> None:
    api_version, kind = str(node.get("apiVersion") or ""), str(node.get("kind") or "")
    if api_version == API_VERSION and kind == KIND:
        return
    if api_version in _DEPRECATED_VERSIONS and kind == KIND:
        version = api_version.split("/")[1]
        message = (
            f'Kptfile at "{source}" has an old version ("{version}") of the Kptfile schema.\n'
            "Please update the package to the latest format."
        )
        detail = f'old resource version "{version}" found in Kptfile'
    else:
        group, _, version = api_version.rpartition("/")
        gvk = f"{group}/{version}, Kind={kind}" if group else f"{version}, Kind={kind}"
        message = f'Kptfile at "{source}" has an unknown resource type ("{gvk}").'
        detail = f'unknown resource type "{gvk}" found in Kptfile'
    raise KptfileError(message, location=source, detail=detail, causes=[])


def _build(data: dict[str, Any]) -> Kptfile:
    """Typed model from the decoder's plain dicts (keys already snake_case)."""
    return Kptfile(
        api_version=data.get("api_version", API_VERSION),
        kind=data.get("kind", KIND),
        metadata=Metadata(**data.get("metadata", {})),
        upstream=_upstream(data.get("upstream")),
        upstream_lock=_locator(data.get("upstream_lock")),
        info=_info(data.get("info")),
        pipeline=_pipeline(data.get("pipeline")),
        inventory=Inventory(**data["inventory"]) if "inventory" in data else None,
        status=_status(data.get("status")),
    )


def _upstream(data: dict[str, Any] | None) -> Upstream | None:
    if data is None:
        return None
    git = Git(**data["git"]) if "git" in data else None
    return Upstream(
        type=data.get("type", ""), git=git, update_strategy=data.get("update_strategy", "")
    )


def _locator(data: dict[str, Any] | None) -> Locator | None:
    if data is None:
        return None
    return Locator(
        type=data.get("type", ""),
        git=GitLock(**data["git"]) if "git" in data else None,
        generic=GenericLock(**data["generic"]) if "generic" in data else None,
    )


def _info(data: dict[str, Any] | None) -> PackageInfo | None:
    if data is None:
        return None
    return PackageInfo(
        site=data.get("site", ""),
        emails=tuple(data.get("emails", ())),
        license=data.get("license", ""),
        license_file=data.get("license_file", ""),
        description=data.get("description", ""),
        keywords=tuple(data.get("keywords", ())),
        man=data.get("man", ""),
        readiness_gates=tuple(ReadinessGate(**g) for g in data.get("readiness_gates", ())),
    )


def _pipeline(data: dict[str, Any] | None) -> Pipeline | None:
    if data is None:
        return None
    return Pipeline(
        mutators=tuple(_function(f) for f in data.get("mutators", ())),
        validators=tuple(_function(f) for f in data.get("validators", ())),
    )


def _function(data: dict[str, Any]) -> Function:
    values = dict(data)
    values["selectors"] = tuple(Selector(**s) for s in values.get("selectors", ()))
    values["exclude"] = tuple(Selector(**s) for s in values.get("exclude", ()))
    return Function(**values)


def _status(data: dict[str, Any] | None) -> Status | None:
    if data is None:
        return None
    render = data.get("render_status")
    return Status(
        conditions=tuple(Condition(**c) for c in data.get("conditions", ())),
        render_status=None if render is None else _render_status(render),
    )


def _render_status(data: dict[str, Any]) -> RenderStatus:
    def steps(key: str) -> tuple[StepResult, ...]:
        return tuple(_step(s) for s in data.get(key, ()))

    return RenderStatus(
        mutation_steps=steps("mutation_steps"),
        validation_steps=steps("validation_steps"),
        error_summary=data.get("error_summary", ""),
    )


def _step(data: dict[str, Any]) -> StepResult:
    return StepResult(
        name=data.get("name", ""),
        image=data.get("image", ""),
        exec=data.get("exec", ""),
        execution_error=data.get("execution_error", ""),
        stderr=data.get("stderr", ""),
        exit_code=data.get("exit_code", 0),
        results=tuple(data.get("results", ())),
        error_results=tuple(data.get("error_results", ())),
    )


# --- validation (file-independent rules of api/kptfile/v1/validation.go) -------------------

_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_DOMAIN = r"(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?"  # noqa: E501
_REFERENCE = re.compile(
    rf"^(?:{_DOMAIN}/)?{_COMPONENT}(?:/{_COMPONENT})*(?::[\w][\w.-]{{0,127}})?"
    r"(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$"
)


@dataclass(frozen=True)
class ValidationError:
    """kpt's ``ValidateError``: a field, its value and why it is wrong."""

    field: str
    reason: str
    value: str = ""

    def text(self) -> str:
        value = f'Value: "{self.value}"\n' if self.value else ""
        return f"Kptfile is invalid:\nField: `{self.field}`\n{value}Reason: {self.reason}\n"


def validate_function(fn: Function, *, kind: str, index: int) -> ValidationError | None:
    """The rules kpt checks on one pipeline entry before anything runs."""
    where = f"pipeline.{kind}[{index}]"
    if not fn.image and not fn.exec:
        return ValidationError(where, "must specify a functon (`image` or `exec`) to execute")
    if fn.image and fn.exec:
        return ValidationError(where, "must not specify both `image` and `exec` at the same time")
    if fn.image and not _REFERENCE.match(fn.image):
        reason = f'function image reference "{fn.image}" is invalid: invalid reference format'
        return ValidationError(f"{where}.image", reason, fn.image)
    if fn.config_map and fn.config_path:
        reason = (
            "functionConfig must not specify both `configMap` and `configPath` at the same time"
        )
        return ValidationError(where, reason)
    if fn.config_path:
        reason = config_path_problem(fn.config_path)
        if reason:
            return ValidationError(f"{where}.configPath", reason, fn.config_path)
    return None


def config_path_problem(path: str) -> str:
    """Why ``path`` cannot be a ``configPath`` (empty when it can)."""
    if not path.strip():
        return "path must not be empty"
    if path.startswith("/"):
        return "path must be relative"
    if ".." in path:
        return "path must not be outside the package"
    return ""


def validate_pipeline(kf: Kptfile) -> ValidationError | None:
    pipeline = kf.effective_pipeline()
    for kind, functions in (("mutators", pipeline.mutators), ("validators", pipeline.validators)):
        for index, fn in enumerate(functions):
            problem = validate_function(fn, kind=kind, index=index)
            if problem is not None:
                return problem
    return None


__all__ = [
    "API_VERSION",
    "BFS_RENDERING",
    "FILE_NAME",
    "KIND",
    "RENDERED",
    "RENDER_FAILED",
    "RENDER_SUCCESS",
    "SAVE_ON_RENDER_FAILURE",
    "Condition",
    "Function",
    "GenericLock",
    "Git",
    "GitLock",
    "Inventory",
    "Kptfile",
    "KptfileError",
    "KptfileNotFound",
    "Locator",
    "Metadata",
    "PackageInfo",
    "Pipeline",
    "ReadinessGate",
    "RenderStatus",
    "Selector",
    "Status",
    "StepResult",
    "Upstream",
    "ValidationError",
    "config_path_problem",
    "parse",
    "validate_function",
    "validate_pipeline",
]
