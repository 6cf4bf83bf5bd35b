"""Publish a package revision to Git in Porch's layout, idempotently.

A published revision N of package P lives on the deployment branch in directory P, with tag
``P/vN`` at the approval commit; the same push deletes ``proposed/P/W``. The commit carries
the trailer ``Porch-Event-Id: <id>`` so that a redelivered publish finds its own earlier work
instead of publishing twice. Trees are built in memory on a bare cache clone (no working
tree). Synchronous; callers wrap calls in ``asyncio.to_thread``. Never force-moves the
branch and never touches another event's tag.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pygit2

from porch.errors import Conflict, GitError
from porch.git import layout, remotes, trees
from porch.git.credentials import Credentials, public_url
from porch.model import names

EVENT_ID_TRAILER = layout.EVENT_ID_TRAILER
# How far back along the branch a redelivered publish looks for its own commit.
_OWN_COMMIT_SEARCH_DEPTH = 50
_BAD_REF = "is not a valid Git ref name"
_SCHEMES = frozenset({"file", "git", "http", "https", "ssh"})
# scp-like SSH address, e.g. git@github.com:org/repo.git
_SCP_LIKE = re.compile(r"^[^@/:\s]+@[^/:\s]+:\S+$")


@dataclass(frozen=True)
class PublishRequest:
    """Publish ``files`` as revision ``revision`` of ``directory/package`` on ``branch``.

    ``files`` maps package-relative paths to contents and replaces the package directory
    wholesale. ``event_id`` is the idempotency key written as the commit trailer.
    """

    url: str
    branch: str
    directory: str
    package: str
    revision: int
    workspace: str
    files: Mapping[str, bytes]
    author_name: str
    author_email: str
    event_id: str
    credentials: Credentials | None = None
    task: dict[str, Any] | None = None  # the creation task, for the kpt:{json} line


@dataclass(frozen=True)
class PublishResult:
    """The approval commit, its tag, and whether an earlier delivery had already published it."""

    commit: str
    tag: str
    already: bool


@dataclass(frozen=True)
class _Plan:
    """What a request means in Git terms, validated once before any I/O."""

    request: PublishRequest
    package_path: str
    tag: str
    files: Mapping[str, bytes]

    @property
    def branch_ref(self) -> str:
        return f"refs/heads/{self.request.branch}"

    @property
    def tag_ref(self) -> str:
        return f"refs/tags/{self.tag}"

    @property
    def proposed_ref(self) -> str:
        return layout.proposed_ref(self.package_path, self.request.workspace)

    @property
    def draft_ref(self) -> str:
        return layout.draft_ref(self.package_path, self.request.workspace)


@dataclass(frozen=True)
class _RemoteState:
    head: pygit2.Commit | None
    tagged: pygit2.Commit | None
    tag_exists: bool
    retired: tuple[str, ...]  # the revision's draft/proposed branches still on the remote


def _path_problem(path: str) -> str | None:
    if not path:
        return "must not be empty"
    if path.startswith("/"):
        return "must be a relative path"
    for segment in path.split("/"):
        if segment in ("", ".", ".."):
            return "must not contain empty, '.' or '..' segments"
        if segment.lower() == ".git":
            return "must not contain a '.git' segment"
        if "\0" in segment or "\n" in segment:
            return "must not contain NUL or newline characters"
    return None


def _file_problems(files: Mapping[str, bytes]) -> list[tuple[str, str, str | None]]:
    problems = [(f"files[{path!r}]", path, _path_problem(path)) for path in files]
    for path in files:
        segments = path.split("/")
        for depth in range(1, len(segments)):
            if "/".join(segments[:depth]) in files:
                problems.append((f"files[{path!r}]", path, "lies under another file's path"))
    return problems


def _url_problem(url: str) -> str | None:
    scheme, sep, _ = url.partition("://")
    if sep and scheme in _SCHEMES:
        return None
    if not sep and _SCP_LIKE.match(url):
        return None
    return "must be a file://, git://, http(s):// or ssh:// URL, or user@host:path"


def _line_problem(value: str) -> str | None:
    if not value:
        return "must not be empty"
    if any(ch in value for ch in "\n\r\0<>"):
        return "must not contain newlines, NUL or angle brackets"
    return None


def _plan(request: PublishRequest) -> _Plan:
    directory = request.directory.strip("/")
    package_path = f"{directory}/{request.package}" if directory else request.package
    tag = f"{package_path}/v{request.revision}"
    problems = [
        ("url", public_url(request.url), _url_problem(request.url)),
        ("directory", request.directory, _path_problem(directory) if directory else None),
        ("package", request.package, _path_problem(request.package)),
        ("revision", str(request.revision), None if request.revision >= 1 else "must be >= 1"),
        ("eventId", request.event_id, _line_problem(request.event_id)),
        ("authorName", request.author_name, _line_problem(request.author_name)),
        ("authorEmail", request.author_email, _line_problem(request.author_email)),
        *_file_problems(request.files),
    ]
    names.require(problems, kind="PublishRequest", name=tag)
    refs = [("branch", f"refs/heads/{request.branch}"), ("tag", f"refs/tags/{tag}")]
    names.require(
        [
            (fld, ref, None if pygit2.reference_is_valid_name(ref) else _BAD_REF)
            for fld, ref in refs
        ],
        kind="PublishRequest",
        name=tag,
    )
    return _Plan(request=request, package_path=package_path, tag=tag, files=request.files)


def commit_message(
    *,
    package_path: str,
    revision: int,
    workspace: str,
    event_id: str,
    task: dict[str, Any] | None = None,
) -> str:
    """Porch's approval message: a ``kpt:{json}`` metadata line, then our idempotency key."""
    kpt = layout.kpt_line(path=package_path, workspace=workspace, revision=revision, task=task)
    subject = f"Approving package revision {package_path}/{revision}"
    return layout.message(subject, kpt=kpt, event_id=event_id)


