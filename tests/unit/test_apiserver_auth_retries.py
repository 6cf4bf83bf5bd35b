"""Which failures of a review are retried (kube's webhook rule) and how often."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import urllib3
from kubernetes.client.exceptions import ApiException

from porch.security import reviews
from porch_apiserver import auth_kube


class Answer:
    data = b'{"status": {"allowed": true}}'


@pytest.mark.parametrize(
    ("exc", "retried"),
    [
        (ApiException(status=503), True),
        (ApiException(status=500), True),
        (ApiException(status=429), True),
        (ApiException(status=403), False),
        (ApiException(status=401), False),
        (ApiException(status=400), False),
        (ConnectionRefusedError(), True),
        (TimeoutError(), True),
        (urllib3.exceptions.MaxRetryError(None, "/", None), True),  # type: ignore[arg-type]
        (ValueError("not JSON"), False),
    ],
)
def test_only_transient_failures_are_retried(exc: BaseException, retried: bool) -> None:
    assert auth_kube.retriable(exc) is retried


def _api(attempts: int) -> auth_kube.KubeAuthApi:
    """The calls below are given as functions: the API client is never used."""
    backoff = reviews.Backoff(first=0.001, attempts=attempts)
    return auth_kube.KubeAuthApi(None, request_timeout=1.0, backoff=backoff)


def test_a_review_is_retried_until_it_succeeds_within_the_budget() -> None:
    failures = [ApiException(status=503), ConnectionResetError()]
    calls: list[dict[str, Any]] = []

    def create(body: Any, **kwargs: Any) -> Answer:
        calls.append(kwargs)
        if failures:
            raise failures.pop(0)
        return Answer()

    answer = asyncio.run(_api(5)._call(create, {"kind": "SubjectAccessReview"}))
    assert answer == {"status": {"allowed": True}}
    assert len(calls) == 3
    assert all(c["_request_timeout"] == 1.0 for c in calls)


@pytest.mark.parametrize(
    ("status", "attempts", "calls"),
    [(503, 3, 3), (403, 5, 1)],  # retried until the attempts are spent; a refusal never
)
def test_a_failure_that_lasts_is_raised(status: int, attempts: int, calls: int) -> None:
    made = [0]

    def create(body: Any, **kwargs: Any) -> Answer:
        made[0] += 1
        raise ApiException(status=status)

    with pytest.raises(ApiException):
        asyncio.run(_api(attempts)._call(create, {}))
    assert made[0] == calls
