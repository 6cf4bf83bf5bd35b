"""The work loop: take work items, run each in its repository's lane, record the outcome, ack.

Items of one repository run in stream order, one at a time; repositories run concurrently
(``lanes``). A transient Git failure (server unreachable) is retried in place with backoff,
keeping the item (and the lane) until it succeeds or attempts run out, so a repository's
history stays ordered; permanent failures (a conflicting tag, invalid content, a missing
Secret) are recorded as failures and acked. Discovery passes (after connecting, on
``SyncRepository`` and on the poll timer) run in the same lanes. Never logs or records
credentials.
"""

from __future__ import annotations

import asyncio
import collections
import functools
import logging
import uuid
from dataclasses import dataclass
from pathlib import Path

from nats.aio.msg import Msg
from nats.errors import Error as NatsError
from nats.js import JetStreamContext

from porch.domain import events as ev
from porch.domain import snapshots, syncwork
from porch.domain.common import event_fields
from porch.errors import Conflict, EventLogError, GitError, Invalid, NotFound, OciError
from porch.eventlog import buckets, subjects
from porch.eventlog.blobs import BlobStore
from porch.eventlog.secrets import SecretStore
from porch.git import Credentials, branches
from porch.oci import RegistryCredentials
from porch_gitsync import (
    consuming,
    facts,
    metrics,
    oci_sync,
    polling,
    schedules,
    secretrefs,
    writes,
)
from porch_gitsync.discovery import Discovery, Repo
from porch_gitsync.lanes import Lanes

log = logging.getLogger(__name__)

DURABLE = consuming.DURABLE
_ACK_ATTEMPTS = 60


@dataclass(frozen=True)
class Settings:
    cache_dir: Path
    fetch_wait: float = 2.0
    attempts: int = 8
    backoff: tuple[float, ...] = (1.0, 2.0, 5.0, 10.0, 30.0, 60.0)
    poll_interval: float = schedules.DEFAULT_INTERVAL_S
    projection_prefix: str = "porch"
    poll: bool = True
    metrics_listen: str = ""  # HOST:PORT of the Prometheus listener; "" = off