def _is_own(commit: pygit2.Commit, event_id: str) -> bool:
    return commit.message_trailers.get(EVENT_ID_TRAILER) == event_id


def _peel_commit(repo: pygit2.Repository, sha: str | None) -> pygit2.Commit | None:
    if sha is None:
        return None
    try:
        return repo.revparse_single(sha).peel(pygit2.Commit)
    except (pygit2.GitError, KeyError, ValueError):
        # A tag on a tree or blob is nobody's approval commit.
        return None


def _fetch_state(repo: pygit2.Repository, plan: _Plan) -> _RemoteState:
    request = plan.request
    refspecs = [
        f"+refs/heads/{request.branch}:refs/remotes/origin/{request.branch}",
        "+refs/tags/*:refs/tags/*",
    ]
    advertised = remotes.fetch(
        repo, request.url, refspecs=refspecs, credentials=request.credentials
    )
    return _RemoteState(
        head=_peel_commit(repo, advertised.get(plan.branch_ref)),
        tagged=_peel_commit(repo, advertised.get(plan.tag_ref)),
        tag_exists=plan.tag_ref in advertised,
        retired=tuple(r for r in (plan.draft_ref, plan.proposed_ref) if r in advertised),
    )


def _reachable(repo: pygit2.Repository, commit: pygit2.Commit, head: pygit2.Commit) -> bool:
    return commit.id == head.id or repo.descendant_of(head.id, commit.id)


def _find_own_commit(head: pygit2.Commit, event_id: str) -> pygit2.Commit | None:
    """Our approval commit on the branch, left there by a push whose tag update failed."""
    commit = head
    for _ in range(_OWN_COMMIT_SEARCH_DEPTH):
        if _is_own(commit, event_id):
            return commit
        if not commit.parent_ids:
            return None
        commit = commit.parents[0]
    return None


def _create_commit(repo: pygit2.Repository, plan: _Plan, *, parent: pygit2.Commit) -> pygit2.Oid:
    request = plan.request
    tree = trees.replace_dir(repo, base=parent.tree, prefix=plan.package_path, files=plan.files)
    message = commit_message(
        package_path=plan.package_path,
        revision=request.revision,
        workspace=request.workspace,
        event_id=request.event_id,
        task=request.task,
    )
    signature = pygit2.Signature(request.author_name, request.author_email)
    return repo.create_commit(None, signature, signature, message, tree, [parent.id])


