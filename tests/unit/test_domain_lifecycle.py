"""Given/when/then tests of the two-step lifecycle rules of the Package decider: creation
requests and their outcomes, creation tasks, resource submissions, metadata with finalizers
and owner references, Git facts, and what the objects mirror from the Kptfile
(reference/porch.md §1.1)."""

from __future__ import annotations

from typing import Any

import pytest

from porch.domain import events as ev
from porch.domain import objects, packages
from porch.errors import AlreadyExists, CommandRejected, Conflict, Forbidden, Invalid, NotFound
from tests.unit.test_domain_packages import (
    FILES,
    NS,
    PKG,
    REPO,
    _common,
    approved,
    create,
    created,
    deletion_proposed,
    given,
    meta,
    outcome,
    proposed,
    published,
    then_fold,
)

UP = packages.SourceRevision(
    name="up.basens.v1", repository="up", package="basens", revision=1, lifecycle="Published"
)


def clone(name: str = "up.basens.v1") -> ev.Task:
    return ev.Task(type="clone", clone={"upstreamRef": {"upstreamRef": {"name": name}}})


def edit(name: str) -> ev.Task:
    return ev.Task(type="edit", edit={"sourceRef": {"name": name}})


def requested(ws: str, command_id: str) -> ev.RevisionCreationRequested:
    [event] = packages.decide(given(), create(ws, meta=meta(command_id)))
    assert isinstance(event, ev.RevisionCreationRequested)
    return event


def failed(ws: str, command_id: str) -> ev.RevisionCreationFailed:
    return ev.RevisionCreationFailed(
        **_common(meta(command_id)), workspace=ws, reason="RenderFailed", message="boom"
    )


def source(ws: str, *, revision: int = 1, lifecycle: str = "Published", package: str = PKG) -> Any:
    return packages.SourceRevision(
        name=f"{REPO}.{package.replace('/', '.')}.{ws}",
        repository=REPO,
        package=package,
        revision=revision,
        lifecycle=lifecycle,
    )


# --- creation requests and outcomes -----------------------------------------------------


def test_a_pending_creation_holds_its_workspace_against_a_second_create() -> None:
    state = given(requested("v1", "first"))

    with pytest.raises(AlreadyExists, match='workspace name "v1" must be unique'):
        packages.decide(state, create("v1", meta=meta("second")))


def test_a_failed_creation_releases_the_workspace_and_leaves_nothing() -> None:
    state = given(requested("v1", "first"), failed("v1", "first"))

    assert (state.revisions, state.pending) == ({}, {})
    assert packages.decide(state, create("v1"))


def test_an_outcome_of_another_request_does_not_touch_the_pending_one() -> None:
    state = given(requested("v1", "first"))

    assert then_fold(state, [failed("v1", "stale"), outcome("v1", "stale")]) == state


def test_create_with_an_unknown_task_type_is_invalid() -> None:
    with pytest.raises(Invalid, match="Unsupported value") as err:
        packages.decide(given(), create("v1", tasks=(ev.Task(type="eval"),)))

    assert [c.field for c in err.value.causes] == ["spec.tasks[0].type"]


def test_a_package_inside_another_package_is_refused() -> None:
    with pytest.raises(Invalid, match='inside package "apps"'):
        packages.decide(given(), create("v1", other_packages=("apps", "other")))


def test_a_package_containing_another_package_is_refused() -> None:
    with pytest.raises(Invalid, match='contains package "apps/web/db"'):
        packages.decide(given(), create("v1", other_packages=("apps/web/db",)))


def test_siblings_with_a_common_prefix_are_not_nested() -> None:
    assert packages.decide(given(), create("v1", other_packages=("apps/webx", "apps/we", PKG)))


# --- clone, edit, upgrade ---------------------------------------------------------------


def test_clone_from_a_published_upstream_is_requested() -> None:
    [event] = packages.decide(given(), create("v1", tasks=(clone(),), sources={"upstream": UP}))

    assert isinstance(event, ev.RevisionCreationRequested)
    assert event.tasks == (clone(),)


def test_clone_into_an_existing_package_is_refused() -> None:
    with pytest.raises(CommandRejected, match="make subsequent revisions using `copy`"):
        packages.decide(
            given(published("v1", 1)), create("v2", tasks=(clone(),), sources={"upstream": UP})
        )


def test_clone_from_the_placeholder_is_refused() -> None:
    placeholder = packages.SourceRevision(
        name="up.basens.main", repository="up", package="basens", revision=-1, lifecycle="Published"
    )

    with pytest.raises(CommandRejected, match="placeholder"):
        packages.decide(given(), create("v1", tasks=(clone(),), sources={"upstream": placeholder}))


