"""kpt's resource-level 3-way merge (``kpt pkg update --strategy resource-merge``).

Resources of the original (last fetched upstream), updated (new upstream) and destination
(local) package are paired by identity: API group (not version), kind, namespace and name
(taken from the ``# kpt-merge: ns/name`` comment when present, so local renames still
match) and file path. The ``config.k8s.io/id`` annotations play no part here. Per pair:
added upstream -> added; added locally -> kept; deleted upstream -> deleted unless changed
locally; deleted locally -> stays deleted; otherwise a field-level merge where upstream
wins conflicts (:mod:`porch.kpt.pkg_walk`). Comments, key order and quoting of the local
copy survive. The rules are kpt's current ones (2026): an explicit null clears a field
only where the origin was not null already, and additions from upstream are listed before
local ones at the same position; kpt v1.0.0-beta.56 cleared on any null and put local
additions first. Pure: resources and ``{path: bytes}`` maps in, the same out; no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from porch.errors import Invalid
from porch.kpt import pkg_mergecomment, pkg_resources, pkg_schema
from porch.kpt.pkg_resources import Files, Resource
from porch.kpt.pkg_schema import Registry
from porch.kpt.pkg_walk import KptVisitor, Walker
from porch.krm import yamlemit
from porch.krm.yamlnode import Node, scalar
from porch.krm.yamlparse import Document

Identity = tuple[str, str, str, str, str]  # group, kind, namespace, name, path

CRD_KIND = "CustomResourceDefinition"
_STRIPPED_FOR_EQUALITY = (pkg_mergecomment.CNRM_BLUEPRINT,)


def identity(resource: Resource) -> Identity:
    """What kpt pairs resources on when it merges (its resourceMergeMatcher)."""
    node = resource.node
    metadata = node.get("metadata")
    namespace = metadata.text("namespace") if metadata is not None else ""
    name = metadata.text("name") if metadata is not None else ""
    from_comment = pkg_mergecomment.ns_and_name(pkg_mergecomment.metadata_comment(node))
    if from_comment is not None:
        namespace, name = from_comment
    group = pkg_mergecomment.group_of(node.text("apiVersion"))
    return group, node.text("kind"), namespace, name, resource.path


@dataclass
class _Tuple:
    original: Resource | None = None
    updated: Resource | None = None
    dest: Resource | None = None


@dataclass
class _Tuples:
    """Resources grouped by identity, in the order kpt builds its tuple list."""

    order: list[_Tuple] = field(default_factory=list)
    by_identity: dict[Identity, _Tuple] = field(default_factory=dict)

    def add(self, resource: Resource, source: str) -> None:
        key = identity(resource)
        found = self.by_identity.get(key)
        if found is None:
            found = _Tuple()
            self.by_identity[key] = found
            self.order.append(found)
        if getattr(found, source) is not None:
            raise Invalid(
                f'found duplicate "{source}" resources in file "{resource.path}", '
                'please refer to "update" documentation for the fix'
            )
        setattr(found, source, resource)


def merge(
    original: Iterable[Resource],
    updated: Iterable[Resource],
    destination: Iterable[Resource],
    *,
    registry: Registry = pkg_schema.BUILTIN,
    infer_associative: bool = False,
) -> list[Resource]:
    """The merged resources, each with the file and position it is to be written at.

    Destination resources are merged in place and may share nodes with updated ones.
    ``infer_associative`` turns on kyaml's older guess (lists whose elements all have a
    ``name`` merge by name), which kpt switched off for resources."""
    tuples = _Tuples()
    for source, resources in (("original", original), ("updated", updated), ("dest", destination)):
        for resource in resources:
            tuples.add(resource, source)
    walker = Walker(KptVisitor(), registry=registry, infer_associative=infer_associative)
    out: list[Resource] = []
    for pair in tuples.order:
        merged = _handle(pair, walker)
        if merged is not None:
            out.append(merged)
    return out


def _handle(pair: _Tuple, walker: Walker) -> Resource | None:
    original, updated, dest = pair.original, pair.updated, pair.dest
    if original is None and updated is None:
        return dest
    if original is None and dest is None:
        return updated
    if updated is None and dest is None:
        return None
    if updated is None:
        assert original is not None
        assert dest is not None
        return None if unchanged(original, dest) else dest
    if dest is None:
        return None
    return _merge_pair(original, updated, dest, walker)


def _merge_pair(
    original: Resource | None, updated: Resource, dest: Resource, walker: Walker
) -> Resource | None:
    origin_node = original.node if original is not None else None
    node = walker.merge(dest.node, origin_node, updated.node)
    if node is None:
        return None
    # The reader's index and sequence-style annotations take part in kpt's merge too.
    index = _pick(str(dest.index), _opt(original, "index"), str(updated.index))
    indent = _pick(dest.seq_indent, _opt(original, "seq_indent"), updated.seq_indent)
    doc = Document(root=node, head=dest.doc.head)
    return Resource(doc=doc, path=dest.path, index=int(index), seq_indent=indent)


def _opt(resource: Resource | None, attribute: str) -> str | None:
    return None if resource is None else str(getattr(resource, attribute))


def _pick(dest: str, origin: str | None, updated: str) -> str:
    chosen = KptVisitor().visit_scalar(
        [scalar(dest), scalar(origin) if origin is not None else None, scalar(updated)]
    )
    return chosen.value if chosen is not None else dest


def unchanged(original: Resource, dest: Resource) -> bool:
    """kpt's test before deleting a resource removed upstream: same printed form, ignoring
    the annotations kpt itself manages."""
    return _printed(original.node) == _printed(dest.node)


def _printed(node: Node) -> str:
    copy = node.copy()
    metadata = copy.get("metadata")
    annotations = metadata.get("annotations") if metadata is not None else None
    if annotations is not None:
        for name in _STRIPPED_FOR_EQUALITY:
            annotations.remove(name)
    pkg_resources.clear_empty_annotations(copy)
    return yamlemit.emit(copy)


def merge_node(
    dest: Node | None,
    origin: Node | None,
    updated: Node | None,
    *,
    registry: Registry = pkg_schema.BUILTIN,
) -> Node | None:
    """The field-level merge of one resource (``dest`` is changed in place)."""
    return Walker(KptVisitor(), registry=registry).merge(dest, origin, updated)


def registry_for(resources: Iterable[Resource], base: Registry = pkg_schema.BUILTIN) -> Registry:
    """Schemas of the built-in kinds plus the CRDs among ``resources``."""
    crds = [r.node for r in resources if r.node.text("kind") == CRD_KIND]
    return pkg_schema.with_crds(crds, base) if crds else base


def merge_files(original: Files, updated: Files, local: Files) -> dict[str, bytes]:
    """One package's KRM files merged: ``local`` with its resources replaced by the merge.

    Only the package's own ``*.yaml``/``*.yml`` files take part (nested packages and the
    Kptfile do not). Like kpt, CRDs of the local package teach the merge their schemas."""
    origin_res = pkg_resources.read_resources(original)
    updated_res = pkg_resources.read_resources(updated)
    local_res = pkg_resources.read_resources(local)
    read_from = {r.path for r in local_res}
    merged = merge(origin_res, updated_res, local_res, registry=registry_for(local_res))
    return pkg_resources.write_resources(local, merged, read_from=read_from)


def merge_texts(
    original: str, updated: str, destination: str, *, path: str = "resources.yaml"
) -> str:
    """Three versions of one file merged (convenience for tests and tools)."""
    merged = merge(
        pkg_resources.parse_file(path, original),
        pkg_resources.parse_file(path, updated),
        pkg_resources.parse_file(path, destination),
    )
    return pkg_resources.format_file(merged)


__all__ = [
    "Identity",
    "identity",
    "merge",
    "merge_files",
    "merge_node",
    "merge_texts",
    "registry_for",
    "unchanged",
]
