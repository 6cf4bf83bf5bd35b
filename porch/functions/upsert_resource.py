"""upsert-resource: replace the resource with the config's identity, or add it.

Port of the catalog's ``upsert-resource``: the functionConfig *is* the resource (or a
``List`` of them); identity is group, kind, name and namespace, plus the item's path when
the config carries ``config.kubernetes.io/target-path``. A match is replaced wholesale and
keeps the matched item's file position; otherwise the resource is appended (at the target
path when given). Pure; no I/O.
"""

from __future__ import annotations

import copy

from porch.functions import nodes, objects
from porch.functions.failures import fail
from porch.krm import resourcelist
from porch.krm.resourcelist import ResourceList
from porch.krm.yamlview import Map

TARGET_PATH = "config.kubernetes.io/target-path"
_FUNCTION_ANNOTATIONS = ("config.kubernetes.io/function", "config.k8s.io/function")
# Bookkeeping kept from the matched item so the replacement lands where it was.
_POSITION = (
    *resourcelist.BOOKKEEPING,
    "internal.config.kubernetes.io/package-path",
    "internal.config.kubernetes.io/annotations-migration-resource-id",
)


def _is_function_config(item: Map) -> bool:
    return any(objects.annotation(item, key) for key in _FUNCTION_ANNOTATIONS)


def _same(wanted: Map, item: Map) -> bool:
    target = objects.annotation(wanted, TARGET_PATH)
    return (
        objects.group(wanted) == objects.group(item)
        and objects.kind(wanted) == objects.kind(item)
        and objects.name(wanted) == objects.name(item)
        and objects.namespace(wanted) == objects.namespace(item)
        and (not target or target == objects.path_of(item))
    )


def _annotations(node: Map) -> Map:
    return nodes.ensure_map(node, "metadata", "annotations")


def _clean(node: Map) -> None:
    notes = nodes.get_path(node, "metadata", "annotations")
    if not isinstance(notes, Map):
        return
    for key in (*_FUNCTION_ANNOTATIONS, TARGET_PATH):
        notes.pop(key, None)
    if not notes:
        del node["metadata"]["annotations"]


def _replacement(wanted: Map, matched: Map) -> Map:
    node = copy.deepcopy(wanted)
    old = resourcelist.annotations_of(matched)
    _clean(node)
    for key in _POSITION:
        if key in old:
            _annotations(node)[key] = old[key]
    return node


def _addition(wanted: Map) -> Map:
    node = copy.deepcopy(wanted)
    target = objects.annotation(wanted, TARGET_PATH)
    notes = nodes.get_path(node, "metadata", "annotations")
    if isinstance(notes, Map):
        for key in _POSITION:
            notes.pop(key, None)
    _clean(node)
    if target:
        _annotations(node)[resourcelist.INTERNAL_PATH] = target
        _annotations(node)[resourcelist.PATH] = target
    return node


def _upsert(items: list[Map], wanted: Map) -> list[Map]:
    found = False
    out = []
    for item in items:
        if not _is_function_config(item) and _same(wanted, item):
            out.append(_replacement(wanted, item))
            found = True
        else:
            out.append(item)
    return out if found else [*out, _addition(wanted)]


def run(rl: ResourceList) -> ResourceList:
    config = rl.function_config
    if config is None or not objects.kind(config):
        raise fail("failed to upsert resource: functionConfig must be a resource or a List")
    wanted = (config.get("items") or []) if objects.kind(config) == "List" else [config]
    for resource in wanted:
        if isinstance(resource, Map):
            rl.items = _upsert(rl.items, resource)
    return rl


__all__ = ["TARGET_PATH", "run"]
