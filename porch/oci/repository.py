"""Package revisions in an OCI registry: push, move lifecycle, delete, discover, pull.

One image repository per package, one tag per workspace, plus ``v<N>`` on published
revisions (so ``kpt``/``oras`` users and clones can name a published revision the way Git
users name ``P/vN``). Every write is idempotent: the image of a revision is deterministic,
so pushing it again changes nothing, and a tag already holding the manifest we would write
is reported as ``already``. Superseded manifests are left untagged rather than deleted
(as Porch does): deleting by digest would also drop any alias someone else put on them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from porch.errors import Conflict, Invalid, NotFound
from porch.oci import images
from porch.oci.client import RegistryClient
from porch.oci.credentials import RegistryCredentials
from porch.oci.images import Descriptor, RevisionMeta
from porch.oci.layers import pack, sha256, unpack
from porch.oci.references import (
    ImageReference,
    RegistryLocation,
    check_tag,
    parse_registry,
)

_PARALLEL = 8  # concurrent manifest reads during discovery


@dataclass(frozen=True)
class PushRequest:
    package: str
    workspace: str
    lifecycle: str  # Draft | Proposed | Published | DeletionProposed
    revision: int  # 0 unless published
    files: Mapping[str, bytes]
    event_id: str  # the event whose work this is (idempotency)
    created: str  # RFC 3339
    author: str = ""
    task: dict[str, Any] | None = None


@dataclass(frozen=True)
class PushResult:
    digest: str  # the manifest's
    tags: tuple[str, ...]
    image: str  # host/repo:tag of the revision (``v<N>`` when published)
    already: bool  # the registry held exactly this already


@dataclass(frozen=True)
class RevisionImage:
    """A revision as discovered in the registry (files are pulled separately)."""

    package: str
    workspace: str
    tag: str  # the tag it was found under (the workspace, or the ``v<N>`` alias)
    lifecycle: str
    revision: int
    digest: str
    image: str
    event_id: str  # "" when Porch did not write it
    created: str
    author: str
    tasks: tuple[dict[str, Any], ...]


def version_tag(revision: int) -> str:
    return f"v{revision}"


class OciRepository:
    """A Repository's registry location with credentials; close it when done."""

    def __init__(
        self,
        registry: str | RegistryLocation,
        credentials: RegistryCredentials | None = None,
        *,
        timeout: float = 30.0,
    ) -> None:
        self.location = (
            registry if isinstance(registry, RegistryLocation) else (parse_registry(registry))
        )
        self.client = RegistryClient(self.location, credentials, timeout=timeout)

    async def close(self) -> None:
        await self.client.close()

    async def __aenter__(self) -> OciRepository:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def check(self) -> None:
        """Reachable, an OCI registry, and our credentials are accepted."""
        await self.client.ping()

    # --- writes ------------------------------------------------------------------------

    async def push_revision(self, request: PushRequest) -> PushResult:
        check_tag(request.workspace)
        images.check_lifecycle(request.lifecycle)
        published = request.lifecycle in ("Published", "DeletionProposed")
        if published != (request.revision > 0):
            raise Invalid(f"a {request.lifecycle} revision cannot have revision {request.revision}")
        repo = self.location.repository(request.package)
        meta = RevisionMeta(
            package=request.package,
            workspace=request.workspace,
            lifecycle=request.lifecycle,
            revision=request.revision,
            event_id=request.event_id,
            created=request.created,
            author=request.author,
            task=request.task,
        )
        layer = pack(request.files)
        config = images.config_blob(meta, layer.diff_id)
        config_d = Descriptor(images.CONFIG_MEDIA_TYPE, sha256(config), len(config))
        layer_d = Descriptor(images.LAYER_MEDIA_TYPE, layer.digest, len(layer.blob))
        manifest = images.manifest_blob(config_d, [layer_d], images.revision_annotations(meta))
        tags = self._tags_for(request.workspace, request.revision)
        digest = sha256(manifest)
        await self._check_alias(repo, request, tags)
        current = {tag: await self.client.head_manifest(repo, tag) for tag in tags}
        if all(d == digest for d in current.values()):
            return self._result(request.package, digest, tags, request.revision, already=True)
        await self.client.put_blob(repo, layer.blob)
        await self.client.put_blob(repo, config)
        for tag in tags:
            if current[tag] != digest:
                await self.client.put_manifest(repo, tag, manifest, images.MANIFEST_MEDIA_TYPE)
        return self._result(request.package, digest, tags, request.revision, already=False)

    async def set_lifecycle(
        self, package: str, workspace: str, lifecycle: str, *, revision: int, event_id: str
    ) -> PushResult:
        """Rewrite the revision's annotations (same layers) for a lifecycle move.

        ``revision`` is the published number for Published/DeletionProposed, else 0.
        """
        images.check_lifecycle(lifecycle)
        repo = self.location.repository(package)
        got = await self.client.get_manifest(repo, workspace)
        if got is None:
            raise NotFound(f"no image {self.location.image(package, workspace)}")
        body, old_digest, media_type = got
        changes: dict[str, str | None] = {
            images.LIFECYCLE: lifecycle,
            images.EVENT_ID: event_id,
            images.REVISION: str(revision) if revision > 0 else None,
        }
        manifest = images.parse_manifest(body, media_type)
        unchanged = (
            manifest.annotations.get(images.LIFECYCLE) == lifecycle
            and images.revision_of(manifest) == revision
        )
        tags = self._tags_for(workspace, revision)
        if unchanged:
            # Already moved (a redelivery, or a change made by someone else): keep it as is.
            new_body, digest = body, old_digest
        else:
            new_body = images.with_annotations(body, changes)
            digest = sha256(new_body)
        current = {tag: await self.client.head_manifest(repo, tag) for tag in tags}
        if all(d == digest for d in current.values()):
            return self._result(package, digest, tags, revision, already=True)
        kind = manifest.media_type or images.MANIFEST_MEDIA_TYPE
        for tag in tags:
            if current[tag] != digest:
                await self.client.put_manifest(repo, tag, new_body, kind)
        return self._result(package, digest, tags, revision, already=False)

    async def delete_revision(self, package: str, workspace: str, *, revision: int) -> bool:
        """Remove the revision's image (its workspace tag and ``v<N>``); False if absent."""
        repo = self.location.repository(package)
        removed = False
        digests: list[str] = []
        for tag in self._tags_for(workspace, revision):
            digest = await self.client.head_manifest(repo, tag)
            if digest is not None and digest not in digests:
                if tag != workspace and not await self._belongs_to(repo, tag, workspace):
                    continue  # an alias now naming another workspace's image: not ours
                digests.append(digest)
        for digest in digests:
            removed = await self.client.delete_manifest(repo, digest) or removed
        return removed

    # --- reads -------------------------------------------------------------------------

    async def list_packages(self) -> list[str]:
        """Packages = image repositories under the location's prefix."""
        found = []
        for repository in await self.client.catalog():
            package = self.location.package_of(repository)
            if package:
                found.append(package)
        return sorted(found)

    async def list_revisions(
        self, package: str, *, known: Mapping[str, RevisionImage] | None = None
    ) -> list[RevisionImage]:
        """Every revision of ``package``, one per workspace (a ``v<N>`` alias of a
        workspace tag is folded into it). ``known`` maps manifest digests to revisions
        read before, so an unchanged image costs one HEAD."""
        repo = self.location.repository(package)
        tags = await self.client.tags(repo)
        limit = asyncio.Semaphore(_PARALLEL)

        async def read(tag: str) -> RevisionImage | None:
            async with limit:
                return await self._read_revision(package, repo, tag, known or {})

        found = [r for r in await asyncio.gather(*(read(t) for t in tags)) if r is not None]
        by_workspace: dict[str, RevisionImage] = {}
        for rev in sorted(found, key=lambda r: (r.tag != r.workspace, r.tag)):
            by_workspace.setdefault(rev.workspace, rev)
        return [by_workspace[w] for w in sorted(by_workspace)]

    async def _read_revision(
        self, package: str, repo: str, tag: str, known: Mapping[str, RevisionImage]
    ) -> RevisionImage | None:
        digest = await self.client.head_manifest(repo, tag)
        if digest is None:
            return None  # deleted between listing and reading
        if digest in known and known[digest].tag == tag:
            return known[digest]
        got = await self.client.get_manifest(repo, digest)
        if got is None:
            return None
        manifest = images.parse_manifest(got[0], got[2])
        config = images.parse_config(await self.client.get_blob(repo, manifest.config.digest))
        ann = manifest.annotations
        return RevisionImage(
            package=package,
            workspace=ann.get(images.WORKSPACE) or tag,
            tag=tag,
            lifecycle=images.lifecycle_of(manifest),
            revision=images.revision_of(manifest),
            digest=digest,
            image=self.location.image(package, tag),
            event_id=ann.get(images.EVENT_ID, ""),
            created=ann.get(images.CREATED) or config.created,
            author=config.author,
            tasks=config.tasks,
        )

    async def pull_files(self, package: str, reference: str) -> dict[str, bytes]:
        """The package tree of a revision (tag, ``v<N>`` or digest)."""
        repo = self.location.repository(package)
        return await self._pull(repo, reference, self.location.image(package, reference))

    async def _pull(self, repo: str, reference: str, shown: str) -> dict[str, bytes]:
        got = await self.client.get_manifest(repo, reference)
        if got is None:
            raise NotFound(f"no image {shown}")
        manifest = images.parse_manifest(got[0], got[2])
        blobs = [await self.client.get_blob(repo, layer.digest) for layer in manifest.layers]
        return unpack(blobs)

    # --- helpers -----------------------------------------------------------------------

    @staticmethod
    def _tags_for(workspace: str, revision: int) -> tuple[str, ...]:
        return (workspace, version_tag(revision)) if revision > 0 else (workspace,)

    async def _belongs_to(self, repo: str, tag: str, workspace: str) -> bool:
        got = await self.client.get_manifest(repo, tag)
        if got is None:
            return False
        ann = images.parse_manifest(got[0], got[2]).annotations
        return ann.get(images.WORKSPACE, tag) == workspace

    async def _check_alias(self, repo: str, request: PushRequest, tags: tuple[str, ...]) -> None:
        """``v<N>`` is never moved to another workspace's image (numbers are not reused)."""
        for tag in tags[1:]:
            got = await self.client.get_manifest(repo, tag)
            if got is None:
                continue
            owner = images.parse_manifest(got[0], got[2]).annotations.get(images.WORKSPACE)
            if owner != request.workspace:
                raise Conflict(
                    f"{self.location.image(request.package, tag)} already holds revision "
                    f'{request.revision} of workspace "{owner or "?"}"'
                )

    def _result(
        self, package: str, digest: str, tags: tuple[str, ...], revision: int, *, already: bool
    ) -> PushResult:
        shown = tags[1] if revision > 0 else tags[0]
        return PushResult(
            digest=digest,
            tags=tags,
            image=self.location.image(package, shown),
            already=already,
        )


async def pull_image(
    image: ImageReference, credentials: RegistryCredentials | None = None, *, timeout: float = 30.0
) -> dict[str, bytes]:
    """The package tree of any image (a clone from OCI), all layers applied in order."""
    client = RegistryClient(image.location, credentials, timeout=timeout)
    try:
        got = await client.get_manifest(image.repository, image.reference)
        if got is None:
            raise NotFound(f"no image {image}")
        manifest = images.parse_manifest(got[0], got[2])
        blobs = [await client.get_blob(image.repository, layer.digest) for layer in manifest.layers]
        return unpack(blobs)
    finally:
        await client.close()


__all__ = [
    "OciRepository",
    "PushRequest",
    "PushResult",
    "RevisionImage",
    "pull_image",
    "version_tag",
]
