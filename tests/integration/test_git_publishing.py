"""Publishing package revisions to a real Git server (git daemon), checked with the git CLI."""

from __future__ import annotations

import http.server
import socket
import subprocess
import threading
import time
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from porch.errors import Conflict, GitError, Invalid
from porch.git import Credentials, PublishRequest, list_remote_refs, publish_revision
from porch.local.gitserver import GitServer, ensure_bare_repository
from porch.local.ports import free_port

pytestmark = pytest.mark.integration

KPTFILE = b"apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: pkg\n"
FILES: Mapping[str, bytes] = {"Kptfile": KPTFILE, "deployment.yaml": b"kind: Deployment\n"}

# Runs inside the server on the first update of main: lands a commit of its own first, as a
# concurrent pusher would, so the publisher's branch update fails and must be retried.
RACING_HOOK = """#!/bin/sh
[ "$1" = refs/heads/main ] || exit 0
[ -e racing-hook.fired ] && exit 0
touch racing-hook.fired
export GIT_AUTHOR_NAME=Other GIT_AUTHOR_EMAIL=other@example.com
export GIT_COMMITTER_NAME=Other GIT_COMMITTER_EMAIL=other@example.com
blob=$(echo external | git hash-object -w --stdin)
tree=$( (git ls-tree "$2"; printf '100644 blob %s\\tEXTERNAL.md\\n' "$blob") | git mktree)
commit=$(git commit-tree -p "$2" -m "External change" "$tree")
git update-ref refs/heads/main "$commit" "$2"
"""

REFUSING_HOOK = """#!/bin/sh
[ "$1" = refs/heads/main ] || exit 0
echo "main is frozen" >&2
exit 1
"""


def git(*args: str, cwd: Path | None = None) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True)
    return done.stdout


def ls_remote(url: str) -> dict[str, str]:
    lines = git("ls-remote", url).splitlines()
    return {name: sha for sha, name in (line.split("\t") for line in lines)}


def request(url: str, **changes: object) -> PublishRequest:
    fields: dict[str, object] = {
        "url": url,
        "branch": "main",
        "directory": "",
        "package": "pkg",
        "revision": 1,
        "workspace": "ws1",
        "files": FILES,
        "author_name": "Ada Lovelace",
        "author_email": "ada@example.com",
        "event_id": "evt-1",
    }
    fields.update(changes)
    return PublishRequest(**fields)  # type: ignore[arg-type]


def install_hook(bare: Path, script: str) -> None:
    hook = bare / "hooks" / "update"
    hook.write_text(script)
    hook.chmod(0o755)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[GitServer]:
    with GitServer(base_dir=tmp_path / "served") as srv:
        yield srv


@pytest.fixture
def bare(server: GitServer, tmp_path: Path) -> Path:
    path = tmp_path / "served" / "deploy.git"
    ensure_bare_repository(path)
    return path


@pytest.fixture
def url(server: GitServer, bare: Path) -> str:
    return server.url("deploy")


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def test_publish_creates_tag_and_package_on_branch(url: str, cache: Path, tmp_path: Path) -> None:
    result = publish_revision(request(url), cache_dir=cache)

    refs = ls_remote(url)
    assert result.tag == "pkg/v1"
    assert not result.already
    assert refs["refs/tags/pkg/v1"] == result.commit
    assert refs["refs/heads/main"] == result.commit
    clone = tmp_path / "clone"
    git("clone", "--quiet", url, str(clone))
    assert git("show", "main:pkg/Kptfile", cwd=clone).encode() == KPTFILE
    assert git("show", "main:README.md", cwd=clone)  # the rest of the tree is kept
    message = git("log", "-1", "--format=%B", "pkg/v1", cwd=clone)
    assert message.startswith("Approving package revision pkg/1\n\n")
    assert 'kpt:{"package":"pkg","workspaceName":"ws1","revision":"1","task":{"type":"push"}}' in (
        message
    )
    trailer = git("log", "-1", "--format=%(trailers:key=Porch-Event-Id,valueonly)", cwd=clone)
    assert trailer.strip() == "evt-1"
    assert git("log", "-1", "--format=%an <%ae>", cwd=clone).strip() == (
        "Ada Lovelace <ada@example.com>"
    )


