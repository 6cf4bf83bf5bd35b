"""Fetching a package directory out of a Git repository, as ``kpt pkg get`` resolves it.

Repositories are fetched with libgit2 (pygit2) into bare repositories kept in a cache
directory, one per URL; nothing is contacted but the given URL. A ref is resolved like
kpt: first a package-scoped tag ``<directory>/<ref>`` (then the tag for each shorter
parent directory), then a branch, then a tag, then a commit id. The package's files are
read straight from the commit's tree (no work tree): symlinks are skipped with a warning
and anything ending in ``.git`` is left out, as kpt's copy does. I/O: the cache directory
and the network; no other files.
"""

from __future__ import annotations

import base64
import hashlib
import posixpath
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pygit2
from pygit2.enums import FileMode, ObjectType

from porch.errors import GitError, NotFound

_FETCH_SPECS = ["+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*"]


@dataclass(frozen=True)
class Fetched:
    """A package directory at one commit."""

    repo: str
    directory: str  # as given, e.g. "/pkgs/app"
    ref: str  # the ref actually fetched (a package-scoped tag when one exists)
    commit: str  # what kpt records in upstreamLock.git.commit
    files: dict[str, bytes] = field(default_factory=dict)
    executables: frozenset[str] = frozenset()
    warnings: tuple[str, ...] = ()


@dataclass
class _Refs:
    heads: dict[str, str]
    tags: dict[str, str]
    default_branch: str


def cache_key(url: str) -> str:
    """Directory name for a URL (kpt's: base32 of the MD5, lower case)."""
    digest = hashlib.md5(url.encode(), usedforsecurity=False).digest()
    return base64.b32encode(digest).decode().lower()


def effective_url(url: str) -> str:
    """kpt strips ``.git`` from the repo URL and git finds the repository anyway; libgit2
    needs the real path for local repositories."""
    path = urlparse(url).path
    local = urlparse(url).scheme == "file"
    if local and not Path(path).exists() and Path(path + ".git").exists():
        return url + ".git"
    return url


class RepoCache:
    """Bare repositories under ``cache_dir``, one per upstream URL."""

    def __init__(self, cache_dir: Path) -> None:
        self._dir = cache_dir
        self._refs: dict[str, _Refs] = {}

    def _repository(self, url: str) -> pygit2.Repository:
        path = self._dir / cache_key(url)
        if (path / "HEAD").exists():
            return pygit2.Repository(str(path))
        path.mkdir(parents=True, exist_ok=True)
        return pygit2.init_repository(str(path), bare=True)

    def refs(self, url: str) -> _Refs:
        """Branches and tags of the remote (``git ls-remote``), remembered per run."""
        if url not in self._refs:
            self._refs[url] = _list_refs(self._repository(url), url)
        return self._refs[url]

    def default_branch(self, url: str) -> str:
        branch = self.refs(url).default_branch
        if not branch:
            raise GitError(f'unable to detect default branch in repo "{url}"')
        return branch

    def fetch(self, url: str, *, directory: str, ref: str) -> Fetched:
        """The package at ``directory`` of ``url`` at ``ref``."""
        refs = self.refs(url)
        used = package_scoped_ref(refs.tags, directory, ref)
        repository = self._repository(url)
        _fetch(repository, url)
        recorded = refs.heads.get(used) or refs.tags.get(used) or used
        commit = _commit_of(repository, url, recorded, used)
        files, executables, warnings = read_tree(repository, commit, directory, url=url)
        return Fetched(url, directory, used, recorded, files, executables, warnings)


def _list_refs(repository: pygit2.Repository, url: str) -> _Refs:
    remote = repository.remotes.create_anonymous(effective_url(url))
    try:
        listed = remote.list_heads()
    except pygit2.GitError as exc:
        raise GitError(f'failed to list the references of repo "{url}": {exc}') from exc
    heads: dict[str, str] = {}
    tags: dict[str, str] = {}
    default = ""
    for head in listed:
        name = head.name or ""
        if name == "HEAD" and head.symref_target:
            default = head.symref_target.removeprefix("refs/heads/")
        elif name.startswith("refs/heads/"):
            heads[name.removeprefix("refs/heads/")] = str(head.oid)
        elif name.startswith("refs/tags/") and not name.endswith("^{}"):
            tags[name.removeprefix("refs/tags/")] = str(head.oid)
    return _Refs(heads, tags, default)


def package_scoped_ref(tags: dict[str, str], directory: str, ref: str) -> str:
    """``<dir>/<ref>`` for the longest prefix of ``directory`` that has such a tag."""
    parts = [p for p in directory.split("/") if p]
    while parts:
        candidate = posixpath.join(*parts, ref)
        if candidate in tags:
            return candidate
        parts.pop()
    return ref


def _fetch(repository: pygit2.Repository, url: str) -> None:
    remote = repository.remotes.create_anonymous(effective_url(url))
    try:
        remote.fetch(_FETCH_SPECS)
    except pygit2.GitError as exc:
        raise GitError(f'failed to fetch from repo "{url}": {exc}') from exc


def _commit_of(repository: pygit2.Repository, url: str, recorded: str, ref: str) -> pygit2.Commit:
    try:
        obj = repository.revparse_single(recorded)
        commit = obj.peel(pygit2.Commit)
    except (KeyError, ValueError, pygit2.GitError, pygit2.InvalidSpecError) as exc:
        raise NotFound(
            f'Unknown ref "{ref}". Please verify that the reference exists in upstream repo '
            f'"{url}".'
        ) from exc
    return commit


def read_tree(
    repository: pygit2.Repository, commit: pygit2.Commit, directory: str, *, url: str
) -> tuple[dict[str, bytes], frozenset[str], tuple[str, ...]]:
    """Files below ``directory`` at ``commit`` (paths relative to it)."""
    tree: pygit2.Tree = commit.tree
    clean = directory.strip("/")
    if clean:
        try:
            found = tree[clean]
        except KeyError:
            raise NotFound(f'path "{directory}" does not exist in repo "{url}"') from None
        if found.type != ObjectType.TREE:
            raise NotFound(f'path "{directory}" does not exist in repo "{url}"')
        tree = repository[found.id].peel(pygit2.Tree)
    files: dict[str, bytes] = {}
    executables: set[str] = set()
    warnings: list[str] = []
    for path, entry in _walk(repository, tree, ""):
        if entry.filemode == FileMode.LINK:
            warnings.append(f'[Warn] Ignoring symlink "{path}"')
            continue
        files[path] = repository[entry.id].peel(pygit2.Blob).data
        if entry.filemode == FileMode.BLOB_EXECUTABLE:
            executables.add(path)
    return files, frozenset(executables), tuple(warnings)


def _walk(
    repository: pygit2.Repository, tree: pygit2.Tree, prefix: str
) -> Iterator[tuple[str, pygit2.Object]]:
    for entry in tree:
        name = entry.name or ""
        path = f"{prefix}{name}"
        if name.endswith(".git"):
            continue  # kpt's copy skips anything whose path ends in .git
        if entry.type == ObjectType.TREE:
            yield from _walk(repository, repository[entry.id].peel(pygit2.Tree), path + "/")
        elif entry.type == ObjectType.BLOB:
            yield path, entry


__all__ = ["Fetched", "RepoCache", "cache_key", "effective_url", "package_scoped_ref", "read_tree"]
