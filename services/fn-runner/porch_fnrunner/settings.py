"""Typed, frozen configuration of the function runner.

Why: ``__main__`` is the only place that reads flags and the environment; everything
below receives this object. It must not read ``os.environ`` or files itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from porch.errors import Cause, Invalid
from porch.fnclient import DEFAULT_MAX_MESSAGE_BYTES

DEFAULT_LISTEN = "127.0.0.1:9445"


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the runner needs to start.

    ``max_message_bytes`` bounds requests, responses and a function's stdout; it must
    match the callers' setting (Porch: ``--max-request-body-size``, default 6 MiB).
    ``call_timeout`` is the longest one function may run; a caller's shorter gRPC
    deadline wins. ``exec_config`` is the YAML allow-list of local executables; without
    it no image is runnable and every call answers NOT_FOUND.
    """

    listen: str = DEFAULT_LISTEN
    exec_config: Path | None = None
    max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES
    call_timeout: float = 60.0
    shutdown_grace: float = 10.0
    log_level: str = "INFO"

    def __post_init__(self) -> None:
        causes: list[Cause] = []
        if not self.listen or ":" not in self.listen:
            causes.append(Cause("FieldValueInvalid", "must be HOST:PORT", "listen"))
        if self.max_message_bytes < 4096:
            causes.append(Cause("FieldValueInvalid", "must be at least 4096", "max_message_bytes"))
        if self.call_timeout <= 0:
            causes.append(Cause("FieldValueInvalid", "must be positive", "call_timeout"))
        if self.shutdown_grace < 0:
            causes.append(Cause("FieldValueInvalid", "must not be negative", "shutdown_grace"))
        if self.exec_config is not None and not self.exec_config.is_absolute():
            causes.append(Cause("FieldValueInvalid", "must be an absolute path", "exec_config"))
        if causes:
            raise Invalid("invalid function runner settings", causes=causes)
