"""The Kptfile's field table and a strict decoder that reports problems like go-yaml.

Why it exists: kpt decodes Kptfiles with ``KnownFields(true)``, so users know messages such
as ``line 13: field targetResources not found in type v1.Function`` and ``cannot unmarshal
!!map into string``. Keeping the schema as data (one table per Go type) lets ``kptfile``
stay small and keeps the wording in one place.

Pure; no I/O. It must not build the typed model (``kptfile`` does) or validate semantics.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml.scalarbool import ScalarBoolean

from porch.krm import ruamelio, yamlview

STR = "string"
INT = "int"
STRMAP = "map[string]string"


@dataclass(frozen=True)
class ListOf:
    item: Any  # STR or a Struct

    @property
    def go_type(self) -> str:
        inner = self.item if isinstance(self.item, str) else self.item.go_type
        return f"[]{inner}"


@dataclass
class Struct:
    """One Go struct: YAML key -> (python attribute, kind). ``raw`` keeps YAML keys."""

    go_type: str
    fields: dict[str, tuple[str, Any]] = field(default_factory=dict)
    raw: bool = False


@dataclass(frozen=True)
class Problem:
    line: int
    message: str
    path: str


def _struct(go_type: str, *specs: tuple[str, str, Any], raw: bool = False) -> Struct:
    return Struct(go_type, {key: (attr, kind) for key, attr, kind in specs}, raw=raw)


SELECTOR = _struct(
    "v1.Selector",
    ("apiVersion", "api_version", STR),
    ("kind", "kind", STR),
    ("name", "name", STR),
    ("namespace", "namespace", STR),
    ("labels", "labels", STRMAP),
    ("annotations", "annotations", STRMAP),
)
FUNCTION = _struct(
    "v1.Function",
    ("image", "image", STR),
    ("exec", "exec", STR),
    ("configPath", "config_path", STR),
    ("configMap", "config_map", STRMAP),
    ("name", "name", STR),
    ("tag", "tag", STR),
    ("selectors", "selectors", ListOf(SELECTOR)),
    ("exclude", "exclude", ListOf(SELECTOR)),
)
PIPELINE = _struct(
    "v1.Pipeline",
    ("mutators", "mutators", ListOf(FUNCTION)),
    ("validators", "validators", ListOf(FUNCTION)),
)
GIT = _struct("v1.Git", ("repo", "repo", STR), ("directory", "directory", STR), ("ref", "ref", STR))
UPSTREAM = _struct(
    "v1.Upstream",
    ("type", "type", STR),
    ("git", "git", GIT),
    ("updateStrategy", "update_strategy", STR),
)
GIT_LOCK = _struct(
    "v1.GitLock",
    ("repo", "repo", STR),
    ("directory", "directory", STR),
    ("ref", "ref", STR),
    ("commit", "commit", STR),
)
GENERIC_LOCK = _struct(
    "v1.GenericLock",
    ("storeID", "store_id", STR),
    ("resourceID", "resource_id", STR),
    ("resourceVersion", "resource_version", STR),
)
LOCATOR = _struct(
    "v1.Locator",
    ("type", "type", STR),
    ("git", "git", GIT_LOCK),
    ("generic", "generic", GENERIC_LOCK),
)
READINESS_GATE = _struct("v1.ReadinessGate", ("conditionType", "condition_type", STR))
PACKAGE_INFO = _struct(
    "v1.PackageInfo",
    ("site", "site", STR),
    ("emails", "emails", ListOf(STR)),
    ("license", "license", STR),
    ("licenseFile", "license_file", STR),
    ("description", "description", STR),
    ("keywords", "keywords", ListOf(STR)),
    ("man", "man", STR),
    ("readinessGates", "readiness_gates", ListOf(READINESS_GATE)),
)
INVENTORY = _struct(
    "v1.Inventory",
    ("namespace", "namespace", STR),
    ("name", "name", STR),
    ("inventoryID", "inventory_id", STR),
    ("labels", "labels", STRMAP),
    ("annotations", "annotations", STRMAP),
)
CONDITION = _struct(
    "v1.Condition",
    ("type", "type", STR),
    ("status", "status", STR),
    ("reason", "reason", STR),
    ("message", "message", STR),
)
RESOURCE_REF = _struct(
    "yaml.ResourceIdentifier",
    ("apiVersion", "apiVersion", STR),
    ("kind", "kind", STR),
    ("name", "name", STR),
    ("namespace", "namespace", STR),
    raw=True,
)
FIELD = _struct(
    "v1.Field",
    ("path", "path", STR),
    ("currentValue", "currentValue", STR),
    ("proposedValue", "proposedValue", STR),
    raw=True,
)
FILE = _struct("framework.File", ("path", "path", STR), ("index", "index", INT), raw=True)
RESULT_ITEM = _struct(
    "v1.ResultItem",
    ("message", "message", STR),
    ("severity", "severity", STR),
    ("resourceRef", "resourceRef", RESOURCE_REF),
    ("field", "field", FIELD),
    ("file", "file", FILE),
    ("tags", "tags", STRMAP),
    raw=True,
)
STEP_RESULT = _struct(
    "v1.PipelineStepResult",
    ("name", "name", STR),
    ("image", "image", STR),
    ("exec", "exec", STR),
    ("executionError", "execution_error", STR),
    ("stderr", "stderr", STR),
    ("exitCode", "exit_code", INT),
    ("results", "results", ListOf(RESULT_ITEM)),
    ("errorResults", "error_results", ListOf(RESULT_ITEM)),
)
RENDER_STATUS = _struct(
    "v1.RenderStatus",
    ("mutationSteps", "mutation_steps", ListOf(STEP_RESULT)),
    ("validationSteps", "validation_steps", ListOf(STEP_RESULT)),
    ("errorSummary", "error_summary", STR),
)
STATUS = _struct(
    "v1.Status",
    ("conditions", "conditions", ListOf(CONDITION)),
    ("renderStatus", "render_status", RENDER_STATUS),
)
METADATA = _struct(
    "yaml.ObjectMeta",
    ("name", "name", STR),
    ("namespace", "namespace", STR),
    ("labels", "labels", STRMAP),
    ("annotations", "annotations", STRMAP),
)
KPTFILE = _struct(
    "v1.KptFile",
    ("apiVersion", "api_version", STR),
    ("kind", "kind", STR),
    ("metadata", "metadata", METADATA),
    ("upstream", "upstream", UPSTREAM),
    ("upstreamLock", "upstream_lock", LOCATOR),
    ("info", "info", PACKAGE_INFO),
    ("pipeline", "pipeline", PIPELINE),
    ("inventory", "inventory", INVENTORY),
    ("status", "status", STATUS),
)


def _tag(value: Any) -> str:
    if isinstance(value, dict):
        return "!!map"
    if isinstance(value, list):
        return "!!seq"
    if isinstance(value, bool | ScalarBoolean):
        return "!!bool"
    if isinstance(value, int):
        return "!!int"
    if isinstance(value, float):
        return "!!float"
    return "!!str"


_PLAIN_SCALARS = (bool, int, float, yamlview.RawInt, yamlview.RawFloat)


def scalar_text(value: Any) -> str:
    """A scalar as its YAML text (go-yaml keeps the source spelling when decoding a string)."""
    if isinstance(value, str):
        return str(value)
    if type(value) in _PLAIN_SCALARS:  # read by porch.krm.yamlio (spellings kept)
        return yamlview.new_scalar(value).value
    text = ruamelio.dump(value)
    return text.removesuffix("\n").removesuffix("\n...").strip()


class Decoder:
    """Decodes one document against a ``Struct``; problems accumulate instead of raising."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def decode(self, node: Any, spec: Struct) -> dict[str, Any]:
        return self._struct(node, spec, path="", line=1)

    def _struct(self, node: Any, spec: Struct, *, path: str, line: int) -> dict[str, Any]:
        if not isinstance(node, dict):
            self._mismatch(node, spec.go_type, path=path, line=line)
            return {}
        out: dict[str, Any] = {}
        for key, value in node.items():
            key_path = f"{path}.{key}" if path else str(key)
            if key not in spec.fields:
                message = f"field {key} not found in type {spec.go_type}"
                self.problems.append(Problem(_key_line(node, key, line), message, key_path))
                continue
            attr, kind = spec.fields[key]
            if value is None:
                continue
            decoded = self._value(value, kind, path=key_path, line=_value_line(node, key, line))
            out[key if spec.raw else attr] = decoded
        return out

    def _value(self, value: Any, kind: Any, *, path: str, line: int) -> Any:
        if isinstance(kind, Struct):
            return self._struct(value, kind, path=path, line=line)
        if isinstance(kind, ListOf):
            return self._list(value, kind, path=path, line=line)
        if kind == STRMAP:
            return self._strmap(value, path=path, line=line)
        if kind == INT:
            if isinstance(value, int) and not isinstance(value, bool | ScalarBoolean):
                return int(value)
            self._mismatch(value, INT, path=path, line=line)
            return 0
        if isinstance(value, dict | list):
            self._mismatch(value, STR, path=path, line=line)
            return ""
        return scalar_text(value)

    def _list(self, value: Any, kind: ListOf, *, path: str, line: int) -> list[Any]:
        if not isinstance(value, list):
            self._mismatch(value, kind.go_type, path=path, line=line)
            return []
        return [
            self._value(item, kind.item, path=f"{path}[{i}]", line=_item_line(value, i, line))
            for i, item in enumerate(value)
            if item is not None
        ]

    def _strmap(self, value: Any, *, path: str, line: int) -> dict[str, str]:
        if not isinstance(value, dict):
            self._mismatch(value, STRMAP, path=path, line=line)
            return {}
        out = {}
        for key, item in value.items():
            if item is None:
                out[str(key)] = ""
                continue
            item_line = _value_line(value, key, line)
            out[str(key)] = self._value(item, STR, path=f"{path}.{key}", line=item_line)
        return out

    def _mismatch(self, value: Any, go_type: str, *, path: str, line: int) -> None:
        tag = _tag(value)
        shown = "" if tag in ("!!map", "!!seq") else f" `{scalar_text(value)}`"
        message = f"cannot unmarshal {tag}{shown} into {go_type}"
        self.problems.append(Problem(line, message, path))


def _key_line(node: Any, key: Any, default: int) -> int:
    try:
        return int(node.lc.key(key)[0]) + 1
    except (AttributeError, KeyError, TypeError):
        return default


def _value_line(node: Any, key: Any, default: int) -> int:
    try:
        return int(node.lc.value(key)[0]) + 1
    except (AttributeError, KeyError, TypeError):
        return default


def _item_line(node: Any, index: int, default: int) -> int:
    try:
        return int(node.lc.item(index)[0]) + 1
    except (AttributeError, KeyError, TypeError, IndexError):
        return default


__all__ = ["KPTFILE", "RESULT_ITEM", "Decoder", "Problem", "Struct", "scalar_text"]
