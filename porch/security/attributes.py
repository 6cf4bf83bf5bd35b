"""What a request asks to do, in the terms authorizers decide on (kube's ``RequestInfo``).

``/api/v1/...`` and ``/apis/<group>/<version>/...`` paths with a resource are resource
requests (namespace, resource, subresource, name, and a verb derived from method and shape);
everything else (discovery, OpenAPI, probes) is a non-resource request whose verb is the
lower-cased method. The 403 message is kube-apiserver's, word for word, because kubectl and
scripts show and match it. Pure: no I/O, no HTTP library types.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

_METHOD_VERBS = {"POST": "create", "GET": "get", "HEAD": "get", "PUT": "update"}
_METHOD_VERBS |= {"PATCH": "patch", "DELETE": "delete"}
_NAMESPACE_SUBRESOURCES = ("status", "finalize")


@dataclass(frozen=True)
class Attributes:
    """One request's authorization attributes; resource fields are empty for non-resource."""

    verb: str
    path: str
    resource_request: bool = False
    namespace: str = ""
    api_group: str = ""
    api_version: str = ""
    resource: str = ""
    subresource: str = ""
    name: str = ""

    @property
    def qualified_resource(self) -> str:
        """``resource/subresource``, the form RBAC rules name."""
        return f"{self.resource}/{self.subresource}" if self.subresource else self.resource

    def key(self) -> tuple[str, ...]:
        """A hashable identity for decision caches."""
        return (
            self.verb,
            self.path if not self.resource_request else "",
            self.namespace,
            self.api_group,
            self.api_version,
            self.resource,
            self.subresource,
            self.name,
        )


def _exact_name(selector: str) -> str:
    """The name a ``metadata.name=<x>`` field selector pins a list or watch to, as kube does."""
    for term in selector.split(","):
        key, op, value = term.partition("==") if "==" in term else term.partition("=")
        if op and key.strip() == "metadata.name":
            return value.strip()
    return ""


def _truthy(value: str | None) -> bool:
    return value is not None and value.lower() in ("true", "1")


def of_request(method: str, path: str, query: Mapping[str, str]) -> Attributes:
    """The attributes of ``method path?query`` as kube-apiserver's RequestInfoFactory sees them."""
    parts = [p for p in path.strip("/").split("/") if p]
    plain = Attributes(verb=method.lower(), path=path)
    if parts[:1] == ["api"] and len(parts) >= 3:
        group, version, rest = "", parts[1], parts[2:]
    elif parts[:1] == ["apis"] and len(parts) >= 4:
        group, version, rest = parts[1], parts[2], parts[3:]
    else:
        return plain
    verb = _METHOD_VERBS.get(method.upper())
    if verb is None:
        return plain
    if rest[0] == "watch":  # the deprecated /watch/ path prefix
        verb, rest = "watch", rest[1:]
    namespace = ""
    if rest[0] == "namespaces" and len(rest) > 1:
        namespace = rest[1]
        # /namespaces/<ns>[/status|/finalize] is the namespace object itself.
        if len(rest) > 2 and rest[2] not in _NAMESPACE_SUBRESOURCES:
            rest = rest[2:]
    resource, name = rest[0], rest[1] if len(rest) > 1 else ""
    subresource = rest[2] if len(rest) > 2 else ""
    if verb == "get" and not name:
        verb = "watch" if _truthy(query.get("watch")) else "list"
        name = _exact_name(query.get("fieldSelector", ""))
    elif verb == "delete" and not name:
        verb = "deletecollection"
    return Attributes(
        verb=verb,
        path=path,
        resource_request=True,
        namespace=namespace,
        api_group=group,
        api_version=version,
        resource=resource,
        subresource=subresource,
        name=name,
    )


def forbidden_message(user: str, attributes: Attributes, reason: str = "") -> str:
    """kube-apiserver's Forbidden message for ``user`` and ``attributes`` (plus the reason)."""
    a = attributes
    if not a.resource_request:
        text = f"User {_q(user)} cannot {a.verb} path {_q(a.path)}"
    elif a.namespace:
        text = (
            f"User {_q(user)} cannot {a.verb} resource {_q(a.qualified_resource)} in API group "
            f"{_q(a.api_group)} in the namespace {_q(a.namespace)}"
        )
    else:
        text = (
            f"User {_q(user)} cannot {a.verb} resource {_q(a.qualified_resource)} in API group "
            f"{_q(a.api_group)} at the cluster scope"
        )
    if reason:
        text = f"{text}: {reason}"
    if not a.resource_request:
        return f"forbidden: {text}"
    qualified = f"{a.resource}.{a.api_group}" if a.api_group else a.resource
    if a.name:
        return f"{qualified} {_q(a.name)} is forbidden: {text}"
    return f"{qualified} is forbidden: {text}"


def _q(value: str) -> str:
    """Go's %q for the plain strings in these messages."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


__all__ = ["Attributes", "forbidden_message", "of_request"]
