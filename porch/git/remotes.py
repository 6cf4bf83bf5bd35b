"""Fetch, push and ls-remote against one remote URL, through a locked bare cache clone.

Three things pygit2 leaves to its callers are done here once: libgit2 and OS errors become
``porch.errors.GitError`` with credentials scrubbed; a ref the server refuses during a push is
reported as a rejection (pygit2's ``push`` returns normally then); and only one thread or
process at a time uses a cache clone. Remotes are anonymous, so a URL (which may carry
credentials) is never written to the cache's config. Synchronous: callers wrap calls in
``asyncio.to_thread``. Knows nothing about packages or Porch's ref layout.
"""

from __future__ import annotations

import fcntl
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pygit2
from pygit2.enums import CredentialType, FetchPrune
from pygit2.errors import Passthrough

from porch.errors import GitError, PorchError
from porch.git.credentials import Credentials, libgit2_credential, public_url, redact

# libgit2 refuses these pushes itself, before sending anything, when the remote ref moved.
_STALE_PUSH_MARKERS = ("non-fastforwardable", "not present locally")


class _Callbacks(pygit2.RemoteCallbacks):
    """Hands out credentials once and records refs the server refused."""

    def __init__(self, *, url: str, credentials: Credentials | None) -> None:
        super().__init__()
        self._url = url
        self._given = credentials
        self._asked = 0
        self.rejected: dict[str, str] = {}

    def credentials(
        self, url: str, username_from_url: str | None, allowed_types: CredentialType
    ) -> pygit2.UserPass | pygit2.Username | pygit2.Keypair:
        if self._given is None:
            raise Passthrough
        self._asked += 1
        if self._asked > 1:
            # libgit2 asks again each time the server refuses; answering again would loop.
            raise GitError(f"authentication to {public_url(self._url)} failed")
        return libgit2_credential(
            self._given, username_from_url=username_from_url, allowed=allowed_types
        )

    def push_update_reference(self, refname: str, message: str | None) -> None:
        if message is not None:
            self.rejected[refname] = redact(message, url=self._url, credentials=self._given)


@contextmanager
def _translated(action: str, *, url: str, credentials: Credentials | None) -> Iterator[None]:
    try:
        yield
    except PorchError:
        raise
    except (pygit2.GitError, OSError, ValueError) as exc:
        detail = redact(str(exc), url=url, credentials=credentials)
        # `from None`: the original exception's text may hold the credentials.
        raise GitError(f"{action} {public_url(url)} failed: {detail}") from None


def cache_path(url: str, *, cache_dir: Path) -> Path:
    """Where the bare cache clone of ``url`` lives; the name never holds credentials."""
    digest = hashlib.sha256(public_url(url).encode()).hexdigest()[:32]
    return cache_dir / f"{digest}.git"


@contextmanager
def _locked(lock_path: Path) -> Iterator[None]:
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        handle = lock_path.open("a")
    except OSError as exc:
        raise GitError(f"cannot use the Git cache directory {lock_path.parent}: {exc}") from None
    with handle:
        # flock conflicts between separate open()s, so this serialises threads and processes.
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _open_cache(path: Path) -> pygit2.Repository:
    try:
        if (path / "HEAD").is_file():
            return pygit2.Repository(str(path))
        return pygit2.init_repository(str(path), bare=True)
    except (pygit2.GitError, OSError) as exc:
        raise GitError(f"cannot open the Git cache clone {path}: {exc}") from None


@contextmanager
def cached_repository(url: str, *, cache_dir: Path) -> Iterator[pygit2.Repository]:
    """The bare cache clone for ``url`` (created if missing), held exclusively while open."""
    path = cache_path(url, cache_dir=cache_dir)
    with _locked(path.with_name(path.name + ".lock")):
        yield _open_cache(path)


def _advertised(heads: list[pygit2.remotes.RemoteHead]) -> dict[str, str]:
    return {head.name: str(head.oid) for head in heads if head.name}


def fetch(
    repo: pygit2.Repository, url: str, *, refspecs: list[str], credentials: Credentials | None
) -> dict[str, str]:
    """Fetch ``refspecs`` into ``repo``; return the refs the remote advertised (name -> sha).

    Local refs under the refspecs' destinations that the remote no longer has are pruned. The
    advertisement is the remote's state at fetch time, so callers can tell a ref that is gone
    on the remote from a stale local copy without a second connection.
    """
    remote = repo.remotes.create_anonymous(url)
    callbacks = _Callbacks(url=url, credentials=credentials)
    with _translated("fetching from", url=url, credentials=credentials):
        remote.fetch(refspecs, callbacks=callbacks, prune=FetchPrune.PRUNE)
        return _advertised(remote.list_heads(connect=False))


def _destination(spec: str) -> str:
    return spec.rpartition(":")[2]


def push(
    repo: pygit2.Repository, url: str, *, specs: list[str], credentials: Credentials | None
) -> dict[str, str]:
    """Push ``specs``; return the destination refs that were refused (ref -> reason).

    An empty result means every ref was updated. Refs the server refused while accepting
    others are reported, not raised: the server may have applied part of the push.
    """
    remote = repo.remotes.create_anonymous(url)
    callbacks = _Callbacks(url=url, credentials=credentials)
    with _translated("pushing to", url=url, credentials=credentials):
        try:
            remote.push(specs, callbacks=callbacks)
        except pygit2.GitError as exc:
            if not any(marker in str(exc) for marker in _STALE_PUSH_MARKERS):
                raise
            # libgit2 stopped before sending anything, so no ref was updated.
            return {_destination(spec): str(exc) for spec in specs}
    return dict(callbacks.rejected)


def list_refs(
    repo: pygit2.Repository, url: str, *, credentials: Credentials | None
) -> dict[str, str]:
    """The refs ``url`` advertises (name -> sha, peeled tags as ``<tag>^{}``), like ls-remote."""
    remote = repo.remotes.create_anonymous(url)
    callbacks = _Callbacks(url=url, credentials=credentials)
    with _translated("listing refs of", url=url, credentials=credentials):
        return _advertised(remote.list_heads(callbacks=callbacks))


__all__ = ["cache_path", "cached_repository", "fetch", "list_refs", "push"]
