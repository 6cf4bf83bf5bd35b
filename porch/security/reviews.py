"""Delegated authorization as data: SubjectAccessReview bodies and a short decision cache.

The apiserver asks kube-apiserver whether a user may do something (reference/apis.md §5.3);
building the request and reading the answer are pure so they are tested without a cluster.
Answers are cached briefly, allowed and denied with their own TTLs, like kube's webhook
authorizer (10 s each by default); errors are never cached. Pure: the clock is passed in.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping
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
    "DecisionCache",
    "Verdict",
    "always_allowed",
    "cache_key",
    "subject_access_review",
    "verdict_of",
]
