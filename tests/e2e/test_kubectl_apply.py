"""Writes through the real kubectl: server-side apply (managedFields, conflicts, force,
finalizers owned per item), client-side apply, create/replace/patch in every type,
dryRun=All, delete preconditions, pruning of unknown fields, and the Status of each error
class (reference/apis.md §4)."""

from __future__ import annotations

import json
import os
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.e2e.stack import Running, kubectl_binary
from tests.e2e.test_lifecycle import name_of, revision
from tests.e2e.test_walking_skeleton import repository_manifest

pytestmark = pytest.mark.e2e

REPOS = "/apis/config.porch.kpt.dev/v1alpha1/namespaces/default/repositories"


def manifest(running: Running, name: str, **spec: Any) -> str:
    body = {
        "apiVersion": "config.porch.kpt.dev/v1alpha1",
        "kind": "Repository",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"type": "git", "git": {"repo": running.repo_url, "branch": "main"}, **spec},
    }
    return yaml.safe_dump(body)


def get(running: Running, name: str) -> dict[str, Any]:
    out = running.kubectl("get", "repository", name, "-o", "json", "--show-managed-fields")
    obj: dict[str, Any] = json.loads(out.stdout)
    return obj


def owners(obj: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(e["manager"], e["operation"]): e["fieldsV1"] for e in obj["metadata"]["managedFields"]}


def test_server_side_apply_creates_and_records_the_field_manager(stack: Running) -> None:
    done = stack.kubectl("apply", "--server-side", "-f", "-", stdin=manifest(stack, "ssa"))
    assert done.stdout.strip() == "repository.config.porch.kpt.dev/ssa serverside-applied"
    obj = get(stack, "ssa")
    assert owners(obj)[("kubectl", "Apply")] == {
        "f:spec": {"f:git": {"f:branch": {}, "f:repo": {}}, "f:type": {}}
    }
    plain = json.loads(stack.kubectl("get", "repository", "ssa", "-o", "json").stdout)
    assert "managedFields" not in plain["metadata"]  # kubectl hides them unless asked


def test_conflicting_apply_is_409_with_causes_until_forced(stack: Running) -> None:
    stack.kubectl(
        "apply", "--server-side", "-f", "-", stdin=manifest(stack, "owned", description="mine")
    )
    theirs = manifest(stack, "owned", description="theirs")
    refused = stack.kubectl(
        "apply", "--server-side", "--field-manager=flux", "-f", "-", stdin=theirs, check=False
    )
    assert refused.returncode == 1
    assert (
        'Apply failed with 1 conflict: conflict with "kubectl" using '
        "config.porch.kpt.dev/v1alpha1: .spec.description" in refused.stderr
    )
    assert get(stack, "owned")["spec"]["description"] == "mine"
    status, body = stack.request(
        "PATCH",
        f"{REPOS}/owned?fieldManager=flux",
        body=json.dumps(yaml.safe_load(theirs)).encode(),
        token=stack.token(),
        content_type="application/apply-patch+yaml",
    )
    assert (status, body["reason"]) == (409, "Conflict")
    assert body["details"]["causes"] == [
        {
            "reason": "FieldManagerConflict",
            "message": 'conflict with "kubectl" using config.porch.kpt.dev/v1alpha1',
            "field": ".spec.description",
        }
    ]
    forced = stack.kubectl(
        "apply",
        "--server-side",
        "--field-manager=flux",
        "--force-conflicts",
        "-f",
        "-",
        stdin=theirs,
    )
    assert "serverside-applied" in forced.stdout
    obj = get(stack, "owned")
    assert obj["spec"]["description"] == "theirs"
    assert "f:description" in owners(obj)[("flux", "Apply")]["f:spec"]
    assert "f:description" not in owners(obj)[("kubectl", "Apply")]["f:spec"]


def test_apply_without_a_field_manager_is_a_bad_request(stack: Running) -> None:
    status, body = stack.request(
        "PATCH",
        f"{REPOS}/nomanager",
        body=manifest(stack, "nomanager").encode(),
        token=stack.token(),
        content_type="application/apply-patch+yaml",
    )
    assert (status, body["reason"]) == (400, "BadRequest")


def test_dry_run_server_never_persists(stack: Running) -> None:
    dry = stack.kubectl(
        "apply", "--server-side", "--dry-run=server", "-f", "-", stdin=manifest(stack, "dry")
    )
    assert "serverside-applied (server dry run)" in dry.stdout
    created = stack.kubectl("create", "--dry-run=server", "-f", "-", stdin=manifest(stack, "dry"))
    assert "created (server dry run)" in created.stdout
    missing = stack.kubectl("get", "repository", "dry", check=False)
    assert "NotFound" in missing.stderr
    stack.kubectl("create", "-f", "-", stdin=manifest(stack, "kept"))
    stack.kubectl("delete", "repository", "kept", "--dry-run=server")
    stack.kubectl("label", "repository", "kept", "a=b", "--dry-run=server")
    obj = get(stack, "kept")
    assert "labels" not in obj["metadata"]


