"""HTTP endpoints of local mode's core ``v1`` API: Namespaces and Secrets.

Shapes and rules come from ``corev1`` (pure), storage from ``corestore``; lists and watches
are served from ``coremirror``'s collections (a list's resourceVersion is one a watch resumes
from), and every write waits until the mirror shows it, so a list after a write sees it.
Errors are raised from the porch.errors tree and rendered as ``Status`` by the app's
middleware. Secret values are never logged and never appear in an error message.
"""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from porch.errors import BadRequest, Conflict, Forbidden, PorchError, Timeout, TooLarge
from porch_apiserver import (
    applying,
    collectiondelete,
    corev1,
    listing,
    openapi,
    patches,
    protowire,
    queries,
    selectors,
    statuses,
    tables,
    translating,
    watching,
)
from porch_apiserver.coremirror import CoreMirror
from porch_apiserver.corestore import CoreStore
from porch_apiserver.handlers import check_preconditions, dry_run, reply, validate_fields
from porch_apiserver.mirror import Collection
from porch_apiserver.resources import ResourceDef

Json = dict[str, Any]

_FIELDS = {
    "namespaces": {
        **selectors.COMMON_FIELDS,
        "status.phase": lambda o: str((o.get("status") or {}).get("phase", "")),
    },
    "secrets": {**selectors.COMMON_FIELDS, "type": lambda o: str(o.get("type", ""))},
}
VISIBLE_WITHIN = 10.0  # seconds a write waits for the mirror to show it


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _respond(
    request: web.Request, resource: ResourceDef, obj: Json, status: int = 200
) -> web.Response:
    if tables.wants_table(request.headers.get("Accept", "")):
        rv = obj["metadata"].get("resourceVersion", "")
        body = tables.table_for(resource, [obj], resource_version=rv, now=datetime.now(UTC))
        return reply(request, body, status=status)
    return reply(request, obj, status=status)


def _check_version(body: Json, current: Json, resource: ResourceDef, name: str) -> None:
    sent = (body.get("metadata") or {}).get("resourceVersion")
    if sent not in (None, "") and str(sent) != current["metadata"]["resourceVersion"]:
        raise statuses.conflict_modified(resource.plural, "", name)


