"""The aiohttp application: routes, authentication, and errors as ``Status`` (one place).

Discovery, OpenAPI and /version are static documents from pure modules; resource routes
go to ``handlers.Resources``. ``auth.middleware`` authenticates and authorizes every request
before its handler (401/403 Status, nothing appended); /version and the probes are public.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.typedefs import Middleware

from porch.errors import NotFound, PorchError
from porch_apiserver import (
    auth,
    corev1,
    discovery,
    metrics,
    openapi,
    openapi_v2,
    statuses,
)
from porch_apiserver.corehandlers import CoreResources
from porch_apiserver.handlers import MAX_BODY, Resources
from porch_apiserver.mirror import Mirror
from porch_apiserver.resources import lookup as lookup_resource

log = logging.getLogger(__name__)
NOT_FOUND = "the server could not find the requested resource"  # kube's words

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
PUBLIC = frozenset({"/version", "/healthz", "/livez", "/readyz"})


def _status_response(error: PorchError) -> web.Response:
    code, body = statuses.status_for(error)
    return web.json_response(body, status=code)


@web.middleware
async def errors_as_status(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except PorchError as exc:
        return _status_response(exc)
    except web.HTTPNotFound:
        return _status_response(NotFound(NOT_FOUND))
    except web.HTTPMethodNotAllowed as exc:
        if not _names_a_served_resource(request.path):  # e.g. POST to a group not served here
            return _status_response(NotFound(NOT_FOUND))
        return _status_response(statuses.method_not_allowed(exc.method))
    except web.HTTPException:
        raise
    except Exception:
        log.exception("internal error serving %s %s", request.method, request.path)
        return _status_response(PorchError("an internal error occurred; see the apiserver log"))


def _names_a_served_resource(path: str) -> bool:
    """Whether ``path`` is under a resource this server serves: kube answers 404, not 405,
    for any method on a resource it does not have."""
    parts = path.strip("/").split("/")
    if parts[0] == "apis" and len(parts) >= 4:
        group, version, rest = parts[1], parts[2], parts[3:]
    elif parts[0] == "api" and len(parts) >= 3:
        group, version, rest = "", parts[1], parts[2:]
    else:
        return True  # not a resource path: the route's 405 stands
    if len(rest) >= 3 and rest[0] == "namespaces":
        rest = rest[2:]
    plural = rest[0]
    if group:
        return lookup_resource(group, version, plural) is not None
    return corev1.lookup(version, plural) is not None


def readiness(mirror: Mirror) -> Middleware:
    @web.middleware
    async def ready(request: web.Request, handler: Handler) -> web.StreamResponse:
        if (
            request.path.startswith("/apis/")
            and request.path.count("/") > 3
            and not mirror.ready.is_set()
        ):
            error = PorchError("the apiserver is still loading its projections")
            error.code, error.reason = 503, "ServiceUnavailable"
            return _status_response(error)
        return await handler(request)

    return ready


def _json(body: object, *, content_type: str = "application/json") -> web.Response:
    return web.Response(body=json.dumps(body).encode(), headers={"Content-Type": content_type})


async def version(_: web.Request) -> web.Response:
    return _json(discovery.version_info())


async def healthz(_: web.Request) -> web.Response:
    return web.Response(text="ok")


async def api_root(request: web.Request) -> web.Response:
    core = corev1.CORE if CORE_API in request.app else ()  # core v1: local mode only
    aggregated = discovery.negotiate_discovery(request.headers.get("Accept", ""))
    if aggregated:
        return _json(discovery.aggregated_core(core), content_type=aggregated)
    return _json(discovery.api_versions(core=bool(core)))


async def api_v1(_: web.Request) -> web.Response:
    return _json(discovery.core_resource_list(corev1.CORE))


async def apis_root(request: web.Request) -> web.Response:
    aggregated = discovery.negotiate_discovery(request.headers.get("Accept", ""))
    if aggregated:
        return _json(discovery.aggregated_discovery(), content_type=aggregated)
    return _json(discovery.api_group_list())


async def api_group(request: web.Request) -> web.Response:
    body = discovery.api_group(request.match_info["group"])
    if body is None:
        raise NotFound(NOT_FOUND)
    return _json(body)


async def api_resources(request: web.Request) -> web.Response:
    body = discovery.api_resource_list(request.match_info["group"], request.match_info["version"])
    if body is None:
        raise NotFound(NOT_FOUND)
    return _json(body)


async def openapi_index(request: web.Request) -> web.Response:
    return _json(openapi.openapi_v3_index(core=CORE_API in request.app))


async def openapi_document(request: web.Request) -> web.Response:
    data = openapi.openapi_v3_document_bytes(
        request.match_info["group"], request.match_info["version"]
    )
    if data is None:
        raise NotFound(NOT_FOUND)
    return web.Response(body=data, content_type="application/json")


async def openapi_v2_document(request: web.Request) -> web.Response:
    """Swagger 2.0: protobuf when asked for it (kubectl, client-go), JSON otherwise."""
    protobuf = openapi_v2.PROTOBUF in request.headers.get("Accept", "")
    core = CORE_API in request.app
    data = openapi_v2.document_bytes(core=core, protobuf=protobuf)
    # kube-apiserver's aggregator polls this with If-None-Match: unchanged is a 304.
    etag = openapi_v2.etag(core=core, protobuf=protobuf)
    if etag in request.headers.get("If-None-Match", ""):
        return web.Response(status=304, headers={"ETag": etag})
    kind = openapi_v2.PROTOBUF_SERVED if protobuf else "application/json"
    return web.Response(body=data, content_type=kind, headers={"ETag": etag})


CORE_API = web.AppKey("core_api", CoreResources)  # set when core v1 is served (local mode)


def build(
    *,
    resources: Resources,
    mirror: Mirror,
    authenticator: auth.Authenticator,
    authorizer: auth.Authorizer,
    core: CoreResources | None = None,
) -> web.Application:
    app = web.Application(
        middlewares=[
            metrics.instrument(mirror),  # outermost: sees every final code, 401/403 included
            errors_as_status,
            auth.middleware(authenticator, authorizer),
            readiness(mirror),
        ],
        client_max_size=MAX_BODY,
    )
    r = app.router
    for path in PUBLIC - {"/version"}:
        r.add_get(path, healthz)
    r.add_get("/version", version)
    r.add_get("/metrics", metrics.serve)  # authorized like any non-resource path
    r.add_get("/api", api_root)
    r.add_get("/apis", apis_root)
    r.add_get("/openapi/v2", openapi_v2_document)
    r.add_get("/openapi/v3", openapi_index)
    r.add_get("/openapi/v3/apis/{group}/{version}", openapi_document)
    r.add_get("/apis/{group}", api_group)
    r.add_get("/apis/{group}/{version}", api_resources)
    base = "/apis/{group}/{version}"
    r.add_get(base + "/{plural}", resources.list_or_watch)
    ns = base + "/namespaces/{namespace}/{plural}"
    r.add_get(ns, resources.list_or_watch)
    r.add_post(ns, resources.create)
    r.add_delete(ns, resources.delete_collection)
    item = ns + "/{name}"
    r.add_get(item, resources.get)
    r.add_put(item, resources.update)
    r.add_patch(item, resources.patch)
    r.add_delete(item, resources.delete)
    sub = item + "/{subresource}"
    r.add_get(sub, resources.get)
    r.add_put(sub, resources.update)
    r.add_patch(sub, resources.patch)
    # --- core v1 Namespaces and Secrets (local mode only; corehandlers) -------------------
    if core is not None:
        app[CORE_API] = core
        app.cleanup_ctx.append(core.mirror.running)  # lists and watches read this mirror
        r.add_get("/api/v1", api_v1)
        core.routes(r.add_route)
    return app


__all__ = ["build"]