def _withdraw_tag(repo: pygit2.Repository, plan: _Plan) -> None:
    """Best effort: delete our tag when the server took it but refused the branch."""
    request = plan.request
    # If this fails too, the next attempt or a redelivery force-moves the tag onto the branch.
    with contextlib.suppress(GitError):
        remotes.push(repo, request.url, specs=[f":{plan.tag_ref}"], credentials=request.credentials)


def _attempt(repo: pygit2.Repository, plan: _Plan) -> PublishResult | str:
    """One fetch-build-push round: the result, or why the server refused it."""
    request = plan.request
    state = _fetch_state(repo, plan)
    if state.head is None:
        raise GitError(f"branch {request.branch!r} does not exist in {public_url(request.url)}")
    force_tag = ""
    if state.tag_exists:
        if state.tagged is None or not _is_own(state.tagged, request.event_id):
            raise Conflict(
                f"tag {plan.tag!r} already exists in {public_url(request.url)} "
                f"and was not published by event {request.event_id!r}"
            )
        if _reachable(repo, state.tagged, state.head):
            if state.retired:  # an earlier delivery published but kept a branch
                rejected = remotes.push(
                    repo,
                    request.url,
                    specs=[f":{ref}" for ref in state.retired],
                    credentials=request.credentials,
                )
                if rejected:
                    return "; ".join(f"{ref}: {why}" for ref, why in sorted(rejected.items()))
            return PublishResult(commit=str(state.tagged.id), tag=plan.tag, already=True)
        # A push took our tag but lost the branch update; publish again and move the tag.
        force_tag = "+"
    own = _find_own_commit(state.head, request.event_id)
    if own is not None:
        commit = own.id
        specs = [f"{force_tag}{commit}:{plan.tag_ref}"]
    else:
        commit = _create_commit(repo, plan, parent=state.head)
        specs = [f"{commit}:{plan.branch_ref}", f"{force_tag}{commit}:{plan.tag_ref}"]
    # Approval retires the revision's proposed (or, when its move was superseded, draft)
    # branch in the same push.
    specs += [f":{ref}" for ref in state.retired]
    rejected = remotes.push(repo, request.url, specs=specs, credentials=request.credentials)
    if not rejected:
        return PublishResult(commit=str(commit), tag=plan.tag, already=False)
    if plan.branch_ref in rejected and plan.tag_ref not in rejected:
        _withdraw_tag(repo, plan)
    return "; ".join(f"{ref}: {reason}" for ref, reason in sorted(rejected.items()))


def publish_revision(
    request: PublishRequest, *, cache_dir: Path, attempts: int = 3
) -> PublishResult:
    """Publish ``request`` as tag ``P/vN`` on its branch, retrying when the branch moves.

    Raises ``Invalid`` for bad paths or metadata, ``Conflict`` when another event owns the tag,
    and ``GitError`` when the branch is missing, the server is unreachable or refuses access,
    or the branch kept moving for ``attempts`` rounds.
    """
    plan = _plan(request)
    attempts = max(attempts, 1)
    with remotes.cached_repository(request.url, cache_dir=cache_dir) as repo:
        reason = ""
        for _ in range(attempts):
            outcome = _attempt(repo, plan)
            if isinstance(outcome, PublishResult):
                return outcome
            reason = outcome
    raise GitError(
        f"publishing {plan.tag!r} to {public_url(request.url)} gave up after "
        f"{attempts} refused attempt(s): {reason}"
    )


def list_remote_refs(
    url: str, *, credentials: Credentials | None = None, cache_dir: Path
) -> dict[str, str]:
    """The refs ``url`` advertises (refname -> sha), like ``git ls-remote``."""
    with remotes.cached_repository(url, cache_dir=cache_dir) as repo:
        return remotes.list_refs(repo, url, credentials=credentials)


__all__ = [
    "EVENT_ID_TRAILER",
    "PublishRequest",
    "PublishResult",
    "commit_message",
    "list_remote_refs",
    "publish_revision",
]
