"""Writing a Kptfile the way kpt does when it rewrites one from its Go struct.

Why it exists: after a render (status), ``pkg get``/``update`` and ``fn eval --save`` kpt
marshals the Kptfile struct: fields in struct order, empty fields left out, map keys
sorted, sequences indented ("wide"), multi-line strings as literal blocks, comments gone.
Fixtures compare these bytes, so the layout lives here, next to nothing else.

Pure; no file I/O. It must not parse or validate (``kptfile`` does).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from porch.kpt.kptfile import (
    RENDERED,
    Condition,
    Function,
    Inventory,
    Kptfile,
    Locator,
    Metadata,
    PackageInfo,
    Pipeline,
    RenderStatus,
    Selector,
    Status,
    StepResult,
    Upstream,
)
from porch.krm import yamlio
from porch.krm.yamlview import Literal, Map, Seq


def with_render_status(
    kf: Kptfile, *, condition: Condition, render: RenderStatus | None
) -> Kptfile:
    """``kf`` with its ``Rendered`` condition replaced and ``renderStatus`` set."""
    status = kf.status or Status()
    kept = tuple(c for c in status.conditions if c.type != RENDERED)
    return replace(kf, status=Status(conditions=(*kept, condition), render_status=render))


def to_yaml(kf: Kptfile) -> str:
    return yamlio.dump(to_node(kf), compact_sequences=False)


def to_node(kf: Kptfile) -> Map:
    out = _map(
        ("apiVersion", kf.api_version),
        ("kind", kf.kind),
        ("metadata", _metadata(kf.metadata)),
        ("upstream", _upstream_node(kf.upstream)),
        ("upstreamLock", _locator_node(kf.upstream_lock)),
        ("info", _info_node(kf.info)),
        ("pipeline", _pipeline_node(kf.pipeline)),
        ("inventory", _inventory_node(kf.inventory)),
        ("status", _status_node(kf.status)),
    )
    return out if out is not None else Map()


def _map(*pairs: tuple[str, Any]) -> Map | None:
    """A mapping of the non-empty values, like Go's ``omitempty``."""
    node = Map()
    for key, value in pairs:
        if value is None or value == "" or (isinstance(value, list | dict) and not value):
            continue
        node[key] = _scalar(value) if isinstance(value, str) else value
    return node


def _scalar(value: str) -> str:
    return Literal(value) if "\n" in value else value


def _sorted(values: dict[str, str]) -> Map | None:
    if not values:
        return None
    return Map((k, _scalar(values[k])) for k in sorted(values))


def _seq(values: list[Any]) -> Seq | None:
    kept = [v for v in values if v is not None]
    return Seq(kept) if kept else None


def _metadata(meta: Metadata) -> Map | None:
    return _map(
        ("name", meta.name),
        ("namespace", meta.namespace),
        ("labels", _sorted(meta.labels)),
        ("annotations", _sorted(meta.annotations)),
    )


def _upstream_node(up: Upstream | None) -> Map | None:
    if up is None:
        return None
    git = None if up.git is None else _map(*_pairs(up.git, ("repo", "directory", "ref")))
    return _map(("type", up.type), ("git", git), ("updateStrategy", up.update_strategy))


def _locator_node(lock: Locator | None) -> Map | None:
    if lock is None:
        return None
    git = (
        None
        if lock.git is None
        else _map(*_pairs(lock.git, ("repo", "directory", "ref", "commit")))
    )
    generic = None
    if lock.generic is not None:
        generic = _map(
            ("storeID", lock.generic.store_id),
            ("resourceID", lock.generic.resource_id),
            ("resourceVersion", lock.generic.resource_version),
        )
    return _map(("type", lock.type), ("git", git), ("generic", generic))


def _pairs(obj: Any, names: tuple[str, ...]) -> list[tuple[str, Any]]:
    return [(name, getattr(obj, name)) for name in names]


def _info_node(info: PackageInfo | None) -> Map | None:
    if info is None:
        return None
    gates = [_map(("conditionType", g.condition_type)) for g in info.readiness_gates]
    return _map(
        ("site", info.site),
        ("emails", _seq(list(info.emails))),
        ("license", info.license),
        ("licenseFile", info.license_file),
        ("description", info.description),
        ("keywords", _seq(list(info.keywords))),
        ("man", info.man),
        ("readinessGates", _seq(gates)),
    )


def _pipeline_node(pipeline: Pipeline | None) -> Map | None:
    if pipeline is None:
        return None
    return _map(
        ("mutators", _seq([function_node(f) for f in pipeline.mutators])),
        ("validators", _seq([function_node(f) for f in pipeline.validators])),
    )


def function_node(fn: Function) -> Map:
    node = _map(
        ("image", fn.image),
        ("exec", fn.exec),
        ("configPath", fn.config_path),
        ("configMap", _sorted(fn.config_map)),
        ("name", fn.name),
        ("tag", fn.tag),
        ("selectors", _seq([_selector_node(s) for s in fn.selectors])),
        ("exclude", _seq([_selector_node(s) for s in fn.exclude])),
    )
    return node if node is not None else Map()


def _selector_node(sel: Selector) -> Map | None:
    return _map(
        ("apiVersion", sel.api_version),
        ("kind", sel.kind),
        ("name", sel.name),
        ("namespace", sel.namespace),
        ("labels", _sorted(sel.labels)),
        ("annotations", _sorted(sel.annotations)),
    )


def _inventory_node(inv: Inventory | None) -> Map | None:
    if inv is None:
        return None
    return _map(
        ("namespace", inv.namespace),
        ("name", inv.name),
        ("inventoryID", inv.inventory_id),
        ("labels", _sorted(inv.labels)),
        ("annotations", _sorted(inv.annotations)),
    )


def _status_node(status: Status | None) -> Map | None:
    if status is None:
        return None
    conditions = [
        _map(("type", c.type), ("status", c.status), ("reason", c.reason), ("message", c.message))
        for c in status.conditions
    ]
    render = status.render_status
    render_node = None
    if render is not None:
        render_node = _map(
            ("mutationSteps", _seq([step_node(s) for s in render.mutation_steps])),
            ("validationSteps", _seq([step_node(s) for s in render.validation_steps])),
            ("errorSummary", render.error_summary),
        )
    return _map(("conditions", _seq(conditions)), ("renderStatus", render_node))


def step_node(step: StepResult) -> Map:
    node = _map(
        ("name", step.name),
        ("image", step.image),
        ("exec", step.exec),
        ("executionError", step.execution_error),
        ("stderr", step.stderr),
    )
    assert node is not None
    node["exitCode"] = step.exit_code  # kpt always writes it
    results = _seq([yamlio.to_node(r) for r in step.results])
    errors = _seq([yamlio.to_node(r) for r in step.error_results])
    if results:
        node["results"] = results
    if errors:
        node["errorResults"] = errors
    return node


__all__ = ["function_node", "step_node", "to_node", "to_yaml", "with_render_status"]
