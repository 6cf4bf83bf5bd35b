"""Discovery reads Porch's layout back from Git: packages under the directory (nested ones
belong to their parent), tags P/vN with their workspace, deletion markers, drafts, and
ignores what is not a package revision."""

from __future__ import annotations

from pathlib import Path

import pytest

from porch.git import discovering, writing
from porch.local.gitserver import ensure_bare_repository
from tests.integration.gitfixtures import KPTFILE, git, push_package

pytestmark = pytest.mark.integration


@pytest.fixture
def bare(tmp_path: Path) -> Path:
    path = tmp_path / "repo.git"
    ensure_bare_repository(path)
    return path


def discover(
    bare: Path, cache: Path, *, known: dict[str, str] | None = None
) -> discovering.Listing:
    remote = writing.Remote(url=bare.as_uri(), branch="main", directory="bp")
    return discovering.discover(remote, known=known or {}, cache_dir=cache)


def test_layout_is_read_back(bare: Path, tmp_path: Path) -> None:
    work = tmp_path / "w"
    pkg = {"Kptfile": KPTFILE, "nested/Kptfile": KPTFILE}
    push_package(bare, work, path="bp/a", files=pkg, refs=["refs/heads/main"], message="a")
    push_package(bare, work, path="outside/b", files=pkg, refs=["refs/heads/main"], message="b")
    kpt = 'kpt:{"package":"bp/a","workspaceName":"first","revision":"1","task":{"type":"init"}}'
    git("commit", "--quiet", "--allow-empty", "-m", f"Approving\n\n{kpt}", cwd=work)
    git("tag", "first", cwd=work)
    git("commit", "--quiet", "--allow-empty", "-m", "by hand", cwd=work)  # no kpt line
    git(
        "push",
        "--quiet",
        "origin",
        "first:refs/tags/bp/a/v1",
        "HEAD:refs/tags/bp/a/v2",
        "HEAD:refs/heads/deletionProposed/bp/a/v2",
        "HEAD:refs/tags/v1.0",
        "HEAD:refs/tags/bp/none/v1",
        "HEAD:refs/heads/drafts/bp/a/ws",
        cwd=work,
    )

    listing = discover(bare, tmp_path / "c")

    found = {f.key: f for f in listing.found}
    assert set(found) == {"a/main", "a/first", "a/v2", "a/ws"}
    assert found["a/main"].revision == -1
    assert found["a/main"].lifecycle == "Published"
    assert found["a/first"].revision == 1
    assert found["a/first"].tasks == ({"type": "init"},)
    assert found["a/v2"].lifecycle == "DeletionProposed"
    assert found["a/ws"].lifecycle == "Draft"
    assert set(found["a/main"].files or {}) == {"Kptfile", "nested/Kptfile"}
    assert sorted(i.split(":")[0] for i in listing.ignored) == [
        "refs/tags/bp/none/v1",
        "refs/tags/v1.0",
    ]

    again = discover(bare, tmp_path / "c", known={k: f.fingerprint for k, f in found.items()})
    assert all(f.files is None for f in again.found)  # known: nothing is read twice