def test_clone_from_an_unpublished_upstream_is_refused() -> None:
    draft = packages.SourceRevision(
        name="up.basens.v1", repository="up", package="basens", revision=0, lifecycle="Draft"
    )

    with pytest.raises(CommandRejected, match="must be published"):
        packages.decide(given(), create("v1", tasks=(clone(),), sources={"upstream": draft}))


def test_clone_from_an_unknown_upstream_is_not_found() -> None:
    with pytest.raises(NotFound, match=r"up\.basens\.v1"):
        packages.decide(given(), create("v1", tasks=(clone(),)))


def test_clone_from_a_raw_git_url_needs_no_registered_upstream() -> None:
    raw = ev.Task(
        type="clone", clone={"upstreamRef": {"type": "git", "git": {"repo": "https://x/y.git"}}}
    )

    assert packages.decide(given(), create("v1", tasks=(raw,)))


def test_edit_from_a_published_revision_of_the_same_package() -> None:
    state = given(published("v1", 1))

    [event] = packages.decide(
        state, create("v2", tasks=(edit("x"),), sources={"source": source("v1")})
    )

    assert isinstance(event, ev.RevisionCreationRequested)


@pytest.mark.parametrize(
    ("src", "words"),
    [
        (source("v1", package="other"), "same package"),
        (source("v1", revision=0, lifecycle="Draft"), "must be published"),
        (source("main", revision=-1), "placeholder"),
    ],
)
def test_edit_from_anything_else_is_refused(src: packages.SourceRevision, words: str) -> None:
    with pytest.raises(CommandRejected, match=words):
        packages.decide(given(), create("v2", tasks=(edit(src.name),), sources={"source": src}))


def test_upgrade_needs_three_published_revisions() -> None:
    task = ev.Task(
        type="upgrade",
        upgrade={
            "oldUpstreamRef": {"name": "a"},
            "newUpstreamRef": {"name": "b"},
            "localPackageRevisionRef": {"name": "c"},
        },
    )
    ok = {"oldUpstream": UP, "newUpstream": UP, "local": source("v1")}

    assert packages.decide(given(published("v1", 1)), create("v2", tasks=(task,), sources=ok))
    with pytest.raises(NotFound, match='"b"'):
        packages.decide(given(), create("v2", tasks=(task,), sources={"oldUpstream": UP}))
    draft = {**ok, "local": source("v1", revision=0, lifecycle="Draft")}
    with pytest.raises(CommandRejected, match="must be published"):
        packages.decide(given(), create("v2", tasks=(task,), sources=draft))
    assert packages.upstream_names(task) == ("b",)
    assert packages.upstream_names(clone()) == ("up.basens.v1",)


# --- delete -----------------------------------------------------------------------------


def test_deleting_another_revisions_upstream_is_forbidden() -> None:
    state = given(published("v1", 1), deletion_proposed("v1"))
    command = packages.DeleteRevision(meta=meta(), workspace="v1", upstream_of=("down.x.v1",))

    with pytest.raises(Forbidden, match=r"upstream of down\.x\.v1"):
        packages.decide(state, command)


def _metadata(ws: str, **kw: Any) -> packages.UpdateMetadata:
    fields: dict[str, Any] = {"labels": {}, "annotations": {}}
    fields.update(kw)
    return packages.UpdateMetadata(meta=meta(), workspace=ws, **fields)


def test_finalizers_hold_a_delete_until_the_last_one_is_removed() -> None:
    state = given(created("v1"))
    state = then_fold(state, packages.decide(state, _metadata("v1", finalizers=("a", "b"))))

    [started] = packages.decide(state, packages.DeleteRevision(meta=meta(), workspace="v1"))
    assert isinstance(started, ev.RevisionDeletionStarted)
    state = then_fold(state, [started])
    obj = objects.revision_objects(state, deployment=False)[f"{REPO}.apps.web.v1"]
    assert obj["metadata"]["deletionTimestamp"] == started.time
    assert obj["metadata"]["finalizers"] == ["a", "b"]
    assert packages.decide(state, packages.DeleteRevision(meta=meta(), workspace="v1")) == []
    with pytest.raises(Forbidden, match="no new finalizers"):
        packages.decide(state, _metadata("v1", finalizers=("a", "b", "c")))

    state = then_fold(state, packages.decide(state, _metadata("v1", finalizers=("b",))))
    assert "v1" in state.revisions
    state = then_fold(state, packages.decide(state, _metadata("v1", finalizers=())))
    assert state.revisions == {}


