"""Read-only helpers over KRM objects (``yamlview.Map`` values), shared by the builtins.

They mirror the accessors the catalog's Go SDK offers (``GetName``, ``IsGVK``,
``IsLocalConfig`` ...) including their quirks, so each function module reads like the
behaviour it reproduces. Pure; no I/O.
"""

from __future__ import annotations

from typing import Any

from porch.krm import resourcelist
from porch.krm.yamlview import Map

UPSTREAM_IDENTIFIER = "internal.kpt.dev/upstream-identifier"
DEPENDS_ON = "config.kubernetes.io/depends-on"
FN_GROUP = "fn.kpt.dev"


def text(value: Any) -> str:
    """A field as the string Go's ``NestedString`` would give ("" when absent)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def api_version(item: Map) -> str:
    return text(item.get("apiVersion"))


def kind(item: Map) -> str:
    return text(item.get("kind"))


def metadata(item: Map) -> Map:
    meta = item.get("metadata")
    return meta if isinstance(meta, Map) else Map()


def name(item: Map) -> str:
    return text(metadata(item).get("name"))


def namespace(item: Map) -> str:
    return text(metadata(item).get("namespace"))


def has_namespace(item: Map) -> bool:
    return "namespace" in metadata(item)


def split_api_version(value: str) -> tuple[str, str]:
    group, _, version = value.rpartition("/")
    return group, version


def group(item: Map) -> str:
    return split_api_version(api_version(item))[0]


def annotation(item: Map, key: str) -> str:
    return text(resourcelist.annotations_of(item).get(key))


def is_local_config(item: Map) -> bool:
    """The SDK rule: the annotation is present and not ``"false"``."""
    value = annotation(item, resourcelist.LOCAL_CONFIG)
    return value not in ("", "false")


def path_of(item: Map) -> str:
    return annotation(item, resourcelist.INTERNAL_PATH) or annotation(item, resourcelist.PATH)


def index_of(item: Map) -> int:
    raw = annotation(item, resourcelist.INTERNAL_INDEX) or annotation(item, resourcelist.INDEX)
    return int(raw) if raw.lstrip("-").isdigit() else 0


def is_gvk(item: Map, grp: str, version: str, knd: str) -> bool:
    """The SDK's ``IsGVK``: an empty part on either side matches anything."""
    own_kind = kind(item)
    if own_kind and knd and own_kind != knd:  # the usual answer, before any splitting
        return False
    own_group, own_version = split_api_version(api_version(item))
    if own_group and grp and own_group != grp:
        return False
    return not (own_version and version and own_version != version)


def is_kind(item: Map, api: str, knd: str) -> bool:
    return api_version(item) == api and kind(item) == knd


def short_string(item: Map) -> str:
    return (
        f"Resource(apiVersion={api_version(item)}, kind={kind(item)}, "
        f"namespace={namespace(item)}, name={name(item)})"
    )


def config_data(config: Map | None) -> dict[str, str]:
    """``data`` of a ConfigMap-shaped config as strings (kyaml ``GetDataMap``)."""
    if config is None:
        return {}
    data = config.get("data")
    if not isinstance(data, dict):
        return {}
    return {str(k): text(v) for k, v in data.items()}


def is_empty_config(config: Map | None) -> bool:
    """No config, or the empty ``function-input`` ConfigMap kpt sends when none was given."""
    if config is None or (not kind(config) and not name(config)):
        return True
    return (
        kind(config) == "ConfigMap" and name(config) == "function-input" and not config_data(config)
    )


def file_ref(item: Map, *, with_index: bool = True) -> dict[str, Any]:
    ref: dict[str, Any] = {"path": path_of(item)}
    if with_index and index_of(item):
        ref["index"] = index_of(item)
    return ref


def resource_ref(item: Map) -> dict[str, str]:
    ref = {"apiVersion": api_version(item), "kind": kind(item), "name": name(item)}
    if namespace(item):
        ref["namespace"] = namespace(item)
    return ref


__all__ = [
    "DEPENDS_ON",
    "FN_GROUP",
    "UPSTREAM_IDENTIFIER",
    "annotation",
    "api_version",
    "config_data",
    "file_ref",
    "group",
    "has_namespace",
    "index_of",
    "is_empty_config",
    "is_gvk",
    "is_kind",
    "is_local_config",
    "kind",
    "metadata",
    "name",
    "namespace",
    "path_of",
    "resource_ref",
    "short_string",
    "split_api_version",
    "text",
]
