"""CONTRACT test of delegated authentication and authorization, against RECORDED exchanges.

``tests/contracts/delegated_auth/front_proxy_sar.json`` and ``token_review.json`` list what
kube-apiserver is asked (the extension-apiserver-authentication ConfigMap, TokenReviews,
SubjectAccessReviews) and what it answers. A loopback aiohttp server plays kube-apiserver
strictly in that order and checks each request (method, path, listed headers, the exact
body); the real ``kubernetes`` client, configured from a kubeconfig, talks to it. Callers
reach our auth middleware over real TLS with a front-proxy certificate from a test CA, as
the aggregator would, or with a bearer token and no certificate, as a pod calling the Porch
Service directly would.

What this proves: our requests match the recorded contract and we react correctly to the
answers. What it cannot prove: that a real cluster answers as recorded.
"""

from __future__ import annotations

import contextlib
import json
import logging
import socket
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from aiohttp import web

from porch.security import pki, reviews
from porch_apiserver import auth, auth_kube
from tests.integration.test_auth_certs import Certs, call, echo_app, serve

pytestmark = pytest.mark.integration

CONTRACT = Path(__file__).resolve().parents[1] / "contracts" / "delegated_auth"
SA_TOKEN = "sa-token-for-the-contract"
QUICK_RETRIES = reviews.Backoff(first=0.01)  # kube's 5 attempts, without its 4 s of waits


def _substitute(value: Any, table: dict[str, str]) -> Any:
    if isinstance(value, str):
        return table.get(value, value.replace("$SA_TOKEN", SA_TOKEN))
    if isinstance(value, dict):
        return {k: _substitute(v, table) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, table) for v in value]
    return value


@dataclass
class KubeReplay:
    """Plays kube-apiserver from the recorded exchanges, strictly in order."""

    pending: deque[dict[str, Any]] = field(default_factory=deque)
    problems: list[str] = field(default_factory=list)
    served: int = 0

    async def handle(self, request: web.Request) -> web.Response:
        raw = await request.read()
        if not self.pending:
            self.problems.append(f"unexpected {request.method} {request.path_qs}")
            return web.json_response({"kind": "Status", "code": 500}, status=500)
        exchange = self.pending.popleft()
        expected = exchange["request"]
        problems = []
        if (request.method, request.path) != (expected["method"], expected["path"]):
            problems.append(f"expected {expected['method']} {expected['path']}")
        for name, value in expected.get("headers", {}).items():
            if request.headers.get(name, "").split(";")[0].strip() != value:
                problems.append(f"header {name}: {request.headers.get(name)!r}")
        if "body" in expected and json.loads(raw or b"null") != expected["body"]:
            problems.append(f"body {raw.decode()} != {json.dumps(expected['body'])}")
        if problems:
            self.problems.append(f"{request.method} {request.path}: " + "; ".join(problems))
            return web.json_response({"kind": "Status", "code": 500}, status=500)
        self.served += 1
        return web.json_response(
            exchange["response"]["body"], status=exchange["response"]["status"]
        )


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Setup:
    url: str
    replay: KubeReplay
    clock: Clock
    certs: Certs
    doc: dict[str, Any]


