"""A Kptfile as kpt's Go struct sees it: strict fields, struct order, omitempty, Go styles.

kpt never writes a Kptfile from its text: it decodes it into ``kptfilev1.KptFile``
(unknown fields are errors), then marshals the struct again. So every Kptfile kpt writes
has its fields in struct order, empty fields dropped, map keys sorted, comments gone,
strings quoted the way go-yaml quotes a Go string, and lists "wide". :func:`normalize`
performs that round trip on a node tree; :func:`dump` prints the result like kpt. Pure;
no I/O.
"""

from __future__ import annotations

import re

from porch.errors import Invalid
from porch.krm import yamlemit, yamlparse
from porch.krm.yamlnode import (
    DOUBLE,
    LITERAL,
    MAP,
    SCALAR,
    SEQ,
    STR,
    Node,
    is_null,
    mapping,
    resolve,
    scalar,
    sequence,
)

API_VERSION = "kpt.dev/v1"
KIND = "Kptfile"
DEPRECATED_VERSIONS = ("v1alpha1", "v1alpha2")

# Go type of each field: "str", "int", "map" (map[string]string), "[str]", "[Type]" (slice of
# structs), "*Type" (pointer: kept when present, even empty) or "Type" (value: dropped when
# empty). A trailing "!" marks a field without omitempty.
STRUCTS: dict[str, list[tuple[str, str]]] = {
    "KptFile": [
        ("apiVersion", "str"),
        ("kind", "str"),
        ("metadata", "ObjectMeta"),
        ("upstream", "*Upstream"),
        ("upstreamLock", "*Locator"),
        ("info", "*PackageInfo"),
        ("pipeline", "*Pipeline"),
        ("inventory", "*Inventory"),
        ("status", "*Status"),
    ],
    "ObjectMeta": [
        ("name", "str"),
        ("namespace", "str"),
        ("labels", "map"),
        ("annotations", "map"),
    ],
    "Upstream": [("type", "str"), ("git", "*Git"), ("updateStrategy", "str")],
    "Git": [("repo", "str"), ("directory", "str"), ("ref", "str")],
    "Locator": [("type", "str"), ("git", "*GitLock"), ("generic", "*GenericLock")],
    "GitLock": [("repo", "str"), ("directory", "str"), ("ref", "str"), ("commit", "str")],
    "GenericLock": [("storeID", "str"), ("resourceID", "str"), ("resourceVersion", "str")],
    "PackageInfo": [
        ("site", "str"),
        ("emails", "[str]"),
        ("license", "str"),
        ("licenseFile", "str"),
        ("description", "str"),
        ("keywords", "[str]"),
        ("man", "str"),
        ("readinessGates", "[ReadinessGate]"),
    ],
    "ReadinessGate": [("conditionType", "str!")],
    "Pipeline": [("mutators", "[Function]"), ("validators", "[Function]")],
    "Function": [
        ("image", "str"),
        ("exec", "str"),
        ("configPath", "str"),
        ("configMap", "map"),
        ("name", "str"),
        ("tag", "str"),
        ("selectors", "[Selector]"),
        ("exclude", "[Selector]"),
    ],
    "Selector": [
        ("apiVersion", "str"),
        ("kind", "str"),
        ("name", "str"),
        ("namespace", "str"),
        ("labels", "map"),
        ("annotations", "map"),
    ],
    "Inventory": [
        ("namespace", "str"),
        ("name", "str"),
        ("inventoryID", "str"),
        ("labels", "map"),
        ("annotations", "map"),
    ],
    "Status": [("conditions", "[Condition]"), ("renderStatus", "*RenderStatus")],
    "Condition": [("type", "str!"), ("status", "str!"), ("reason", "str"), ("message", "str")],
    "RenderStatus": [
        ("mutationSteps", "[StepResult]"),
        ("validationSteps", "[StepResult]"),
        ("errorSummary", "str"),
    ],
    "StepResult": [
        ("name", "str"),
        ("image", "str"),
        ("exec", "str"),
        ("executionError", "str"),
        ("stderr", "str"),
        ("exitCode", "int!"),
        ("results", "[ResultItem]"),
        ("errorResults", "[ResultItem]"),
    ],
    "ResultItem": [
        ("message", "str"),
        ("severity", "str"),
        ("resourceRef", "*ResourceRef"),
        ("field", "*Field"),
        ("file", "*File"),
        ("tags", "map"),
    ],
    "ResourceRef": [("apiVersion", "str"), ("kind", "str"), ("name", "str"), ("namespace", "str")],
    "Field": [("path", "str"), ("currentValue", "str"), ("proposedValue", "str")],
    "File": [("path", "str"), ("index", "int")],
}

