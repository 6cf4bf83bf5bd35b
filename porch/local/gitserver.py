"""A real local Git server for ``porch up`` and the tests: ``git daemon`` with push enabled.

Serves every bare repository under one base directory over ``git://`` (anonymous, read and
write), which libgit2 can fetch from and push to. Meant for a developer machine or a test:
it must not be exposed beyond localhost, and it has no authentication.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import IO

import pygit2
from pygit2.enums import FileMode

from porch.errors import GitError
from porch.local.ports import free_port
from porch.local.processes import terminate

_START_TIMEOUT_S = 10.0
_STOP_TIMEOUT_S = 5.0
_PORT_PICKS = 3
_README = b"# Porch repository\n\nPackages published by Porch live in this repository.\n"


def _accepts(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.2):
            return True
    except OSError:
        return False


class GitServer:
    """``git daemon`` serving ``base_dir`` at ``git://<host>:<port>/<repo>.git``."""

    def __init__(self, *, base_dir: Path, host: str = "127.0.0.1", port: int = 0) -> None:
        self._base_dir = base_dir
        self._host = host
        self._port = port
        self._process: subprocess.Popen[bytes] | None = None
        self._stderr: IO[bytes] | None = None

    @property
    def url_base(self) -> str:
        if self._port == 0:
            raise GitError("the Git server has no port yet; call start() first")
        return f"git://{self._host}:{self._port}"

    def url(self, repo: str) -> str:
        return f"{self.url_base}/{repo}.git"

    @property
    def port(self) -> int:
        """The port (0 until ``start`` picked one); a restart on it keeps URLs valid."""
        return self._port

    def _command(self, git: str) -> list[str]:
        base = str(self._base_dir.resolve())
        return [
            git,
            "daemon",
            "--reuseaddr",
            f"--base-path={base}",
            "--export-all",
            "--enable=receive-pack",
            f"--listen={self._host}",
            f"--port={self._port}",
            base,
        ]

    def start(self) -> None:
        """Start the daemon and wait until it accepts connections."""
        if self._process is not None:
            return
        git = shutil.which("git")
        if git is None:
            raise GitError("cannot start the local Git server: the git command is not installed")
        self._base_dir.mkdir(parents=True, exist_ok=True)
        pick_port = self._port == 0
        if not pick_port and _accepts(self._host, self._port):
            # Checked up front: polling for readiness would mistake that listener for ours.
            raise GitError(
                f"cannot start the local Git server: {self._host}:{self._port} is in use"
            )
        # A port picked here may be taken before the daemon binds it; then pick another.
        failure = ""
        deadline = time.monotonic() + _START_TIMEOUT_S
        for _ in range(_PORT_PICKS if pick_port else 1):
            if pick_port:
                self._port = free_port(self._host)
            failure = self._launch(git, deadline=deadline)
            if not failure:
                return
        raise GitError(
            f"the local Git server did not start on {self._host}:{self._port}: {failure}"
        )

    def _launch(self, git: str, *, deadline: float) -> str:
        """Run the daemon; '' once it accepts connections, else why it did not."""
        # A file, not a pipe: a pipe nobody reads would block a chatty daemon. It lives as long
        # as the daemon, so stop() closes it rather than a with-block.
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115
        process = subprocess.Popen(
            self._command(git),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=self._stderr,
        )
        self._process = process
        while time.monotonic() < deadline and process.poll() is None:
            if _accepts(self._host, self._port):
                return ""
            time.sleep(0.05)
        detail = self._daemon_stderr() or "no output"
        self.stop()
        return detail

    def _daemon_stderr(self) -> str:
        if self._stderr is None:
            return ""
        self._stderr.seek(0)
        return self._stderr.read().decode(errors="replace").strip()

    def stop(self) -> None:
        """Stop the daemon; safe to call more than once."""
        process, self._process = self._process, None
        terminate(process, timeout=_STOP_TIMEOUT_S)
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def __enter__(self) -> GitServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _initial_commit(repo: pygit2.Repository, *, branch: str) -> None:
    builder = repo.TreeBuilder()
    builder.insert("README.md", repo.create_blob(_README), FileMode.BLOB)
    signature = pygit2.Signature("Porch", "porch@localhost")
    message = f"Initial commit: Creating {branch} branch\n"
    repo.create_commit(f"refs/heads/{branch}", signature, signature, message, builder.write(), [])


def ensure_bare_repository(path: Path, *, branch: str = "main") -> None:
    """A bare repository at ``path`` whose ``branch`` exists and is HEAD; idempotent."""
    ref = f"refs/heads/{branch}"
    if not pygit2.reference_is_valid_name(ref):
        raise GitError(f"cannot create repository {path}: {branch!r} is not a valid branch name")
    try:
        if (path / "HEAD").is_file():
            repo = pygit2.Repository(str(path))
        else:
            repo = pygit2.init_repository(str(path), bare=True, initial_head=branch)
        if ref not in repo.references:
            _initial_commit(repo, branch=branch)
        repo.set_head(ref)
    except (pygit2.GitError, OSError) as exc:
        raise GitError(f"cannot create repository {path}: {exc}") from None


__all__ = ["GitServer", "ensure_bare_repository"]
