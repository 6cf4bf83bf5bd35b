"""kpt's resource 3-way merge, rule by rule (reference/kpt.md section 2.3).

Each case is three small files (origin = last fetched upstream, updated = new upstream,
destination = local) and the exact text kpt writes back.
"""

from __future__ import annotations

import pytest

from porch.errors import Invalid
from porch.kpt import merge3, pkg_resources

HEADER = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n"
DEPLOY = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n"


def merged(original: str, updated: str, local: str) -> str:
    return merge3.merge_texts(original, updated, local)


# -- scalars ---------------------------------------------------------------------------------


def test_upstream_wins_a_scalar_conflict_and_brings_its_comment() -> None:
    origin = DEPLOY + "spec:\n  replicas: 1\n"
    updated = DEPLOY + "spec:\n  replicas: 5 # upstream\n"
    local = DEPLOY + "spec:\n  replicas: 3 # scaled locally\n"
    assert merged(origin, updated, local) == DEPLOY + "spec:\n  replicas: 5 # upstream\n"


def test_a_local_change_survives_when_upstream_did_not_change_the_field() -> None:
    origin = HEADER + "data:\n  a: '1'\n  b: x\n"
    updated = HEADER + "data:\n  a: '1'\n  b: y\n"
    local = HEADER + "data:\n  a: '2' # mine\n  b: x\n"
    assert merged(origin, updated, local) == HEADER + "data:\n  a: '2' # mine\n  b: y\n"


def test_the_local_quoting_style_is_kept_for_an_upstream_value() -> None:
    origin = HEADER + "data:\n  a: x\n"
    updated = HEADER + "data:\n  a: y\n"
    local = HEADER + 'data:\n  a: "x"\n'
    assert merged(origin, updated, local) == HEADER + 'data:\n  a: "y"\n'


def test_a_field_removed_upstream_is_removed_locally() -> None:
    origin = HEADER + "data:\n  a: x\n  b: y\n"
    updated = HEADER + "data:\n  a: x\n"
    local = HEADER + "data:\n  a: x\n  b: changed\n"
    assert merged(origin, updated, local) == HEADER + "data:\n  a: x\n"


def test_new_upstream_fields_are_appended_in_sorted_order() -> None:
    origin = HEADER + "data:\n  m: x\n"
    updated = HEADER + "data:\n  z: '1'\n  m: x\n  b: '2'\n"
    local = HEADER + "data:\n  m: x\n  local: v\n"
    expected = HEADER + "data:\n  m: x\n  local: v\n  b: '2'\n  z: '1'\n"
    assert merged(origin, updated, local) == expected


def test_an_explicit_null_clears_the_field() -> None:
    origin = HEADER + "data:\n  a: x\n  b: y\n"
    updated = HEADER + "data:\n  a: null\n  b: y\n"
    local = HEADER + "data:\n  a: x\n  b: ~\n"
    assert merged(origin, updated, local) == HEADER + "data: {}\n"


def test_a_value_that_yaml_1_1_reads_as_boolean_is_quoted_when_merged() -> None:
    origin = HEADER + "data:\n  a: x\n"
    local = HEADER + "data:\n  a: x\n  b: yes\n"
    assert merged(origin, origin, local) == HEADER + 'data:\n  a: x\n  b: "yes"\n'


# -- maps and lists --------------------------------------------------------------------------


def test_a_locally_deleted_map_comes_back_empty() -> None:
    origin = HEADER + "data:\n  a: x\n"
    local = HEADER
    assert merged(origin, origin, local) == HEADER + "data: {}\n"


def test_containers_merge_by_name_and_new_ones_come_last_with_sorted_keys() -> None:
    spec = "spec:\n  template:\n    spec:\n      containers:\n"
    origin = DEPLOY + spec + "      - name: web\n        image: nginx:1\n"
    updated = (
        origin.replace("nginx:1", "nginx:2") + "      - name: sidecar\n        image: envoy:1\n"
    )
    local = origin + "        env:\n        - name: A\n          value: b\n"
    expected = (
        DEPLOY
        + spec
        + "      - name: web\n        image: nginx:2\n"
        + "        env:\n        - name: A\n          value: b\n"
        + "      - image: envoy:1\n        name: sidecar\n"
    )
    assert merged(origin, updated, local) == expected


def test_an_element_deleted_upstream_leaves_an_associative_list() -> None:
    spec = "spec:\n  template:\n    spec:\n      containers:\n"
    web = "      - name: web\n        image: nginx:1\n"
    sidecar = "      - name: sidecar\n        image: envoy:1\n"
    mine = "      - name: mine\n        image: busybox\n"
    origin = DEPLOY + spec + web + sidecar
    updated = DEPLOY + spec + web
    local = DEPLOY + spec + web + sidecar + mine
    assert merged(origin, updated, local) == DEPLOY + spec + web + mine


def test_container_ports_match_on_port_and_protocol() -> None:
    head = DEPLOY + "spec:\n  template:\n    spec:\n      containers:\n      - name: web\n"
    origin = head + "        ports:\n        - containerPort: 80\n          protocol: TCP\n"
    updated = origin.replace("TCP\n", "TCP\n          name: http\n")
    local = origin + "        - containerPort: 9090\n          protocol: TCP\n"
    expected = (
        head
        + "        ports:\n        - containerPort: 80\n          protocol: TCP\n"
        + "          name: http\n        - containerPort: 9090\n          protocol: TCP\n"
    )
    assert merged(origin, updated, local) == expected


