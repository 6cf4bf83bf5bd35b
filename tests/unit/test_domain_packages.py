"""Given/when/then tests of the Package decider (``porch.domain.packages``).

Each test folds a history (given), decides one command (when) and checks the events or the
rejection (then), following Porch's lifecycle rules (reference/porch.md §1.1).
"""

from __future__ import annotations

import functools
import uuid
from typing import Any

import pytest

from porch.domain import events as ev
from porch.domain import objects, packages
from porch.domain.common import Actor, CommandMeta, event_id
from porch.errors import AlreadyExists, CommandRejected, Forbidden, Invalid, NotFound

NS, REPO, PKG = "default", "blueprints", "apps/web"
ALICE = Actor(user="alice@example.com", groups=("system:authenticated",))
T0 = "2026-01-01T00:00:00Z"
INIT = ev.Task(type="init", init={"description": "web"})
FILES = {"Kptfile": "a" * 64, "deploy.yaml": "b" * 64}

_counter = iter(range(1_000_000))


def meta(command_id: str | None = None, *, time: str = T0) -> CommandMeta:
    return CommandMeta(command_id=command_id or f"cmd-{next(_counter)}", time=time, actor=ALICE)


def _common(m: CommandMeta) -> dict[str, Any]:
    return {"id": event_id(m, 0), "time": m.time, "actor": m.actor, "command_id": m.command_id}


# --- history builders (events as stored) ------------------------------------------------


def created(
    ws: str,
    *,
    resources: dict[str, str] | None = None,
    labels: dict[str, str] | None = None,
) -> ev.RevisionCreated:
    return ev.RevisionCreated(
        **_common(meta()),
        namespace=NS,
        repository=REPO,
        package=PKG,
        workspace=ws,
        uid=f"uid-{ws}",
        tasks=(INIT,),
        resources=dict(FILES if resources is None else resources),
        labels=labels or {},
    )


def outcome(
    ws: str, command_id: str, *, labels: dict[str, str] | None = None
) -> ev.RevisionCreated:
    """The orchestrator's answer to a creation request."""
    return ev.RevisionCreated(
        **_common(meta(command_id)),
        namespace=NS,
        repository=REPO,
        package=PKG,
        workspace=ws,
        uid="ignored",
        tasks=(INIT,),
        resources=dict(FILES),
        labels=labels or {},
    )


def proposed(ws: str) -> ev.RevisionProposed:
    return ev.RevisionProposed(**_common(meta()), workspace=ws)


def approved(ws: str, revision: int) -> ev.RevisionApproved:
    return ev.RevisionApproved(**_common(meta()), workspace=ws, revision=revision)


def deletion_proposed(ws: str) -> ev.RevisionDeletionProposed:
    return ev.RevisionDeletionProposed(**_common(meta()), workspace=ws)


def deleted(ws: str) -> ev.RevisionDeleted:
    return ev.RevisionDeleted(**_common(meta()), workspace=ws)


def published(ws: str, revision: int) -> list[ev.PackageEvent]:
    return [created(ws), proposed(ws), approved(ws, revision)]


def given(*history: ev.PackageEvent | list[ev.PackageEvent]) -> packages.PackageState:
    flat: list[ev.PackageEvent] = []
    for item in history:
        flat.extend(item if isinstance(item, list) else [item])
    start = packages.empty(namespace=NS, repository=REPO, package=PKG)
    return functools.reduce(packages.evolve, flat, start)


def then_fold(state: packages.PackageState, events: list[ev.PackageEvent]) -> packages.PackageState:
    return functools.reduce(packages.evolve, events, state)


# --- commands ---------------------------------------------------------------------------


def create(ws: str, **kw: Any) -> packages.CreateRevision:
    m = kw.pop("meta", None) or meta()
    fields: dict[str, Any] = {"tasks": (INIT,), "uid": f"uid-{ws}"}
    fields.update(kw)
    return packages.CreateRevision(meta=m, workspace=ws, **fields)


def lifecycle(ws: str, target: str, m: CommandMeta | None = None) -> packages.ChangeLifecycle:
    return packages.ChangeLifecycle(meta=m or meta(), workspace=ws, lifecycle=target)


def approval(ws: str, target: str, m: CommandMeta | None = None) -> packages.ChangeApproval:
    return packages.ChangeApproval(meta=m or meta(), workspace=ws, lifecycle=target)


