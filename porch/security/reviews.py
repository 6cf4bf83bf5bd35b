"""Delegated authn/authz as data: TokenReview and SubjectAccessReview bodies, short caches.

The apiserver asks kube-apiserver who holds a bearer token and whether a user may do
something (reference/apis.md §5.3); building the requests and reading the answers are pure
so they are tested without a cluster. Answers are cached briefly, positive and negative ones
with their own TTLs, like kube's webhook authenticator and authorizer; errors are never
cached. Pure: the clock is passed in. Tokens are never kept as cache keys (only an HMAC of
them under a per-process key) and never put in an error message.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from porch.security.attributes import Attributes
from porch.security.identity import UserInfo

Json = dict[str, Any]
ALWAYS_ALLOW_PATHS = ("/healthz", "/livez", "/readyz")
ALWAYS_ALLOW_GROUPS = ("system:masters",)


@dataclass(frozen=True)
class Verdict:
    """``allowed`` or not, with the reviewer's reason (appended to the 403 message)."""

    allowed: bool
    reason: str = ""


def subject_access_review(user: UserInfo, a: Attributes) -> Json:
    """The ``authorization.k8s.io/v1`` SubjectAccessReview asking about ``a`` for ``user``."""
    spec: Json = {"user": user.name, "groups": list(user.groups)}
    if user.uid:
        spec["uid"] = user.uid
    if user.extra:
        spec["extra"] = {k: list(v) for k, v in sorted(user.extra.items())}
    if a.resource_request:
        spec["resourceAttributes"] = {
            k: v
            for k, v in (
                ("namespace", a.namespace),
                ("verb", a.verb),
                ("group", a.api_group),
                ("version", a.api_version),
                ("resource", a.resource),
                ("subresource", a.subresource),
                ("name", a.name),
            )
            if v
        }
    else:
        spec["nonResourceAttributes"] = {"path": a.path, "verb": a.verb}
    return {
        "apiVersion": "authorization.k8s.io/v1",
        "kind": "SubjectAccessReview",
        "spec": spec,
    }


def verdict_of(status: Mapping[str, Any] | None) -> Verdict:
    """The verdict in a review's ``status`` (no opinion counts as denied)."""
    status = status or {}
    allowed = bool(status.get("allowed")) and not status.get("denied")
    reason = str(status.get("reason") or "")
    error = str(status.get("evaluationError") or "")
    if not allowed and error and not reason:
        reason = error
    return Verdict(allowed=allowed, reason=reason)


def cache_key(user: UserInfo, a: Attributes) -> tuple[Any, ...]:
    extra = tuple(sorted((k, tuple(v)) for k, v in user.extra.items()))
    return (user.name, user.uid, tuple(sorted(user.groups)), extra, a.key())


class DecisionCache:
    """An LRU of verdicts with separate lifetimes for allowed and denied ones."""

    def __init__(
        self,
        *,
        allowed_ttl: float,
        denied_ttl: float,
        clock: Callable[[], float],
        size: int = 10_000,
    ) -> None:
        self.allowed_ttl = allowed_ttl
        self.denied_ttl = denied_ttl
        self.clock = clock
        self.size = size
        self._entries: OrderedDict[tuple[Any, ...], tuple[float, Verdict]] = OrderedDict()

    def get(self, key: tuple[Any, ...]) -> Verdict | None:
        found = self._entries.get(key)
        if found is None:
            return None
        expires, verdict = found
        if self.clock() >= expires:
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return verdict

    def put(self, key: tuple[Any, ...], verdict: Verdict) -> None:
        ttl = self.allowed_ttl if verdict.allowed else self.denied_ttl
        if ttl <= 0:
            return
        self._entries[key] = (self.clock() + ttl, verdict)
        self._entries.move_to_end(key)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)