@contextlib.asynccontextmanager
async def replayed(
    tmp_path: Path,
    contract: str,
    *,
    kube_url: str | None = None,
    token_reviews: bool = False,
) -> AsyncIterator[Setup]:
    """Our auth middleware over TLS, with kube-apiserver played from ``contract`` (or at
    ``kube_url``, when that is given, with the ConfigMap step played first)."""
    certs = Certs(
        serving=pki.ensure_pki(tmp_path / "serving", hosts=[]),
        proxy_ca=pki.ensure_pki(tmp_path / "front-proxy", hosts=[]),
        directory=tmp_path / "clients",
    )
    client_ca = pki.ensure_pki(tmp_path / "client-ca", hosts=[])
    doc = json.loads((CONTRACT / contract).read_text())
    table = {
        "$CLIENT_CA": client_ca.ca_pem.decode(),
        "$FRONT_PROXY_CA": certs.proxy_ca.ca_pem.decode(),
    }
    replay = KubeReplay(deque(_substitute(doc["exchanges"], table)))
    kube = web.Application()
    kube.router.add_route("*", "/{tail:.*}", replay.handle)
    kube_runner = web.AppRunner(kube, access_log=None)
    await kube_runner.setup()
    await web.TCPSite(kube_runner, "127.0.0.1", 0).start()
    replayed_url = f"http://127.0.0.1:{kube_runner.addresses[0][1]}"
    api = auth_kube.KubeAuthApi(
        auth_kube.api_client(str(_kubeconfig(tmp_path / "kubeconfig", replayed_url))),
        request_timeout=5,
        backoff=QUICK_RETRIES,
    )
    certs_config = await auth_kube.load_cert_config(api, overrides=lambda c: c)
    if kube_url is not None:  # every later call goes there
        api = auth_kube.KubeAuthApi(
            auth_kube.api_client(str(_kubeconfig(tmp_path / "elsewhere", kube_url))),
            request_timeout=5,
            backoff=QUICK_RETRIES,
        )
    clock = Clock()
    ttl = doc["clock"]
    cache = reviews.DecisionCache(
        allowed_ttl=ttl["allowed_ttl"], denied_ttl=ttl["denied_ttl"], clock=clock
    )
    reviewer = None
    if token_reviews:
        token_cache = reviews.TokenCache(
            authenticated_ttl=ttl["authenticated_ttl"],
            unauthenticated_ttl=ttl["unauthenticated_ttl"],
            clock=clock,
        )
        reviewer = auth.TokenReviewer(api.token_review, token_cache)
    authenticator = auth.Authenticator(certs=certs_config, token_reviewer=reviewer)
    authorizer = auth.DelegatedAuthorizer(api.review, cache)
    context = certs.serving.server_ssl_context(client_cas=certs_config.ca_pems())
    runner, url = await serve(echo_app(authenticator, authorizer), context)
    try:
        yield Setup(url, replay, clock, certs, doc)
        assert replay.problems == []
        left = [f"{e['request']['method']} {e['request']['path']}" for e in replay.pending]
        if kube_url is None:
            assert left == [], "recorded requests never sent"
    finally:
        await runner.cleanup()
        await kube_runner.cleanup()


def _kubeconfig(path: Path, server: str) -> Path:
    path.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "clusters": [{"name": "k", "cluster": {"server": server}}],
                "users": [{"name": "sa", "user": {"token": SA_TOKEN}}],
                "contexts": [{"name": "k", "context": {"cluster": "k", "user": "sa"}}],
                "current-context": "k",
            }
        )
    )
    return path


@pytest.fixture
async def setup(tmp_path: Path) -> AsyncIterator[Setup]:
    async with replayed(tmp_path, "front_proxy_sar.json") as s:
        yield s


ALICE = [
    ("X-Remote-User", "alice"),
    ("X-Remote-Group", "team-a"),
    ("X-Remote-Group", "system:authenticated"),
    ("X-Remote-Extra-Scopes", "read"),
]
PRS = "/apis/porch.kpt.dev/v1alpha1/namespaces/default/packagerevisions"


async def test_front_proxy_users_are_authorized_by_subject_access_review(setup: Setup) -> None:
    s = setup
    proxy = s.certs.client(s.certs.proxy_ca, "front-proxy-client")

    async def request(method: str, path: str, headers: list[tuple[str, str]]) -> tuple[int, Any]:
        return await call(s.url + path, proxy, headers=headers, method=method)

    assert s.replay.served == 1  # the ConfigMap, read at start
    status, body = await request("GET", PRS, ALICE)
    assert (status, body["user"], s.replay.served) == (200, "alice", 2)
    status, _ = await request("GET", PRS, ALICE)
    assert (status, s.replay.served) == (200, 2)  # cached
    for served in (3, 3):  # reviewed, then the cached denial
        status, body = await request("POST", PRS, ALICE)
        assert (status, s.replay.served) == (403, served)
        assert body["message"] == (
            'packagerevisions.porch.kpt.dev is forbidden: User "alice" cannot create resource '
            '"packagerevisions" in API group "porch.kpt.dev" in the namespace "default"'
        )
    status, _ = await request("GET", "/apis", ALICE)
    assert (status, s.replay.served) == (200, 4)
    s.clock.now += 6  # past the denied TTL (5 s), within the allowed one (10 s)
    status, _ = await request("POST", PRS, ALICE)
    assert (status, s.replay.served) == (200, 5)
    status, _ = await request("GET", PRS, ALICE)
    assert (status, s.replay.served) == (200, 5)
    masters = [("X-Remote-User", "root"), ("X-Remote-Group", "system:masters")]
    status, body = await request("DELETE", PRS + "/x", masters)
    assert (status, body["user"], s.replay.served) == (200, "root", 5)
    status, _ = await call(s.url + "/healthz", s.certs.serving.client_ssl_context())
    assert (status, s.replay.served) == (200, 5)
    status, _ = await request("DELETE", PRS + "/blueprints.nginx.v1", ALICE)
    assert (status, s.replay.served) == (200, 7)  # 500, then the retry is allowed
    status, _ = await request("DELETE", PRS + "/blueprints.nginx.v1", ALICE)
    assert (status, s.replay.served) == (200, 7)  # cached


