"""Discovery documents: what kubectl and the aggregator learn about the served APIs.

Builds the legacy documents (``/api``, ``/apis``, ``/apis/<g>``, ``/apis/<g>/<v>``), the
aggregated ``apidiscovery.k8s.io/v2`` list, ``/version``, and chooses between legacy and
aggregated discovery from the Accept header (reference/apis.md §1). Everything is derived from
``resources.RESOURCES``. Pure: returns fresh dicts, no I/O, no HTTP types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import porch
from porch_apiserver import resources, verbs

AGGREGATED_CONTENT_TYPE = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
_DISCOVERY_GROUP = "apidiscovery.k8s.io"
_DISCOVERY_LIST = "APIGroupDiscoveryList"

Json = dict[str, Any]


@dataclass(frozen=True)
class MediaRange:
    """One alternative of an Accept header: ``type/subtype`` plus lower-cased parameters."""

    type: str
    subtype: str
    params: dict[str, str] = field(default_factory=dict)
    q: float = 1.0

    @property
    def media_type(self) -> str:
        return f"{self.type}/{self.subtype}"

    def matches_json(self) -> bool:
        """True for ``application/json``, ``application/*`` and ``*/*``."""
        return self.type in ("application", "*") and self.subtype in ("json", "*")


def _split_unquoted(text: str, sep: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        if char == sep and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _parse_range(text: str) -> MediaRange | None:
    pieces = _split_unquoted(text, ";")
    media = pieces[0].strip().lower()
    if "/" not in media:
        return None
    main, sub = media.split("/", 1)
    params: dict[str, str] = {}
    q = 1.0
    for piece in pieces[1:]:
        key, _, value = piece.partition("=")
        key, value = key.strip().lower(), value.strip().strip('"')
        if key == "q":
            try:
                q = float(value)
            except ValueError:
                q = 0.0
        elif key:
            params[key] = value
    return MediaRange(type=main.strip(), subtype=sub.strip(), params=params, q=q)


def parse_accept(header: str) -> list[MediaRange]:
    """The alternatives of an Accept header, most preferred first (q-value, then order).

    Alternatives with ``q=0`` are dropped; an empty header means ``*/*``.
    """
    if not header.strip():
        return [MediaRange(type="*", subtype="*")]
    ranges = [r for r in map(_parse_range, _split_unquoted(header, ",")) if r is not None]
    return sorted((r for r in ranges if r.q > 0), key=lambda r: -r.q)


def negotiate_discovery(accept_header: str) -> str | None:
    """The aggregated discovery content type if the client prefers it, else None (legacy JSON).

    client-go asks for aggregated v2, then v2beta1, then plain JSON; we serve only v2, so the
    first alternative that is either aggregated v2 or plain JSON decides.
    """
    for media in parse_accept(accept_header):
        if not media.matches_json():
            continue
        wanted = media.params.get("as")
        if wanted is None:
            return None
        if (
            wanted == _DISCOVERY_LIST
            and media.params.get("g") == _DISCOVERY_GROUP
            and media.params.get("v") == "v2"
        ):
            return AGGREGATED_CONTENT_TYPE
    return None


def api_versions(*, server_address: str = "", core: bool = False) -> Json:
    """``GET /api``: ``v1`` only when core v1 is served (local mode); advertising v1 without
    serving it breaks kubectl."""
    addresses = (
        [{"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}] if server_address else []
    )
    return {
        "kind": "APIVersions",
        "versions": ["v1"] if core else [],
        "serverAddressByClientCIDRs": addresses,
    }


def core_resource_list(core: tuple[resources.ResourceDef, ...]) -> Json:
    """``GET /api/v1``: the APIResourceList of the core resources served."""
    return {
        "kind": "APIResourceList",
        "groupVersion": "v1",
        "resources": [_api_resource(r) for r in core],
    }


def _group_version(group: str, version: str) -> Json:
    return {"groupVersion": f"{group}/{version}", "version": version}


def api_group(group: str) -> Json | None:
    """``GET /apis/<group>``: the APIGroup document, or None if the group is not served."""
    versions = resources.versions(group)
    if not versions:
        return None
    return {
        "kind": "APIGroup",
        "apiVersion": "v1",
        "name": group,
        "versions": [_group_version(group, v) for v in versions],
        "preferredVersion": _group_version(group, versions[0]),
    }


def api_group_list() -> Json:
    """``GET /apis`` as legacy JSON: the APIGroupList."""
    groups = [api_group(g) for g in resources.groups()]
    return {
        "kind": "APIGroupList",
        "apiVersion": "v1",
        "groups": [
            {k: v for k, v in g.items() if k not in ("kind", "apiVersion")} for g in groups if g
        ],
    }


def _api_resource(resource: resources.ResourceDef) -> Json:
    entry: Json = {
        "name": resource.plural,
        "singularName": resource.singular,
        "namespaced": resource.namespaced,
        "kind": resource.kind,
        "verbs": list(verbs.served(resource)),
    }
    if resource.short_names:
        entry["shortNames"] = list(resource.short_names)
    if resource.categories:
        entry["categories"] = list(resource.categories)
    entry["storageVersionHash"] = resource.storage_version_hash
    return entry


def _api_subresource(resource: resources.ResourceDef, sub: resources.SubresourceDef) -> Json:
    return {
        "name": f"{resource.plural}/{sub.name}",
        "singularName": "",
        "namespaced": resource.namespaced,
        "kind": sub.kind,
        "verbs": list(sub.verbs),
    }


def api_resource_list(group: str, version: str) -> Json | None:
    """``GET /apis/<group>/<version>``: the APIResourceList (with subresources), or None."""
    served = resources.in_group_version(group, version)
    if not served:
        return None
    entries: list[Json] = []
    for resource in served:
        entries.append(_api_resource(resource))
        entries.extend(_api_subresource(resource, s) for s in resource.subresources)
    return {
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": f"{group}/{version}",
        "resources": entries,
    }


def _response_kind(resource: resources.ResourceDef, kind: str) -> Json:
    return {"group": resource.group, "version": resource.version, "kind": kind}


def _discovery_resource(resource: resources.ResourceDef) -> Json:
    entry: Json = {
        "resource": resource.plural,
        "responseKind": _response_kind(resource, resource.kind),
        "scope": "Namespaced" if resource.namespaced else "Cluster",
        "singularResource": resource.singular,
        "verbs": list(verbs.served(resource)),
    }
    if resource.short_names:
        entry["shortNames"] = list(resource.short_names)
    if resource.categories:
        entry["categories"] = list(resource.categories)
    if resource.subresources:
        entry["subresources"] = [
            {
                "subresource": s.name,
                "responseKind": _response_kind(resource, s.kind),
                "verbs": list(s.verbs),
            }
            for s in resource.subresources
        ]
    return entry


def _discovery_group(group: str) -> Json:
    return {
        "metadata": {"name": group},
        "versions": [
            {
                "version": version,
                "resources": [
                    _discovery_resource(r)
                    for r in sorted(
                        resources.in_group_version(group, version), key=lambda r: r.plural
                    )
                ],
                "freshness": "Current",
            }
            for version in resources.versions(group)
        ],
    }


def _discovery_list(items: list[Json]) -> Json:
    return {
        "kind": _DISCOVERY_LIST,
        "apiVersion": f"{_DISCOVERY_GROUP}/v2",
        "metadata": {},
        "items": items,
    }


def aggregated_discovery() -> Json:
    """``GET /apis`` as aggregated discovery (apidiscovery.k8s.io/v2 APIGroupDiscoveryList)."""
    return _discovery_list([_discovery_group(g) for g in resources.groups()])


def aggregated_core(core: tuple[resources.ResourceDef, ...] = ()) -> Json:
    """``GET /api`` as aggregated discovery: the core group (name "") with ``core``'s
    resources, or an empty list when no core resource is served."""
    if not core:
        return _discovery_list([])
    group = {
        "metadata": {"name": ""},
        "versions": [
            {
                "version": "v1",
                "resources": [_discovery_resource(r) for r in sorted(core, key=lambda r: r.plural)],
                "freshness": "Current",
            }
        ],
    }
    return _discovery_list([group])


def version_info(
    *, git_commit: str = "", build_date: str = "1970-01-01T00:00:00Z", platform: str = "linux/amd64"
) -> Json:
    """``GET /version``: claims Kubernetes 1.32 (the API level we emulate) and names our build."""
    return {
        "major": "1",
        "minor": "32",
        "gitVersion": f"v1.32.0-porch-{porch.__version__}",
        "gitCommit": git_commit,
        "gitTreeState": "clean" if git_commit else "",
        "buildDate": build_date,
        "goVersion": "",
        "compiler": "cpython",
        "platform": platform,
    }


__all__ = [
    "AGGREGATED_CONTENT_TYPE",
    "MediaRange",
    "aggregated_core",
    "aggregated_discovery",
    "api_group",
    "api_group_list",
    "api_resource_list",
    "api_versions",
    "core_resource_list",
    "negotiate_discovery",
    "parse_accept",
    "version_info",
]
