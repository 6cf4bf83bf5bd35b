"""Entry point: ``python -m porch_fnrunner [flags]``.

Why: the one place that reads flags and environment variables (each flag falls back to
``PORCH_FNRUNNER_<FLAG>``), builds the frozen ``Settings``, configures logging and turns
SIGTERM/SIGINT into a graceful stop. Nothing else in the service reads ``os.environ``.

Exit codes: 0 after a graceful stop, 2 for bad flags, an invalid allow-list or an
unusable builtin registry or kubeconfig.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import shlex
import signal
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from porch.errors import PorchError
from porch_fnrunner.server import serve
from porch_fnrunner.settings import BUILTIN_MODES, DEFAULT_LISTEN, Settings

log = logging.getLogger("porch_fnrunner")

_ENV_PREFIX = "PORCH_FNRUNNER_"


EnvLookup = Callable[[str, object], object]


def _parser(environ: Mapping[str, str]) -> argparse.ArgumentParser:
    def env(name: str, fallback: object) -> object:
        # An empty variable counts as unset (handy in manifests and compose files).
        return environ.get(_ENV_PREFIX + name) or fallback

    parser = argparse.ArgumentParser(
        prog="porch_fnrunner",
        description="Evaluate KRM functions over gRPC (Porch's evaluator.FunctionEvaluator).",
        epilog=f"Every flag falls back to the environment variable {_ENV_PREFIX}<FLAG>, "
        "e.g. PORCH_FNRUNNER_EXEC_CONFIG.",
    )
    _server_flags(parser, env)
    _builtin_flags(parser.add_argument_group("builtin functions and the warm pool"), env)
    _pod_flags(parser.add_argument_group("Kubernetes pod pool"), env)
    return parser


def _server_flags(parser: argparse.ArgumentParser, env: EnvLookup) -> None:
    defaults = Settings()
    add = parser.add_argument
    add("--listen", default=env("LISTEN", DEFAULT_LISTEN), help="HOST:PORT to serve gRPC on")
    add(
        "--exec-config",
        type=Path,
        default=env("EXEC_CONFIG", None),
        metavar="PATH",
        help="YAML allow-list mapping images to local executables",
    )
    add(
        "--max-message-bytes",
        type=int,
        default=env("MAX_MESSAGE_BYTES", defaults.max_message_bytes),
        help="largest request/response and function output (must match callers)",
    )
    add(
        "--call-timeout",
        type=float,
        default=env("CALL_TIMEOUT", defaults.call_timeout),
        metavar="SECONDS",
        help="longest a single function may run",
    )
    add(
        "--max-concurrent-calls",
        type=int,
        default=env("MAX_CONCURRENT_CALLS", defaults.max_concurrent_calls),
        metavar="N",
        help="calls in flight beyond this are refused with RESOURCE_EXHAUSTED",
    )
    add(
        "--shutdown-grace",
        type=float,
        default=env("SHUTDOWN_GRACE", defaults.shutdown_grace),
        metavar="SECONDS",
        help="how long in-flight calls may finish after SIGTERM",
    )
    add(
        "--metrics-listen",
        default=env("METRICS_LISTEN", ""),
        metavar="HOST:PORT",
        help="serve Prometheus /metrics here (plain HTTP); empty: off",
    )
    add(
        "--log-level",
        default=env("LOG_LEVEL", defaults.log_level),
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        type=str.upper,
    )


def _builtin_flags(group: argparse._ArgumentGroup, env: EnvLookup) -> None:
    defaults = Settings()
    add = group.add_argument
    add(
        "--builtins",
        default=env("BUILTINS", defaults.builtins),
        choices=list(BUILTIN_MODES),
        help="run builtin functions in a thread, in warm worker processes, or not at all",
    )
    add(
        "--builtin-registry",
        default=env("BUILTIN_REGISTRY", defaults.builtin_registry),
        metavar="MODULE:ATTR",
        help="lookup callable resolving images to builtin functions",
    )
    for flag, name, kind, metavar, text in (
        ("--pool-ttl", "pool_ttl", float, "SECONDS", "idle time before a warm instance stops"),
        ("--pool-max-size", "pool_max_size", int, "N", "warm instances per pool (LRU eviction)"),
        ("--pool-queue-length", "pool_queue_length", int, "N", "calls queued per instance"),
        ("--scan-interval", "scan_interval", float, "SECONDS", "how often idle ones are stopped"),
        ("--worker-start-timeout", "worker_start_timeout", float, "SECONDS", "wait for a hello"),
    ):
        default = env(name.upper(), getattr(defaults, name))
        add(flag, type=kind, default=default, metavar=metavar, help=text)
    add(
        "--worker-pythonpath",
        default=env("WORKER_PYTHONPATH", ""),
        metavar="DIRS",
        help=f"extra {os.pathsep!r}-separated PYTHONPATH for builtin worker processes",
    )


def _pod_flags(group: argparse._ArgumentGroup, env: EnvLookup) -> None:
    defaults = Settings()
    add = group.add_argument
    add(
        "--pod-namespace",
        default=env("POD_NAMESPACE", None),
        metavar="NAMESPACE",
        help="run other images in pods of this namespace (off when unset)",
    )
    add(
        "--kubeconfig",
        type=Path,
        default=env("KUBECONFIG", None),
        metavar="PATH",
        help="kubeconfig for the pod pool (default: in-cluster service account)",
    )
    add(
        "--wrapper-server-image",
        default=env("WRAPPER_SERVER_IMAGE", defaults.wrapper_server_image),
        metavar="IMAGE",
        help="image whose wrapper-server binary the init container copies",
    )
    add(
        "--wrapper-server-source",
        default=env("WRAPPER_SERVER_SOURCE", defaults.wrapper_server_source),
        metavar="PATH",
        help="what the init container copies (cp -a SOURCE /wrapper-server-tools)",
    )
    add("--pod-port", type=int, default=env("POD_PORT", defaults.pod_port), metavar="PORT")
    add(
        "--pod-ready-timeout",
        type=float,
        default=env("POD_READY_TIMEOUT", defaults.pod_ready_timeout),
        metavar="SECONDS",
    )
    add(
        "--function-entrypoint",
        default=env("FUNCTION_ENTRYPOINT", shlex.join(defaults.function_entrypoint)),
        metavar="COMMAND",
        help="entrypoint of function images, run by the wrapper server (shell words)",
    )


def parse_settings(argv: Sequence[str] | None, environ: Mapping[str, str]) -> Settings:
    """Flags over environment over defaults; exits with usage on anything invalid."""
    parser = _parser(environ)
    # argparse applies ``type`` to string defaults, so environment values are converted too.
    args = parser.parse_args(argv)
    try:
        return Settings(
            listen=args.listen,
            exec_config=_absolute(args.exec_config),
            max_message_bytes=args.max_message_bytes,
            call_timeout=args.call_timeout,
            shutdown_grace=args.shutdown_grace,
            log_level=args.log_level,
            max_concurrent_calls=args.max_concurrent_calls,
            builtins=args.builtins,
            builtin_registry=args.builtin_registry,
            pool_ttl=args.pool_ttl,
            pool_max_size=args.pool_max_size,
            pool_queue_length=args.pool_queue_length,
            scan_interval=args.scan_interval,
            worker_start_timeout=args.worker_start_timeout,
            worker_pythonpath=tuple(p for p in args.worker_pythonpath.split(os.pathsep) if p),
            pod_namespace=args.pod_namespace,
            kubeconfig=_absolute(args.kubeconfig),
            wrapper_server_image=args.wrapper_server_image,
            wrapper_server_source=args.wrapper_server_source,
            pod_port=args.pod_port,
            pod_ready_timeout=args.pod_ready_timeout,
            function_entrypoint=tuple(shlex.split(args.function_entrypoint)),
            metrics_listen=args.metrics_listen,
        )
    except PorchError as err:
        problems = "; ".join(f"{c.field}: {c.message}" for c in err.causes) or err.message
        parser.error(problems)


def _absolute(path: Path | None) -> Path | None:
    return path.resolve() if path is not None else None


async def _run(settings: Settings) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    try:
        await serve(settings, stop=stop)
    finally:
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)


def main(argv: Sequence[str] | None = None) -> int:
    settings = parse_settings(argv, os.environ)
    logging.basicConfig(
        level=settings.log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        asyncio.run(_run(settings))
    except PorchError as err:
        log.error("%s", err.message)
        for cause in err.causes:
            log.error("  %s: %s", cause.field, cause.message)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