def test_client_side_apply_create_replace_patch_and_label(stack: Running) -> None:
    first = stack.kubectl("apply", "-f", "-", stdin=manifest(stack, "csa"))
    assert first.stdout.strip() == "repository.config.porch.kpt.dev/csa created"
    again = stack.kubectl("apply", "-f", "-", stdin=manifest(stack, "csa", description="d"))
    assert again.stdout.strip() == "repository.config.porch.kpt.dev/csa configured"
    stack.kubectl("patch", "repository", "csa", "-p", '{"metadata":{"labels":{"s":"1"}}}')
    stack.kubectl(
        "patch", "repository", "csa", "--type=merge", "-p", '{"spec":{"description":"m"}}'
    )
    stack.kubectl(
        "patch",
        "repository",
        "csa",
        "--type=json",
        "-p",
        '[{"op":"add","path":"/metadata/annotations","value":{"j":"2"}}]',
    )
    stack.kubectl("annotate", "repository", "csa", "k=3")
    obj = get(stack, "csa")
    assert obj["metadata"]["labels"] == {"s": "1"}
    assert obj["metadata"]["annotations"]["j"] == "2"
    assert obj["metadata"]["annotations"]["k"] == "3"
    assert obj["spec"]["description"] == "m"
    managers = {m for m, _ in owners(obj)}
    assert {"kubectl-client-side-apply", "kubectl-patch", "kubectl-annotate"} <= managers
    assert obj["metadata"]["generation"] >= 1
    assert obj["status"]["observedGeneration"] == obj["metadata"]["generation"]


def test_stale_replace_and_second_create_are_409(stack: Running) -> None:
    stack.kubectl("create", "-f", "-", stdin=manifest(stack, "occ"))
    again = stack.kubectl("create", "-f", "-", stdin=manifest(stack, "occ"), check=False)
    assert (
        'Error from server (AlreadyExists): error when creating "STDIN": '
        'repositories.config.porch.kpt.dev "occ" already exists' in again.stderr
    )
    stale = get(stack, "occ")
    stack.kubectl("label", "repository", "occ", "bump=1")
    del stale["metadata"]["managedFields"]
    refused = stack.kubectl("replace", "-f", "-", stdin=json.dumps(stale), check=False)
    assert "Error from server (Conflict)" in refused.stderr
    assert "the object has been modified" in refused.stderr


def test_delete_preconditions(stack: Running) -> None:
    stack.kubectl("create", "-f", "-", stdin=manifest(stack, "pre"))
    obj = get(stack, "pre")

    def delete(pre: dict[str, str]) -> tuple[int, dict[str, Any]]:
        options = {"kind": "DeleteOptions", "apiVersion": "v1", "preconditions": pre}
        return stack.request(
            "DELETE", f"{REPOS}/pre", body=json.dumps(options).encode(), token=stack.token()
        )

    status, body = delete({"uid": "not-the-uid"})
    assert (status, body["reason"]) == (409, "Conflict")
    assert body["message"].startswith("Precondition failed: UID in precondition: not-the-uid")
    status, body = delete({"resourceVersion": "1"})
    assert (status, body["reason"]) == (409, "Conflict")
    status, body = delete({"uid": obj["metadata"]["uid"]})
    assert status == 200, body
    assert body["status"] == "Success"


def test_bad_patches_and_bodies_get_a_status(stack: Running) -> None:
    stack.kubectl("create", "-f", "-", stdin=manifest(stack, "badpatch"))
    failed = stack.kubectl(
        "patch",
        "repository",
        "badpatch",
        "--type=json",
        "-p",
        '[{"op":"test","path":"/spec/type","value":"oci"}]',
        check=False,
    )
    assert failed.stderr.strip() == (
        "The request is invalid: the JSON patch could not be applied: "
        "git is not equal to tested value oci"
    )
    status, body = stack.request(
        "PATCH", f"{REPOS}/badpatch", body=b"{}", token=stack.token(), content_type="text/plain"
    )
    assert (status, body["reason"]) == (415, "UnsupportedMediaType")
    status, body = stack.request("POST", REPOS, body=b"{not json", token=stack.token())
    assert (status, body["reason"]) == (400, "BadRequest")


def test_a_body_over_the_limit_is_413(stack: Running) -> None:
    from porch_apiserver.handlers import MAX_BODY

    huge = b'{"spec":{"description":"' + b"x" * MAX_BODY + b'"}}'
    status, body = stack.request("POST", REPOS, body=huge, token=stack.token())
    assert (status, body.get("reason")) == (413, "RequestEntityTooLarge")


