"""Entry point: ``python -m porch_fnrunner [flags]``.

Why: the one place that reads flags and environment variables (each flag falls back to
``PORCH_FNRUNNER_<FLAG>``), builds the frozen ``Settings``, configures logging and turns
SIGTERM/SIGINT into a graceful stop. Nothing else in the service reads ``os.environ``.

Exit codes: 0 after a graceful stop, 2 for bad flags or an invalid allow-list.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from porch.errors import PorchError
from porch_fnrunner.server import serve
from porch_fnrunner.settings import DEFAULT_LISTEN, Settings

log = logging.getLogger("porch_fnrunner")

_ENV_PREFIX = "PORCH_FNRUNNER_"


def _parser(environ: Mapping[str, str]) -> argparse.ArgumentParser:
    defaults = Settings()

    def env(name: str, fallback: object) -> object:
        # An empty variable counts as unset (handy in manifests and compose files).
        return environ.get(_ENV_PREFIX + name) or fallback

    parser = argparse.ArgumentParser(
        prog="porch_fnrunner",
        description="Evaluate KRM functions over gRPC (Porch's evaluator.FunctionEvaluator).",
        epilog=f"Every flag falls back to the environment variable {_ENV_PREFIX}<FLAG>, "
        "e.g. PORCH_FNRUNNER_EXEC_CONFIG.",
    )
    parser.add_argument(
        "--listen", default=env("LISTEN", DEFAULT_LISTEN), help="HOST:PORT to serve gRPC on"
    )
    parser.add_argument(
        "--exec-config",
        type=Path,
        default=env("EXEC_CONFIG", None),
        metavar="PATH",
        help="YAML allow-list mapping images to local executables",
    )
    parser.add_argument(
        "--max-message-bytes",
        type=int,
        default=env("MAX_MESSAGE_BYTES", defaults.max_message_bytes),
        help="largest request/response and function output (must match callers)",
    )
    parser.add_argument(
        "--call-timeout",
        type=float,
        default=env("CALL_TIMEOUT", defaults.call_timeout),
        metavar="SECONDS",
        help="longest a single function may run",
    )
    parser.add_argument(
        "--shutdown-grace",
        type=float,
        default=env("SHUTDOWN_GRACE", defaults.shutdown_grace),
        metavar="SECONDS",
        help="how long in-flight calls may finish after SIGTERM",
    )
    parser.add_argument(
        "--log-level",
        default=env("LOG_LEVEL", defaults.log_level),
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        type=str.upper,
    )
    return parser


def parse_settings(argv: Sequence[str] | None, environ: Mapping[str, str]) -> Settings:
    """Flags over environment over defaults; exits with usage on anything invalid."""
    parser = _parser(environ)
    # argparse applies ``type`` to string defaults, so environment values are converted too.
    args = parser.parse_args(argv)
    exec_config: Path | None = args.exec_config
    try:
        return Settings(
            listen=args.listen,
            exec_config=exec_config.resolve() if exec_config is not None else None,
            max_message_bytes=args.max_message_bytes,
            call_timeout=args.call_timeout,
            shutdown_grace=args.shutdown_grace,
            log_level=args.log_level,
        )
    except PorchError as err:
        problems = "; ".join(f"{c.field}: {c.message}" for c in err.causes) or err.message
        parser.error(problems)


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
