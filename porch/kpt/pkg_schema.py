"""Which lists merge element by element: the schema view kpt's 3-way merge consults.

kyaml walks a resource alongside its OpenAPI schema: a list is associative when its schema
says ``x-kubernetes-patch-strategy: merge``, and its elements match on the merge keys
(``x-kubernetes-list-map-keys`` first, else ``x-kubernetes-patch-merge-key``). Built-in
kinds come from :mod:`porch.kpt.pkg_openapi_data`; CustomResourceDefinitions add their own
``openAPIV3Schema``. Without a schema every list is atomic. Pure; no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from porch.errors import Invalid
from porch.kpt import pkg_openapi_data
from porch.krm.yamlnode import MAP, SCALAR, SEQ, Node


@dataclass(frozen=True)
class Registry:
    """Built-in definitions plus those added from CRDs (keyed "group/version|Kind")."""

    roots: dict[str, str] = field(default_factory=dict)
    definitions: dict[str, Any] = field(default_factory=dict)

    def for_type(self, api_version: str, kind: str) -> Schema | None:
        key = f"{api_version}|{kind}"
        name = self.roots.get(key) or pkg_openapi_data.ROOTS.get(key)
        return self.resolve(name) if name else None

    def resolve(self, spec: Any) -> Schema | None:
        while isinstance(spec, str):
            spec = self.definitions.get(spec, pkg_openapi_data.DEFINITIONS.get(spec))
        if spec is None:
            return None
        return Schema(spec if isinstance(spec, dict) else {}, self)


BUILTIN = Registry()


@dataclass(frozen=True)
class Schema:
    """One schema node, answering what kyaml's ResourceSchema answers."""

    spec: dict[str, Any]
    registry: Registry

    def field(self, name: str) -> Schema | None:
        props = self.spec.get("p") or {}
        if name in props:
            return self.registry.resolve(props[name])
        if "ap" in self.spec:
            return self.registry.resolve(self.spec["ap"])
        return None

    def elements(self) -> Schema | None:
        if self.spec.get("t") != "a" or "i" not in self.spec:
            return None
        return self.registry.resolve(self.spec["i"])

    def strategy_and_keys(self) -> tuple[str, list[str]]:
        strategy = self.spec.get("s", "")
        return (strategy, list(self.spec.get("k", []))) if strategy else ("", [])

    def is_associative(self) -> bool:
        return "merge" in self.spec.get("s", "").split(",")


def with_crds(crds: list[Node], base: Registry = BUILTIN) -> Registry:
    """A registry that also knows the kinds the given CRD objects define."""
    roots, definitions = dict(base.roots), dict(base.definitions)
    for crd in crds:
        group = crd.text("spec", "group")
        kind = crd.text("spec", "names", "kind")
        versions = crd.lookup("spec", "versions")
        if not group or not kind or versions is None or versions.kind != SEQ:
            raise Invalid(
                f"CustomResourceDefinition {crd.text('metadata', 'name')!r} is incomplete"
            )
        for version in versions.content:
            name = version.text("name")
            schema = version.lookup("schema", "openAPIV3Schema")
            if not name or schema is None:
                raise Invalid(f"CRD {group}/{kind}: a version without name or openAPIV3Schema")
            key = f"crd:{group}.{name}.{kind}"
            definitions[key] = encode(schema)
            roots[f"{group}/{name}|{kind}"] = key
    return Registry(roots=roots, definitions=definitions)


def encode(schema: Node) -> dict[str, Any]:
    """An OpenAPI v3 schema (as YAML nodes) in the compact form of pkg_openapi_data."""
    if schema.kind != MAP:
        return {}
    out: dict[str, Any] = {}
    if schema.text("type") == "array":
        out["t"] = "a"
        items = schema.get("items")
        if items is not None:
            out["i"] = encode(items)
    props = schema.get("properties")
    if props is not None and props.kind == MAP:
        out["p"] = {key.value: encode(value) for key, value in props.pairs()}
    extra = schema.get("additionalProperties")
    if extra is not None and extra.kind == MAP:
        out["ap"] = encode(extra)
    strategy = schema.text("x-kubernetes-patch-strategy")
    if strategy:
        out["s"] = strategy
        out["k"] = _merge_keys(schema)
    return out


def _merge_keys(schema: Node) -> list[str]:
    keys = schema.get("x-kubernetes-list-map-keys")
    if keys is not None and keys.kind == SEQ:
        return [k.value for k in keys.content if k.kind == SCALAR]
    single = schema.text("x-kubernetes-patch-merge-key")
    return [single] if single else []


__all__ = ["BUILTIN", "Registry", "Schema", "encode", "with_crds"]
