"""Function image names as kpt completes them (``set-labels`` -> ``ghcr.io/.../set-labels:latest``).

Why it exists: a Kptfile may name a catalog function by its short name, without a tag,
or with a separate ``tag:``; kpt shows and records the completed name everywhere
(console, ``results.yaml``, ``renderStatus``), so the completion rules live in one place.
Semver tag constraints (``tag: "~0.4"``) would need a registry; the constraint is kept
as written.

Pure; no I/O.
"""

from __future__ import annotations

DEFAULT_PREFIX = "ghcr.io/kptdev/krm-functions-catalog/"


def with_prefix(image: str, *, prefix: str = DEFAULT_PREFIX) -> str:
    """kpt's ``ResolveToImage``: a name without ``/`` gets the catalog prefix."""
    if "/" in image:
        return image
    return prefix.rstrip("/") + "/" + image


def has_tag_or_digest(image: str) -> bool:
    if "@" in image:
        return True
    return ":" in image.rsplit("/", 1)[-1]


def resolve(image: str, *, tag: str = "", prefix: str = DEFAULT_PREFIX) -> str:
    """Prefix, then ``tag`` (replacing any tag/digest) or ``:latest`` when none is given."""
    full = with_prefix(image, prefix=prefix)
    if tag:
        name = full.split("@", 1)[0]
        head, _, last = name.rpartition("/")
        return f"{head}/{last.split(':', 1)[0]}:{tag}" if head else f"{last.split(':', 1)[0]}:{tag}"
    return full if has_tag_or_digest(full) else full + ":latest"


def base_name(image: str) -> str:
    """The repository's last path element (``set-labels`` for ``ghcr.io/x/set-labels:v1``)."""
    name = image.split("@", 1)[0]
    last = name.rsplit("/", 1)[-1]
    return last.split(":", 1)[0]


__all__ = ["DEFAULT_PREFIX", "base_name", "has_tag_or_digest", "resolve", "with_prefix"]