def delete(ws: str, m: CommandMeta | None = None) -> packages.DeleteRevision:
    return packages.DeleteRevision(meta=m or meta(), workspace=ws)


def update_resources(ws: str, resources: dict[str, str]) -> packages.UpdateResources:
    return packages.UpdateResources(meta=meta(), workspace=ws, resources=resources)


def update_metadata(
    ws: str, labels: dict[str, str], annotations: dict[str, str] | None = None
) -> packages.UpdateMetadata:
    return packages.UpdateMetadata(
        meta=meta(), workspace=ws, labels=labels, annotations=annotations or {}
    )


def lifecycle_of(state: packages.PackageState, ws: str) -> str:
    return state.revisions[ws].lifecycle


# --- create -----------------------------------------------------------------------------


def test_create_draft_requests_the_creation_with_everything_from_the_command() -> None:
    state = given()
    m = meta("create-1")
    command = packages.CreateRevision(
        meta=m,
        workspace="v1",
        uid="uid-1",
        tasks=(INIT,),
        inputs={"k": "v"},
        deployment=True,
        labels={"team": "web"},
        annotations={"note": "x"},
    )

    events = packages.decide(state, command)

    assert events == [
        ev.RevisionCreationRequested(
            **_common(m),
            namespace=NS,
            repository=REPO,
            package=PKG,
            workspace="v1",
            uid="uid-1",
            tasks=(INIT,),
            inputs={"k": "v"},
            deployment=True,
            labels={"team": "web"},
            annotations={"note": "x"},
        )
    ]
    after = then_fold(state, events)
    assert after.revisions == {}  # pending: reserved, not served
    assert objects.revision_objects(after, deployment=False) == {}
    assert list(after.pending) == ["v1"]


def test_the_outcome_turns_the_pending_creation_into_a_draft() -> None:
    m = meta("create-1", time="2026-01-01T00:00:05Z")
    state = then_fold(given(), packages.decide(given(), create("v1", meta=m, uid="uid-1")))

    done = then_fold(state, [outcome("v1", "create-1", labels={"team": "web"})])

    assert done.pending == {}
    rev = done.revisions["v1"]
    assert (rev.lifecycle, rev.revision, rev.generation) == (packages.DRAFT, 0, 1)
    assert (rev.uid, rev.created, rev.created_by) == ("uid-1", "2026-01-01T00:00:05Z", ALICE.user)
    assert (rev.resources, rev.labels) == (FILES, {"team": "web"})


def test_create_without_a_task_requests_init_with_porchs_default_description() -> None:
    events = packages.decide(given(), create("v1", tasks=()))

    assert [type(e) for e in events] == [ev.RevisionCreationRequested]
    assert events[0].tasks == (  # type: ignore[union-attr]
        ev.Task(type="init", init={"description": f"{PKG} description"}),
    )


@pytest.mark.parametrize(
    "target", [packages.PROPOSED, packages.PUBLISHED, packages.DELETION_PROPOSED, "Bogus"]
)
def test_create_in_any_lifecycle_but_draft_is_invalid(target: str) -> None:
    with pytest.raises(Invalid) as err:
        packages.decide(given(), create("v1", lifecycle=target))

    assert [c.field for c in err.value.causes] == ["spec.lifecycle"]
    assert "must be created as Draft" in err.value.message


def test_create_with_two_tasks_is_invalid() -> None:
    clone = ev.Task(type="clone", clone={"upstreamRef": {"name": "up"}})

    with pytest.raises(Invalid, match="more than one task") as err:
        packages.decide(given(), create("v1", tasks=(INIT, clone)))

    assert [c.field for c in err.value.causes] == ["spec.tasks"]


def test_create_with_a_taken_workspace_already_exists() -> None:
    state = given(created("v1"))

    with pytest.raises(AlreadyExists, match='workspace name "v1" must be unique'):
        packages.decide(state, create("v1", uid="other"))


def test_workspace_is_unique_whatever_the_lifecycle_of_its_holder() -> None:
    state = given(published("v1", 1))

    with pytest.raises(AlreadyExists):
        packages.decide(state, create("v1", uid="other"))


