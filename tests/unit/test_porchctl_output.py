"""porchctl's output (kubectl's table layout, custom columns, yaml/json/name), error mapping
and the pure helpers behind the commands."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
import yaml

from porch.porchctl import creating, failures, history, lifecycle, packagefiles, printing
from porch.porchctl import repositories as repos
from porch.porchctl.args import parse
from porch.porchctl.listing import Filters
from porch.porchctl.main import run

COLUMNS = [
    {"name": n, "priority": 0}
    for n in ("Name", "Package", "WorkspaceName", "Revision", "Latest", "Lifecycle", "Repository")
] + [{"name": "Age", "priority": 1}]
TABLE = {
    "kind": "Table",
    "columnDefinitions": COLUMNS,
    "rows": [
        {
            "cells": [
                "git.lifecycle-package.lifecycle",
                "lifecycle-package",
                "lifecycle",
                0,
                False,
                "Draft",
                "git",
                "5s",
            ],
            "object": {"metadata": {"name": "git.lifecycle-package.lifecycle", "namespace": "ns1"}},
        }
    ],
}


def test_table_matches_porch_golden_layout() -> None:
    # reference/porch.md 4.2, rpkg-lifecycle step 6
    assert printing.align(printing.table_rows(TABLE)) == (
        "NAME                              PACKAGE             WORKSPACENAME   REVISION   "
        "LATEST   LIFECYCLE   REPOSITORY\n"
        "git.lifecycle-package.lifecycle   lifecycle-package   lifecycle       0          "
        "false    Draft       git\n"
    )


def test_wide_adds_priority_columns_and_all_namespaces_adds_namespace() -> None:
    wide = printing.table_rows(TABLE, wide=True, with_namespace=True)
    assert wide[0][0] == "NAMESPACE"
    assert wide[0][-1] == "AGE"
    assert wide[1][0] == "ns1"
    assert wide[1][-1] == "5s"
    assert printing.table_rows(TABLE, headers=False)[0][0] == "git.lifecycle-package.lifecycle"


def test_short_columns_are_padded_to_kubectls_minimum() -> None:
    assert printing.align([["A", "B"], ["x", "y"]]) == "A     B\nx     y\n"


def test_custom_columns_print_none_for_missing_fields() -> None:
    objs = [{"metadata": {"name": "a"}, "spec": {"revision": 1, "tasks": [{"type": "init"}]}}]
    out = printing.custom_columns(
        objs, "NAME:.metadata.name,REV:.spec.revision,T:.spec.tasks[0].type,X:{.spec.nope}"
    )
    assert out == "NAME   REV   T      X\na      1     init   <none>\n"
    with pytest.raises(failures.CliError, match="custom-columns format"):
        printing.parse_custom_columns("NAME")


def test_yaml_json_name_outputs() -> None:
    obj = {"kind": "Repository", "metadata": {"name": "r"}, "apiVersion": "x/v1"}
    assert printing.objects_output(
        [obj], "name", single=True, kind="repository.config.porch.kpt.dev"
    ) == ("repository.config.porch.kpt.dev/r\n")
    assert yaml.safe_load(printing.objects_output([obj], "yaml", single=True, kind="k")) == obj
    listed = yaml.safe_load(printing.objects_output([obj, obj], "json", single=False, kind="k"))
    assert listed["kind"] == "List"
    assert len(listed["items"]) == 2
    with pytest.raises(failures.CliError, match="unable to match a printer"):
        printing.objects_output([obj], "xml", single=True, kind="k")


def test_status_bodies_become_client_go_messages() -> None:
    status = {
        "kind": "Status",
        "message": 'packagerevisions.porch.kpt.dev "x" not found',
        "reason": "NotFound",
    }
    err = failures.ApiError(404, status)
    assert err.message == 'packagerevisions.porch.kpt.dev "x" not found'
    assert err.reason == "NotFound"
    assert (
        failures.ApiError(503, None).message
        == "the server is currently unable to handle the request"
    )
    assert failures.not_found_message("get", "packagerevisions.porch.kpt.dev", "n") == (
        "the server could not find the requested resource (get packagerevisions.porch.kpt.dev n)"
    )
    assert failures.summary(["a", "b"]) == "errors:\n  a\n  b"


def test_usage_error_exits_1_with_porch_error_prefix() -> None:
    out, err = io.StringIO(), io.StringIO()
    assert run(["rpkg", "bogus"], stdout=out, stderr=err, stdin=io.StringIO()) == 1
    assert err.getvalue().startswith("Error: argument SUBCOMMAND: invalid choice")
    assert err.getvalue().endswith(" \n")


def test_missing_kubeconfig_is_a_clean_error(tmp_path: object) -> None:
    out, err = io.StringIO(), io.StringIO()
    code = run(
        ["rpkg", "get", "--kubeconfig", "/nonexistent/kc"],
        stdout=out,
        stderr=err,
        stdin=io.StringIO(),
    )
    assert code == 1
    assert "no such file" in err.getvalue()


def test_readiness_gates_need_true_conditions() -> None:
    pr = {
        "spec": {"readinessGates": [{"conditionType": "a"}, {"conditionType": "b"}]},
        "status": {
            "conditions": [{"type": "a", "status": "True"}, {"type": "b", "status": "False"}]
        },
    }
    assert not lifecycle.is_ready(pr)
    pr["status"]["conditions"][1]["status"] = "True"
    assert lifecycle.is_ready(pr)
    assert lifecycle.is_ready({"spec": {}})


def test_approval_transitions() -> None:
    assert lifecycle.approval_change("Proposed", "Published")
    assert not lifecycle.approval_change("Published", "Published")
    with pytest.raises(failures.CliError, match="cannot change approval from Draft to Published"):
        lifecycle.approval_change("Draft", "Published")


def test_filters() -> None:
    f = Filters(package="base", revision=1, workspace="v1")
    assert f.field_selector() == "spec.revision=1,spec.workspaceName=v1"
    assert f.object_matches(
        {"spec": {"packageName": "basens", "revision": 1, "workspaceName": "v1"}}
    )
    assert not f.object_matches(
        {"spec": {"packageName": "other", "revision": 1, "workspaceName": "v1"}}
    )
    assert f.row_matches(COLUMNS, ["n", "basens", "v1", 1, True, "Published", "r"])
    assert not f.row_matches(COLUMNS, ["n", "basens", "v2", 1, True, "Published", "r"])


def test_clone_sources() -> None:
    assert creating.clone_task(
        "oci://reg/img:v1", directory="", ref="", secret_ref="", strategy=""
    )["clone"] == {"upstreamRef": {"type": "oci", "oci": {"image": "reg/img:v1"}}}
    git = creating.clone_task(
        "https://h/r.git/sub/dir@sub/dir/v2", directory="", ref="", secret_ref="s", strategy=""
    )
    assert git["clone"]["upstreamRef"]["git"] == {
        "repo": "https://h/r.git",
        "ref": "sub/dir/v2",
        "directory": "sub/dir",
        "secretRef": {"name": "s"},
    }
    flags = creating.parse_git_source("https://h/r.git", directory="d", ref="r1")
    assert (flags.directory, flags.ref) == ("d", "r1")
    assert creating.clone_task(
        "repo.pkg.v1", directory="", ref="", secret_ref="", strategy="fast-forward"
    )["clone"] == {
        "upstreamRef": {"upstreamRef": {"name": "repo.pkg.v1"}},
        "strategy": "fast-forward",
    }
    assert creating.init_task("", "a, b", "s")["init"] == {
        "description": "sample description",
        "keywords": ["a", "b"],
        "site": "s",
    }


def test_upstream_of_clone_and_upgrade() -> None:
    cloned = {
        "spec": {
            "tasks": [
                {"type": "clone", "clone": {"upstreamRef": {"upstreamRef": {"name": "up.p.v1"}}}}
            ]
        }
    }
    upgraded = {
        "spec": {"tasks": [{"type": "upgrade", "upgrade": {"newUpstreamRef": {"name": "up.p.v2"}}}]}
    }
    assert creating.upstream_name(cloned) == "up.p.v1"
    assert creating.upstream_name(upgraded) == "up.p.v2"
    assert creating.upstream_name({"spec": {"tasks": [{"type": "init"}]}}) == ""


def test_repository_bodies_and_secrets() -> None:
    assert repos.last_segment("https://h/org/blueprints.git/") == "blueprints"
    assert repos.last_segment("oci://reg.io/ns/repo") == "repo"
    body = repos.repository_body(
        "ns",
        "oci://reg.io/x",
        name="x",
        description="",
        branch="main",
        create_branch=False,
        directory="/",
        deployment=True,
        secret="x-auth",
        sync_schedule="*/5 * * * *",
    )
    assert body["spec"]["type"] == "oci"
    assert body["spec"]["oci"] == {
        "registry": "reg.io/x",
        "secretRef": {"name": "x-auth"},
    }
    assert body["spec"]["sync"] == {"schedule": "*/5 * * * *"}
    assert body["spec"]["deployment"] is True
    secret = repos.secret_body("ns", "git", username="u", password="p", workload_identity=False)
    assert secret is not None
    assert secret["type"] == "kubernetes.io/basic-auth"
    assert secret["metadata"]["name"] == "git-auth"
    assert secret["data"] == {
        "username": "dQ==",
        "password": "cA==",
    }
    assert repos.secret_body("ns", "g", username="", password="", workload_identity=False) is None
    with pytest.raises(failures.CliError, match="both username/password and workload identity"):
        repos.secret_body("ns", "g", username="u", password="", workload_identity=True)


def test_run_once_times() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert repos.parse_duration("2h30m") == timedelta(hours=2, minutes=30)
    assert repos.parse_duration("soon") is None
    assert repos.run_once_at("", now) == (now + timedelta(minutes=1), "")
    when, warning = repos.run_once_at("10s", now)
    assert when == now + timedelta(minutes=1)
    assert warning.startswith("Warning: Duration must be")
    assert repos.run_once_at("2026-01-01T05:00:00Z", now)[0] == datetime(2026, 1, 1, 5, tzinfo=UTC)
    with pytest.raises(failures.CliError, match="invalid --run-once value"):
        repos.run_once_at("tomorrow", now)


def test_resource_list_round_trip_keeps_files_and_reads_resource_version() -> None:
    files = {
        "Kptfile": "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: p # the package\n",
        "a/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: one\n---\n"
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: two\n",
        "README.md": "# not KRM\n",
        ".KptRevisionMetadata": packagefiles.revision_metadata(
            {"metadata": {"name": "r.p.w", "resourceVersion": "7"}}
        ),
    }
    listed = packagefiles.resource_list(files)
    assert "README.md" not in listed
    assert "config.kubernetes.io/path: a/cm.yaml" in listed
    back = packagefiles.files_from_resource_list(listed)
    assert set(back) == {"Kptfile", "a/cm.yaml", ".KptRevisionMetadata"}
    assert "# the package" in back["Kptfile"]
    assert "config.kubernetes.io" not in back["a/cm.yaml"]
    assert [d["metadata"]["name"] for d in yaml.safe_load_all(back["a/cm.yaml"])] == ["one", "two"]
    assert packagefiles.resource_version(back, namespace="ns", name="r.p.w") == "7"
    assert ".KptRevisionMetadata" not in back
    with pytest.raises(failures.CliError, match='use "porchctl rpkg pull"'):
        packagefiles.resource_version({}, namespace="ns", name="r.p.w")


def test_render_results_are_printed_like_porch() -> None:
    render = {
        "result": {
            "items": [
                {
                    "image": "gcr.io/kpt-fn/set-namespace:v0.4.1",
                    "exitCode": 0,
                    "results": [
                        {
                            "message": "namespace set",
                            "severity": "info",
                            "resourceRef": {"apiVersion": "v1", "kind": "ConfigMap", "name": "c"},
                            "field": {"path": "metadata.namespace"},
                        }
                    ],
                },
                {"image": "gcr.io/kpt-fn/kubeval:v0.3", "exitCode": 1},
            ]
        }
    }
    assert packagefiles.render_lines(render) == [
        '[RUNNING] "gcr.io/kpt-fn/set-namespace:v0.4.1"',
        '[PASS] "gcr.io/kpt-fn/set-namespace:v0.4.1"',
        "  Results:",
        "    [info] v1/ConfigMap/c metadata.namespace: namespace set",
        '[RUNNING] "gcr.io/kpt-fn/kubeval:v0.3"',
        '[FAIL] "gcr.io/kpt-fn/kubeval:v0.3"',
    ]


def test_history_helpers(tmp_path: object) -> None:
    assert history.split_name("git.a.b.ws") == ("git", "a/b", "ws")
    with pytest.raises(failures.CliError, match="cannot read"):
        history.split_name("git.ws")
    event = {
        "type": "RevisionSynced.v1",
        "time": "t",
        "actor": {"user": "u"},
        "id": "i",
        "command_id": "c",
        "workspace": "w",
        "revision": 1,
        "commit": "0123456789abcdef0",
        "ref": "refs/tags/p/v1",
        "seq": 9,
    }
    assert history.rows([event])[1] == [
        "t",
        "u",
        "RevisionSynced",
        "revision=1 commit=0123456789ab ref=refs/tags/p/v1",
    ]
    assert history.nats_url("nats://x:1", {}) == "nats://x:1"
    with pytest.raises(failures.CliError, match="local mode"):
        history.nats_url("", {"PORCH_HOME": "/nonexistent"})


def test_parse_sync_flags() -> None:
    ns = parse(["repo", "sync", "--all", "-A", "--run-once", "5m"])
    assert (ns.all, ns.all_namespaces, ns.run_once) == (True, True, "5m")
