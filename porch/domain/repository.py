"""The Repository aggregate: registration of a Git or OCI repository.

Decider: ``decide(state, command) -> events`` and ``evolve(state, event) -> state``.
Pure; no I/O. Validation of the spec happens here so every entry point shares it.
"""

from __future__ import annotations

from typing import Any

import msgspec

from porch.domain import events as ev
from porch.domain.common import CommandMeta, event_fields
from porch.errors import AlreadyExists, Cause, Invalid, NotFound
from porch.model import names

GIT_SCHEMES = ("http://", "https://", "ssh://", "git://", "file://")


class RepositoryState(msgspec.Struct, frozen=True, kw_only=True):
    namespace: str
    name: str
    uid: str
    created: str
    spec: dict[str, Any]
    labels: dict[str, str] = {}
    annotations: dict[str, str] = {}
    generation: int = 1
    ready: str = "Unknown"  # "True" | "False" | "Unknown"
    ready_reason: str = "Reconciling"
    ready_message: str = ""
    ready_since: str = ""
    commit: str = ""


State = RepositoryState | None
INITIAL: State = None


class RegisterRepository(msgspec.Struct, frozen=True, kw_only=True):
    meta: CommandMeta
    namespace: str
    name: str
    uid: str
    spec: dict[str, Any]
    labels: dict[str, str] = {}
    annotations: dict[str, str] = {}


class UpdateRepository(msgspec.Struct, frozen=True, kw_only=True):
    meta: CommandMeta
    spec: dict[str, Any]
    labels: dict[str, str] = {}
    annotations: dict[str, str] = {}


class UnregisterRepository(msgspec.Struct, frozen=True, kw_only=True):
    meta: CommandMeta


Command = RegisterRepository | UpdateRepository | UnregisterRepository

# Fields Porch makes immutable (enforced there with CEL).
_IMMUTABLE = (
    ("type",),
    ("git", "repo"),
    ("git", "branch"),
    ("git", "directory"),
    ("oci", "registry"),
)


def normalize_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """Apply Porch's defaults: content Package, git branch main, directory '/'."""
    out = dict(spec)
    out.setdefault("content", "Package")
    if out.get("type") == "git" and isinstance(out.get("git"), dict):
        git = dict(out["git"])
        git.setdefault("branch", "main")
        git.setdefault("directory", "/")
        out["git"] = git
    return out


def spec_problems(spec: dict[str, Any]) -> list[Cause]:
    causes: list[Cause] = []

    def bad(fld: str, msg: str) -> None:
        causes.append(Cause("FieldValueInvalid", msg, fld))

    kind = spec.get("type")
    if kind not in ("git", "oci"):
        causes.append(
            Cause(
                "FieldValueNotSupported",
                f'Unsupported value: {kind!r}: supported values: "git", "oci"',
                "spec.type",
            )
        )
        return causes
    if spec.get("content", "Package") != "Package":
        bad("spec.content", 'only "Package" is supported')
    if kind == "git":
        git = spec.get("git")
        if not isinstance(git, dict):
            causes.append(Cause("FieldValueRequired", "Required value", "spec.git"))
            return causes
        url = git.get("repo")
        if not isinstance(url, str) or not url.startswith(GIT_SCHEMES):
            bad(
                "spec.git.repo",
                # The value is not echoed: a malformed URL may still carry a password.
                "Invalid value: must be an http(s)://, ssh://, git:// or file:// URL",
            )
        elif _embeds_credentials(url):
            bad("spec.git.repo", "credentials must not be embedded in the URL; use secretRef")
        branch = git.get("branch", "main")
        if not isinstance(branch, str) or not branch or ".." in branch or branch.startswith("/"):
            bad("spec.git.branch", f"Invalid value: {branch!r}")
        directory = git.get("directory", "/")
        if not isinstance(directory, str) or ".." in directory.split("/"):
            bad("spec.git.directory", f"Invalid value: {directory!r}")
    else:
        oci = spec.get("oci")
        if not isinstance(oci, dict) or not isinstance(oci.get("registry"), str):
            causes.append(Cause("FieldValueRequired", "Required value", "spec.oci.registry"))
    return causes


