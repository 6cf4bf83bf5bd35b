"""The gRPC side of the function runner: FunctionEvaluator, health and reflection.

Why: this is the only module that speaks gRPC on the runner side. It turns a request into
one call of the evaluator chain, bounded by the caller's deadline, and turns the project's
errors back into status codes (the inverse of ``porch.fnclient``):

    no evaluator claims the image -> NOT_FOUND      Invalid / BadRequest -> INVALID_ARGUMENT
    Timeout, deadline passed      -> DEADLINE_EXCEEDED  TooLarge         -> RESOURCE_EXHAUSTED
    FunctionError (incl. failure) -> INTERNAL, a FunctionFailure also as trailing metadata

It must not decide which evaluator runs an image (that is the chain's order) or run
functions itself. Shutdown is graceful: health turns NOT_SERVING, in-flight calls get
``shutdown_grace`` seconds, then they are cancelled (which kills their processes).
"""

from __future__ import annotations

import asyncio
import logging
from types import TracebackType
from typing import Any, Self

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from porch._generated import function_evaluator_pb2 as pb
from porch._generated import function_evaluator_pb2_grpc as pb_grpc
from porch.errors import (
    BadRequest,
    FunctionError,
    Invalid,
    NotFound,
    PorchError,
    Timeout,
    TooLarge,
)
from porch.fnclient.wire import FAILURE_METADATA_KEY, FunctionFailure, encode_failure
from porch_fnrunner.evaluators import ChainEvaluator, Evaluator
from porch_fnrunner.executing import ExecEvaluator, load_exec_config
from porch_fnrunner.settings import Settings

log = logging.getLogger(__name__)

SERVICE_NAME: str = pb.DESCRIPTOR.services_by_name["FunctionEvaluator"].full_name
# Two length-delimited fields in the response: a tag byte and up to five length bytes each.
_RESPONSE_OVERHEAD = 16
_MAX_DETAILS = 2048


def build_evaluator(settings: Settings) -> ChainEvaluator:
    """The evaluator chain for ``settings``: builtins (later) first, then exec.

    Loads and validates the exec allow-list, so a broken one fails startup.
    """
    evaluators: list[Evaluator] = []
    if settings.exec_config is not None:
        functions = load_exec_config(settings.exec_config)
        log.info("exec allow-list %s: %d image(s)", settings.exec_config, len(functions))
        evaluators.append(
            ExecEvaluator(
                functions,
                timeout=settings.call_timeout,
                max_output_bytes=settings.max_message_bytes - _RESPONSE_OVERHEAD,
            )
        )
    else:
        log.warning("no exec allow-list configured: every image will be NOT_FOUND")
    return ChainEvaluator(evaluators)


class FunctionEvaluatorService(pb_grpc.FunctionEvaluatorServicer):
    """``evaluator.FunctionEvaluator`` backed by an evaluator (normally the chain)."""

    def __init__(self, evaluator: Evaluator, *, max_message_bytes: int) -> None:
        self._evaluator = evaluator
        self._max_message_bytes = max_message_bytes

    async def EvaluateFunction(  # noqa: N802 - the name is fixed by the proto
        self, request: pb.EvaluateFunctionRequest, context: Any
    ) -> pb.EvaluateFunctionResponse:
        image = request.image
        if not image:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, "image must not be empty")
        try:
            async with asyncio.timeout(context.time_remaining()):
                result = await self._evaluator.evaluate(
                    image=image, resource_list=request.resource_list
                )
        except TimeoutError:
            code, details, trailers = _status(Timeout(f"deadline passed while running {image!r}"))
        except PorchError as err:
            code, details, trailers = _status(err)
        except Exception:
            log.exception("evaluating %s failed unexpectedly", image)
            code, details, trailers = (
                grpc.StatusCode.INTERNAL,
                f"internal error while evaluating {image!r}",
                (),
            )
        else:
            if result is None:
                code, details, trailers = _status(NotFound(f"no evaluator for image {image!r}"))
            else:
                # The output is capped by the evaluator; the log gives way (keeping its end).
                room = self._max_message_bytes - _RESPONSE_OVERHEAD - len(result.resource_list)
                log_bytes = result.log[max(0, len(result.log) - max(0, room)) :]
                return pb.EvaluateFunctionResponse(
                    resource_list=result.resource_list, log=log_bytes
                )
        log.info("evaluate %s: %s: %s", image, code.name, details)
        await context.abort(code, details, trailing_metadata=trailers)
        raise AssertionError("unreachable: abort raises")


