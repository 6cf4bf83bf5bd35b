"""Real Git servers for the git tests: ``git daemon`` (anonymous) and ``git http-backend``
behind basic auth, one bare repository each, and the git CLI helpers the tests check with."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from porch.git import Credentials
from porch.local.githttp import Accounts, GitHttpServer
from porch.local.gitserver import GitServer, ensure_bare_repository

USER = "porch-user"
PASSWORD = "pa55-w0rd-secret"
TOKEN = "t0ken-secret-value"
KPTFILE = b"apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: pkg\n"


@dataclass(frozen=True)
class Served:
    """One bare repository behind a server: its URL, its path, the credentials it needs."""

    url: str
    bare: Path
    credentials: Credentials | None
    kind: str

    def cli_url(self) -> str:
        """The URL for the git CLI (credentials inline: test servers only)."""
        if self.credentials is None:
            return self.url
        return self.url.replace("http://", f"http://{USER}:{PASSWORD}@")


def git(*args: str, cwd: Path | None = None) -> str:
    env_args = ["-c", "user.name=Ext", "-c", "user.email=ext@example.com"]
    done = subprocess.run(
        ["git", *env_args, *args], cwd=cwd, check=True, capture_output=True, text=True
    )
    return done.stdout


def ls_remote(bare: Path) -> dict[str, str]:
    lines = git("ls-remote", str(bare)).splitlines()
    return {name: sha for sha, name in (line.split("\t") for line in lines)}


@pytest.fixture(name="daemon")
def daemon_fixture(tmp_path: Path) -> Iterator[GitServer]:
    with GitServer(base_dir=tmp_path / "served") as srv:
        yield srv


@pytest.fixture(name="http_server")
def http_server_fixture(tmp_path: Path) -> Iterator[GitHttpServer]:
    accounts = Accounts(username=USER, password=PASSWORD, token=TOKEN)
    with GitHttpServer(base_dir=tmp_path / "served", accounts=accounts) as srv:
        yield srv


@pytest.fixture(name="served", params=["daemon", "http"])
def served_fixture(request: pytest.FixtureRequest, tmp_path: Path) -> Served:
    """The same repository behind either server (tests run against both)."""
    bare = tmp_path / "served" / "deploy.git"
    ensure_bare_repository(bare)
    if request.param == "daemon":
        srv: GitServer = request.getfixturevalue("daemon")
        return Served(url=srv.url("deploy"), bare=bare, credentials=None, kind="daemon")
    http: GitHttpServer = request.getfixturevalue("http_server")
    creds = Credentials(username=USER, password=PASSWORD)
    return Served(url=http.url("deploy"), bare=bare, credentials=creds, kind="http")


def push_package(
    bare: Path, work: Path, *, path: str, files: dict[str, bytes], refs: list[str], message: str
) -> str:
    """Commit ``files`` at ``path`` on top of main with the git CLI and push it to ``refs``
    (as someone outside Porch would); returns the commit."""
    if not work.exists():
        git("clone", "--quiet", str(bare), str(work))
    git("checkout", "--quiet", "--detach", "origin/main", cwd=work)
    for name, content in files.items():
        target = work / path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    git("add", "-A", cwd=work)
    git("commit", "--quiet", "-m", message, cwd=work)
    sha = git("rev-parse", "HEAD", cwd=work).strip()
    git("push", "--quiet", "origin", *[f"HEAD:{ref}" for ref in refs], cwd=work)
    git("fetch", "--quiet", "origin", cwd=work)
    return sha
