"""A real Git server over HTTP with authentication: ``git http-backend`` behind a small server.

For tests and a developer machine: it serves every bare repository under one base directory at
``http://<host>:<port>/<repo>.git`` and requires either HTTP basic auth with the configured
username and password, or the configured token (as a basic-auth password with any username,
or as ``Authorization: Bearer``). Pushing is allowed to authenticated users. Loopback only;
it never logs credentials.
"""

from __future__ import annotations

import base64
import binascii
import http.server
import logging
import shutil
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from porch.errors import GitError

log = logging.getLogger(__name__)

_CGI_TIMEOUT_S = 120.0


@dataclass(frozen=True)
class Accounts:
    """Who may use the server; an empty password or token disables that way in."""

    username: str = ""
    password: str = field(default="", repr=False)
    token: str = field(default="", repr=False)

    def user_for(self, authorization: str) -> str | None:
        """The authenticated user name for an ``Authorization`` header, or None."""
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() == "bearer":
            return "token" if self.token and value.strip() == self.token else None
        if scheme.lower() != "basic":
            return None
        try:
            user, _, secret = base64.b64decode(value.strip()).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        if self.password and user == self.username and secret == self.password:
            return user
        if self.token and secret == self.token:
            return user or "token"
        return None


def _read_chunked(rfile: object) -> bytes:
    body = bytearray()
    read_line = rfile.readline  # type: ignore[attr-defined]
    read = rfile.read  # type: ignore[attr-defined]
    while True:
        size = int(read_line().split(b";", 1)[0].strip() or b"0", 16)
        if size == 0:
            while read_line() not in (b"\r\n", b"\n", b""):
                pass  # trailers
            return bytes(body)
        body += read(size)
        read_line()  # the CRLF after each chunk


def _split_cgi(output: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
    for separator in (b"\r\n\r\n", b"\n\n"):
        head, sep, body = output.partition(separator)
        if sep:
            break
    else:
        return 502, [], b"bad CGI output\n"
    status, headers = 200, []
    for line in head.decode("latin-1").splitlines():
        key, _, value = line.partition(":")
        if key.lower() == "status":
            status = int(value.strip().split(" ", 1)[0])
        elif key:
            headers.append((key, value.strip()))
    return status, headers, body


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        self.server.requests += 1
        user = self.server.accounts.user_for(self.headers.get("Authorization", ""))
        if user is None:
            self.server.refused += 1
            self._reply(401, [("WWW-Authenticate", 'Basic realm="porch git"')], b"")
            return
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            body = _read_chunked(self.rfile)
        else:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        path, _, query = self.path.partition("?")
        env = {
            "PATH": "/usr/bin:/bin:/usr/local/bin",
            "GIT_PROJECT_ROOT": str(self.server.base_dir),
            "GIT_HTTP_EXPORT_ALL": "1",
            "REQUEST_METHOD": self.command,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "CONTENT_TYPE": self.headers.get("Content-Type", ""),
            "CONTENT_LENGTH": str(len(body)),
            "REMOTE_USER": user,
            "REMOTE_ADDR": self.client_address[0],
            "HTTP_CONTENT_ENCODING": self.headers.get("Content-Encoding", ""),
            "GIT_PROTOCOL": self.headers.get("Git-Protocol", ""),
        }
        done = subprocess.run(
            [self.server.git, "http-backend"],
            input=body,
            env=env,
            capture_output=True,
            timeout=_CGI_TIMEOUT_S,
            check=False,
        )
        if done.returncode != 0 and not done.stdout:
            log.warning("git http-backend failed: %s", done.stderr.decode(errors="replace"))
            self._reply(500, [], b"git http-backend failed\n")
            return
        status, headers, payload = _split_cgi(done.stdout)
        self._reply(status, headers, payload)

    def _reply(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.send_response(status)
        for key, value in headers:
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass  # request lines are noise in tests; they never carry credentials anyway


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], *, base_dir: Path, accounts: Accounts, git: str):
        super().__init__(address, _Handler)
        self.base_dir = base_dir
        self.accounts = accounts
        self.git = git
        self.requests = 0
        self.refused = 0


class GitHttpServer:
    """``git http-backend`` serving ``base_dir`` at ``http://<host>:<port>/<repo>.git``."""

    def __init__(
        self, *, base_dir: Path, accounts: Accounts, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self._base_dir = base_dir
        self._accounts = accounts
        self._address = (host, port)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url_base(self) -> str:
        if self._server is None:
            raise GitError("the Git HTTP server is not running; call start() first")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, repo: str) -> str:
        return f"{self.url_base}/{repo}.git"

    @property
    def refused(self) -> int:
        """How many requests were answered 401 (for tests)."""
        return self._server.refused if self._server is not None else 0

    def start(self) -> None:
        if self._server is not None:
            return
        git = shutil.which("git")
        if git is None:
            raise GitError("cannot start the Git HTTP server: the git command is not installed")
        self._base_dir.mkdir(parents=True, exist_ok=True)
        try:
            server = _Server(
                self._address, base_dir=self._base_dir.resolve(), accounts=self._accounts, git=git
            )
        except OSError as exc:
            raise GitError(f"cannot start the Git HTTP server on {self._address}: {exc}") from None
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, name="git-http", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        server, self._server = self._server, None
        thread, self._thread = self._thread, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join()

    def __enter__(self) -> GitHttpServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


__all__ = ["Accounts", "GitHttpServer"]
