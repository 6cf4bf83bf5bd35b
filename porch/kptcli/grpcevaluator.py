"""An ``Evaluator`` that runs image functions on a remote function runner over gRPC.

Why it exists here and not in ``porch.kpt``: it wraps ``porch.fnclient``, which sits
above ``porch.kpt`` in the import layers. It translates between the two error trees
(``fnclient.FunctionFailure`` -> ``evaluators.FunctionFailed``; an image the runner does
not know -> ``Unsupported``, so a chain can try the next evaluator) and between the
ResourceList object and its wire text. It must not run functions itself.
"""

from __future__ import annotations

from porch.errors import NotFound
from porch.fnclient import FunctionFailure, FunctionRunnerClient
from porch.kpt import wire
from porch.kpt.evaluators import Evaluation, FunctionFailed, Unsupported
from porch.krm.resourcelist import ResourceList


class GrpcEvaluator:
    """Image functions through ``FunctionRunnerClient``; exec functions are not its business."""

    def __init__(self, client: FunctionRunnerClient) -> None:
        self._client = client

    async def evaluate(
        self, *, image: str | None, exec_args: list[str] | None, resource_list: ResourceList
    ) -> ResourceList:
        if not image:
            raise Unsupported("the function runner only runs images")
        text = wire.dump(resource_list.items, function_config=resource_list.function_config)
        try:
            result = await self._client.evaluate(image=image, resource_list=text.encode())
        except FunctionFailure as failure:
            raise FunctionFailed(
                failure.message,
                exit_code=failure.exit_code if failure.exit_code is not None else 1,
                stderr=failure.stderr,
                results=[dict(r) for r in failure.results],
            ) from failure
        except NotFound as exc:
            raise Unsupported(f"function runner {self._client.target}: {exc.message}") from exc
        parsed = wire.parse(result.resource_list.decode(), source=f"output of {image}")
        return Evaluation(
            items=parsed.items, results=parsed.results, stderr=result.log.decode(errors="replace")
        )


__all__ = ["GrpcEvaluator"]
