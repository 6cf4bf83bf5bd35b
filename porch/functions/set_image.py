"""set-image: change container images by name (new name, tag or digest).

Port of the catalog's ``set-image``: config from ConfigMap ``data`` (``name``, ``newName``,
``newTag``, ``digest``; other keys are errors) or ``SetImage`` (``image`` plus
``additionalImageFields``); containers of Pods and of the pod templates of Deployment,
StatefulSet, ReplicaSet, DaemonSet and PodTemplate whose image is ``name`` with an optional
tag/digest are updated; a digest wins over a tag. Pure; no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from porch.functions import fieldspecs, nodes, objects
from porch.functions.failures import fail
from porch.krm.resourcelist import ResourceList
from porch.krm.yamlview import Map

_TEMPLATED = ("Deployment", "StatefulSet", "ReplicaSet", "DaemonSet", "PodTemplate")


@dataclass(frozen=True)
class Image:
    name: str
    new_name: str = ""
    new_tag: str = ""
    digest: str = ""

    def matches(self, value: str) -> bool:
        pattern = "^" + self.name + r"(:[a-zA-Z0-9_.{}-]*)?(@sha256:[a-zA-Z0-9_.{}-]*)?$"
        try:
            return re.search(pattern, value) is not None
        except re.error:
            return False

    def apply(self, value: str) -> str:
        name, tag, digest = split(value)
        name = self.new_name or name
        suffix = f":{tag}" if tag else ""
        if self.new_tag:
            suffix = f":{self.new_tag}"
        if self.digest:
            suffix = f"@{self.digest}"
        # The catalog drops the ':'/'@' separators when it keeps an old tag or digest;
        # the documented behaviour (keep them) is what users rely on.
        return name + (suffix or (f"@{digest}" if digest else ""))


def split(image: str) -> tuple[str, str, str]:
    """(name, tag, digest) of an image reference; a registry port is not a tag."""
    slash = image.find("/")
    offset = slash if slash > 0 else 0
    search = image[offset:]
    at, colon = search.find("@"), search.find(":")
    if colon < 0 and at < 0:
        return image, "", ""
    if at >= 0 and (at < colon or colon < 0):
        return image[: at + offset], "", image[at + offset + 1 :]
    if at >= 0:
        return (
            image[: colon + offset],
            image[colon + offset + 1 : at + offset],
            image[at + offset + 1 :],
        )
    return image[: colon + offset], image[colon + offset + 1 :], ""


def _config(fc: Map | None) -> tuple[Image, list[fieldspecs.FieldSpec]]:
    if fc is not None and objects.kind(fc) == "SetImage":
        raw = fc.get("image") or {}
        image = Image(*(objects.text(raw.get(k)) for k in ("name", "newName", "newTag", "digest")))
        extra = fieldspecs.parse_all(fc.get("additionalImageFields"))
    else:
        data = objects.config_data(fc)
        unknown = [k for k in data if k not in ("name", "newName", "newTag", "digest")]
        if unknown:
            raise ValueError(f"ConfigMap has wrong field name {unknown[0]}")
        image = Image(
            data.get("name", ""),
            data.get("newName", ""),
            data.get("newTag", ""),
            data.get("digest", ""),
        )
        extra = []
    if not image.name:
        raise ValueError("must specify `name`")
    if not (image.new_name or image.new_tag or image.digest):
        raise ValueError("must specify one of `newName`, `newTag`, or `digest`")
    return image, extra


def _update_containers(pod_spec: Any, image: Image) -> int:
    count = 0
    if not isinstance(pod_spec, Map):
        return 0
    for container in pod_spec.get("containers") or []:
        if not isinstance(container, Map):
            continue
        old = objects.text(container.get("image"))
        if not image.matches(old):
            continue
        new = image.apply(old)
        if new != old:
            container["image"] = nodes.restyled(container.get("image"), new)
            count += 1
    return count


def _update_field(parent: Map, key: str, image: Image) -> int:
    old = objects.text(parent.get(key))
    if key not in parent or not image.matches(old) or image.apply(old) == old:
        return 0
    parent[key] = nodes.restyled(parent[key], image.apply(old))
    return 1


def _update_extra_fields(item: Map, specs: list[fieldspecs.FieldSpec], image: Image) -> int:
    updated = 0

    def visit(parent: Map, key: str) -> None:
        nonlocal updated
        updated += _update_field(parent, key, image)

    fieldspecs.visit_all(item, specs, visit)
    return updated


def run(rl: ResourceList) -> ResourceList:
    try:
        image, extra = _config(rl.function_config)
    except ValueError as exc:
        raise fail(str(exc)) from None
    count = 0
    for item in rl.items:
        if objects.kind(item) == "Pod":
            count += _update_containers(item.get("spec"), image)
        elif objects.kind(item) in _TEMPLATED:
            count += _update_containers(nodes.get_path(item, "spec", "template", "spec"), image)
        count += _update_extra_fields(item, extra, image)
    rl.results.append(
        {"message": f"summary: updated a total of {count} image(s)", "severity": "info"}
    )
    return rl


__all__ = ["Image", "run", "split"]
