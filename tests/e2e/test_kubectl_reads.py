"""Reads through the real kubectl: every output form, selectors (Porch's field selectors,
400 for others), paging, all namespaces, explain, and watch with sendInitialEvents."""

from __future__ import annotations

import json
import re
import time

import pytest
import yaml

from tests.e2e.stack import Running
from tests.e2e.test_walking_skeleton import repository_manifest

pytestmark = pytest.mark.e2e

GROUP = "/apis/porch.kpt.dev/v1alpha1"
PRS = f"{GROUP}/namespaces/default/packagerevisions"


def revision(package: str) -> str:
    return yaml.safe_dump(
        {
            "apiVersion": "porch.kpt.dev/v1alpha1",
            "kind": "PackageRevision",
            "metadata": {"namespace": "default"},
            "spec": {"packageName": package, "repository": "packages", "workspaceName": "v1"},
        }
    )


def rows(running: Running, *args: str) -> list[list[str]]:
    out = running.kubectl("get", *args).stdout.strip().splitlines()
    return [re.split(r"\s{2,}", line.strip()) for line in out]


@pytest.fixture(scope="module")
def revisions(stack: Running) -> Running:
    stack.kubectl("apply", "-f", "-", stdin=repository_manifest(stack.repo_url))
    stack.kubectl("wait", "--for=condition=Ready", "repository/packages", "--timeout=30s")
    for package in ("alpha", "beta"):
        stack.kubectl("create", "-f", "-", stdin=revision(package))
    stack.kubectl("label", "packagerevision", "packages.alpha.v1", "stage=dev")
    return stack


def test_table_wide_labels_and_label_columns(revisions: Running) -> None:
    table = rows(revisions, "packagerevisions")
    assert table[0] == [
        "NAME",
        "PACKAGE",
        "WORKSPACENAME",
        "REVISION",
        "LATEST",
        "LIFECYCLE",
        "REPOSITORY",
    ]
    assert ["packages.alpha.v1", "alpha", "v1", "0", "false", "Draft", "packages"] in table
    assert rows(revisions, "packagerevisions", "-o", "wide")[0][-1] == "AGE"
    shown = rows(revisions, "packagerevisions", "--show-labels")
    assert shown[0][-1] == "LABELS"
    assert {r[0]: r[-1] for r in shown[1:]}["packages.alpha.v1"] == "stage=dev"
    assert rows(revisions, "packagerevisions", "-L", "stage")[0][-1] == "STAGE"
    repos = rows(revisions, "repositories", "-o", "wide")
    assert repos[0] == [
        "NAME",
        "TYPE",
        "CONTENT",
        "SYNC SCHEDULE",
        "DEPLOYMENT",
        "READY",
        "ADDRESS",
        "BRANCH",
        "AGE",
    ]


def test_name_jsonpath_yaml_and_all_namespaces(revisions: Running) -> None:
    names = revisions.kubectl("get", "packagerevisions", "-o", "name").stdout.split()
    assert names == [
        "packagerevision.porch.kpt.dev/packages.alpha.v1",
        "packagerevision.porch.kpt.dev/packages.beta.v1",
    ]
    path = "{.spec.lifecycle}/{.metadata.labels.stage}"
    got = revisions.kubectl("get", "packagerevision", "packages.alpha.v1", "-o", f"jsonpath={path}")
    assert got.stdout == "Draft/dev"
    obj = yaml.safe_load(
        revisions.kubectl("get", "packagerevision", "packages.beta.v1", "-o", "yaml").stdout
    )
    assert obj["metadata"]["generation"] == 1
    everywhere = rows(revisions, "packagerevisions", "-A")
    assert everywhere[0][:2] == ["NAMESPACE", "NAME"]
    assert everywhere[1][:2] == ["default", "packages.alpha.v1"]


