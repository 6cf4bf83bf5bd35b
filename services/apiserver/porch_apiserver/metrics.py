"""Prometheus metrics of the apiserver, served at ``/metrics`` behind authentication.

Names and labels follow kube-apiserver's where they fit (``apiserver_request_total``,
``apiserver_request_duration_seconds``, ``apiserver_longrunning_requests``), so existing
dashboards work. Labels only ever hold values from a fixed set: a path segment that names
no served resource is reported as ``unknown``, never as the caller's text (names, URLs and
query strings are unbounded and may be sensitive).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.typedefs import Middleware
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Gauge, Histogram
from prometheus_client.exposition import generate_latest

from porch.security import attributes
from porch_apiserver import corev1, resources
from porch_apiserver.mirror import Collection, Mirror

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

_REQUEST = ("verb", "group", "version", "resource", "subresource", "scope")
# kube-apiserver's buckets, up to a minute.
_LATENCY_BUCKETS = (
    0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20,
    30, 45, 60,
)  # fmt: skip

REQUESTS = Counter(
    "apiserver_request_total",
    "Requests answered, by verb, resource and HTTP code (kube-apiserver's metric).",
    [*_REQUEST, "code"],
)
LATENCY = Histogram(
    "apiserver_request_duration_seconds",
    "Response latency by verb and resource; watches are not included (they are long-running).",
    _REQUEST,
    buckets=_LATENCY_BUCKETS,
)
LONG_RUNNING = Gauge(
    "apiserver_longrunning_requests",
    "Requests open right now that stream (watches), by resource.",
    _REQUEST,
)
MIRROR_OBJECTS = Gauge(
    "porch_apiserver_mirror_objects",
    "Objects in the apiserver's in-memory mirror of the projections.",
    ["resource"],
)
MIRROR_REVISION = Gauge(
    "porch_apiserver_mirror_resource_version",
    "Highest resourceVersion (KV revision) the mirror has applied.",
    ["resource"],
)
READ_YOUR_WRITES = Histogram(
    "porch_apiserver_read_your_writes_seconds",
    "Time a write waited until the projection showed it (read-your-writes).",
    ["outcome"],
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)

# kube's reported verbs: the HTTP method refined for lists, watches and apply.
_VERBS = {
    "get": "GET",
    "list": "LIST",
    "watch": "WATCH",
    "create": "POST",
    "update": "PUT",
    "patch": "PATCH",
    "delete": "DELETE",
    "deletecollection": "DELETE",
}
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_SUBRESOURCES = frozenset({"approval", "status", "finalize"})
_APPLY = "application/apply-patch+yaml"


def request_labels(method: str, path: str, query: dict[str, str], content_type: str) -> list[str]:
    """verb, group, version, resource, subresource, scope: from a fixed set of values."""
    a = attributes.of_request(method, path, query)
    if not a.resource_request:
        verb = method.upper() if method.upper() in _METHODS else "OTHER"
        return [verb, "", "", "", "", ""]
    verb = _VERBS.get(a.verb, "OTHER")
    if verb == "PATCH" and content_type == _APPLY:
        verb = "APPLY"
    served = (
        corev1.lookup(a.api_version, a.resource)
        if a.api_group == ""
        else resources.lookup(a.api_group, a.api_version, a.resource)
    )
    if served is None:
        return [verb, "unknown", "unknown", "unknown", "", ""]
    subresource = a.subresource if a.subresource in _SUBRESOURCES or not a.subresource else "other"
    scope = "resource" if a.name else "namespace" if a.namespace else "cluster"
    return [verb, a.api_group, a.api_version, a.resource, subresource, scope]


@web.middleware
async def measure(request: web.Request, handler: Handler) -> web.StreamResponse:
    labels = request_labels(request.method, request.path, dict(request.query), request.content_type)
    watching = labels[0] == "WATCH"
    if watching:
        LONG_RUNNING.labels(*labels).inc()
    started = time.monotonic()
    code = 500
    try:
        response = await handler(request)
        code = response.status
        return response
    except web.HTTPException as exc:
        code = exc.status
        raise
    finally:
        if watching:
            LONG_RUNNING.labels(*labels).dec()
        else:
            LATENCY.labels(*labels).observe(time.monotonic() - started)
        REQUESTS.labels(*labels, str(code)).inc()


async def serve(_: web.Request) -> web.Response:
    """The text exposition format; reached only after authentication and authorization."""
    return web.Response(
        body=generate_latest(REGISTRY), headers={"Content-Type": CONTENT_TYPE_LATEST}
    )


def instrument(mirror: Mirror) -> Middleware:
    """Report ``mirror``'s size and progress; the middleware to put outermost (it sees the
    final code of every request, 401/403 Status included)."""
    for resource, coll in (
        ("repositories", mirror.repositories),
        ("packagerevisions", mirror.revisions),
    ):
        MIRROR_OBJECTS.labels(resource).set_function(_size_of(coll))
        MIRROR_REVISION.labels(resource).set_function(_revision_of(coll))
    return measure


def _size_of(coll: Collection) -> Callable[[], float]:
    return lambda: len(coll.objects)


def _revision_of(coll: Collection) -> Callable[[], float]:
    return lambda: coll.revision


def waited_for_visibility(started: float, *, shown: bool) -> None:
    """Record one read-your-writes wait that began at ``started`` (``time.monotonic()``)."""
    READ_YOUR_WRITES.labels("visible" if shown else "timeout").observe(time.monotonic() - started)


__all__ = ["instrument", "request_labels", "serve", "waited_for_visibility"]
