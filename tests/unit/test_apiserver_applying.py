"""Server-side apply and field ownership: create, conflicts, force, removal, updates."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from porch.errors import BadRequest, Conflict
from porch_apiserver import applying

GV = "config.porch.kpt.dev/v1alpha1"
NOW = "2026-01-01T00:00:00Z"


def repo(**spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": GV,
        "kind": "Repository",
        "metadata": {"name": "r", "namespace": "default"},
        "spec": spec,
    }


def apply(live: Any, config: Any, entries: Any, manager: str, *, force: bool = False) -> Any:
    return applying.apply(
        live, config, entries, manager=manager, api_version=GV, now=NOW, force=force
    )


def test_apply_creates_and_owns_only_the_applied_leaves() -> None:
    result = apply(None, repo(type="git", git={"repo": "u"}), [], "kubectl")
    assert result.object == repo(type="git", git={"repo": "u"})
    [entry] = result.entries
    assert (entry.manager, entry.operation) == ("kubectl", "Apply")
    assert entry.to_json()["fieldsV1"] == {"f:spec": {"f:git": {"f:repo": {}}, "f:type": {}}}


def test_a_different_value_owned_by_another_manager_is_a_conflict_with_causes() -> None:
    first = apply(None, repo(description="one"), [], "kubectl")
    with pytest.raises(Conflict) as caught:
        apply(first.object, repo(description="two"), first.entries, "flux")
    error = caught.value
    assert error.message == (
        f'Apply failed with 1 conflict: conflict with "kubectl" using {GV}: .spec.description'
    )
    assert [(c.reason, c.field) for c in error.causes] == [
        ("FieldManagerConflict", ".spec.description")
    ]


def test_the_same_value_is_shared_not_a_conflict() -> None:
    first = apply(None, repo(description="one"), [], "kubectl")
    second = apply(first.object, repo(description="one"), first.entries, "flux")
    owners = {e.manager for e in second.entries if ("spec", "description") in e.fields}
    assert owners == {"kubectl", "flux"}


def test_force_takes_the_field_over() -> None:
    first = apply(None, repo(description="one", type="git"), [], "kubectl")
    second = apply(first.object, repo(description="two"), first.entries, "flux", force=True)
    assert second.object["spec"] == {"description": "two", "type": "git"}
    by = {e.manager: e.fields for e in second.entries}
    assert by["kubectl"] == {("spec", "type")}
    assert by["flux"] == {("spec", "description")}


def test_fields_no_longer_applied_are_removed_unless_someone_else_owns_them() -> None:
    first = apply(None, repo(description="d", type="git"), [], "kubectl")
    shared = apply(first.object, repo(type="git"), first.entries, "flux")
    dropped = apply(shared.object, repo(), shared.entries, "kubectl")
    assert dropped.object["spec"] == {"type": "git"}  # description gone, type kept (flux)
    lone = apply(first.object, repo(type="git"), first.entries, "kubectl")
    assert "description" not in lone.object["spec"]


def test_multiple_conflicts_are_grouped_by_manager() -> None:
    first = apply(None, repo(description="a", type="git"), [], "kubectl")
    with pytest.raises(Conflict) as caught:
        apply(first.object, repo(description="b", type="oci"), first.entries, "flux")
    assert caught.value.message.startswith("Apply failed with 2 conflicts: conflicts with")
    assert "- .spec.description\n- .spec.type" in caught.value.message


def test_updates_move_changed_fields_to_the_writer() -> None:
    first = apply(None, repo(description="a", type="git"), [], "kubectl")
    changed = repo(description="b", type="git")
    entries = applying.updated(
        first.object, changed, first.entries, manager="kubectl-edit", api_version=GV, now=NOW
    )
    by = {(e.manager, e.operation): e.fields for e in entries}
    assert by[("kubectl", "Apply")] == {("spec", "type")}
    assert by[("kubectl-edit", "Update")] == {("spec", "description")}


def test_server_owned_fields_are_never_owned() -> None:
    obj = repo(type="git")
    obj["metadata"].update(uid="u", resourceVersion="3", managedFields=[], labels={"a": "b"})
    obj["status"] = {"conditions": []}
    assert applying.leaves(obj) == {("spec", "type"), ("metadata", "labels", "a")}


def test_manager_is_required_for_apply_and_limited_in_length() -> None:
    with pytest.raises(BadRequest):
        applying.check_manager("", required=True)
    with pytest.raises(BadRequest):
        applying.check_manager("m" * 129, required=False)
    assert applying.manager_from_agent("kubectl/v1.32.4 (linux/amd64)") == "kubectl"


def test_malformed_managed_fields_are_a_bad_request() -> None:
    with pytest.raises(BadRequest):
        applying.parse_entries({"manager": "x"})


_leaf = st.one_of(st.text(max_size=3), st.integers(), st.lists(st.integers(), max_size=2))
_tree = st.recursive(
    _leaf, lambda kids: st.dictionaries(st.sampled_from("abc"), kids, min_size=1), max_leaves=8
)


@given(st.dictionaries(st.sampled_from("xyz"), _tree, min_size=1))
def test_fields_v1_round_trips(spec: dict[str, Any]) -> None:
    paths = applying.leaves({"spec": spec})
    assert applying.parse_fields_v1(applying.fields_v1(paths)) == paths


@given(st.dictionaries(st.sampled_from("xyz"), _tree, min_size=1))
def test_applying_the_same_config_twice_changes_nothing(spec: dict[str, Any]) -> None:
    first = apply(None, repo(**spec), [], "m")
    again = apply(first.object, repo(**spec), first.entries, "m")
    assert again.object == first.object
    assert [e.fields for e in again.entries] == [e.fields for e in first.entries]
