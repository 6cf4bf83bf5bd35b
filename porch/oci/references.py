"""Registry locations, image repository names and tags, validated by the OCI rules.

``oci.registry`` is ``<host>[:port][/<prefix>]`` as in Porch, optionally with an explicit
``http://`` or ``https://``. Without a scheme a loopback host speaks plain HTTP (as Docker
treats ``localhost`` registries) and every other host HTTPS. Pure; no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from porch.errors import Cause, Invalid

# distribution/reference: path components and tags.
_COMPONENT = re.compile(r"[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*")
_TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,127}")
_DIGEST = re.compile(r"sha256:[0-9a-f]{64}")
_HOST = re.compile(r"(?:\[[0-9A-Fa-f:]+\]|[A-Za-z0-9.-]+)(?::[0-9]{1,5})?")
_LOOPBACK = ("localhost", "127.", "[::1]")


@dataclass(frozen=True)
class RegistryLocation:
    """Where a repository's images live: the registry's base URL and a path prefix."""

    scheme: str  # http | https
    host: str  # host[:port]
    prefix: str  # "" or "team/porch"

    @property
    def base_url(self) -> str:
        return f"{self.scheme}://{self.host}"

    def repository(self, package: str) -> str:
        """The image repository name (inside the registry) of ``package``."""
        check_package(package)
        return f"{self.prefix}/{package}" if self.prefix else package

    def package_of(self, repository: str) -> str | None:
        """The package an image repository holds, or None when outside the prefix."""
        if not self.prefix:
            return repository
        head = self.prefix + "/"
        return repository[len(head) :] if repository.startswith(head) else None

    def image(self, package: str, reference: str) -> str:
        """``host/repo:tag`` (or ``host/repo@sha256:...``), as shown to users."""
        sep = "@" if reference.startswith("sha256:") else ":"
        return f"{self.host}/{self.repository(package)}{sep}{reference}"

    def __str__(self) -> str:
        return f"{self.host}/{self.prefix}" if self.prefix else self.host


@dataclass(frozen=True)
class ImageReference:
    """One image: a location, a repository inside it and a tag or digest."""

    location: RegistryLocation
    repository: str
    reference: str

    def __str__(self) -> str:
        sep = "@" if self.reference.startswith("sha256:") else ":"
        return f"{self.location.host}/{self.repository}{sep}{self.reference}"


def _invalid(message: str, field: str) -> Invalid:
    return Invalid(
        message, causes=[Cause(reason="FieldValueInvalid", message=message, field=field)]
    )


def _split_scheme(text: str) -> tuple[str | None, str]:
    for scheme in ("http", "https"):
        if text.startswith(f"{scheme}://"):
            return scheme, text[len(scheme) + 3 :]
    if "://" in text:
        raise _invalid(f'unsupported scheme in "{text}": use http:// or https://', "registry")
    return None, text


def _check_path(path: str, field: str) -> None:
    for component in path.split("/"):
        if not _COMPONENT.fullmatch(component):
            raise _invalid(
                f'"{path}" is not a valid image repository name: each "/"-separated part must '
                "be lower-case letters and digits, separated by '.', '_' or '-'",
                field,
            )


def check_package(package: str) -> None:
    _check_path(package, "spec.packageName")


def check_tag(tag: str) -> None:
    if not _TAG.fullmatch(tag):
        raise _invalid(
            f'"{tag}" is not a valid image tag (letters, digits, ".", "_", "-"; at most 128)',
            "spec.workspaceName",
        )


def parse_registry(registry: str) -> RegistryLocation:
    """The location named by a Repository's ``spec.oci.registry``."""
    scheme, rest = _split_scheme(registry.strip().rstrip("/"))
    host, _, prefix = rest.partition("/")
    if not host or not _HOST.fullmatch(host):
        raise _invalid(f'"{registry}" does not start with a registry host', "spec.oci.registry")
    if prefix:
        _check_path(prefix, "spec.oci.registry")
    if scheme is None:
        scheme = "http" if host.startswith(_LOOPBACK) else "https"
    return RegistryLocation(scheme=scheme, host=host, prefix=prefix)


def parse_image(image: str) -> ImageReference:
    """``host/repo[:tag|@digest]`` (a clone source); the tag defaults to ``latest``."""
    scheme, rest = _split_scheme(image.strip())
    host, _, path = rest.partition("/")
    if not path:
        raise _invalid(f'"{image}" has no registry host and repository', "oci.image")
    reference = "latest"
    if "@" in path:
        path, _, reference = path.partition("@")
        if not _DIGEST.fullmatch(reference):
            raise _invalid(f'"{reference}" is not a sha256 digest', "oci.image")
    elif ":" in path.rsplit("/", 1)[-1]:
        path, _, reference = path.rpartition(":")
        check_tag(reference)
    location = parse_registry(f"{scheme}://{host}" if scheme else host)
    _check_path(path, "oci.image")
    return ImageReference(location=location, repository=path, reference=reference)


__all__ = [
    "ImageReference",
    "RegistryLocation",
    "check_package",
    "check_tag",
    "parse_image",
    "parse_registry",
]
