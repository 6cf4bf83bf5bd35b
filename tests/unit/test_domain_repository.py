"""Given/when/then tests of the Repository decider (``porch.domain.repository``) and of the
Repository object it renders (``porch.domain.objects.repository_object``)."""

from __future__ import annotations

import functools
from typing import Any

import pytest

from porch.domain import events as ev
from porch.domain import objects, repository
from porch.domain.common import Actor, CommandMeta, event_id
from porch.errors import AlreadyExists, Invalid, NotFound

NS, NAME = "default", "blueprints"
BOB = Actor(user="bob@example.com")
T0 = "2026-01-01T00:00:00Z"
GIT_URL = "https://git.example.com/blueprints.git"
GIT: dict[str, Any] = {"type": "git", "git": {"repo": GIT_URL}}
OCI: dict[str, Any] = {"type": "oci", "oci": {"registry": "registry.example.com/blueprints"}}

_counter = iter(range(1_000_000))


def meta(command_id: str | None = None, *, time: str = T0) -> CommandMeta:
    return CommandMeta(command_id=command_id or f"cmd-{next(_counter)}", time=time, actor=BOB)


def _common(m: CommandMeta) -> dict[str, Any]:
    return {"id": event_id(m, 0), "time": m.time, "actor": m.actor, "command_id": m.command_id}


def register(spec: dict[str, Any], *, name: str = NAME, **kw: Any) -> repository.RegisterRepository:
    return repository.RegisterRepository(
        meta=kw.pop("meta", None) or meta(), namespace=NS, name=name, uid="uid-r", spec=spec, **kw
    )


def update(spec: dict[str, Any], **kw: Any) -> repository.UpdateRepository:
    return repository.UpdateRepository(meta=kw.pop("meta", None) or meta(), spec=spec, **kw)


def registered(spec: dict[str, Any] = GIT, *, time: str = T0) -> ev.RepositoryRegistered:
    return ev.RepositoryRegistered(
        **_common(meta(time=time)),
        namespace=NS,
        name=NAME,
        uid="uid-r",
        spec=repository.normalize_spec(spec),
    )


def connected(time: str, commit: str = "") -> ev.RepositoryConnected:
    return ev.RepositoryConnected(**_common(meta(time=time)), commit=commit)


def failed(time: str, reason: str = "AuthFailed", message: str = "denied") -> ev.RepositoryEvent:
    return ev.RepositoryConnectionFailed(**_common(meta(time=time)), reason=reason, message=message)


def given(*history: ev.RepositoryEvent) -> repository.State:
    return functools.reduce(repository.evolve, history, repository.INITIAL)


def fold(state: repository.State, events: list[ev.RepositoryEvent]) -> repository.State:
    return functools.reduce(repository.evolve, events, state)


def causes_of(err: pytest.ExceptionInfo[Invalid]) -> list[tuple[str, str]]:
    return [(c.reason, c.field) for c in err.value.causes]


# --- register ---------------------------------------------------------------------------


def test_register_a_git_repository_applies_porch_defaults() -> None:
    m = meta("reg-1")

    events = repository.decide(
        given(), register(GIT, meta=m, labels={"a": "b"}, annotations={"c": "d"})
    )

    assert events == [
        ev.RepositoryRegistered(
            **_common(m),
            namespace=NS,
            name=NAME,
            uid="uid-r",
            spec={
                "type": "git",
                "content": "Package",
                "git": {
                    "repo": "https://git.example.com/blueprints.git",
                    "branch": "main",
                    "directory": "/",
                },
            },
            labels={"a": "b"},
            annotations={"c": "d"},
        )
    ]


def test_register_keeps_explicit_branch_and_directory() -> None:
    spec = {"type": "git", "git": {"repo": "ssh://git@h/x", "branch": "prod", "directory": "pkgs"}}

    [event] = repository.decide(given(), register(spec))

    assert isinstance(event, ev.RepositoryRegistered)
    assert event.spec["git"] == {"repo": "ssh://git@h/x", "branch": "prod", "directory": "pkgs"}


def test_register_an_oci_repository_defaults_only_the_content() -> None:
    [event] = repository.decide(given(), register(OCI))

    assert isinstance(event, ev.RepositoryRegistered)
    assert event.spec == {**OCI, "content": "Package"}


def test_register_does_not_mutate_the_command_spec() -> None:
    spec = {"type": "git", "git": {"repo": "https://h/x"}}

    repository.decide(given(), register(spec))

    assert spec == {"type": "git", "git": {"repo": "https://h/x"}}


@pytest.mark.parametrize(
    "url",
    [
        "http://h/x",
        "https://h/x.git",
        "ssh://git@github.com/org/x.git",
        "git://h/x",
        "file:///tmp/x",
    ],
)
def test_every_supported_git_scheme_is_accepted(url: str) -> None:
    spec = {"type": "git", "git": {"repo": url}}

    assert [type(e) for e in repository.decide(given(), register(spec))] == [
        ev.RepositoryRegistered
    ]