def test_owner_references_labels_and_annotations_survive_lifecycle_changes() -> None:
    owner = {"apiVersion": "v1", "kind": "ConfigMap", "name": "cm", "uid": "u1"}
    state = given(created("v1"))
    change = _metadata("v1", labels={"a": "1"}, annotations={"b": "2"}, owner_references=(owner,))
    state = then_fold(state, packages.decide(state, change))
    state = then_fold(state, [proposed("v1"), approved("v1", 1)])

    rev = state.revisions["v1"]
    assert (rev.labels, rev.annotations, rev.owner_references) == ({"a": "1"}, {"b": "2"}, (owner,))
    obj = objects.revision_objects(state, deployment=False)[f"{REPO}.apps.web.v1"]
    assert obj["metadata"]["ownerReferences"] == [owner]
    assert obj["metadata"]["labels"] == {"a": "1", packages.LATEST_LABEL: "true"}


def test_metadata_without_finalizers_keeps_the_current_ones() -> None:
    state = given(created("v1"))
    state = then_fold(state, packages.decide(state, _metadata("v1", finalizers=("a",))))

    state = then_fold(state, packages.decide(state, _metadata("v1", labels={"x": "y"})))

    assert state.revisions["v1"].finalizers == ("a",)


# --- resources --------------------------------------------------------------------------


def _submit(ws: str, resources: dict[str, str], command_id: str) -> packages.UpdateResources:
    return packages.UpdateResources(meta=meta(command_id), workspace=ws, resources=resources)


def test_a_pending_submission_makes_a_second_one_and_lifecycle_changes_conflict() -> None:
    state = given(created("v1"))
    state = then_fold(state, packages.decide(state, _submit("v1", {"x": "1" * 64}, "s1")))

    with pytest.raises(Conflict):
        packages.decide(state, _submit("v1", {"x": "2" * 64}, "s2"))
    with pytest.raises(Conflict):
        packages.decide(
            state, packages.ChangeLifecycle(meta=meta(), workspace="v1", lifecycle="Proposed")
        )


def test_a_rejected_submission_keeps_the_resources_and_frees_the_draft() -> None:
    state = given(created("v1"))
    state = then_fold(state, packages.decide(state, _submit("v1", {"x": "1" * 64}, "s1")))
    rejected = ev.RevisionResourcesRejected(
        **_common(meta("s1")), workspace="v1", reason="RenderFailed", message="m"
    )

    state = then_fold(state, [rejected])

    assert state.revisions["v1"].resources == FILES
    assert state.revisions["v1"].pending_submission == ""
    assert packages.decide(state, _submit("v1", {"x": "2" * 64}, "s2"))


def test_the_submission_carries_push_on_render_failure() -> None:
    command = packages.UpdateResources(
        meta=meta(), workspace="v1", resources={"x": "1" * 64}, push_on_render_failure=True
    )

    [event] = packages.decide(given(created("v1")), command)

    assert isinstance(event, ev.RevisionResourcesSubmitted)
    assert event.push_on_render_failure


# --- Git facts --------------------------------------------------------------------------


def discovered(ws: str, *, revision: int, commit: str, lifecycle: str = "Published") -> Any:
    return ev.RevisionDiscovered(
        **_common(meta()),
        namespace=NS,
        repository=REPO,
        package=PKG,
        workspace=ws,
        lifecycle=lifecycle,
        revision=revision,
        resources={"Kptfile": "e" * 64},
        commit=commit,
        ref=f"refs/tags/{PKG}/v{revision}" if revision > 0 else "refs/heads/main",
        author="bob@example.com",
        authored="2025-12-01T00:00:00Z",
        kptfile={"labels": {"app": "web"}},
    )


def synced(ws: str, commit: str, ref: str) -> ev.RevisionSynced:
    return ev.RevisionSynced(
        **_common(meta()), workspace=ws, revision=1, commit=commit, ref=ref, source_event="x"
    )


def test_discovery_adds_unknown_revisions_and_learns_revision_numbers() -> None:
    state = given(
        discovered("v4", revision=4, commit="c4"), discovered("main", revision=-1, commit="cm")
    )

    assert state.highest_revision == 4
    v4, main = state.revisions["v4"], state.revisions["main"]
    assert (v4.lifecycle, v4.revision, v4.created_by, v4.published_by) == (
        "Published",
        4,
        "bob@example.com",
        "bob@example.com",
    )
    assert main.revision == -1
    assert state.latest_workspace() == "v4"
    obj = objects.revision_objects(state, deployment=False)[f"{REPO}.apps.web.main"]
    assert obj["spec"]["packageMetadata"] == {"labels": {"app": "web"}}
    state = then_fold(state, [*published("v9", 0)[:2]])
    [event] = packages.decide(
        state, packages.ChangeApproval(meta=meta(), workspace="v9", lifecycle="Published")
    )
    assert isinstance(event, ev.RevisionApproved)
    assert event.revision == 5


