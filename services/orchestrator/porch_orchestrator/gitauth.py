"""Git fetchers for raw clones that authenticate with the Secret the clone task names.

The task worker resolves the Secret (``porch_secrets``, in the revision's namespace) on its
own loop just before the task runs, and hands the computation a ``GitFetchers`` that knows
the credentials; the computation never touches NATS. Which keys make credentials is
``porch.git.secretcreds``, shared with git-sync. Credentials live only in memory for one
task: never logged, never in an event, an error message, a cache path or the upstream lock.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pygit2

from porch.domain import events as ev
from porch.domain import taskwork
from porch.errors import NotFound
from porch.eventlog import secrets
from porch.eventlog.secrets import SecretStore
from porch.git import Credentials, secretcreds
from porch.git import remotes as git_remotes
from porch.kpt.pkg_git import Fetched, RepoCache, effective_url, package_scoped_ref, read_tree
from porch_orchestrator.packaging import GitFetchers

# What a raw clone fetches: every branch and tag (as the anonymous RepoCache does).
_REFSPECS = ["+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*"]


def secret_name(work: taskwork.RunTask) -> str:
    """The Secret a raw Git clone names (``upstreamRef.git.secretRef.name``), or ""."""
    request = work.request
    if not isinstance(request, ev.RevisionCreationRequested) or not request.tasks:
        return ""
    task = request.tasks[0]
    if task.type != "clone":
        return ""
    ref: dict[str, Any] = dict((task.clone or {}).get("upstreamRef") or {})
    git = ref.get("git")
    if not isinstance(git, dict):
        # A registered upstream: its repository's Secret, for reading the tag's commit.
        upstream = taskwork.inputs_of(request.inputs).upstream
        where = upstream.git if upstream is not None else None
        return str((where or {}).get("secretRef") or "")
    secret_ref = git.get("secretRef")
    return str(secret_ref.get("name") or "") if isinstance(secret_ref, dict) else ""


async def credentials(store: SecretStore, *, namespace: str, name: str) -> Credentials:
    """The credentials in Secret ``namespace/name``; ``NotFound``/``Invalid`` otherwise
    (the messages name the Secret and never quote a value)."""
    return secretcreds.from_secret(name, secrets.values(await store.get(namespace, name)))


def fetchers(cache_dir: Path, resolved: dict[str, Credentials]) -> GitFetchers:
    """Anonymous for "", authenticated for a resolved Secret name."""

    def fetcher(secret: str) -> RepoCache:
        if not secret:
            return RepoCache(cache_dir)
        found = resolved.get(secret)
        if found is None:  # the worker resolves every name the task uses first
            raise NotFound(f'secret "{secret}" was not resolved for this task')
        return AuthenticatedRepoCache(cache_dir, found)

    return fetcher


class AuthenticatedRepoCache(RepoCache):
    """``RepoCache`` whose network access sends credentials (through libgit2's callback).

    Same cache directory as anonymous clones of the URL (credentials are not part of the
    URL); every fetch goes to the server first, so content fetched with credentials is never
    served to a task that cannot authenticate: its own fetch fails before anything is read.
    """

    def __init__(self, cache_dir: Path, credentials: Credentials) -> None:
        super().__init__(cache_dir)
        self._credentials = credentials

    def fetch(self, url: str, *, directory: str, ref: str) -> Fetched:
        repository = self._repository(url)
        advertised = git_remotes.fetch(
            repository, effective_url(url), refspecs=_REFSPECS, credentials=self._credentials
        )
        heads = _refs(advertised, "refs/heads/")
        tags = _refs(advertised, "refs/tags/")
        used = package_scoped_ref(tags, directory, ref)
        recorded = heads.get(used) or tags.get(used) or used
        try:
            commit = repository.revparse_single(recorded).peel(pygit2.Commit)
        except (KeyError, ValueError, pygit2.GitError, pygit2.InvalidSpecError):
            raise NotFound(
                f'Unknown ref "{ref}". Please verify that the reference exists in upstream '
                f'repo "{url}".'
            ) from None
        files, executables, warnings = read_tree(repository, commit, directory, url=url)
        return Fetched(url, directory, used, recorded, files, executables, warnings)


def _refs(advertised: dict[str, str], prefix: str) -> dict[str, str]:
    return {
        name.removeprefix(prefix): sha
        for name, sha in advertised.items()
        if name.startswith(prefix) and not name.endswith("^{}")
    }


__all__ = ["AuthenticatedRepoCache", "credentials", "fetchers", "secret_name"]
