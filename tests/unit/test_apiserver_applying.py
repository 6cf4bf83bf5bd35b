"""Server-side apply and field ownership: create, conflicts, force, removal, updates, and
per-item ownership of ObjectMeta's finalizers (set) and ownerReferences (map by uid)."""

from __future__ import annotations

import copy
import json
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


def meta(**fields: Any) -> dict[str, Any]:
    """A Repository config with only these metadata fields (no spec)."""
    return {
        "apiVersion": GV,
        "kind": "Repository",
        "metadata": {"name": "r", "namespace": "default", **fields},
    }


def p(dotted: str) -> tuple[str, ...]:
    return tuple(f"f:{name}" for name in dotted.split("."))


def owner(uid: str, **extra: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "name": f"cm-{uid}", "uid": uid, **extra}


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
    owners = {e.manager for e in second.entries if p("spec.description") in e.fields}
    assert owners == {"kubectl", "flux"}


def test_force_takes_the_field_over() -> None:
    first = apply(None, repo(description="one", type="git"), [], "kubectl")
    second = apply(first.object, repo(description="two"), first.entries, "flux", force=True)
    assert second.object["spec"] == {"description": "two", "type": "git"}
    by = {e.manager: e.fields for e in second.entries}
    assert by["kubectl"] == {p("spec.type")}
    assert by["flux"] == {p("spec.description")}


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
    assert by[("kubectl", "Apply")] == {p("spec.type")}
    assert by[("kubectl-edit", "Update")] == {p("spec.description")}


def test_server_owned_fields_are_never_owned() -> None:
    obj = repo(type="git")
    obj["metadata"].update(uid="u", resourceVersion="3", managedFields=[], labels={"a": "b"})
    obj["status"] = {"conditions": []}
    assert applying.leaves(obj) == {p("spec.type"), p("metadata.labels.a")}


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


# --- per-item ownership of ObjectMeta's lists ---------------------------------------------------


def test_two_managers_apply_their_own_finalizer_without_a_conflict() -> None:
    first = apply(None, meta(finalizers=["a.example.com/x"]), [], "a")
    second = apply(first.object, meta(finalizers=["b.example.com/y"]), first.entries, "b")
    assert second.object["metadata"]["finalizers"] == ["a.example.com/x", "b.example.com/y"]
    fields = {e.manager: e.to_json()["fieldsV1"] for e in second.entries}
    assert fields == {
        "a": {"f:metadata": {"f:finalizers": {'v:"a.example.com/x"': {}}}},
        "b": {"f:metadata": {"f:finalizers": {'v:"b.example.com/y"': {}}}},
    }


def test_a_manager_dropping_its_finalizer_removes_only_that_one() -> None:
    first = apply(None, meta(finalizers=["a", "shared"]), [], "a")
    second = apply(first.object, meta(finalizers=["b", "shared"]), first.entries, "b")
    dropped = apply(second.object, meta(finalizers=[]), second.entries, "a")
    assert dropped.object["metadata"]["finalizers"] == ["b", "shared"]  # "shared" is b's too
    gone = apply(dropped.object, meta(), dropped.entries, "b")
    assert "finalizers" not in gone.object["metadata"]  # the emptied list goes with its items


def test_the_applied_order_wins_and_items_only_live_keep_their_place() -> None:
    first = apply(None, meta(finalizers=["x", "a", "y"]), [], "m")
    again = apply(first.object, meta(finalizers=["c", "y", "x"]), first.entries, "other")
    assert again.object["metadata"]["finalizers"] == ["c", "y", "x", "a"]


def test_owner_references_are_owned_per_uid() -> None:
    first = apply(None, meta(ownerReferences=[owner("1", controller=True)]), [], "a")
    second = apply(first.object, meta(ownerReferences=[owner("2")]), first.entries, "b")
    assert [o["uid"] for o in second.object["metadata"]["ownerReferences"]] == ["1", "2"]
    by = {e.manager: e.to_json()["fieldsV1"] for e in second.entries}
    assert by["b"] == {"f:metadata": {"f:ownerReferences": {'k:{"uid":"2"}': {}}}}
    dropped = apply(second.object, meta(), second.entries, "a")
    assert dropped.object["metadata"]["ownerReferences"] == [owner("2")]


def test_changing_an_owner_reference_another_manager_applied_is_a_conflict() -> None:
    first = apply(None, meta(ownerReferences=[owner("1", controller=True)]), [], "a")
    changed = meta(ownerReferences=[owner("1", controller=False)])
    with pytest.raises(Conflict) as caught:
        apply(first.object, changed, first.entries, "b")
    assert [c.field for c in caught.value.causes] == ['.metadata.ownerReferences[uid="1"]']
    assert caught.value.message.endswith(
        f'conflict with "a" using {GV}: {caught.value.causes[0].field}'
    )
    same = apply(
        first.object, meta(ownerReferences=[owner("1", controller=True)]), first.entries, "b"
    )
    assert {e.manager for e in same.entries} == {"a", "b"}  # the same item: shared
    forced = apply(first.object, changed, first.entries, "b", force=True)
    assert forced.object["metadata"]["ownerReferences"] == [owner("1", controller=False)]
    assert [e.manager for e in forced.entries] == ["b"]


