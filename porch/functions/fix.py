"""fix: upgrade a kpt v0.x package (``kpt.dev/v1alpha1``/``v1alpha2`` Kptfile) to ``v1``.

Port of the catalog's ``fix``: the Kptfile is rewritten for ``kpt.dev/v1``
(``packageMetadata`` -> ``info``, ``upstream`` -> ``upstream`` + ``upstreamLock``, OpenAPI
setter definitions -> an ``apply-setters`` mutator whose values go to a new ``setters.yaml``
ConfigMap) and old setter comments (``# {"$kpt-set":"name"}``, ``# {"$ref":...}``) become
``# kpt-set:`` comments. Pure; no I/O.
"""

from __future__ import annotations

import json
import posixpath
from typing import Any

from porch.functions import nodes, objects
from porch.functions.failures import fail
from porch.krm import resourcelist, yamlio
from porch.krm.resourcelist import ResourceList
from porch.krm.yamlview import Map, Seq

V1 = "kpt.dev/v1"
SETTERS_FILE = "setters.yaml"
APPLY_SETTERS = "gcr.io/kpt-fn/apply-setters:v0.2"
SETTER_PREFIX = "io.k8s.cli.setters."
_OLD_COMMENTS = ('# {"$kpt-set":"', '# {"$ref":"#/definitions/io.k8s.cli.')


class _Fixer:
    def __init__(self, definitions: dict[str, Any]) -> None:
        self.definitions = definitions

    def _extension(self, comment: str) -> dict[str, Any] | None:
        """The ``x-k8s-cli`` extension an old setter comment refers to."""
        try:
            ref = json.loads(comment.lstrip("#").strip())
        except ValueError:
            return None
        if not isinstance(ref, dict):
            return None
        if "$kpt-set" in ref:
            name = str(ref["$kpt-set"])
            key = next(
                (
                    k
                    for k in (SETTER_PREFIX + name, "io.k8s.cli.substitutions." + name)
                    if k in self.definitions
                ),
                "",
            )
        else:
            key = str(ref.get("$ref", "")).removeprefix("#/definitions/")
        definition = self.definitions.get(key)
        return definition.get("x-k8s-cli") if isinstance(definition, dict) else None

    def _pattern(self, ext: dict[str, Any], seen: set[str]) -> str:
        substitution = ext.get("substitution") or {}
        name = str(substitution.get("name", ""))
        if name in seen:
            raise ValueError(f"cyclic substitution detected with name {name}")
        seen.add(name)
        pattern = str(substitution.get("pattern", ""))
        for value in substitution.get("values") or []:
            ref = str(value.get("ref", "")).removeprefix("#/definitions/")
            inner = (self.definitions.get(ref) or {}).get("x-k8s-cli") or {}
            if inner.get("substitution"):
                replacement = self._pattern(inner, seen)
            else:
                replacement = "${" + str((inner.get("setter") or {}).get("name", "")) + "}"
            pattern = pattern.replace(str(value.get("marker", "")), replacement)
        return pattern

    def on_scalar(self, slot: nodes.Slot) -> None:
        comment = nodes.line_comment(slot.parent, slot.key)
        ext = self._extension(comment) if comment else None
        if ext is None:
            return
        if ext.get("setter"):
            nodes.set_line_comment(slot.parent, slot.key, f"kpt-set: ${{{ext['setter']['name']}}}")
        elif ext.get("substitution"):
            nodes.set_line_comment(slot.parent, slot.key, f"kpt-set: {self._pattern(ext, set())}")

    def on_mapping(self, mapping: Map, _path: str) -> None:
        for key, value in nodes.fields(mapping):
            if not isinstance(value, Seq):
                continue
            comment = nodes.line_comment(mapping, key)
            for prefix in _OLD_COMMENTS:
                if prefix in comment:
                    name = comment.split(prefix, 1)[1].removesuffix('"}')
                    nodes.set_line_comment(mapping, key, f"kpt-set: ${{{name}}}")


def _setters(kptfile: Map) -> dict[str, str]:
    definitions = nodes.get_path(kptfile, "openAPI", "definitions") or {}
    found = {}
    for key, definition in definitions.items():
        if not str(key).startswith(SETTER_PREFIX):
            continue
        setter = nodes.get_path(definition, "x-k8s-cli", "setter")
        if not isinstance(setter, dict):
            raise ValueError(f"missing x-k8s-cli.setter for {key}")
        values = setter.get("listValues")
        if values:
            found[str(setter["name"])] = "[" + ", ".join(str(v) for v in values) + "]"
        else:
            found[str(setter["name"])] = objects.text(setter.get("value"))
    return found


def _setters_config(setters: dict[str, str], path: str) -> Map:
    node = Map()
    node["apiVersion"], node["kind"] = "v1", "ConfigMap"
    node["metadata"] = Map(name="setters")
    for key, value in ((resourcelist.PATH, path), (resourcelist.INTERNAL_PATH, path)):
        resourcelist.set_annotation(node, key, value)
    resourcelist.set_annotation(node, resourcelist.INDEX, "0")
    resourcelist.set_annotation(node, resourcelist.INTERNAL_INDEX, "0")
    data = node["data"] = Map()
    for key in sorted(setters):
        value = setters[key]
        if value.startswith("["):
            data[key] = yamlio.dump(yamlio.load(value)).rstrip("\n")
        else:
            data[key] = nodes.go_string(value)
    return node


