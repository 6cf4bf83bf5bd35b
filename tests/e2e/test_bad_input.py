"""Bad input gets a Kubernetes Status with a reason, and the event stream does not move."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import nats
import pytest
import yaml

from porch.eventlog import streams
from tests.e2e.stack import Running
from tests.e2e.test_walking_skeleton import repository_manifest

pytestmark = pytest.mark.e2e

BASE = "/apis/porch.kpt.dev/v1alpha1/namespaces/default/packagerevisions"
REPOS = "/apis/config.porch.kpt.dev/v1alpha1/namespaces/default/repositories"


def last_seq(running: Running) -> int:
    """The sequence of the newest event that a request caused: git-sync's facts (written
    asynchronously after each change reaches Git) are skipped."""

    async def read() -> int:
        nc = await nats.connect(running.nats_url)
        try:
            js = nc.jetstream()
            seq = int((await js.stream_info(streams.EVENTS_STREAM)).state.last_seq)
            while seq > 0:
                msg = await js.get_msg(streams.EVENTS_STREAM, seq)
                if json.loads(msg.data)["actor"]["user"] != "system:porch-git-sync":
                    return seq
                seq -= 1
            return 0
        finally:
            await nc.close()

    return asyncio.run(read())


@pytest.fixture(scope="module")
def registered(stack: Running) -> Running:
    stack.kubectl("apply", "-f", "-", stdin=repository_manifest(stack.repo_url))
    stack.kubectl("wait", "--for=condition=Ready", "repository/packages", "--timeout=30s")
    return stack


@pytest.fixture
def unchanged(registered: Running) -> Iterator[Running]:
    before = last_seq(registered)
    yield registered
    assert last_seq(registered) == before, "a rejected request appended an event"


def revision(package: str, workspace: str, *, repository: str = "packages") -> dict[str, object]:
    return {
        "apiVersion": "porch.kpt.dev/v1alpha1",
        "kind": "PackageRevision",
        "metadata": {"namespace": "default"},
        "spec": {"packageName": package, "repository": repository, "workspaceName": workspace},
    }


def post(
    running: Running,
    body: bytes,
    *,
    path: str = BASE,
    token: str | None = "",
    content_type: str = "application/json",
) -> tuple[int, dict[str, object]]:
    return running.request(
        "POST",
        path,
        body=body,
        content_type=content_type,
        token=running.token() if token == "" else token,
    )


def assert_status(code: int, body: dict[str, object], *, want: int, reason: str) -> None:
    assert code == want, body
    assert body["kind"] == "Status"
    assert body["status"] == "Failure"
    assert body["reason"] == reason
    assert body["code"] == want
    assert body["message"]


def test_invalid_package_name(unchanged: Running) -> None:
    code, body = post(unchanged, json.dumps(revision("Bad_Name", "v1")).encode())
    assert_status(code, body, want=422, reason="Invalid")
    assert "spec.packageName" in str(body["message"])


def test_invalid_workspace_name_via_kubectl(unchanged: Running) -> None:
    done = unchanged.kubectl(
        "create", "-f", "-", check=False, stdin=yaml.safe_dump(revision("ok", "NOT-valid!"))
    )
    assert done.returncode == 1
    assert "Invalid" in done.stderr


def test_unknown_repository(unchanged: Running) -> None:
    code, body = post(unchanged, json.dumps(revision("pkg", "v1", repository="nope")).encode())
    assert_status(code, body, want=404, reason="NotFound")
    assert "nope" in str(body["message"])


def test_a_resource_not_served_is_404_for_every_method(unchanged: Running) -> None:
    """As kube-apiserver: 404 for what it does not have, 405 only for a verb a served
    resource lacks (here: create across all namespaces)."""
    review = b'{"kind": "SelfSubjectAccessReview", "apiVersion": "authorization.k8s.io/v1"}'
    for path in (
        "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
        "/apis/porch.kpt.dev/v1alpha1/widgets",
        "/api/v1/pods",
    ):
        code, body = post(unchanged, review, path=path)
        assert_status(code, body, want=404, reason="NotFound")
    code, body = post(unchanged, b"{}", path="/apis/porch.kpt.dev/v1alpha1/packagerevisions")
    assert_status(code, body, want=405, reason="MethodNotAllowed")


def test_malformed_json(unchanged: Running) -> None:
    code, body = post(unchanged, b'{"apiVersion": "porch.kpt.dev/v1alpha1", "kind": ')
    assert_status(code, body, want=400, reason="BadRequest")


def test_malformed_yaml(unchanged: Running) -> None:
    code, body = post(unchanged, b"spec: [unclosed\n  - :", content_type="application/yaml")
    assert_status(code, body, want=400, reason="BadRequest")


def test_missing_and_wrong_token(unchanged: Running) -> None:
    for token in (None, "not-the-token"):
        code, body = post(unchanged, json.dumps(revision("pkg", "v1")).encode(), token=token)
        assert_status(code, body, want=401, reason="Unauthorized")


def test_wrong_token_via_kubectl(unchanged: Running, tmp_path: Path) -> None:
    config = yaml.safe_load(unchanged.kubeconfig.read_text())
    config["users"][0]["user"]["token"] = "wrong"
    bad = tmp_path / "kubeconfig"
    bad.write_text(yaml.safe_dump(config))
    done = unchanged.kubectl("get", "packagerevisions", kubeconfig=bad, check=False)
    assert done.returncode == 1
    assert "You must be logged in to the server" in done.stderr


def test_stale_resource_version_is_a_conflict(registered: Running, tmp_path: Path) -> None:
    registered.kubectl("create", "-f", "-", stdin=yaml.safe_dump(revision("stale", "v1")))
    name = "packages.stale.v1"
    old = json.loads(registered.kubectl("get", "packagerevision", name, "-o", "json").stdout)
    registered.kubectl("label", "packagerevision", name, "team=a")
    before = last_seq(registered)
    old["spec"]["lifecycle"] = "Proposed"
    stale = tmp_path / "stale.json"
    stale.write_text(json.dumps(old))
    done = registered.kubectl("replace", "-f", str(stale), check=False)
    assert done.returncode == 1
    assert "Conflict" in done.stderr
    assert "the object has been modified" in done.stderr
    assert last_seq(registered) == before
    fresh = json.loads(registered.kubectl("get", "packagerevision", name, "-o", "json").stdout)
    assert fresh["spec"]["lifecycle"] == "Draft"
    assert fresh["metadata"]["labels"] == {"team": "a"}


def test_duplicate_workspace_is_already_exists(registered: Running) -> None:
    registered.kubectl("create", "-f", "-", stdin=yaml.safe_dump(revision("dup", "v1")))
    before = last_seq(registered)
    code, body = post(registered, json.dumps(revision("dup", "v1")).encode())
    assert_status(code, body, want=409, reason="AlreadyExists")
    assert last_seq(registered) == before


def test_illegal_transitions(registered: Running) -> None:
    registered.kubectl("create", "-f", "-", stdin=yaml.safe_dump(revision("flow", "v1")))
    name = "packages.flow.v1"
    before = last_seq(registered)
    current = json.loads(registered.kubectl("get", "packagerevision", name, "-o", "json").stdout)
    current["spec"]["lifecycle"] = "Published"
    code, body = registered.request(
        "PUT",
        f"{BASE}/{name}/approval",
        token=registered.token(),
        body=json.dumps(current).encode(),
    )
    assert_status(code, body, want=422, reason="Invalid")
    assert "cannot approve package with Draft lifecycle" in str(body["message"])
    code, body = registered.request(
        "PUT", f"{BASE}/{name}", token=registered.token(), body=json.dumps(current).encode()
    )
    assert_status(code, body, want=422, reason="Invalid")
    assert last_seq(registered) == before


def test_published_revision_cannot_be_deleted_until_proposed_for_deletion(
    registered: Running,
) -> None:
    registered.kubectl("create", "-f", "-", stdin=yaml.safe_dump(revision("gone", "v1")))
    name = "packages.gone.v1"
    registered.kubectl(
        "patch", "packagerevision", name, "--type=merge", "-p", '{"spec":{"lifecycle":"Proposed"}}'
    )
    obj = json.loads(registered.kubectl("get", "packagerevision", name, "-o", "json").stdout)
    obj["spec"]["lifecycle"] = "Published"
    code, _ = registered.request(
        "PUT", f"{BASE}/{name}/approval", token=registered.token(), body=json.dumps(obj).encode()
    )
    assert code == 200
    done = registered.kubectl("delete", "packagerevision", name, check=False)
    assert done.returncode == 1
    assert "Forbidden" in done.stderr
    registered.kubectl(
        "patch",
        "packagerevision",
        name,
        "--type=merge",
        "-p",
        '{"spec":{"lifecycle":"DeletionProposed"}}',
    )
    registered.kubectl("delete", "packagerevision", name)
    assert registered.kubectl("get", "packagerevision", name, check=False).returncode == 1


def test_repository_with_credentials_in_url_is_rejected(unchanged: Running) -> None:
    body = yaml.safe_load(repository_manifest("https://user:hunter2pw@example.com/r.git", "creds"))
    code, status = post(unchanged, json.dumps(body).encode(), path=REPOS)
    assert_status(code, status, want=422, reason="Invalid")
    assert "hunter2pw" not in json.dumps(status)