def test_field_validation_strict_warn_and_ignore(stack: Running) -> None:
    bogus = manifest(stack, "fv").replace("spec:\n", "spec:\n  bogus: 1\n")
    strict = stack.kubectl("create", "-f", "-", stdin=bogus, check=False)
    assert 'strict decoding error: unknown field "spec.bogus"' in strict.stderr
    assert "NotFound" in stack.kubectl("get", "repository", "fv", check=False).stderr
    warned = stack.kubectl("create", "--validate=warn", "-f", "-", stdin=bogus)
    assert 'Warning: unknown field "spec.bogus"' in warned.stderr
    stack.kubectl("delete", "repository", "fv")
    ignored = stack.kubectl("create", "--validate=false", "-f", "-", stdin=bogus)
    assert "Warning" not in ignored.stderr
    # git-sync reports on the repository asynchronously (connection, discovery), and each
    # report moves its resourceVersion: read again on a 409, as a kubectl user would.
    stack.kubectl("wait", "--for=condition=Ready", "repository/fv", "--timeout=30s")
    for _ in range(5):
        echoed = stack.kubectl("get", "repository", "fv", "-o", "yaml").stdout
        replaced = stack.kubectl("replace", "-f", "-", stdin=echoed, check=False)
        if "Conflict" not in replaced.stderr:
            break
        time.sleep(0.5)
    assert "replaced" in replaced.stdout, replaced.stderr


def test_client_side_apply_after_server_side_moves_cleanly(stack: Running) -> None:
    stack.kubectl("apply", "--server-side", "-f", "-", stdin=manifest(stack, "moved"))
    stack.kubectl("apply", "-f", "-", stdin=manifest(stack, "moved", description="x"))
    done = stack.kubectl("apply", "-f", "-", stdin=manifest(stack, "moved", description="why"))
    assert "rejected managed fields migration" not in done.stderr
    assert get(stack, "moved")["spec"]["description"] == "why"


