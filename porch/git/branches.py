"""Creating a registered branch that does not exist yet (``spec.git.createBranch``).

Porch does this when it opens a repository: one root commit holding ``README.md``, signed by
Porch, pushed to the branch. The message is Porch's constant, which says "main" whatever the
branch is called; it is kept verbatim so repositories look the same whichever server created
them. Idempotent: an existing branch (also one another writer created between our fetch and
push) is left as it is. Synchronous; callers wrap calls in ``asyncio.to_thread``.
"""

from __future__ import annotations

from pathlib import Path

import pygit2
from pygit2.enums import FileMode

from porch.errors import GitError, Invalid
from porch.git import layout, remotes
from porch.git.credentials import public_url
from porch.git.writing import Remote, WriteResult

INITIAL_MESSAGE = "Initial commit: Creating main branch"
README = "README.md"
README_TEXT = b"Created by porch"
SIGNATURE = ("Package Orchestration Service", "porch@kpt.dev")


def _initial_commit(repo: pygit2.Repository) -> pygit2.Oid:
    builder = repo.TreeBuilder()
    builder.insert(README, repo.create_blob(README_TEXT), FileMode.BLOB)
    signature = pygit2.Signature(*SIGNATURE)
    return repo.create_commit(None, signature, signature, INITIAL_MESSAGE, builder.write(), [])


def ensure_branch(remote: Remote, *, cache_dir: Path, attempts: int = 2) -> WriteResult:
    """The registered branch's head, creating the branch first when it is missing.

    Raises ``GitError`` when the server is unreachable or refuses the push (no write access).
    """
    ref = layout.branch_ref(remote.branch)
    if not pygit2.reference_is_valid_name(ref):
        raise Invalid(f"{remote.branch!r} is not a valid branch name")
    reason = ""
    with remotes.cached_repository(remote.url, cache_dir=cache_dir) as repo:
        for _ in range(max(attempts, 1)):
            advertised = remotes.list_refs(repo, remote.url, credentials=remote.credentials)
            if ref in advertised:
                return WriteResult(ref=ref, commit=advertised[ref], already=True)
            commit = _initial_commit(repo)
            rejected = remotes.push(
                repo, remote.url, specs=[f"{commit}:{ref}"], credentials=remote.credentials
            )
            if not rejected:
                return WriteResult(ref=ref, commit=str(commit), already=False)
            reason = "; ".join(rejected.values())  # created meanwhile? the next fetch tells
    raise GitError(
        f"creating branch {remote.branch!r} in {public_url(remote.url)} failed: {reason}"
    )


__all__ = ["INITIAL_MESSAGE", "ensure_branch"]