def _upgrade(old: Map, results: list[dict[str, Any]]) -> tuple[Map, dict[str, str]]:
    path = objects.path_of(old)
    new = Map()
    new["apiVersion"], new["kind"] = V1, "Kptfile"
    new["metadata"] = old.get("metadata") or Map()
    meta = old.get("packageMetadata")
    upstream = old.get("upstream")
    if isinstance(upstream, dict):
        git = upstream.get("git") or {}
        lock = {k: git[k] for k in ("repo", "directory", "ref", "commit") if git.get(k)}
        new["upstream"] = yamlio.to_node(
            {
                "type": upstream.get("type"),
                "git": {k: v for k, v in lock.items() if k != "commit"},
                "updateStrategy": "resource-merge",
            }
        )
        new["upstreamLock"] = yamlio.to_node({"type": upstream.get("type"), "git": lock})
        results.append(
            {
                "message": 'Transformed "upstream" to "upstream" and "upstreamLock"',
                "file": {"path": path},
            }
        )
    if isinstance(meta, dict):
        info = {
            "site": meta.get("url"),
            "emails": [meta["email"]] if meta.get("email") else None,
            "license": meta.get("license"),
            "description": meta.get("shortDescription"),
            "keywords": meta.get("tags"),
            "man": meta.get("man"),
        }
        new["info"] = yamlio.to_node({k: v for k, v in info.items() if v})
        results.append(
            {"message": 'Transformed "packageMetadata" to "info"', "file": {"path": path}}
        )
    setters = _setters(old)
    if setters:
        step = {"image": APPLY_SETTERS, "configPath": SETTERS_FILE}
        new["pipeline"] = yamlio.to_node({"mutators": [step]})
        results.append(
            {
                "message": 'Transformed "openAPI" definitions to "apply-setters" function',
                "file": {"path": path},
            }
        )
    if isinstance(old.get("inventory"), dict):
        new["inventory"] = old["inventory"]
    return new, setters


def run(rl: ResourceList) -> ResourceList:
    results: list[dict[str, Any]] = []
    kptfiles = [i for i in rl.items if objects.kind(i) == "Kptfile"]
    if not kptfiles:
        raise fail(
            "failed to fix package: Kptfile not found in directory tree, make sure you specify "
            "'--include-meta-resources' flag"
        )
    added = []
    try:
        for number, item in enumerate(rl.items):
            if objects.kind(item) == "Kptfile":
                rl.items[number], config = _fix_kptfile(item, results)
                added.extend(config)
            else:
                kptfile = _owning_kptfile(item, kptfiles)
                definitions = nodes.get_path(kptfile, "openAPI", "definitions") or {}
                fixer = _Fixer(dict(definitions))
                nodes.walk(item, on_mapping=fixer.on_mapping, on_scalar=fixer.on_scalar)
    except ValueError as exc:
        raise fail(f"failed to fix package: {exc}") from None
    rl.items.extend(added)
    rl.results.extend(results)
    return rl


def _owning_kptfile(item: Map, kptfiles: list[Map]) -> Map:
    directory = posixpath.dirname(objects.path_of(item))
    while True:
        for kptfile in kptfiles:
            if posixpath.dirname(objects.path_of(kptfile)) == directory:
                return kptfile
        if directory in ("", "."):
            return kptfiles[0]
        directory = posixpath.dirname(directory)


def _fix_kptfile(item: Map, results: list[dict[str, Any]]) -> tuple[Map, list[Map]]:
    path = objects.path_of(item)
    setters_path = posixpath.join(posixpath.dirname(path), SETTERS_FILE)
    version = objects.api_version(item)
    if version == V1:
        results.append(
            {
                "message": f"This package is already fixed as it is on latest apiVersion {V1}",
                "file": {"path": path},
            }
        )
        return item, []
    if "v1alpha2" in version:
        return _from_v1alpha2(item, setters_path, results)
    new, setters = _upgrade(item, results)
    return new, [_setters_config(setters, setters_path)] if setters else []


def _from_v1alpha2(
    item: Map, setters_path: str, results: list[dict[str, Any]]
) -> tuple[Map, list[Map]]:
    item["apiVersion"] = V1
    results.append(
        {"message": f"Updated apiVersion to {V1}", "file": {"path": objects.path_of(item)}}
    )
    added = []
    for step in nodes.get_path(item, "pipeline", "mutators") or []:
        image = objects.text(step.get("image"))
        if "gcr.io/kpt-fn/apply-setters:" in image and step.get("configMap"):
            values = {str(k): objects.text(v) for k, v in step["configMap"].items()}
            added.append(_setters_config(values, setters_path))
            del step["configMap"]
            step["configPath"] = SETTERS_FILE
            results.append(
                {
                    "message": "Moved setters from configMap to configPath",
                    "file": {"path": setters_path},
                }
            )
    return item, added


__all__ = ["run"]
