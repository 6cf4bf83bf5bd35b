"""set-annotations: add annotations to every resource and to its pod templates.

Port of the catalog's ``set-annotations`` (kustomize ``commonAnnotations``): config from
ConfigMap ``data`` or ``SetAnnotations``/``SetAnnotationConfig`` (``annotations``,
``additionalAnnotationFields``, deprecated ``fieldSpecs``); local-config items, the Kptfile
included, are annotated too. One info result per annotated field. Pure; no I/O.
"""

from __future__ import annotations

import json
from typing import Any

from porch.functions import fieldspecs, nodes, objects
from porch.functions.failures import fail
from porch.functions.fieldspecs import FieldSpec
from porch.krm.resourcelist import ResourceList
from porch.krm.yamlview import Map

_TEMPLATE = "spec/template/metadata/annotations"
DEFAULT_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("metadata/annotations", create=True),
    FieldSpec(_TEMPLATE, version="v1", kind="ReplicationController", create=True),
    FieldSpec(_TEMPLATE, kind="Deployment", create=True),
    FieldSpec(_TEMPLATE, kind="ReplicaSet", create=True),
    FieldSpec(_TEMPLATE, kind="DaemonSet", create=True),
    FieldSpec(_TEMPLATE, kind="StatefulSet", create=True),
    FieldSpec(_TEMPLATE, group="batch", kind="Job", create=True),
    FieldSpec("spec/jobTemplate/metadata/annotations", group="batch", kind="CronJob", create=True),
    FieldSpec(
        "spec/jobTemplate/spec/template/metadata/annotations",
        group="batch",
        kind="CronJob",
        create=True,
    ),
)
_KINDS = ("SetAnnotations", "SetAnnotationConfig")


def run(rl: ResourceList) -> ResourceList:
    try:
        annotations, extra = _config(rl.function_config)
    except ValueError as exc:
        raise fail(f"failed to configure function: {exc}") from None
    specs = [*extra, *DEFAULT_FIELDS]
    touched: dict[tuple[str, int, str], dict[str, str]] = {}
    for item in rl.items:
        _annotate(item, annotations, specs, touched)
    rl.results.extend(_results(touched))
    return rl


def _config(fc: Map | None) -> tuple[dict[str, str], list[FieldSpec]]:
    if fc is not None and objects.is_kind(fc, "v1", "ConfigMap"):
        annotations, extra = objects.config_data(fc), list[FieldSpec]()
    elif fc is not None and any(objects.is_kind(fc, "fn.kpt.dev/v1alpha1", k) for k in _KINDS):
        annotations, extra = _from_custom(fc)
    else:
        raise ValueError("`functionConfig` must be a `ConfigMap` or `SetAnnotations`")
    if not annotations:
        raise ValueError("input annotation list cannot be empty")
    return annotations, extra


def _from_custom(fc: Map) -> tuple[dict[str, str], list[FieldSpec]]:
    raw = fc.get("annotations") or {}
    annotations = {str(k): objects.text(v) for k, v in raw.items()} if isinstance(raw, dict) else {}
    extra, legacy = fc.get("additionalAnnotationFields"), fc.get("fieldSpecs")
    if extra is not None and legacy is not None:
        raise ValueError(
            "`fieldSpecs` has been deprecated, please rename it to `additionalAnnotationFields`"
        )
    return annotations, fieldspecs.parse_all(extra if extra is not None else legacy)


def _annotate(
    item: Map,
    annotations: dict[str, str],
    specs: list[FieldSpec],
    touched: dict[tuple[str, int, str], dict[str, str]],
) -> None:
    where = (objects.path_of(item), objects.index_of(item))

    def set_all(parent: Map, key: str) -> None:
        target = parent.get(key)
        if target is None:
            target = parent[key] = Map()
        if not isinstance(target, dict):
            return
        field_path = _field_path(item, target)
        for name in sorted(annotations):
            target[name] = nodes.go_string(annotations[name])
            touched.setdefault((*where, field_path), {})[name] = annotations[name]

    fieldspecs.visit_all(item, specs, set_all)


def _field_path(item: Map, target: dict[str, Any]) -> str:
    """Dotted path of ``target`` inside ``item`` (the kustomize callback's ``FieldPath``)."""
    found = _find(item, target, [])
    return ".".join(found or [])


def _find(node: Any, target: dict[str, Any], trail: list[str]) -> list[str] | None:
    if node is target:
        return trail
    if isinstance(node, Map):
        for key, value in node.items():
            found = _find(value, target, [*trail, str(key)])
            if found is not None:
                return found
    elif isinstance(node, list):
        for value in node:
            found = _find(value, target, trail)
            if found is not None:
                return found
    return None


def _results(touched: dict[tuple[str, int, str], dict[str, str]]) -> list[dict[str, Any]]:
    if not touched:
        return [{"message": "no annotations applied"}]
    results = []
    for (path, index, field_path), values in sorted(touched.items()):
        encoded = json.dumps(
            dict(sorted(values.items())), separators=(",", ":"), ensure_ascii=False
        )
        result: dict[str, Any] = {
            "message": f"set annotations: {encoded}",
            "field": {"path": field_path},
            "file": {"path": path, **({"index": index} if index else {})},
        }
        results.append(result)
    return results


__all__ = ["DEFAULT_FIELDS", "run"]
