"""set-namespace: move every namespaced resource (and references to it) to one namespace.

Port of the catalog's ``set-namespace`` (Go SDK): config from a ConfigMap (``namespace``,
``namespaceMatcher``; or the package-context ConfigMap ``kptfile.kpt.dev`` with ``name``)
or ``SetNamespace``; local-config items are skipped; ``Namespace`` objects are renamed;
CRD/APIService service references and ClusterRoleBinding subjects follow; ``depends-on``
annotations pointing into the list are rewritten. Pure; no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from porch.functions import nodes, objects, scopes
from porch.functions.failures import FunctionFailed, fail
from porch.krm.resourcelist import ResourceList, set_annotation
from porch.krm.yamlview import Map

UNKNOWN = "~C"  # the SDK's marker for cluster-scoped or unknown-scope namespaces
DEFAULT = "default"
PACKAGE_CONTEXT = "kptfile.kpt.dev"
_EXPECT = "expect `ConfigMap.v1` or `SetNamespace.v1alpha1.fn.kpt.dev`"
_NAMESPACED_REF = re.compile(r"\A([-.\w]*)/namespaces/([-.\w]*)/([-.\w]*)/([-.\w]*)\Z", re.ASCII)
_UPSTREAM = re.compile(
    r"([a-z0-9-.]*)\|([A-Z][a-zA-Z0-9]*)\|([a-z0-9-]{1,63}|~C)\|([a-z0-9-]{1,63})"
)

Visitor = Callable[[str, str, str], str]


@dataclass(frozen=True)
class Config:
    namespace: str
    matcher: str = ""


def run(rl: ResourceList) -> ResourceList:
    config = _config(rl.function_config)
    items = [item for item in rl.items if not objects.is_local_config(item)]
    rl.results.extend(_transform(items, config))
    return rl


def _config(fc: Map | None) -> Config:
    try:
        return _parse_config(fc)
    except ValueError as exc:
        result: dict[str, Any] = {"message": str(exc), "severity": "error"}
        if fc is not None:
            result["resourceRef"] = objects.resource_ref(fc)
            if objects.path_of(fc):
                result["file"] = objects.file_ref(fc)
        raise FunctionFailed(str(exc), results=[result]) from None


def _parse_config(fc: Map | None) -> Config:
    if fc is None:
        raise ValueError(f"FunctionConfig is missing. Expect {_EXPECT.removeprefix('expect ')}")
    if objects.is_gvk(fc, "", "v1", "ConfigMap"):
        return _from_config_map(fc)
    if objects.is_gvk(fc, objects.FN_GROUP, "v1alpha1", "SetNamespace"):
        ns = objects.text(fc.get("namespace"))
        if not ns:
            raise ValueError("`namespace` should not be empty")
        return Config(ns, objects.text(fc.get("namespaceMatcher")))
    raise ValueError(
        f"unknown functionConfig Kind={objects.kind(fc)} "
        f"ApiVersion={objects.api_version(fc)}, {_EXPECT}"
    )


def _from_config_map(fc: Map) -> Config:
    data = objects.config_data(fc)
    matcher = data.get("namespaceMatcher", "")
    if data.get("namespace"):
        return Config(data["namespace"], matcher)
    if data.get("name") and objects.name(fc) == PACKAGE_CONTEXT:
        return Config(data["name"], matcher)
    if objects.name(fc) == PACKAGE_CONTEXT:
        raise ValueError("`data.name` should not be empty")
    raise ValueError("`data.namespace` should not be empty")


# -- identities -------------------------------------------------------------------------


def _effective_namespace(item: Map) -> str:
    if objects.has_namespace(item):
        return objects.namespace(item)
    return DEFAULT if scopes.is_namespace_scoped(item) else UNKNOWN


def _origin(item: Map) -> tuple[str, str]:
    """(namespace, name) the item had upstream, from ``internal.kpt.dev/upstream-identifier``."""
    upstream = objects.annotation(item, objects.UPSTREAM_IDENTIFIER).strip()
    if not upstream:
        return _effective_namespace(item), objects.name(item)
    match = _UPSTREAM.search(upstream)
    if match is None:
        raise fail(
            f"annotation {objects.UPSTREAM_IDENTIFIER}: {upstream} is in bad format. "
            'expect "<GROUP>|<KIND>|<NAMESPACE>|<NAME>"'
        )
    return match.group(3), match.group(4)


def _depends_on_id(item: Map) -> str:
    return (
        f"{objects.group(item)}/namespaces/{_effective_namespace(item)}/"
        f"{objects.kind(item)}/{objects.name(item)}"
    )


def _origin_namespaces(items: list[Map]) -> list[str]:
    found: set[str] = set()
    for item in items:
        if not objects.annotation(item, objects.UPSTREAM_IDENTIFIER):
            continue
        if not scopes.is_namespace_scoped(item):
            continue
        origin_ns, _ = _origin(item)
        if origin_ns == UNKNOWN:
            raise fail(
                f"{objects.short_string(item)} is namespace-scoped, but has cluster-scoped "
                f"or unknown scoepd origin {objects.annotation(item, objects.UPSTREAM_IDENTIFIER)}"
            )
        found.add(origin_ns)
    return sorted(found)


# -- the transformation -----------------------------------------------------------------


@dataclass
class _Walk:
    new: str
    matcher: str
    count: int = 0
    old: set[str] = field(default_factory=set)
    results: list[dict[str, Any]] = field(default_factory=list)

    def visit(self, origin: str, current: str, ident: str) -> str:
        if origin == UNKNOWN:
            return current
        current = current or DEFAULT
        if current == self.new:
            return current
        if self.matcher and self.matcher == origin:
            self.results.append(_info(f"[{ident}] has matching origin {origin}"))
        if self.matcher and self.matcher not in (current, origin):
            return current
        self.old.add(current)
        self.count += 1
        return self.new


def _transform(items: list[Map], config: Config) -> list[dict[str, Any]]:
    before = {_depends_on_id(item) for item in items if _effective_namespace(item) != UNKNOWN}
    origins = _origin_namespaces(items)
    if not config.matcher and len(origins) > 1:
        raise fail(
            "unable to use origin `namespace` to match. expect a single upstream namespace, "
            f"found [{' '.join(origins)}]. please switch to use `namespaceMatcher`"
            "to specify the namespace value you want to change"
        )
    walk = _Walk(config.namespace, config.matcher)
    _visit_cluster_scoped(items, walk.visit)
    _visit_namespaced(items, walk.visit)
    results = [*walk.results, _summary(walk)]
    count, old = _update_depends_on(items, before, config)
    results.append(_depends_on_summary(count, old, config.namespace))
    return results


def _visit_cluster_scoped(items: list[Map], visit: Visitor) -> None:
    for item in items:
        if scopes.is_namespace_scoped(item):
            continue
        if objects.is_gvk(item, "", "v1", "Namespace"):
            _, origin_name = _origin(item)
            meta = nodes.ensure_map(item, "metadata")
            meta["name"] = visit(origin_name, objects.name(item), objects.short_string(item))
        elif objects.is_gvk(item, "apiextensions.k8s.io", "v1", "CustomResourceDefinition"):
            _visit_field(item, ("spec", "conversion", "webhook", "clientConfig", "service"), visit)
        elif objects.is_gvk(item, "apiregistration.k8s.io", "v1", "APIService"):
            _visit_field(item, ("spec", "service"), visit)
        elif objects.kind(item) in ("ClusterRoleBinding", "RoleBinding"):
            for subject in item.get("subjects") or []:
                if isinstance(subject, Map) and "namespace" in subject:
                    subject["namespace"] = visit("", objects.text(subject["namespace"]), "")


def _visit_field(item: Map, path: tuple[str, ...], visit: Visitor) -> None:
    # Only an existing reference is followed: the catalog would create the whole path on
    # CRDs and APIServices that have none, which is never what a user wants.
    holder = nodes.get_path(item, *path)
    if isinstance(holder, Map) and "namespace" in holder:
        holder["namespace"] = visit("", objects.text(holder["namespace"]), "")


def _visit_namespaced(items: list[Map], visit: Visitor) -> None:
    for item in items:
        if not scopes.is_namespace_scoped(item):
            continue
        origin_ns, _ = _origin(item)
        new = visit(origin_ns, objects.namespace(item), objects.short_string(item))
        if new != objects.namespace(item) or not objects.has_namespace(item):
            nodes.ensure_map(item, "metadata")["namespace"] = new


def _update_depends_on(items: list[Map], before: set[str], config: Config) -> tuple[int, set[str]]:
    count, old = 0, set()
    for item in items:
        value = objects.annotation(item, objects.DEPENDS_ON)
        if not value or not _NAMESPACED_REF.match(value) or value not in before:
            continue
        segments = value.split("/")
        if segments[2] == config.namespace:
            continue
        if config.matcher and config.matcher != segments[2]:
            continue
        old.add(segments[2])
        segments[2] = config.namespace
        count += 1
        set_annotation(item, objects.DEPENDS_ON, "/".join(segments))
    return count, old


def _info(message: str) -> dict[str, Any]:
    return {"message": message, "severity": "info"}


def _summary(walk: _Walk) -> dict[str, Any]:
    if walk.count == 0:
        return _info(
            f"all matching namespaces are already {nodes.go_quote(walk.new)}. no value changed"
        )
    old = " ".join(sorted(walk.old))
    return _info(
        f"namespace [{old}] updated to {nodes.go_quote(walk.new)}, {walk.count} value(s) changed"
    )


def _depends_on_summary(count: int, old: set[str], new: str) -> dict[str, Any]:
    if count == 0:
        return _info("all `depends-on` annotations are up-to-date. no `namespace` changed")
    return _info(
        f"`depends-on` annotation namespace [{' '.join(sorted(old))}] updated to "
        f"{nodes.go_quote(new)}, {count} value(s) changed"
    )


__all__ = ["Config", "run"]
