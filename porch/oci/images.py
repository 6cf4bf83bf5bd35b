"""Image manifests and configs for package revisions, and reading them back. Pure; no I/O.

What Porch reads from an OCI package image, we write: manifest annotations
``kpt.dev/lifecycle`` (absent = Draft) and ``kpt.dev/revision`` (only once published), and
config history entries whose ``created_by`` is ``kpt:{task json}``. We add
``kpt.dev/package`` and ``kpt.dev/workspace`` (so an alias tag ``v<N>`` still names its
workspace) and ``porch.kpt.dev/event-id``, the event whose work wrote the manifest, so a
redelivered work item recognises its own result.

JSON is written with sorted keys and no spaces: the same revision always gives the same
manifest digest.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from porch.errors import Invalid

MANIFEST_MEDIA_TYPE = "application/vnd.oci.image.manifest.v1+json"
CONFIG_MEDIA_TYPE = "application/vnd.oci.image.config.v1+json"
LAYER_MEDIA_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip"
# What Porch's go-containerregistry pushes; read, never written.
DOCKER_MANIFEST_MEDIA_TYPE = "application/vnd.docker.distribution.manifest.v2+json"
ACCEPTED_MANIFESTS = (MANIFEST_MEDIA_TYPE, DOCKER_MANIFEST_MEDIA_TYPE)

LIFECYCLE = "kpt.dev/lifecycle"
REVISION = "kpt.dev/revision"
PACKAGE = "kpt.dev/package"
WORKSPACE = "kpt.dev/workspace"
EVENT_ID = "porch.kpt.dev/event-id"
CREATED = "org.opencontainers.image.created"

LIFECYCLES = ("Draft", "Proposed", "Published", "DeletionProposed")
TASK_PREFIX = "kpt:"


@dataclass(frozen=True)
class Descriptor:
    media_type: str
    digest: str
    size: int

    def to_json(self) -> dict[str, Any]:
        return {"mediaType": self.media_type, "digest": self.digest, "size": self.size}


@dataclass(frozen=True)
class RevisionMeta:
    """What a revision's image says about it, besides its files."""

    package: str
    workspace: str
    lifecycle: str
    revision: int  # 0 until published
    event_id: str
    created: str  # RFC 3339
    author: str = ""
    task: dict[str, Any] | None = None


@dataclass(frozen=True)
class Manifest:
    media_type: str
    config: Descriptor
    layers: tuple[Descriptor, ...]
    annotations: dict[str, str]


def dumps(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":")).encode()


def check_lifecycle(lifecycle: str) -> str:
    if lifecycle not in LIFECYCLES:
        raise Invalid(f'unknown package revision lifecycle "{lifecycle}"')
    return lifecycle


def revision_annotations(meta: RevisionMeta) -> dict[str, str]:
    out = {
        LIFECYCLE: check_lifecycle(meta.lifecycle),
        PACKAGE: meta.package,
        WORKSPACE: meta.workspace,
        EVENT_ID: meta.event_id,
        CREATED: meta.created,
    }
    if meta.revision > 0:
        out[REVISION] = str(meta.revision)
    return out


def config_blob(meta: RevisionMeta, diff_id: str) -> bytes:
    history: dict[str, Any] = {"created": meta.created}
    if meta.author:
        history["author"] = meta.author
    if meta.task is not None:
        history["created_by"] = TASK_PREFIX + json.dumps(meta.task, sort_keys=True)
    return dumps(
        {
            "architecture": "unknown",
            "os": "unknown",
            "created": meta.created,
            "author": meta.author,
            "rootfs": {"type": "layers", "diff_ids": [diff_id]},
            "history": [history],
        }
    )


def manifest_blob(
    config: Descriptor, layers: list[Descriptor], annotations: dict[str, str]
) -> bytes:
    return dumps(
        {
            "schemaVersion": 2,
            "mediaType": MANIFEST_MEDIA_TYPE,
            "config": config.to_json(),
            "layers": [layer.to_json() for layer in layers],
            "annotations": annotations,
        }
    )


