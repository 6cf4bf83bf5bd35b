"""Strategic merge patch: ObjectMeta's finalizers merge as a set and ownerReferences by uid,
with kube's directives; other lists are replaced; merge and JSON patches as before."""

from __future__ import annotations

from typing import Any

import pytest

from porch.errors import BadRequest
from porch_apiserver import patches


def obj(**metadata: Any) -> dict[str, Any]:
    return {
        "apiVersion": "config.porch.kpt.dev/v1alpha1",
        "kind": "Repository",
        "metadata": {"name": "r", **metadata},
        "spec": {"type": "git", "tags": ["x", "y"]},
    }


def owner(uid: str, **extra: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "name": f"cm-{uid}", "uid": uid, **extra}


def smp(current: dict[str, Any], patch: Any) -> dict[str, Any]:
    return patches.apply(patches.STRATEGIC, current, patch)


def test_finalizers_merge_as_a_set() -> None:
    done = smp(obj(finalizers=["a", "b"]), {"metadata": {"finalizers": ["b", "c"]}})
    assert done["metadata"]["finalizers"] == ["a", "b", "c"]
    merged = patches.apply(
        patches.MERGE, obj(finalizers=["a"]), {"metadata": {"finalizers": ["c"]}}
    )
    assert merged["metadata"]["finalizers"] == ["c"]  # a merge patch replaces lists


def test_delete_from_primitive_list_removes_finalizers() -> None:
    patch = {"metadata": {"$deleteFromPrimitiveList/finalizers": ["a"], "finalizers": ["d"]}}
    done = smp(obj(finalizers=["a", "b"]), patch)
    assert done["metadata"]["finalizers"] == ["b", "d"]


def test_owner_references_merge_by_uid() -> None:
    current = obj(ownerReferences=[owner("1"), owner("2")])
    patch = {"metadata": {"ownerReferences": [{"uid": "2", "controller": True}, owner("3")]}}
    done = smp(current, patch)
    assert done["metadata"]["ownerReferences"] == [
        owner("1"),
        owner("2", controller=True),
        owner("3"),
    ]


def test_patch_delete_removes_one_owner_reference() -> None:
    current = obj(ownerReferences=[owner("1"), owner("2")])
    done = smp(current, {"metadata": {"ownerReferences": [{"uid": "1", "$patch": "delete"}]}})
    assert done["metadata"]["ownerReferences"] == [owner("2")]


def test_patch_replace_replaces_the_list_or_the_map() -> None:
    current = obj(ownerReferences=[owner("1"), owner("2")], labels={"a": "1", "b": "2"})
    patch = {
        "metadata": {
            "ownerReferences": [owner("3"), {"$patch": "replace"}],
            "labels": {"c": "3", "$patch": "replace"},
        }
    }
    done = smp(current, patch)
    assert done["metadata"]["ownerReferences"] == [owner("3")]
    assert done["metadata"]["labels"] == {"c": "3"}
    gone = smp(current, {"metadata": {"labels": {"$patch": "delete"}}})
    assert "labels" not in gone["metadata"]


def test_set_element_order_reorders_finalizers() -> None:
    patch = {"metadata": {"$setElementOrder/finalizers": ["c", "a"], "finalizers": ["c"]}}
    done = smp(obj(finalizers=["a", "b"]), patch)
    assert done["metadata"]["finalizers"] == ["c", "a", "b"]


def test_an_owner_reference_without_uid_is_a_bad_request() -> None:
    with pytest.raises(BadRequest) as caught:
        smp(obj(), {"metadata": {"ownerReferences": [{"name": "x"}]}})
    assert "does not contain declared merge key: uid" in caught.value.message


def test_other_lists_are_replaced_and_nulls_delete() -> None:
    done = smp(obj(labels={"a": "1"}), {"spec": {"tags": ["z"]}, "metadata": {"labels": None}})
    assert done["spec"]["tags"] == ["z"]
    assert "labels" not in done["metadata"]
    retained = smp(obj(), {"spec": {"$retainKeys": ["tags"], "tags": ["q"]}})
    assert retained["spec"] == {"tags": ["q"]}
