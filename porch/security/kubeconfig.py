"""Writes a kubeconfig that points kubectl at the local apiserver.

One cluster (server + inline CA), one token user and one context, all named after the context,
written 0600 because it holds a bearer token. This module must not merge into or modify a
user's existing kubeconfig; it writes only the path it is given.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

import yaml


def kubeconfig_document(
    *, server: str, ca_pem: bytes, token: str, namespace: str = "default", context: str = "porch"
) -> dict[str, object]:
    """The kubeconfig as a dict (``certificate-authority-data`` is the base64 CA PEM)."""
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [
            {
                "name": context,
                "cluster": {
                    "server": server,
                    "certificate-authority-data": base64.b64encode(ca_pem).decode(),
                },
            }
        ],
        "users": [{"name": context, "user": {"token": token}}],
        "contexts": [
            {
                "name": context,
                "context": {"cluster": context, "user": context, "namespace": namespace},
            }
        ],
        "current-context": context,
        "preferences": {},
    }


def write_kubeconfig(
    path: Path,
    *,
    server: str,
    ca_pem: bytes,
    token: str,
    namespace: str = "default",
    context: str = "porch",
) -> None:
    """Write the kubeconfig atomically with mode 0600 (replacing any file at ``path``)."""
    document = kubeconfig_document(
        server=server, ca_pem=ca_pem, token=token, namespace=namespace, context=context
    )
    data = yaml.safe_dump(document, sort_keys=False).encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, data)
    finally:
        os.close(fd)
    os.replace(tmp, path)


__all__ = ["kubeconfig_document", "write_kubeconfig"]