def _embeds_credentials(url: str) -> bool:
    """A password, or any user part on http(s) (a bare token); ssh://git@host is fine."""
    scheme, rest = url.split("://", 1)
    authority = rest.split("/", 1)[0]
    if "@" not in authority:
        return False
    userinfo = authority.rsplit("@", 1)[0]
    return ":" in userinfo or scheme in ("http", "https")


def _dig(spec: dict[str, Any], path: tuple[str, ...]) -> Any:
    cur: Any = spec
    for key in path:
        if not isinstance(cur, dict):
            return None
        cur = cur.get(key)
    return cur


def decide(state: State, command: Command) -> list[ev.RepositoryEvent]:
    meta = command.meta
    common = event_fields(meta)
    if isinstance(command, RegisterRepository):
        if state is not None:
            raise AlreadyExists(
                f'repositories.config.porch.kpt.dev "{command.name}" already exists'
            )
        names.require(
            [("metadata.name", command.name, names.label_problem(command.name))],
            kind="Repository",
            name=command.name,
        )
        spec = normalize_spec(command.spec)
        causes = spec_problems(spec)
        if causes:
            raise Invalid(_invalid_message(command.name, causes), causes=causes)
        return [
            ev.RepositoryRegistered(
                **common,
                namespace=command.namespace,
                name=command.name,
                uid=command.uid,
                spec=spec,
                labels=command.labels,
                annotations=command.annotations,
            )
        ]
    if state is None:
        raise NotFound("repository not found")
    if isinstance(command, UpdateRepository):
        spec = normalize_spec(command.spec)
        causes = spec_problems(spec)
        causes += [
            Cause("FieldValueForbidden", "field is immutable", "spec." + ".".join(p))
            for p in _IMMUTABLE
            if _dig(spec, p) != _dig(state.spec, p)
        ]
        if causes:
            raise Invalid(_invalid_message(state.name, causes), causes=causes)
        if (spec, command.labels, command.annotations) == (
            state.spec,
            state.labels,
            state.annotations,
        ):
            return []
        return [
            ev.RepositoryUpdated(
                **common,
                spec=spec,
                labels=command.labels,
                annotations=command.annotations,
            )
        ]
    return [ev.RepositoryUnregistered(**common)]


def _invalid_message(name: str, causes: list[Cause]) -> str:
    detail = ", ".join(f"{c.field}: {c.message}" for c in causes)
    return f'Repository.config.porch.kpt.dev "{name}" is invalid: {detail}'


def evolve(state: State, event: ev.RepositoryEvent) -> State:
    if isinstance(event, ev.RepositoryRegistered):
        return RepositoryState(
            namespace=event.namespace,
            name=event.name,
            uid=event.uid,
            created=event.time,
            spec=event.spec,
            labels=event.labels,
            annotations=event.annotations,
            ready_since=event.time,
        )
    if state is None:
        return None
    if isinstance(event, ev.RepositoryUpdated):
        bump = 1 if event.spec != state.spec else 0
        return msgspec.structs.replace(
            state,
            spec=event.spec,
            labels=event.labels,
            annotations=event.annotations,
            generation=state.generation + bump,
        )
    if isinstance(event, ev.RepositoryConnected):
        return _readiness(state, "True", "Ready", "", event.time, commit=event.commit)
    if isinstance(event, ev.RepositoryConnectionFailed):
        # Porch's condition reason is always Error; git-sync's finer reason leads the message.
        message = f"{event.reason}: {event.message}"
        return _readiness(state, "False", "Error", message, event.time)
    if isinstance(event, ev.RepositoryUnregistered):
        return None
    return state  # facts that do not change the registration (RepositorySynced)


def _readiness(
    state: RepositoryState, status: str, reason: str, message: str, time: str, *, commit: str = ""
) -> RepositoryState:
    since = state.ready_since if status == state.ready else time
    return msgspec.structs.replace(
        state,
        ready=status,
        ready_reason=reason,
        ready_message=message,
        ready_since=since,
        commit=commit or state.commit,
    )


__all__ = [
    "INITIAL",
    "Command",
    "RegisterRepository",
    "RepositoryState",
    "State",
    "UnregisterRepository",
    "UpdateRepository",
    "decide",
    "evolve",
    "normalize_spec",
]
