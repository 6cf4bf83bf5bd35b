"""Field-level 3-way merge of one resource: kyaml's walker with kpt's visitor.

The walker visits every field present in the destination (local), origin (last fetched
upstream) or updated (new upstream) tree, in sorted order, and asks a visitor what the
destination should hold. Mappings are merged key by key (new keys appended); associative
lists element by element, matched on their merge keys; scalars and atomic lists are taken
whole from one side. Two visitors exist: kpt's (used for resources) and kyaml's stock one
(used for Kptfiles); they differ in how explicit nulls clear fields and how atomic lists
are compared. The destination tree is changed in place and may end up sharing nodes with
the updated tree. Pure; no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from porch.errors import Invalid
from porch.kpt import pkg_schema
from porch.kpt.pkg_schema import Registry, Schema
from porch.krm.yamlnode import (
    DOUBLE,
    MAP,
    SCALAR,
    SEQ,
    Node,
    is_empty_map,
    is_nil_or_empty,
    is_null,
    is_string,
    is_tagged_null,
    mapping,
    sequence,
)

# Values go-yaml v2 (YAML 1.1, what the API server speaks) reads as booleans.
_YAML11_BOOLS = frozenset(
    "y Y yes Yes YES n N no No NO on On ON off Off OFF".split()  # noqa: SIM905
)

Sources = list[Node | None]  # dest, origin, updated


class Visitor(Protocol):
    def visit_map(self, nodes: Sources) -> Node | None: ...
    def visit_scalar(self, nodes: Sources) -> Node | None: ...
    def visit_list(self, nodes: Sources, *, associative: bool) -> Node | None: ...


def _cleared(left: Node | None, right: Node | None) -> bool:
    """kpt: a null in ``right`` clears the field only when ``left`` was not null already."""
    return not is_tagged_null(left) and is_tagged_null(right)


def content_equal(a: Node | None, b: Node | None) -> bool:
    """Same kind, tag, value and children; style and comments do not count."""
    if a is None or b is None:
        return a is b
    if a.kind != b.kind or a.tag != b.tag or a.value != b.value:
        return False
    if len(a.content) != len(b.content):
        return False
    return all(content_equal(x, y) for x, y in zip(a.content, b.content, strict=True))


class KptVisitor:
    """kpt's resource visitor (pkg/lib/update/merge3/visitor.go): upstream wins conflicts."""

    def visit_map(self, nodes: Sources) -> Node | None:
        dest, origin, updated = nodes
        if _cleared(origin, updated) or _cleared(origin, dest):
            return None
        if dest is None and updated is None:
            return None
        return dest if dest is not None else mapping()

    def visit_scalar(self, nodes: Sources) -> Node | None:
        dest, origin, updated = nodes
        if _cleared(origin, updated) or _cleared(origin, dest):
            return None
        if is_null(updated) != is_null(origin):
            return updated
        if is_null(updated) and is_null(origin):
            return dest
        assert updated is not None
        assert origin is not None
        return updated if updated.value != origin.value else dest

    def visit_list(self, nodes: Sources, *, associative: bool) -> Node | None:
        dest, origin, updated = nodes
        if associative:
            return _visit_associative(nodes)
        if _cleared(origin, updated) or _cleared(origin, dest):
            return None
        if is_null(updated) != is_null(origin):
            return updated
        if is_null(updated) and is_null(origin):
            return dest
        return updated if not content_equal(origin, updated) else dest


def _visit_associative(nodes: Sources) -> Node | None:
    dest, origin, updated = nodes
    if is_null(updated) and not is_null(origin):
        return None
    if is_null(dest):
        return sequence()
    return dest


