"""Client certificates and front-proxy headers over real TLS (certificates from test CAs).

A small app with the apiserver's auth middleware and a handler that echoes who it was told
the caller is and which identity headers reached it. The serving CA doubles as the client CA
(local mode); a second CA plays kube-apiserver's front-proxy CA.
"""

from __future__ import annotations

import json
import ssl
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from porch.security import pki, requestheader, tokens
from porch_apiserver import auth

pytestmark = pytest.mark.integration

OPEN_POLICY = """\
kind: LocalPolicy
bindings:
  - {role: admin, namespaces: ["*"], groups: ["system:authenticated"]}
"""


async def echo(request: web.Request) -> web.Response:
    user = request[auth.USER]
    seen = sorted(k for k in request.headers if k.lower().startswith("x-"))
    body = {"user": user.name, "uid": user.uid, "groups": list(user.groups)}
    return web.json_response(body | {"extra": dict(user.extra), "headers": seen})


def echo_app(authenticator: auth.Authenticator, authorizer: auth.Authorizer) -> web.Application:
    from porch_apiserver.app import errors_as_status

    application = web.Application(
        middlewares=[errors_as_status, auth.middleware(authenticator, authorizer)]
    )
    application.router.add_route("*", "/{tail:.*}", echo)
    return application


@dataclass
class Certs:
    serving: pki.Pki
    proxy_ca: pki.Pki
    directory: Path

    def client(self, ca: pki.Pki, cn: str, orgs: list[str] | None = None) -> ssl.SSLContext:
        cert, key = pki.issue_client_cert(
            ca,
            common_name=cn,
            organizations=orgs or [],
            directory=self.directory / ca.directory.name,
        )
        context = self.serving.client_ssl_context()
        context.load_cert_chain(cert, key)
        return context


@pytest.fixture
def certs(tmp_path: Path) -> Certs:
    return Certs(
        serving=pki.ensure_pki(tmp_path / "serving", hosts=[]),
        proxy_ca=pki.ensure_pki(tmp_path / "front-proxy", hosts=[]),
        directory=tmp_path / "clients",
    )


async def serve(application: web.Application, context: ssl.SSLContext) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(application, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0, ssl_context=context).start()
    return runner, f"https://127.0.0.1:{runner.addresses[0][1]}"


async def call(
    url: str,
    context: ssl.SSLContext,
    *,
    headers: list[tuple[str, str]] | None = None,
    method: str = "GET",
) -> tuple[int, dict[str, Any]]:
    connector = aiohttp.TCPConnector(ssl=context, force_close=True)
    async with (
        aiohttp.ClientSession(connector=connector) as session,
        session.request(method, url, headers=headers or []) as response,
    ):
        return response.status, json.loads(await response.text())


@dataclass
class Server:
    url: str
    authenticator: auth.Authenticator
    context: ssl.SSLContext


@pytest.fixture
async def server(certs: Certs, tmp_path: Path) -> AsyncIterator[Server]:
    policy_file = tmp_path / "policy.yaml"
    policy_file.write_text(OPEN_POLICY)
    config = requestheader.cert_auth_config(
        client_ca_pem=certs.serving.ca_pem,
        request_header=requestheader.request_header_config(
            ca_pem=certs.proxy_ca.ca_pem, allowed_names=["front-proxy-client"]
        ),
    )
    authenticator = auth.Authenticator(
        tokens={"t0ken": tokens.UserInfo("tokenuser", "u-1", ("devs",))}, certs=config
    )
    context = certs.serving.server_ssl_context(client_cas=config.ca_pems())
    runner, url = await serve(echo_app(authenticator, auth.LocalAuthorizer(policy_file)), context)
    try:
        yield Server(url, authenticator, context)
    finally:
        await runner.cleanup()