def test_label_and_field_selectors(revisions: Running) -> None:
    assert rows(revisions, "packagerevisions", "-l", "stage=dev", "-o", "name") == [
        ["packagerevision.porch.kpt.dev/packages.alpha.v1"]
    ]
    assert rows(revisions, "packagerevisions", "-l", "stage!=dev", "-o", "name") == [
        ["packagerevision.porch.kpt.dev/packages.beta.v1"]
    ]
    picked = rows(
        revisions,
        "packagerevisions",
        "--field-selector",
        "spec.packageName=beta,spec.lifecycle=Draft",
        "-o",
        "name",
    )
    assert picked == [["packagerevision.porch.kpt.dev/packages.beta.v1"]]
    labelled = revisions.kubectl(
        "get", "packagerevisions", "--field-selector", "spec.packageMetadata.labels[app]=web"
    )
    assert "No resources found" in labelled.stderr
    for bad in ("spec.tasks=x", "spec.lifecycle=Shipped"):
        refused = revisions.kubectl("get", "packagerevisions", "--field-selector", bad, check=False)
        assert refused.returncode == 1
        assert "Error from server (BadRequest)" in refused.stderr


def test_chunked_lists_page_with_continue(revisions: Running) -> None:
    names = revisions.kubectl("get", "packagerevisions", "--chunk-size=1", "-o", "name").stdout
    assert len(names.split()) == 2
    page = json.loads(revisions.kubectl("get", "--raw", f"{PRS}?limit=1").stdout)
    assert page["metadata"]["remainingItemCount"] == 1
    token = page["metadata"]["continue"]
    rest = json.loads(revisions.kubectl("get", "--raw", f"{PRS}?limit=1&continue={token}").stdout)
    assert [i["metadata"]["name"] for i in rest["items"]] == ["packages.beta.v1"]
    assert "continue" not in rest["metadata"]


def test_table_lists_are_answered_whole_and_json_lists_paged(revisions: Running) -> None:
    """kubectl's printed Table comes in one request whatever --chunk-size says (a server may
    decline limit); the JSON list behind -o name pages one object at a time."""

    def list_requests(*args: str) -> list[str]:
        done = revisions.kubectl("get", "packagerevisions", "--chunk-size=1", "-v=6", *args)
        return re.findall(r"GET \S+/packagerevisions\?\S+ 200", done.stderr)

    table = list_requests()
    assert len(table) == 1, table
    assert len(list_requests("-o", "name")) == 2


def test_resource_version_match(revisions: Running) -> None:
    listed = json.loads(revisions.kubectl("get", "--raw", PRS).stdout)
    rv = listed["metadata"]["resourceVersion"]
    exact = json.loads(
        revisions.kubectl(
            "get", "--raw", f"{PRS}?resourceVersion={rv}&resourceVersionMatch=Exact"
        ).stdout
    )
    assert len(exact["items"]) == len(listed["items"])
    old = revisions.kubectl(
        "get", "--raw", f"{PRS}?resourceVersion=1&resourceVersionMatch=Exact", check=False
    )
    assert "Error from server (Expired)" in old.stderr
    bad = revisions.kubectl("get", "--raw", f"{PRS}?resourceVersionMatch=Exact", check=False)
    assert "resourceVersionMatch is forbidden unless resourceVersion is provided" in bad.stderr
    ahead = revisions.kubectl("get", "--raw", f"{PRS}?resourceVersion=99999999", check=False)
    assert "Too large resource version" in ahead.stderr


def test_watch_with_send_initial_events_ends_with_the_bookmark(revisions: Running) -> None:
    query = (
        "watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan"
        "&allowWatchBookmarks=true&timeoutSeconds=2"
    )
    started = time.monotonic()
    lines = revisions.kubectl("get", "--raw", f"{PRS}?{query}").stdout.splitlines()
    assert time.monotonic() - started < 15  # timeoutSeconds closes the stream
    events = [json.loads(line) for line in lines]
    assert [e["type"] for e in events] == ["ADDED", "ADDED", "BOOKMARK"]
    end = events[-1]["object"]
    assert end["metadata"]["annotations"] == {"k8s.io/initial-events-end": "true"}
    assert int(end["metadata"]["resourceVersion"]) >= max(
        int(e["object"]["metadata"]["resourceVersion"]) for e in events[:2]
    )
    refused = revisions.kubectl(
        "get", "--raw", f"{PRS}?watch=true&sendInitialEvents=true", check=False
    )
    assert "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan" in (
        refused.stderr
    )


def test_explain_every_type(revisions: Running) -> None:
    for target, expect in (
        ("packagerevision.spec", "lifecycle"),
        ("packagerevisionresources.spec", "resources"),
        ("repository.spec.git", "repo"),
        ("secret", "stringData"),
        ("namespace.status", "phase"),
    ):
        out = revisions.kubectl("explain", target).stdout
        assert expect in out, target
