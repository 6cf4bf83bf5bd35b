"""Write revision lifecycle changes to Git as Porch does, one push per change, idempotently.

Drafts are commits on ``drafts/P/W`` (``proposed/P/W`` once proposed); propose and reject move
that commit between the two branches; a deletion proposal is the marker branch
``deletionProposed/P/vN``; deleting removes the refs, or (the branch placeholder) commits
"Delete P" on the registered branch. Commits carry the ``Porch-Event-Id`` trailer so that a
redelivered item finds its earlier work; ref moves are idempotent by comparing the remote's
refs with the wanted ones. A push refused because a ref moved meanwhile is refetched and
retried. Synchronous: callers wrap calls in ``asyncio.to_thread``. Publishing a revision
lives in ``publishing``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pygit2

from porch.errors import GitError, Invalid, NotFound
from porch.git import layout, remotes, trees
from porch.git.credentials import Credentials, public_url
from porch.model import names

_FETCH_ALL = ["+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*"]
# How far back along a ref a redelivered write looks for its own commit.
_OWN_COMMIT_SEARCH_DEPTH = 50


@dataclass(frozen=True)
class Remote:
    """A registered Git repository: where it is and which branch/directory Porch uses."""

    url: str
    branch: str = "main"
    directory: str = ""
    credentials: Credentials | None = None


@dataclass(frozen=True)
class Author:
    name: str
    email: str


@dataclass(frozen=True)
class WriteResult:
    """The ref written (or deleted: ``commit`` is ''), and whether it was already so."""

    ref: str
    commit: str
    already: bool


def _check_path(package: str, workspace: str = "") -> None:
    problems = [("package", package, names.package_path_problem(package))]
    if workspace:
        problems.append(("workspace", workspace, names.label_problem(workspace)))
    names.require(problems, kind="PackageRevision", name=f"{package}/{workspace}")


def _check_author(author: Author) -> None:
    for field, value in (("authorName", author.name), ("authorEmail", author.email)):
        if not value or any(ch in value for ch in "\n\r\0<>"):
            raise Invalid(f"{field} {value!r} must be one line without angle brackets")


def _fetch(repo: pygit2.Repository, remote: Remote) -> dict[str, str]:
    return remotes.fetch(repo, remote.url, refspecs=_FETCH_ALL, credentials=remote.credentials)


def peel_commit(repo: pygit2.Repository, sha: str | None) -> pygit2.Commit | None:
    if sha is None:
        return None
    try:
        return repo.revparse_single(sha).peel(pygit2.Commit)
    except (pygit2.GitError, KeyError, ValueError):
        return None


def find_own(commit: pygit2.Commit | None, event_id: str) -> pygit2.Commit | None:
    """The commit carrying ``event_id`` among the newest ones of first-parent history."""
    for _ in range(_OWN_COMMIT_SEARCH_DEPTH):
        if commit is None:
            return None
        if layout.event_id_of(commit.message) == event_id:
            return commit
        commit = commit.parents[0] if commit.parent_ids else None
    return None


def _push(repo: pygit2.Repository, remote: Remote, specs: list[str]) -> str:
    """'' when every ref was updated, else why not."""
    rejected = remotes.push(repo, remote.url, specs=specs, credentials=remote.credentials)
    return "; ".join(f"{ref}: {reason}" for ref, reason in sorted(rejected.items()))


def _retrying(
    remote: Remote,
    *,
    what: str,
    cache_dir: Path,
    attempts: int,
    step: Callable[[pygit2.Repository], WriteResult | str],
) -> WriteResult:
    reason = ""
    with remotes.cached_repository(remote.url, cache_dir=cache_dir) as repo:
        for _ in range(max(attempts, 1)):
            outcome = step(repo)
            if isinstance(outcome, WriteResult):
                return outcome
            reason = outcome
    raise GitError(
        f"{what} in {public_url(remote.url)} gave up after {attempts} refused attempt(s): {reason}"
    )


def _commit(
    repo: pygit2.Repository, *, tree: pygit2.Oid, parent: pygit2.Commit, author: Author, msg: str
) -> pygit2.Oid:
    signature = pygit2.Signature(author.name, author.email)
    return repo.create_commit(None, signature, signature, msg, tree, [parent.id])


def write_draft(
    remote: Remote,
    *,
    package: str,
    workspace: str,
    lifecycle: str,
    files: Mapping[str, bytes],
    author: Author,
    subject: str,
    task: dict[str, Any] | None,
    event_id: str,
    cache_dir: Path,
    attempts: int = 3,
) -> WriteResult:
    """Commit ``files`` as package P on ``drafts/P/W`` (``proposed/P/W`` when Proposed).

    The parent is the ref's head, or the registered branch's head for a new draft.
    """
    _check_path(package, workspace)
    _check_author(author)
    path = layout.package_path(remote.directory, package)
    ref = layout.lifecycle_ref(path, workspace, lifecycle)
    kpt = layout.kpt_line(path=path, workspace=workspace, revision=0, task=task)
    msg = layout.message(subject or "Intermediate commit", kpt=kpt, event_id=event_id)

    def step(repo: pygit2.Repository) -> WriteResult | str:
        advertised = _fetch(repo, remote)
        current = peel_commit(repo, advertised.get(ref))
        own = find_own(current, event_id)
        if own is not None:
            return WriteResult(ref=ref, commit=str(own.id), already=True)
        parent = current or peel_commit(repo, advertised.get(layout.branch_ref(remote.branch)))
        if parent is None:
            raise GitError(f"branch {remote.branch!r} does not exist in {public_url(remote.url)}")
        tree = trees.replace_dir(repo, base=parent.tree, prefix=path, files=files)
        commit = _commit(repo, tree=tree, parent=parent, author=author, msg=msg)
        refused = _push(repo, remote, [f"{commit}:{ref}"])
        return refused or WriteResult(ref=ref, commit=str(commit), already=False)

    return _retrying(
        remote, what=f"writing {ref}", cache_dir=cache_dir, attempts=attempts, step=step
    )


def move_revision(
    remote: Remote,
    *,
    package: str,
    workspace: str,
    to_lifecycle: str,
    cache_dir: Path,
    attempts: int = 3,
) -> WriteResult:
    """Propose (drafts -> proposed) or reject (proposed -> drafts): the commit moves to the
    other branch and the old one is deleted, in one push."""
    _check_path(package, workspace)
    if to_lifecycle not in ("Draft", "Proposed"):
        raise Invalid(f"cannot move a revision to lifecycle {to_lifecycle!r}")
    path = layout.package_path(remote.directory, package)
    src = layout.lifecycle_ref(
        path, workspace, "Draft" if to_lifecycle == "Proposed" else "Proposed"
    )
    dst = layout.lifecycle_ref(path, workspace, to_lifecycle)

    def step(repo: pygit2.Repository) -> WriteResult | str:
        advertised = _fetch(repo, remote)
        source, target = advertised.get(src), advertised.get(dst)
        if source is None:
            if target is None:
                raise NotFound(f"neither {src} nor {dst} exists in {public_url(remote.url)}")
            return WriteResult(ref=dst, commit=target, already=True)
        refused = _push(repo, remote, [f"+{source}:{dst}", f":{src}"])
        return refused or WriteResult(ref=dst, commit=source, already=False)

    return _retrying(
        remote, what=f"moving {src} to {dst}", cache_dir=cache_dir, attempts=attempts, step=step
    )


def mark_deletion(
    remote: Remote,
    *,
    package: str,
    revision: int,
    proposed: bool,
    cache_dir: Path,
    attempts: int = 3,
) -> WriteResult:
    """Create (``proposed``) or delete the marker branch ``deletionProposed/P/vN``."""
    _check_path(package)
    if revision < 1:
        raise Invalid(f"only published revisions (>= 1) have deletion markers, not {revision}")
    path = layout.package_path(remote.directory, package)
    marker, tag = layout.marker_ref(path, revision), layout.tag_ref(path, revision)

    def step(repo: pygit2.Repository) -> WriteResult | str:
        advertised = _fetch(repo, remote)
        current = advertised.get(marker)
        if not proposed:
            if current is None:
                return WriteResult(ref=marker, commit="", already=True)
            return _push(repo, remote, [f":{marker}"]) or WriteResult(
                ref=marker, commit="", already=False
            )
        tagged = peel_commit(repo, advertised.get(tag))
        if tagged is None:
            raise NotFound(f"tag {tag} not found in {public_url(remote.url)}")
        if current == str(tagged.id):
            return WriteResult(ref=marker, commit=current, already=True)
        refused = _push(repo, remote, [f"+{tagged.id}:{marker}"])
        return refused or WriteResult(ref=marker, commit=str(tagged.id), already=False)

    return _retrying(
        remote,
        what=f"marking {tag} for deletion",
        cache_dir=cache_dir,
        attempts=attempts,
        step=step,
    )


def delete_revision(
    remote: Remote,
    *,
    package: str,
    workspace: str,
    revision: int,
    author: Author,
    event_id: str,
    cache_dir: Path,
    attempts: int = 3,
) -> WriteResult:
    """Remove a revision: its draft/proposed branch (revision 0), its tag and deletion marker
    (revision N), or directory P from the registered branch (the placeholder, revision -1)."""
    _check_path(package, workspace)
    path = layout.package_path(remote.directory, package)
    if revision == -1:
        _check_author(author)
        step = _placeholder_deletion(remote, path=path, author=author, event_id=event_id)
    elif revision > 0:
        step = _ref_deletion(
            remote, [layout.tag_ref(path, revision), layout.marker_ref(path, revision)]
        )
    else:
        step = _ref_deletion(
            remote, [layout.draft_ref(path, workspace), layout.proposed_ref(path, workspace)]
        )
    return _retrying(
        remote,
        what=f"deleting {path}/{workspace}",
        cache_dir=cache_dir,
        attempts=attempts,
        step=step,
    )


def _ref_deletion(
    remote: Remote, refs: list[str]
) -> Callable[[pygit2.Repository], WriteResult | str]:
    def step(repo: pygit2.Repository) -> WriteResult | str:
        advertised = _fetch(repo, remote)
        present = [ref for ref in refs if ref in advertised]
        if not present:
            return WriteResult(ref=refs[0], commit="", already=True)
        refused = _push(repo, remote, [f":{ref}" for ref in present])
        return refused or WriteResult(ref=refs[0], commit="", already=False)

    return step


def _placeholder_deletion(
    remote: Remote, *, path: str, author: Author, event_id: str
) -> Callable[[pygit2.Repository], WriteResult | str]:
    ref = layout.branch_ref(remote.branch)

    def step(repo: pygit2.Repository) -> WriteResult | str:
        head = peel_commit(repo, _fetch(repo, remote).get(ref))
        if head is None:
            raise GitError(f"branch {remote.branch!r} does not exist in {public_url(remote.url)}")
        own = find_own(head, event_id)
        if own is not None:
            return WriteResult(ref=ref, commit=str(own.id), already=True)
        if trees.subtree(head.tree, path) is None:
            return WriteResult(ref=ref, commit=str(head.id), already=True)
        tree = trees.remove_dir(repo, base=head.tree, prefix=path)
        msg = layout.message(f"Delete {path}", kpt=None, event_id=event_id)
        commit = _commit(repo, tree=tree, parent=head, author=author, msg=msg)
        refused = _push(repo, remote, [f"{commit}:{ref}"])
        return refused or WriteResult(ref=ref, commit=str(commit), already=False)

    return step


__all__ = [
    "Author",
    "Remote",
    "WriteResult",
    "delete_revision",
    "find_own",
    "mark_deletion",
    "move_revision",
    "peel_commit",
    "write_draft",
]
