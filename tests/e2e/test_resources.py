"""PackageRevisionResources through the API: get/list/update, file name checks, no-op
updates, render status, and a multi-megabyte ConfigMap (reference/porch.md §4.1).

Every test needs a created revision: the orchestrator's task worker answers creations.
"""

from __future__ import annotations

import json

import pytest

from tests.e2e.stack import Running
from tests.e2e.test_lifecycle import GROUP, name_of, revision
from tests.e2e.test_walking_skeleton import repository_manifest, table

pytestmark = pytest.mark.e2e

PRR = f"{GROUP}/packagerevisionresources"


@pytest.fixture(scope="module")
def draft(stack: Running) -> tuple[Running, str]:
    stack.kubectl("apply", "-f", "-", stdin=repository_manifest(stack.repo_url))
    stack.kubectl("wait", "--for=condition=Ready", "repository/packages", "--timeout=30s")
    stack.kubectl("create", "-f", "-", stdin=revision("files", "v1"))
    return stack, name_of("files", "v1")


def read(running: Running, name: str) -> dict[str, object]:
    status, body = running.request("GET", f"{PRR}/{name}", token=running.token())
    assert status == 200, body
    return body


def put(running: Running, name: str, body: dict[str, object]) -> tuple[int, dict[str, object]]:
    data = json.dumps(body).encode()
    return running.request("PUT", f"{PRR}/{name}", body=data, token=running.token())


def test_get_and_list_show_the_init_files(draft: tuple[Running, str]) -> None:
    running, name = draft

    prr = read(running, name)

    files = prr["spec"]["resources"]  # type: ignore[index]
    assert {"Kptfile", "README.md", "package-context.yaml"} <= set(files)
    assert "kind: Kptfile" in files["Kptfile"]
    rows = table(running, "packagerevisionresources")
    assert rows[0][:6] == ["NAME", "PACKAGE", "WORKSPACENAME", "REVISION", "REPOSITORY", "FILES"]
    assert [name, "files", "v1", "0", "packages", str(len(files))] in [r[:6] for r in rows]


def test_update_adds_a_file_and_identical_update_is_a_no_op(draft: tuple[Running, str]) -> None:
    running, name = draft
    prr = read(running, name)
    prr["spec"]["resources"]["cm.yaml"] = (  # type: ignore[index]
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  a: b\n"
    )

    status, updated = put(running, name, prr)
    assert status == 200, updated
    assert "cm.yaml" in updated["spec"]["resources"]  # type: ignore[operator,index]
    assert "renderStatus" in updated["status"]  # type: ignore[operator]

    status, same = put(running, name, updated)
    assert status == 200, same
    assert same["metadata"]["resourceVersion"] == updated["metadata"]["resourceVersion"]  # type: ignore[index]


def test_stale_resource_version_and_bad_file_names_are_refused(
    draft: tuple[Running, str],
) -> None:
    running, name = draft
    prr = read(running, name)
    stale = {**prr, "metadata": {**prr["metadata"], "resourceVersion": "1"}}  # type: ignore[dict-item]
    status, answer = put(running, name, stale)
    assert (status, answer["reason"]) == (409, "Conflict")

    for bad in ("/abs.yaml", "../up.yaml", "a/../../b.yaml", ""):
        body = json.loads(json.dumps(prr))
        body["spec"]["resources"][bad] = "x: 1\n"
        status, answer = put(running, name, body)
        assert (status, answer["reason"]) == (422, "Invalid"), bad


def test_a_five_megabyte_configmap_round_trips(draft: tuple[Running, str]) -> None:
    running, name = draft
    prr = read(running, name)
    value = "x" * (5 * 1024 * 1024)
    text = f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  big: {value}\n"
    prr["spec"]["resources"]["big.yaml"] = text  # type: ignore[index]

    status, updated = put(running, name, prr)

    assert status == 200, str(updated)[:500]
    assert value in read(running, name)["spec"]["resources"]["big.yaml"]  # type: ignore[index]


def test_resources_of_a_proposed_revision_cannot_change(draft: tuple[Running, str]) -> None:
    running, _ = draft
    name = name_of("frozen", "v1")
    running.kubectl("create", "-f", "-", stdin=revision("frozen", "v1"))
    running.kubectl(
        "patch", "packagerevision", name, "--type=merge", "-p", '{"spec":{"lifecycle":"Proposed"}}'
    )
    prr = read(running, name)
    prr["spec"]["resources"]["new.yaml"] = "a: 1\n"  # type: ignore[index]

    status, answer = put(running, name, prr)

    assert (status, answer["reason"]) == (422, "Invalid")
    assert "only Draft" in str(answer["message"])
