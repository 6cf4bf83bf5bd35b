"""ensure-name-substring: make every resource name contain a prefix or suffix.

Port of the catalog's ``ensure-name-substring`` (kustomize prefix/suffix filters): config
from a ConfigMap with exactly one key ``prepend`` or ``append``, or ``EnsureNameSubstring``
(``substring``, ``editMode``, ``additionalNameFields``, deprecated ``fieldSpecs``). CRDs,
Namespaces, APIServices and the Kptfile keep their names; names already containing the
substring are left alone; name references and ``depends-on`` annotations follow. Like the
catalog (kustomize's resource map) it drops the file bookkeeping annotations, so kpt files
renamed resources under default paths. Pure; no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from porch.functions import fieldspecs, namerefs, nodes, objects
from porch.functions.failures import fail
from porch.functions.fieldspecs import FieldSpec
from porch.krm import resourcelist
from porch.krm.resourcelist import ResourceList, set_annotation
from porch.krm.yamlview import Map

NAME_FIELD = FieldSpec("metadata/name")
_NAMESPACED_REF = re.compile(r"\A([-.\w]*)/namespaces/([-.\w]*)/([-.\w]*)/([-.\w]*)\Z", re.ASCII)
_CLUSTER_REF = re.compile(r"\A([-.\w]*)/([-.\w]*)/([-.\w]*)\Z", re.ASCII)
_SKIPPED: tuple[tuple[str, str], ...] = (
    ("", "CustomResourceDefinition"),
    ("apiregistration.k8s.io", "APIService"),
    ("", "Namespace"),
    ("kpt.dev", "Kptfile"),
)
# Dropped by kustomize's resource map on the way out (RemoveBuildAnnotations).
BOOKKEEPING = resourcelist.BOOKKEEPING


@dataclass
class Config:
    substring: str
    append: bool = False
    fields: list[FieldSpec] = field(default_factory=list)

    def edit(self, value: str) -> str:
        return value + self.substring if self.append else self.substring + value


def _config(fc: Map | None) -> Config:
    if fc is not None and objects.is_kind(fc, "v1", "ConfigMap"):
        data = objects.config_data(fc)
        if len(data) != 1:
            raise ValueError(f"only 1 entry is allowed in the ConfigMap, but got: {len(data)}")
        ((mode, substring),) = data.items()
        if mode not in ("prepend", "append"):
            raise ValueError(f"unknown editMode: {mode}, only prepend and append are allowed")
        config = Config(substring, mode == "append")
    elif fc is not None and objects.is_kind(fc, "fn.kpt.dev/v1alpha1", "EnsureNameSubstring"):
        config = _from_custom(fc)
    else:
        got = f"{objects.kind(fc)}" if fc is not None else ""
        raise ValueError(
            "function config must be either /v1, Kind=ConfigMap or fn.kpt.dev/v1alpha1, "
            f"Kind=EnsureNameSubstring, but we got: {got}"
        )
    if not config.substring:
        raise ValueError("substring must not be empty")
    return config


def _from_custom(fc: Map) -> Config:
    extra, legacy = fc.get("additionalNameFields"), fc.get("fieldSpecs")
    if extra is not None and legacy is not None:
        raise ValueError(
            "`fieldSpecs` has been deprecated, please rename it to `additionalNameFields`"
        )
    mode = objects.text(fc.get("editMode")) or "prepend"
    return Config(
        objects.text(fc.get("substring")),
        mode == "append",
        fieldspecs.parse_all(extra if extra is not None else legacy),
    )


def _skipped(item: Map) -> bool:
    return any(
        objects.kind(item) == knd and (not grp or objects.group(item) == grp)
        for grp, knd in _SKIPPED
    )


def _contains(item: Map, spec: FieldSpec, substring: str) -> bool:
    if spec.path == NAME_FIELD.path:
        return substring in objects.name(item)
    value = nodes.get_path(item, *spec.path.split("/"))
    return substring in nodes.scalar_text(value) if not nodes.is_collection(value) else False


def _rename(item: Map, spec: FieldSpec, config: Config) -> None:
    def edit(parent: Map, key: str) -> None:
        if key in parent and not nodes.is_collection(parent[key]):
            parent[key] = config.edit(objects.text(parent[key]))

    fieldspecs.visit(item, spec, edit)


def _depends_on(item: Map, config: Config, known: set[tuple[str, str, str]]) -> None:
    value = objects.annotation(item, objects.DEPENDS_ON)
    if _NAMESPACED_REF.match(value):
        positions = (0, 3, 4)
    elif _CLUSTER_REF.match(value):
        positions = (0, 1, 2)
    else:
        return
    segments = value.split("/")
    grp, knd, nm = (segments[i] for i in positions)
    if (grp, knd, nm) in known:
        segments[positions[2]] = config.edit(nm)
        set_annotation(item, objects.DEPENDS_ON, "/".join(segments))


def run(rl: ResourceList) -> ResourceList:
    try:
        config = _config(rl.function_config)
    except ValueError as exc:
        raise fail(f"failed to load the `functionConfig`: {exc}") from None
    known = {(objects.group(i), objects.kind(i), objects.name(i)) for i in rl.items}
    renamed: list[namerefs.Renamed] = []
    for item in rl.items:
        if _skipped(item):
            continue
        for spec in [NAME_FIELD, *config.fields]:
            if not spec.selects(item) or _contains(item, spec, config.substring):
                continue
            if spec.path == NAME_FIELD.path:
                renamed.append(namerefs.Renamed(item, objects.name(item)))
            _rename(item, spec, config)
            _depends_on(item, config, known)
    namerefs.fix_references(rl.items, renamed)
    for item in rl.items:
        _drop_bookkeeping(item)
    return rl


def _drop_bookkeeping(item: Map) -> None:
    notes = nodes.get_path(item, "metadata", "annotations")
    if not isinstance(notes, Map):
        return
    removed = [notes.pop(key) for key in BOOKKEEPING if key in notes]
    if removed and not notes:
        del item["metadata"]["annotations"]


__all__ = ["BOOKKEEPING", "Config", "run"]
