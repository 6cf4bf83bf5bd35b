"""Local-mode authentication and authorization through the real apiserver app over TLS.

The app is the one ``python -m porch_apiserver`` serves, on a loopback TLS port with the
generated CA, in front of real JetStream and the orchestrator's projection loop and task
worker (in-process). Users come from a kube-format token file; roles from policy.yaml. A
refused write must leave the event stream untouched.
"""

from __future__ import annotations

import asyncio
import json
import ssl
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from nats.js import JetStreamContext

from porch.domain import snapshots
from porch.eventlog.blobs import BlobStore
from porch.security import pki, tokens
from porch_apiserver import app, auth
from porch_apiserver.handlers import Resources
from porch_apiserver.mirror import Mirror
from porch_apiserver.writing import Writer
from porch_orchestrator import projecting, tasking, taskworker
from tests.integration.aiotasks import stop

pytestmark = pytest.mark.integration

TOKENS = """\
admin-token,admin,u-admin,"system:masters"
alice-token,alice,u-alice,"auditors"
bob-token,bob,u-bob,"team-a,devs"
carol-token,carol,u-carol
"""

POLICY = """\
apiVersion: porch.kpt.dev/v1alpha1
kind: LocalPolicy
anonymous: []
bindings:
  - role: admin
    namespaces: ["*"]
    groups: ["system:masters"]
  - role: viewer
    namespaces: ["*"]
    groups: ["auditors"]
  - role: editor
    namespaces: ["default"]
    groups: ["team-a"]
  - role: admin
    namespaces: ["carol-ns"]
    users: ["carol"]
"""

PR = "/apis/porch.kpt.dev/v1alpha1"
REPOS = "/apis/config.porch.kpt.dev/v1alpha1"


def repository(name: str, namespace: str = "default") -> dict[str, Any]:
    return {
        "apiVersion": "config.porch.kpt.dev/v1alpha1",
        "kind": "Repository",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"type": "git", "git": {"repo": "git://127.0.0.1:1/nowhere.git", "branch": "main"}},
    }


def revision(package: str, workspace: str, namespace: str = "default") -> dict[str, Any]:
    return {
        "apiVersion": "porch.kpt.dev/v1alpha1",
        "kind": "PackageRevision",
        "metadata": {"namespace": namespace},
        "spec": {
            "packageName": package,
            "repository": "blueprints",
            "workspaceName": workspace,
            "tasks": [{"type": "init", "init": {"description": "auth test"}}],
        },
    }


@dataclass
class Api:
    url: str
    home: Path
    js: JetStreamContext
    session: aiohttp.ClientSession

    async def call(
        self, method: str, path: str, *, token: str | None = None, body: object = None
    ) -> tuple[int, dict[str, Any]]:
        headers = {"Accept": "application/json"}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        data = None if body is None else json.dumps(body).encode()
        if data is not None:
            headers["Content-Type"] = "application/json"
        async with self.session.request(
            method, self.url + path, data=data, headers=headers
        ) as response:
            text = await response.text()
            try:
                parsed = json.loads(text) if text else {}
            except ValueError:
                parsed = {"text": text}
            return response.status, parsed

    async def events(self) -> int:
        info = await self.js.stream_info("PORCH_EVENTS")
        return int(info.state.messages)


@pytest.fixture
async def api(js: JetStreamContext, tmp_path: Path) -> AsyncIterator[Api]:
    keys = pki.ensure_pki(tmp_path / "pki", hosts=[])
    (tmp_path / "tokens.csv").write_text(TOKENS)
    (tmp_path / "policy.yaml").write_text(POLICY)
    names = snapshots.Buckets("porch")
    blobs = await BlobStore.open(js)
    projector = projecting.Projector(js, names, emit_work=True)
    await projector.open()
    worker = taskworker.TaskWorker(
        js, blobs, tasking.Runtime(cache_dir=tmp_path / "cache"), fetch_wait=0.2
    )
    mirror = Mirror(js, names)
    resources = Resources(mirror=mirror, writer=Writer(js, mirror), blobs=blobs)
    application = app.build(
        resources=resources,
        mirror=mirror,
        authenticator=auth.Authenticator(tokens=tokens.load_tokens(tmp_path / "tokens.csv")),
        authorizer=auth.LocalAuthorizer(tmp_path / "policy.yaml", recheck_every=0.0),
    )
    running = [
        asyncio.create_task(projector.run()),
        asyncio.create_task(worker.run()),
        asyncio.create_task(mirror.run()),
    ]
    runner = web.AppRunner(application, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0, ssl_context=keys.server_ssl_context()).start()
    port = runner.addresses[0][1]
    client_tls = ssl.create_default_context(cadata=keys.ca_pem.decode())
    try:
        await asyncio.wait_for(mirror.ready.wait(), 10)
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=client_tls)) as s:
            yield Api(f"https://127.0.0.1:{port}", tmp_path, js, s)
    finally:
        await runner.cleanup()
        await stop(*running)


async def registered(api: Api) -> None:
    status, body = await api.call(
        "POST",
        f"{REPOS}/namespaces/default/repositories",
        token="admin-token",
        body=repository("blueprints"),
    )
    assert status == 201, body


async def test_no_credentials_is_401_but_probes_and_version_are_public(api: Api) -> None:
    for path in (f"{PR}/namespaces/default/packagerevisions", "/apis", "/api", "/openapi/v3"):
        status, body = await api.call("GET", path)
        assert (status, body["reason"], body["message"]) == (401, "Unauthorized", "Unauthorized")
    for path in ("/healthz", "/livez", "/readyz", "/version"):
        status, _ = await api.call("GET", path)
        assert status == 200, path


