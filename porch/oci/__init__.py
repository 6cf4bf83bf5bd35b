"""OCI adapter: package revisions as images in a registry, Porch's layout.

A package P of a repository registered with ``oci.registry: <host>/<prefix>`` is the image
repository ``<host>/<prefix>/<P>``; a revision is the tag of its workspace name, and a
published revision is also tagged ``v<N>``. The package tree is one deterministic tar.gz
layer; lifecycle, revision, package, workspace and the event that wrote it are manifest
annotations (``kpt.dev/lifecycle``, ``kpt.dev/revision``, ...); creation tasks are the
config's history entries ``kpt:{json}``, as Porch writes them.

Speaks the distribution HTTP API with aiohttp. Must not import the event log, Git or any
service; must never let credentials reach a message, a log or an annotation.
"""

from porch.oci.credentials import RegistryCredentials
from porch.oci.references import ImageReference, RegistryLocation, parse_image, parse_registry
from porch.oci.repository import (
    OciRepository,
    PushRequest,
    PushResult,
    RevisionImage,
    pull_image,
    version_tag,
)

__all__ = [
    "ImageReference",
    "OciRepository",
    "PushRequest",
    "PushResult",
    "RegistryCredentials",
    "RegistryLocation",
    "RevisionImage",
    "parse_image",
    "parse_registry",
    "pull_image",
    "version_tag",
]