class Syncer:
    def __init__(
        self,
        js: JetStreamContext,
        blobs: BlobStore,
        settings: Settings,
        *,
        secrets: SecretStore,
        discovery: Discovery,
    ) -> None:
        self.js = js
        self.blobs = blobs
        self.settings = settings
        self.secrets = secrets
        self.discovery = discovery
        self.oci = oci_sync.OciSync(blobs)
        # OCI repositories a poll found unreachable, with the message recorded for each.
        self.oci_unready: dict[tuple[str, str], str] = {}
        self.held = consuming.Held()
        # Publishes and deletes queued but not done, per revision: earlier draft, move and
        # marker writes of that revision are superseded (the end state in Git is the same).
        self.publishes: collections.Counter[tuple[str, ...]] = collections.Counter()
        self.deletes: collections.Counter[tuple[str, ...]] = collections.Counter()

    @classmethod
    async def open(cls, js: JetStreamContext, blobs: BlobStore, settings: Settings) -> Syncer:
        return cls(
            js,
            blobs,
            settings,
            secrets=await SecretStore.open(js),
            discovery=await Discovery.open(js, blobs, cache_dir=settings.cache_dir),
        )

    async def run(self) -> None:
        await consuming.prepare(self.js)
        async with asyncio.TaskGroup() as group:
            lanes = Lanes(group)
            if self.settings.poll:
                names = snapshots.Buckets(self.settings.projection_prefix)
                kv = await buckets.open_bucket(self.js, names.repositories)
                poller = polling.Poller(
                    kv, lanes, self.poll_pass, default_interval=self.settings.poll_interval
                )
                group.create_task(poller.run(), name="poller")
            group.create_task(self.held.keep_alive(), name="keep-alive")
            take = functools.partial(self._dispatch, lanes)
            consumer = consuming.consume(self.js, take, fetch_wait=self.settings.fetch_wait)
            group.create_task(consumer, name="consumer")

    def _dispatch(self, lanes: Lanes, msg: Msg) -> None:
        try:
            work = syncwork.decode(msg.data)
        except Exception:
            log.exception("dropping undecodable work item on %s", msg.subject)
            lanes.submit("", msg.term)
            return
        key = snapshots.object_key(work.namespace, work.repository)
        self.held.add(msg)
        ahead = self._ahead(work)
        if ahead is not None:
            ahead[_revision_key(work)] += 1

        async def job() -> None:
            try:
                if self._superseded(work):
                    log.info("sync work %s superseded by a later item", syncwork.message_id(work))
                    metrics.work_done(work, "superseded")
                    await self._ack(msg)
                    return
                await self.handle(msg, work)
            finally:
                self.held.done(msg)
                if ahead is not None:
                    ahead[_revision_key(work)] -= 1

        lanes.submit(key, job)

    def _ahead(self, work: syncwork.Work) -> collections.Counter[tuple[str, ...]] | None:
        if isinstance(work, syncwork.PublishRevision):
            return self.publishes
        if isinstance(work, syncwork.DeleteRevision):
            return self.deletes
        return None

    def _superseded(self, work: syncwork.Work) -> bool:
        """A draft or move of a revision whose publish or delete is queued behind it, or a
        deletion marker of a revision whose delete is: Git ends in the same state without
        them, and the approval reaches Git without waiting for two pushes first."""
        if isinstance(work, syncwork.WriteDraft | syncwork.MoveRevision):
            key = _revision_key(work)
            return self.publishes[key] > 0 or self.deletes[key] > 0
        if isinstance(work, syncwork.MarkDeletion):
            return self.deletes[_revision_key(work)] > 0
        return False

    async def handle(self, msg: Msg, work: syncwork.Work) -> None:
        """Do ``work`` (retrying transient failures in place), record the outcome, ack."""
        pause = 0.2
        while True:
            try:
                await self._attempt(work)
                break
            except (EventLogError, NatsError, TimeoutError) as exc:
                # NATS is away while the outcome is recorded. Doing the item again once it is
                # back is safe (the Porch-Event-Id trailer finds the earlier Git work; fact
                # message ids are derived from the item), and the only way forward.
                log.warning("recording %s failed, retrying: %r", syncwork.message_id(work), exc)
                await asyncio.sleep(pause)
                pause = min(pause * 2, 5.0)
        await self._ack(msg)

    async def _attempt(self, work: syncwork.Work) -> None:
        backoff = self.settings.backoff
        for attempt in range(1, self.settings.attempts + 1):
            try:
                await self.do(work)
                metrics.work_done(work, "succeeded")
                return
            except GitError as exc:
                if attempt == self.settings.attempts:
                    await self.failed(work, reason="GitUnavailable", message=exc.message)
                    metrics.work_done(work, "failed")
                    return
                metrics.work_retried(work)
                delay = backoff[min(attempt - 1, len(backoff) - 1)]
                log.warning(
                    "sync work %s failed (attempt %d), retrying in %.0fs: %s",
                    syncwork.message_id(work),
                    attempt,
                    delay,
                    exc.message,
                )
                await asyncio.sleep(delay)  # the item is kept alive by ``held``
            except (Conflict, Invalid, NotFound) as exc:
                await self.failed(work, reason=exc.reason, message=exc.message)
                metrics.work_done(work, "failed")
                return

    async def _ack(self, msg: Msg) -> None:
        pause = 0.2
        for _ in range(_ACK_ATTEMPTS):
            try:
                await msg.ack_sync()
                return
            except NatsError as exc:  # NATS away: the item stays held meanwhile
                log.warning("acknowledging a work item failed, retrying: %r", exc)
                await asyncio.sleep(pause)
                pause = min(pause * 2, 5.0)
        # Perhaps acknowledged after all (the reply was lost); if not, it comes back and
        # redoing it changes nothing.
        log.error("giving up acknowledging a work item on %s", msg.subject)

    async def do(self, work: syncwork.Work) -> None:
        target = work.target
        if isinstance(target, syncwork.OciTarget):
            await self.oci_work(work, target)
            return
        if isinstance(work, syncwork.ConnectRepository | syncwork.SyncRepository):
            await self.sync(work, target)
            return
        credentials = await self.credentials(work.namespace, target)
        with metrics.git_operation("push"):
            fact = await writes.write(
                work,
                target,
                credentials=credentials,
                blobs=self.blobs,
                cache_dir=self.settings.cache_dir,
            )
        await facts.record_all(self.js, [fact])

    async def credentials(self, namespace: str, target: syncwork.Target) -> Credentials | None:
        return await secretrefs.credentials(
            self.secrets, namespace=namespace, name=target.secret_ref
        )

    async def oci_work(self, work: syncwork.Work, target: syncwork.OciTarget) -> None:
        """Hand the item to the OCI seam; its ``OciError`` is transient like a ``GitError``."""
        found = await self.credentials(work.namespace, target)
        creds = None if found is None else RegistryCredentials(found.username, found.password)
        try:
            await self._record_oci(work, await self.oci.handle(work, credentials=creds))
            if isinstance(work, syncwork.ConnectRepository):
                # A (re-)registration lists the registry at once, as it reads a Git remote
                # at once; the poll timer then lists it every interval.
                sync = syncwork.SyncRepository(
                    namespace=work.namespace,
                    repository=work.repository,
                    target=target,
                    source_event=work.source_event,
                    repository_uid=work.repository_uid,
                )
                await self._record_oci(sync, await self.oci.handle(sync, credentials=creds))
        except OciError as exc:
            raise GitError(exc.message) from None

    async def _record_oci(self, work: syncwork.Work, out: list[oci_sync.Fact]) -> None:
        key = (work.namespace, work.repository)
        try:
            for fact in out:
                await facts.record(
                    self.js, subject=fact.subject, boundary=fact.boundary, event=fact.event
                )
                # Readiness as recorded, so that a poll reports a registry that is back.
                if isinstance(fact.event, ev.RepositoryConnectionFailed):
                    self.oci_unready[key] = fact.event.message
                elif isinstance(fact.event, ev.RepositoryConnected):
                    self.oci_unready.pop(key, None)
        except BaseException:
            self.oci.forget(work)  # the next pass reports everything again
            raise

    async def sync(
        self, work: syncwork.ConnectRepository | syncwork.SyncRepository, git: syncwork.GitTarget
    ) -> None:
        """A discovery pass; an unreachable server is recorded (Ready=False), not retried here:
        the poll timer retries with backoff."""
        if isinstance(work, syncwork.ConnectRepository):
            # A (re-)registration: whatever was announced before may no longer be known.
            memory = await self.discovery.memory(work.namespace, work.repository)
            if memory.ready != "Unknown":
                await self.discovery.forget(work.namespace, work.repository)
        await self.git_pass(work.namespace, work.repository, git, work.repository_uid)

    async def poll_pass(
        self, namespace: str, name: str, target: syncwork.Target, uid: str = ""
    ) -> bool:
        """One timed discovery pass; False when the repository could not be read."""
        if isinstance(target, syncwork.OciTarget):
            return await self.oci_pass(namespace, name, target, uid)
        return await self.git_pass(namespace, name, target, uid)

    async def oci_pass(
        self, namespace: str, name: str, target: syncwork.OciTarget, uid: str = ""
    ) -> bool:
        """A registry is listed as a Git remote is: new, changed and vanished images become
        facts. A registry that stops answering is recorded once (Ready=False), and again
        Ready once it answers."""
        key = (namespace, name)
        work = syncwork.SyncRepository(
            namespace=namespace,
            repository=name,
            target=target,
            source_event=f"poll-{uuid.uuid4().hex}",  # fact ids are per pass
            repository_uid=uid,
        )
        try:
            found = await self.credentials(namespace, target)
            creds = None if found is None else RegistryCredentials(found.username, found.password)
            out = await self.oci.handle(work, credentials=creds)
        except (NotFound, Invalid, OciError) as exc:
            unavailable = "RegistryUnavailable" if isinstance(exc, OciError) else ""
            reason = unavailable or "CredentialsUnavailable"
            if self.oci_unready.get(key) != exc.message:
                log.warning("%s/%s unreachable: %s", namespace, name, exc.message)
                await self._record_oci(
                    work, self.oci.failure(work, reason=reason, message=exc.message)
                )
            return False
        failed = any(isinstance(f.event, ev.RepositoryConnectionFailed) for f in out)
        if key in self.oci_unready and not failed:
            m = facts.meta(f"{syncwork.message_id(work)}:connected")
            back = ev.RepositoryConnected(**event_fields(m), repository_uid=uid)
            out = [oci_sync.Fact(subjects.repository(namespace, name), None, back), *out]
        await self._record_oci(work, out)
        return not failed

    async def git_pass(
        self, namespace: str, name: str, git: syncwork.GitTarget, uid: str = ""
    ) -> bool:
        repo = Repo(namespace, name, writes.remote(git, None), uid)
        try:
            credentials = await self.credentials(namespace, git)
        except (NotFound, Invalid) as exc:
            memory = await self.discovery.memory(namespace, name)
            await self.discovery.unreachable(
                repo, memory, reason="CredentialsUnavailable", message=exc.message
            )
            return False
        if git.create_branch and not await self._branch_ready(repo, git, credentials):
            return False
        return await self.discovery.run(repo, credentials=credentials)

    async def _branch_ready(
        self, repo: Repo, git: syncwork.GitTarget, credentials: Credentials | None
    ) -> bool:
        """``spec.git.createBranch``: create a missing branch before the pass. Checked until
        the repository is first connected (as Porch does when it opens a repository), so a
        server that was down at registration still gets its branch."""
        memory = await self.discovery.memory(repo.namespace, repo.name)
        if memory.ready == "True":
            return True
        remote = writes.remote(git, credentials)
        try:
            made = await asyncio.to_thread(
                branches.ensure_branch, remote, cache_dir=self.settings.cache_dir
            )
        except (GitError, Invalid) as exc:
            reason = "GitUnavailable" if isinstance(exc, GitError) else "BranchNotCreated"
            await self.discovery.unreachable(repo, memory, reason=reason, message=exc.message)
            return False
        if not made.already:
            log.info("%s/%s: created branch %s", repo.namespace, repo.name, git.branch)
        return True

    async def failed(self, work: syncwork.Work, *, reason: str, message: str) -> None:
        log.error("sync work %s failed: %s: %s", syncwork.message_id(work), reason, message)
        if isinstance(work.target, syncwork.OciTarget):
            await self._record_oci(work, self.oci.failure(work, reason=reason, message=message))
            return
        m = facts.meta(syncwork.message_id(work) + ":failed")
        if isinstance(work, syncwork.ConnectRepository | syncwork.SyncRepository):
            event: ev.Event = ev.RepositoryConnectionFailed(
                **event_fields(m),
                reason=reason,
                message=message,
                repository_uid=work.repository_uid,
            )
            fact = facts.about_repository(work.namespace, work.repository, event)
        else:
            event = ev.RevisionSyncFailed(
                **event_fields(m),
                workspace=work.workspace,
                reason=reason,
                message=message,
                source_event=work.source_event,
            )
            fact = facts.about_revision(
                work.namespace, work.repository, work.package, work.workspace, event
            )
        await facts.record_all(self.js, [fact])


def _revision_key(work: syncwork.Work) -> tuple[str, ...]:
    package = getattr(work, "package", "")
    workspace = getattr(work, "workspace", "")
    return (work.namespace, work.repository, str(package), str(workspace))


__all__ = ["DURABLE", "Settings", "Syncer"]