class StockVisitor:
    """kyaml's own merge3 visitor: any explicit null in dest or updated clears."""

    def visit_map(self, nodes: Sources) -> Node | None:
        dest, _, updated = nodes
        if is_tagged_null(updated) or is_tagged_null(dest):
            return None
        if dest is None and updated is None:
            return None
        return dest if dest is not None else mapping()

    def visit_scalar(self, nodes: Sources) -> Node | None:
        dest, origin, updated = nodes
        if is_tagged_null(updated) or is_tagged_null(dest):
            return None
        if is_null(updated) != is_null(origin):
            return updated
        if is_null(updated) and is_null(origin):
            return dest
        assert updated is not None
        assert origin is not None
        changed = not _same_text(origin, updated)
        if (dest is None or _same_text(dest, origin)) and changed:
            return updated
        return updated if updated.value != origin.value else dest

    def visit_list(self, nodes: Sources, *, associative: bool) -> Node | None:
        dest, origin, updated = nodes
        if associative:
            return _visit_associative(nodes)
        if is_tagged_null(updated) or is_tagged_null(dest):
            return None
        if is_null(updated) != is_null(origin):
            return updated
        if is_null(updated) and is_null(origin):
            return dest
        assert updated is not None
        assert origin is not None
        return updated if not _same_text(origin, updated) else dest


def _same_text(a: Node, b: Node) -> bool:
    """kyaml compares printed forms; with comments and tags that is this."""
    if not content_equal(a, b) or (a.head, a.line, a.foot) != (b.head, b.line, b.foot):
        return False
    return all(_same_text(x, y) for x, y in zip(a.content, b.content, strict=True))


@dataclass
class Walker:
    """One merge: which visitor, which schemas, whether lists of named things merge."""

    visitor: Visitor
    registry: Registry = pkg_schema.BUILTIN
    infer_associative: bool = False

    def merge(self, dest: Node | None, origin: Node | None, updated: Node | None) -> Node | None:
        return self.walk([dest, origin, updated], None)

    def walk(self, sources: Sources, schema: Schema | None) -> Node | None:
        schema = schema or self._schema_from_type(sources)
        kind = next((s.kind for s in sources if s is not None and not is_null(s)), "")
        _check_kinds(sources, kind)
        if kind in (MAP, ""):
            return self._walk_map(sources, schema)
        if kind == SEQ:
            if self._associative(schema, sources):
                return self._walk_associative(sources, schema)
            return self.visitor.visit_list(sources, associative=False)
        return self.visitor.visit_scalar(sources)

    def _schema_from_type(self, sources: Sources) -> Schema | None:
        for source in sources:
            if is_null(source) or source is None or source.kind != MAP:
                continue
            api_version, kind = source.text("apiVersion"), source.text("kind")
            if api_version and kind:
                found = self.registry.for_type(api_version, kind)
                if found is not None:
                    return found
        return None

    def _associative(self, schema: Schema | None, sources: Sources) -> bool:
        if schema is not None:
            return schema.is_associative()
        if not self.infer_associative:
            return False
        return any(not is_null(s) and _associative_key(s) for s in sources if s is not None)

    def _walk_map(self, sources: Sources, schema: Schema | None) -> Node | None:
        dest = self.visitor.visit_map(sources)
        if dest is None:
            return None
        sources = [dest, sources[1], sources[2]]
        for name in _field_names(sources):
            self._walk_field(dest, sources, name, schema)
        return dest

    def _walk_field(self, dest: Node, sources: Sources, name: str, schema: Schema | None) -> None:
        found = [s.field(name) if s is not None else None for s in sources]
        keys: Sources = [f[0] if f is not None and not is_null(f[0]) else None for f in found]
        chosen_key = self.visitor.visit_scalar(keys)
        values: Sources = [f[1] if f is not None else None for f in found]
        key_styles = {id(f[1]): f[0].style for f in found if f is not None}
        value = self.walk(values, schema.field(name) if schema is not None else None)
        comments = ("", "", "")
        if not is_null(chosen_key):
            assert chosen_key is not None
            comments = (chosen_key.head, chosen_key.line, chosen_key.foot)
            if keys[0] is not None:
                keys[0].head, keys[0].line, keys[0].foot = comments
        set_field(dest, name, value, comments=comments, key_style=key_styles.get(id(value), 0))

    # -- associative lists ------------------------------------------------------------

    def _walk_associative(self, sources: Sources, schema: Schema | None) -> Node | None:
        dest = self.visitor.visit_list(sources, associative=True)
        if dest is None:
            return None
        sources = [dest, sources[1], sources[2]]
        strategy, keys = schema.strategy_and_keys() if schema is not None else ("", [])
        if not strategy and not keys:
            key = _element_key(sources)
            keys = [key] if key else []
        values = _element_values(sources, keys)
        element_schema = schema.elements() if schema is not None else None
        if values or keys:
            return self._set_elements(values, keys, dest, sources, element_schema)
        primitives = _primitive_values(sources)
        return self._set_elements(primitives, [""], dest, sources, element_schema)

    def _set_elements(
        self,
        values_list: list[list[str]],
        keys: list[str],
        dest: Node,
        sources: Sources,
        schema: Schema | None,
    ) -> Node | None:
        to_add = sequence()
        if len(keys) > 1:
            values_list = _merge_values(values_list)
        valid_keys: list[str] = []
        for values in values_list:
            if not values:
                continue
            valid_keys, valid_values = _validate_keys(values_list, values, keys)
            element_sources = _element_sources(sources, valid_keys, valid_values)
            value = self.walk(element_sources, schema)
            if not self._keep_element(value, dest, valid_keys, valid_values):
                continue
            assert value is not None
            set_element(to_add, value, valid_keys, valid_values)
        if values_list:
            _append_elements(dest, to_add, valid_keys)
        return None if is_null(dest) else dest

    def _keep_element(
        self, value: Node | None, dest: Node, keys: list[str], values: list[str]
    ) -> bool:
        keep = True
        for i, key in enumerate(keys):
            if is_null(value) or is_empty_map(value):
                set_element(dest, None, keys, values)
                keep = False
            elif value is not None and value.field(key) is None and values[i]:
                set_field(value, key, Node(SCALAR, value=values[i]))
        return keep


