"""The Kubernetes backend of the warm pool: a Pod and a Service per function image.

Why: images that are neither builtin nor allow-listed run in their own pods, as in
Porch. Starting one: look for a usable pod this runner or an earlier one left (label
``fn.kpt.dev/image``), else create one from ``podspecs.pod_manifest``; poll it until
Ready (a fatal waiting reason such as ErrImagePull, or ``ready_timeout``, deletes it and
fails the call); make sure the Service in front of the image's pods exists; then
evaluate over gRPC (``porch.fnclient``) at the Service's cluster IP. Each use pushes the
pod's ``fn.kpt.dev/reclaim-after`` annotation forward (at most every ``refresh_every``
seconds, so a busy pod costs one PATCH now and then, not one per call).

``sweep`` (after each GC scan) deletes managed pods past their reclaim time or failed,
and Services left without pods, whoever created them. A pod that stops answering
(UNAVAILABLE) is considered lost: the call fails, the pool retires the instance (deleting
its pod) and the next call starts a new one. At shutdown pods are kept for the next
runner; the reclaim time bounds how long they linger.

The ``kubernetes`` client is synchronous, so each request runs in a worker thread; its
responses are read as plain JSON (``_preload_content=False``) and judged by ``podspecs``.
This module is kept thin and is tested against recorded API exchanges, not a cluster.
It must not build manifests itself or touch objects it does not manage.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from porch.errors import FunctionError, Invalid, Timeout
from porch.fnclient import EvaluationResult, FunctionRunnerClient, RunnerUnavailable
from porch_fnrunner import podspecs

log = logging.getLogger(__name__)


class KubernetesError(FunctionError):
    """The Kubernetes API refused or failed a request of the pod pool."""


class Gone(KubernetesError):
    """HTTP 404. Not ``porch.errors.NotFound``: to a caller a vanished pod is a failed call,
    not an unknown function image."""


def core_api(kubeconfig: Path | None) -> Any:
    """A ``CoreV1Api`` from a kubeconfig file, or from the in-cluster service account."""
    from kubernetes import client, config  # imported only when pods are enabled

    configuration = client.Configuration()
    try:
        if kubeconfig is not None:
            config.load_kube_config(  # type: ignore[no-untyped-call]
                config_file=str(kubeconfig), client_configuration=configuration
            )
        else:
            config.load_incluster_config(  # type: ignore[no-untyped-call]
                client_configuration=configuration
            )
    except Exception as err:  # ConfigException, OSError, YAML errors
        where = kubeconfig or "in-cluster service account"
        raise Invalid(f"cannot load Kubernetes configuration ({where}): {err}") from err
    return client.CoreV1Api(client.ApiClient(configuration))


class _Api:
    """The few CoreV1 calls the pool makes, each in a thread, answering plain JSON."""

    def __init__(self, core: Any, *, namespace: str, request_timeout: float) -> None:
        self._core = core
        self._ns = namespace
        self._timeout = request_timeout

    async def _call(self, what: str, method: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from kubernetes.client.exceptions import ApiException

        function = getattr(self._core, method)
        kwargs.update(_preload_content=False, _request_timeout=self._timeout)
        try:
            response = await asyncio.to_thread(function, *args, **kwargs)
        except ApiException as err:
            message = _status_message(err.body) or err.reason or ""
            if err.status == 404:
                raise Gone(f"{what}: {message}") from None
            raise KubernetesError(f"{what}: HTTP {err.status}: {message}") from None
        except OSError as err:  # urllib3's connection errors derive from OSError
            raise KubernetesError(f"{what}: {err}") from None
        body = json.loads(response.data or b"{}")
        return body if isinstance(body, dict) else {}

    async def list_pods(self, selector: str) -> list[dict[str, Any]]:
        found = await self._call(
            "list pods", "list_namespaced_pod", self._ns, label_selector=selector
        )
        return list(found.get("items") or [])

    async def list_services(self, selector: str) -> list[dict[str, Any]]:
        found = await self._call(
            "list services", "list_namespaced_service", self._ns, label_selector=selector
        )
        return list(found.get("items") or [])

    async def create_pod(self, body: dict[str, Any]) -> dict[str, Any]:
        return await self._call(
            "create pod", "create_namespaced_pod", self._ns, body, _headers=_JSON
        )

    async def read_pod(self, name: str) -> dict[str, Any]:
        return await self._call(f"read pod {name}", "read_namespaced_pod", name, self._ns)

    async def patch_pod(self, name: str, patch: dict[str, Any]) -> dict[str, Any]:
        return await self._call(
            f"patch pod {name}",
            "patch_namespaced_pod",
            name,
            self._ns,
            patch,
            _content_type="application/merge-patch+json",
        )

    async def delete_pod(self, name: str) -> None:
        with contextlib.suppress(Gone):  # already gone is what we wanted
            await self._call(f"delete pod {name}", "delete_namespaced_pod", name, self._ns)

    async def read_service(self, name: str) -> dict[str, Any]:
        return await self._call(f"read service {name}", "read_namespaced_service", name, self._ns)

    async def create_service(self, body: dict[str, Any]) -> dict[str, Any]:
        return await self._call(
            "create service", "create_namespaced_service", self._ns, body, _headers=_JSON
        )

    async def delete_service(self, name: str) -> None:
        with contextlib.suppress(Gone):
            await self._call(f"delete service {name}", "delete_namespaced_service", name, self._ns)


# kubernetes-client 37 sends no Content-Type on create_* calls (``_content_type`` is only
# honoured for patches), and kube-apiserver answers a body without one with 415.
_JSON = {"Content-Type": "application/json"}


def _status_message(body: Any) -> str:
    try:
        status = json.loads(body) if body else {}
    except (TypeError, ValueError):
        return str(body)[:200]
    return str(status.get("message") or "") if isinstance(status, dict) else ""


class PodInstance:
    """One function pod and the Service in front of it, reached over gRPC."""

    def __init__(
        self,
        backend: PodBackend,
        *,
        image: str,
        pod: str,
        target: str,
        client: FunctionRunnerClient,
    ) -> None:
        self._backend = backend
        self.image = image
        self.pod = pod
        self.target = target
        self._client = client
        self._lost = False
        self._stopped = False
        self._refreshed = backend.now()

    @property
    def alive(self) -> bool:
        return not (self._lost or self._stopped)

    async def evaluate(self, *, image: str, resource_list: bytes) -> EvaluationResult:
        try:
            result = await self._client.evaluate(image=image, resource_list=resource_list)
        except RunnerUnavailable:
            self._lost = True
            raise
        if self._backend.now() - self._refreshed >= self._backend.refresh_every:
            self._refreshed = self._backend.now()
            await self._backend.refresh(self.pod)
        return result

    async def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        await self._client.close()
        await self._backend.delete(self.image, self.pod)

    async def release(self) -> None:
        self._stopped = True
        await self._client.close()


class PodBackend:
    """Starts ``PodInstance``s in ``template.namespace``; handles every image it is asked."""

    name = "pod pool"

    def __init__(
        self,
        core: Any,
        template: podspecs.PodTemplate,
        *,
        ttl: float,
        call_timeout: float,
        ready_timeout: float = 120.0,
        poll_interval: float = 0.5,
        request_timeout: float = 10.0,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self._api = _Api(core, namespace=template.namespace, request_timeout=request_timeout)
        self._template = template
        self._ttl = ttl
        self._call_timeout = call_timeout
        self._ready_timeout = ready_timeout
        self._poll = poll_interval
        self.now = wall_clock
        self.refresh_every = max(1.0, ttl / 4)

    def handles(self, image: str) -> bool:
        return True

    def _reclaim_after(self) -> int:
        return int(self.now() + self._ttl)

    async def start(self, image: str) -> PodInstance:
        pod = await self._find_or_create_pod(image)
        name = podspecs.name_of(pod)
        try:
            await self._wait_ready(name, image=image)
            target = await self._ensure_service(image)
        except BaseException:
            await self._api.delete_pod(name)
            raise
        client = FunctionRunnerClient(
            target,
            timeout=self._call_timeout,
            max_message_bytes=self._template.max_message_bytes,
        )
        log.info("pod pool: %s ready as pod %s at %s", image, name, target)
        return PodInstance(self, image=image, pod=name, target=target, client=client)

    async def _find_or_create_pod(self, image: str) -> dict[str, Any]:
        now = self.now()
        for pod in await self._api.list_pods(podspecs.image_selector(image)):
            if podspecs.reusable(pod, image=image, now=now):
                name = podspecs.name_of(pod)
                log.info("pod pool: reusing pod %s for %s", name, image)
                return await self._api.patch_pod(
                    name, podspecs.reclaim_patch(self._reclaim_after())
                )
        manifest = podspecs.pod_manifest(image, self._template, reclaim_after=self._reclaim_after())
        return await self._api.create_pod(manifest)

    async def _wait_ready(self, name: str, *, image: str) -> None:
        try:
            async with asyncio.timeout(self._ready_timeout):
                while True:
                    state = podspecs.pod_state(await self._api.read_pod(name))
                    if state.phase == "ready":
                        return
                    if state.phase == "failed":
                        raise FunctionError(
                            f"pod {name} for function {image!r} failed to start: {state.reason}"
                        )
                    await asyncio.sleep(self._poll)
        except TimeoutError:
            raise Timeout(
                f"pod {name} for function {image!r} not ready within {self._ready_timeout:g}s"
            ) from None

    async def _ensure_service(self, image: str) -> str:
        name = podspecs.image_key(image)
        try:
            service = await self._api.read_service(name)
        except Gone:
            service = await self._api.create_service(
                podspecs.service_manifest(image, self._template)
            )
        target = podspecs.service_target(service, port=self._template.port)
        if target is None:
            raise KubernetesError(f"service {name} for function {image!r} has no cluster IP")
        return target

    async def refresh(self, pod: str) -> None:
        try:
            await self._api.patch_pod(pod, podspecs.reclaim_patch(self._reclaim_after()))
        except FunctionError as err:  # Gone included: the next call finds out
            log.warning("pod pool: cannot refresh reclaim time of %s: %s", pod, err.message)

    async def delete(self, image: str, pod: str) -> None:
        await self._api.delete_pod(pod)
        await self._api.delete_service(podspecs.image_key(image))

    async def sweep(self) -> None:
        """Delete expired or failed managed pods, then Services with no pod left."""
        now = self.now()
        pods = await self._api.list_pods(podspecs.managed_selector())
        doomed = [p for p in pods if podspecs.expired(p, now=now)]
        for pod in doomed:
            log.info("pod pool: deleting expired pod %s", podspecs.name_of(pod))
            await self._api.delete_pod(podspecs.name_of(pod))
        keys = {podspecs.key_of(p) for p in pods if p not in doomed}
        for service in await self._api.list_services(podspecs.managed_selector()):
            if podspecs.key_of(service) not in keys:
                log.info("pod pool: deleting idle service %s", podspecs.name_of(service))
                await self._api.delete_service(podspecs.name_of(service))


__all__ = ["Gone", "KubernetesError", "PodBackend", "PodInstance", "core_api"]