def test_kubectl_edit_patches_the_diff(stack: Running, tmp_path: Path) -> None:
    stack.kubectl("create", "-f", "-", stdin=manifest(stack, "edited", description="before"))
    editor = tmp_path / "editor.sh"
    editor.write_text('#!/bin/sh\nsed -i "s/description: before/description: after/" "$1"\n')
    editor.chmod(0o755)
    done = subprocess.run(
        [
            kubectl_binary(),
            f"--kubeconfig={stack.kubeconfig}",
            f"--cache-dir={stack.home / 'kubectl-cache'}",
            "edit",
            "repository",
            "edited",
        ],
        env={**os.environ, "KUBE_EDITOR": str(editor)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout.strip() == "repository.config.porch.kpt.dev/edited edited", done.stderr
    obj = get(stack, "edited")
    assert obj["spec"]["description"] == "after"
    assert ("kubectl-edit", "Update") in owners(obj)


def test_two_field_managers_each_apply_their_own_finalizer(stack: Running) -> None:
    stack.kubectl("apply", "-f", "-", stdin=repository_manifest(stack.repo_url))
    stack.kubectl("wait", "--for=condition=Ready", "repository/packages", "--timeout=30s")
    stack.kubectl("create", "-f", "-", stdin=revision("held", "v1"))
    name = name_of("held", "v1")

    def config(*finalizers: str) -> str:
        meta: dict[str, Any] = {"name": name, "namespace": "default"}
        if finalizers:
            meta["finalizers"] = list(finalizers)
        body = {"apiVersion": "porch.kpt.dev/v1alpha1", "kind": "PackageRevision", "metadata": meta}
        return json.dumps(body)

    def read() -> dict[str, Any]:
        out = stack.kubectl("get", "packagerevision", name, "-o", "json", "--show-managed-fields")
        found: dict[str, Any] = json.loads(out.stdout)
        return found

    for manager, finalizer in (("a", "a.example.com/hold"), ("b", "b.example.com/hold")):
        done = stack.kubectl(
            "apply",
            "--server-side",
            f"--field-manager={manager}",
            "-f",
            "-",
            stdin=config(finalizer),
        )
        assert "serverside-applied" in done.stdout, done.stderr
    obj = read()
    assert obj["metadata"]["finalizers"] == ["a.example.com/hold", "b.example.com/hold"]
    assert owners(obj)[("b", "Apply")] == {
        "f:metadata": {"f:finalizers": {'v:"b.example.com/hold"': {}}}
    }
    stack.kubectl("apply", "--server-side", "--field-manager=a", "-f", "-", stdin=config())
    assert read()["metadata"]["finalizers"] == ["b.example.com/hold"]  # only a's went
    stack.kubectl("apply", "--server-side", "--field-manager=b", "-f", "-", stdin=config())
    assert "finalizers" not in read()["metadata"]


def test_unknown_fields_are_pruned_unless_strict_refuses_them(stack: Running) -> None:
    bogus = manifest(stack, "pruned").replace("spec:\n", "spec:\n  bogus: 1\n")
    bogus = bogus.replace("  branch: main\n", "  branch: main\n    nope: true\n")
    assert "nope: true" in bogus
    stack.kubectl("create", "--validate=false", "-f", "-", stdin=bogus)
    shown = yaml.safe_load(stack.kubectl("get", "repository", "pruned", "-o", "yaml").stdout)
    assert "bogus" not in shown["spec"]
    assert "nope" not in shown["spec"]["git"]
    assert shown["spec"]["git"]["branch"] == "main"
    patched = stack.kubectl(
        "patch", "repository", "pruned", "--type=merge", "-p", '{"spec":{"bogus":2}}'
    )
    assert 'Warning: unknown field "spec.bogus"' in patched.stderr
    assert "bogus" not in get(stack, "pruned")["spec"]


LIST_WITH_TYPOS = """\
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Secret
  metadata: {name: listed-secret}
  stringData: {token: t}
  bogus: 1
- apiVersion: config.porch.kpt.dev/v1alpha1
  kind: Repository
  metadata: {name: listed-repo}
  spec:
    type: git
    git: {repo: REPO, branchh: main}
"""


def test_a_v1_list_is_validated_from_openapi_v2_then_created(stack: Running) -> None:
    """kubectl checks a List's items itself, against /openapi/v2 (protobuf): typos in a core
    and in a Porch item are both caught before anything is sent."""
    typos = LIST_WITH_TYPOS.replace("REPO", stack.repo_url)
    refused = stack.kubectl("create", "-f", "-", stdin=typos, check=False)
    assert refused.returncode != 0
    assert 'unknown field "bogus" in io.k8s.api.core.v1.Secret' in refused.stderr
    assert 'unknown field "branchh"' in refused.stderr
    assert "dev.kpt.porch.config.v1alpha1.Repository.spec.git" in refused.stderr
    assert "listed-secret" not in stack.kubectl("get", "secrets", "-o", "name").stdout
    fixed = typos.replace("  bogus: 1\n", "").replace("branchh", "branch")
    created = stack.kubectl("create", "-f", "-", stdin=fixed).stdout
    assert "secret/listed-secret created" in created
    assert "repository.config.porch.kpt.dev/listed-repo created" in created
    listed = stack.kubectl("get", "secrets,repositories", "-o", "json").stdout
    replaced = stack.kubectl("replace", "-f", "-", stdin=listed).stdout
    assert "secret/listed-secret replaced" in replaced
    stack.kubectl("delete", "secret/listed-secret", "repository/listed-repo")


def test_openapi_v2_json_defines_every_kind(stack: Running) -> None:
    doc = json.loads(stack.kubectl("get", "--raw", "/openapi/v2").stdout)
    assert doc["swagger"] == "2.0"
    kinds = {
        (gvk["group"], gvk["kind"])
        for schema in doc["definitions"].values()
        for gvk in schema.get("x-kubernetes-group-version-kind", ())
    }
    for kind in ("PackageRevision", "PackageRevisionResources"):
        assert ("porch.kpt.dev", kind) in kinds
    assert ("config.porch.kpt.dev", "Repository") in kinds
    assert {("", "Secret"), ("", "Namespace")} <= kinds
    patch = doc["paths"][
        "/apis/config.porch.kpt.dev/v1alpha1/namespaces/{namespace}/repositories/{name}"
    ]["patch"]
    assert "fieldValidation" in {p["name"] for p in patch["parameters"]}
    refs = json.dumps(doc)
    assert "#/components/" not in refs


def test_openapi_v2_answers_304_to_its_etag(stack: Running) -> None:
    """What kube-apiserver's aggregator does every minute with an aggregated API's v2."""
    path = "/openapi/v2"
    context = ssl.create_default_context(cafile=str(stack.home / "pki" / "ca.crt"))
    headers = {"Authorization": f"Bearer {stack.token()}", "Accept": "application/json"}
    with urllib.request.urlopen(
        urllib.request.Request(stack.api + path, headers=headers), context=context
    ) as first:
        etag = first.headers["ETag"]
        assert json.loads(first.read())["swagger"] == "2.0"
    again = urllib.request.Request(stack.api + path, headers={**headers, "If-None-Match": etag})
    with pytest.raises(urllib.error.HTTPError) as unchanged:
        urllib.request.urlopen(again, context=context)
    unchanged.value.close()
    assert unchanged.value.code == 304
