"""``config.kubernetes.io/v1`` ResourceList: what a KRM function reads and writes.

``items`` are :class:`~porch.krm.yamlview.Map` values (comments and key order travel
with them);
``results`` are plain dicts shaped like the spec's Result. ``parse`` accepts a
ResourceList, a ``List`` or plain multi-document YAML, as kyaml does. Pure; no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from porch.errors import Invalid
from porch.krm import yamlio
from porch.krm.yamlview import Map, Seq

API_VERSION = "config.kubernetes.io/v1"
KIND = "ResourceList"

PATH = "config.kubernetes.io/path"
INDEX = "config.kubernetes.io/index"
INTERNAL_PATH = "internal.config.kubernetes.io/path"
INTERNAL_INDEX = "internal.config.kubernetes.io/index"
SEQINDENT = "internal.config.kubernetes.io/seqindent"
LOCAL_CONFIG = "config.kubernetes.io/local-config"
# Where an item lives and how kpt tracks it; orchestrators own these, not functions.
BOOKKEEPING = (
    PATH,
    INDEX,
    INTERNAL_PATH,
    INTERNAL_INDEX,
    SEQINDENT,
    "internal.config.kubernetes.io/id",
    "config.k8s.io/id",
)

Result = dict[str, Any]  # {message, severity?, resourceRef?, field?, file?, tags?}


@dataclass
class ResourceList:
    items: list[Map]
    function_config: Map | None = None
    results: list[Result] = field(default_factory=list)
    stderr: str = ""  # what an in-process function "printed"; never serialized


def parse(data: bytes | str, *, source: str = "<stdin>") -> ResourceList:
    text = data.decode() if isinstance(data, bytes) else data
    docs = yamlio.load_all(text, source=source)
    if len(docs) == 1 and isinstance(docs[0], dict) and docs[0].get("kind") in (KIND, "List"):
        doc = docs[0]
        items = doc.get("items") or Seq()
        if not isinstance(items, list):
            raise Invalid(f"{source}: items must be a list")
        config = doc.get("functionConfig") if doc.get("kind") == KIND else None
        results = doc.get("results") or []
        if isinstance(results, dict):  # legacy {name, items: [...]} form
            results = results.get("items") or []
        return ResourceList(
            items=[_object(item, source) for item in items],
            function_config=yamlio.to_node(config) if isinstance(config, dict) else None,
            results=[yamlio.to_plain(r) for r in results],
        )
    return ResourceList(items=[_object(doc, source) for doc in docs])


def _object(item: Any, source: str) -> Map:
    node = yamlio.to_node(item)
    if not isinstance(node, Map) or not node.get("apiVersion") or not node.get("kind"):
        raise Invalid(f"{source}: every item must be a KRM object with apiVersion and kind")
    return node


def serialize(rl: ResourceList) -> str:
    doc = Map()
    doc["apiVersion"] = API_VERSION
    doc["kind"] = KIND
    doc["items"] = Seq(rl.items)
    if rl.function_config is not None:
        doc["functionConfig"] = rl.function_config
    if rl.results:
        doc["results"] = yamlio.to_node(rl.results)
    return yamlio.dump(doc)


def annotations_of(item: Map) -> dict[str, Any]:
    meta = item.get("metadata") or {}
    return dict(meta.get("annotations") or {})


def set_annotation(item: Map, key: str, value: str) -> None:
    meta = item.setdefault("metadata", Map())
    notes = meta.get("annotations")
    if notes is None:
        notes = meta["annotations"] = Map()
    notes[key] = value


__all__ = [
    "API_VERSION",
    "BOOKKEEPING",
    "INDEX",
    "INTERNAL_INDEX",
    "INTERNAL_PATH",
    "KIND",
    "LOCAL_CONFIG",
    "PATH",
    "SEQINDENT",
    "ResourceList",
    "Result",
    "annotations_of",
    "parse",
    "serialize",
    "set_annotation",
]