class CoreResources:
    def __init__(
        self,
        store: CoreStore,
        mirror: CoreMirror | None = None,
        *,
        bookmark_every: float = watching.BOOKMARK_EVERY,
    ) -> None:
        self.store = store
        self.mirror = mirror or CoreMirror(store.js, store.secrets)
        self.bookmark_every = bookmark_every

    def _collection(self, resource: ResourceDef) -> Collection:
        return self.mirror.namespaces if resource is corev1.NAMESPACES else self.mirror.secrets

    async def _visible(self, resource: ResourceDef, revision: int | None) -> None:
        """Wait until the mirror shows a write (its revision; None: a delete). A mirror that
        lags longer only delays lists: the write itself is done."""
        await self.mirror.visible(self._collection(resource), revision, timeout=VISIBLE_WITHIN)

    # --- shared -----------------------------------------------------------------------------

    async def _body(self, request: web.Request, resource: ResourceDef) -> Json:
        data = await _read(request)
        if request.content_type == protowire.PROTOBUF:  # kubectl's typed clients
            body = corev1.expect_kind(protowire.decode(data), resource)
        else:
            body = corev1.expect_kind(translating.parse_body(data, request.content_type), resource)
        if request.method == "POST":
            body = corev1.generate_name(body, secrets.token_hex(3)[:5])
        return body

    def _matcher(
        self, resource: ResourceDef, namespace: str | None, query: Any
    ) -> Callable[[Json], bool]:
        return selectors.matcher(
            namespace,
            query.get("labelSelector", ""),
            query.get("fieldSelector", ""),
            _FIELDS[resource.plural],
        )

    async def _list_or_watch(
        self, request: web.Request, resource: ResourceDef, namespace: str | None
    ) -> web.StreamResponse:
        q = request.query
        options = queries.parse(q)
        matches = self._matcher(resource, namespace, q)
        if not await self.mirror.wait_ready(timeout=VISIBLE_WITHIN):
            error = PorchError("the apiserver is still loading namespaces and secrets")
            error.code, error.reason = 503, "ServiceUnavailable"
            raise error
        coll = self._collection(resource)
        await listing.fresh_enough(coll, options)
        as_table = tables.wants_table(request.headers.get("Accept", ""))
        if options.watch:
            return await watching.serve(
                request,
                resource=resource,
                coll=coll,
                matches=matches,
                options=options,
                as_table=as_table,
                bookmark_every=self.bookmark_every,
            )
        listing.check_exact(coll, options)
        rv = str(coll.revision)
        page = listing.page(
            coll,
            matches,
            limit=listing.parse_limit(q.get("limit")),
            token=q.get("continue"),
            rv=rv,
            count_remaining=not (q.get("labelSelector") or q.get("fieldSelector")),
            namespace=namespace,
        )
        if as_table:
            include = q.get("includeObject", "Metadata")
            if include not in tables.INCLUDE_OBJECT:
                raise BadRequest(f"includeObject must be one of {', '.join(tables.INCLUDE_OBJECT)}")
            body = tables.table_for(
                resource,
                [obj for _, obj in page.items],
                resource_version=rv,
                continue_token=page.token,
                include_object=include,
                now=datetime.now(UTC),
                remaining_item_count=page.remaining if page.token else None,
            )
            return web.json_response(body)
        return listing.json_bytes(
            listing.encode_list(coll, page, kind=resource.list_kind, api_version="v1")
        )

    async def _delete_options(self, request: web.Request) -> Json:
        data = await request.read() if request.can_read_body else b""
        if not data.strip():
            return {}
        body = translating.parse_body(data, request.content_type)
        if not isinstance(body, dict):
            raise BadRequest("DeleteOptions must be an object")
        return body

    # --- Namespaces -------------------------------------------------------------------------

    async def _namespace(self, name: str) -> Json:
        found = await self.store.namespace(name)
        if found is None:
            raise statuses.not_found("namespaces", "", name)
        return corev1.served(*found)

    async def list_namespaces(self, request: web.Request) -> web.StreamResponse:
        return await self._list_or_watch(request, corev1.NAMESPACES, None)

    async def get_namespace(self, request: web.Request) -> web.Response:
        obj = await self._namespace(request.match_info["name"])
        return _respond(request, corev1.NAMESPACES, obj)

    async def create_namespace(self, request: web.Request) -> web.Response:
        body = await self._body(request, corev1.NAMESPACES)
        return await self._create_namespace(request, body, applied=None)

    async def _create_namespace(
        self, request: web.Request, body: Json, *, applied: list[applying.Entry] | None
    ) -> web.Response:
        body = validate_fields(request, body, kind="Namespace")
        obj = corev1.namespace_object(body, previous=None, uid=str(uuid.uuid4()), now=_now())
        obj = _owned(request, None, obj, applied)
        name = obj["metadata"]["name"]
        if await self.store.namespace(name) is not None:
            raise statuses.already_exists("namespaces", "", name)
        if dry_run(request):
            return _respond(request, corev1.NAMESPACES, obj, 201)
        revision = await self.store.put_namespace(obj, last=None)
        await self._visible(corev1.NAMESPACES, revision)
        return _respond(request, corev1.NAMESPACES, corev1.served(obj, revision), 201)

    async def update_namespace(self, request: web.Request) -> web.Response:
        body = await self._body(request, corev1.NAMESPACES)
        return await self._replace_namespace(request, body, applied=None)

    async def patch_namespace(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        found = await self.store.namespace(name)
        current = corev1.served(*found) if found else None
        body, applied = await self._patched(request, corev1.NAMESPACES, current, name=name)
        if current is None:
            return await self._create_namespace(request, body, applied=applied)
        return await self._replace_namespace(request, body, applied=applied)

    async def _replace_namespace(
        self, request: web.Request, body: Json, *, applied: list[applying.Entry] | None
    ) -> web.Response:
        name = request.match_info["name"]
        current = await self._namespace(name)
        if (body.get("metadata") or {}).get("name") not in (None, name):
            raise BadRequest("the name of the object does not match the name on the URL")
        _check_version(body, current, corev1.NAMESPACES, name)
        body = validate_fields(request, body, kind="Namespace", current=current)
        obj = corev1.namespace_object(body, previous=current, uid="", now=_now())
        obj = _owned(request, current, obj, applied)
        last = int(current["metadata"]["resourceVersion"])
        if dry_run(request):
            return _respond(request, corev1.NAMESPACES, corev1.served(obj, last))
        revision = await self.store.put_namespace(obj, last=last)
        await self._visible(corev1.NAMESPACES, revision)
        return _respond(request, corev1.NAMESPACES, corev1.served(obj, revision))

    async def delete_namespace(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        current = await self._namespace(name)
        options = await self._delete_options(request)
        check_preconditions(options, current)
        if name == corev1.DEFAULT_NAMESPACE:
            raise Forbidden(f'namespaces "{name}" is forbidden: this namespace may not be deleted')
        if not dry_run(request, options):
            await self.store.delete_namespace(name)
            await self._visible(corev1.SECRETS, None)
            await self._visible(corev1.NAMESPACES, None)
        return web.json_response(
            statuses.success_status(kind="namespaces", name=name, uid=current["metadata"]["uid"])
        )

    # --- Secrets ----------------------------------------------------------------------------

    async def _secret(self, namespace: str, name: str) -> Json:
        found = await self.store.secrets.entry(namespace, name)
        if found is None:
            raise statuses.not_found("secrets", "", name)
        return corev1.served(*found)

    async def list_secrets(self, request: web.Request) -> web.StreamResponse:
        namespace = request.match_info.get("namespace")
        return await self._list_or_watch(request, corev1.SECRETS, namespace)

    async def get_secret(self, request: web.Request) -> web.Response:
        info = request.match_info
        obj = await self._secret(info["namespace"], info["name"])
        return _respond(request, corev1.SECRETS, obj)

    async def create_secret(self, request: web.Request) -> web.Response:
        body = await self._body(request, corev1.SECRETS)
        return await self._create_secret(request, body, applied=None)

    async def _create_secret(
        self, request: web.Request, body: Json, *, applied: list[applying.Entry] | None
    ) -> web.Response:
        namespace = request.match_info["namespace"]
        await self._namespace(namespace)  # kube refuses objects in a missing namespace
        body = validate_fields(request, body, kind="Secret")
        obj = corev1.secret_object(
            body, namespace=namespace, previous=None, uid=str(uuid.uuid4()), now=_now()
        )
        obj = _owned(request, None, obj, applied)
        name = obj["metadata"]["name"]
        if dry_run(request):
            if await self.store.secrets.entry(namespace, name) is not None:
                raise statuses.already_exists("secrets", "", name)
            return _respond(request, corev1.SECRETS, obj, 201)
        try:
            revision = await self.store.secrets.create(obj)
        except PorchError as exc:
            if exc.reason == "AlreadyExists":
                raise statuses.already_exists("secrets", "", name) from None
            raise
        await self._visible(corev1.SECRETS, revision)
        return _respond(request, corev1.SECRETS, corev1.served(obj, revision), 201)

    async def update_secret(self, request: web.Request) -> web.Response:
        body = await self._body(request, corev1.SECRETS)
        return await self._replace_secret(request, body, applied=None)

    async def patch_secret(self, request: web.Request) -> web.Response:
        namespace, name = request.match_info["namespace"], request.match_info["name"]
        found = await self.store.secrets.entry(namespace, name)
        current = corev1.served(*found) if found else None
        body, applied = await self._patched(request, corev1.SECRETS, current, name=name)
        if current is None:
            return await self._create_secret(request, body, applied=applied)
        return await self._replace_secret(request, body, applied=applied)

    async def _replace_secret(
        self, request: web.Request, body: Json, *, applied: list[applying.Entry] | None
    ) -> web.Response:
        namespace, name = request.match_info["namespace"], request.match_info["name"]
        current = await self._secret(namespace, name)
        if (body.get("metadata") or {}).get("name") not in (None, name):
            raise BadRequest("the name of the object does not match the name on the URL")
        _check_version(body, current, corev1.SECRETS, name)
        body = validate_fields(request, body, kind="Secret", current=current)
        obj = corev1.secret_object(body, namespace=namespace, previous=current, uid="", now=_now())
        obj = _owned(request, current, obj, applied)
        last = int(current["metadata"]["resourceVersion"])
        if dry_run(request):
            return _respond(request, corev1.SECRETS, corev1.served(obj, last))
        try:
            revision = await self.store.secrets.update(obj, last=last)
        except Conflict:
            raise statuses.conflict_modified("secrets", "", name) from None
        await self._visible(corev1.SECRETS, revision)
        return _respond(request, corev1.SECRETS, corev1.served(obj, revision))

    async def delete_secret(self, request: web.Request) -> web.Response:
        namespace, name = request.match_info["namespace"], request.match_info["name"]
        current = await self._secret(namespace, name)
        options = await self._delete_options(request)
        check_preconditions(options, current)
        if not dry_run(request, options):
            try:
                await self.store.secrets.delete(
                    namespace, name, last=int(current["metadata"]["resourceVersion"])
                )
            except Conflict:
                raise statuses.conflict_modified("secrets", "", name) from None
            await self._visible(corev1.SECRETS, None)
        return web.json_response(
            statuses.success_status(kind="secrets", name=name, uid=current["metadata"]["uid"])
        )

    async def delete_secrets(self, request: web.Request) -> web.Response:
        """``deletecollection`` of one namespace's Secrets (``collectiondelete``): the ones
        the selectors match, in name order, as their latest versions (no preconditions)."""
        namespace = request.match_info["namespace"]
        data = await _read(request)
        body = translating.parse_body(data, request.content_type) if data.strip() else None
        wanted = collectiondelete.options(request.query, request.query.getall("dryRun", []), body)
        if not await self.mirror.wait_ready(timeout=VISIBLE_WITHIN):
            raise Timeout("the apiserver is still loading namespaces and secrets")
        coll = self.mirror.secrets
        rv = str(coll.revision)
        listed = listing.page(
            coll,
            self._matcher(corev1.SECRETS, namespace, request.query),
            limit=0,
            token=None,
            rv=rv,
            count_remaining=False,
            namespace=namespace,
        )
        deleted: list[Json] = []
        for key, obj in listed.items:
            if key not in coll.objects:
                continue  # gone since it was listed, as kube skips NotFound
            if not wanted.dry_run:
                await self.store.secrets.delete(namespace, obj["metadata"]["name"])
            deleted.append(obj)
        if deleted and not wanted.dry_run:
            await self._visible(corev1.SECRETS, None)
        return reply(request, collectiondelete.list_body(corev1.SECRETS, deleted, rv))

    # --- patches ----------------------------------------------------------------------------

    async def _patched(
        self, request: web.Request, resource: ResourceDef, current: Json | None, *, name: str
    ) -> tuple[Json, list[applying.Entry] | None]:
        """The patched body, and with server-side apply the new field owners; only apply
        may find nothing (it creates)."""
        data = await _read(request)
        if request.content_type == patches.APPLY:
            manager = request.query.get("fieldManager", "")
            applying.check_manager(manager, required=True)
            config = corev1.expect_kind(
                translating.parse_body(data, request.content_type), resource
            )
            if (config.get("metadata") or {}).get("name") not in (None, name):
                raise BadRequest("the name of the object does not match the name on the URL")
            config = {**config, "metadata": {**(config.get("metadata") or {}), "name": name}}
            if resource is corev1.SECRETS and config.get("stringData"):  # owned as data keys
                config = {
                    **config,
                    "data": corev1.secret_object(
                        config,
                        namespace=request.match_info["namespace"],
                        previous=None,
                        uid="",
                        now="",
                    )["data"],
                }
                config.pop("stringData")
            result = applying.apply(
                current,
                config,
                applying.parse_entries((current or {}).get("metadata", {}).get("managedFields")),
                manager=manager,
                api_version="v1",
                now=_now(),
                force=request.query.get("force") == "true",
            )
            body = result.object
            if not (config.get("metadata") or {}).get("resourceVersion"):
                body = {
                    **body,
                    "metadata": {
                        k: v for k, v in body.get("metadata", {}).items() if k != "resourceVersion"
                    },
                }
            return body, result.entries
        if current is None:
            raise statuses.not_found(resource.plural, "", name)
        patch = translating.parse_body(data, request.content_type)
        patched = patches.apply(request.content_type, current, patch)
        if "resourceVersion" not in json.dumps(patch):  # only a patch naming one pins it
            patched = {
                **patched,
                "metadata": {
                    k: v
                    for k, v in (patched.get("metadata") or {}).items()
                    if k != "resourceVersion"
                },
            }
        return patched, None

    def routes(self, add: Callable[[str, str, Any], Any]) -> None:
        """Register the core v1 routes with ``add(method, path, handler)``."""
        ns = "/api/v1/namespaces"
        add("GET", ns, self.list_namespaces)
        add("POST", ns, self.create_namespace)
        add("GET", ns + "/{name}", self.get_namespace)
        add("PUT", ns + "/{name}", self.update_namespace)
        add("PATCH", ns + "/{name}", self.patch_namespace)
        add("DELETE", ns + "/{name}", self.delete_namespace)
        add("GET", "/api/v1/secrets", self.list_secrets)
        secrets = ns + "/{namespace}/secrets"
        add("GET", secrets, self.list_secrets)
        add("POST", secrets, self.create_secret)
        add("DELETE", secrets, self.delete_secrets)
        add("GET", secrets + "/{name}", self.get_secret)
        add("PUT", secrets + "/{name}", self.update_secret)
        add("PATCH", secrets + "/{name}", self.patch_secret)
        add("DELETE", secrets + "/{name}", self.delete_secret)
        add("GET", "/openapi/v3/api/v1", _openapi_v1)


async def _openapi_v1(_: web.Request) -> web.Response:
    data = openapi.openapi_v3_document_bytes("", "v1")
    assert data is not None
    return web.Response(body=data, content_type="application/json")


async def _read(request: web.Request) -> bytes:
    try:
        return await request.read()
    except web.HTTPRequestEntityTooLarge as exc:
        raise TooLarge(f"the request body is larger than {request.client_max_size} bytes") from exc


def _owned(
    request: web.Request, old: Json | None, new: Json, applied: list[applying.Entry] | None
) -> Json:
    """``new`` with its ``metadata.managedFields``: the applied owners, or the old owners
    with the fields this write changed moved to its manager. Only field names are
    recorded, never a Secret's values."""
    if applied is None:
        manager = request.query.get("fieldManager", "")
        applying.check_manager(manager, required=False)
        previous = applying.parse_entries(((old or {}).get("metadata") or {}).get("managedFields"))
        applied = applying.updated(
            old,
            new,
            previous,
            manager=manager or applying.manager_from_agent(request.headers.get("User-Agent", "")),
            api_version="v1",
            now=_now(),
        )
    meta = {k: v for k, v in new["metadata"].items() if k != "managedFields"}
    if applied:
        meta["managedFields"] = applying.to_json(applied)
    return {**new, "metadata": meta}


__all__ = ["CoreResources"]
