"""Prometheus metrics of every service (Porch's TestMetricsEndpoint, reference/porch.md §4.1),
scraped from a running ``porch up`` before and after a create/propose/approve.

The apiserver serves ``/metrics`` on its HTTPS port behind authentication; the other three
services on the loopback listeners ``porch up`` records in ``ports.json``.
"""

from __future__ import annotations

import json
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from porch.fnclient import BlockingFunctionRunner
from tests.e2e.stack import Running
from tests.e2e.test_lifecycle import publish
from tests.e2e.test_walking_skeleton import repository_manifest, wait_until

pytestmark = pytest.mark.e2e

PACKAGE = "metrics-probe-pkg"  # must never show up in a label
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def _parse(text: str) -> Samples:
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    """The sum of ``name``'s samples whose labels include ``labels``."""
    wanted = set(labels.items())
    return sum(v for (n, ls), v in samples.items() if n == name and wanted <= ls)


def _api_text(stack: Running, token: str | None) -> tuple[int, str]:
    context = ssl.create_default_context(cafile=str(stack.home / "pki" / "ca.crt"))
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    req = urllib.request.Request(stack.api + "/metrics", headers=headers)
    try:
        with urllib.request.urlopen(req, context=context, timeout=10) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def scrape_api(stack: Running) -> str:
    code, text = _api_text(stack, stack.token())
    assert code == 200, text
    return text


def scrape(stack: Running, port_key: str) -> str:
    url = f"http://127.0.0.1:{stack.ports()[port_key]}/metrics"
    # `porch up` is ready once the API answers; the other services open their metrics
    # listener as they start, which may be a moment later on a busy machine.
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url, timeout=10) as resp:
                text: str = resp.read().decode()
                return text
        except urllib.error.URLError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


SCRAPERS: dict[str, Callable[[Running], str]] = {
    "apiserver": scrape_api,
    "orchestrator": lambda s: scrape(s, "orchestrator_metrics"),
    "git-sync": lambda s: scrape(s, "gitsync_metrics"),
    "fn-runner": lambda s: scrape(s, "fnrunner_metrics"),
}


@pytest.fixture(scope="module")
def moved(stack: Running, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Samples]:
    """Every service's samples before and after a registration and a create/propose/approve,
    and a builtin function evaluated on the fn-runner (renders of builtins run in the
    orchestrator, so the runner is called directly, as a renderer calls it)."""
    before = {f"{name}:before": _parse(scrape(stack)) for name, scrape in SCRAPERS.items()}
    stack.kubectl("apply", "-f", "-", stdin=repository_manifest(stack.repo_url))
    stack.kubectl("wait", "--for=condition=Ready", "repository/packages", "--timeout=30s")
    publish(stack, PACKAGE, "v1", tmp_path_factory.mktemp("metrics"))
    resource_list = json.dumps(
        {
            "apiVersion": "config.kubernetes.io/v1",
            "kind": "ResourceList",
            "items": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}],
            "functionConfig": {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {"name": "fn"},
                "data": {"namespace": "team-a"},
            },
        }
    ).encode()
    with BlockingFunctionRunner(f"127.0.0.1:{stack.ports()['fnrunner']}", timeout=30) as run:
        out = run("ghcr.io/kptdev/krm-functions-catalog/set-namespace:v0.4.1", resource_list)
    assert b"team-a" in out

    def published_tag_pushed() -> bool:
        after = _parse(scrape(stack, "gitsync_metrics"))
        return value(
            after,
            "porch_gitsync_work_items_total",
            type="PublishRevision",
            outcome="succeeded",
        ) > value(
            before["git-sync:before"],
            "porch_gitsync_work_items_total",
            type="PublishRevision",
            outcome="succeeded",
        )

    wait_until(published_tag_pushed, timeout=30, what="git-sync to push the published tag")
    after = {f"{name}:after": _parse(scrape(stack)) for name, scrape in SCRAPERS.items()}
    return {**before, **after}


def grew(moved: dict[str, Samples], service: str, name: str, **labels: str) -> float:
    delta = value(moved[f"{service}:after"], name, **labels) - value(
        moved[f"{service}:before"], name, **labels
    )
    assert delta > 0, f"{service}: {name}{labels} did not move"
    return delta