def bearer_token(header_value: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header value, or None."""
    scheme, _, token = (header_value or "").strip().partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def token_review(token: str, audiences: Sequence[str] = ()) -> Json:
    """The ``authentication.k8s.io/v1`` TokenReview asking who holds ``token``."""
    spec: Json = {"token": token}
    if audiences:
        spec["audiences"] = list(audiences)
    return {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenReview", "spec": spec}


@dataclass(frozen=True)
class TokenAnswer:
    """The reviewer's answer: the user, or None with the reviewer's error text (if any)."""

    user: UserInfo | None
    error: str = ""


def token_answer(status: Mapping[str, Any] | None, audiences: Sequence[str] = ()) -> TokenAnswer:
    """The user in a TokenReview's ``status``.

    Not authenticated, or (when ``audiences`` are configured) valid for none of them, is no
    user, as kube's webhook token authenticator decides. Values are taken as strings only.
    """
    status = status or {}
    if not status.get("authenticated"):
        return TokenAnswer(None, str(status.get("error") or ""))
    if audiences and not set(audiences) & {str(a) for a in status.get("audiences") or ()}:
        return TokenAnswer(None, "the token is not valid for this server's audiences")
    raw = status.get("user") or {}
    name = str(raw.get("username") or "")
    if not name:
        return TokenAnswer(None, "the review named no user")
    extra = raw.get("extra") or {}
    return TokenAnswer(
        UserInfo(
            name=name,
            uid=str(raw.get("uid") or ""),
            groups=tuple(str(g) for g in raw.get("groups") or ()),
            extra={str(k).lower(): tuple(str(v) for v in vs or ()) for k, vs in extra.items()},
        )
    )


class TokenCache:
    """An LRU of token answers: authenticated ones live ``authenticated_ttl``, refusals
    ``unauthenticated_ttl``. Keys are HMACs of the token under a key made at start."""

    def __init__(
        self,
        *,
        authenticated_ttl: float,
        unauthenticated_ttl: float,
        clock: Callable[[], float],
        size: int = 10_000,
        salt: bytes | None = None,
    ) -> None:
        self.authenticated_ttl = authenticated_ttl
        self.unauthenticated_ttl = unauthenticated_ttl
        self.clock = clock
        self.size = size
        self._salt = salt if salt is not None else secrets.token_bytes(32)
        self._entries: OrderedDict[bytes, tuple[float, TokenAnswer]] = OrderedDict()

    def key(self, token: str) -> bytes:
        return hmac.new(self._salt, token.encode(), hashlib.sha256).digest()

    def get(self, token: str) -> TokenAnswer | None:
        key = self.key(token)
        found = self._entries.get(key)
        if found is None:
            return None
        expires, answer = found
        if self.clock() >= expires:
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return answer

    def put(self, token: str, answer: TokenAnswer) -> None:
        ttl = self.authenticated_ttl if answer.user is not None else self.unauthenticated_ttl
        if ttl <= 0:
            return
        key = self.key(token)
        self._entries[key] = (self.clock() + ttl, answer)
        self._entries.move_to_end(key)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)


@dataclass(frozen=True)
class Backoff:
    """How a failed review is retried: kube's default for its authentication and
    authorization webhooks (k8s.io/apiserver ``DefaultAuthWebhookRetryBackoff``): 500 ms,
    then x1.5 each time, +-20 % jitter, 5 attempts in all."""

    first: float = 0.5
    factor: float = 1.5
    jitter: float = 0.2
    attempts: int = 5

    def delays(self, rand: Callable[[], float]) -> list[float]:
        """The waits before attempts 2..``attempts``; ``rand`` gives numbers in [0, 1)."""
        waits, delay = [], self.first
        for _ in range(max(0, self.attempts - 1)):
            waits.append(delay * (1 + self.jitter * (2 * rand() - 1)))
            delay *= self.factor
        return waits


def always_allowed(user: UserInfo, a: Attributes) -> bool:
    """Probes and ``system:masters`` skip the review, as kube's delegating authorizer does."""
    if not a.resource_request and any(
        a.path == p or a.path.startswith(p + "/") for p in ALWAYS_ALLOW_PATHS
    ):
        return True
    return any(g in ALWAYS_ALLOW_GROUPS for g in user.groups)


__all__ = [
    "ALWAYS_ALLOW_GROUPS",
    "ALWAYS_ALLOW_PATHS",
    "Backoff",
    "DecisionCache",
    "TokenAnswer",
    "TokenCache",
    "Verdict",
    "always_allowed",
    "bearer_token",
    "cache_key",
    "subject_access_review",
    "token_answer",
    "token_review",
    "verdict_of",
]
