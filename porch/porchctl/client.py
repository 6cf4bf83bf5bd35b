"""One small HTTPS client over the Kubernetes REST conventions (JSON in, JSON out).

Bearer token and CA from the kubeconfig ``Target``; errors arrive as ``ApiError`` carrying
the server's ``Status``. Standard library only, so porchctl starts fast.
"""

from __future__ import annotations

import http.client
import json
import ssl
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from typing import Any

from porch.porchctl.failures import ApiError, CliError
from porch.porchctl.kubeconfig import Target

JSON = "application/json"
TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"
MERGE_PATCH = "application/merge-patch+json"

PORCH = "/apis/porch.kpt.dev/v1alpha1"
CONFIG = "/apis/config.porch.kpt.dev/v1alpha1"


def collection(group_path: str, plural: str, namespace: str | None) -> str:
    """``/apis/<g>/<v>[/namespaces/<ns>]/<plural>`` (no namespace: across all)."""
    if namespace is None:
        return f"{group_path}/{plural}"
    return f"{group_path}/namespaces/{urllib.parse.quote(namespace, safe='')}/{plural}"


def item(group_path: str, plural: str, namespace: str, name: str, sub: str = "") -> str:
    path = f"{collection(group_path, plural, namespace)}/{urllib.parse.quote(name, safe='')}"
    return f"{path}/{sub}" if sub else path


class Client:
    def __init__(self, target: Target, *, timeout: float = 60.0) -> None:
        self.target = target
        self.timeout = timeout
        self._context = self._ssl_context() if target.server.startswith("https") else None

    def _ssl_context(self) -> ssl.SSLContext:
        t = self.target
        if t.insecure:
            context = ssl._create_unverified_context()
        elif t.ca_pem:
            context = ssl.create_default_context(cadata=t.ca_pem.decode())
        elif t.ca_file:
            context = ssl.create_default_context(cafile=t.ca_file)
        else:
            context = ssl.create_default_context()
        if t.client_cert_file:
            context.load_cert_chain(t.client_cert_file, t.client_key_file or None)
        return context

    def _open(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, str] | None = None,
        body: Any = None,
        accept: str = JSON,
        content_type: str = JSON,
        timeout: float | None = None,
        what: str = "",
    ) -> http.client.HTTPResponse:
        url = self.target.server + path
        if query:
            url += "?" + urllib.parse.urlencode({k: v for k, v in query.items() if v != ""})
        headers = {"Accept": accept, "User-Agent": "porchctl"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = content_type
        if self.target.token:
            headers["Authorization"] = f"Bearer {self.target.token}"
        req = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            resp: http.client.HTTPResponse = urllib.request.urlopen(
                req, context=self._context, timeout=timeout or self.timeout
            )
        except urllib.error.HTTPError as err:
            raw = err.read()
            status = None
            try:
                parsed = json.loads(raw) if raw else None
                status = (
                    parsed if isinstance(parsed, dict) and parsed.get("kind") == "Status" else None
                )
            except ValueError:
                status = None
            raise ApiError(err.code, status, what=what) from None
        except urllib.error.URLError as err:
            raise CliError(f"Get {url!r}: {err.reason}") from None
        except (TimeoutError, OSError) as err:
            raise CliError(f"{method} {url!r}: {err}") from None
        return resp

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        """Send one request and return the decoded JSON answer."""
        with self._open(method, path, **kwargs) as resp:
            raw = resp.read()
        return json.loads(raw) if raw else {}

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.request("GET", path, **kwargs)

    def stream(self, path: str, **kwargs: Any) -> Iterator[dict[str, Any]]:
        """Watch events, one JSON object per line, until the server ends the watch."""
        resp = self._open("GET", path, timeout=kwargs.pop("timeout", 3600.0), **kwargs)
        with resp:
            for line in resp:
                if line.strip():
                    event = json.loads(line)
                    if isinstance(event, dict):
                        yield event


__all__ = ["CONFIG", "JSON", "MERGE_PATCH", "PORCH", "TABLE", "Client", "collection", "item"]