def test_workspace_of_a_deleted_revision_can_be_reused() -> None:
    state = given(created("v1"), deleted("v1"))

    assert [type(e) for e in packages.decide(state, create("v1"))] == [ev.RevisionCreationRequested]


@pytest.mark.parametrize("value", ["true", "false", ""])
def test_create_setting_the_latest_revision_label_is_invalid(value: str) -> None:
    with pytest.raises(Invalid, match="computed") as err:
        packages.decide(given(), create("v1", labels={packages.LATEST_LABEL: value}))

    assert [c.field for c in err.value.causes] == [f"metadata.labels[{packages.LATEST_LABEL}]"]
    assert err.value.causes[0].reason == "FieldValueForbidden"


@pytest.mark.parametrize(
    ("workspace", "field"),
    [
        ("", "spec.workspaceName"),
        ("Upper", "spec.workspaceName"),
        ("under_score", "spec.workspaceName"),
        ("has.dot", "spec.workspaceName"),
        ("-leading", "spec.workspaceName"),
        ("trailing-", "spec.workspaceName"),
        ("w" * 64, "spec.workspaceName"),
    ],
)
def test_create_with_a_bad_workspace_is_invalid(workspace: str, field: str) -> None:
    with pytest.raises(Invalid) as err:
        packages.decide(given(), create(workspace))

    assert field in [c.field for c in err.value.causes]
    assert all(c.reason == "FieldValueInvalid" for c in err.value.causes)


def test_a_63_character_workspace_is_fine() -> None:
    assert packages.decide(given(), create("w" * 63))


@pytest.mark.parametrize(
    "package", ["", "apps//web", "/apps", "apps/", "Apps/web", "apps/we_b", "apps/" + "p" * 64]
)
def test_create_in_a_bad_package_path_is_invalid(package: str) -> None:
    state = packages.empty(namespace=NS, repository=REPO, package=package)

    with pytest.raises(Invalid) as err:
        packages.decide(state, create("v1"))

    assert "spec.packageName" in [c.field for c in err.value.causes]


def test_create_in_a_bad_repository_name_is_invalid() -> None:
    state = packages.empty(namespace=NS, repository="Bad_Repo", package=PKG)

    with pytest.raises(Invalid) as err:
        packages.decide(state, create("v1"))

    assert "spec.repository" in [c.field for c in err.value.causes]


def test_a_name_over_253_characters_is_invalid_even_with_valid_parts() -> None:
    package = "/".join(["p" * 60] * 4)  # 4 valid segments; the joined name is too long
    state = packages.empty(namespace=NS, repository=REPO, package=package)

    with pytest.raises(Invalid) as err:
        packages.decide(state, create("w" * 10))

    fields = [c.field for c in err.value.causes]
    assert fields == ["metadata.name"]
    assert "no more than 253" in err.value.causes[0].message


def test_every_bad_field_is_named_at_once() -> None:
    state = packages.empty(namespace=NS, repository="BAD", package="x//y")

    with pytest.raises(Invalid) as err:
        packages.decide(state, create("Bad"))

    fields = {c.field for c in err.value.causes}
    assert {"spec.packageName", "spec.workspaceName", "spec.repository"} <= fields


# --- lifecycle through the main resource ------------------------------------------------


def test_propose_a_draft() -> None:
    state = given(created("v1"))
    m = meta()

    events = packages.decide(state, lifecycle("v1", packages.PROPOSED, m))

    assert events == [ev.RevisionProposed(**_common(m), workspace="v1")]
    after = then_fold(state, events)
    assert lifecycle_of(after, "v1") == packages.PROPOSED
    assert after.revisions["v1"].generation == 2


def test_reject_a_proposal_through_the_main_resource() -> None:
    state = given(created("v1"), proposed("v1"))
    m = meta()

    events = packages.decide(state, lifecycle("v1", packages.DRAFT, m))

    assert events == [ev.RevisionRejected(**_common(m), workspace="v1")]
    assert lifecycle_of(then_fold(state, events), "v1") == packages.DRAFT


@pytest.mark.parametrize(
    "history",
    [
        [created("v1")],
        [created("v1"), proposed("v1")],
    ],
)
def test_publishing_through_the_main_resource_is_refused(history: list[ev.PackageEvent]) -> None:
    state = given(history)

    with pytest.raises(CommandRejected, match="approval subresource"):
        packages.decide(state, lifecycle("v1", packages.PUBLISHED))


