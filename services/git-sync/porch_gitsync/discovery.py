"""A discovery pass for one repository: what Git holds now, compared with what git-sync
announced last time, as ``RevisionDiscovered`` / ``RevisionRemoved`` facts, then
``RepositorySynced``.

The memory of the last pass (revision key -> fingerprint and ref, pass number, connection
status) lives in the KV bucket ``porch_gitsync`` so a restart does not re-announce
everything. Files are stored in the blob store before any event names their digests. Message
ids are derived from the pass number and fingerprint: a pass repeated after a crash (same
number, memory not saved) appends nothing twice.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

import msgspec
from nats.js import JetStreamContext
from nats.js.kv import KeyValue

from porch.domain import events as ev
from porch.domain.common import event_fields
from porch.errors import GitError, NotFound
from porch.eventlog import buckets, subjects
from porch.eventlog.blobs import BlobStore
from porch.git import Credentials, discovering, writing
from porch_gitsync import facts, metrics

log = logging.getLogger(__name__)

MEMORY_BUCKET = "porch_gitsync"


class Known(msgspec.Struct, frozen=True):
    fingerprint: str
    ref: str
    package: str
    workspace: str


class Memory(msgspec.Struct, frozen=True, kw_only=True):
    passes: int = 0
    revisions: dict[str, Known] = {}
    ready: str = "Unknown"  # what git-sync last recorded: True | False | Unknown
    message: str = ""
    reannounce: bool = False  # the next pass re-reads and announces every revision


_dec = msgspec.json.Decoder(Memory)
_enc = msgspec.json.Encoder()


@dataclass(frozen=True)
class Repo:
    namespace: str
    name: str
    remote: writing.Remote
    uid: str = ""  # the registration read; its facts carry it (events.RepositorySynced)


def _id(*parts: str) -> str:
    return "discover:" + hashlib.sha256("\0".join(parts).encode()).hexdigest()[:40]


class Discovery:
    def __init__(
        self, js: JetStreamContext, kv: KeyValue, blobs: BlobStore, *, cache_dir: Path
    ) -> None:
        self.js = js
        self.kv = kv
        self.blobs = blobs
        self.cache_dir = cache_dir

    @classmethod
    async def open(cls, js: JetStreamContext, blobs: BlobStore, *, cache_dir: Path) -> Discovery:
        return cls(js, await buckets.open_bucket(js, MEMORY_BUCKET), blobs, cache_dir=cache_dir)

    async def memory(self, namespace: str, name: str) -> Memory:
        entry = await buckets.get(self.kv, subjects.key(namespace, name))
        memory = _dec.decode(entry.value) if entry is not None and entry.value else Memory()
        metrics.repository_ready(subjects.key(namespace, name), memory.ready)
        return memory

    async def _save(self, namespace: str, name: str, memory: Memory) -> None:
        await self.kv.put(subjects.key(namespace, name), _enc.encode(memory))
        metrics.repository_ready(subjects.key(namespace, name), memory.ready)

    async def forget(self, namespace: str, name: str) -> None:
        """Announce everything again on the next pass. The pass counter is kept: fact
        message ids derive from it, and a restarted count would repeat ids still inside
        the stream's duplicate window (those facts would be dropped as duplicates)."""
        memory = await self.memory(namespace, name)
        # What was there is kept: a ref deleted meanwhile must still be reported as removed.
        again = Memory(passes=memory.passes, revisions=memory.revisions, reannounce=True)
        await self._save(namespace, name, again)

    async def run(self, repo: Repo, *, credentials: Credentials | None) -> bool:
        """One pass; False (and ``RepositoryConnectionFailed`` once per new reason) when the
        repository cannot be read."""
        memory = await self.memory(repo.namespace, repo.name)
        known = {} if memory.reannounce else {k: r.fingerprint for k, r in memory.revisions.items()}
        remote = writing.Remote(
            url=repo.remote.url,
            branch=repo.remote.branch,
            directory=repo.remote.directory,
            credentials=credentials,
        )
        try:
            with metrics.git_operation("fetch"):
                listing = await asyncio.to_thread(
                    discovering.discover, remote, known=known, cache_dir=self.cache_dir
                )
        except (GitError, NotFound) as exc:
            reason = "BranchNotFound" if isinstance(exc, NotFound) else "GitUnavailable"
            await self.unreachable(repo, memory, reason=reason, message=exc.message)
            metrics.discovery_pass(reachable=False)
            return False
        for ignored in listing.ignored:
            log.warning("%s/%s: ignoring %s", repo.namespace, repo.name, ignored)
        await self._announce(repo, memory, listing)
        metrics.discovery_pass(reachable=True)
        return True

    async def unreachable(self, repo: Repo, memory: Memory, *, reason: str, message: str) -> None:
        if memory.ready == "False" and memory.message == message:
            return  # already recorded; a poll every few seconds must not flood the stream
        log.warning("%s/%s unreachable: %s", repo.namespace, repo.name, message)
        m = facts.meta(_id(repo.namespace, repo.name, "failed", str(memory.passes), message))
        event = ev.RepositoryConnectionFailed(
            **event_fields(m), reason=reason, message=message, repository_uid=repo.uid
        )
        await facts.record_all(self.js, [facts.about_repository(repo.namespace, repo.name, event)])
        new = msgspec.structs.replace(memory, ready="False", message=message)
        await self._save(repo.namespace, repo.name, new)

    async def _announce(self, repo: Repo, memory: Memory, listing: discovering.Listing) -> None:
        number = str(memory.passes + 1)
        out: list[facts.Fact] = []
        if memory.ready != "True":
            m = facts.meta(_id(repo.namespace, repo.name, "connected", number))
            event: ev.Event = ev.RepositoryConnected(
                **event_fields(m), commit=listing.head, repository_uid=repo.uid
            )
            out.append(facts.about_repository(repo.namespace, repo.name, event))
        current = {found.key: found for found in listing.found}
        for found in listing.found:
            if found.files is not None:
                out.append(await self._discovered(repo, found, number))
        for key, gone in memory.revisions.items():
            if key not in current:
                m = facts.meta(
                    _id(repo.namespace, repo.name, key, gone.fingerprint, "removed", number)
                )
                removed = ev.RevisionRemoved(
                    **event_fields(m),
                    workspace=gone.workspace,
                    ref=gone.ref,
                    repository_uid=repo.uid,
                )
                out.append(
                    facts.about_revision(
                        repo.namespace, repo.name, gone.package, gone.workspace, removed
                    )
                )
        packages = {found.package for found in listing.found}
        m = facts.meta(_id(repo.namespace, repo.name, "synced", number))
        synced = ev.RepositorySynced(
            **event_fields(m),
            commit=listing.head,
            package_count=len(packages),
            repository_uid=repo.uid,
        )
        out.append(facts.about_repository(repo.namespace, repo.name, synced))
        await facts.record_all(self.js, out)
        revisions = {
            key: Known(f.fingerprint, f.ref, f.package, f.workspace) for key, f in current.items()
        }
        await self._save(
            repo.namespace,
            repo.name,
            Memory(passes=memory.passes + 1, revisions=revisions, ready="True"),
        )

    async def _discovered(self, repo: Repo, found: discovering.Found, number: str) -> facts.Fact:
        assert found.files is not None
        resources = {path: await self.blobs.put(data) for path, data in found.files.items()}
        tasks: list[ev.Task] = []
        for task in found.tasks:
            try:
                tasks.append(msgspec.convert(task, ev.Task))
            except msgspec.ValidationError:
                log.warning("%s: ignoring a malformed task in %s", repo.name, found.ref)
        m = facts.meta(_id(repo.namespace, repo.name, found.key, found.fingerprint, number))
        event = ev.RevisionDiscovered(
            **event_fields(m),
            namespace=repo.namespace,
            repository=repo.name,
            package=found.package,
            workspace=found.workspace,
            lifecycle=found.lifecycle,
            revision=found.revision,
            resources=resources,
            commit=found.commit,
            ref=found.ref,
            tasks=tuple(tasks),
            author=found.author,
            authored=found.authored,
            repository_uid=repo.uid,
        )
        return facts.about_revision(
            repo.namespace, repo.name, found.package, found.workspace, event
        )


__all__ = ["MEMORY_BUCKET", "Discovery", "Memory", "Repo"]