async def test_a_bad_token_is_401_everywhere(api: Api) -> None:
    for path in (f"{PR}/namespaces/default/packagerevisions", "/apis", "/version"):
        status, body = await api.call("GET", path, token="not-a-token")
        assert (status, body["kind"], body["code"]) == (401, "Status", 401)


async def test_any_authenticated_user_reads_discovery(api: Api) -> None:
    # carol has no role in "default" at all: discovery is still hers (system:discovery).
    for path in ("/apis", "/api", f"{PR}", "/openapi/v3"):
        status, _ = await api.call("GET", path, token="carol-token")
        assert status == 200, path


async def test_the_policy_can_open_discovery_to_anonymous_callers(api: Api) -> None:
    policy_file = api.home / "policy.yaml"
    policy_file.write_text(POLICY.replace("anonymous: []", "anonymous: [discovery]"))
    status, _ = await api.call("GET", "/apis")
    assert status == 200
    status, _ = await api.call("GET", f"{PR}/namespaces/default/packagerevisions")
    assert status == 401  # resources stay closed


async def test_a_viewer_reads_but_cannot_write_and_nothing_is_appended(api: Api) -> None:
    await registered(api)
    status, _ = await api.call(
        "GET", f"{PR}/namespaces/default/packagerevisions", token="alice-token"
    )
    assert status == 200
    status, _ = await api.call("GET", f"{PR}/packagerevisions", token="alice-token")
    assert status == 200  # bound in "*": lists across namespaces
    before = await api.events()
    status, body = await api.call(
        "POST",
        f"{PR}/namespaces/default/packagerevisions",
        token="alice-token",
        body=revision("nginx", "v1"),
    )
    assert status == 403
    assert body == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": 'packagerevisions.porch.kpt.dev is forbidden: User "alice" cannot create '
        'resource "packagerevisions" in API group "porch.kpt.dev" in the namespace "default"',
        "reason": "Forbidden",
        "details": {"group": "porch.kpt.dev", "kind": "packagerevisions"},
        "code": 403,
    }
    status, body = await api.call(
        "DELETE", f"{REPOS}/namespaces/default/repositories/blueprints", token="alice-token"
    )
    assert status == 403
    assert body["message"] == (
        'repositories.config.porch.kpt.dev "blueprints" is forbidden: User "alice" cannot '
        'delete resource "repositories" in API group "config.porch.kpt.dev" in the namespace '
        '"default"'
    )
    assert body["details"] == {
        "name": "blueprints",
        "group": "config.porch.kpt.dev",
        "kind": "repositories",
    }
    status, body = await api.call(
        "PUT",
        f"{PR}/namespaces/default/packagerevisions/x/approval",
        token="alice-token",
        body={},
    )
    assert status == 403
    assert 'cannot update resource "packagerevisions/approval"' in body["message"]
    assert await api.events() == before


async def test_an_editor_writes_revisions_in_its_namespace_only(api: Api) -> None:
    await registered(api)
    before = await api.events()
    status, body = await api.call(
        "POST",
        f"{PR}/namespaces/default/packagerevisions",
        token="bob-token",
        body=revision("nginx", "v1"),
    )
    assert status == 201, body
    assert await api.events() > before
    name = body["metadata"]["name"]
    status, _ = await api.call(
        "GET", f"{PR}/namespaces/default/packagerevisions/{name}", token="bob-token"
    )
    assert status == 200
    after = await api.events()
    refused = [
        ("POST", f"{REPOS}/namespaces/default/repositories", repository("other")),
        ("POST", f"{PR}/namespaces/other/packagerevisions", revision("nginx", "v2", "other")),
        ("GET", f"{PR}/packagerevisions", None),
        ("GET", "/api/v1/namespaces/default/secrets", None),
    ]
    for method, path, body_sent in refused:
        status, body = await api.call(method, path, token="bob-token", body=body_sent)
        assert status == 403, (method, path, body)
    status, body = await api.call("GET", f"{PR}/packagerevisions", token="bob-token")
    assert body["message"].endswith(
        'User "bob" cannot list resource "packagerevisions" in API group "porch.kpt.dev" at '
        "the cluster scope"
    )
    assert await api.events() == after


async def test_the_actor_of_a_write_is_the_authenticated_user(api: Api) -> None:
    await registered(api)
    status, body = await api.call(
        "POST",
        f"{PR}/namespaces/default/packagerevisions",
        token="bob-token",
        body=revision("nginx", "v1"),
    )
    assert status == 201, body
    message = await api.js.get_last_msg("PORCH_EVENTS", "porch.ev.default.blueprints.>")
    actor = json.loads(message.data or b"{}")["actor"]
    assert actor["user"] == "bob"
    assert set(actor["groups"]) == {"team-a", "devs", "system:authenticated"}


async def test_an_admin_of_one_namespace_is_nobody_elsewhere(api: Api) -> None:
    status, _ = await api.call(
        "POST",
        f"{REPOS}/namespaces/carol-ns/repositories",
        token="carol-token",
        body=repository("mine", "carol-ns"),
    )
    assert status == 201
    status, body = await api.call(
        "GET", f"{REPOS}/namespaces/default/repositories", token="carol-token"
    )
    assert status == 403, body
