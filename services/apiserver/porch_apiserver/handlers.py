"""Resource endpoints: list, get, watch, create, update, patch, delete, approval.

Each handler turns the request into a domain command (``translating``), runs it through
the ``Writer`` and answers with the projected object. Errors are raised from the
porch.errors tree and rendered as ``Status`` by the app's middleware, in one place.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from porch.domain import objects, packages, repository, snapshots
from porch.domain.common import Actor, CommandMeta
from porch.errors import BadRequest, Conflict, NotFound, TooLarge
from porch.eventlog.blobs import BlobStore
from porch.kpt import pkginit
from porch.model import names
from porch_apiserver import patches, resources, selectors, statuses, tables, translating, watching
from porch_apiserver.mirror import Collection, Mirror
from porch_apiserver.writing import Outcome, Writer

Json = dict[str, Any]
MAX_BODY = 8 * 1024 * 1024
DEFAULT_WATCH_TIMEOUT = 1800.0


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def command_meta(request: web.Request) -> CommandMeta:
    user = request["user"]
    return CommandMeta(
        command_id=str(uuid.uuid4()),
        time=now(),
        actor=Actor(user=user.name, groups=tuple(user.groups)),
    )


class Resources:
    def __init__(self, *, mirror: Mirror, writer: Writer, blobs: BlobStore) -> None:
        self.mirror = mirror
        self.writer = writer
        self.blobs = blobs

    # --- routing helpers -------------------------------------------------------------------

    def _resource(self, request: web.Request) -> resources.ResourceDef:
        info = request.match_info
        found = resources.lookup(info["group"], info["version"], info["plural"])
        if found is None:
            raise NotFound(
                f"the server could not find the requested resource "
                f"({info['plural']}.{info['group']}/{info['version']})"
            )
        return found

    def _collection(self, resource: resources.ResourceDef) -> Collection:
        if resource is resources.REPOSITORIES:
            return self.mirror.repositories
        return self.mirror.revisions

    def _current(self, resource: resources.ResourceDef, namespace: str, name: str) -> Json:
        found = self._collection(resource).objects.get(snapshots.object_key(namespace, name))
        if found is None:
            raise statuses.not_found(resource.plural, resource.group, name)
        return found[0]

    async def _body(self, request: web.Request) -> Any:
        try:
            data = await request.read()
        except web.HTTPRequestEntityTooLarge as exc:
            raise TooLarge(f"the request body is larger than {MAX_BODY} bytes") from exc
        return translating.parse_body(data, request.content_type)

    def _respond(
        self, request: web.Request, resource: resources.ResourceDef, obj: Json, *, status: int = 200
    ) -> web.Response:
        if tables.wants_table(request.headers.get("Accept", "")):
            rv = obj["metadata"].get("resourceVersion", "")
            body = tables.table_for(resource, [obj], resource_version=rv, now=datetime.now(UTC))
            return web.json_response(body, status=status)
        return web.json_response(obj, status=status)

    # --- reads ----------------------------------------------------------------------------

    async def list_or_watch(self, request: web.Request) -> web.StreamResponse:
        resource = self._resource(request)
        namespace = request.match_info.get("namespace")
        q = request.query
        matches = self._matcher(
            resource, namespace, q.get("labelSelector", ""), q.get("fieldSelector", "")
        )
        coll = self._collection(resource)
        if q.get("watch") in ("true", "1"):
            if q.get("sendInitialEvents") == "true":
                raise BadRequest("sendInitialEvents is not supported; list, then watch")
            return await watching.serve(
                request,
                resource=resource,
                coll=coll,
                matches=matches,
                resource_version=q.get("resourceVersion", ""),
                timeout=float(q.get("timeoutSeconds") or DEFAULT_WATCH_TIMEOUT),
                bookmarks=q.get("allowWatchBookmarks") == "true",
                as_table=tables.wants_table(request.headers.get("Accept", "")),
            )
        rv = str(coll.revision)
        items = [obj for key, (obj, _) in sorted(coll.objects.items()) if matches(obj)]
        items, token, remaining = _page(items, q.get("limit"), q.get("continue"), rv=rv)
        if tables.wants_table(request.headers.get("Accept", "")):
            body = tables.table_for(
                resource,
                items,
                resource_version=rv,
                continue_token=token,
                include_object=q.get("includeObject", "Metadata"),
                now=datetime.now(UTC),
                remaining_item_count=remaining,
            )
            return web.json_response(body)
        meta: Json = {"resourceVersion": rv}
        if token:
            meta["continue"] = token
            meta["remainingItemCount"] = remaining
        return web.json_response(
            {
                "kind": resource.list_kind,
                "apiVersion": resource.group_version,
                "metadata": meta,
                "items": items,
            }
        )

    def _matcher(
        self, resource: resources.ResourceDef, namespace: str | None, label: str, field: str
    ) -> Callable[[Json], bool]:
        supported = (
            selectors.REVISION_FIELDS
            if resource is resources.PACKAGE_REVISIONS
            else selectors.COMMON_FIELDS
        )
        by_labels = selectors.labels(label)
        by_fields = selectors.fields(field, supported)

        def matches(obj: Json) -> bool:
            meta = obj.get("metadata") or {}
            if namespace is not None and meta.get("namespace") != namespace:
                return False
            return by_labels(meta.get("labels") or {}) and by_fields(obj)

        return matches

    async def get(self, request: web.Request) -> web.Response:
        resource = self._resource(request)
        info = request.match_info
        sub = info.get("subresource")
        if sub is not None and resource.subresource(sub) is None:
            raise NotFound(f"the server could not find the requested resource ({sub})")
        return self._respond(
            request, resource, self._current(resource, info["namespace"], info["name"])
        )

    # --- writes ---------------------------------------------------------------------------

    async def create(self, request: web.Request) -> web.Response:
        resource = self._resource(request)
        namespace = request.match_info["namespace"]
        body = translating.expect_object(await self._body(request), resource, namespace=namespace)
        meta = command_meta(request)
        dry = _dry_run(request)
        if resource is resources.REPOSITORIES:
            command = translating.register_repository(
                body, namespace=namespace, uid=str(uuid.uuid4()), meta=meta
            )
            outcome = await self.writer.repository(
                namespace, command.name, lambda _s: command, dry_run=dry
            )
            if dry:
                return web.json_response(_dry_repository(outcome), status=201)
            return self._respond(
                request, resource, self._current(resource, namespace, command.name), status=201
            )
        want = translating.revision_request(body)
        repo = self.mirror.repository_state(namespace, want.repository)
        if repo is None or repo.state is None:
            raise NotFound(f'repositories.config.porch.kpt.dev "{want.repository}" not found')
        resources_map = {} if dry else await self._init_files(want)
        create = packages.CreateRevision(
            meta=meta,
            workspace=want.workspace,
            uid=str(uuid.uuid4()),
            lifecycle=want.lifecycle,
            tasks=(want.task,),
            resources=resources_map,
            labels=want.labels,
            annotations=want.annotations,
        )
        outcome = await self.writer.package(
            namespace, want.repository, want.package, lambda _s: create, dry_run=dry
        )
        name = _revision_name(want.repository, want.package, want.workspace)
        if dry:
            return web.json_response(
                self._dry_revision(namespace, want.repository, want.package, outcome, name),
                status=201,
            )
        return self._respond(
            request, resource, self._current(resource, namespace, name), status=201
        )

    async def _init_files(self, want: translating.RevisionRequest) -> dict[str, str]:
        init = want.task.init or {}
        files = pkginit.init_package(
            name=want.package.rsplit("/", 1)[-1],
            description=str(init.get("description") or ""),
            keywords=[str(k) for k in init.get("keywords") or []],
            site=str(init.get("site") or ""),
        )
        return {path: await self.blobs.put(data) for path, data in files.items()}

    async def update(self, request: web.Request) -> web.Response:
        resource = self._resource(request)
        info = request.match_info
        namespace = info["namespace"]
        body = translating.expect_object(await self._body(request), resource, namespace=namespace)
        return await self._replace(
            request, resource, namespace, info["name"], body, sub=info.get("subresource")
        )

    async def patch(self, request: web.Request) -> web.Response:
        resource = self._resource(request)
        info = request.match_info
        namespace = info["namespace"]
        if request.content_type == patches.APPLY:
            raise patches.UnsupportedMediaType(
                "server-side apply is not supported yet; use kubectl apply without --server-side"
            )
        current = self._current(resource, namespace, info["name"])
        patched = patches.apply(request.content_type, current, await self._body(request))
        body = translating.expect_object(patched, resource, namespace=namespace)
        return await self._replace(
            request, resource, namespace, info["name"], body, sub=info.get("subresource")
        )

    async def _replace(
        self,
        request: web.Request,
        resource: resources.ResourceDef,
        namespace: str,
        name: str,
        body: Json,
        *,
        sub: str | None,
    ) -> web.Response:
        current = self._current(resource, namespace, name)
        if (body.get("metadata") or {}).get("name") not in (None, name):
            raise BadRequest("the name of the object does not match the name on the URL")
        translating.check_resource_version(body, current, resource=resource)
        meta = command_meta(request)
        dry = _dry_run(request)
        if resource is resources.REPOSITORIES:
            command = translating.update_repository(body, meta=meta)
            await self.writer.repository(
                namespace,
                name,
                self._guard(resource, namespace, name, current, command),
                dry_run=dry,
            )
        else:
            spec = current["spec"]
            if sub == "approval":
                commands: list[packages.Command] = [translating.approval(current, body, meta=meta)]
            elif sub is None:
                commands = translating.revision_updates(current, body, meta=meta)
            else:
                raise NotFound(f"the server could not find the requested resource ({sub})")
            for i, pkg_command in enumerate(commands):
                guard = (
                    self._guard(resource, namespace, name, current, pkg_command)
                    if i == 0
                    else _constant(pkg_command)
                )
                await self.writer.package(
                    namespace, spec["repository"], spec["packageName"], guard, dry_run=dry
                )
        if dry:
            return web.json_response(current)
        return self._respond(request, resource, self._current(resource, namespace, name))

    def _guard(
        self, resource: resources.ResourceDef, namespace: str, name: str, read: Json, command: Any
    ) -> Callable[[Any], Any]:
        """Re-check, on every attempt, that the object is still the one the caller read."""

        def build(_state: Any) -> Any:
            now_obj = self._current(resource, namespace, name)
            if now_obj["metadata"]["resourceVersion"] != read["metadata"]["resourceVersion"]:
                raise statuses.conflict_modified(resource.plural, resource.group, name)
            return command

        return build

    async def delete(self, request: web.Request) -> web.Response:
        resource = self._resource(request)
        info = request.match_info
        namespace, name = info["namespace"], info["name"]
        current = self._current(resource, namespace, name)
        options = await self._delete_options(request)
        _check_preconditions(options, current, resource=resource)
        meta = command_meta(request)
        dry = _dry_run(request) or "All" in (options.get("dryRun") or [])
        if resource is resources.REPOSITORIES:
            unregister = repository.UnregisterRepository(meta=meta)
            await self.writer.repository(
                namespace,
                name,
                self._guard(resource, namespace, name, current, unregister),
                dry_run=dry,
            )
        else:
            spec = current["spec"]
            command = packages.DeleteRevision(meta=meta, workspace=spec["workspaceName"])
            await self.writer.package(
                namespace,
                spec["repository"],
                spec["packageName"],
                self._guard(resource, namespace, name, current, command),
                dry_run=dry,
            )
        return web.json_response(
            statuses.success_status(
                kind=resource.plural,
                name=name,
                group=resource.group,
                uid=current["metadata"]["uid"],
            )
        )

    async def _delete_options(self, request: web.Request) -> Json:
        if not request.can_read_body:
            return {}
        data = await request.read()
        if not data.strip():
            return {}
        body = translating.parse_body(data, request.content_type)
        if not isinstance(body, dict):
            raise BadRequest("DeleteOptions must be an object")
        return body

    def _dry_revision(
        self, namespace: str, repo: str, package: str, outcome: Outcome, name: str
    ) -> Json:
        stored = self.mirror.package_state(namespace, repo, package)
        state = (
            stored.state
            if stored
            else packages.empty(namespace=namespace, repository=repo, package=package)
        )
        for event in outcome.events:
            state = packages.evolve(state, event)  # type: ignore[arg-type]
        return objects.revision_objects(state, deployment=False)[name]


def _dry_repository(outcome: Outcome) -> Json:
    state: repository.State = None
    for event in outcome.events:
        state = repository.evolve(state, event)  # type: ignore[arg-type]
    assert state is not None
    return objects.repository_object(state)


def _constant(command: Any) -> Callable[[Any], Any]:
    return lambda _state: command


def _revision_name(repo: str, package: str, workspace: str) -> str:
    return names.revision_name(repository=repo, package=package, workspace=workspace)


def _dry_run(request: web.Request) -> bool:
    values = request.query.getall("dryRun", [])
    for value in values:
        if value != "All":
            raise BadRequest(f'unsupported dryRun value "{value}": only "All" is supported')
    return bool(values)


def _check_preconditions(options: Json, current: Json, *, resource: resources.ResourceDef) -> None:
    pre = options.get("preconditions") or {}
    meta = current["metadata"]
    if pre.get("uid") and pre["uid"] != meta["uid"]:
        raise Conflict(
            f"Precondition failed: UID in precondition: {pre['uid']}, "
            f"UID in object meta: {meta['uid']}"
        )
    if pre.get("resourceVersion") and str(pre["resourceVersion"]) != meta["resourceVersion"]:
        raise Conflict(
            f"Precondition failed: ResourceVersion in precondition: {pre['resourceVersion']}, "
            f"ResourceVersion in object meta: {meta['resourceVersion']}"
        )


def _page(
    items: list[Json], limit: str | None, token: str | None, *, rv: str
) -> tuple[list[Json], str, int]:
    """``limit``/``continue`` paging over the name-ordered list (token: last key, base64)."""
    if token:
        try:
            after = json.loads(base64.urlsafe_b64decode(token.encode()))["after"]
        except (ValueError, KeyError, TypeError) as exc:
            raise BadRequest("invalid continue token") from exc
        items = [o for o in items if _sort_key(o) > tuple(after)]
    if not limit:
        return items, "", 0
    try:
        n = int(limit)
    except ValueError as exc:
        raise BadRequest(f"invalid limit {limit!r}") from exc
    if n <= 0 or len(items) <= n:
        return items, "", 0
    page = items[:n]
    next_token = base64.urlsafe_b64encode(
        json.dumps({"after": list(_sort_key(page[-1])), "rv": rv}).encode()
    ).decode()
    return page, next_token, len(items) - n


def _sort_key(obj: Json) -> tuple[str, str]:
    meta = obj.get("metadata") or {}
    return (str(meta.get("namespace", "")), str(meta.get("name", "")))


__all__ = ["MAX_BODY", "Resources"]
