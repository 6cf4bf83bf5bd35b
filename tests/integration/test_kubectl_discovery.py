"""The real kubectl against our discovery, OpenAPI and /version documents over HTTPS.

A tiny aiohttp server (test code only) serves nothing but the pure documents from
``porch_apiserver.discovery`` / ``openapi`` behind a bearer-token check from
``porch.security``, so this proves the documents and the security material are what kubectl
1.32 accepts: ``api-resources``, short names, ``explain`` and a 401 for a wrong token.
"""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiohttp import web

from porch import errors
from porch.security import kubeconfig, pki, tokens
from porch_apiserver import discovery, openapi, statuses

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed"),
]

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class DiscoveryServer:
    url: str
    kubeconfig: Path
    tmp: Path
    token: str
    ca_pem: bytes
    aggregated: bool
    requests: list[str] = field(default_factory=list)
    writes: list[str] = field(default_factory=list)


def _json(
    body: object, *, status: int = 200, content_type: str = "application/json"
) -> web.Response:
    return web.Response(
        body=json.dumps(body).encode(), status=status, headers={"Content-Type": content_type}
    )


def _status(error: errors.PorchError) -> web.Response:
    code, body = statuses.status_for(error)
    return _json(body, status=code)


def _app(server: DiscoveryServer, users: dict[str, tokens.UserInfo]) -> web.Application:
    @web.middleware
    async def authenticate(request: web.Request, handler: Handler) -> web.StreamResponse:
        server.requests.append(request.path)
        if tokens.authenticate(users, request.headers.get("Authorization")) is None:
            return _status(errors.Unauthorized("Unauthorized"))
        return await handler(request)

    def negotiated(aggregated: dict[str, object], legacy: dict[str, object]) -> Handler:
        async def handle(request: web.Request) -> web.StreamResponse:
            content_type = discovery.negotiate_discovery(request.headers.get("Accept", ""))
            if server.aggregated and content_type is not None:
                return _json(aggregated, content_type=content_type)
            return _json(legacy)

        return handle

    async def version(_request: web.Request) -> web.StreamResponse:
        return _json(discovery.version_info())

    async def group(request: web.Request) -> web.StreamResponse:
        document = discovery.api_group(request.match_info["group"])
        return _json(document) if document else _status(errors.NotFound("not found"))

    async def resource_list(request: web.Request) -> web.StreamResponse:
        info = request.match_info
        document = discovery.api_resource_list(info["group"], info["version"])
        return _json(document) if document else _status(errors.NotFound("not found"))

    async def openapi_index(_request: web.Request) -> web.StreamResponse:
        return _json(openapi.openapi_v3_index())

    async def openapi_document(request: web.Request) -> web.StreamResponse:
        info = request.match_info
        raw = openapi.openapi_v3_document_bytes(info["group"], info["version"])
        if raw is None:
            return _status(errors.NotFound("not found"))
        return web.Response(body=raw, headers={"Content-Type": "application/json"})

    async def no_objects(request: web.Request) -> web.StreamResponse:
        # Objects are not served here; record writes so tests can see their query parameters.
        if request.method != "GET":
            server.writes.append(f"{request.method} {request.path_qs}")
        return _status(errors.NotFound("not found"))

    app = web.Application(middlewares=[authenticate])
    app.router.add_get("/version", version)
    app.router.add_get("/api", negotiated(discovery.aggregated_core(), discovery.api_versions()))
    app.router.add_get(
        "/apis", negotiated(discovery.aggregated_discovery(), discovery.api_group_list())
    )
    app.router.add_get("/apis/{group}", group)
    app.router.add_get("/apis/{group}/{version}", resource_list)
    app.router.add_get("/openapi/v3", openapi_index)
    app.router.add_get("/openapi/v3/apis/{group}/{version}", openapi_document)
    app.router.add_route("*", "/apis/{group}/{version}/{tail:.+}", no_objects)
    return app