def _status(err: PorchError) -> tuple[Any, str, tuple[tuple[str, bytes], ...]]:
    message = err.message
    if isinstance(err, NotFound):
        return grpc.StatusCode.NOT_FOUND, message, ()
    if isinstance(err, Invalid | BadRequest):
        return grpc.StatusCode.INVALID_ARGUMENT, message, ()
    if isinstance(err, Timeout):
        return grpc.StatusCode.DEADLINE_EXCEEDED, message, ()
    if isinstance(err, TooLarge):
        return grpc.StatusCode.RESOURCE_EXHAUSTED, message, ()
    # grpc-message travels in the trailers too (8 KiB metadata limit): keep it short.
    if isinstance(err, FunctionFailure):
        failure = ((FAILURE_METADATA_KEY, encode_failure(err)),)
        return grpc.StatusCode.INTERNAL, message[:_MAX_DETAILS], failure
    return grpc.StatusCode.INTERNAL, message[:_MAX_DETAILS], ()


class FunctionRunnerServer:
    """A started gRPC server: FunctionEvaluator + grpc.health.v1 + reflection.

    ``async with FunctionRunnerServer(...) as server`` starts it and stops it on exit;
    ``server.port`` is the bound port (useful with ``listen="127.0.0.1:0"``).
    """

    def __init__(
        self,
        *,
        evaluator: Evaluator,
        listen: str,
        max_message_bytes: int,
        shutdown_grace: float = 10.0,
    ) -> None:
        self._evaluator = evaluator
        self._listen = listen
        self._max_message_bytes = max_message_bytes
        self._grace = shutdown_grace
        self._server: Any = None
        self._health: Any = None
        self._port = 0

    @classmethod
    def from_settings(cls, settings: Settings) -> FunctionRunnerServer:
        return cls(
            evaluator=build_evaluator(settings),
            listen=settings.listen,
            max_message_bytes=settings.max_message_bytes,
            shutdown_grace=settings.shutdown_grace,
        )

    @property
    def port(self) -> int:
        if not self._port:
            raise RuntimeError("server not started")
        return self._port

    async def start(self) -> int:
        """Bind, start serving, report SERVING; returns the bound port."""
        if self._server is not None:
            raise RuntimeError("server already started")
        server = grpc.aio.server(
            options=[
                ("grpc.max_receive_message_length", self._max_message_bytes),
                ("grpc.max_send_message_length", self._max_message_bytes),
                ("grpc.so_reuseport", 0),
            ]
        )
        pb_grpc.add_FunctionEvaluatorServicer_to_server(  # type: ignore[no-untyped-call]
            FunctionEvaluatorService(self._evaluator, max_message_bytes=self._max_message_bytes),
            server,
        )
        health_servicer = health.aio.HealthServicer()
        health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
        reflection.enable_server_reflection(
            (SERVICE_NAME, health.SERVICE_NAME, reflection.SERVICE_NAME), server
        )
        try:
            port = int(server.add_insecure_port(self._listen))
        except RuntimeError as err:
            raise FunctionError(f"cannot listen on {self._listen}: {err}") from err
        if not port:
            raise FunctionError(f"cannot listen on {self._listen}")
        await server.start()
        for service in ("", SERVICE_NAME):
            await health_servicer.set(service, health_pb2.HealthCheckResponse.SERVING)
        self._server, self._health, self._port = server, health_servicer, port
        log.info("function runner listening on %s (port %d)", self._listen, port)
        return port

    async def stop(self, grace: float | None = None) -> None:
        """Stop taking calls; in-flight calls get ``grace`` seconds, then are cancelled."""
        server, self._server = self._server, None
        if server is None:
            return
        await self._health.enter_graceful_shutdown()
        await server.stop(self._grace if grace is None else grace)
        log.info("function runner stopped")

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()


async def serve(settings: Settings, *, stop: asyncio.Event) -> None:
    """Run the runner described by ``settings`` until ``stop`` is set, then stop gracefully."""
    async with FunctionRunnerServer.from_settings(settings):
        await stop.wait()


__all__ = [
    "SERVICE_NAME",
    "FunctionEvaluatorService",
    "FunctionRunnerServer",
    "build_evaluator",
    "serve",
]