def _check_kinds(sources: Sources, kind: str) -> None:
    for source in sources:
        if not is_null(source) and source is not None and source.kind != kind:
            raise Invalid(f"cannot merge a {source.kind} with a {kind}")


def _field_names(sources: Sources) -> list[str]:
    names: set[str] = set()
    for source in sources:
        if source is not None and source.kind == MAP:
            names.update(source.keys())
    return sorted(names)


def set_field(
    dest: Node,
    name: str,
    value: Node | None,
    *,
    comments: tuple[str, str, str] = ("", "", ""),
    key_style: int = 0,
) -> None:
    """kyaml's FieldSetter: nulls remove the field, an existing field keeps its style,
    a new field is appended."""
    if value is None or is_tagged_null(value):
        dest.remove(name)
        return
    if is_string(value) and value.style == 0 and value.value in _YAML11_BOOLS:
        value.style = DOUBLE  # YAML 1.1 readers would take it for a boolean
    content = dest.content
    for i in range(0, len(content) - 1, 2):
        if content[i].value == name:
            if content[i + 1] is not value:
                value.style = content[i + 1].style
            content[i + 1] = value
            return
    key = Node(SCALAR, tag="!!str", value=name, style=key_style)
    key.head, key.line, key.foot = comments
    content.extend([key, value])


def _associative_key(node: Node) -> str:
    """kyaml's GetAssociativeKey: "name" when every element has a name field."""
    if node.kind == SEQ and all(e.field("name") is not None for e in node.content):
        return "name"
    return ""


def _element_key(sources: Sources) -> str:
    key = ""
    for source in sources:
        if source is not None and source.content:
            new = _associative_key(source)
            if key and key != new:
                raise Invalid(f"conflicting merge keys [{key},{new}]")
            key = new
    if not key:
        raise Invalid("no merge key found for a list")
    return key


def _element_values(sources: Sources, keys: list[str]) -> list[list[str]]:
    seen: list[list[str]] = []
    for source in sources:
        if source is None or source.kind != SEQ:
            continue
        for element in source.content:
            values = [_key_value(element, key) for key in keys]
            if values and values not in seen:
                seen.append(values)
    return seen


def _key_value(element: Node, key: str) -> str:
    found = element.field(key) if element.kind == MAP else None
    return "" if found is None or is_nil_or_empty(found[1]) else found[1].value


def _primitive_values(sources: Sources) -> list[list[str]]:
    out: list[list[str]] = []
    seen: set[str] = set()
    for source in sources:
        if source is None:
            continue
        for item in source.content:
            if item.value not in seen:
                seen.add(item.value)
                out.append([item.value])
    return out


