"""Git work items -> ``porch.git`` calls in a worker thread -> the facts to record.

One function per kind of write; each returns the ``RevisionSynced`` fact for the ref it wrote
(``commit`` is '' when the ref was deleted). Failures are raised, not recorded: the work loop
decides between retrying and recording a ``RevisionSyncFailed``.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from porch.domain import events as ev
from porch.domain import syncwork
from porch.domain.common import event_fields
from porch.eventlog.blobs import BlobStore
from porch.git import Credentials, publishing, writing
from porch_gitsync import facts

log = logging.getLogger(__name__)

RevisionWork = (
    syncwork.PublishRevision
    | syncwork.WriteDraft
    | syncwork.MoveRevision
    | syncwork.MarkDeletion
    | syncwork.DeleteRevision
)


def remote(git: syncwork.GitTarget, credentials: Credentials | None) -> writing.Remote:
    return writing.Remote(
        url=git.url, branch=git.branch, directory=git.directory.strip("/"), credentials=credentials
    )


def author(git: syncwork.GitTarget, user: str) -> writing.Author:
    """The requesting user, unless the Repository names a Git author of its own."""
    name = git.author or user or "porch"
    return writing.Author(name=name, email=git.email or f"{name}@porch.local")


async def _files(blobs: BlobStore, resources: dict[str, str]) -> dict[str, bytes]:
    return {path: await blobs.get(digest) for path, digest in resources.items()}


def synced(work: RevisionWork, *, revision: int, commit: str, ref: str) -> facts.Fact:
    m = facts.meta(syncwork.message_id(work))
    event = ev.RevisionSynced(
        **event_fields(m),
        workspace=work.workspace,
        revision=revision,
        commit=commit,
        ref=ref,
        source_event=work.source_event,
    )
    return facts.about_revision(
        work.namespace, work.repository, work.package, work.workspace, event
    )


async def write(
    work: RevisionWork,
    git: syncwork.GitTarget,
    *,
    credentials: Credentials | None,
    blobs: BlobStore,
    cache_dir: Path,
) -> facts.Fact:
    """Do ``work`` in Git; the fact that records it."""
    where = remote(git, credentials)
    if isinstance(work, syncwork.PublishRevision):
        return await _publish(work, git, credentials=credentials, blobs=blobs, cache_dir=cache_dir)
    if isinstance(work, syncwork.WriteDraft):
        result = await asyncio.to_thread(
            writing.write_draft,
            where,
            package=work.package,
            workspace=work.workspace,
            lifecycle=work.lifecycle,
            files=await _files(blobs, work.resources),
            author=author(git, work.author),
            subject=work.message,
            task=work.task,
            event_id=work.source_event,
            cache_dir=cache_dir,
        )
        revision = 0
    elif isinstance(work, syncwork.MoveRevision):
        result = await asyncio.to_thread(
            writing.move_revision,
            where,
            package=work.package,
            workspace=work.workspace,
            to_lifecycle=work.to_lifecycle,
            cache_dir=cache_dir,
        )
        revision = 0
    elif isinstance(work, syncwork.MarkDeletion):
        result = await asyncio.to_thread(
            writing.mark_deletion,
            where,
            package=work.package,
            revision=work.revision,
            proposed=work.proposed,
            cache_dir=cache_dir,
        )
        revision = work.revision
    else:
        result = await asyncio.to_thread(
            writing.delete_revision,
            where,
            package=work.package,
            workspace=work.workspace,
            revision=work.revision,
            author=author(git, work.author),
            event_id=work.source_event,
            cache_dir=cache_dir,
        )
        revision = work.revision
    log.info(
        "%s: %s %s", syncwork.message_id(work), "already" if result.already else "wrote", result.ref
    )
    return synced(work, revision=revision, commit=result.commit, ref=result.ref)


async def _publish(
    work: syncwork.PublishRevision,
    git: syncwork.GitTarget,
    *,
    credentials: Credentials | None,
    blobs: BlobStore,
    cache_dir: Path,
) -> facts.Fact:
    who = author(git, work.author)
    request = publishing.PublishRequest(
        url=git.url,
        branch=git.branch,
        directory=git.directory.strip("/"),
        package=work.package,
        revision=work.revision,
        workspace=work.workspace,
        files=await _files(blobs, work.resources),
        author_name=who.name,
        author_email=who.email,
        event_id=work.source_event,
        credentials=credentials,
        task=work.task,
    )
    result = await asyncio.to_thread(publishing.publish_revision, request, cache_dir=cache_dir)
    log.info(
        "published %s/%s as %s (%s)",
        work.repository,
        work.package,
        result.tag,
        "already there" if result.already else result.commit[:12],
    )
    return synced(work, revision=work.revision, commit=result.commit, ref=f"refs/tags/{result.tag}")


__all__ = ["RevisionWork", "author", "remote", "write"]
