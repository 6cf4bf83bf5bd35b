"""Subject and key names: one subject per aggregate, tokens escaped reversibly.

``porch.ev.<ns>.<repo>._repo`` for a repository, ``porch.ev.<ns>.<repo>.<pkg>.<ws>`` for a
package revision; the package wildcard ``porch.ev.<ns>.<repo>.<pkg>.>`` is the package's
consistency boundary. Package paths are RFC-1123 labels joined by ``/``, so ``_repo`` can
never collide with a package token. Pure; no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

from porch.model.names import decode_token, encode_token

EVENTS_PREFIX = "porch.ev"
ALL_EVENTS = f"{EVENTS_PREFIX}.>"
REPO_TOKEN = "_repo"
SYNC_PREFIX = "porch.sync"
TASK_PREFIX = "porch.task"


def repository(namespace: str, name: str) -> str:
    return f"{EVENTS_PREFIX}.{encode_token(namespace)}.{encode_token(name)}.{REPO_TOKEN}"


def revision(namespace: str, repo: str, package: str, workspace: str) -> str:
    return ".".join(
        [EVENTS_PREFIX, *(encode_token(t) for t in (namespace, repo, package, workspace))]
    )


def package_wildcard(namespace: str, repo: str, package: str) -> str:
    return ".".join([EVENTS_PREFIX, *(encode_token(t) for t in (namespace, repo, package)), ">"])


def sync_work(namespace: str, repo: str) -> str:
    return f"{SYNC_PREFIX}.{encode_token(namespace)}.{encode_token(repo)}"


def task_work(namespace: str, repo: str) -> str:
    return f"{TASK_PREFIX}.{encode_token(namespace)}.{encode_token(repo)}"


@dataclass(frozen=True)
class Aggregate:
    """Where an event subject points: a repository (package == "") or a package revision."""

    namespace: str
    repository: str
    package: str = ""
    workspace: str = ""

    @property
    def is_repository(self) -> bool:
        return self.package == ""


def parse(subject: str) -> Aggregate | None:
    parts = subject.split(".")
    if parts[:2] != EVENTS_PREFIX.split("."):
        return None
    tokens = parts[2:]
    if len(tokens) == 3 and tokens[2] == REPO_TOKEN:
        return Aggregate(decode_token(tokens[0]), decode_token(tokens[1]))
    if len(tokens) == 4:
        ns, repo, pkg, ws = (decode_token(t) for t in tokens)
        return Aggregate(ns, repo, pkg, ws)
    return None


def key(*parts: str) -> str:
    """A KV key from name parts (each escaped, so keys are unambiguous)."""
    return ".".join(encode_token(p) for p in parts)


def unkey(value: str) -> list[str]:
    return [decode_token(t) for t in value.split(".")]


__all__ = [
    "ALL_EVENTS",
    "Aggregate",
    "key",
    "package_wildcard",
    "parse",
    "repository",
    "revision",
    "sync_work",
    "task_work",
    "unkey",
]