def test_published_and_deletion_proposed_flip_through_the_main_resource() -> None:
    state = given(published("v1", 1))

    proposed_deletion = packages.decide(state, lifecycle("v1", packages.DELETION_PROPOSED))
    state = then_fold(state, proposed_deletion)
    restored = packages.decide(state, lifecycle("v1", packages.PUBLISHED))

    assert [type(e) for e in proposed_deletion] == [ev.RevisionDeletionProposed]
    assert [type(e) for e in restored] == [ev.RevisionDeletionRejected]
    assert lifecycle_of(then_fold(state, restored), "v1") == packages.PUBLISHED


@pytest.mark.parametrize(
    ("history", "target"),
    [
        ([created("v1")], packages.DELETION_PROPOSED),
        (published("v1", 1), packages.DRAFT),
        (published("v1", 1), packages.PROPOSED),
        ([*published("v1", 1), deletion_proposed("v1")], packages.DRAFT),
    ],
)
def test_other_lifecycle_changes_are_rejected(history: list[ev.PackageEvent], target: str) -> None:
    with pytest.raises(CommandRejected, match="cannot change lifecycle"):
        packages.decide(given(history), lifecycle("v1", target))


def test_an_unknown_lifecycle_is_invalid() -> None:
    with pytest.raises(Invalid, match="Unsupported value"):
        packages.decide(given(created("v1")), lifecycle("v1", "Bogus"))


@pytest.mark.parametrize(
    "history",
    [
        [created("v1")],
        [created("v1"), proposed("v1")],
        published("v1", 1),
        [*published("v1", 1), deletion_proposed("v1")],
    ],
)
def test_changing_to_the_current_lifecycle_is_a_no_op(history: list[ev.PackageEvent]) -> None:
    state = given(history)

    assert packages.decide(state, lifecycle("v1", lifecycle_of(state, "v1"))) == []


# --- approval subresource ---------------------------------------------------------------


def test_approval_publishes_with_revision_one_for_the_first() -> None:
    state = given(created("v1"), proposed("v1"))
    m = meta(time="2026-02-02T02:02:02Z")

    events = packages.decide(state, approval("v1", packages.PUBLISHED, m))

    assert events == [ev.RevisionApproved(**_common(m), workspace="v1", revision=1)]
    rev = then_fold(state, events).revisions["v1"]
    assert (rev.lifecycle, rev.revision) == (packages.PUBLISHED, 1)
    assert (rev.published_by, rev.published_at) == (ALICE.user, "2026-02-02T02:02:02Z")


def test_approval_assigns_the_highest_revision_plus_one() -> None:
    state = given(published("v1", 1), published("v2", 2), created("v3"), proposed("v3"))

    events = packages.decide(state, approval("v3", packages.PUBLISHED))

    assert [(type(e), getattr(e, "revision", None)) for e in events] == [(ev.RevisionApproved, 3)]


def test_approval_counts_deletion_proposed_revisions() -> None:
    state = given(published("v1", 1), deletion_proposed("v1"), created("v2"), proposed("v2"))

    [event] = packages.decide(state, approval("v2", packages.PUBLISHED))

    assert isinstance(event, ev.RevisionApproved)
    assert event.revision == 2


def test_revision_numbers_are_never_reused_after_deleting_the_latest() -> None:
    state = given(
        published("v1", 1),
        published("v2", 2),
        deletion_proposed("v2"),
        deleted("v2"),
        created("v3"),
        proposed("v3"),
    )
    assert state.highest_revision == 2

    [event] = packages.decide(state, approval("v3", packages.PUBLISHED))

    assert isinstance(event, ev.RevisionApproved)
    assert event.revision == 3


def test_revision_numbers_are_never_reused_after_deleting_every_revision() -> None:
    state = given(published("v1", 1), deletion_proposed("v1"), deleted("v1"))
    assert state.revisions == {}
    state = then_fold(state, packages.decide(state, create("v2", meta=meta("c-v2"))))
    state = then_fold(state, [outcome("v2", "c-v2")])
    state = then_fold(state, packages.decide(state, lifecycle("v2", packages.PROPOSED)))

    [event] = packages.decide(state, approval("v2", packages.PUBLISHED))

    assert isinstance(event, ev.RevisionApproved)
    assert event.revision == 2