_OLD_BOOLS = frozenset("y Y yes Yes YES on On ON n N no No NO off Off OFF".split())  # noqa: SIM905
_BASE60 = re.compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$")


def go_string(value: str) -> Node:
    """A Go string as go-yaml marshals it: plain when safe, literal when multi-line, else
    double-quoted."""
    if "\n" in value:
        return scalar(value, style=LITERAL)
    plain = resolve(value) == STR and not (_BASE60.match(value) or value in _OLD_BOOLS)
    return scalar(value, tag=STR, style=0 if plain else DOUBLE)


def parse(text: str, *, source: str = "Kptfile") -> Node:
    """The Kptfile at ``source``, checked like kpt reads it, as a normalized tree."""
    doc = yamlparse.parse(text, source=source)
    if doc is None or doc.root.kind != MAP:
        raise Invalid(f"{source}: a Kptfile must be a YAML mapping")
    check_version(doc.root, source=source)
    normalized = normalize(doc.root, source=source)
    return normalized if normalized is not None else mapping()


def check_version(root: Node, *, source: str) -> None:
    api_version, kind = root.text("apiVersion"), root.text("kind")
    if api_version == API_VERSION and kind == KIND:
        return
    group, _, version = api_version.rpartition("/")
    if kind == KIND and group == "kpt.dev" and version in DEPRECATED_VERSIONS:
        raise Invalid(f'{source}: old resource version "{version}" found in Kptfile')
    raise Invalid(f'{source}: unknown resource type "{api_version}, Kind={kind}" found in Kptfile')


def normalize(node: Node, *, source: str = "Kptfile", struct: str = "KptFile") -> Node | None:
    """Decode ``node`` into the Go struct and marshal it back (None when nothing is left)."""
    if is_null(node):
        return None
    if node.kind != MAP:
        raise Invalid(f"{source}: cannot unmarshal a {node.kind} into {struct}")
    fields = dict(STRUCTS[struct])
    for key, _ in node.pairs():
        if key.value not in fields:
            raise Invalid(f"{source}: field {key.value} not found in type v1.{struct}")
    out = mapping()
    for name, go_type in STRUCTS[struct]:
        value = node.get(name)
        converted = _convert(value, go_type, source=source) if value is not None else None
        if converted is None and go_type.endswith("!"):
            converted = scalar("0") if go_type.startswith("int") else go_string("")
        if converted is not None:
            out.content.extend([scalar(name), converted])
    return out if out.content else None


def _convert(value: Node, go_type: str, *, source: str) -> Node | None:
    go_type = go_type.rstrip("!")
    if is_null(value):
        return None
    if go_type == "str":
        return go_string(_text(value, source)) if _text(value, source) else None
    if go_type == "int":
        return scalar(_text(value, source)) if _text(value, source) not in ("", "0") else None
    if go_type == "map":
        return _string_map(value, source)
    if go_type.startswith("["):
        return _slice(value, go_type[1:-1], source)
    if go_type.startswith("*"):
        return normalize(value, source=source, struct=go_type[1:]) or mapping()
    return normalize(value, source=source, struct=go_type)


def _text(value: Node, source: str) -> str:
    if value.kind != SCALAR:
        raise Invalid(f"{source}: cannot unmarshal a {value.kind} into a string")
    return value.value


def _string_map(value: Node, source: str) -> Node | None:
    if value.kind != MAP:
        raise Invalid(f"{source}: cannot unmarshal a {value.kind} into map[string]string")
    pairs = sorted((k.value, _text(v, source) if not is_null(v) else "") for k, v in value.pairs())
    if not pairs:
        return None
    return mapping([(k, go_string(v)) for k, v in pairs])


def _slice(value: Node, item_type: str, source: str) -> Node | None:
    if value.kind != SEQ:
        raise Invalid(f"{source}: cannot unmarshal a {value.kind} into a list")
    if item_type == "str":
        items = [go_string(_text(i, source) if not is_null(i) else "") for i in value.content]
    else:
        items = [normalize(i, source=source, struct=item_type) or mapping() for i in value.content]
    return sequence(items) if items else None


def dump(kptfile: Node | None) -> str:
    """A Kptfile printed as kpt writes it (wide sequences)."""
    return yamlemit.emit(kptfile if kptfile is not None else mapping(), seq_indent="wide")


def new(name: str) -> Node:
    """kpt's minimal Kptfile (``DefaultKptfile``)."""
    return mapping(
        [
            ("apiVersion", go_string(API_VERSION)),
            ("kind", go_string(KIND)),
            ("metadata", mapping([("name", go_string(name))])),
        ]
    )


__all__ = ["STRUCTS", "check_version", "dump", "go_string", "new", "normalize", "parse"]
