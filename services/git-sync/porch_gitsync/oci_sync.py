"""Sync work for OCI repositories: the work item's effect in the registry, and the facts
to append about it. The work loop (``syncing.py``) dispatches every item whose ``target``
is an ``OciTarget`` here.

Contract with the work loop::

    oci = OciSync(blobs)                      # one per process; holds discovery memory
    try:
        facts = await oci.handle(work, credentials=creds)   # creds from target.secret_ref
    except OciError as exc:                   # transient (unreachable, 5xx, timeout):
        ...nak with backoff; on the last delivery:
        facts = oci.failure(work, reason="RegistryUnavailable", message=exc.message)
    for f in facts:                           # in order; then ack
        await facts_mod.record(js, subject=f.subject, boundary=f.boundary, event=f.event)
    # if recording fails, call oci.forget(work) so the next pass reports everything again

``handle`` raises nothing but ``OciError``: permanent failures (credentials refused, an
invalid name, a conflicting ``v<N>`` tag, a missing image) come back as failure facts
(``RepositoryConnectionFailed`` / ``RevisionSyncFailed``). Per work item:

- ``ConnectRepository``: ``RepositoryConnected`` (``commit`` empty: a registry has no head).
- ``WriteDraft``, ``PublishRevision``, ``MoveRevision``, ``MarkDeletion``: the image is
  pushed or re-annotated; ``RevisionSynced`` with ``commit`` = the manifest digest and
  ``ref`` = ``host/prefix/P:W`` (``:v<N>`` once published).
- ``DeleteRevision``: the image is deleted; ``RevisionRemoved`` (also when it was gone).
- ``SyncRepository``: ``RevisionDiscovered`` for each revision new or changed since the
  previous pass of this process (every revision on the first pass; files are put in the
  blob store), ``RevisionRemoved`` for those gone since, then ``RepositorySynced``.

Fact message ids derive from the work item, so a redelivered item records nothing twice.
Credentials are only passed to the registry client; they are never logged nor recorded.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Protocol

import msgspec

from porch.domain import events as ev
from porch.domain import syncwork
from porch.domain.common import event_fields
from porch.errors import OciError, PorchError
from porch.eventlog import subjects
from porch.oci import OciRepository, PushRequest, PushResult, RegistryCredentials, RevisionImage
from porch.oci.repository import version_tag
from porch_gitsync.facts import meta

log = logging.getLogger(__name__)

RevisionWork = (
    syncwork.WriteDraft
    | syncwork.PublishRevision
    | syncwork.MoveRevision
    | syncwork.MarkDeletion
    | syncwork.DeleteRevision
)


class Blobs(Protocol):
    """The content store (``porch.eventlog.blobs.BlobStore``)."""

    async def get(self, name: str) -> bytes: ...

    async def put(self, data: bytes) -> str: ...


@dataclass(frozen=True)
class Fact:
    """One event to append: on ``subject``, checked against ``boundary`` (None = subject)."""

    subject: str
    boundary: str | None
    event: ev.Event


Key = tuple[str, str]  # (namespace, repository)
Slot = tuple[str, str]  # (package, workspace)


@dataclass
class OciSync:
    blobs: Blobs
    timeout: float = 30.0
    # Per repository, what the last pass (or our own writes) left: slot -> manifest digest.
    _seen: dict[Key, dict[Slot, str]] = field(default_factory=dict)
    # Per repository, revisions already read, by digest (saves a manifest+config read).
    _known: dict[Key, dict[str, RevisionImage]] = field(default_factory=dict)

    def forget(self, work: syncwork.Work) -> None:
        key = (work.namespace, work.repository)
        self._seen.pop(key, None)

    async def handle(
        self, work: syncwork.Work, *, credentials: RegistryCredentials | None = None
    ) -> list[Fact]:
        target = work.target
        if not isinstance(target, syncwork.OciTarget):
            raise TypeError(f"{syncwork.message_id(work)} is not OCI work")
        try:
            async with OciRepository(
                target.registry, credentials, timeout=self.timeout
            ) as registry:
                return await self._dispatch(work, registry)
        except OciError:
            raise
        except PorchError as exc:
            log.error("OCI work %s failed: %s", syncwork.message_id(work), exc.message)
            return self.failure(work, reason=exc.reason, message=exc.message)

    async def _dispatch(self, work: syncwork.Work, registry: OciRepository) -> list[Fact]:
        if isinstance(work, syncwork.ConnectRepository):
            await registry.check()
            m = meta(syncwork.message_id(work))
            event = ev.RepositoryConnected(**event_fields(m), repository_uid=work.repository_uid)
            return [Fact(subjects.repository(work.namespace, work.repository), None, event)]
        if isinstance(work, syncwork.SyncRepository):
            return await self._discover(work, registry)
        if isinstance(work, syncwork.WriteDraft):
            result = await registry.push_revision(
                await self._request(work, work.lifecycle, 0, work.resources, work.author, work.time)
            )
            return [self._synced(work, result, 0)]
        if isinstance(work, syncwork.PublishRevision):
            request = await self._request(
                work, "Published", work.revision, work.resources, work.author, work.time
            )
            result = await registry.push_revision(request)
            return [self._synced(work, result, work.revision)]
        if isinstance(work, syncwork.MoveRevision):
            result = await registry.set_lifecycle(
                work.package,
                work.workspace,
                work.to_lifecycle,
                revision=0,
                event_id=work.source_event,
            )
            return [self._synced(work, result, 0)]
        if isinstance(work, syncwork.MarkDeletion):
            lifecycle = "DeletionProposed" if work.proposed else "Published"
            result = await registry.set_lifecycle(
                work.package,
                work.workspace,
                lifecycle,
                revision=work.revision,
                event_id=work.source_event,
            )
            return [self._synced(work, result, work.revision)]
        return await self._delete(work, registry)

    # --- revisions ---------------------------------------------------------------------

    async def _request(
        self,
        work: syncwork.WriteDraft | syncwork.PublishRevision,
        lifecycle: str,
        revision: int,
        resources: dict[str, str],
        author: str,
        time: str,
    ) -> PushRequest:
        files = {path: await self.blobs.get(digest) for path, digest in resources.items()}
        return PushRequest(
            package=work.package,
            workspace=work.workspace,
            lifecycle=lifecycle,
            revision=revision,
            files=files,
            event_id=work.source_event,
            created=time,
            author=author,
            task=work.task,
        )

    def _synced(self, work: RevisionWork, result: PushResult, revision: int) -> Fact:
        self._remember(work, result.digest)
        log.info(
            "OCI %s: %s %s",
            syncwork.message_id(work),
            result.image,
            "already there" if result.already else result.digest[:19],
        )
        event = ev.RevisionSynced(
            **event_fields(meta(syncwork.message_id(work))),
            workspace=work.workspace,
            revision=revision,
            commit=result.digest,
            ref=result.image,
            source_event=work.source_event,
        )
        return self._revision_fact(work.namespace, work.repository, work.package, event)

    async def _delete(self, work: syncwork.DeleteRevision, registry: OciRepository) -> list[Fact]:
        revision = max(work.revision, 0)  # OCI has no branch placeholder (-1)
        removed = await registry.delete_revision(work.package, work.workspace, revision=revision)
        self._remember(work, None)
        shown = version_tag(revision) if revision > 0 else work.workspace
        log.info("OCI %s: deleted=%s", syncwork.message_id(work), removed)
        event = ev.RevisionRemoved(
            **event_fields(meta(syncwork.message_id(work))),
            workspace=work.workspace,
            ref=registry.location.image(work.package, shown),
        )
        return [self._revision_fact(work.namespace, work.repository, work.package, event)]

    def _remember(self, work: RevisionWork, digest: str | None) -> None:
        seen = self._seen.get((work.namespace, work.repository))
        if seen is None:
            return  # no pass yet: the first pass reports everything anyway
        if digest is None:
            seen.pop((work.package, work.workspace), None)
        else:
            seen[(work.package, work.workspace)] = digest

    @staticmethod
    def _revision_fact(namespace: str, repository: str, package: str, event: ev.Event) -> Fact:
        workspace = getattr(event, "workspace", "")
        return Fact(
            subjects.revision(namespace, repository, package, workspace),
            subjects.package_wildcard(namespace, repository, package),
            event,
        )

    # --- discovery ---------------------------------------------------------------------

    async def _discover(self, work: syncwork.SyncRepository, registry: OciRepository) -> list[Fact]:
        key = (work.namespace, work.repository)
        known = self._known.get(key, {})
        current: dict[Slot, RevisionImage] = {}
        packages = await registry.list_packages()
        for package in packages:
            for rev in await registry.list_revisions(package, known=known):
                current[(package, rev.workspace)] = rev
        previous = self._seen.get(key)
        msg_id = syncwork.message_id(work)
        out: list[Fact] = []
        for slot in sorted(current):
            rev = current[slot]
            if previous is not None and previous.get(slot) == rev.digest:
                continue
            out.append(await self._discovered(work, registry, rev, f"{msg_id}:{slot[0]}:{slot[1]}"))
        for slot in sorted((previous or {}).keys() - current.keys()):
            package, workspace = slot
            removed = ev.RevisionRemoved(
                **event_fields(meta(f"{msg_id}:{package}:{workspace}")),
                workspace=workspace,
                ref=registry.location.image(package, workspace),
                repository_uid=work.repository_uid,
            )
            out.append(self._revision_fact(work.namespace, work.repository, package, removed))
        synced = ev.RepositorySynced(
            **event_fields(meta(msg_id)),
            package_count=len({p for p, _ in current}),
            repository_uid=work.repository_uid,
        )
        out.append(Fact(subjects.repository(work.namespace, work.repository), None, synced))
        self._seen[key] = {slot: rev.digest for slot, rev in current.items()}
        self._known[key] = {rev.digest: rev for rev in current.values()}
        log.info(
            "OCI %s: %d revisions in %d packages, %d changes",
            msg_id,
            len(current),
            len(packages),
            len(out) - 1,
        )
        return out

    async def _discovered(
        self, work: syncwork.SyncRepository, registry: OciRepository, rev: RevisionImage, fid: str
    ) -> Fact:
        files = await registry.pull_files(rev.package, rev.digest)
        resources = {path: await self.blobs.put(data) for path, data in sorted(files.items())}
        tasks: list[ev.Task] = []
        for raw in rev.tasks:
            try:
                tasks.append(msgspec.convert(raw, ev.Task))
            except msgspec.ValidationError:
                log.warning("ignoring an unreadable task in %s", rev.image)
        shown = version_tag(rev.revision) if rev.revision > 0 else rev.workspace
        event = ev.RevisionDiscovered(
            **event_fields(meta(fid)),
            namespace=work.namespace,
            repository=work.repository,
            package=rev.package,
            workspace=rev.workspace,
            lifecycle=rev.lifecycle,
            revision=rev.revision,
            resources=resources,
            commit=rev.digest,
            ref=registry.location.image(rev.package, shown),
            tasks=tuple(tasks),
            author=rev.author,
            authored=rev.created,
            repository_uid=work.repository_uid,
        )
        return self._revision_fact(work.namespace, work.repository, rev.package, event)

    # --- failures ----------------------------------------------------------------------

    def failure(self, work: syncwork.Work, *, reason: str, message: str) -> list[Fact]:
        """The facts recording that ``work`` failed for good."""
        m = meta(syncwork.message_id(work) + ":failed")
        if isinstance(work, syncwork.ConnectRepository | syncwork.SyncRepository):
            event: ev.Event = ev.RepositoryConnectionFailed(
                **event_fields(m),
                reason=reason,
                message=message,
                repository_uid=work.repository_uid,
            )
            return [Fact(subjects.repository(work.namespace, work.repository), None, event)]
        failed = ev.RevisionSyncFailed(
            **event_fields(m),
            workspace=work.workspace,
            reason=reason,
            message=message,
            source_event=work.source_event,
        )
        return [self._revision_fact(work.namespace, work.repository, work.package, failed)]


__all__ = ["Blobs", "Fact", "OciSync"]
