"""An OCI registry on loopback: Debian's ``docker-registry`` (CNCF distribution 2.8).

Used by the tests and local runs for OCI repositories. Plain HTTP on 127.0.0.1 (clients
treat loopback registries as insecure, as Docker does), filesystem storage in a directory
of the caller's, deletes enabled so revisions can be removed.
"""

from __future__ import annotations

import shutil
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType

from porch.local.ports import free_port
from porch.local.processes import terminate

BINARY = "docker-registry"

CONFIG = """\
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: {root}
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: {host}:{port}
  headers:
    X-Content-Type-Options: [nosniff]
"""


def registry_binary() -> str | None:
    """The ``docker-registry`` executable, or None when the package is not installed."""
    return shutil.which(BINARY)


class RegistryServer:
    """One ``docker-registry serve`` process storing under ``store_dir``."""

    def __init__(self, *, store_dir: Path, host: str = "127.0.0.1", port: int = 0) -> None:
        self.store_dir = store_dir
        self.host = host
        self.port = port or free_port(host)
        self._proc: subprocess.Popen[bytes] | None = None
        self._log = store_dir / "registry.log"

    @property
    def address(self) -> str:
        """``host:port``, the registry part of an image name."""
        return f"{self.host}:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.address}"

    def start(self, *, timeout: float = 15.0) -> None:
        binary = registry_binary()
        if binary is None:
            raise RuntimeError(
                f"{BINARY} not found: install it with `apt-get install -y docker-registry`"
            )
        self.store_dir.mkdir(parents=True, exist_ok=True)
        config = self.store_dir / "config.yml"
        root = self.store_dir / "storage"
        config.write_text(CONFIG.format(root=root, host=self.host, port=self.port))
        with self._log.open("ab") as log:
            self._proc = subprocess.Popen(
                [binary, "serve", str(config)], stdout=log, stderr=subprocess.STDOUT
            )
        if not self._wait_ready(timeout):
            self.stop()
            tail = self._log.read_text(errors="replace")[-2000:] if self._log.exists() else ""
            raise RuntimeError(f"{BINARY} did not answer on {self.url}/v2/: {tail}")

    def _wait_ready(self, timeout: float) -> bool:
        """True once ``/v2/`` answers 200 (the API version check every client starts with)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc is None or self._proc.poll() is not None:
                return False
            try:
                with urllib.request.urlopen(f"{self.url}/v2/", timeout=1) as response:
                    if response.status == 200:
                        return True
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.05)
        return False

    def stop(self) -> None:
        terminate(self._proc, timeout=10)
        self._proc = None

    def __enter__(self) -> RegistryServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


__all__ = ["BINARY", "RegistryServer", "registry_binary"]
