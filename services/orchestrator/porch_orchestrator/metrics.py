"""Prometheus metrics of the orchestrator (projection loop and task worker).

Served on a plain-HTTP listener of its own (``--metrics-listen``, off when empty): the
orchestrator has no HTTP server, and a thread keeps answering while the loop is busy
folding a long catch-up. Labels hold only fixed values (task types, outcomes, reasons),
never names of packages or repositories.
"""

from __future__ import annotations

import time

from prometheus_client import Counter, Gauge, Histogram, start_http_server

from porch.domain import events as ev
from porch.domain import taskwork
from porch.domain.packages import TASK_TYPES

EVENTS_APPLIED = Counter(
    "porch_orchestrator_events_applied_total", "Events folded into the projection."
)
BATCH_SIZE = Histogram(
    "porch_orchestrator_batch_events",
    "Events folded per write round (1 when caught up, up to 5,000 while catching up).",
    buckets=(1, 2, 5, 10, 50, 100, 500, 1000, 2500, 5000),
)
STREAM_HEAD = Gauge(
    "porch_orchestrator_stream_sequence",
    "Last stream sequence the projection consumer knows of (its record plus pending ones).",
)
CHECKPOINT = Gauge(
    "porch_orchestrator_checkpoint_sequence", "Last sequence whose writes are all stored."
)
LAG = Gauge(
    "porch_orchestrator_stream_lag_events",
    "Events on the stream not yet written to the projection (stream sequence - checkpoint).",
)
TASKS = Counter(
    "porch_orchestrator_tasks_total",
    "Task items handled, by task type and outcome (reason: the failure's, if any).",
    ["task", "outcome", "reason"],
)
TASK_SECONDS = Histogram(
    "porch_orchestrator_task_duration_seconds",
    "Time from taking a task item to its answer (or its retry), by task type and outcome.",
    ["task", "outcome"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300),
)

_REASONS = frozenset(
    {
        taskwork.REASON_NOT_FOUND,
        taskwork.REASON_INVALID,
        taskwork.REASON_GIT,
        taskwork.REASON_OCI,
        taskwork.REASON_RENDER,
        taskwork.REASON_UNSUPPORTED,
        taskwork.REASON_INTERNAL,
    }
)
_head = [0, 0]  # [stream sequence, checkpoint]: the lag is their difference


def listen(address: str) -> None:
    """Serve ``/metrics`` on ``HOST:PORT`` in a daemon thread; nothing when empty."""
    if not address:
        return
    host, _, port = address.rpartition(":")
    start_http_server(int(port), addr=host or "127.0.0.1")


def folded(events: int, last_seq: int, pending: int) -> None:
    """A batch of ``events`` folded; the consumer's record ``last_seq`` had ``pending`` after."""
    EVENTS_APPLIED.inc(events)
    BATCH_SIZE.observe(events)
    _head[0] = max(_head[0], last_seq + pending)
    STREAM_HEAD.set(_head[0])
    LAG.set(max(0, _head[0] - _head[1]))


def checkpointed(seq: int) -> None:
    _head[1] = seq
    CHECKPOINT.set(seq)
    LAG.set(max(0, _head[0] - seq))


def task_type(work: taskwork.RunTask) -> str:
    """``init``/``clone``/``edit``/``upgrade`` for a creation, ``render`` for new resources."""
    request = work.request
    if isinstance(request, ev.RevisionResourcesSubmitted):
        return "render"
    kind = request.tasks[0].type if request.tasks else ""
    return kind if kind in TASK_TYPES else "other"


def task_answered(work: taskwork.RunTask, event: ev.Event | None, started: float) -> None:
    """The task's answer was appended (``event``), or found already there (None)."""
    if event is None:
        outcome, reason = "already_answered", ""
    elif isinstance(event, ev.RevisionCreated | ev.RevisionResourcesUpdated):
        outcome, reason = "succeeded", ""
    else:
        outcome = "failed"
        found = getattr(event, "reason", "")
        reason = found if found in _REASONS else "other"
    _task(work, outcome, reason, started)


def task_retried(work: taskwork.RunTask, started: float) -> None:
    """The item went back to the queue (NATS trouble or a transient error)."""
    _task(work, "retried", "", started)


def _task(work: taskwork.RunTask, outcome: str, reason: str, started: float) -> None:
    kind = task_type(work)
    TASKS.labels(kind, outcome, reason).inc()
    TASK_SECONDS.labels(kind, outcome).observe(time.monotonic() - started)


__all__ = ["checkpointed", "folded", "listen", "task_answered", "task_retried", "task_type"]