def test_granular_items_of_a_map_list_conflict_per_field() -> None:
    schema = {
        "properties": {
            "spec": {
                "properties": {
                    "ports": {
                        "type": "array",
                        "items": {"properties": {"name": {}, "port": {}}},
                        "x-kubernetes-list-type": "map",
                        "x-kubernetes-list-map-keys": ["name"],
                    }
                }
            }
        }
    }

    def run(live: Any, ports: list[Any], entries: Any, manager: str) -> Any:
        config = {**meta(), "spec": {"ports": ports}}
        return applying.apply(
            live,
            config,
            entries,
            manager=manager,
            api_version=GV,
            now=NOW,
            force=False,
            schema=schema,
        )

    first = run(None, [{"name": "http", "port": 80}], [], "a")
    assert first.entries[0].to_json()["fieldsV1"] == {
        "f:spec": {"f:ports": {'k:{"name":"http"}': {".": {}, "f:name": {}, "f:port": {}}}}
    }
    with pytest.raises(Conflict) as caught:
        run(first.object, [{"name": "http", "port": 8080}], first.entries, "b")
    assert caught.value.causes[0].field == '.spec.ports[name="http"].port'


def test_an_applied_item_without_its_key_or_twice_is_a_bad_request() -> None:
    with pytest.raises(BadRequest) as caught:
        apply(None, meta(ownerReferences=[{"kind": "ConfigMap", "name": "c"}]), [], "a")
    assert 'omits key field "uid"' in caught.value.message
    with pytest.raises(BadRequest):
        apply(None, meta(finalizers=["a", "a"]), [], "a")


def test_update_entries_are_encoded_as_kube_writes_them() -> None:
    """kube-apiserver's Update entry for a write that adds the lists and a label (e.g. a
    controller setting its finalizer and owner): the added maps and lists are members
    (``.``), each set value and each atomic OwnerReference an item."""
    old = repo(type="git")
    new = copy.deepcopy(old)
    new["metadata"].update(
        finalizers=["porch.kpt.dev/x"], ownerReferences=[owner("u-1")], labels={"a": "b"}
    )
    [entry] = applying.updated(old, new, [], manager="ctl", api_version=GV, now=NOW)
    assert json.dumps(entry.to_json()["fieldsV1"], separators=(",", ":")) == (
        '{"f:metadata":{"f:finalizers":{".":{},"v:\\"porch.kpt.dev/x\\"":{}},'
        '"f:labels":{".":{},"f:a":{}},'
        '"f:ownerReferences":{".":{},"k:{\\"uid\\":\\"u-1\\"}":{}}}}'
    )
    again = copy.deepcopy(new)
    again["metadata"]["finalizers"].append("other/y")
    entries = applying.updated(new, again, [entry], manager="ctl2", api_version=GV, now=NOW)
    by = {e.manager: e.to_json()["fieldsV1"] for e in entries}
    assert by["ctl2"] == {"f:metadata": {"f:finalizers": {'v:"other/y"': {}}}}


def test_an_update_removing_a_finalizer_takes_it_from_its_owner_only() -> None:
    first = apply(None, meta(finalizers=["a"]), [], "a")
    second = apply(first.object, meta(finalizers=["b"]), first.entries, "b")
    edited = copy.deepcopy(second.object)
    edited["metadata"]["finalizers"] = ["b"]
    entries = applying.updated(
        second.object, edited, second.entries, manager="e", api_version=GV, now=NOW
    )
    assert {e.manager for e in entries} == {"b"}


def test_fields_v1_parses_kube_entries_with_dots_and_items() -> None:
    trie = {
        "f:metadata": {
            "f:finalizers": {".": {}, 'v:"a"': {}},
            "f:ownerReferences": {".": {}, 'k:{"uid":"1"}': {}},
        },
        "f:spec": {"f:ports": {'k:{"name":"x"}': {".": {}, "f:port": {}}}},
    }
    paths = applying.parse_fields_v1(trie)
    assert paths == {
        p("metadata.finalizers"),
        (*p("metadata.finalizers"), 'v:"a"'),
        p("metadata.ownerReferences"),
        (*p("metadata.ownerReferences"), 'k:{"uid":"1"}'),
        (*p("spec.ports"), 'k:{"name":"x"}'),
        (*p("spec.ports"), 'k:{"name":"x"}', "f:port"),
    }
    assert applying.fields_v1(paths) == trie


def test_ownership_recorded_before_per_item_lists_still_works() -> None:
    """An entry stored when lists were atomic owns ``f:finalizers`` whole: a manager adding
    its own item is no conflict, and the old owner dropping the list keeps the new item."""
    old = applying.Entry(
        manager="a",
        operation="Apply",
        api_version=GV,
        time=NOW,
        fields=frozenset({p("metadata.finalizers")}),
    )
    live = meta(finalizers=["a"])
    second = apply(live, meta(finalizers=["b"]), [old], "b")
    dropped = apply(second.object, meta(), second.entries, "a")
    assert dropped.object["metadata"]["finalizers"] == ["a", "b"]


_finalizers = st.lists(st.sampled_from(["a", "b", "c", "d/e"]), unique=True, max_size=4)


@given(_finalizers, _finalizers)
def test_each_manager_keeps_exactly_its_finalizers(mine: list[str], theirs: list[str]) -> None:
    first = apply(None, meta(finalizers=mine), [], "a")
    both = apply(first.object, meta(finalizers=theirs), first.entries, "b")
    assert set(both.object["metadata"].get("finalizers", [])) == set(mine) | set(theirs)
    left = apply(both.object, meta(), both.entries, "a")
    assert set(left.object["metadata"].get("finalizers", [])) == set(theirs)
