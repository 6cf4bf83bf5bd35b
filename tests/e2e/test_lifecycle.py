"""Package revision lifecycle through the API (reference/porch.md §4.1), driven with the
real kubectl and HTTP against ``porch up``.

Creation is answered by the orchestrator's task worker.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.stack import Running
from tests.e2e.test_bad_input import last_seq
from tests.e2e.test_walking_skeleton import repository_manifest, table, wait_until

pytestmark = pytest.mark.e2e

GROUP = "/apis/porch.kpt.dev/v1alpha1/namespaces/default"
BASE = f"{GROUP}/packagerevisions"


@pytest.fixture(scope="module")
def registered(stack: Running) -> Running:
    stack.kubectl("apply", "-f", "-", stdin=repository_manifest(stack.repo_url))
    stack.kubectl("wait", "--for=condition=Ready", "repository/packages", "--timeout=30s")
    return stack


def revision(package: str, workspace: str, tasks: list[dict[str, object]] | None = None) -> str:
    body: dict[str, object] = {
        "apiVersion": "porch.kpt.dev/v1alpha1",
        "kind": "PackageRevision",
        "metadata": {"namespace": "default"},
        "spec": {"packageName": package, "repository": "packages", "workspaceName": workspace},
    }
    if tasks is not None:
        body["spec"]["tasks"] = tasks  # type: ignore[index]
    return json.dumps(body)


def name_of(package: str, workspace: str) -> str:
    return f"packages.{package.replace('/', '.')}.{workspace}"


def get(running: Running, name: str) -> dict[str, object]:
    out = running.kubectl("get", "packagerevision", name, "-o", "json").stdout
    result: dict[str, object] = json.loads(out)
    return result


def post(running: Running, body: str) -> tuple[int, dict[str, object]]:
    return running.request("POST", BASE, body=body.encode(), token=running.token())


def approve(running: Running, name: str, lifecycle: str, tmp_path: Path) -> None:
    current = get(running, name)
    current["spec"]["lifecycle"] = lifecycle  # type: ignore[index]
    # unconditional: git-sync may record the draft's commit between our read and write
    current["metadata"].pop("resourceVersion", None)  # type: ignore[attr-defined]
    path = tmp_path / f"{name}-{lifecycle}.json"
    path.write_text(json.dumps(current))
    running.kubectl("replace", "--raw", f"{BASE}/{name}/approval", "-f", str(path))


def propose(running: Running, name: str) -> None:
    running.kubectl(
        "patch", "packagerevision", name, "--type=merge", "-p", '{"spec":{"lifecycle":"Proposed"}}'
    )


def publish(running: Running, package: str, workspace: str, tmp_path: Path) -> str:
    name = name_of(package, workspace)
    running.kubectl("create", "-f", "-", stdin=revision(package, workspace))
    propose(running, name)
    approve(running, name, "Published", tmp_path)
    return name


# --- without the task worker ------------------------------------------------------------


def test_kubectl_discovers_packagerevisionresources(registered: Running) -> None:
    out = registered.kubectl("api-resources", "--api-group=porch.kpt.dev", "-o", "wide").stdout

    line = next(ln for ln in out.splitlines() if ln.startswith("packagerevisionresources "))
    assert "PackageRevisionResources" in line
    assert "get" in line
    assert "update" in line
    assert "create" not in line


def test_bad_creations_are_refused_before_anything_is_stored(registered: Running) -> None:
    before = last_seq(registered)
    two = [{"type": "init", "init": {}}, {"type": "init", "init": {}}]
    clone = [{"type": "clone", "clone": {"upstreamRef": {"upstreamRef": {"name": "nope.x.v1"}}}}]
    edit = [{"type": "edit", "edit": {"sourceRef": {"name": "packages.other.v1"}}}]

    cases = [
        (revision("p1", "v1", two), 422, "more than one task"),
        (revision("p1", "v1", [{"type": "eval"}]), 422, "Unsupported value"),
        (revision("p1", "v1", clone), 404, "nope.x.v1"),
        (revision("p1", "v1", edit), 404, "packages.other.v1"),
    ]
    for body, code, words in cases:
        status, answer = post(registered, body)
        assert (status, answer["code"]) == (code, code), answer
        assert words in str(answer["message"])
    assert last_seq(registered) == before


def test_prr_of_an_unknown_revision_is_not_found_and_it_cannot_be_created(
    registered: Running,
) -> None:
    status, answer = registered.request(
        "GET", f"{GROUP}/packagerevisionresources/packages.none.v1", token=registered.token()
    )
    assert (status, answer["reason"]) == (404, "NotFound")

    status, answer = registered.request(
        "POST", f"{GROUP}/packagerevisionresources", body=b"{}", token=registered.token()
    )
    assert (status, answer["reason"]) == (405, "MethodNotAllowed")


# --- with the task worker ---------------------------------------------------------------


def test_init_without_a_task_then_propose_approve_and_delete_rules(
    registered: Running, tmp_path: Path
) -> None:
    name = name_of("life", "v1")
    status, created = post(registered, revision("life", "v1"))
    assert status == 201, created
    assert created["spec"]["tasks"] == [  # type: ignore[index]
        {"type": "init", "init": {"description": "life description"}}
    ]
    status, again = post(registered, revision("life", "v1"))
    assert (status, again["reason"]) == (409, "AlreadyExists")

    propose(registered, name)
    approve(registered, name, "Published", tmp_path)
    assert get(registered, name)["spec"]["revision"] == 1  # type: ignore[index]

    denied = registered.kubectl("delete", "packagerevision", name, check=False)
    assert denied.returncode != 0
    assert "proposed for deletion" in denied.stderr
    approve(registered, name, "DeletionProposed", tmp_path)
    approve(registered, name, "Published", tmp_path)  # undo
    assert registered.kubectl("delete", "packagerevision", name, check=False).returncode != 0
    approve(registered, name, "DeletionProposed", tmp_path)
    registered.kubectl("delete", "packagerevision", name)
    assert registered.kubectl("get", "packagerevision", name, check=False).returncode != 0

    status, recreated = post(registered, revision("life", "v1"))  # the workspace is free again
    assert status == 201, recreated
    assert len(recreated["spec"]["tasks"]) == 1  # type: ignore[arg-type,index]


def test_latest_label_moves_on_publish_and_delete(registered: Running, tmp_path: Path) -> None:
    v1 = publish(registered, "latest", "v1", tmp_path)
    edit = [{"type": "edit", "edit": {"sourceRef": {"name": v1}}}]
    registered.kubectl("create", "-f", "-", stdin=revision("latest", "v2", edit))
    v2 = name_of("latest", "v2")
    propose(registered, v2)
    approve(registered, v2, "Published", tmp_path)

    def latest() -> list[str]:
        out = registered.kubectl(
            "get", "packagerevisions", "-l", "kpt.dev/latest-revision=true", "-o", "name"
        ).stdout.split()
        return [n.split("/", 1)[1] for n in out if ".latest." in n]

    assert latest() == [v2]
    approve(registered, v2, "DeletionProposed", tmp_path)
    registered.kubectl("delete", "packagerevision", v2)
    assert latest() == [v1]


def test_edit_rules_and_nested_packages(registered: Running, tmp_path: Path) -> None:
    v1 = publish(registered, "edited", "v1", tmp_path)
    registered.kubectl("create", "-f", "-", stdin=revision("edited", "draft"))
    cases = [
        (revision("other", "v1", [{"type": "edit", "edit": {"sourceRef": {"name": v1}}}]), 422),
        (
            revision(
                "edited",
                "v2",
                [{"type": "edit", "edit": {"sourceRef": {"name": name_of("edited", "draft")}}}],
            ),
            422,
        ),
        (revision("edited/inner", "v1"), 422),
    ]
    for body, code in cases:
        status, answer = post(registered, body)
        assert status == code, answer
    status, answer = post(
        registered,
        revision("edited", "v2", [{"type": "edit", "edit": {"sourceRef": {"name": v1}}}]),
    )
    assert status == 201, answer
    assert answer["spec"]["tasks"][0]["type"] == "edit"  # type: ignore[index]


def test_metadata_finalizers_and_owner_references(registered: Running) -> None:
    name = name_of("meta", "v1")
    registered.kubectl("create", "-f", "-", stdin=revision("meta", "v1"))
    registered.kubectl("label", "packagerevision", name, "team=web")
    registered.kubectl("annotate", "packagerevision", name, "note=kept")
    owner = {"apiVersion": "v1", "kind": "ConfigMap", "name": "cm", "uid": "1234"}
    patch = {"metadata": {"finalizers": ["example.com/hold"], "ownerReferences": [owner]}}
    registered.kubectl("patch", "packagerevision", name, "--type=merge", "-p", json.dumps(patch))
    propose(registered, name)

    meta = get(registered, name)["metadata"]
    assert meta["labels"] == {"team": "web"}  # type: ignore[index]
    assert meta["annotations"] == {"note": "kept"}  # type: ignore[index]
    assert meta["ownerReferences"] == [owner]  # type: ignore[index]

    registered.kubectl("delete", "packagerevision", name, "--wait=false")
    held = get(registered, name)["metadata"]
    assert held["deletionTimestamp"]  # type: ignore[index]
    registered.kubectl(
        "patch", "packagerevision", name, "--type=merge", "-p", '{"metadata":{"finalizers":null}}'
    )
    wait_until(
        lambda: registered.kubectl("get", "packagerevision", name, check=False).returncode != 0,
        what="revision gone after its last finalizer",
    )


def test_the_latest_label_cannot_be_set(registered: Running) -> None:
    name = name_of("nolabel", "v1")
    registered.kubectl("create", "-f", "-", stdin=revision("nolabel", "v1"))

    out = registered.kubectl(
        "label", "packagerevision", name, "kpt.dev/latest-revision=true", check=False
    )

    assert out.returncode != 0
    assert "computed" in out.stderr
    assert table(registered, "packagerevisions", name)[1][4] == "false"