def _merge_values(values_list: list[list[str]]) -> list[list[str]]:
    """Value tuples that differ only where one side is empty are the same element."""
    for i in range(len(values_list)):
        for j in range(len(values_list)):
            merged = _match(values_list[i], values_list[j])
            if merged is not None:
                values_list[i] = merged
                values_list[j] = merged
    return values_list


def _match(first: list[str], second: list[str]) -> list[str] | None:
    if len(first) != len(second):
        return None
    common = False
    merged: list[str] = []
    for a, b in zip(first, second, strict=True):
        if a == b:
            common = True
            merged.append(a)
        elif a and b:
            return None
        else:
            merged.append(a or b)
    return merged if common else None


def _validate_keys(
    values_list: list[list[str]], values: list[str], keys: list[str]
) -> tuple[list[str], list[str]]:
    present = {keys[i] for vals in values_list for i, v in enumerate(vals) if v}
    if not present:
        return keys, values
    valid_keys = [k for k in keys if k in present]
    valid_values = [v for i, v in enumerate(values) if v or keys[i] in present]
    return valid_keys, valid_values


def _element_sources(sources: Sources, keys: list[str], values: list[str]) -> Sources:
    keys, values = _validate_keys([values], values, keys)
    return [_find_element(s, keys, values) if s is not None else None for s in sources]


def _find_element(seq: Node, keys: list[str], values: list[str]) -> Node | None:
    """kyaml's ElementMatcher: the first element whose key fields hold the values."""
    if seq.kind != SEQ:
        return None
    keys = keys or [""]
    values = values or [""]
    if not keys[0]:
        return next((e for e in seq.content if e.value == values[0]), None)
    for element in seq.content:
        if element.kind != MAP or len(keys) != len(values):
            continue
        if all(_field_is(element, k, v) for k, v in zip(keys, values, strict=True)):
            return element
    return None


def _field_is(element: Node, key: str, value: str) -> bool:
    found = element.field(key)
    return found is not None and found[1].value == value


def _matches(element: Node, keys: list[str], values: list[str]) -> bool:
    """kyaml's FieldMatcher as ElementSetter applies it to one element."""
    if not values:
        return False  # kyaml never matches without values (and then drops every element)
    for j, key in enumerate(keys):
        if j >= len(values):
            continue
        if not key:
            if element.kind != SCALAR or is_null(element) or element.value != values[j]:
                return False
            continue
        if element.kind != MAP:
            return False
        found = element.field(key)
        if found is None or (values[j] and found[1].value != values[j]):
            return False
    return True


def set_element(seq: Node, element: Node | None, keys: list[str], values: list[str]) -> None:
    """kyaml's ElementSetter: replace the element matching the key values, delete it
    (``element`` None) or append; empty elements are dropped on the way."""
    keys = keys or [""]
    mapping_setter = bool(keys[0]) and bool(values) and bool(values[0])
    content: list[Node] = []
    found_any = False
    for item in seq.content:
        if is_null(item) or is_empty_map(item):
            continue
        if item.kind != MAP and mapping_setter:
            content.append(item)
            continue
        if not _matches(item, keys, values):
            if values:
                content.append(item)
            continue
        found_any = True
        if element is not None:
            content.append(element)
    seq.content = content
    if element is not None and not is_null(element) and not found_any:
        seq.content.append(element)


def _append_elements(dest: Node, source: Node, keys: list[str]) -> None:
    """kyaml's appendListNode: each merged element replaces its match or is appended."""
    for element in source.content:
        if not keys or not keys[0]:
            set_element(dest, element, [""], [element.value])
            continue
        values: list[str] = []
        for key in keys:
            value = element.get(key) if element.kind == MAP else None
            if value is None:
                dest.content.append(element)
                continue
            values.append(value.value)
        if len(keys) > 1:
            set_element(dest, None, keys, values)
        set_element(dest, element, keys, values)


__all__ = ["KptVisitor", "StockVisitor", "Visitor", "Walker", "content_equal", "set_field"]