def test_directory_prefixes_the_package_path(url: str, bare: Path, cache: Path) -> None:
    result = publish_revision(request(url, directory="blueprints"), cache_dir=cache)

    assert result.tag == "blueprints/pkg/v1"
    assert ls_remote(url)["refs/tags/blueprints/pkg/v1"] == result.commit
    assert git("--git-dir", str(bare), "show", "main:blueprints/pkg/Kptfile").encode() == KPTFILE


def test_republishing_the_same_event_changes_nothing(url: str, cache: Path, tmp_path: Path) -> None:
    first = publish_revision(request(url), cache_dir=cache)
    before = ls_remote(url)

    # Another git-sync instance with its own cache, as after a redelivery.
    again = publish_revision(request(url), cache_dir=tmp_path / "other-cache")

    assert again.already
    assert (again.commit, again.tag) == (first.commit, first.tag)
    assert ls_remote(url) == before


def test_a_tag_published_by_another_event_conflicts(url: str, cache: Path) -> None:
    publish_revision(request(url), cache_dir=cache)

    with pytest.raises(Conflict, match="pkg/v1"):
        publish_revision(request(url, event_id="evt-2"), cache_dir=cache)


def test_next_revision_replaces_the_package_directory(url: str, bare: Path, cache: Path) -> None:
    v1 = {**FILES, "sub/extra.yaml": b"kind: ConfigMap\n"}
    publish_revision(request(url, files=v1, directory="bp"), cache_dir=cache)
    publish_revision(
        request(url, package="other", event_id="evt-o", directory="bp"), cache_dir=cache
    )
    v2 = {"Kptfile": KPTFILE, "service.yaml": b"kind: Service\n"}

    result = publish_revision(
        request(url, files=v2, revision=2, workspace="ws2", event_id="evt-2", directory="bp"),
        cache_dir=cache,
    )

    listing = git("--git-dir", str(bare), "ls-tree", "-r", "--name-only", "main").split()
    assert sorted(p for p in listing if p.startswith("bp/pkg/")) == [
        "bp/pkg/Kptfile",
        "bp/pkg/service.yaml",
    ]
    assert "bp/other/Kptfile" in listing
    assert "README.md" in listing
    assert result.tag == "bp/pkg/v2"
    v1_listing = git("--git-dir", str(bare), "ls-tree", "-r", "--name-only", "bp/pkg/v1").split()
    assert "bp/pkg/sub/extra.yaml" in v1_listing


def test_a_commit_pushed_meanwhile_is_kept(url: str, bare: Path, cache: Path) -> None:
    install_hook(bare, RACING_HOOK)

    result = publish_revision(request(url), cache_dir=cache)

    assert (bare / "racing-hook.fired").exists()
    refs = ls_remote(url)
    assert refs["refs/heads/main"] == result.commit
    assert refs["refs/tags/pkg/v1"] == result.commit
    parent_subject = git("--git-dir", str(bare), "log", "-1", "--format=%s", "main~1")
    assert parent_subject.strip() == "External change"
    assert git("--git-dir", str(bare), "show", "main:EXTERNAL.md").strip() == "external"
    assert git("--git-dir", str(bare), "show", "main:pkg/Kptfile").encode() == KPTFILE


def test_a_branch_refused_every_time_fails_and_leaves_no_tag(
    url: str, bare: Path, cache: Path
) -> None:
    install_hook(bare, REFUSING_HOOK)
    head = ls_remote(url)["refs/heads/main"]

    with pytest.raises(GitError, match=r"after 2 refused attempt\(s\)"):
        publish_revision(request(url), cache_dir=cache, attempts=2)

    refs = ls_remote(url)
    assert refs["refs/heads/main"] == head
    assert "refs/tags/pkg/v1" not in refs


def test_a_missing_branch_is_an_error(url: str, cache: Path) -> None:
    with pytest.raises(GitError, match="branch 'release' does not exist"):
        publish_revision(request(url, branch="release"), cache_dir=cache)


def test_file_urls_work(tmp_path: Path, cache: Path) -> None:
    bare = tmp_path / "local.git"
    ensure_bare_repository(bare)
    file_url = bare.as_uri()

    result = publish_revision(request(file_url), cache_dir=cache)

    assert ls_remote(file_url)["refs/tags/pkg/v1"] == result.commit


