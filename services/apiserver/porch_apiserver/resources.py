"""The registry of API resources this server serves, the single source for discovery and routing.

Discovery documents, OpenAPI paths, Table columns and URL routing all derive from ``RESOURCES``
so that what kubectl is told exists is exactly what is served. Pure data; no I/O, and nothing
here may know how objects are stored.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

PORCH_GROUP = "porch.kpt.dev"
CONFIG_GROUP = "config.porch.kpt.dev"
VERSION = "v1alpha1"

_ALL_VERBS = ("get", "list", "watch", "create", "update", "patch", "delete")


@dataclass(frozen=True)
class SubresourceDef:
    """A subresource such as ``packagerevisions/approval``."""

    name: str
    kind: str
    verbs: tuple[str, ...]


@dataclass(frozen=True)
class ResourceDef:
    """One resource (a plural under a group-version), as advertised in discovery."""

    group: str
    version: str
    plural: str
    singular: str
    kind: str
    list_kind: str
    namespaced: bool
    verbs: tuple[str, ...]
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    subresources: tuple[SubresourceDef, ...] = ()

    @property
    def group_version(self) -> str:
        """``group/version`` (the ``apiVersion`` of the objects)."""
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def qualified_name(self) -> str:
        """``plural.group``, as kube-apiserver names a resource in messages."""
        return f"{self.plural}.{self.group}" if self.group else self.plural

    @property
    def storage_version_hash(self) -> str:
        """A stable opaque hash of the storage version, like kube-apiserver's (8 bytes, base64)."""
        digest = hashlib.sha256(f"{self.group}/{self.version}/{self.kind}".encode()).digest()
        return base64.b64encode(digest[:8]).decode()

    def subresource(self, name: str) -> SubresourceDef | None:
        """The subresource called ``name``, or None."""
        return next((s for s in self.subresources if s.name == name), None)


REPOSITORIES = ResourceDef(
    group=CONFIG_GROUP,
    version=VERSION,
    plural="repositories",
    singular="repository",
    kind="Repository",
    list_kind="RepositoryList",
    namespaced=True,
    verbs=_ALL_VERBS,
    short_names=("repo",),
    categories=("porch",),
)

PACKAGE_REVISIONS = ResourceDef(
    group=PORCH_GROUP,
    version=VERSION,
    plural="packagerevisions",
    singular="packagerevision",
    kind="PackageRevision",
    list_kind="PackageRevisionList",
    namespaced=True,
    verbs=_ALL_VERBS,
    categories=("porch",),
    subresources=(
        SubresourceDef(name="approval", kind="PackageRevision", verbs=("get", "update")),
    ),
)

PACKAGE_REVISION_RESOURCES = ResourceDef(
    group=PORCH_GROUP,
    version=VERSION,
    plural="packagerevisionresources",
    singular="packagerevisionresources",
    kind="PackageRevisionResources",
    list_kind="PackageRevisionResourcesList",
    namespaced=True,
    verbs=("get", "list", "update", "patch"),
    categories=("porch",),
)

RESOURCES: tuple[ResourceDef, ...] = (REPOSITORIES, PACKAGE_REVISIONS, PACKAGE_REVISION_RESOURCES)


def lookup(group: str, version: str, plural: str) -> ResourceDef | None:
    """The resource served at ``/apis/<group>/<version>/<plural>``, or None."""
    return next(
        (r for r in RESOURCES if (r.group, r.version, r.plural) == (group, version, plural)),
        None,
    )


def by_kind(kind: str) -> ResourceDef | None:
    """The resource whose objects have ``kind``, or None."""
    return next((r for r in RESOURCES if r.kind == kind), None)


def groups() -> tuple[str, ...]:
    """Served groups, in registry order (the order discovery lists them)."""
    return tuple(dict.fromkeys(r.group for r in RESOURCES))


def versions(group: str) -> tuple[str, ...]:
    """Served versions of ``group``, preferred first."""
    return tuple(dict.fromkeys(r.version for r in RESOURCES if r.group == group))


def in_group_version(group: str, version: str) -> tuple[ResourceDef, ...]:
    """The resources served under ``group/version``."""
    return tuple(r for r in RESOURCES if r.group == group and r.version == version)


__all__ = [
    "CONFIG_GROUP",
    "PACKAGE_REVISIONS",
    "PACKAGE_REVISION_RESOURCES",
    "PORCH_GROUP",
    "REPOSITORIES",
    "RESOURCES",
    "VERSION",
    "ResourceDef",
    "SubresourceDef",
    "by_kind",
    "groups",
    "in_group_version",
    "lookup",
    "versions",
]
