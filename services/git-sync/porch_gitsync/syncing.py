"""The work loop: take one work item, do it in a worker thread, record the outcome, ack.

Transient Git failures (server unreachable) are retried with backoff by redelivery;
permanent ones (a conflicting tag, invalid content) are recorded as failures and acked.
Never logs or records credentials.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path

from nats.aio.msg import Msg
from nats.errors import TimeoutError as NatsTimeout
from nats.js import JetStreamContext, api

from porch.domain import events as ev
from porch.domain import syncwork
from porch.domain.common import event_fields
from porch.errors import Conflict, GitError, Invalid, NotFound
from porch.eventlog import streams, subjects
from porch.eventlog.blobs import BlobStore
from porch.git import publishing
from porch_gitsync import facts

log = logging.getLogger(__name__)

DURABLE = "porch-git-sync"
MAX_DELIVER = 8
BACKOFF_S = (1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0)


@dataclass(frozen=True)
class Settings:
    cache_dir: Path
    fetch_wait: float = 2.0


class Syncer:
    def __init__(self, js: JetStreamContext, blobs: BlobStore, settings: Settings) -> None:
        self.js = js
        self.blobs = blobs
        self.settings = settings

    async def run(self) -> None:
        config = api.ConsumerConfig(
            durable_name=DURABLE,
            ack_policy=api.AckPolicy.EXPLICIT,
            ack_wait=120.0,
            max_deliver=MAX_DELIVER,
            max_ack_pending=1,  # one repository write at a time keeps Git history ordered
        )
        sub = await self.js.pull_subscribe(
            f"{subjects.SYNC_PREFIX}.>", DURABLE, stream=streams.SYNC_STREAM, config=config
        )
        while True:
            try:
                batch = await sub.fetch(1, timeout=self.settings.fetch_wait)
            except NatsTimeout:
                continue
            for msg in batch:
                await self.handle(msg)

    async def handle(self, msg: Msg) -> None:
        try:
            work = syncwork.decode(msg.data)
        except Exception:
            log.exception("dropping undecodable work item on %s", msg.subject)
            await msg.term()
            return
        attempt = int(msg.metadata.num_delivered)
        try:
            git = work.target
            if not isinstance(git, syncwork.GitTarget):
                raise Invalid("OCI repositories are not synced yet")
            if git.secret_ref:
                # Secrets are not served yet; pushing without them would only fail later.
                raise Invalid(
                    f'credentials from secretRef "{git.secret_ref}" are not supported yet'
                )
            if isinstance(work, syncwork.ConnectRepository):
                await self.connect(work, git)
            elif isinstance(work, syncwork.PublishRevision):
                await self.publish(work, git)
            else:
                log.info("work %s not handled yet", syncwork.message_id(work))
        except GitError as exc:
            if attempt < MAX_DELIVER:
                delay = BACKOFF_S[min(attempt - 1, len(BACKOFF_S) - 1)]
                log.warning(
                    "sync work %s failed (attempt %d), retrying in %.0fs: %s",
                    syncwork.message_id(work),
                    attempt,
                    delay,
                    exc.message,
                )
                await msg.nak(delay=delay)
                return
            await self.failed(work, reason="GitUnavailable", message=exc.message)
        except (Conflict, Invalid, NotFound) as exc:
            await self.failed(work, reason=exc.reason, message=exc.message)
        await msg.ack_sync()

    async def connect(self, work: syncwork.ConnectRepository, git: syncwork.GitTarget) -> None:
        msg_id = syncwork.message_id(work)
        m = facts.meta(msg_id)
        refs = await asyncio.to_thread(
            publishing.list_remote_refs, git.url, cache_dir=self.settings.cache_dir
        )
        head = refs.get(f"refs/heads/{git.branch}")
        event: ev.Event
        if head is None:
            event = ev.RepositoryConnectionFailed(
                **event_fields(m),
                reason="BranchNotFound",
                message=f'branch "{git.branch}" not found in {git.url}',
            )
        else:
            event = ev.RepositoryConnected(**event_fields(m), commit=head)
        subject = subjects.repository(work.namespace, work.repository)
        await facts.record(self.js, subject=subject, boundary=None, event=event)

    async def publish(self, work: syncwork.PublishRevision, git: syncwork.GitTarget) -> None:
        files = {path: await self.blobs.get(digest) for path, digest in work.resources.items()}
        request = publishing.PublishRequest(
            url=git.url,
            branch=git.branch,
            directory=git.directory.strip("/"),
            package=work.package,
            revision=work.revision,
            workspace=work.workspace,
            files=files,
            author_name=git.author or work.author,
            author_email=git.email or f"{work.author}@porch.local",
            event_id=work.source_event,
        )
        result = await asyncio.to_thread(
            publishing.publish_revision, request, cache_dir=self.settings.cache_dir
        )
        m = facts.meta(syncwork.message_id(work))
        event = ev.RevisionSynced(
            **event_fields(m),
            workspace=work.workspace,
            revision=work.revision,
            commit=result.commit,
            ref=f"refs/tags/{result.tag}",
            source_event=work.source_event,
        )
        await self._record_revision(work, event)
        log.info(
            "published %s/%s as %s (%s)",
            work.repository,
            work.package,
            result.tag,
            "already there" if result.already else result.commit[:12],
        )

    async def failed(self, work: syncwork.Work, *, reason: str, message: str) -> None:
        log.error("sync work %s failed: %s: %s", syncwork.message_id(work), reason, message)
        m = facts.meta(syncwork.message_id(work) + ":failed")
        if isinstance(work, syncwork.ConnectRepository):
            event: ev.Event = ev.RepositoryConnectionFailed(
                **event_fields(m),
                reason=reason,
                message=message,
            )
            subject = subjects.repository(work.namespace, work.repository)
            await facts.record(self.js, subject=subject, boundary=None, event=event)
            return
        if not isinstance(work, syncwork.PublishRevision):
            return
        failure = ev.RevisionSyncFailed(
            **event_fields(m),
            workspace=work.workspace,
            reason=reason,
            message=message,
            source_event=work.source_event,
        )
        await self._record_revision(work, failure)

    async def _record_revision(self, work: syncwork.PublishRevision, event: ev.Event) -> None:
        await facts.record(
            self.js,
            subject=subjects.revision(
                work.namespace, work.repository, work.package, work.workspace
            ),
            boundary=subjects.package_wildcard(work.namespace, work.repository, work.package),
            event=event,
        )


__all__ = ["DURABLE", "Settings", "Syncer"]