def test_approval_rejects_a_proposal() -> None:
    state = given(created("v1"), proposed("v1"))
    m = meta()

    events = packages.decide(state, approval("v1", packages.DRAFT, m))

    assert events == [ev.RevisionRejected(**_common(m), workspace="v1")]


def test_approval_proposes_deletion_and_rejects_it() -> None:
    state = given(published("v1", 1))
    m1, m2 = meta(), meta()

    first = packages.decide(state, approval("v1", packages.DELETION_PROPOSED, m1))
    state = then_fold(state, first)
    second = packages.decide(state, approval("v1", packages.PUBLISHED, m2))

    assert first == [ev.RevisionDeletionProposed(**_common(m1), workspace="v1")]
    assert second == [ev.RevisionDeletionRejected(**_common(m2), workspace="v1")]
    after = then_fold(state, second)
    assert (lifecycle_of(after, "v1"), after.revisions["v1"].revision) == (packages.PUBLISHED, 1)


@pytest.mark.parametrize(
    ("history", "old"),
    [
        ([created("v1")], packages.DRAFT),
        (published("v1", 1), packages.PUBLISHED),
    ],
)
def test_approving_anything_but_a_proposal_is_rejected(
    history: list[ev.PackageEvent], old: str
) -> None:
    with pytest.raises(CommandRejected) as err:
        packages.decide(given(history), approval("v1", packages.PUBLISHED))

    assert err.value.message == f"cannot approve package with {old} lifecycle"
    assert err.value.code == 422


@pytest.mark.parametrize(
    ("history", "target"),
    [
        ([created("v1")], packages.PROPOSED),
        ([created("v1")], packages.DRAFT),
        ([created("v1")], packages.DELETION_PROPOSED),
        ([created("v1"), proposed("v1")], packages.PROPOSED),
        ([created("v1"), proposed("v1")], packages.DELETION_PROPOSED),
        (published("v1", 1), packages.DRAFT),
        (published("v1", 1), packages.PROPOSED),
        ([*published("v1", 1), deletion_proposed("v1")], packages.DRAFT),
        ([*published("v1", 1), deletion_proposed("v1")], packages.DELETION_PROPOSED),
    ],
)
def test_other_approval_transitions_are_rejected(
    history: list[ev.PackageEvent], target: str
) -> None:
    with pytest.raises(CommandRejected, match="cannot change approval"):
        packages.decide(given(history), approval("v1", target))


# --- delete -----------------------------------------------------------------------------


def test_deleting_a_published_revision_is_forbidden() -> None:
    with pytest.raises(Forbidden, match="must be proposed for deletion") as err:
        packages.decide(given(published("v1", 1)), delete("v1"))

    assert err.value.code == 403


@pytest.mark.parametrize(
    "history",
    [
        [created("v1")],
        [created("v1"), proposed("v1")],
        [*published("v1", 1), deletion_proposed("v1")],
    ],
)
def test_deleting_other_lifecycles_is_allowed(history: list[ev.PackageEvent]) -> None:
    state = given(history)
    m = meta()

    events = packages.decide(state, delete("v1", m))

    assert events == [ev.RevisionDeleted(**_common(m), workspace="v1")]
    assert "v1" not in then_fold(state, events).revisions


@pytest.mark.parametrize(
    "command",
    [
        delete("nope"),
        lifecycle("nope", packages.PROPOSED),
        approval("nope", packages.PUBLISHED),
        update_resources("nope", {}),
        update_metadata("nope", {}),
    ],
)
def test_commands_on_a_missing_revision_are_not_found(command: packages.Command) -> None:
    with pytest.raises(NotFound, match=r"blueprints\.apps\.web\.nope"):
        packages.decide(given(created("v1")), command)


def test_a_deleted_revision_is_not_found() -> None:
    with pytest.raises(NotFound):
        packages.decide(given(created("v1"), deleted("v1")), delete("v1"))


# --- resources and metadata -------------------------------------------------------------


