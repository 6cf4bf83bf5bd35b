"""kpt's ``pkg get``/``pkg update`` argument forms."""

from __future__ import annotations

from pathlib import Path

import pytest

from porch.errors import Invalid
from porch.kpt import pkg_args
from porch.kpt.pkg_git import package_scoped_ref


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://github.com/o/r.git/pkgs/app@v1", ("https://github.com/o/r", "/pkgs/app", "v1")),
        ("file:///srv/up.git/pkgs/app@v1/", ("file:///srv/up", "/pkgs/app", "v1")),
        ("git://host/up.git", ("git://host/up", "/", "")),
        ("git://host/up.git/a/b", ("git://host/up", "/a/b", "")),
    ],
)
def test_split_url(url: str, expected: tuple[str, str, str]) -> None:
    assert pkg_args.split_url(url) == expected


def test_github_browser_urls() -> None:
    branches = lambda _repo: ["main", "release/v1"]  # noqa: E731
    assert (
        pkg_args.github_url("https://github.com/o/r/tree/main/pkgs/app", branches)
        == "https://github.com/o/r.git/pkgs/app@main"
    )
    assert pkg_args.github_url("https://github.com/o/r", branches) == "https://github.com/o/r.git"
    with pytest.raises(Invalid, match="ambiguous"):
        pkg_args.github_url("https://github.com/o/r/tree/release/v1/x", branches)


def test_get_defaults_to_the_remote_default_branch_and_a_named_subdirectory(
    tmp_path: Path,
) -> None:
    target = pkg_args.parse_get(
        "git://host/up.git/pkgs/app", str(tmp_path), default_branch=lambda _repo: "trunk"
    )
    assert (target.repo, target.directory, target.ref) == ("git://host/up", "/pkgs/app", "trunk")
    assert target.destination == tmp_path / "app"


def test_get_uses_a_missing_destination_as_is(tmp_path: Path) -> None:
    target = pkg_args.parse_get("git://h/r.git@v1", str(tmp_path / "x"), default_branch=str)
    assert (target.repo, target.directory, target.ref) == ("git://h/r", "/", "v1")
    assert target.destination == tmp_path / "x"


def test_get_refuses_ambiguous_urls_and_taken_destinations(tmp_path: Path) -> None:
    with pytest.raises(Invalid, match=r"specify '\.git'"):
        pkg_args.parse_get("git://h/r/pkg@v1", None, default_branch=str)
    (tmp_path / "app").mkdir()
    with pytest.raises(Invalid, match="already exists"):
        pkg_args.parse_get("git://h/r.git/app@v1", str(tmp_path), default_branch=str)
    with pytest.raises(Invalid, match="parent directory"):
        pkg_args.parse_get("git://h/r.git/app@v1", str(tmp_path / "a" / "b"), default_branch=str)


def test_package_scoped_tags_win_from_the_deepest_directory() -> None:
    tags = {"v1": "a", "pkgs/v1": "b", "pkgs/app/v1": "c"}
    assert package_scoped_ref(tags, "/pkgs/app", "v1") == "pkgs/app/v1"
    assert package_scoped_ref(tags, "/pkgs/other", "v1") == "pkgs/v1"
    assert package_scoped_ref(tags, "/", "v1") == "v1"
    assert package_scoped_ref(tags, "/pkgs/app", "main") == "main"


def test_update_argument() -> None:
    assert pkg_args.parse_update(None) == (Path("."), "")
    assert pkg_args.parse_update("app@v2") == (Path("app"), "v2")
    with pytest.raises(Invalid, match="at most 1 version"):
        pkg_args.parse_update("app@v1@v2")
