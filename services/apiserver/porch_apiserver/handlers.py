"""Resource endpoints: list, get, watch, create, update, patch, delete, deletecollection,
approval.

Each handler turns the request into a domain command (``translating``), runs it through
the ``Writer`` and answers with the projected object. Errors are raised from the
porch.errors tree and rendered as ``Status`` by the app's middleware, in one place.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import msgspec
from aiohttp import web

from porch.domain import events as ev
from porch.domain import objects, packages, repository, snapshots
from porch.domain.common import Actor, CommandMeta
from porch.errors import BadRequest, Conflict, NotFound, PorchError, TooLarge
from porch.eventlog.blobs import BlobStore, digest
from porch.model import names
from porch_apiserver import (
    applying,
    auth,
    collectiondelete,
    fieldvalidation,
    inputs,
    listing,
    patches,
    queries,
    resources,
    selectors,
    statuses,
    tables,
    translating,
    verbs,
    watching,
)
from porch_apiserver.fieldowners import FieldOwners
from porch_apiserver.mirror import Collection, Mirror
from porch_apiserver.writing import Outcome, Writer

Json = dict[str, Any]
WARNINGS = "porch.warnings"  # request key: field-validation warnings for the answer
MAX_BODY = 64 * 1024 * 1024  # a package with multi-MB resources, JSON-escaped


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def command_meta(request: web.Request) -> CommandMeta:
    user = request[auth.USER]
    return CommandMeta(
        command_id=str(uuid.uuid4()),
        time=now(),
        actor=Actor(user=user.name, groups=tuple(user.groups)),
    )


class Resources:
    def __init__(
        self,
        *,
        mirror: Mirror,
        writer: Writer,
        blobs: BlobStore,
        owners: FieldOwners | None = None,
        bookmark_every: float = watching.BOOKMARK_EVERY,
        unpaged_table_rows: int = listing.UNPAGED_TABLE_ROWS,
    ) -> None:
        self.mirror = mirror
        self.writer = writer
        self.blobs = blobs
        self.owners = owners or FieldOwners(None)
        self.bookmark_every = bookmark_every
        self.unpaged_table_rows = unpaged_table_rows

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
            return reply(request, body, status=status)
        return reply(request, self._with_owners(resource, obj), status=status)

    def _with_owners(
        self, resource: resources.ResourceDef, obj: Json, entries: list[Any] | None = None
    ) -> Json:
        """``obj`` with its ``metadata.managedFields`` (lists and watches go without)."""
        meta = obj.get("metadata") or {}
        if entries is None:
            entries = self.owners.get(
                resource.plural,
                meta.get("namespace", ""),
                meta.get("name", ""),
                meta.get("uid", ""),
            )
        if not entries:
            return obj
        return {**obj, "metadata": {**meta, "managedFields": applying.to_json(entries)}}

    def _sent_owners(
        self, resource: resources.ResourceDef, current: Json, body: Json
    ) -> list[applying.Entry] | None:
        """managedFields the request sets (kube takes them as given), or None when it
        leaves them as they are."""
        sent = (body.get("metadata") or {}).get("managedFields")
        if sent is None:
            return None
        meta = current["metadata"]
        have = self.owners.get(resource.plural, meta["namespace"], meta["name"], meta["uid"])
        if sent == applying.to_json(have):
            return None
        return [e for e in applying.parse_entries(sent) if e.fields]

    def _manager(self, request: web.Request, *, required: bool = False) -> str:
        manager = request.query.get("fieldManager", "")
        applying.check_manager(manager, required=required)
        return manager or applying.manager_from_agent(request.headers.get("User-Agent", ""))

    async def _record_update(
        self,
        request: web.Request,
        resource: resources.ResourceDef,
        old: Json | None,
        new: Json,
        sub: str | None = None,
    ) -> None:
        """Move the fields this write changed to its manager (not on dry runs)."""
        meta = new.get("metadata") or {}
        entries = (
            self.owners.get(
                resource.plural,
                meta.get("namespace", ""),
                meta.get("name", ""),
                meta.get("uid", ""),
            )
            if old is not None
            else []
        )
        await self.owners.put(
            resource.plural,
            meta.get("namespace", ""),
            meta.get("name", ""),
            meta.get("uid", ""),
            applying.updated(
                old,
                new,
                entries,
                manager=self._manager(request),
                api_version=resource.group_version,
                now=now(),
                subresource=sub or "",
            ),
        )

    # --- reads ----------------------------------------------------------------------------

    async def list_or_watch(self, request: web.Request) -> web.StreamResponse:
        resource = self._resource(request)
        namespace = request.match_info.get("namespace")
        q = request.query
        matches = self._matcher(
            resource, namespace, q.get("labelSelector", ""), q.get("fieldSelector", "")
        )
        coll = self._collection(resource)
        options = queries.parse(q)
        if options.watch and "watch" not in resource.verbs:
            raise statuses.method_not_allowed("watch")
        await listing.fresh_enough(coll, options)
        if options.watch:
            return await watching.serve(
                request,
                resource=resource,
                coll=coll,
                matches=matches,
                options=options,
                as_table=tables.wants_table(request.headers.get("Accept", "")),
                bookmark_every=self.bookmark_every,
            )
        listing.check_exact(coll, options)
        rv = str(coll.revision)
        selective = bool(q.get("labelSelector") or q.get("fieldSelector"))
        as_table = tables.wants_table(request.headers.get("Accept", ""))
        limit = listing.parse_limit(q.get("limit"))
        if (
            as_table
            and resource is not resources.PACKAGE_REVISION_RESOURCES
            and listing.whole_table(coll, namespace, q.get("continue"), self.unpaged_table_rows)
        ):
            limit = 0
        page = listing.page(
            coll,
            matches,
            limit=limit,
            token=q.get("continue"),
            rv=rv,
            count_remaining=not selective,
            namespace=namespace,
        )
        if resource is resources.PACKAGE_REVISION_RESOURCES:
            items = [await self._resources_view(obj) for _, obj in page.items]
            body: Json = {
                "kind": resource.list_kind,
                "apiVersion": resource.group_version,
                "metadata": page.metadata(),
                "items": items,
            }
        else:
            items = [obj for _, obj in page.items]
            body = {}
        if as_table:
            include = q.get("includeObject", "Metadata")
            if include not in tables.INCLUDE_OBJECT:
                raise BadRequest(f"includeObject must be one of {', '.join(tables.INCLUDE_OBJECT)}")
            now, remaining = datetime.now(UTC), page.remaining if page.token else None
            if body:  # PackageRevisionResources: built per request from the blob store
                table = tables.table_for(
                    resource,
                    items,
                    resource_version=rv,
                    continue_token=page.token,
                    include_object=include,
                    now=now,
                    remaining_item_count=remaining,
                )
                return listing.json_bytes(msgspec.json.encode(table))
            return listing.json_bytes(
                tables.encoded_table(
                    resource,
                    page.items,
                    cache=coll.rows,
                    resource_version=rv,
                    continue_token=page.token,
                    include_object=include,
                    now=now,
                    remaining_item_count=remaining,
                )
            )
        if body:
            return listing.json_bytes(msgspec.json.encode(body))
        return listing.json_bytes(
            listing.encode_list(
                coll, page, kind=resource.list_kind, api_version=resource.group_version
            )
        )

    def _matcher(
        self, resource: resources.ResourceDef, namespace: str | None, label: str, field: str
    ) -> Callable[[Json], bool]:
        supported = (
            selectors.COMMON_FIELDS
            if resource is resources.REPOSITORIES
            else selectors.REVISION_FIELDS
        )
        return selectors.matcher(namespace, label, field, supported)

    async def get(self, request: web.Request) -> web.Response:
        resource = self._resource(request)
        info = request.match_info
        sub = info.get("subresource")
        if sub is not None and resource.subresource(sub) is None:
            raise NotFound(f"the server could not find the requested resource ({sub})")
        return self._respond(
            request, resource, await self._read(resource, info["namespace"], info["name"])
        )

    async def _read(self, resource: resources.ResourceDef, namespace: str, name: str) -> Json:
        """The object as served (a PackageRevisionResources is built from its revision)."""
        current = self._current(resource, namespace, name)
        if resource is resources.PACKAGE_REVISION_RESOURCES:
            return await self._resources_view(current)
        return current

    async def _resources_view(self, revision: Json) -> Json:
        spec, meta = revision["spec"], revision["metadata"]
        stored = self.mirror.package_state(
            meta["namespace"], spec["repository"], spec["packageName"]
        )
        rev = stored.state.revisions.get(spec["workspaceName"]) if stored else None
        if rev is None:
            raise statuses.not_found(
                resources.PACKAGE_REVISION_RESOURCES.plural, resources.PORCH_GROUP, meta["name"]
            )
        files = {
            path: (await self.blobs.get(digest)).decode("utf-8", errors="replace")
            for path, digest in rev.resources.items()
        }
        return objects.resources_object(revision, files, rev.render_status)

    # --- writes ---------------------------------------------------------------------------

    async def create(self, request: web.Request) -> web.Response:
        resource = self._resource(request)
        if "create" not in resource.verbs:
            raise statuses.method_not_allowed("create")
        namespace = request.match_info["namespace"]
        body = translating.expect_object(await self._body(request), resource, namespace=namespace)
        body = validate_fields(request, body, kind=resource.kind)
        return await self._create(request, resource, namespace, body)

    async def _create(
        self,
        request: web.Request,
        resource: resources.ResourceDef,
        namespace: str,
        body: Json,
        *,
        applied: list[applying.Entry] | None = None,
    ) -> web.Response:
        meta = command_meta(request)
        dry = dry_run(request)
        if resource is resources.REPOSITORIES:
            command = translating.register_repository(
                body, namespace=namespace, uid=str(uuid.uuid4()), meta=meta
            )
            outcome = await self.writer.repository(
                namespace, command.name, lambda _s: command, dry_run=dry
            )
            if dry:
                shown = self._with_owners(resource, _dry_repository(outcome), applied)
                return reply(request, shown, status=201)
            created = self._current(resource, namespace, command.name)
            await self._record_create(request, resource, created, applied)
            return self._respond(request, resource, created, status=201)
        want = translating.revision_request(body)
        repo = self.mirror.repository_state(namespace, want.repository)
        if repo is None or repo.state is None:
            raise NotFound(f'repositories.config.porch.kpt.dev "{want.repository}" not found')
        found = inputs.resolve(self.mirror, namespace, want.task)
        create = packages.CreateRevision(
            meta=meta,
            workspace=want.workspace,
            uid=str(uuid.uuid4()),
            lifecycle=want.lifecycle,
            tasks=(want.task,) if want.task else (),
            inputs=found.inputs,
            deployment=bool(repo.state.spec.get("deployment", False)),
            labels=want.labels,
            annotations=want.annotations,
            sources=found.sources,
            other_packages=inputs.packages_of(self.mirror, namespace, want.repository),
        )
        outcome = await self.writer.package(
            namespace, want.repository, want.package, lambda _s: create, dry_run=dry
        )
        name = _revision_name(want.repository, want.package, want.workspace)
        if dry:
            return reply(
                request,
                self._dry_revision(namespace, want.repository, want.package, outcome, name),
                status=201,
            )
        answer = await self.writer.answer(
            namespace=namespace,
            repo=want.repository,
            package=want.package,
            workspace=want.workspace,
            after=outcome.seq,
            command_id=meta.command_id,
            kinds=(ev.RevisionCreated, ev.RevisionCreationFailed),
        )
        if isinstance(answer, ev.RevisionCreationFailed):
            raise _failure(answer.reason, answer.message)
        created = self._current(resource, namespace, name)
        await self._record_create(request, resource, created, applied)
        return self._respond(request, resource, created, status=201)

    async def _record_create(
        self,
        request: web.Request,
        resource: resources.ResourceDef,
        created: Json,
        applied: list[applying.Entry] | None,
    ) -> None:
        if applied is None:
            await self._record_update(request, resource, None, created)
            return
        meta = created["metadata"]
        await self.owners.put(
            resource.plural, meta["namespace"], meta["name"], meta["uid"], applied
        )

    async def update(self, request: web.Request) -> web.Response:
        resource = self._resource(request)
        info = request.match_info
        namespace = info["namespace"]
        body = translating.expect_object(await self._body(request), resource, namespace=namespace)
        current = self._current(resource, namespace, info["name"])
        body = validate_fields(request, body, kind=resource.kind, current=current)
        return await self._replace(
            request, resource, namespace, info["name"], body, sub=info.get("subresource")
        )

    async def patch(self, request: web.Request) -> web.Response:
        resource = self._resource(request)
        info = request.match_info
        namespace = info["namespace"]
        if request.content_type == patches.APPLY:
            return await self._apply(
                request, resource, namespace, info["name"], info.get("subresource")
            )
        # With its managedFields: kubectl patches them when it moves an object to SSA.
        current = self._with_owners(resource, await self._read(resource, namespace, info["name"]))
        patch = await self._body(request)
        patched = patches.apply(request.content_type, current, patch)
        named = "resourceVersion" in json.dumps(patch)  # only a patch that names one pins it
        if not named and isinstance(patched, dict) and isinstance(patched.get("metadata"), dict):
            meta = {k: v for k, v in patched["metadata"].items() if k != "resourceVersion"}
            patched = {**patched, "metadata": meta}  # a copy: the mirror's object is shared
        body = translating.expect_object(patched, resource, namespace=namespace)
        body = validate_fields(request, body, kind=resource.kind, current=current)
        return await self._replace(
            request, resource, namespace, info["name"], body, sub=info.get("subresource")
        )

    async def _apply(
        self,
        request: web.Request,
        resource: resources.ResourceDef,
        namespace: str,
        name: str,
        sub: str | None,
    ) -> web.Response:
        """Server-side apply: create when missing, else merge with field ownership."""
        manager = self._manager(request, required=True)
        force = request.query.get("force") == "true"
        config = translating.expect_object(await self._body(request), resource, namespace=namespace)
        for fld in ("apiVersion", "kind"):
            if not config.get(fld):
                raise BadRequest(f"{fld} must be set")
        if (config.get("metadata") or {}).get("name") not in (None, name):
            raise BadRequest("the name of the object does not match the name on the URL")
        config = {**config, "metadata": {**(config.get("metadata") or {}), "name": name}}
        found = self._collection(resource).objects.get(snapshots.object_key(namespace, name))
        live = await self._read(resource, namespace, name) if found else None
        config = validate_fields(request, config, kind=resource.kind, current=live)
        uid = live["metadata"]["uid"] if live else ""
        result = applying.apply(
            live,
            config,
            self.owners.get(resource.plural, namespace, name, uid) if live else [],
            manager=manager,
            api_version=resource.group_version,
            now=now(),
            force=force,
            subresource=sub or "",
        )
        if live is None:
            if sub is not None or "create" not in resource.verbs:
                raise statuses.not_found(resource.plural, resource.group, name)
            return await self._create(
                request, resource, namespace, result.object, applied=result.entries
            )
        pinned = (config.get("metadata") or {}).get("resourceVersion")
        merged = result.object
        if not pinned:  # apply is unconditional unless the config names a version
            merged = {
                **merged,
                "metadata": {k: v for k, v in merged["metadata"].items() if k != "resourceVersion"},
            }
        return await self._replace(
            request, resource, namespace, name, merged, sub=sub, applied=result.entries
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
        applied: list[applying.Entry] | None = None,
    ) -> web.Response:
        current = self._current(resource, namespace, name)
        if (body.get("metadata") or {}).get("name") not in (None, name):
            raise BadRequest("the name of the object does not match the name on the URL")
        if applied is None:
            applied = self._sent_owners(resource, current, body)
        if resource is resources.PACKAGE_REVISION_RESOURCES:
            translating.resource_files(body)  # validation comes before the version check
        translating.check_resource_version(body, current, resource=resource)
        pinned = bool((body.get("metadata") or {}).get("resourceVersion"))
        meta = command_meta(request)
        dry = dry_run(request)
        if resource is resources.PACKAGE_REVISION_RESOURCES:
            if sub is not None:
                raise NotFound(f"the server could not find the requested resource ({sub})")
            return await self._update_resources(
                request, namespace, name, current, body, meta, dry, pinned=pinned
            )
        if resource is resources.REPOSITORIES:
            command = translating.update_repository(body, meta=meta)
            await self.writer.repository(
                namespace,
                name,
                self._guard(resource, namespace, name, current, command, pinned=pinned),
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
                    self._guard(resource, namespace, name, current, pkg_command, pinned=pinned)
                    if i == 0
                    else _constant(pkg_command)
                )
                await self.writer.package(
                    namespace, spec["repository"], spec["packageName"], guard, dry_run=dry
                )
        if dry:
            shown = _dry_updated(current, body, resource)
            return reply(request, self._with_owners(resource, shown, applied))
        if self._collection(resource).objects.get(snapshots.object_key(namespace, name)) is None:
            return reply(request, body)  # the last finalizer went: the object is deleted
        after = self._current(resource, namespace, name)
        if applied is not None:
            meta = after["metadata"]
            await self.owners.put(resource.plural, namespace, name, meta["uid"], applied)
        else:
            await self._record_update(request, resource, current, after, sub)
        return self._respond(request, resource, after)

    async def _update_resources(
        self,
        request: web.Request,
        namespace: str,
        name: str,
        current: Json,
        body: Json,
        meta: CommandMeta,
        dry: bool,
        *,
        pinned: bool,
    ) -> web.Response:
        resource = resources.PACKAGE_REVISION_RESOURCES
        files = translating.resource_files(body)
        spec = current["spec"]
        digests = {
            path: digest(text.encode()) if dry else await self.blobs.put(text.encode())
            for path, text in files.items()
        }
        command = packages.UpdateResources(
            meta=meta,
            workspace=spec["workspaceName"],
            resources=digests,
            push_on_render_failure=translating.push_on_render_failure(current, body),
        )
        outcome = await self.writer.package(
            namespace,
            spec["repository"],
            spec["packageName"],
            self._guard(resource, namespace, name, current, command, pinned=pinned),
            dry_run=dry,
        )
        if dry or not outcome.seq:  # a dry run, or the same resources: nothing to render
            return self._respond(request, resource, await self._read(resource, namespace, name))
        answer = await self.writer.answer(
            namespace=namespace,
            repo=spec["repository"],
            package=spec["packageName"],
            workspace=spec["workspaceName"],
            after=outcome.seq,
            command_id=meta.command_id,
            kinds=(ev.RevisionResourcesUpdated, ev.RevisionResourcesRejected),
        )
        if isinstance(answer, ev.RevisionResourcesRejected):
            raise _failure(answer.reason, answer.message + _failed_functions(answer.render_status))
        assert isinstance(answer, ev.RevisionResourcesUpdated)
        error = (answer.render_status or {}).get("error")
        if error:  # pushed despite the render failure: still reported, as Porch does
            raise _failure("RenderFailed", str(error) + _failed_functions(answer.render_status))
        return self._respond(request, resource, await self._read(resource, namespace, name))

    def _guard(
        self,
        resource: resources.ResourceDef,
        namespace: str,
        name: str,
        read: Json,
        command: Any,
        *,
        pinned: bool = True,
    ) -> Callable[[Any], Any]:
        """Re-check, on every attempt, that the object is still the one the caller read,
        when the caller pinned a resourceVersion; otherwise the write is unconditional, as
        in kube (background facts such as a Git sync must not fail a user's write)."""
        if not pinned:
            return _constant(command)

        def build(_state: Any) -> Any:
            now_obj = self._current(resource, namespace, name)
            if now_obj["metadata"]["resourceVersion"] != read["metadata"]["resourceVersion"]:
                raise statuses.conflict_modified(resource.plural, resource.group, name)
            return command

        return build

    async def delete(self, request: web.Request) -> web.Response:
        resource = self._resource(request)
        if "delete" not in resource.verbs:
            raise statuses.method_not_allowed("delete")
        info = request.match_info
        namespace, name = info["namespace"], info["name"]
        current = self._current(resource, namespace, name)
        options = await self._delete_options(request)
        check_preconditions(options, current)
        dry = dry_run(request) or "All" in (options.get("dryRun") or [])
        held = await self._delete_item(request, resource, current, options, dry=dry)
        if held is not None:  # finalizers hold it: kube answers with the object, being deleted
            return self._respond(request, resource, held)
        return web.json_response(
            statuses.success_status(
                kind=resource.plural,
                name=name,
                group=resource.group,
                uid=current["metadata"]["uid"],
            )
        )

    async def delete_collection(self, request: web.Request) -> web.Response:
        """``deletecollection``: each item the selectors match deleted as by ``delete``, in
        name order, stopping at the first error (``collectiondelete``)."""
        resource = self._resource(request)
        if not verbs.serves(resource, verbs.DELETECOLLECTION):
            raise statuses.method_not_allowed(verbs.DELETECOLLECTION)
        namespace, q = request.match_info["namespace"], request.query
        matches = self._matcher(
            resource, namespace, q.get("labelSelector", ""), q.get("fieldSelector", "")
        )
        wanted = collectiondelete.options(
            q, request.query.getall("dryRun", []), await self._delete_options(request)
        )
        coll = self._collection(resource)
        rv = str(coll.revision)
        listed = listing.page(
            coll, matches, limit=0, token=None, rv=rv, count_remaining=False, namespace=namespace
        )
        deleted: list[Json] = []
        for key, obj in listed.items:
            found = coll.objects.get(key)
            if found is None:
                continue  # gone since it was listed, as kube skips NotFound
            with contextlib.suppress(NotFound):
                await self._delete_item(request, resource, found[0], wanted.item, wanted.dry_run)
                deleted.append(obj)
        return reply(request, collectiondelete.list_body(resource, deleted, rv))

    async def _delete_item(
        self,
        request: web.Request,
        resource: resources.ResourceDef,
        current: Json,
        options: Json,
        dry: bool,
    ) -> Json | None:
        """Delete one object read as ``current``; the object when finalizers hold it."""
        namespace, name = current["metadata"]["namespace"], current["metadata"]["name"]
        meta = command_meta(request)
        pinned = bool((options.get("preconditions") or {}).get("resourceVersion"))
        if resource is resources.REPOSITORIES:
            unregister = repository.UnregisterRepository(meta=meta)
            await self.writer.repository(
                namespace,
                name,
                self._guard(resource, namespace, name, current, unregister, pinned=pinned),
                dry_run=dry,
            )
        else:
            spec = current["spec"]
            command = packages.DeleteRevision(
                meta=meta,
                workspace=spec["workspaceName"],
                upstream_of=inputs.downstream_of(self.mirror, namespace, name),
            )
            outcome = await self.writer.package(
                namespace,
                spec["repository"],
                spec["packageName"],
                self._guard(resource, namespace, name, current, command, pinned=pinned),
                dry_run=dry,
            )
            if any(isinstance(e, ev.RevisionDeletionStarted) for e in outcome.events) or (
                not outcome.events and current["metadata"].get("deletionTimestamp")
            ):
                return current if dry else self._current(resource, namespace, name)
        return None

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
            if isinstance(event, ev.RevisionCreationRequested):  # what the task would create
                event = ev.RevisionCreated(
                    id=event.id,
                    time=event.time,
                    actor=event.actor,
                    command_id=event.command_id,
                    namespace=event.namespace,
                    repository=event.repository,
                    package=event.package,
                    workspace=event.workspace,
                    uid=event.uid,
                    tasks=event.tasks,
                    resources={},
                    labels=event.labels,
                    annotations=event.annotations,
                )
            state = packages.evolve(state, event)  # type: ignore[arg-type]
        registered = self.mirror.repository_state(namespace, repo)
        deployment = bool(
            registered and registered.state and registered.state.spec.get("deployment", False)
        )
        return objects.revision_objects(state, deployment=deployment)[name]


def reply(request: web.Request, body: Any, *, status: int = 200) -> web.Response:
    """A JSON answer carrying the request's field-validation warnings as Warning headers."""
    response = web.json_response(body, status=status)
    for message in request.get(WARNINGS, ()):
        response.headers.add("Warning", fieldvalidation.warning_header(message))
    return response


def validate_fields(
    request: web.Request, body: Json, *, kind: str, current: Json | None = None
) -> Json:
    """Strict: 400 for unknown fields; Warn: remembered for ``reply``'s headers. Returns
    ``body`` without them (kube never stores a field the schema does not declare)."""
    found = fieldvalidation.check(
        request.query.get("fieldValidation"), body, kind=kind, current=current
    )
    if found:
        request[WARNINGS] = [*request.get(WARNINGS, ()), *found]
    kept: Json = fieldvalidation.prune(body, kind=kind, current=current)
    return kept


def _dry_updated(current: Json, body: Json, resource: resources.ResourceDef) -> Json:
    """What a dry-run update would store: the user-settable metadata (and a Repository's
    spec) from the request on top of the current object."""
    sent = body.get("metadata") or {}
    meta = dict(current["metadata"])
    for key in ("labels", "annotations", "finalizers", "ownerReferences"):
        if sent.get(key):
            meta[key] = sent[key]
        else:
            meta.pop(key, None)
    shown = {**current, "metadata": meta}
    if resource is resources.REPOSITORIES and isinstance(body.get("spec"), dict):
        shown["spec"] = body["spec"]
    elif isinstance(body.get("spec"), dict) and body["spec"].get("lifecycle"):
        shown["spec"] = {**current["spec"], "lifecycle": body["spec"]["lifecycle"]}
    return shown


def _dry_repository(outcome: Outcome) -> Json:
    state: repository.State = None
    for event in outcome.events:
        state = repository.evolve(state, event)  # type: ignore[arg-type]
    assert state is not None
    return objects.repository_object(state)


# Outcome reasons that are the caller's mistake; anything else (a render or internal
# failure) is a 500 whose message carries the cause.
_USER_REASONS = {
    "BadRequest": 400,
    "Invalid": 422,
    "NotFound": 404,
    "Forbidden": 403,
    "Conflict": 409,
    "AlreadyExists": 409,
}


def _failed_functions(render_status: dict[str, Any] | None) -> str:
    """What the failing functions said (kpt's own error only says "already handled"), from
    the renderStatus FunctionResultList: each one's error results, else its stderr."""
    items = ((render_status or {}).get("result") or {}).get("items") or []
    said: list[str] = []
    for item in items:
        if not isinstance(item, dict) or not item.get("exitCode"):
            continue
        fn = item.get("image") or item.get("exec") or "function"
        errors = [
            str(r.get("message", ""))
            for r in item.get("results") or []
            if isinstance(r, dict) and r.get("severity") == "error"
        ]
        text = "; ".join(e for e in errors if e) or str(item.get("stderr") or "").strip()
        said.append(f"{fn}: {text}" if text else str(fn))
    return "".join(f"\n{line}" for line in said)


def _failure(reason: str, message: str) -> PorchError:
    error = PorchError(message)
    code = _USER_REASONS.get(reason)
    if code is not None:
        error.code, error.reason = code, reason
    else:
        error.message = f"Internal error occurred: {message}"
        error.args = (error.message,)
    return error


def _constant(command: Any) -> Callable[[Any], Any]:
    return lambda _state: command


def _revision_name(repo: str, package: str, workspace: str) -> str:
    return names.revision_name(repository=repo, package=package, workspace=workspace)


def dry_run(request: web.Request, options: Json | None = None) -> bool:
    """``dryRun=All`` asked in the query or in ``options`` (DeleteOptions); any other value
    is a 400."""
    values = list(request.query.getall("dryRun", [])) + list((options or {}).get("dryRun") or [])
    for value in values:
        if value != "All":
            raise BadRequest(f'unsupported dryRun value "{value}": only "All" is supported')
    return bool(values)


def check_preconditions(options: Json, current: Json) -> None:
    """DeleteOptions preconditions (uid, resourceVersion) against the current object."""
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


__all__ = ["MAX_BODY", "Resources"]
