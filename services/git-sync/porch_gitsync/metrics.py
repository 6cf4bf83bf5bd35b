"""Prometheus metrics of git-sync: work items, Git durations, discovery and readiness.

Served on a plain-HTTP listener of its own (``--metrics-listen``, off when empty). Labels
hold only fixed values (item types, outcomes, event types); repository names and URLs stay
out of them (unbounded, and a URL may carry credentials).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from prometheus_client import Counter, Gauge, Histogram, start_http_server

from porch.domain import events as ev
from porch.domain import syncwork

WORK = Counter(
    "porch_gitsync_work_items_total",
    "Sync work items finished, by item type, target (git/oci) and outcome.",
    ["type", "target", "outcome"],
)
RETRIES = Counter(
    "porch_gitsync_work_retries_total",
    "Transient failures of a work item retried in place, by item type and target.",
    ["type", "target"],
)
GIT_SECONDS = Histogram(
    "porch_gitsync_git_operation_seconds",
    "Git operations against the remote: push (write and push one change) and fetch "
    "(a discovery pass's listing), by outcome.",
    ["operation", "outcome"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
PASSES = Counter(
    "porch_gitsync_discovery_passes_total",
    "Discovery passes, by outcome (synced, or unreachable).",
    ["outcome"],
)
FACTS = Counter(
    "porch_gitsync_facts_appended_total",
    "Facts appended to the event stream, by event type.",
    ["type"],
)
_ready: dict[str, str] = {}  # repository key -> Ready ("True", "False", "Unknown"); not a label
NOT_READY = Gauge(
    "porch_gitsync_repositories_not_ready",
    "Repositories whose last pass could not read them (Ready=False).",
)
NOT_READY.set_function(lambda: sum(1 for ready in _ready.values() if ready == "False"))

_TYPES = {
    syncwork.ConnectRepository: "ConnectRepository",
    syncwork.SyncRepository: "SyncRepository",
    syncwork.WriteDraft: "WriteDraft",
    syncwork.MoveRevision: "MoveRevision",
    syncwork.PublishRevision: "PublishRevision",
    syncwork.MarkDeletion: "MarkDeletion",
    syncwork.DeleteRevision: "DeleteRevision",
}


def listen(address: str) -> None:
    """Serve ``/metrics`` on ``HOST:PORT`` in a daemon thread; nothing when empty."""
    if not address:
        return
    host, _, port = address.rpartition(":")
    start_http_server(int(port), addr=host or "127.0.0.1")


def _labels(work: syncwork.Work) -> tuple[str, str]:
    target = "oci" if isinstance(work.target, syncwork.OciTarget) else "git"
    return _TYPES.get(type(work), "other"), target


def work_done(work: syncwork.Work, outcome: str) -> None:
    """``outcome``: ``succeeded``, or ``failed`` (recorded as a failure fact)."""
    WORK.labels(*_labels(work), outcome).inc()


def work_retried(work: syncwork.Work) -> None:
    RETRIES.labels(*_labels(work)).inc()


@contextmanager
def git_operation(operation: str) -> Iterator[None]:
    """Time a ``push`` or ``fetch``; an exception marks it failed and goes on."""
    started = time.monotonic()
    outcome = "failed"
    try:
        yield
        outcome = "succeeded"
    finally:
        GIT_SECONDS.labels(operation, outcome).observe(time.monotonic() - started)


def discovery_pass(*, reachable: bool) -> None:
    PASSES.labels("synced" if reachable else "unreachable").inc()


def fact_appended(event: ev.Event) -> None:
    FACTS.labels(ev.type_of(event)).inc()


def repository_ready(key: str, ready: str) -> None:
    """The Ready state git-sync holds for the repository ``key`` (memory only)."""
    _ready[key] = ready


__all__ = [
    "discovery_pass",
    "fact_appended",
    "git_operation",
    "listen",
    "repository_ready",
    "work_done",
    "work_retried",
]
