"""Which server, credentials and namespace to use, resolved as kubectl resolves them.

Order: ``--kubeconfig``, else every file in ``$KUBECONFIG`` (merged, the first file to set a
map entry or the current context wins), else ``~/.kube/config``; ``--context`` picks the
context, else ``current-context``; the namespace is ``-n``, else the context's, else
``default``. ``resolve`` is pure; ``load`` reads the files.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


class KubeconfigError(Exception):
    """The kubeconfig is missing or does not describe a usable cluster."""


@dataclass(frozen=True)
class Target:
    """Everything the HTTP client needs; ``token`` is never printed or logged."""

    server: str
    namespace: str
    context: str = ""
    token: str = ""
    ca_pem: bytes | None = None
    ca_file: str = ""
    insecure: bool = False
    client_cert_file: str = ""
    client_key_file: str = ""

    def __repr__(self) -> str:  # keep the token out of tracebacks and debug output
        return f"Target(server={self.server!r}, namespace={self.namespace!r})"


def config_paths(flag: str | None, env: Mapping[str, str]) -> list[Path]:
    """The files to read, in precedence order."""
    if flag:
        return [Path(flag).expanduser()]
    listed = [p for p in env.get("KUBECONFIG", "").split(os.pathsep) if p]
    if listed:
        return [Path(p).expanduser() for p in listed]
    return [Path(env.get("HOME", str(Path.home()))) / ".kube" / "config"]


def merge(documents: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """kubectl's merge: for each named entry and for current-context, the first file wins."""
    merged: dict[str, Any] = {"clusters": {}, "users": {}, "contexts": {}, "current-context": ""}
    for doc in documents:
        for section, inner in (("clusters", "cluster"), ("users", "user"), ("contexts", "context")):
            for entry in doc.get(section) or []:
                if isinstance(entry, dict) and entry.get("name") not in merged[section]:
                    merged[section][entry.get("name")] = entry.get(inner) or {}
        if not merged["current-context"] and doc.get("current-context"):
            merged["current-context"] = doc["current-context"]
    return merged


def _data(value: Any) -> bytes | None:
    return base64.b64decode(value) if isinstance(value, str) and value else None


def resolve(
    merged: Mapping[str, Any],
    *,
    context: str | None = None,
    namespace: str | None = None,
    base: Path | None = None,
) -> Target:
    """The Target for ``context`` (or the current context) of a merged kubeconfig."""
    name = context or merged.get("current-context") or ""
    if not name:
        raise KubeconfigError(
            "invalid configuration: no configuration has been provided, try setting "
            "KUBERNETES_MASTER environment variable"
        )
    ctx = merged["contexts"].get(name)
    if ctx is None:
        raise KubeconfigError(f'context "{name}" does not exist')
    cluster = merged["clusters"].get(ctx.get("cluster"))
    if not cluster or not cluster.get("server"):
        raise KubeconfigError(
            f'invalid configuration: cluster "{ctx.get("cluster")}" has no server defined'
        )
    user = merged["users"].get(ctx.get("user")) or {}

    def path(value: Any) -> str:
        if not value:
            return ""
        p = Path(str(value)).expanduser()
        return str(p if p.is_absolute() or base is None else base / p)

    token = str(user.get("token") or "")
    if not token and user.get("tokenFile"):
        token = Path(path(user["tokenFile"])).read_text().strip()
    return Target(
        server=str(cluster["server"]).rstrip("/"),
        namespace=namespace or ctx.get("namespace") or "default",
        context=name,
        token=token,
        ca_pem=_data(cluster.get("certificate-authority-data")),
        ca_file=path(cluster.get("certificate-authority")),
        insecure=bool(cluster.get("insecure-skip-tls-verify")),
        client_cert_file=path(user.get("client-certificate")),
        client_key_file=path(user.get("client-key")),
    )


def load(
    *,
    kubeconfig: str | None,
    context: str | None,
    namespace: str | None,
    env: Mapping[str, str] | None = None,
) -> Target:
    """Read the kubeconfig files and resolve the target (see module docstring)."""
    env = os.environ if env is None else env
    paths = config_paths(kubeconfig, env)
    docs: list[Mapping[str, Any]] = []
    for p in paths:
        if not p.exists():
            if kubeconfig:
                raise KubeconfigError(f"stat {p}: no such file or directory")
            continue
        try:
            loaded = yaml.load(p.read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except yaml.YAMLError as exc:
            raise KubeconfigError(f"error loading config file {str(p)!r}: {exc}") from exc
        if isinstance(loaded, dict):
            docs.append(loaded)
    base = paths[0].parent if paths else None
    return resolve(merge(docs), context=context, namespace=namespace, base=base)


__all__ = ["KubeconfigError", "Target", "config_paths", "load", "merge", "resolve"]
