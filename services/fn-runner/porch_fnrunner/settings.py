"""Typed, frozen configuration of the function runner.

Why: ``__main__`` is the only place that reads flags and the environment; everything
below receives this object. It must not read ``os.environ`` or files itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from porch.errors import Cause, Invalid
from porch.fnclient import DEFAULT_MAX_MESSAGE_BYTES
from porch_fnrunner.registries import DEFAULT_REGISTRY

DEFAULT_LISTEN = "127.0.0.1:9445"
DEFAULT_WRAPPER_SERVER_IMAGE = "ghcr.io/kptdev/porch-wrapper-server:latest"
DEFAULT_WRAPPER_SERVER_SOURCE = "/home/nonroot/wrapper-server/."

BuiltinMode = Literal["thread", "process", "off"]
BUILTIN_MODES: tuple[BuiltinMode, ...] = ("thread", "process", "off")


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the runner needs to start.

    ``max_message_bytes`` bounds requests, responses and a function's stdout; it must
    match the callers' setting (Porch: ``--max-request-body-size``, default 6 MiB).
    ``call_timeout`` is the longest one function may run; a caller's shorter gRPC
    deadline wins. ``exec_config`` is the YAML allow-list of local executables.
    ``builtins`` says where builtin functions run: in a thread of the runner, in warm
    worker processes, or not at all. The warm pool keeps an instance per image for
    ``pool_ttl`` idle seconds, at most ``pool_max_size`` of them, each with a queue of
    ``pool_queue_length`` calls; ``scan_interval`` is how often idle ones are collected.
    ``worker_pythonpath`` is put on builtin workers' ``PYTHONPATH`` (for a registry
    outside the installed packages). ``pod_namespace`` turns the Kubernetes pod pool on
    (for every other image).
    """

    listen: str = DEFAULT_LISTEN
    exec_config: Path | None = None
    max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES
    call_timeout: float = 60.0
    shutdown_grace: float = 10.0
    log_level: str = "INFO"
    max_concurrent_calls: int = 64
    builtins: BuiltinMode = "thread"
    builtin_registry: str = DEFAULT_REGISTRY
    pool_ttl: float = 1800.0
    pool_max_size: int = 16
    pool_queue_length: int = 8
    scan_interval: float = 60.0
    worker_start_timeout: float = 10.0
    worker_pythonpath: tuple[str, ...] = ()
    pod_namespace: str | None = None
    kubeconfig: Path | None = None
    wrapper_server_image: str = DEFAULT_WRAPPER_SERVER_IMAGE
    wrapper_server_source: str = DEFAULT_WRAPPER_SERVER_SOURCE
    pod_port: int = 9446
    pod_ready_timeout: float = 120.0
    function_entrypoint: tuple[str, ...] = ("function",)
    metrics_listen: str = ""  # HOST:PORT of the Prometheus listener; "" = off

    def __post_init__(self) -> None:
        causes = [*self._server_problems(), *self._pool_problems()]
        if causes:
            raise Invalid("invalid function runner settings", causes=causes)

    def _server_problems(self) -> list[Cause]:
        causes: list[Cause] = []
        if not self.listen or ":" not in self.listen:
            causes.append(Cause("FieldValueInvalid", "must be HOST:PORT", "listen"))
        if self.max_message_bytes < 4096:
            causes.append(Cause("FieldValueInvalid", "must be at least 4096", "max_message_bytes"))
        for name in ("call_timeout", "pool_ttl", "scan_interval", "worker_start_timeout"):
            if getattr(self, name) <= 0:
                causes.append(Cause("FieldValueInvalid", "must be positive", name))
        if self.shutdown_grace < 0:
            causes.append(Cause("FieldValueInvalid", "must not be negative", "shutdown_grace"))
        for name in ("exec_config", "kubeconfig"):
            path = getattr(self, name)
            if path is not None and not path.is_absolute():
                causes.append(Cause("FieldValueInvalid", "must be an absolute path", name))
        if self.builtins not in BUILTIN_MODES:
            causes.append(Cause("FieldValueNotSupported", f"one of {BUILTIN_MODES}", "builtins"))
        return causes

    def _pool_problems(self) -> list[Cause]:
        causes: list[Cause] = []
        for name in ("max_concurrent_calls", "pool_max_size"):
            if getattr(self, name) < 1:
                causes.append(Cause("FieldValueInvalid", "must be at least 1", name))
        if self.pool_queue_length < 0:
            causes.append(Cause("FieldValueInvalid", "must not be negative", "pool_queue_length"))
        if not 0 < self.pod_port < 65536:
            causes.append(Cause("FieldValueInvalid", "must be a TCP port", "pod_port"))
        if self.pod_ready_timeout <= 0:
            causes.append(Cause("FieldValueInvalid", "must be positive", "pod_ready_timeout"))
        if self.pod_namespace is not None and not self.pod_namespace:
            causes.append(Cause("FieldValueInvalid", "must not be empty", "pod_namespace"))
        if not self.function_entrypoint:
            causes.append(Cause("FieldValueRequired", "must not be empty", "function_entrypoint"))
        return causes
