"""TokenReview as data: the request body, reading the answer, audiences and the cache."""

from __future__ import annotations

from porch.security import reviews
from porch.security.identity import UserInfo

AUD = "https://kubernetes.default.svc.cluster.local"
ANSWER = {
    "authenticated": True,
    "user": {
        "username": "system:serviceaccount:default:builder",
        "uid": "u-1",
        "groups": ["system:serviceaccounts", "system:authenticated"],
        "extra": {"authentication.kubernetes.io/pod-name": ["builder-1"]},
    },
    "audiences": [AUD],
}


def test_the_request_carries_the_token_and_only_configured_audiences() -> None:
    assert reviews.token_review("t") == {
        "apiVersion": "authentication.k8s.io/v1",
        "kind": "TokenReview",
        "spec": {"token": "t"},
    }
    assert reviews.token_review("t", (AUD,))["spec"] == {"token": "t", "audiences": [AUD]}


def test_an_authenticated_answer_names_the_user() -> None:
    answer = reviews.token_answer(ANSWER)
    assert answer.user == UserInfo(
        "system:serviceaccount:default:builder",
        "u-1",
        ("system:serviceaccounts", "system:authenticated"),
    )
    assert answer.user is not None
    assert dict(answer.user.extra) == {"authentication.kubernetes.io/pod-name": ("builder-1",)}


def test_refusals_keep_the_reviewers_error() -> None:
    refused = {"user": {}, "error": "[invalid bearer token, token lookup failed]"}
    assert reviews.token_answer(refused) == reviews.TokenAnswer(
        None, "[invalid bearer token, token lookup failed]"
    )
    assert reviews.token_answer(None) == reviews.TokenAnswer(None)
    nameless = {"authenticated": True, "user": {"groups": ["g"]}}
    assert reviews.token_answer(nameless).user is None


def test_audiences_must_intersect_when_configured() -> None:
    assert reviews.token_answer(ANSWER, (AUD, "porch")).user is not None
    assert reviews.token_answer(ANSWER, ("porch",)).user is None
    no_audiences = {k: v for k, v in ANSWER.items() if k != "audiences"}
    assert reviews.token_answer(no_audiences, ("porch",)).user is None
    assert reviews.token_answer(no_audiences).user is not None


def test_bearer_token_parsing() -> None:
    assert reviews.bearer_token("Bearer abc") == "abc"
    assert reviews.bearer_token("bearer  abc ") == "abc"
    assert reviews.bearer_token("Basic abc") is None
    assert reviews.bearer_token("Bearer ") is None
    assert reviews.bearer_token(None) is None


def test_the_cache_keeps_refusals_briefer_and_never_the_token() -> None:
    now = [0.0]
    cache = reviews.TokenCache(
        authenticated_ttl=10, unauthenticated_ttl=5, clock=lambda: now[0], size=2
    )
    ok = reviews.token_answer(ANSWER)
    refused = reviews.TokenAnswer(None, "no")
    cache.put("good-token", ok)
    cache.put("bad-token", refused)
    assert (cache.get("good-token"), cache.get("bad-token")) == (ok, refused)
    assert all(b"good-token" not in k and b"bad-token" not in k for k in cache._entries)
    now[0] = 6
    assert (cache.get("good-token"), cache.get("bad-token")) == (ok, None)
    now[0] = 11
    assert cache.get("good-token") is None
    other = reviews.TokenCache(authenticated_ttl=10, unauthenticated_ttl=5, clock=lambda: 0)
    assert other.key("good-token") != cache.key("good-token")  # per-process HMAC key
    off = reviews.TokenCache(authenticated_ttl=0, unauthenticated_ttl=0, clock=lambda: 0)
    off.put("t", ok)
    assert off.get("t") is None


def test_kubes_webhook_backoff_is_five_attempts_growing_by_half() -> None:
    backoff = reviews.Backoff()
    assert backoff.delays(lambda: 0.5) == [0.5, 0.75, 1.125, 1.6875]  # no jitter at mid-range
    low, high = backoff.delays(lambda: 0.0), backoff.delays(lambda: 0.999999)
    assert [round(d, 6) for d in low] == [0.4, 0.6, 0.9, 1.35]  # -20 %
    assert all(h > d * 1.19 for h, d in zip(high, [0.5, 0.75, 1.125, 1.6875], strict=True))
    assert reviews.Backoff(attempts=1).delays(lambda: 0.5) == []
