"""deletecollection (DELETE on a collection URL) against ``porch up``: selectors, dryRun,
the first refusal stops it, and ``kubectl delete --all`` (one DELETE per item) still works."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.e2e.stack import Running
from tests.e2e.test_lifecycle import approve, propose, revision
from tests.e2e.test_walking_skeleton import repository_manifest

pytestmark = pytest.mark.e2e

GROUP = "/apis/porch.kpt.dev/v1alpha1/namespaces/default"
BASE = f"{GROUP}/packagerevisions"
SECRETS = "/api/v1/namespaces/default/secrets"


@pytest.fixture(scope="module")
def registered(stack: Running) -> Running:
    stack.kubectl("apply", "-f", "-", stdin=repository_manifest(stack.repo_url))
    stack.kubectl("wait", "--for=condition=Ready", "repository/packages", "--timeout=30s")
    return stack


def draft(running: Running, package: str, **labels: str) -> str:
    running.kubectl("create", "-f", "-", stdin=revision(package, "v1"))
    name = f"packages.{package}.v1"
    if labels:
        running.kubectl("label", "packagerevision", name, *(f"{k}={v}" for k, v in labels.items()))
    return name


def delete(running: Running, path: str, body: object = None) -> tuple[int, dict[str, object]]:
    data = json.dumps(body).encode() if body is not None else None
    return running.request("DELETE", path, body=data, token=running.token())


def exists(running: Running, name: str) -> bool:
    code, _ = running.request("GET", f"{BASE}/{name}", token=running.token())
    return code == 200


def names(listed: dict[str, object]) -> list[str]:
    return [i["metadata"]["name"] for i in listed["items"]]  # type: ignore[attr-defined]


def test_deletecollection_by_label_with_dry_run_then_for_real(registered: Running) -> None:
    a = draft(registered, "dc-a", team="blue")
    b = draft(registered, "dc-b", team="blue")
    c = draft(registered, "dc-c", team="red")

    code, listed = delete(registered, f"{BASE}?labelSelector=team%3Dblue&dryRun=All")
    assert code == 200, listed
    assert listed["kind"] == "PackageRevisionList"
    assert listed["apiVersion"] == "porch.kpt.dev/v1alpha1"
    assert names(listed) == [a, b]
    assert all(exists(registered, n) for n in (a, b, c)), "a dry run deletes nothing"

    out = registered.kubectl(
        "delete", "--raw", f"{BASE}?labelSelector=team%3Dblue", "-f", "-", stdin="{}"
    ).stdout
    assert names(json.loads(out)) == [a, b]
    assert not exists(registered, a)
    assert not exists(registered, b)
    assert exists(registered, c)

    selector = quote(f"metadata.name={c}")
    code, listed = delete(
        registered,
        f"{BASE}?fieldSelector={selector}",
        {"kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": "Background"},
    )
    assert (code, names(listed)) == (200, [c])
    assert not exists(registered, c)
    code, listed = delete(registered, f"{BASE}?labelSelector=team%3Dnobody")
    assert (code, names(listed)) == (200, [])


def test_deletecollection_refuses_preconditions_and_bad_options(registered: Running) -> None:
    kept = draft(registered, "dc-pre", team="green")
    code, answer = delete(
        registered, f"{BASE}?labelSelector=team%3Dgreen", {"preconditions": {"uid": "x"}}
    )
    assert (code, answer["reason"]) == (400, "BadRequest")
    code, answer = delete(
        registered, f"{BASE}?labelSelector=team%3Dgreen", {"propagationPolicy": "Sometimes"}
    )
    assert (code, answer["reason"]) == (422, "Invalid")
    code, answer = delete(registered, f"{BASE}?labelSelector=team%3Dgreen&dryRun=Some")
    assert code == 400
    assert exists(registered, kept)
    # packagerevisionresources cannot be deleted, so neither can a collection of them.
    code, answer = delete(registered, f"{GROUP}/packagerevisionresources")
    assert (code, answer["reason"]) == (405, "MethodNotAllowed")


def test_deletecollection_stops_at_the_first_refusal(registered: Running, tmp_path: Path) -> None:
    first = draft(registered, "dc1-a", batch="one")
    published = draft(registered, "dc1-p", batch="one")
    propose(registered, published)
    approve(registered, published, "Published", tmp_path)
    last = draft(registered, "dc1-z", batch="one")

    code, answer = delete(registered, f"{BASE}?labelSelector=batch%3Done&dryRun=All")
    assert (code, answer["reason"]) == (403, "Forbidden"), answer
    assert all(exists(registered, n) for n in (first, published, last))

    code, answer = delete(registered, f"{BASE}?labelSelector=batch%3Done")
    assert (code, answer["reason"]) == (403, "Forbidden"), answer
    assert "must be proposed for deletion" in str(answer["message"])
    # Name order: the draft before the published revision went, the one after is kept.
    assert not exists(registered, first)
    assert exists(registered, published)
    assert exists(registered, last)

    approve(registered, published, "DeletionProposed", tmp_path)
    code, listed = delete(registered, f"{BASE}?labelSelector=batch%3Done")
    assert (code, names(listed)) == (200, [published, last])
    assert not exists(registered, published)


def test_deletecollection_of_secrets_and_not_of_namespaces(registered: Running) -> None:
    for name, app in (("dc-s1", "x"), ("dc-s2", "x"), ("dc-s3", "y")):
        registered.kubectl("create", "secret", "generic", name, "--from-literal=k=v")
        registered.kubectl("label", "secret", name, f"app={app}")
    code, listed = delete(registered, f"{SECRETS}?labelSelector=app%3Dx&dryRun=All")
    assert (code, listed["kind"], names(listed)) == (200, "SecretList", ["dc-s1", "dc-s2"])
    assert "dc-s1" in registered.kubectl("get", "secrets").stdout
    code, listed = delete(registered, f"{SECRETS}?labelSelector=app%3Dx")
    assert (code, names(listed)) == (200, ["dc-s1", "dc-s2"])
    assert listed["items"][0]["data"] == {"k": "dg=="}  # type: ignore[index]
    left = registered.kubectl("get", "secrets", "-o", "name").stdout.split()
    assert "secret/dc-s3" in left
    assert "secret/dc-s1" not in left
    assert "secret/dc-s2" not in left
    code, answer = delete(registered, "/api/v1/namespaces")
    assert (code, answer["reason"]) == (405, "MethodNotAllowed")


def test_discovery_advertises_deletecollection(registered: Running) -> None:
    out = registered.kubectl("api-resources", "-o", "wide").stdout
    line = next(ln for ln in out.splitlines() if ln.startswith("packagerevisions "))
    assert "deletecollection" in line
    secrets = next(ln for ln in out.splitlines() if ln.startswith("secrets "))
    assert "deletecollection" in secrets
    assert "watch" in secrets


def test_kubectl_delete_all_still_deletes_one_by_one(registered: Running) -> None:
    registered.kubectl("create", "namespace", "sweep")
    manifest = repository_manifest(registered.repo_url, "sweeprepo", "/sweep").replace(
        "namespace: default", "namespace: sweep"
    )
    registered.kubectl("apply", "-f", "-", stdin=manifest)
    registered.kubectl(
        "wait", "--for=condition=Ready", "repository/sweeprepo", "-n", "sweep", "--timeout=30s"
    )
    for package in ("sw-a", "sw-b"):
        body = json.loads(revision(package, "v1"))
        body["metadata"]["namespace"] = "sweep"
        body["spec"]["repository"] = "sweeprepo"
        registered.kubectl("create", "-f", "-", stdin=json.dumps(body))
    out = registered.kubectl("delete", "packagerevisions", "--all", "-n", "sweep").stdout
    assert 'packagerevision.porch.kpt.dev "sweeprepo.sw-a.v1" deleted' in out
    assert 'packagerevision.porch.kpt.dev "sweeprepo.sw-b.v1" deleted' in out
    left = registered.kubectl("get", "packagerevisions", "-n", "sweep")
    assert "No resources found" in left.stderr
