"""Stopping child processes the same way everywhere: a signal, a grace period, then kill."""

from __future__ import annotations

import signal
import subprocess
from typing import Any


def terminate(
    process: subprocess.Popen[Any] | None, *, timeout: float, sig: int = signal.SIGTERM
) -> None:
    """Ask ``process`` to stop, wait up to ``timeout`` seconds, then kill it; idempotent."""
    if process is None or process.poll() is not None:
        return
    process.send_signal(sig)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


__all__ = ["terminate"]
