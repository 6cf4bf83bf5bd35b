from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from porch.local.githttp import Accounts, GitHttpServer
from porch.local.registry import RegistryServer
from tests.e2e.stack import Running, porch_up
from tests.integration import gitfixtures, ocifixtures


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    running = porch_up(Path(tmp_path_factory.mktemp("porch-home")))
    yield running
    running.stop()


@dataclass(frozen=True)
class GitHttp:
    """A Git server behind basic auth and the directory of the bare repositories it serves."""

    server: GitHttpServer
    base: Path

    def url(self, repo: str) -> str:
        return self.server.url(repo)


@pytest.fixture(scope="module")
def git_http(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GitHttp]:
    """``git http-backend`` behind basic auth (``gitfixtures.USER``/``PASSWORD``), one per
    module."""
    accounts = Accounts(username=gitfixtures.USER, password=gitfixtures.PASSWORD)
    base = tmp_path_factory.mktemp("git-served")
    with GitHttpServer(base_dir=base, accounts=accounts) as server:
        yield GitHttp(server=server, base=base)


@pytest.fixture(scope="module")
def module_registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RegistryServer]:
    """A real OCI registry (Debian's docker-registry) shared by one module."""
    ocifixtures.require_registry()
    with RegistryServer(store_dir=tmp_path_factory.mktemp("registry")) as server:
        yield server
