"""The gRPC side of the function runner: FunctionEvaluator, health and reflection.

Why: this is the only module that speaks gRPC on the runner side. It turns a request into
one call of the evaluator chain, bounded by the caller's deadline, and turns the project's
errors back into status codes (the inverse of ``porch.fnclient``):

    no evaluator claims the image -> NOT_FOUND      Invalid / BadRequest -> INVALID_ARGUMENT
    Timeout, deadline passed      -> DEADLINE_EXCEEDED  TooLarge, Overloaded -> RESOURCE_EXHAUSTED
    FunctionError (incl. failure) -> INTERNAL, a FunctionFailure also as trailing metadata

Admission comes first: more than ``max_concurrent_calls`` calls in flight, or a
ResourceList larger than the message limit allows, is refused before any evaluator runs.
The server also owns the pools' lifecycle: a garbage-collection task per pool while it
runs, and closing the pools after the last call has ended.

It must not decide which evaluator runs an image (that is ``wiring``) or run functions
itself. Shutdown is graceful: health turns NOT_SERVING, in-flight calls get
``shutdown_grace`` seconds, then they are cancelled (which kills their processes).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
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
from porch_fnrunner import metrics
from porch_fnrunner.evaluators import Evaluator
from porch_fnrunner.limits import CallLimiter, Overloaded
from porch_fnrunner.pooling import PoolEvaluator
from porch_fnrunner.settings import Settings
from porch_fnrunner.wiring import RESPONSE_OVERHEAD, build_runtime

log = logging.getLogger(__name__)

SERVICE_NAME: str = pb.DESCRIPTOR.services_by_name["FunctionEvaluator"].full_name
_MAX_DETAILS = 2048


class FunctionEvaluatorService(pb_grpc.FunctionEvaluatorServicer):
    """``evaluator.FunctionEvaluator`` backed by an evaluator (normally the chain)."""

    def __init__(
        self, evaluator: Evaluator, *, max_message_bytes: int, max_concurrent_calls: int = 64
    ) -> None:
        self._evaluator = evaluator
        self._max_message_bytes = max_message_bytes
        self._limiter = CallLimiter(max_concurrent_calls)

    @property
    def in_flight(self) -> int:
        return self._limiter.in_flight

    async def EvaluateFunction(  # noqa: N802 - the name is fixed by the proto
        self, request: pb.EvaluateFunctionRequest, context: Any
    ) -> pb.EvaluateFunctionResponse:
        image = request.image
        if not image:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, "image must not be empty")
        try:
            with self._limiter.admit(f"evaluate {image!r}"):
                self._check_size(image, request.resource_list)
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
                room = self._max_message_bytes - RESPONSE_OVERHEAD - len(result.resource_list)
                log_bytes = result.log[max(0, len(result.log) - max(0, room)) :]
                return pb.EvaluateFunctionResponse(
                    resource_list=result.resource_list, log=log_bytes
                )
        log.info("evaluate %s: %s: %s", image, code.name, details)
        await context.abort(code, details, trailing_metadata=trailers)
        raise AssertionError("unreachable: abort raises")

    def _check_size(self, image: str, resource_list: bytes) -> None:
        # gRPC already refuses messages over the limit; this names the ResourceList itself.
        limit = self._max_message_bytes - RESPONSE_OVERHEAD - len(image.encode())
        if len(resource_list) > limit:
            raise TooLarge(
                f"ResourceList for {image!r} is {len(resource_list)} bytes; the limit is {limit}"
            )


def _status(err: PorchError) -> tuple[Any, str, tuple[tuple[str, bytes], ...]]:
    message = err.message
    if isinstance(err, NotFound):
        return grpc.StatusCode.NOT_FOUND, message, ()
    if isinstance(err, Invalid | BadRequest):
        return grpc.StatusCode.INVALID_ARGUMENT, message, ()
    if isinstance(err, Timeout):
        return grpc.StatusCode.DEADLINE_EXCEEDED, message, ()
    if isinstance(err, TooLarge | Overloaded):
        return grpc.StatusCode.RESOURCE_EXHAUSTED, message, ()
    # grpc-message travels in the trailers too (8 KiB metadata limit): keep it short.
    if isinstance(err, FunctionFailure):
        failure = ((FAILURE_METADATA_KEY, encode_failure(err)),)
        return grpc.StatusCode.INTERNAL, message[:_MAX_DETAILS], failure
    return grpc.StatusCode.INTERNAL, message[:_MAX_DETAILS], ()


class FunctionRunnerServer:
    """A started gRPC server: FunctionEvaluator + grpc.health.v1 + reflection.

    ``async with FunctionRunnerServer(...) as server`` starts it and stops it on exit;
    ``server.port`` is the bound port (useful with ``listen="127.0.0.1:0"``). ``pools``
    are garbage-collected every ``scan_interval`` seconds while the server runs and
    closed when it stops.
    """

    def __init__(
        self,
        *,
        evaluator: Evaluator,
        listen: str,
        max_message_bytes: int,
        shutdown_grace: float = 10.0,
        max_concurrent_calls: int = 64,
        pools: Sequence[PoolEvaluator] = (),
        scan_interval: float = 60.0,
    ) -> None:
        self._service = FunctionEvaluatorService(
            evaluator,
            max_message_bytes=max_message_bytes,
            max_concurrent_calls=max_concurrent_calls,
        )
        self._listen = listen
        self._max_message_bytes = max_message_bytes
        self._grace = shutdown_grace
        self._pools = tuple(pools)
        self._scan_interval = scan_interval
        self._server: Any = None
        self._health: Any = None
        self._collector: asyncio.Task[None] | None = None
        self._port = 0

    @classmethod
    def from_settings(
        cls, settings: Settings, *, lookup: Any = None, core: Any = None
    ) -> FunctionRunnerServer:
        """The server ``settings`` describe; ``lookup``/``core`` as in ``build_runtime``."""
        extra: dict[str, Any] = {"core": core}
        if lookup is not None:
            extra["lookup"] = lookup
        runtime = build_runtime(settings, **extra)
        return cls(
            evaluator=runtime.chain,
            listen=settings.listen,
            max_message_bytes=settings.max_message_bytes,
            shutdown_grace=settings.shutdown_grace,
            max_concurrent_calls=settings.max_concurrent_calls,
            pools=runtime.pools,
            scan_interval=settings.scan_interval,
        )

    @property
    def port(self) -> int:
        if not self._port:
            raise RuntimeError("server not started")
        return self._port

    @property
    def pools(self) -> tuple[PoolEvaluator, ...]:
        return self._pools

    @property
    def in_flight(self) -> int:
        """Calls being evaluated right now."""
        return self._service.in_flight

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
            self._service, server
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
        if self._pools:
            self._collector = asyncio.create_task(self._collect(), name="pool GC")
        log.info("function runner listening on %s (port %d)", self._listen, port)
        return port

    async def _collect(self) -> None:
        async with asyncio.TaskGroup() as tasks:
            for pool in self._pools:
                tasks.create_task(pool.run_gc(interval=self._scan_interval))

    async def stop(self, grace: float | None = None) -> None:
        """Stop taking calls; in-flight calls get ``grace`` seconds, then are cancelled.

        Then the pools' garbage collection stops and the pools are closed (worker
        processes end; pods stay for the next runner until their reclaim time).
        """
        server, self._server = self._server, None
        if server is None:
            return
        await self._health.enter_graceful_shutdown()
        await server.stop(self._grace if grace is None else grace)
        collector, self._collector = self._collector, None
        if collector is not None:
            collector.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await collector
        for pool in self._pools:
            await pool.close()
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
    async with FunctionRunnerServer.from_settings(settings) as server:
        metrics.listen(settings.metrics_listen)
        metrics.watch_pools(server.pools)
        await stop.wait()


__all__ = [
    "SERVICE_NAME",
    "FunctionEvaluatorService",
    "FunctionRunnerServer",
    "serve",
]
