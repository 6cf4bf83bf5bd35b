"""kpt's package arguments: ``REPO_URI[.git]/PKG_PATH[@VERSION]`` and where the package goes.

``.git`` separates the repository from the package path (and is dropped from the recorded
repo); ``@VERSION`` is a branch, tag or commit; GitHub browser URLs
(``https://github.com/o/r/tree/<ref>/<path>``) are understood too. The destination is the
given path when it does not exist, else ``<dest>/<package name>`` (an explicit ``.`` means
"here"). Pure apart from the existence checks on the destination.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from porch.errors import Invalid

_GIT_SUFFIX = re.compile(r"\.git($|/)")
AMBIGUOUS = "ambiguous repo/dir@version specify '.git' in argument"


@dataclass(frozen=True)
class Target:
    repo: str
    directory: str
    ref: str
    destination: Path


def split_url(url: str) -> tuple[str, str, str]:
    """Repo, package directory ("/" for the root) and ref ("" if none) of a ``.git`` URL."""
    parts = _GIT_SUFFIX.split(url, maxsplit=1)
    repo = parts[0]
    rest = parts[2] if len(parts) > 2 else ""
    directory, ref = "", ""
    if rest and "@" in rest:
        path, _, ref = rest.partition("@")
        ref = ref.split("@")[0].rstrip("/")
        directory = "/" + path
    elif rest:
        directory = "/" + rest
    return repo, posixpath.normpath(directory or "/"), ref


def github_url(url: str, branches: Callable[[str], list[str]]) -> str:
    """A GitHub browser URL rewritten in the ``.git`` form."""
    url = url.rstrip("/")
    scheme, sep, rest = url.partition("://")
    if not sep or not rest.startswith("github.com"):
        raise Invalid(f"invalid GitHub url: {url}")
    parts = rest.split("/")
    if len(parts) < 3:
        raise Invalid(f"invalid GitHub pkg url: {url}")
    repo = f"{scheme}://{'/'.join(parts[:3])}"
    if len(parts) == 3:
        return repo + ".git"
    if parts[3] == "tree" and len(parts) > 4:
        version, directory = parts[4], "/".join(parts[5:])
        if any(version + "/" in b for b in branches(repo)):
            raise Invalid(f"{AMBIGUOUS}: {url}")
        return f"{repo}.git/{directory}@{version}" if directory else f"{repo}.git@{version}"
    return repo + ".git/" + "/".join(parts[3:])


def destination(dest: Path, *, repo: str, directory: str, explicit: bool) -> Path:
    """Where the package lands (kpt's getDest)."""
    if not dest.exists():
        if not dest.parent.exists():
            raise Invalid(f'parent directory "{dest.parent}" does not exist')
        return dest
    if not dest.is_dir():
        raise Invalid("LOCAL_PKG_DEST must be a directory")
    if explicit and str(dest) == ".":
        return dest
    name = posixpath.basename(posixpath.join(repo.rstrip("/").removesuffix(".git"), directory))
    target = dest / (name or posixpath.basename(repo))
    if target.exists():
        raise Invalid(f'destination directory "{target}" already exists')
    return target


def parse_get(
    argument: str,
    dest: str | None,
    *,
    default_branch: Callable[[str], str],
    branches: Callable[[str], list[str]] = lambda _repo: [],
) -> Target:
    """The target of ``kpt pkg get ARGUMENT [DEST]``."""
    if _GIT_SUFFIX.search(argument):
        repo, directory, ref = split_url(argument)
    elif "github.com" in argument:
        repo, directory, ref = split_url(github_url(argument, branches))
    else:
        repo, directory, ref = _repo_dot_git(argument)
    if not ref:
        ref = default_branch(repo)
    where = destination(
        Path(dest) if dest else Path("."), repo=repo, directory=directory, explicit=dest is not None
    )
    return Target(repo=repo, directory=directory, ref=ref, destination=where)


def _repo_dot_git(argument: str) -> tuple[str, str, str]:
    """``REPO.git@VERSION``: the one form without a path that kpt accepts this way."""
    if argument.count("://") != 1 or argument.count("@") > 2:
        raise Invalid(AMBIGUOUS)
    uri, _, version = argument.partition("@")
    if not uri.rstrip("/").endswith(".git"):
        raise Invalid(AMBIGUOUS)
    return uri.rstrip("/").removesuffix(".git"), "/", version


def parse_update(argument: str | None) -> tuple[Path, str]:
    """Package path and version of ``kpt pkg update [PKG_PATH][@VERSION]``."""
    parts = (argument or ".").split("@")
    if len(parts) > 2:
        raise Invalid("at most 1 version permitted")
    return Path(parts[0] or "."), parts[1] if len(parts) > 1 else ""


__all__ = [
    "AMBIGUOUS",
    "Target",
    "destination",
    "github_url",
    "parse_get",
    "parse_update",
    "split_url",
]
