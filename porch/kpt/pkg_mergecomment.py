"""The identity marks kpt stamps on fetched resources so later updates can find them.

``kpt pkg get`` and ``kpt pkg update`` put ``# kpt-merge: <namespace>/<name>`` on the
``metadata:`` key of every resource that has a name, namespace or labels (unless a
kpt-merge comment is there already) and the annotation
``internal.kpt.dev/upstream-identifier: '<group>|<Kind>|<namespace or default>|<name>'``.
Config Connector resources also get the blueprint attribution annotation. Pure: works on
resources in memory; no I/O.
"""

from __future__ import annotations

from porch.kpt.pkg_resources import Resource
from porch.krm.yamlnode import MAP, SINGLE, Node, mapping, scalar

MERGE_COMMENT_PREFIX = "kpt-merge:"
UPSTREAM_IDENTIFIER = "internal.kpt.dev/upstream-identifier"
CNRM_BLUEPRINT = "cnrm.cloud.google.com/blueprint"


def group_of(api_version: str) -> str:
    """The API group of an apiVersion ("" for the core group), as kyaml parses it."""
    if "/" not in api_version:
        return ""
    return api_version.split("/", 1)[0]


def ns_and_name(comment: str) -> tuple[str, str] | None:
    """Namespace and name from a ``# kpt-merge: ns/name`` comment, else None."""
    text = comment.removeprefix("#").strip()
    if not text.startswith(MERGE_COMMENT_PREFIX):
        return None
    parts = text[len(MERGE_COMMENT_PREFIX) :].strip().split("/", 1)
    if len(parts) != 2:
        return None
    return parts[0], parts[1]


def metadata_comment(node: Node) -> str:
    found = node.field("metadata") if node.kind == MAP else None
    if found is None or found[1].kind != MAP or not found[1].content:
        return ""
    return found[0].line


def add(resource: Resource) -> None:
    """Stamp one resource with its merge comment and upstream identifier."""
    node = resource.node
    found = node.field("metadata") if node.kind == MAP else None
    if found is None or found[1].kind != MAP:
        return
    key, metadata = found
    name, namespace = metadata.text("name"), metadata.text("namespace")
    labels = metadata.get("labels")
    if not name and not namespace and not (labels is not None and labels.content):
        return
    if MERGE_COMMENT_PREFIX not in key.line:
        key.line = f"# {MERGE_COMMENT_PREFIX} {namespace}/{name}"
    parsed = ns_and_name(key.line) if MERGE_COMMENT_PREFIX in key.line else None
    if parsed is not None:
        namespace, name = parsed
    group = group_of(node.text("apiVersion"))
    identifier = f"{group}|{node.text('kind')}|{namespace or 'default'}|{name}"
    set_annotation(node, UPSTREAM_IDENTIFIER, identifier)


def attribute(resource: Resource) -> None:
    """kpt's attribution filter: mark Config Connector resources as fetched by kpt."""
    node = resource.node
    if ".cnrm." not in node.text("apiVersion"):
        return
    metadata = node.get("metadata")
    if metadata is None or not metadata.content:
        return
    annotations = metadata.get("annotations") if metadata is not None else None
    current = annotations.text(CNRM_BLUEPRINT) if annotations is not None else ""
    set_annotation(node, CNRM_BLUEPRINT, record_action(current, "pkg"))


def record_action(current: str, group: str) -> str:
    """kpt's attribution value: add ``kpt-<group>`` to what the annotation says already."""
    if not current:
        return f"kpt-{group}"
    if "kpt-" not in current:
        return f"{current},kpt-{group}"
    parts = current.split(",")
    for i, part in enumerate(parts):
        if "kpt" in part:
            words = ["kpt"]
            for action in ("pkg", "fn", "live"):
                if action in part or group == action:
                    words.append(action)
            parts[i] = "-".join(words)
    return ",".join(parts)


def set_annotation(node: Node, name: str, value: str) -> None:
    """kyaml's SetAnnotation: a new value is single-quoted, an existing one keeps its style."""
    metadata = node.get("metadata")
    if metadata is None or metadata.kind != MAP:
        metadata = mapping()
        node.set("metadata", metadata)
    annotations = metadata.get("annotations")
    if annotations is not None and not annotations.content:
        metadata.remove("annotations")  # kyaml clears an empty map before adding to it
        annotations = None
    if annotations is None or annotations.kind != MAP:
        annotations = mapping()
        metadata.set("annotations", annotations)
    existing = annotations.get(name)
    style = existing.style if existing is not None else SINGLE
    annotations.set(name, scalar(value, style=style))


def add_all(resources: list[Resource], *, attribution: bool = False) -> None:
    for resource in resources:
        add(resource)
        if attribution:
            attribute(resource)


__all__ = [
    "MERGE_COMMENT_PREFIX",
    "UPSTREAM_IDENTIFIER",
    "add",
    "add_all",
    "attribute",
    "group_of",
    "metadata_comment",
    "ns_and_name",
    "record_action",
    "set_annotation",
]