IDENTITY = [
    ("X-Remote-User", "alice"),
    ("X-Remote-Group", "team-a"),
    ("X-Remote-Group", "system:authenticated"),
    ("X-Remote-Extra-Scopes", "read"),
    ("X-Remote-Extra-Scopes", "write"),
    ("X-Remote-Extra-Acme.com%2Fproject", "p1"),
]


async def test_a_verified_front_proxy_names_the_user(certs: Certs, server: Server) -> None:
    proxy = certs.client(certs.proxy_ca, "front-proxy-client")
    status, body = await call(server.url + "/apis", proxy, headers=IDENTITY)
    assert status == 200
    assert body == {
        "user": "alice",
        "uid": "",
        "groups": ["team-a", "system:authenticated"],
        "extra": {"scopes": ["read", "write"], "acme.com/project": ["p1"]},
        "headers": [],  # consumed and removed before the handler
    }


async def test_a_proxy_cn_not_allowed_is_not_trusted(certs: Certs, server: Server) -> None:
    rogue = certs.client(certs.proxy_ca, "rogue-proxy")
    status, body = await call(server.url + "/apis", rogue, headers=IDENTITY)
    assert (status, body["reason"]) == (401, "Unauthorized")
    with_token = [*IDENTITY, ("Authorization", "Bearer t0ken")]
    status, body = await call(server.url + "/apis", rogue, headers=with_token)
    assert status == 200
    assert (body["user"], body["headers"]) == ("tokenuser", [])


async def test_headers_without_a_proxy_cert_are_ignored_and_stripped(
    certs: Certs, server: Server
) -> None:
    plain = certs.serving.client_ssl_context()
    status, body = await call(server.url + "/apis", plain, headers=IDENTITY)
    assert status == 401
    status, body = await call(
        server.url + "/apis", plain, headers=[*IDENTITY, ("Authorization", "Bearer t0ken")]
    )
    assert (status, body["user"], body["groups"]) == (
        200,
        "tokenuser",
        ["devs", "system:authenticated"],
    )
    assert body["headers"] == []


async def test_a_client_certificate_names_user_and_groups(certs: Certs, server: Server) -> None:
    dave = certs.client(certs.serving, "dave", ["team-a", "ops"])
    status, body = await call(server.url + "/apis", dave, headers=IDENTITY)
    assert status == 200
    assert (body["user"], body["groups"]) == ("dave", ["team-a", "ops", "system:authenticated"])
    assert body["headers"] == []  # a client CA cert is not a proxy: headers ignored


async def test_a_certificate_from_an_unknown_ca_fails_the_handshake(
    certs: Certs, server: Server, tmp_path: Path
) -> None:
    stranger_ca = pki.ensure_pki(tmp_path / "stranger", hosts=[])
    stranger = certs.client(stranger_ca, "front-proxy-client")
    with pytest.raises(aiohttp.ClientError):
        await call(server.url + "/apis", stranger, headers=IDENTITY)


async def test_a_rotated_proxy_ca_is_trusted_for_new_connections(
    certs: Certs, server: Server, tmp_path: Path
) -> None:
    new_ca = pki.ensure_pki(tmp_path / "front-proxy-2", hosts=[])
    rotated = requestheader.cert_auth_config(
        client_ca_pem=certs.serving.ca_pem,
        request_header=requestheader.request_header_config(
            ca_pem=new_ca.ca_pem, allowed_names=["front-proxy-client"]
        ),
    )
    pki.trust_client_cas(server.context, rotated.ca_pems())
    server.authenticator.certs = rotated
    status, body = await call(
        server.url + "/apis", certs.client(new_ca, "front-proxy-client"), headers=IDENTITY
    )
    assert (status, body["user"]) == (200, "alice")
    # The old proxy CA still completes TLS (OpenSSL cannot forget it) but is no longer trusted.
    old = certs.client(certs.proxy_ca, "front-proxy-client")
    status, _ = await call(server.url + "/apis", old, headers=IDENTITY)
    assert status == 401
