"""propose, approve, reject, propose-delete and del: Porch's lifecycle verbs.

Each takes several names, goes on after a failure (``<name> failed (<err>)`` on stderr) and
fails at the end with the summary of every message, as Porch's porchctl does. Lifecycle
changes are read-modify-write with the object's resourceVersion, retried on 409.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from porch.porchctl import client as api
from porch.porchctl.failures import ApiError, CliError, summary
from porch.porchctl.session import Session

Json = dict[str, Any]
PLURAL = "packagerevisions"
DRAFT, PROPOSED, PUBLISHED, DELETION_PROPOSED = "Draft", "Proposed", "Published", "DeletionProposed"
_RETRIES = 5


class Skip(Exception):
    """Nothing to do for this name; the message goes to stderr and it is not a failure."""


def is_ready(revision: Json) -> bool:
    """Every readiness gate has a condition of that type with status True."""
    gates = (revision.get("spec") or {}).get("readinessGates") or []
    conditions = (revision.get("status") or {}).get("conditions") or []
    true = {c.get("type") for c in conditions if isinstance(c, dict) and c.get("status") == "True"}
    return all(g.get("conditionType") in true for g in gates if isinstance(g, dict))


def approval_change(current: str, new: str) -> bool:
    """Whether the approval subresource may move ``current`` to ``new`` (False: no-op)."""
    if current == new:
        return False
    allowed = {PROPOSED: (PUBLISHED, DRAFT), DELETION_PROPOSED: (PUBLISHED,)}
    if new not in allowed.get(current, ()):
        raise CliError(f"cannot change approval from {current} to {new}")
    return True


class Lifecycle:
    def __init__(self, session: Session) -> None:
        self.s = session

    def _path(self, name: str, sub: str = "") -> str:
        return api.item(api.PORCH, PLURAL, self.s.namespace, name, sub)

    def read(self, name: str) -> Json:
        found: Json = self.s.client.get(self._path(name))
        return found

    def _put(self, obj: Json, lifecycle: str, *, sub: str = "") -> None:
        obj = {**obj, "spec": {**obj["spec"], "lifecycle": lifecycle}}
        self.s.client.request("PUT", self._path(obj["metadata"]["name"], sub), body=obj)

    def _each(self, names: list[str], one: Callable[[str], str]) -> None:
        messages = []
        for name in names:
            try:
                self.s.say(_retry(lambda n=name: one(n)))  # type: ignore[misc]
            except Skip as skip:
                self.s.warn(str(skip))
            except CliError as exc:
                messages.append(exc.message)
                self.s.warn(f"{name} failed ({exc.message})")
        if messages:
            raise CliError(summary(messages))

    def propose(self, names: list[str]) -> None:
        def one(name: str) -> str:
            pr = self.read(name)
            if not is_ready(pr):
                raise CliError("readiness conditions not met")
            lifecycle = pr["spec"].get("lifecycle")
            if lifecycle == PROPOSED:
                raise Skip(f"{name} is already proposed")
            if lifecycle != DRAFT:
                raise CliError(f"cannot propose {lifecycle} package")
            self._put(pr, PROPOSED)
            return f"{name} proposed"

        self._each(names, one)

    def approve(self, names: list[str]) -> None:
        def one(name: str) -> str:
            pr = self.read(name)
            if not is_ready(pr):
                raise CliError("readiness conditions not met")
            if approval_change(pr["spec"].get("lifecycle", ""), PUBLISHED):
                self._put(pr, PUBLISHED, sub="approval")
            return f"{name} approved"

        self._each(names, one)

    def reject(self, names: list[str]) -> None:
        def one(name: str) -> str:
            pr = self.read(name)
            lifecycle = pr["spec"].get("lifecycle")
            if lifecycle == PROPOSED:
                self._put(pr, DRAFT, sub="approval")
                return f"{name} no longer proposed for approval"
            if lifecycle == DELETION_PROPOSED:
                self._put(pr, PUBLISHED)
                return f"{name} no longer proposed for deletion"
            raise CliError(f"cannot reject {name} with lifecycle '{lifecycle}'")

        self._each(names, one)

    def propose_delete(self, names: list[str]) -> None:
        def one(name: str) -> str:
            pr = self.read(name)
            lifecycle = pr["spec"].get("lifecycle")
            if lifecycle == DELETION_PROPOSED:
                raise Skip(f"{name} is already proposed for deletion")
            if lifecycle != PUBLISHED:
                raise CliError(
                    "can only propose published packages for deletion; "
                    f"package {name} is not published"
                )
            self._put(pr, DELETION_PROPOSED)
            return f"{name} proposed for deletion"

        self._each(names, one)

    def delete(self, names: list[str]) -> None:
        def one(name: str) -> str:
            self.s.client.request("DELETE", self._path(name))
            return f"{name} deleted"

        self._each(names, one)


def _retry(attempt: Callable[[], str]) -> str:
    for i in range(_RETRIES):
        try:
            return attempt()
        except ApiError as exc:
            if exc.code != 409 or exc.reason == "AlreadyExists" or i == _RETRIES - 1:
                raise
    raise AssertionError("unreachable")


__all__ = ["Lifecycle", "Skip", "approval_change", "is_ready"]