def test_an_unreachable_server_fails_fast_without_leaking_secrets(cache: Path) -> None:
    port = free_port()  # nothing listens there once free_port returns
    secret = "s3cret-token"
    started = time.monotonic()

    with pytest.raises(GitError) as caught:
        publish_revision(
            request(
                f"http://user:{secret}@127.0.0.1:{port}/deploy.git",
                credentials=Credentials(username="user", password=secret),
            ),
            cache_dir=cache,
        )

    assert time.monotonic() - started < 5
    assert "127.0.0.1" in caught.value.message
    assert secret not in str(caught.value)
    assert all(secret not in p.name for p in cache.iterdir())


class _Refusing(http.server.BaseHTTPRequestHandler):
    """Answers every request with 401, as a server does for wrong credentials."""

    requests = 0

    def do_GET(self) -> None:
        type(self).requests += 1
        self.send_response(401)
        self.send_header("WWW-Authenticate", 'Basic realm="git"')
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def refusing_server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Refusing)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/deploy.git"
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def test_wrong_credentials_fail_once_without_leaking(refusing_server: str, cache: Path) -> None:
    secret = "wrong-password"

    with pytest.raises(GitError, match="authentication") as caught:
        publish_revision(
            request(refusing_server, credentials=Credentials(username="u", password=secret)),
            cache_dir=cache,
        )

    assert secret not in str(caught.value)
    assert _Refusing.requests <= 3


@pytest.mark.parametrize(
    "changes",
    [
        {"files": {"../escape": b""}},
        {"files": {"/etc/passwd": b""}},
        {"files": {"a//b": b""}},
        {"files": {"a": b"", "a/b": b""}},
        {"package": "../pkg"},
        {"directory": "blue/../prints"},
        {"revision": 0},
        {"branch": "bad..name"},
        {"url": "notaurl"},
        {"url": "ftp://example.com/repo.git"},
    ],
)
def test_bad_paths_and_names_are_invalid(changes: dict[str, object], cache: Path) -> None:
    with pytest.raises(Invalid):
        publish_revision(
            request(**{"url": "git://127.0.0.1:1/none.git", **changes}), cache_dir=cache
        )
    assert not cache.exists()  # refused before any I/O


def test_concurrent_publishers_all_land(url: str, bare: Path, tmp_path: Path) -> None:
    # Two share a cache (serialised by its lock), two have their own (racing for the branch).
    caches = [tmp_path / "c1", tmp_path / "c1", tmp_path / "c2", tmp_path / "c3"]
    requests = [request(url, package=f"p{i}", event_id=f"evt-{i}") for i in range(len(caches))]
    with ThreadPoolExecutor(max_workers=len(caches)) as pool:
        futures = [
            pool.submit(publish_revision, req, cache_dir=cache, attempts=len(caches))
            for req, cache in zip(requests, caches, strict=True)
        ]
        results = [future.result() for future in futures]

    refs = ls_remote(url)
    for result in results:
        assert refs[f"refs/tags/{result.tag}"] == result.commit
        git("--git-dir", str(bare), "merge-base", "--is-ancestor", result.commit, "main")


def test_list_remote_refs_matches_git_ls_remote(url: str, bare: Path, cache: Path) -> None:
    publish_revision(request(url), cache_dir=cache)
    git(
        "--git-dir",
        str(bare),
        "-c",
        "user.name=T",
        "-c",
        "user.email=t@e",
        "tag",
        "-a",
        "rel",
        "-m",
        "release",
        "main",
    )

    assert list_remote_refs(url, cache_dir=cache) == ls_remote(url)


def test_credentials_repr_hides_the_password() -> None:
    assert "hunter2" not in repr(Credentials(username="u", password="hunter2"))


def test_ensure_bare_repository_is_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "r.git"
    ensure_bare_repository(path)
    head = git("--git-dir", str(path), "rev-parse", "HEAD")

    ensure_bare_repository(path)

    assert git("--git-dir", str(path), "rev-parse", "HEAD") == head
    assert git("--git-dir", str(path), "symbolic-ref", "HEAD").strip() == "refs/heads/main"
    subject = git("--git-dir", str(path), "log", "-1", "--format=%s")
    assert subject.strip() == "Initial commit: Creating main branch"


def test_git_server_refuses_a_busy_port_and_stops_twice(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        server = GitServer(base_dir=tmp_path / "s", port=busy.getsockname()[1])
        with pytest.raises(GitError, match="in use"):
            server.start()
    server.stop()
    server.stop()