@pytest.fixture(params=[True, False], ids=["aggregated", "legacy"])
async def server(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[DiscoveryServer]:
    material = pki.ensure_pki(tmp_path / "pki", hosts=[])
    token_file = tmp_path / "tokens.csv"
    token = tokens.ensure_token_file(token_file)
    state = DiscoveryServer(
        url="",
        kubeconfig=tmp_path / "kubeconfig",
        tmp=tmp_path,
        token=token,
        ca_pem=material.ca_pem,
        aggregated=bool(request.param),
    )
    runner = web.AppRunner(_app(state, tokens.load_tokens(token_file)), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=material.server_ssl_context())
    await site.start()
    port = runner.addresses[0][1]
    state.url = f"https://127.0.0.1:{port}"
    kubeconfig.write_kubeconfig(
        state.kubeconfig, server=state.url, ca_pem=material.ca_pem, token=token
    )
    try:
        yield state
    finally:
        await runner.cleanup()


async def kubectl(
    server: DiscoveryServer, *args: str, config: Path | None = None, cache: Path | None = None
) -> tuple[int, str, str]:
    """Run kubectl; a fresh discovery cache per call unless ``cache`` is given."""
    cache_dir = cache or server.tmp / "cache"
    process = await asyncio.create_subprocess_exec(
        "kubectl",
        "--kubeconfig",
        str(config or server.kubeconfig),
        "--cache-dir",
        str(cache_dir),
        "--request-timeout=20s",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    if cache is None:
        shutil.rmtree(cache_dir, ignore_errors=True)
    assert process.returncode is not None
    return process.returncode, stdout.decode(), stderr.decode()


async def test_api_resources_lists_porch_resources(server: DiscoveryServer) -> None:
    code, out, err = await kubectl(server, "api-resources")

    assert code == 0, err
    rows = {line.split()[0]: line.split() for line in out.splitlines()[1:] if line.strip()}
    assert rows["repositories"][1:] == [
        "repo",
        "config.porch.kpt.dev/v1alpha1",
        "true",
        "Repository",
    ]
    assert rows["packagerevisions"][1:] == ["porch.kpt.dev/v1alpha1", "true", "PackageRevision"]
    group_versions = [p for p in server.requests if p.startswith("/apis/")]
    if server.aggregated:
        assert group_versions == []
    else:
        assert "/apis/porch.kpt.dev/v1alpha1" in group_versions


async def test_api_resources_by_category_and_short_name(server: DiscoveryServer) -> None:
    code, out, err = await kubectl(server, "api-resources", "--categories=porch", "-o", "name")

    assert code == 0, err
    assert sorted(out.split()) == [
        "packagerevisionresources.porch.kpt.dev",
        "packagerevisions.porch.kpt.dev",
        "repositories.config.porch.kpt.dev",
    ]


async def test_explain_packagerevision_spec(server: DiscoveryServer) -> None:
    code, out, err = await kubectl(server, "explain", "packagerevision.spec")

    assert code == 0, err
    assert "KIND:       PackageRevision" in out
    for name in ("packageName", "repository", "workspaceName", "revision", "lifecycle", "tasks"):
        assert f"  {name}\t" in out
    assert "/openapi/v3" in server.requests


async def test_explain_repository_through_short_name(server: DiscoveryServer) -> None:
    code, out, err = await kubectl(server, "explain", "repo.spec.git")

    assert code == 0, err
    assert "GROUP:      config.porch.kpt.dev" in out
    assert "createBranch\t<boolean>" in out


async def test_create_validates_on_the_server_without_openapi_v2(server: DiscoveryServer) -> None:
    manifest = server.tmp / "pr.yaml"
    manifest.write_text(
        "apiVersion: porch.kpt.dev/v1alpha1\nkind: PackageRevision\n"
        "metadata: {name: r.p.ws, namespace: default}\n"
        "spec: {packageName: p, repository: r, workspaceName: ws, lifecycle: Draft}\n"
    )

    code, _, err = await kubectl(server, "create", "-f", str(manifest))

    # The stub has no objects, so the POST fails; what matters is how kubectl sent it.
    assert code == 1, err
    assert "/openapi/v2" not in server.requests
    assert len(server.writes) == 1
    assert server.writes[0].startswith(
        "POST /apis/porch.kpt.dev/v1alpha1/namespaces/default/packagerevisions?"
    )
    assert "fieldValidation=Strict" in server.writes[0]


async def test_version_reports_the_emulated_kubernetes(server: DiscoveryServer) -> None:
    code, out, err = await kubectl(server, "version", "-o", "json")

    assert code == 0, err
    assert json.loads(out)["serverVersion"]["gitVersion"].startswith("v1.32.0-porch-")


async def test_wrong_token_fails_discovery(server: DiscoveryServer) -> None:
    wrong = server.tmp / "wrong-kubeconfig"
    kubeconfig.write_kubeconfig(wrong, server=server.url, ca_pem=server.ca_pem, token="wrong")

    code, _, err = await kubectl(server, "api-resources", config=wrong)

    # Discovery reads raw bodies, so client-go reports its generic 401 text, not our Status.
    assert code == 1
    assert "error: You must be logged in to the server" in err


async def test_wrong_token_is_unauthorized(server: DiscoveryServer) -> None:
    cache = server.tmp / "shared-cache"
    wrong = server.tmp / "wrong-kubeconfig"
    kubeconfig.write_kubeconfig(wrong, server=server.url, ca_pem=server.ca_pem, token="wrong")
    code, _, err = await kubectl(server, "api-resources", cache=cache)
    assert code == 0, err

    code, _, err = await kubectl(server, "get", "packagerevisions", config=wrong, cache=cache)

    # With discovery cached, the request for objects gets our 401 Status, decoded by kubectl.
    assert code == 1
    assert "error: You must be logged in to the server (Unauthorized)" in err
