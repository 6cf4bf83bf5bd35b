"""Authentication and authorization of every request, before any handler runs.

Authenticators are tried in kube-apiserver's order: a verified front proxy's identity headers,
a client certificate from the client CA, a static bearer token, then (in a cluster) a
TokenReview of the bearer token. Identity headers on any other request are removed before
the handler sees them. A request with no credentials is
401 unless the authorizer opens its path to anonymous callers (probes, /version, and what the
local policy opens); presented but invalid credentials are always 401. Then the authorizer
(local policy file, or SubjectAccessReview) decides; a denial is kube's 403 Status, raised
before the handler, so nothing is appended. This module must not log credentials.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from aiohttp import web
from aiohttp.typedefs import Middleware
from cryptography import x509
from multidict import CIMultiDict

from porch import errors
from porch.security import attributes, policy, requestheader, reviews, tokens
from porch.security.identity import ANONYMOUS_USER, UserInfo
from porch_apiserver import statuses

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
USER = web.RequestKey("user", UserInfo)  # the authenticated caller, for handlers
Reviewer = Callable[[reviews.Json], Awaitable[reviews.Json]]


class TokenReviewer:
    """Bearer tokens checked with kube-apiserver's TokenReview, answers cached briefly.

    A review that fails (kube-apiserver unreachable, or it answers an error) authenticates
    nobody and is not cached: kube's delegating authenticator logs it and answers 401.
    """

    def __init__(
        self, review: Reviewer, cache: reviews.TokenCache, *, audiences: tuple[str, ...] = ()
    ) -> None:
        self.review = review
        self.cache = cache
        self.audiences = audiences

    async def user(self, token: str) -> UserInfo | None:
        cached = self.cache.get(token)
        if cached is not None:
            return cached.user
        try:
            status = await self.review(reviews.token_review(token, self.audiences))
        except Exception as exc:  # never the exception's text: it may quote the reply
            log.warning("TokenReview failed, request not authenticated: %s", _failure(exc))
            return None
        answer = reviews.token_answer(status, self.audiences)
        self.cache.put(token, answer)
        return answer.user


def _failure(exc: Exception) -> str:
    status = getattr(exc, "status", None)
    return f"{type(exc).__name__} (HTTP {status})" if status else type(exc).__name__


class AccessDenied(errors.Forbidden):
    """A 403 that names the resource the way kube-apiserver's Status does."""

    def __init__(self, message: str, *, details: statuses.StatusDetails) -> None:
        super().__init__(message)
        self.details = details


class Authorizer(Protocol):
    def anonymous_allowed(self, a: attributes.Attributes) -> bool: ...

    async def authorize(self, user: UserInfo, a: attributes.Attributes) -> reviews.Verdict: ...


@dataclass
class Authenticator:
    """The credentials this server accepts; ``certs`` is replaced when the CAs rotate."""

    tokens: Mapping[str, UserInfo] = field(default_factory=dict)
    certs: requestheader.CertAuthConfig = field(default_factory=requestheader.CertAuthConfig)
    token_reviewer: TokenReviewer | None = None

    def authenticate(
        self, cert: x509.Certificate | None, headers: Mapping[str, list[str]], bearer: str | None
    ) -> UserInfo | None:
        header_config = self.certs.request_header
        if requestheader.is_front_proxy(header_config, cert):
            user = requestheader.proxied_user(header_config, headers)
            if user is not None:
                return user
        return requestheader.certificate_user(self.certs, cert) or tokens.authenticate(
            self.tokens, bearer
        )

    async def identify(
        self, cert: x509.Certificate | None, headers: Mapping[str, list[str]], bearer: str | None
    ) -> UserInfo | None:
        """``authenticate``, then a TokenReview of a bearer token nothing else accepted."""
        user = self.authenticate(cert, headers, bearer)
        if user is not None or self.token_reviewer is None:
            return user
        token = reviews.bearer_token(bearer)
        return await self.token_reviewer.user(token) if token else None


@functools.lru_cache(maxsize=256)
def _certificate(der: bytes) -> x509.Certificate:
    return x509.load_der_x509_certificate(der)


def _peer_certificate(request: web.Request) -> x509.Certificate | None:
    """The client certificate TLS verified (CERT_OPTIONAL: present means verified)."""
    transport = request.transport
    ssl_object = transport.get_extra_info("ssl_object") if transport is not None else None
    der = ssl_object.getpeercert(binary_form=True) if ssl_object is not None else None
    return _certificate(der) if der else None