def test_register_twice_already_exists() -> None:
    with pytest.raises(AlreadyExists, match=f'"{NAME}" already exists'):
        repository.decide(given(registered()), register(GIT))


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({"type": "svn"}, [("FieldValueNotSupported", "spec.type")]),
        ({}, [("FieldValueNotSupported", "spec.type")]),
        ({"type": "git"}, [("FieldValueRequired", "spec.git")]),
        ({"type": "git", "git": "https://h/x"}, [("FieldValueRequired", "spec.git")]),
        ({"type": "git", "git": {}}, [("FieldValueInvalid", "spec.git.repo")]),
        ({"type": "git", "git": {"repo": 42}}, [("FieldValueInvalid", "spec.git.repo")]),
        ({"type": "git", "git": {"repo": "ftp://h/x"}}, [("FieldValueInvalid", "spec.git.repo")]),
        ({"type": "git", "git": {"repo": "h/x"}}, [("FieldValueInvalid", "spec.git.repo")]),
        (
            {"type": "git", "git": {"repo": "https://user:pw@host/x"}},
            [("FieldValueInvalid", "spec.git.repo")],
        ),
        (
            {"type": "git", "git": {"repo": "https://h/x", "branch": "a..b"}},
            [("FieldValueInvalid", "spec.git.branch")],
        ),
        (
            {"type": "git", "git": {"repo": "https://h/x", "branch": ""}},
            [("FieldValueInvalid", "spec.git.branch")],
        ),
        (
            {"type": "git", "git": {"repo": "https://h/x", "directory": "a/../b"}},
            [("FieldValueInvalid", "spec.git.directory")],
        ),
        (
            {"type": "git", "content": "Function", "git": {"repo": "https://h/x"}},
            [("FieldValueInvalid", "spec.content")],
        ),
        ({"type": "oci"}, [("FieldValueRequired", "spec.oci.registry")]),
        ({"type": "oci", "oci": {}}, [("FieldValueRequired", "spec.oci.registry")]),
    ],
)
def test_register_an_invalid_spec_names_the_field(
    spec: dict[str, Any], expected: list[tuple[str, str]]
) -> None:
    with pytest.raises(Invalid) as err:
        repository.decide(given(), register(spec))

    assert causes_of(err) == expected
    assert err.value.message.startswith(f'Repository.config.porch.kpt.dev "{NAME}" is invalid: ')


def test_embedded_credentials_are_refused_with_a_hint_and_not_echoed() -> None:
    spec = {"type": "git", "git": {"repo": "https://user:s3cret@host/x"}}

    with pytest.raises(Invalid) as err:
        repository.decide(given(), register(spec))

    assert "secretRef" in err.value.message
    assert "s3cret" not in err.value.message


@pytest.mark.parametrize("name", ["", "Blueprints", "blue_prints", "blue.prints", "r" * 64])
def test_register_with_a_bad_name_is_invalid(name: str) -> None:
    with pytest.raises(Invalid) as err:
        repository.decide(given(), register(GIT, name=name))

    assert [c.field for c in err.value.causes] == ["metadata.name"]


# --- update -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"type": "oci", "oci": {"registry": "r"}}, "spec.type"),
        ({"git": {"repo": "https://other/x"}}, "spec.git.repo"),
        ({"git": {"repo": GIT["git"]["repo"], "branch": "prod"}}, "spec.git.branch"),
        ({"git": {"repo": GIT["git"]["repo"], "directory": "sub"}}, "spec.git.directory"),
    ],
)
def test_immutable_git_fields_cannot_change(change: dict[str, Any], field: str) -> None:
    with pytest.raises(Invalid) as err:
        repository.decide(given(registered()), update({**GIT, **change}))

    assert ("FieldValueForbidden", field) in causes_of(err)
    assert "immutable" in err.value.message


def test_the_oci_registry_cannot_change() -> None:
    with pytest.raises(Invalid) as err:
        repository.decide(given(registered(OCI)), update({"type": "oci", "oci": {"registry": "o"}}))

    assert causes_of(err) == [("FieldValueForbidden", "spec.oci.registry")]


def test_update_validates_the_new_spec() -> None:
    spec = {**GIT, "content": "Function"}

    with pytest.raises(Invalid) as err:
        repository.decide(given(registered()), update(spec))

    assert ("FieldValueInvalid", "spec.content") in causes_of(err)


def test_update_of_mutable_fields_bumps_the_generation() -> None:
    state = given(registered())
    spec = {**GIT, "deployment": True, "git": {**GIT["git"], "secretRef": {"name": "creds"}}}
    m = meta()

    events = repository.decide(state, update(spec, meta=m))

    expected_spec = repository.normalize_spec(spec)
    assert events == [ev.RepositoryUpdated(**_common(m), spec=expected_spec)]
    after = fold(state, events)
    assert after is not None
    assert (after.spec, after.generation) == (expected_spec, 2)


def test_update_of_labels_only_keeps_the_generation() -> None:
    state = given(registered())

    events = repository.decide(state, update(GIT, labels={"team": "x"}))

    after = fold(state, events)
    assert after is not None
    assert (after.labels, after.generation) == ({"team": "x"}, 1)


