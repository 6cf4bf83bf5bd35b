"""One task, computed: the package files of a creation task (or submitted resources),
rendered, as what to keep and what to report. No NATS here: the caller fetched the inputs'
files and stores the result. ``compute_blocking`` runs it on a private event loop, so the
worker can keep the whole computation off the orchestrator's loop (``asyncio.to_thread``).

Every failure becomes an ``Outcome`` with a reason the API can show; nothing raises.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec

from porch.domain import events as ev
from porch.domain import taskwork
from porch.errors import GitError, Invalid, NotFound, OciError, PorchError
from porch.fnclient import FunctionRunnerClient
from porch.kpt.evaluators import Evaluator
from porch.kpt.pkg_git import RepoCache
from porch.kptcli.grpcevaluator import GrpcEvaluator
from porch_orchestrator import kptsummary, ocisource, packaging, rendering

log = logging.getLogger(__name__)

Files = dict[str, bytes]
_GIT_CACHE = threading.Lock()
# The role of each input revision in ``TaskInputs``; submitted resources are "resources".
RESOURCES = "resources"


@dataclass(frozen=True)
class Runtime:
    """What a task may use besides its inputs."""

    fn_runner: str = ""  # gRPC target of the function runner; "" = builtin functions only
    cache_dir: Path = Path("/tmp/porch-orchestrator-git")
    fn_timeout: float = 300.0
    # Fetchers by Secret name; the worker sets them per task once it resolved the Secret.
    git_fetchers: packaging.GitFetchers | None = None
    oci_source: packaging.OciSource | None = None  # None: pull with porch.oci

    def fetchers(self) -> packaging.GitFetchers:
        if self.git_fetchers is not None:
            return self.git_fetchers
        return lambda _secret: RepoCache(self.cache_dir)

    def oci(self) -> packaging.OciSource:
        return self.oci_source if self.oci_source is not None else ocisource.pull


@dataclass(frozen=True)
class Outcome:
    files: Files | None  # what to store; None when the task failed
    render_status: dict[str, Any] | None = None
    reason: str = ""  # "" = success (a kept render failure still reports its error)
    message: str = ""
    kptfile: dict[str, Any] | None = field(default=None)

    @property
    def ok(self) -> bool:
        return self.files is not None


def needed_inputs(work: taskwork.RunTask) -> dict[str, dict[str, str]]:
    """role -> (path -> digest) of every tree the task reads."""
    request = work.request
    if isinstance(request, ev.RevisionResourcesSubmitted):
        return {RESOURCES: request.resources}
    inputs = taskwork.inputs_of(request.inputs)
    roles = ("upstream", "source", "old_upstream", "new_upstream", "local")
    return {r: rev.resources for r in roles if (rev := getattr(inputs, r)) is not None}


def build(work: taskwork.RunTask, trees: dict[str, Files], runtime: Runtime) -> Files:
    """The unrendered files the task produces; raises ``PorchError``/``NotImplementedError``."""
    request = work.request
    if isinstance(request, ev.RevisionResourcesSubmitted):
        return trees[RESOURCES]
    inputs = taskwork.inputs_of(request.inputs)
    task = request.tasks[0] if request.tasks else None
    package = work.package
    if task is None or task.type == "init":
        return packaging.init(package, (task.init or {}) if task else None)
    if task.type == "clone":
        ref = dict((task.clone or {}).get("upstreamRef") or {})
        if inputs.upstream is not None:
            return packaging.clone_from_revision(
                _tree(trees, "upstream"),
                package=package,
                lock=inputs.upstream.lock or _resolve_lock(inputs.upstream, runtime),
                deployment=request.deployment,
            )
        if ref.get("git") or ref.get("type") == "git":
            with _GIT_CACHE:  # one writer at a time in the shared bare-repository cache
                return packaging.clone_from_git(
                    runtime.fetchers(),
                    dict(ref.get("git") or {}),
                    package=package,
                    deployment=request.deployment,
                )
        if ref.get("oci") or ref.get("type") == "oci":
            return packaging.clone_from_oci(
                runtime.oci(),
                dict(ref.get("oci") or {}),
                package=package,
                deployment=request.deployment,
            )
        raise Invalid("spec.tasks[0].clone.upstreamRef: the upstream package was not found")
    if task.type == "edit":
        if inputs.source is None:
            raise Invalid("spec.tasks[0].edit.sourceRef: the source package was not found")
        return dict(_tree(trees, "source"))
    if task.type == "upgrade":
        spec = task.upgrade or {}
        for role in ("old_upstream", "new_upstream", "local"):
            if getattr(inputs, role) is None:
                raise Invalid(f"upgrade: the {role.replace('_', ' ')} revision was not found")
        assert inputs.new_upstream is not None
        return packaging.upgrade(
            _tree(trees, "local"),
            _tree(trees, "old_upstream"),
            _tree(trees, "new_upstream"),
            strategy=str(spec.get("strategy") or packaging.DEFAULT_STRATEGY),
            new_lock=inputs.new_upstream.lock,
        )
    raise Invalid(f'unsupported task type "{task.type}"')


LOCK_WAIT_S = 30.0


def _resolve_lock(upstream: taskwork.RevisionInput, runtime: Runtime) -> dict[str, Any] | None:
    """The lock of a published Git upstream whose tag's commit the API did not know yet:
    approval is answered before git-sync pushes the tag, so a clone right after an approve
    waits (briefly) for the tag instead of failing. None for an OCI upstream."""
    where = upstream.git
    if not where or upstream.revision <= 0:
        if upstream.revision <= 0:
            raise Invalid("the upstream package revision is not published")
        return None
    repo, directory = str(where.get("repo") or ""), str(where.get("directory") or "")
    ref = f"{directory}/v{upstream.revision}" if directory else f"v{upstream.revision}"
    deadline = time.monotonic() + LOCK_WAIT_S
    while True:
        try:
            with _GIT_CACHE:
                fetcher = runtime.fetchers()(str(where.get("secretRef") or ""))
                fetched = fetcher.fetch(repo, directory=directory, ref=ref)
        except NotFound:
            if time.monotonic() > deadline:
                raise Invalid(
                    f"the upstream {upstream.name} is published but tag {ref} is not in "
                    f"{repo} yet; try again"
                ) from None
            time.sleep(0.5)
            continue
        return {
            "type": "git",
            "git": {"repo": repo, "directory": directory, "ref": ref, "commit": fetched.commit},
        }


def _tree(trees: dict[str, Files], role: str) -> Files:
    return dict(trees.get(role) or {})


async def compute(work: taskwork.RunTask, trees: dict[str, Files], runtime: Runtime) -> Outcome:
    try:
        files = await asyncio.to_thread(build, work, trees, runtime)
    except NotImplementedError as exc:
        return Outcome(None, reason=taskwork.REASON_UNSUPPORTED, message=str(exc))
    except GitError as exc:
        return Outcome(None, reason=taskwork.REASON_GIT, message=exc.message)
    except OciError as exc:
        return Outcome(None, reason=taskwork.REASON_OCI, message=exc.message)
    except PorchError as exc:
        reason = taskwork.REASON_NOT_FOUND if exc.code == 404 else taskwork.REASON_INVALID
        return Outcome(None, reason=reason, message=exc.message)
    except msgspec.ValidationError as exc:
        return Outcome(None, reason=taskwork.REASON_INVALID, message=f"task inputs: {exc}")
    client = FunctionRunnerClient(runtime.fn_runner, timeout=runtime.fn_timeout)
    try:
        remote: Evaluator | None = GrpcEvaluator(client) if runtime.fn_runner else None
        rendered = await rendering.render_files(
            files,
            name=packaging.package_name(work.package),
            evaluator=rendering.evaluator(remote),
            push_on_failure=taskwork.push_on_render_failure(work),
        )
    except PorchError as exc:  # e.g. a resource path that leaves the package
        return Outcome(None, reason=taskwork.REASON_INVALID, message=exc.message)
    finally:
        await client.close()
    summary = kptsummary.summarize(rendered.files.get("Kptfile")) if rendered.files else None
    if rendered.files is None:
        return Outcome(
            None,
            render_status=rendered.status,
            reason=taskwork.REASON_RENDER,
            message=f"rendering failed: {rendered.error}",
        )
    return Outcome(
        rendered.files,
        render_status=rendered.status,
        message=rendered.error,
        kptfile=summary,
    )


def compute_blocking(work: taskwork.RunTask, trees: dict[str, Files], runtime: Runtime) -> Outcome:
    """``compute`` on a private loop (for a worker thread); never raises."""
    try:
        return asyncio.run(compute(work, trees, runtime))
    except Exception as exc:  # a bug in a task must not take the worker down
        log.exception("task %s crashed", work.source_event)
        return Outcome(
            None, reason=taskwork.REASON_INTERNAL, message=f"{type(exc).__name__}: {exc}"
        )


__all__ = [
    "RESOURCES",
    "Outcome",
    "Runtime",
    "build",
    "compute",
    "compute_blocking",
    "needed_inputs",
]