def test_a_list_without_merge_key_is_replaced_when_upstream_changed_it() -> None:
    origin = HEADER + "list:\n- a\n- b\n"
    updated = HEADER + "list:\n- a\n- c\n"
    local = HEADER + "list: [a, b, mine]\n"
    assert merged(origin, updated, local) == HEADER + "list: [a, c]\n"


def test_a_list_without_merge_key_keeps_local_edits_when_upstream_did_not_change_it() -> None:
    origin = HEADER + "list:\n- a\n"
    local = HEADER + "list:\n- a\n- mine\n"
    assert merged(origin, origin, local) == local


def test_a_crd_in_the_package_makes_its_lists_associative() -> None:
    crd = (
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n"
        "metadata:\n  name: fruits.test\nspec:\n  group: test\n  names:\n    kind: Store\n"
        "  versions:\n  - name: v1\n    schema:\n      openAPIV3Schema:\n        properties:\n"
        "          fruits:\n            type: array\n"
        "            x-kubernetes-patch-strategy: merge\n"
        "            x-kubernetes-patch-merge-key: name\n"
    )
    store = "apiVersion: test/v1\nkind: Store\nmetadata:\n  name: s\nfruits:\n"
    origin = {"store.yaml": (store + "- name: apple\n  n: 1\n").encode()}
    updated = {"store.yaml": (store + "- name: apple\n  n: 2\n").encode()}
    local = {
        "crd.yaml": crd.encode(),
        "store.yaml": (store + "- name: apple\n  n: 1\n- name: pear\n  n: 3\n").encode(),
    }
    out = merge3.merge_files(origin, updated, local)
    assert out["store.yaml"].decode() == store + "- name: apple\n  n: 2\n- name: pear\n  n: 3\n"


# -- resources -------------------------------------------------------------------------------


def _docs(*names: str) -> str:
    return "---\n".join(HEADER.replace("name: cm", f"name: {n}") for n in names)


def test_resource_table_add_keep_delete() -> None:
    origin = _docs("kept", "gone-upstream", "gone-locally")
    updated = _docs("kept", "gone-locally", "new")
    local = _docs("kept", "gone-upstream", "mine")
    # "new" and "mine" both sit at index 2; kpt lists upstream additions first.
    assert merged(origin, updated, local) == _docs("kept", "new", "mine")


def test_a_resource_deleted_upstream_stays_when_it_was_changed_locally() -> None:
    origin = _docs("a")
    local = _docs("a").replace("name: a\n", "name: a\n  labels:\n    mine: 'yes'\n")
    assert merged(origin, HEADER.replace("cm", "other"), local) == "---\n".join(
        [local, HEADER.replace("cm", "other")]
    )


def test_identity_uses_the_kpt_merge_comment_and_ignores_the_version() -> None:
    origin = "apiVersion: apps/v1beta1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  a: 1\n"
    updated = origin.replace("a: 1", "a: 2")
    local = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: # kpt-merge: /web\n"
        "  name: renamed\nspec:\n  a: 1\n"
    )
    assert merged(origin, updated, local) == local.replace("a: 1", "a: 2")


def test_resources_in_other_files_do_not_match() -> None:
    origin = {"a.yaml": _docs("x").encode()}
    updated = {"b.yaml": _docs("x").encode()}
    local = {"a.yaml": _docs("x").encode()}
    assert merge3.merge_files(origin, updated, local) == {"b.yaml": _docs("x").encode()}


def test_duplicate_resources_are_an_error() -> None:
    with pytest.raises(Invalid, match=r'duplicate "dest" resources in file "resources\.yaml"'):
        merged(_docs("a"), _docs("a"), _docs("a", "a"))


def test_comments_and_order_of_the_local_copy_survive() -> None:
    local = "# head\n" + HEADER + "data:\n  # about b\n  b: '1' # b\n  a: '2'\n"
    origin = HEADER + "data:\n  a: '2'\n  b: '1'\n"
    assert merged(origin, origin, local) == local


def test_merge_files_leaves_other_files_and_nested_packages_alone() -> None:
    local = {
        "Kptfile": b"apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: p\n",
        "README.md": b"mine\n",
        "sub/Kptfile": b"apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: sub\n",
        "sub/x.yaml": _docs("nested").encode(),
        "cm.yaml": _docs("a").encode(),
    }
    out = merge3.merge_files({"cm.yaml": _docs("a").encode()}, {}, local)
    assert "cm.yaml" not in out
    assert out == {k: v for k, v in local.items() if k != "cm.yaml"}


def test_identity_fields() -> None:
    res = pkg_resources.parse_file(
        "dir/f.yaml",
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\n"
        "metadata: # kpt-merge: ns1/r1\n  name: other\n  namespace: ns2\n",
    )[0]
    assert merge3.identity(res) == ("rbac.authorization.k8s.io", "Role", "ns1", "r1", "dir/f.yaml")