def test_discovery_ignores_what_porch_wrote_and_updates_what_changed() -> None:
    state = given(*published("v1", 1), synced("v1", "c1", f"refs/tags/{PKG}/v1"))

    assert then_fold(state, [discovered("v1", revision=1, commit="c1")]) == state
    changed = then_fold(state, [discovered("v1", revision=1, commit="c2")]).revisions["v1"]
    assert (changed.synced_commit, changed.resources) == ("c2", {"Kptfile": "e" * 64})
    assert changed.uid == state.revisions["v1"].uid


def test_removal_of_the_revisions_ref_removes_it_and_an_old_ref_does_not() -> None:
    state = given(*published("v1", 1), synced("v1", "c1", f"refs/tags/{PKG}/v1"))
    gone = ev.RevisionRemoved(**_common(meta()), workspace="v1", ref=f"refs/tags/{PKG}/v1")
    old = ev.RevisionRemoved(**_common(meta()), workspace="v1", ref=f"refs/heads/drafts/{PKG}/v1")

    assert then_fold(state, [old]) == state
    assert then_fold(state, [gone]).revisions == {}
    assert then_fold(state, [gone]).highest_revision == 1


# --- objects ----------------------------------------------------------------------------


KPTFILE = {
    "apiVersion": "kpt.dev/v1",
    "kind": "Kptfile",
    "metadata": {"name": "web", "labels": {"tier": "edge"}, "annotations": {"a": "b"}},
    "info": {"readinessGates": [{"conditionType": "Ready"}]},
    "upstreamLock": {
        "type": "git",
        "git": {
            "repo": "https://x/y.git",
            "directory": "basens",
            "ref": "basens/v1",
            "commit": "c",
        },
    },
    "status": {"conditions": [{"type": "Ready", "status": "True", "reason": "ok"}]},
}


def test_the_object_mirrors_the_kptfile_summary() -> None:
    summary = objects.kptfile_summary(KPTFILE)
    event = ev.RevisionCreated(
        **_common(meta()),
        namespace=NS,
        repository=REPO,
        package=PKG,
        workspace="v1",
        uid="u",
        tasks=(),
        resources={},
        kptfile=summary,
    )

    obj = objects.revision_objects(given(event), deployment=True)[f"{REPO}.apps.web.v1"]

    assert obj["spec"]["packageMetadata"] == {"labels": {"tier": "edge"}, "annotations": {"a": "b"}}
    assert obj["spec"]["readinessGates"] == [{"conditionType": "Ready"}]
    assert obj["status"]["conditions"] == [{"type": "Ready", "status": "True", "reason": "ok"}]
    assert obj["status"]["upstreamLock"] == KPTFILE["upstreamLock"]
    assert obj["status"]["deployment"] is True
    assert objects.kptfile_summary({"kind": "Kptfile"}) == {}
    assert objects.kptfile_summary("not a mapping") == {}


def test_published_by_and_timestamp_are_shown_once_published() -> None:
    state = given(*published("v1", 1))
    obj = objects.revision_objects(state, deployment=False)[f"{REPO}.apps.web.v1"]

    assert obj["status"]["publishedBy"] == "alice@example.com"
    assert obj["status"]["publishTimestamp"]


def test_resources_object_has_the_revisions_name_files_and_render_status() -> None:
    state = given(created("v1"))
    rev_obj = objects.revision_objects(state, deployment=False)[f"{REPO}.apps.web.v1"]
    rev_obj["metadata"]["resourceVersion"] = "7"

    prr = objects.resources_object(rev_obj, {"b.yaml": "b", "Kptfile": "k"}, {"error": ""})

    assert prr["kind"] == "PackageRevisionResources"
    assert prr["metadata"]["name"] == rev_obj["metadata"]["name"]
    assert prr["metadata"]["resourceVersion"] == "7"
    assert prr["spec"]["resources"] == {"Kptfile": "k", "b.yaml": "b"}
    assert prr["status"] == {"renderStatus": {"error": ""}}


def test_a_discovery_pass_that_saw_a_deleted_revisions_ref_does_not_bring_it_back() -> None:
    from tests.unit.test_domain_packages import deleted

    state = given(
        *published("v1", 1),
        synced("v1", "c1", f"refs/tags/{PKG}/v1"),
        ev.RevisionDeletionProposed(**_common(meta()), workspace="v1"),
        deleted("v1"),
    )
    stale = discovered("v1", revision=1, commit="c1")
    gone = ev.RevisionRemoved(**_common(meta()), workspace="v1", ref=f"refs/tags/{PKG}/v1")

    assert then_fold(state, [stale]).revisions == {}
    assert then_fold(state, [gone, stale]).revisions["v1"].synced_commit == "c1"
    assert "v1" in then_fold(state, [discovered("v1", revision=1, commit="c9")]).revisions