def _lower_headers(request: web.Request) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, value in request.headers.items():
        found.setdefault(name.lower(), []).append(value)
    return found


def _strip_identity(request: web.Request, config: requestheader.RequestHeaderConfig) -> web.Request:
    """The request without front-proxy identity headers (the same request if it had none)."""
    kept = CIMultiDict((k, v) for k, v in request.headers.items() if not config.identity_header(k))
    if len(kept) == len(request.headers):
        return request
    return request.clone(headers=kept)


def forbidden(user: UserInfo, a: attributes.Attributes, reason: str) -> AccessDenied:
    return AccessDenied(
        attributes.forbidden_message(user.name, a, reason),
        details=statuses.StatusDetails(name=a.name, group=a.api_group, kind=a.resource),
    )


def middleware(authenticator: Authenticator, authorizer: Authorizer) -> Middleware:
    @web.middleware
    async def authenticate_and_authorize(
        request: web.Request, handler: Handler
    ) -> web.StreamResponse:
        a = attributes.of_request(request.method, request.path, request.query)
        bearer = request.headers.get("Authorization")
        user = await authenticator.identify(
            _peer_certificate(request), _lower_headers(request), bearer
        )
        request = _strip_identity(request, authenticator.certs.request_header)
        if user is None:
            if bearer or not authorizer.anonymous_allowed(a):
                raise errors.Unauthorized("Unauthorized")
            user = ANONYMOUS_USER
        else:
            user = user.authenticated()
        verdict = await authorizer.authorize(user, a)
        if not verdict.allowed:
            raise forbidden(user, a, verdict.reason)
        request[USER] = user
        return await handler(request)

    return authenticate_and_authorize


class LocalAuthorizer:
    """Decides with ``policy.yaml``, re-read when it changes (a broken edit keeps the old)."""

    def __init__(self, path: Path, *, recheck_every: float = 1.0) -> None:
        self.path = path
        self.recheck_every = recheck_every
        self._policy = policy.load_policy(path)
        self._stamp = self._stat()
        self._checked = time.monotonic()

    def _stat(self) -> tuple[int, int]:
        st = self.path.stat()
        return st.st_mtime_ns, st.st_size

    def current(self) -> policy.Policy:
        now = time.monotonic()
        if now - self._checked < self.recheck_every:
            return self._policy
        self._checked = now
        try:
            stamp = self._stat()
            if stamp != self._stamp:
                self._policy, self._stamp = policy.load_policy(self.path), stamp
                log.info("reloaded the authorization policy %s", self.path)
        except (OSError, policy.PolicyError) as exc:
            log.warning("keeping the previous authorization policy: %s", exc)
        return self._policy

    def anonymous_allowed(self, a: attributes.Attributes) -> bool:
        return policy.anonymous_allowed(self.current(), a)

    async def authorize(self, user: UserInfo, a: attributes.Attributes) -> reviews.Verdict:
        decision = policy.authorize(self.current(), user, a)
        return reviews.Verdict(
            allowed=decision.allowed, reason=decision.reason if decision.allowed else ""
        )


class DelegatedAuthorizer:
    """Asks kube-apiserver with SubjectAccessReviews, caching verdicts briefly."""

    def __init__(self, review: Reviewer, cache: reviews.DecisionCache) -> None:
        self.review = review
        self.cache = cache

    def anonymous_allowed(self, a: attributes.Attributes) -> bool:
        return not a.resource_request and policy.is_public(a.path)

    async def authorize(self, user: UserInfo, a: attributes.Attributes) -> reviews.Verdict:
        if reviews.always_allowed(user, a) or self.anonymous_allowed(a):
            return reviews.Verdict(allowed=True)
        key = reviews.cache_key(user, a)
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        try:
            status = await self.review(reviews.subject_access_review(user, a))
        except Exception as exc:  # any failure of the review: refuse, do not cache
            log.warning("SubjectAccessReview failed: %s", type(exc).__name__)
            raise errors.PorchError(
                "Internal error occurred: the authorization check failed"
            ) from exc
        verdict = reviews.verdict_of(status)
        self.cache.put(key, verdict)
        return verdict


__all__ = [
    "USER",
    "AccessDenied",
    "Authenticator",
    "Authorizer",
    "DelegatedAuthorizer",
    "LocalAuthorizer",
    "TokenReviewer",
    "forbidden",
    "middleware",
]
