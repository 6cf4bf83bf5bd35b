"""Porch's Git layout as names: which ref holds which revision, and the ``kpt:{json}`` lines.

P is the package path including the registered directory, W the workspace, N the revision:
Draft ``refs/heads/drafts/P/W``, Proposed ``refs/heads/proposed/P/W``, Published
``refs/tags/P/vN``, DeletionProposed marker ``refs/heads/deletionProposed/P/vN``, the branch
placeholder is the registered branch itself. Pure; no I/O, no pygit2.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

EVENT_ID_TRAILER = "Porch-Event-Id"
DRAFTS = "refs/heads/drafts/"
PROPOSED = "refs/heads/proposed/"
MARKERS = "refs/heads/deletionProposed/"
TAGS = "refs/tags/"
_VERSION = re.compile(r"^v([1-9][0-9]*)$")


def package_path(directory: str, package: str) -> str:
    """P: ``package`` (relative to the registered directory) prefixed by that directory."""
    directory = directory.strip("/")
    return f"{directory}/{package}" if directory else package


def relative_package(directory: str, path: str) -> str | None:
    """``path`` relative to ``directory``, or None when it lies outside it."""
    directory = directory.strip("/")
    if not directory:
        return path
    prefix = directory + "/"
    return path[len(prefix) :] if path.startswith(prefix) and len(path) > len(prefix) else None


def draft_ref(path: str, workspace: str) -> str:
    return f"{DRAFTS}{path}/{workspace}"


def proposed_ref(path: str, workspace: str) -> str:
    return f"{PROPOSED}{path}/{workspace}"


def lifecycle_ref(path: str, workspace: str, lifecycle: str) -> str:
    return proposed_ref(path, workspace) if lifecycle == "Proposed" else draft_ref(path, workspace)


def tag_ref(path: str, revision: int) -> str:
    return f"{TAGS}{path}/v{revision}"


def marker_ref(path: str, revision: int) -> str:
    return f"{MARKERS}{path}/v{revision}"


def branch_ref(branch: str) -> str:
    return f"refs/heads/{branch}"


@dataclass(frozen=True)
class RefName:
    """What a ref name says about a revision: its kind, P, and W or N."""

    kind: str  # draft | proposed | tag | marker
    path: str
    workspace: str = ""
    revision: int = 0


def parse_ref(ref: str) -> RefName | None:
    """The revision a ref names, or None for refs outside Porch's layout (``v1.0``, ``main``)."""
    for prefix, kind in ((DRAFTS, "draft"), (PROPOSED, "proposed")):
        if ref.startswith(prefix):
            path, _, workspace = ref[len(prefix) :].rpartition("/")
            return RefName(kind, path, workspace=workspace) if path and workspace else None
    for prefix, kind in ((TAGS, "tag"), (MARKERS, "marker")):
        if ref.startswith(prefix) and not ref.endswith("^{}"):
            path, _, version = ref[len(prefix) :].rpartition("/")
            match = _VERSION.match(version)
            if path and match:
                return RefName(kind, path, revision=int(match.group(1)))
            return None
    return None


def kpt_line(*, path: str, workspace: str, revision: int, task: dict[str, Any] | None) -> str:
    """One ``kpt:{json}`` metadata line as Porch writes it (revision as a string)."""
    metadata = {
        "package": path,
        "workspaceName": workspace,
        "revision": str(revision),
        "task": task if task is not None else {"type": "push"},
    }
    return "kpt:" + json.dumps(metadata, separators=(",", ":"))


def message(subject: str, *, kpt: str | None, event_id: str) -> str:
    """A commit message: subject, the kpt line when there is one, our idempotency trailer."""
    body = f"{kpt}\n" if kpt else ""
    return f"{subject}\n\n{body}{EVENT_ID_TRAILER}: {event_id}\n"


def kpt_metadata(text: str) -> list[dict[str, Any]]:
    """Every well-formed ``kpt:{json}`` object in a commit message, in order."""
    found: list[dict[str, Any]] = []
    for line in text.splitlines():
        if not line.startswith("kpt:"):
            continue
        try:
            value = json.loads(line[4:])
        except ValueError:
            continue
        if isinstance(value, dict):
            found.append(value)
    return found


def event_id_of(text: str) -> str:
    """The ``Porch-Event-Id`` trailer of a commit message, or ''."""
    for line in reversed(text.splitlines()):
        key, sep, value = line.partition(":")
        if sep and key.strip() == EVENT_ID_TRAILER:
            return value.strip()
    return ""


__all__ = [
    "EVENT_ID_TRAILER",
    "RefName",
    "branch_ref",
    "draft_ref",
    "event_id_of",
    "kpt_line",
    "kpt_metadata",
    "lifecycle_ref",
    "marker_ref",
    "message",
    "package_path",
    "parse_ref",
    "proposed_ref",
    "relative_package",
    "tag_ref",
]