def test_update_resources_of_a_draft() -> None:
    state = given(created("v1"))
    new = {**FILES, "svc.yaml": "c" * 64}

    events = packages.decide(state, update_resources("v1", new))

    assert [type(e) for e in events] == [ev.RevisionResourcesSubmitted]
    submitted = then_fold(state, events)
    assert submitted.revisions["v1"].resources == FILES  # not rendered yet
    rendered = ev.RevisionResourcesUpdated(
        **_common(meta(events[0].command_id)),
        workspace="v1",
        resources=new,
        render_status={"result": {"exitCode": 0}},
    )
    rev = then_fold(submitted, [rendered]).revisions["v1"]
    assert (rev.resources, rev.generation, rev.pending_submission) == (new, 2, "")
    assert rev.render_status == {"result": {"exitCode": 0}}


@pytest.mark.parametrize(
    "history",
    [
        [created("v1"), proposed("v1")],
        published("v1", 1),
        [*published("v1", 1), deletion_proposed("v1")],
    ],
)
def test_update_resources_of_a_non_draft_is_rejected(history: list[ev.PackageEvent]) -> None:
    with pytest.raises(CommandRejected, match="only Draft"):
        packages.decide(given(history), update_resources("v1", {"x": "d" * 64}))


def test_update_resources_with_the_same_resources_is_a_no_op() -> None:
    assert packages.decide(given(created("v1")), update_resources("v1", dict(FILES))) == []


def test_update_metadata_of_a_published_revision_is_allowed() -> None:
    state = given(published("v1", 1))

    events = packages.decide(state, update_metadata("v1", {"team": "web"}, {"a": "b"}))

    assert [type(e) for e in events] == [ev.RevisionMetadataUpdated]
    rev = then_fold(state, events).revisions["v1"]
    assert (rev.labels, rev.annotations) == ({"team": "web"}, {"a": "b"})


def test_update_metadata_with_the_same_metadata_is_a_no_op() -> None:
    state = given(created("v1", labels={"team": "web"}))

    assert packages.decide(state, update_metadata("v1", {"team": "web"})) == []


def test_update_metadata_setting_the_latest_label_is_invalid() -> None:
    state = given(published("v1", 1))

    with pytest.raises(Invalid, match="computed"):
        packages.decide(state, update_metadata("v1", {packages.LATEST_LABEL: "true"}))


# --- determinism and the latest label ---------------------------------------------------


@pytest.mark.parametrize(
    ("history", "command_of"),
    [
        ([], lambda m: create("v1", meta=m)),
        ([created("v1")], lambda m: lifecycle("v1", packages.PROPOSED, m)),
        ([created("v1"), proposed("v1")], lambda m: approval("v1", packages.PUBLISHED, m)),
        ([created("v1")], lambda m: delete("v1", m)),
    ],
)
def test_the_same_command_yields_the_same_event_ids(
    history: list[ev.PackageEvent], command_of: Any
) -> None:
    state = given(history)

    first = packages.decide(state, command_of(meta("fixed-id")))
    second = packages.decide(state, command_of(meta("fixed-id")))
    other = packages.decide(state, command_of(meta("other-id")))

    assert first == second
    assert [e.id for e in first] == [event_id(meta("fixed-id"), 0)]
    assert [e.id for e in first] != [e.id for e in other]


def test_event_ids_are_uuids_derived_from_the_command_id() -> None:
    assert uuid.UUID(event_id(meta("x"), 0)).version == 5
    assert event_id(meta("x"), 0) != event_id(meta("x"), 1)


def _latest(state: packages.PackageState) -> list[str]:
    return [
        obj["spec"]["workspaceName"]
        for obj in objects.revision_objects(state, deployment=False).values()
        if obj["metadata"].get("labels", {}).get(packages.LATEST_LABEL) == "true"
    ]


def test_latest_label_is_computed_for_the_highest_published_revision_only() -> None:
    assert _latest(given(created("v1"))) == []
    assert _latest(given(published("v1", 1), created("v2"), proposed("v2"))) == ["v1"]
    assert _latest(given(published("v1", 1), published("v2", 2))) == ["v2"]
    assert _latest(given(published("v1", 1), published("v2", 2), deletion_proposed("v2"))) == ["v2"]
    assert _latest(
        given(published("v1", 1), published("v2", 2), deletion_proposed("v2"), deleted("v2"))
    ) == ["v1"]


def test_facts_about_a_deleted_revision_are_ignored_by_evolve() -> None:
    state = given(created("v1"), deleted("v1"))

    assert then_fold(state, [proposed("v1"), approved("v1", 7)]) == state