def _bearer(token: str) -> list[tuple[str, str]]:
    return [("Authorization", f"Bearer {token}")]


async def test_bearer_tokens_sent_directly_are_checked_with_token_review(tmp_path: Path) -> None:
    async with replayed(tmp_path, "token_review.json", token_reviews=True) as s:
        tokens = s.doc["tokens"]
        plain = s.certs.serving.client_ssl_context()  # TLS, no client certificate

        async def request(token: str) -> tuple[int, Any]:
            return await call(s.url + PRS, plain, headers=_bearer(token))

        assert s.replay.served == 1  # the ConfigMap
        status, body = await request(tokens["builder"])
        assert (status, s.replay.served) == (200, 3)
        assert body["user"] == "system:serviceaccount:default:builder"
        assert body["uid"] == "8d1e4b0c-5f2a-4e77-9b3c-1a6d2e8f4c90"
        assert body["groups"] == [
            "system:serviceaccounts",
            "system:serviceaccounts:default",
            "system:authenticated",
        ]
        assert body["extra"]["authentication.kubernetes.io/pod-name"] == ["builder-6c9f7d5b8-x2k4q"]
        status, _ = await request(tokens["builder"])
        assert (status, s.replay.served) == (200, 3)  # both answers cached
        for served in (4, 4):  # reviewed and refused, then the cached refusal
            status, body = await request(tokens["wrong"])
            assert (status, body["reason"], s.replay.served) == (401, "Unauthorized", served)
        status, body = await request(tokens["deployer"])  # 5 attempts fail: 401, not cached
        assert (status, body["reason"], s.replay.served) == (401, "Unauthorized", 9)
        status, body = await request(tokens["deployer"])
        assert (status, s.replay.served) == (403, 11)
        assert body["message"] == (
            'packagerevisions.porch.kpt.dev is forbidden: User "system:serviceaccount:ops:deployer"'
            ' cannot list resource "packagerevisions" in API group "porch.kpt.dev" in the'
            ' namespace "default"'
        )
        s.clock.now += 6  # past the refusal's TTL (5 s), within the authenticated one (10 s)
        status, _ = await request(tokens["wrong"])
        assert (status, s.replay.served) == (401, 12)
        status, _ = await request(tokens["builder"])
        assert (status, s.replay.served) == (200, 12)


async def test_an_unreachable_reviewer_authenticates_nobody_and_logs_no_token(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}"
    async with replayed(tmp_path, "token_review.json", kube_url=closed, token_reviews=True) as s:
        token = s.doc["tokens"]["builder"]
        plain = s.certs.serving.client_ssl_context()
        with caplog.at_level(logging.DEBUG):
            for _ in range(2):  # a failure is not cached: both are attempts, both 401
                status, body = await call(s.url + PRS, plain, headers=_bearer(token))
                assert (status, body["reason"]) == (401, "Unauthorized")
        failures = [r for r in caplog.records if "TokenReview failed" in r.getMessage()]
        assert len(failures) == 2
        assert all(token not in r.getMessage() for r in caplog.records)
        assert token.split(".")[1] not in caplog.text
