"""The poll timer: every registered repository gets a discovery pass each interval.

Follows the repositories projection bucket (read-only; the orchestrator writes it) to know
which repositories exist, their Git or OCI target and their ``spec.sync`` schedule. A pass runs in
the repository's lane, so it never interleaves with that repository's writes. After a failed
pass the interval doubles (up to ``MAX_BACKOFF_S``) until the server answers again.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from nats.errors import Error as NatsError
from nats.js.kv import KeyValue

from porch.domain import snapshots, syncwork
from porch.eventlog import buckets
from porch_gitsync import schedules
from porch_gitsync.lanes import Lanes

log = logging.getLogger(__name__)

MAX_BACKOFF_S = 300.0
TICK_S = 0.5

Pass = Callable[[str, str, syncwork.Target, str], Awaitable[bool]]  # ns, name, target, uid


def target(spec: dict[str, Any]) -> syncwork.Target | None:
    """The Git or OCI target a Repository spec names (None for a malformed spec)."""
    if spec.get("type") == "oci":
        oci = spec.get("oci")
        if not isinstance(oci, dict) or not oci.get("registry"):
            return None
        return syncwork.OciTarget(
            registry=str(oci["registry"]),
            secret_ref=str((oci.get("secretRef") or {}).get("name", "")),
        )
    return git_target(spec)


def git_target(spec: dict[str, Any]) -> syncwork.GitTarget | None:
    """The Git target a Repository spec names (None for OCI or a malformed spec)."""
    git = spec.get("git")
    if spec.get("type") != "git" or not isinstance(git, dict) or not git.get("repo"):
        return None
    return syncwork.GitTarget(
        url=str(git["repo"]),
        branch=str(git.get("branch") or "main"),
        directory=str(git.get("directory") or "/"),
        secret_ref=str((git.get("secretRef") or {}).get("name", "")),
        author=str(git.get("author", "")),
        email=str(git.get("email", "")),
        create_branch=git.get("createBranch") is True,
    )


@dataclass
class _Schedule:
    namespace: str
    name: str
    target: syncwork.Target
    interval: float
    due: float
    uid: str = ""  # the registration's, carried by the pass's facts
    failures: int = 0
    queued: bool = False


class Poller:
    def __init__(
        self, kv: KeyValue, lanes: Lanes, run_pass: Pass, *, default_interval: float
    ) -> None:
        self._kv = kv
        self._lanes = lanes
        self._pass = run_pass
        self._default = default_interval
        self._repos: dict[str, _Schedule] = {}

    async def run(self) -> None:
        async with asyncio.TaskGroup() as group:
            group.create_task(self._follow())
            group.create_task(self._tick())

    async def _follow(self) -> None:
        # The watch resumes by itself after NATS restarts (nats-py re-creates its ordered
        # consumer); if it fails outright, watch again: the replay re-reads every repository.
        while True:
            try:
                async for entry in buckets.changes(self._kv):
                    if entry is not None:
                        self._update(entry.key, entry.value)
            except NatsError as exc:
                log.warning("watching repositories failed, watching again: %r", exc)
                await asyncio.sleep(1.0)

    def _update(self, key: str, value: bytes | None) -> None:
        namespace, name = snapshots.parse_object_key(key)
        obj = json.loads(value) if value else None
        found = target(obj.get("spec") or {}) if isinstance(obj, dict) else None
        if obj is None or found is None:
            self._repos.pop(key, None)
            return
        every, warning = schedules.interval(obj["spec"], default=self._default)
        if warning:
            log.warning("%s/%s: %s", namespace, name, warning)
        old = self._repos.get(key)
        due = old.due if old is not None and old.target == found else time.monotonic()
        uid = str((obj.get("metadata") or {}).get("uid") or "")
        self._repos[key] = _Schedule(namespace, name, found, every, due, uid)

    async def _tick(self) -> None:
        while True:
            now = time.monotonic()
            for key, sched in list(self._repos.items()):
                if not sched.queued and sched.due <= now:
                    sched.queued = True
                    self._lanes.submit(key, self._job(key, sched))
            await asyncio.sleep(TICK_S)

    def _job(self, key: str, sched: _Schedule) -> Callable[[], Awaitable[None]]:
        async def job() -> None:
            ok = False
            try:
                ok = await self._pass(sched.namespace, sched.name, sched.target, sched.uid)
            finally:
                sched.failures = 0 if ok else sched.failures + 1
                wait = min(sched.interval * 2**sched.failures, max(MAX_BACKOFF_S, sched.interval))
                sched.due = time.monotonic() + wait
                sched.queued = False

        return job


__all__ = ["MAX_BACKOFF_S", "Poller", "git_target", "target"]