def test_update_with_an_equivalent_spec_is_a_no_op() -> None:
    state = given(registered())
    explicit = {**GIT, "content": "Package", "git": {**GIT["git"], "branch": "main"}}

    assert repository.decide(state, update(GIT)) == []
    assert repository.decide(state, update(explicit)) == []


@pytest.mark.parametrize("command", [update(GIT), repository.UnregisterRepository(meta=meta())])
def test_update_or_unregister_an_unknown_repository_is_not_found(
    command: repository.Command,
) -> None:
    with pytest.raises(NotFound):
        repository.decide(given(), command)


def test_unregister_then_register_again() -> None:
    state = given(registered())
    m = meta()

    events = repository.decide(state, repository.UnregisterRepository(meta=m))

    assert events == [ev.RepositoryUnregistered(**_common(m))]
    assert fold(state, events) is None
    assert repository.decide(None, register(GIT))


def test_the_same_command_yields_the_same_event_id() -> None:
    first = repository.decide(given(), register(GIT, meta=meta("same")))
    second = repository.decide(given(), register(GIT, meta=meta("same")))

    assert first == second
    assert first[0].id == event_id(meta("same"), 0)


# --- readiness --------------------------------------------------------------------------


def _ready(state: repository.State) -> dict[str, Any]:
    assert state is not None
    obj = objects.repository_object(state)
    [condition] = obj["status"]["conditions"]
    assert condition["type"] == "Ready"
    return dict(condition)


def test_a_new_repository_is_reconciling_since_registration() -> None:
    condition = _ready(given(registered(time="2026-01-01T00:00:00Z")))

    assert condition["status"] == "Unknown"
    assert condition["reason"] == "Reconciling"
    assert condition["lastTransitionTime"] == "2026-01-01T00:00:00Z"
    assert condition["observedGeneration"] == 1


def test_connected_makes_it_ready_and_records_the_commit() -> None:
    state = given(registered(), connected("2026-01-01T00:01:00Z", commit="abc123"))

    condition = _ready(state)
    assert state is not None
    obj = objects.repository_object(state)

    assert (condition["status"], condition["reason"]) == ("True", "Ready")
    assert condition["lastTransitionTime"] == "2026-01-01T00:01:00Z"
    assert obj["status"]["gitCommitHash"] == "abc123"


def test_last_transition_time_changes_only_when_the_status_flips() -> None:
    state = given(registered(), connected("2026-01-01T00:01:00Z", commit="c1"))

    state = fold(state, [connected("2026-01-01T00:02:00Z", commit="c2")])
    assert _ready(state)["lastTransitionTime"] == "2026-01-01T00:01:00Z"

    state = fold(state, [failed("2026-01-01T00:03:00Z", "AuthFailed", "denied")])
    condition = _ready(state)
    assert (condition["status"], condition["reason"], condition["message"]) == (
        "False",
        "Error",
        "AuthFailed: denied",
    )
    assert condition["lastTransitionTime"] == "2026-01-01T00:03:00Z"

    state = fold(state, [failed("2026-01-01T00:04:00Z", "BranchNotFound", "no main")])
    condition = _ready(state)
    assert (condition["reason"], condition["message"]) == ("Error", "BranchNotFound: no main")
    assert condition["lastTransitionTime"] == "2026-01-01T00:03:00Z"

    state = fold(state, [connected("2026-01-01T00:05:00Z")])
    condition = _ready(state)
    assert (condition["status"], condition["message"]) == ("True", "")
    assert condition["lastTransitionTime"] == "2026-01-01T00:05:00Z"


def test_the_last_known_commit_survives_a_failure_and_an_empty_connect() -> None:
    state = given(
        registered(),
        connected("2026-01-01T00:01:00Z", commit="c1"),
        failed("2026-01-01T00:02:00Z"),
        connected("2026-01-01T00:03:00Z"),
    )

    assert state is not None
    assert objects.repository_object(state)["status"]["gitCommitHash"] == "c1"


def test_readiness_facts_about_an_unregistered_repository_are_ignored() -> None:
    assert given(connected("2026-01-01T00:01:00Z"), failed("2026-01-01T00:02:00Z")) is None


def test_repository_object_shape() -> None:
    state = given(registered())
    assert state is not None

    obj = objects.repository_object(state)

    assert obj["apiVersion"] == "config.porch.kpt.dev/v1alpha1"
    assert obj["kind"] == "Repository"
    assert obj["metadata"] == {
        "name": NAME,
        "namespace": NS,
        "uid": "uid-r",
        "creationTimestamp": T0,
        "generation": 1,
    }
    assert obj["spec"] == repository.normalize_spec(GIT)
    assert "gitCommitHash" not in obj["status"]


def test_observed_generation_follows_spec_updates() -> None:
    state = given(registered())
    state = fold(state, repository.decide(state, update({**GIT, "deployment": True})))

    assert _ready(state)["observedGeneration"] == 2
