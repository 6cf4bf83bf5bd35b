"""Every lifecycle write in Porch's Git layout, against git daemon and the authenticated
http-backend, checked with the git CLI; each one redelivered must change nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from porch.errors import Invalid, NotFound
from porch.git import PublishRequest, branches, publish_revision, writing
from porch.local.gitserver import GitServer
from tests.integration.gitfixtures import (  # noqa: F401  (fixtures)
    KPTFILE,
    Served,
    daemon_fixture,
    git,
    http_server_fixture,
    ls_remote,
    served_fixture,
)

pytestmark = pytest.mark.integration

FILES = {"Kptfile": KPTFILE, "cm.yaml": b"kind: ConfigMap\n"}
ADA = writing.Author("Ada Lovelace", "ada@example.com")
INIT = {"type": "init", "init": {"description": "d"}}


def remote(served: Served) -> writing.Remote:
    return writing.Remote(
        url=served.url, branch="main", directory="bp", credentials=served.credentials
    )


def draft(served: Served, cache: Path, **changes: object) -> writing.WriteResult:
    args: dict[str, object] = {
        "package": "pkg",
        "workspace": "ws1",
        "lifecycle": "Draft",
        "files": FILES,
        "author": ADA,
        "subject": "Creating new empty revision",
        "task": INIT,
        "event_id": "evt-draft",
        "cache_dir": cache,
    }
    args.update(changes)
    return writing.write_draft(remote(served), **args)  # type: ignore[arg-type]


def test_a_new_draft_is_a_commit_on_drafts_branch_from_main(served: Served, tmp_path: Path) -> None:
    main = ls_remote(served.bare)["refs/heads/main"]

    result = draft(served, tmp_path / "c")

    assert not result.already
    assert ls_remote(served.bare)["refs/heads/drafts/bp/pkg/ws1"] == result.commit
    bare = ["--git-dir", str(served.bare)]
    assert git(*bare, "rev-parse", f"{result.commit}^").strip() == main
    assert git(*bare, "show", f"{result.commit}:bp/pkg/Kptfile").encode() == KPTFILE
    assert git(*bare, "show", f"{result.commit}:README.md")  # the branch tree is kept
    message = git(*bare, "log", "-1", "--format=%B", result.commit)
    assert message.startswith("Creating new empty revision\n")
    assert 'kpt:{"package":"bp/pkg","workspaceName":"ws1","revision":"0","task":{"type":"init"' in (
        message
    )
    assert "Porch-Event-Id: evt-draft" in message
    assert git(*bare, "log", "-1", "--format=%an <%ae>", result.commit).strip() == (
        "Ada Lovelace <ada@example.com>"
    )


def test_a_draft_redelivered_changes_nothing_and_an_update_stacks(
    served: Served, tmp_path: Path
) -> None:
    first = draft(served, tmp_path / "c")

    again = draft(served, tmp_path / "other-cache")
    update = draft(
        served,
        tmp_path / "c",
        files={"Kptfile": KPTFILE},
        subject="Rendering package",
        task=None,
        event_id="evt-2",
    )

    assert again.already
    assert again.commit == first.commit
    assert ls_remote(served.bare)["refs/heads/drafts/bp/pkg/ws1"] == update.commit
    bare = ["--git-dir", str(served.bare)]
    assert git(*bare, "rev-parse", f"{update.commit}^").strip() == first.commit
    listing = git(*bare, "ls-tree", "-r", "--name-only", update.commit).split()
    assert "bp/pkg/cm.yaml" not in listing


def test_propose_and_reject_move_the_commit_in_one_push(served: Served, tmp_path: Path) -> None:
    cache = tmp_path / "c"
    made = draft(served, cache)

    proposed = writing.move_revision(
        remote(served), package="pkg", workspace="ws1", to_lifecycle="Proposed", cache_dir=cache
    )
    refs = ls_remote(served.bare)
    assert refs["refs/heads/proposed/bp/pkg/ws1"] == made.commit == proposed.commit
    assert "refs/heads/drafts/bp/pkg/ws1" not in refs
    assert writing.move_revision(
        remote(served), package="pkg", workspace="ws1", to_lifecycle="Proposed", cache_dir=cache
    ).already

    writing.move_revision(
        remote(served), package="pkg", workspace="ws1", to_lifecycle="Draft", cache_dir=cache
    )
    refs = ls_remote(served.bare)
    assert refs["refs/heads/drafts/bp/pkg/ws1"] == made.commit
    assert "refs/heads/proposed/bp/pkg/ws1" not in refs


def test_moving_a_revision_that_is_nowhere_is_not_found(served: Served, tmp_path: Path) -> None:
    with pytest.raises(NotFound):
        writing.move_revision(
            remote(served),
            package="pkg",
            workspace="no",
            to_lifecycle="Proposed",
            cache_dir=tmp_path / "c",
        )


def publish(served: Served, cache: Path, *, revision: int = 1, event_id: str = "evt-pub") -> str:
    request = PublishRequest(
        url=served.url,
        branch="main",
        directory="bp",
        package="pkg",
        revision=revision,
        workspace="ws1",
        files=FILES,
        author_name="Ada",
        author_email="ada@example.com",
        event_id=event_id,
        credentials=served.credentials,
        task=INIT,
    )
    return publish_revision(request, cache_dir=cache).commit


def test_approval_tags_the_branch_and_retires_the_proposed_branch(
    served: Served, tmp_path: Path
) -> None:
    cache = tmp_path / "c"
    draft(served, cache)
    writing.move_revision(
        remote(served), package="pkg", workspace="ws1", to_lifecycle="Proposed", cache_dir=cache
    )

    commit = publish(served, cache)

    refs = ls_remote(served.bare)
    assert refs["refs/tags/bp/pkg/v1"] == refs["refs/heads/main"] == commit
    assert "refs/heads/proposed/bp/pkg/ws1" not in refs
    message = git("--git-dir", str(served.bare), "log", "-1", "--format=%B", commit)
    assert message.startswith("Approving package revision bp/pkg/1\n")
    assert '"workspaceName":"ws1","revision":"1","task":{"type":"init"' in message


def test_deletion_marker_is_created_and_removed(served: Served, tmp_path: Path) -> None:
    cache = tmp_path / "c"
    commit = publish(served, cache)
    where = remote(served)

    writing.mark_deletion(where, package="pkg", revision=1, proposed=True, cache_dir=cache)
    assert ls_remote(served.bare)["refs/heads/deletionProposed/bp/pkg/v1"] == commit
    assert writing.mark_deletion(
        where, package="pkg", revision=1, proposed=True, cache_dir=tmp_path / "c2"
    ).already

    writing.mark_deletion(where, package="pkg", revision=1, proposed=False, cache_dir=cache)
    assert "refs/heads/deletionProposed/bp/pkg/v1" not in ls_remote(served.bare)
    with pytest.raises(NotFound):
        writing.mark_deletion(where, package="pkg", revision=2, proposed=True, cache_dir=cache)


def test_deleting_a_published_revision_removes_tag_and_marker_only(
    served: Served, tmp_path: Path
) -> None:
    cache = tmp_path / "c"
    publish(served, cache)
    where = remote(served)
    writing.mark_deletion(where, package="pkg", revision=1, proposed=True, cache_dir=cache)

    writing.delete_revision(
        where,
        package="pkg",
        workspace="ws1",
        revision=1,
        author=ADA,
        event_id="d",
        cache_dir=cache,
    )

    refs = ls_remote(served.bare)
    assert "refs/tags/bp/pkg/v1" not in refs
    assert "refs/heads/deletionProposed/bp/pkg/v1" not in refs
    assert git("--git-dir", str(served.bare), "show", "main:bp/pkg/Kptfile").encode() == KPTFILE
    assert writing.delete_revision(
        where,
        package="pkg",
        workspace="ws1",
        revision=1,
        author=ADA,
        event_id="d",
        cache_dir=cache,
    ).already


def test_deleting_a_draft_removes_its_branch(served: Served, tmp_path: Path) -> None:
    cache = tmp_path / "c"
    draft(served, cache)

    writing.delete_revision(
        remote(served),
        package="pkg",
        workspace="ws1",
        revision=0,
        author=ADA,
        event_id="d",
        cache_dir=cache,
    )

    assert "refs/heads/drafts/bp/pkg/ws1" not in ls_remote(served.bare)


def test_deleting_the_placeholder_commits_delete_p(served: Served, tmp_path: Path) -> None:
    cache = tmp_path / "c"
    tagged = publish(served, cache)
    where = remote(served)

    deleted = writing.delete_revision(
        where,
        package="pkg",
        workspace="main",
        revision=-1,
        author=ADA,
        event_id="evt-del",
        cache_dir=cache,
    )
    again = writing.delete_revision(
        where,
        package="pkg",
        workspace="main",
        revision=-1,
        author=ADA,
        event_id="evt-del",
        cache_dir=tmp_path / "c2",
    )

    refs = ls_remote(served.bare)
    assert refs["refs/heads/main"] == deleted.commit == again.commit
    assert again.already
    assert refs["refs/tags/bp/pkg/v1"] == tagged  # published revisions stay
    bare = ["--git-dir", str(served.bare)]
    assert git(*bare, "log", "-1", "--format=%s", "main").strip() == "Delete bp/pkg"
    assert "bp/pkg/Kptfile" not in git(*bare, "ls-tree", "-r", "--name-only", "main").split()


def test_a_missing_branch_is_created_once_as_porch_does(served: Served, tmp_path: Path) -> None:
    where = writing.Remote(url=served.url, branch="deploy", credentials=served.credentials)
    made = branches.ensure_branch(where, cache_dir=tmp_path / "cache")
    again = branches.ensure_branch(where, cache_dir=tmp_path / "other-cache")

    refs = ls_remote(served.bare)
    assert (made.already, again.already) == (False, True)
    assert refs["refs/heads/deploy"] == made.commit == again.commit
    bare = ["--git-dir", str(served.bare)]
    assert git(*bare, "log", "--format=%an <%ae>|%s|%P", "deploy").splitlines() == [
        "Package Orchestration Service <porch@kpt.dev>|Initial commit: Creating main branch|"
    ]
    assert git(*bare, "ls-tree", "--name-only", "deploy").split() == ["README.md"]
    assert git(*bare, "show", "deploy:README.md") == "Created by porch"
    assert refs["refs/heads/main"] != made.commit  # the other branch is untouched


def test_a_branch_is_created_in_an_empty_repository(daemon: GitServer, tmp_path: Path) -> None:
    bare = tmp_path / "served" / "empty.git"
    git("init", "--quiet", "--bare", str(bare))
    where = writing.Remote(url=daemon.url("empty"), branch="main")
    made = branches.ensure_branch(where, cache_dir=tmp_path / "cache")
    assert ls_remote(bare) == {"refs/heads/main": made.commit}


def test_an_invalid_branch_name_is_refused_before_any_push(served: Served, tmp_path: Path) -> None:
    where = writing.Remote(url=served.url, branch="bad..name", credentials=served.credentials)
    before = ls_remote(served.bare)
    with pytest.raises(Invalid):
        branches.ensure_branch(where, cache_dir=tmp_path / "cache")
    assert ls_remote(served.bare) == before
