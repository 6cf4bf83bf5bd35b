"""``kpt pkg init`` as a pure function: the files of a new, empty package.

Same files and Kptfile shape as the kpt CLI writes (Kptfile with the local-config
annotation and ``info``, README.md, package-context.yaml). Pure; no I/O.
"""

from __future__ import annotations

import io
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

# kpt writes "true" double-quoted; a plain dump would write 'true'.
LOCAL_CONFIG = {"config.kubernetes.io/local-config": DoubleQuotedScalarString("true")}


def kptfile(*, name: str, description: str, keywords: list[str], site: str) -> dict[str, Any]:
    info: dict[str, Any] = {}
    if site:
        info["site"] = site
    if description:
        info["description"] = description
    if keywords:
        info["keywords"] = list(keywords)
    doc: dict[str, Any] = {
        "apiVersion": "kpt.dev/v1",
        "kind": "Kptfile",
        "metadata": {"name": name, "annotations": dict(LOCAL_CONFIG)},
    }
    if info:
        doc["info"] = info
    return doc


def _dump(doc: dict[str, Any]) -> bytes:
    out = io.StringIO()
    writer = YAML()
    writer.default_flow_style = False
    writer.dump(doc, out)
    return out.getvalue().encode()


def readme(*, name: str, description: str) -> str:
    return (
        f"# {name}\n\n"
        f"## Description\n{description}\n\n"
        "## Usage\n\n"
        "### Fetch the package\n"
        f"`kpt pkg get REPO_URI[.git]/PKG_PATH[@VERSION] {name}`\n\n"
        "### Render and inspect it\n"
        f"`kpt fn render {name}` then `kpt pkg tree {name}`\n\n"
        "### Apply it\n"
        f"`kpt live init {name}` then `kpt live apply {name}`\n"
    )


def package_context(*, name: str = "example") -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "kptfile.kpt.dev", "annotations": dict(LOCAL_CONFIG)},
        "data": {"name": name},
    }


def init_package(
    *, name: str, description: str = "", keywords: list[str] | None = None, site: str = ""
) -> dict[str, bytes]:
    """Files of a new package named ``name`` (the last segment of its path)."""
    return {
        "Kptfile": _dump(
            kptfile(name=name, description=description, keywords=keywords or [], site=site)
        ),
        "README.md": readme(name=name, description=description).encode(),
        "package-context.yaml": _dump(package_context()),
    }


__all__ = ["init_package", "kptfile", "package_context", "readme"]