def _descriptor(value: Any, what: str) -> Descriptor:
    if not isinstance(value, dict):
        raise Invalid(f"image manifest has no valid {what} descriptor")
    digest, size = value.get("digest"), value.get("size")
    if not isinstance(digest, str) or not isinstance(size, int):
        raise Invalid(f"image manifest has no valid {what} descriptor")
    return Descriptor(media_type=str(value.get("mediaType", "")), digest=digest, size=size)


def parse_manifest(data: bytes, media_type: str = "") -> Manifest:
    try:
        doc = json.loads(data)
    except ValueError as exc:
        raise Invalid(f"image manifest is not JSON: {exc}") from exc
    if not isinstance(doc, dict):
        raise Invalid("image manifest is not a JSON object")
    kind = str(doc.get("mediaType") or media_type)
    if kind not in ACCEPTED_MANIFESTS:
        raise Invalid(f'unsupported manifest media type "{kind}" (an index or an old schema?)')
    layers = doc.get("layers")
    if not isinstance(layers, list):
        raise Invalid("image manifest has no layers list")
    raw = doc.get("annotations") or {}
    return Manifest(
        media_type=kind,
        config=_descriptor(doc.get("config"), "config"),
        layers=tuple(_descriptor(layer, "layer") for layer in layers),
        annotations={str(k): str(v) for k, v in raw.items()} if isinstance(raw, dict) else {},
    )


def with_annotations(data: bytes, changes: dict[str, str | None]) -> bytes:
    """``data`` (a manifest) with annotations set (or removed, for None), re-serialised."""
    doc = json.loads(data)
    current = dict(doc.get("annotations") or {})
    for key, value in changes.items():
        if value is None:
            current.pop(key, None)
        else:
            current[key] = value
    doc["annotations"] = current
    return dumps(doc)


def lifecycle_of(manifest: Manifest) -> str:
    """Porch's reading: no annotation means Draft; anything unknown is an error."""
    return check_lifecycle(manifest.annotations.get(LIFECYCLE) or "Draft")


def revision_of(manifest: Manifest) -> int:
    """``kpt.dev/revision`` as an integer; Porch's older ``v3`` strings read as 3."""
    raw = manifest.annotations.get(REVISION, "").strip()
    if not raw:
        return 0
    try:
        return int(raw.removeprefix("v"))
    except ValueError as exc:
        raise Invalid(f'"{REVISION}: {raw}" is not a revision number') from exc


@dataclass(frozen=True)
class ConfigFacts:
    created: str
    author: str
    tasks: tuple[dict[str, Any], ...]


def parse_config(data: bytes) -> ConfigFacts:
    """Creation time, author and the ``kpt:`` tasks of an image config (lenient)."""
    try:
        doc = json.loads(data)
    except ValueError:
        return ConfigFacts(created="", author="", tasks=())
    if not isinstance(doc, dict):
        return ConfigFacts(created="", author="", tasks=())
    tasks: list[dict[str, Any]] = []
    for entry in doc.get("history") or []:
        command = entry.get("created_by", "") if isinstance(entry, dict) else ""
        if isinstance(command, str) and command.startswith(TASK_PREFIX):
            try:
                task = json.loads(command[len(TASK_PREFIX) :])
            except ValueError:
                continue
            if isinstance(task, dict) and isinstance(task.get("type"), str):
                tasks.append(task)
    return ConfigFacts(
        created=str(doc.get("created") or ""),
        author=str(doc.get("author") or ""),
        tasks=tuple(tasks),
    )


__all__ = [
    "ACCEPTED_MANIFESTS",
    "CONFIG_MEDIA_TYPE",
    "CREATED",
    "EVENT_ID",
    "LAYER_MEDIA_TYPE",
    "LIFECYCLE",
    "LIFECYCLES",
    "MANIFEST_MEDIA_TYPE",
    "PACKAGE",
    "REVISION",
    "WORKSPACE",
    "ConfigFacts",
    "Descriptor",
    "Manifest",
    "RevisionMeta",
    "check_lifecycle",
    "config_blob",
    "dumps",
    "lifecycle_of",
    "manifest_blob",
    "parse_config",
    "parse_manifest",
    "revision_annotations",
    "revision_of",
    "with_annotations",
]
