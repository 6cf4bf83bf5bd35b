"""The Kubernetes calls delegated authentication and authorization need, kept thin.

Reads ``kube-system/extension-apiserver-authentication`` (client CA, front-proxy settings)
and creates TokenReviews and SubjectAccessReviews, through the ``kubernetes`` client in a
worker thread, answering plain JSON. A TokenReview's body carries the caller's token: neither
it nor the answer (kube echoes the spec) is ever logged or put in an exception here. Building
requests and reading answers lives in porch.security; this module only sends and receives,
and keeps the CAs current (kube-apiserver rotates them).
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import ssl
from collections.abc import Callable
from typing import Any

from porch.security import pki, requestheader, reviews
from porch_apiserver.auth import Authenticator

log = logging.getLogger(__name__)

REFRESH_EVERY = 60.0


def api_client(kubeconfig: str) -> Any:
    """A ``kubernetes`` ApiClient from a kubeconfig file, or the in-cluster service account."""
    from kubernetes import client, config

    configuration = client.Configuration()
    if kubeconfig:
        config.load_kube_config(  # type: ignore[no-untyped-call]
            config_file=kubeconfig, client_configuration=configuration
        )
    else:
        config.load_incluster_config(  # type: ignore[no-untyped-call]
            client_configuration=configuration
        )
    return client.ApiClient(configuration)


def retriable(exc: BaseException) -> bool:
    """Whether a failed call may succeed if repeated, as kube's webhook clients judge it:
    429 and 5xx answers, timeouts and connection failures; not other 4xx (a missing RBAC
    grant does not heal in two seconds)."""
    import urllib3

    status = getattr(exc, "status", None)
    if isinstance(status, int) and status > 0:
        return status == 429 or status >= 500
    return isinstance(exc, (OSError, TimeoutError, urllib3.exceptions.HTTPError))


class KubeAuthApi:
    """ConfigMap reads, TokenReviews and SubjectAccessReviews, each in a thread with a
    timeout, retried with ``backoff`` while the failure is ``retriable``."""

    def __init__(
        self,
        api: Any,
        *,
        request_timeout: float = 10.0,
        backoff: reviews.Backoff = reviews.Backoff(),
    ) -> None:
        from kubernetes import client

        self._core = client.CoreV1Api(api)
        self._authz = client.AuthorizationV1Api(api)
        self._authn = client.AuthenticationV1Api(api)
        self._timeout = request_timeout
        self._backoff = backoff

    async def _call(
        self, function: Callable[..., Any], *args: Any, **kwargs: Any
    ) -> dict[str, Any]:
        waits = self._backoff.delays(random.random)
        while True:
            try:
                response = await asyncio.to_thread(
                    function,
                    *args,
                    _preload_content=False,
                    _request_timeout=self._timeout,
                    **kwargs,
                )
                break
            except Exception as exc:
                if not waits or not retriable(exc):
                    raise
                await asyncio.sleep(waits.pop(0))
        body = json.loads(response.data or b"{}")
        return body if isinstance(body, dict) else {}

    async def authentication_config(self) -> dict[str, str]:
        """The ``data`` of the extension-apiserver-authentication ConfigMap."""
        found = await self._call(
            self._core.read_namespaced_config_map,
            requestheader.CONFIGMAP_NAME,
            requestheader.CONFIGMAP_NAMESPACE,
        )
        data = found.get("data") or {}
        return {str(k): str(v) for k, v in data.items()}

    async def review(self, body: reviews.Json) -> reviews.Json:
        """The ``status`` kube-apiserver answers to a SubjectAccessReview."""
        # This client version sends no Content-Type here (and ignores _content_type), while
        # kube-apiserver answers 415 without one.
        answer = await self._call(
            self._authz.create_subject_access_review,
            body,
            _headers={"Content-Type": "application/json"},
        )
        status = answer.get("status")
        return status if isinstance(status, dict) else {}

    async def token_review(self, body: reviews.Json) -> reviews.Json:
        """The ``status`` kube-apiserver answers to a TokenReview (``body`` holds a token)."""
        answer = await self._call(
            self._authn.create_token_review,
            body,
            _headers={"Content-Type": "application/json"},  # see ``review``
        )
        status = answer.get("status")
        return status if isinstance(status, dict) else {}


async def load_cert_config(
    api: KubeAuthApi,
    *,
    overrides: Callable[[requestheader.CertAuthConfig], requestheader.CertAuthConfig],
) -> requestheader.CertAuthConfig:
    """The ConfigMap's settings with the flags' overrides applied."""
    return overrides(requestheader.from_configmap(await api.authentication_config()))


async def keep_cert_config_current(
    api: KubeAuthApi,
    authenticator: Authenticator,
    context: ssl.SSLContext,
    *,
    overrides: Callable[[requestheader.CertAuthConfig], requestheader.CertAuthConfig],
    every: float = REFRESH_EVERY,
) -> None:
    """Re-read the ConfigMap forever; new CAs are trusted on new handshakes, a failed read
    keeps the previous settings."""
    while True:
        await asyncio.sleep(every)
        try:
            fresh = await load_cert_config(api, overrides=overrides)
        except Exception as exc:  # the API being briefly unreachable must not stop serving
            log.warning("keeping the previous client CAs: %s", type(exc).__name__)
            continue
        if fresh != authenticator.certs:
            pki.trust_client_cas(context, fresh.ca_pems())
            authenticator.certs = fresh
            log.info("client CA / front-proxy settings changed")


__all__ = ["KubeAuthApi", "api_client", "keep_cert_config_current", "load_cert_config"]