def test_apiserver_counts_requests_by_verb_resource_and_code(moved: dict[str, Samples]) -> None:
    pr = {"group": "porch.kpt.dev", "version": "v1alpha1", "resource": "packagerevisions"}
    grew(moved, "apiserver", "apiserver_request_total", verb="POST", code="201", **pr)
    grew(moved, "apiserver", "apiserver_request_total", verb="PATCH", code="200", **pr)
    grew(
        moved,
        "apiserver",
        "apiserver_request_total",
        verb="PUT",
        subresource="approval",
        scope="resource",
        code="200",
        **pr,
    )
    grew(moved, "apiserver", "apiserver_request_total", verb="GET", resource="packagerevisions")
    grew(moved, "apiserver", "apiserver_request_duration_seconds_count", verb="POST", **pr)
    grew(moved, "apiserver", "porch_apiserver_read_your_writes_seconds_count", outcome="visible")
    after = moved["apiserver:after"]
    assert value(after, "porch_apiserver_mirror_objects", resource="packagerevisions") >= 1
    assert value(after, "porch_apiserver_mirror_objects", resource="repositories") >= 1
    assert value(after, "porch_apiserver_mirror_resource_version", resource="packagerevisions") > 0


def test_apiserver_metrics_need_credentials(stack: Running, moved: dict[str, Samples]) -> None:
    code, body = _api_text(stack, None)
    assert code == 401, body
    code, body = _api_text(stack, "not-a-token")
    assert code == 401, body
    # the refusals are counted too (the measuring middleware is outermost)
    text = scrape_api(stack)
    assert value(_parse(text), "apiserver_request_total", verb="GET", code="401") >= 2


def test_orchestrator_reports_events_lag_and_tasks(moved: dict[str, Samples]) -> None:
    grew(moved, "orchestrator", "porch_orchestrator_events_applied_total")
    grew(moved, "orchestrator", "porch_orchestrator_batch_events_count")
    grew(
        moved,
        "orchestrator",
        "porch_orchestrator_tasks_total",
        task="init",
        outcome="succeeded",
    )
    grew(
        moved,
        "orchestrator",
        "porch_orchestrator_task_duration_seconds_count",
        task="init",
        outcome="succeeded",
    )
    after = moved["orchestrator:after"]
    assert value(after, "porch_orchestrator_checkpoint_sequence") > 0
    assert (
        0
        <= value(after, "porch_orchestrator_stream_lag_events")
        <= value(after, "porch_orchestrator_stream_sequence")
    )


def test_git_sync_reports_work_git_and_discovery(moved: dict[str, Samples]) -> None:
    for kind in ("WriteDraft", "MoveRevision", "PublishRevision"):
        grew(
            moved,
            "git-sync",
            "porch_gitsync_work_items_total",
            type=kind,
            target="git",
            outcome="succeeded",
        )
    grew(moved, "git-sync", "porch_gitsync_git_operation_seconds_count", operation="push")
    grew(moved, "git-sync", "porch_gitsync_git_operation_seconds_count", operation="fetch")
    grew(moved, "git-sync", "porch_gitsync_discovery_passes_total", outcome="synced")
    grew(moved, "git-sync", "porch_gitsync_facts_appended_total", type="RevisionSynced.v1")
    assert value(moved["git-sync:after"], "porch_gitsync_repositories_not_ready") == 0


def test_fn_runner_reports_evaluations_and_pool(moved: dict[str, Samples]) -> None:
    grew(
        moved,
        "fn-runner",
        "porch_fnrunner_evaluations_total",
        evaluator="builtin",
        outcome="succeeded",
    )
    grew(
        moved,
        "fn-runner",
        "porch_fnrunner_evaluation_duration_seconds_count",
        evaluator="builtin",
    )
    assert ("porch_fnrunner_pool_instances", frozenset()) in moved["fn-runner:after"]


def test_no_names_in_labels(stack: Running, moved: dict[str, Samples]) -> None:
    """Object names, repository URLs and tokens never become label values."""
    forbidden = (PACKAGE, stack.repo_url, stack.token())
    for name, scrape in SCRAPERS.items():
        text = scrape(stack)
        for word in forbidden:
            assert word not in text, f"{name} exposes {word!r}"


def test_ports_json_keeps_old_keys(stack: Running) -> None:
    ports = json.loads(Path(stack.home / "ports.json").read_text())
    assert {"nats", "apiserver", "git", "fnrunner"} <= set(ports)
    assert {"orchestrator_metrics", "gitsync_metrics", "fnrunner_metrics"} <= set(ports)
