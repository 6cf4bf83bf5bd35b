"""set-namespace: config forms, scoping rules, references, results and failures."""

from __future__ import annotations

import pytest

from porch.functions import set_namespace
from porch.functions.failures import FunctionFailed
from porch.krm import yamlio
from porch.krm.resourcelist import ResourceList


def run(items: str, config: str | None) -> ResourceList:
    rl = ResourceList(
        items=yamlio.load_all(items),
        function_config=yamlio.load(config) if config is not None else None,
    )
    return set_namespace.run(rl)


CONFIG_MAP = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: f}\ndata: {namespace: prod}\n"
ITEMS = """\
apiVersion: v1
kind: Service
metadata:
  name: svc # the service
---
apiVersion: v1
kind: Namespace
metadata:
  name: old
---
apiVersion: example.com/v1
kind: Widget
metadata:
  name: no-namespace-field
---
apiVersion: example.com/v1
kind: Widget
metadata:
  name: namespaced
  namespace: old
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: local
  annotations:
    config.kubernetes.io/local-config: "true"
"""


@pytest.mark.parametrize(
    "config",
    [
        CONFIG_MAP,
        "apiVersion: fn.kpt.dev/v1alpha1\nkind: SetNamespace\nmetadata: {name: f}\n"
        "namespace: prod\n",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: kptfile.kpt.dev}\ndata: {name: prod}\n",
    ],
)
def test_every_config_form_moves_namespaced_items(config: str) -> None:
    rl = run(ITEMS, config)
    service, namespace, plain_cr, namespaced_cr, local = rl.items
    assert service["metadata"]["namespace"] == "prod"  # empty counted as "default"
    assert namespace["metadata"]["name"] == "prod"
    assert "namespace" not in plain_cr["metadata"]  # unknown kind without the field
    assert namespaced_cr["metadata"]["namespace"] == "prod"
    assert "namespace" not in local["metadata"]  # local-config is skipped
    assert (
        rl.results[0]["message"] == 'namespace [default old] updated to "prod", 3 value(s) changed'
    )


def test_comments_survive() -> None:
    rl = run(ITEMS, CONFIG_MAP)
    assert "name: svc # the service" in yamlio.dump(rl.items[0])


def test_nothing_to_change_is_reported() -> None:
    rl = run("apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: prod}\n", CONFIG_MAP)
    assert [r["message"] for r in rl.results] == [
        'all matching namespaces are already "prod". no value changed',
        "all `depends-on` annotations are up-to-date. no `namespace` changed",
    ]


def test_matcher_only_touches_matching_namespaces() -> None:
    config = CONFIG_MAP.replace("namespace: prod}", "namespace: prod, namespaceMatcher: a}")
    rl = run(
        "apiVersion: v1\nkind: Service\nmetadata: {name: x, namespace: a}\n---\n"
        "apiVersion: v1\nkind: Service\nmetadata: {name: y, namespace: b}\n",
        config,
    )
    assert [i["metadata"]["namespace"] for i in rl.items] == ["prod", "b"]


def test_depends_on_annotations_follow_resources_in_the_list() -> None:
    items = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
  annotations:
    config.kubernetes.io/depends-on: apps/namespaces/default/StatefulSet/db
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: default}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: other
  namespace: default
  annotations:
    config.kubernetes.io/depends-on: apps/namespaces/default/StatefulSet/outside
"""
    rl = run(items, CONFIG_MAP)
    notes = [i["metadata"].get("annotations", {}) for i in rl.items]
    assert notes[0]["config.kubernetes.io/depends-on"] == "apps/namespaces/prod/StatefulSet/db"
    assert (
        notes[2]["config.kubernetes.io/depends-on"] == "apps/namespaces/default/StatefulSet/outside"
    )
    assert rl.results[1]["message"] == (
        '`depends-on` annotation namespace [default] updated to "prod", 1 value(s) changed'
    )


def test_cluster_scoped_references_are_updated() -> None:
    items = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: crb}
subjects:
- {kind: ServiceAccount, name: sa, namespace: old}
- {kind: Group, name: g}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: no-webhook}
spec: {group: example.com}
"""
    rl = run(items, CONFIG_MAP)
    assert rl.items[0]["subjects"][0]["namespace"] == "prod"
    assert "namespace" not in rl.items[0]["subjects"][1]
    assert "conversion" not in rl.items[1]["spec"]  # never invents a webhook reference


def test_several_upstream_namespaces_need_a_matcher() -> None:
    items = """\
apiVersion: v1
kind: Service
metadata:
  name: a
  annotations: {internal.kpt.dev/upstream-identifier: '|Service|ns1|a'}
---
apiVersion: v1
kind: Service
metadata:
  name: b
  annotations: {internal.kpt.dev/upstream-identifier: '|Service|ns2|b'}
"""
    with pytest.raises(FunctionFailed, match="expect a single upstream namespace, found"):
        run(items, CONFIG_MAP)


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (None, "FunctionConfig is missing"),
        (
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: f}\ndata: {}\n",
            "`data.namespace` should not be empty",
        ),
        (
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: kptfile.kpt.dev}\n",
            "`data.name` should not be empty",
        ),
        (
            "apiVersion: fn.kpt.dev/v1alpha1\nkind: SetNamespace\nmetadata: {name: f}\n",
            "`namespace` should not be empty",
        ),
        (
            "apiVersion: v1\nkind: Secret\nmetadata: {name: f}\n",
            "unknown functionConfig Kind=Secret",
        ),
    ],
)
def test_bad_config_fails_with_an_error_result(config: str | None, message: str) -> None:
    with pytest.raises(FunctionFailed) as failure:
        run("apiVersion: v1\nkind: Service\nmetadata: {name: s}\n", config)
    assert failure.value.results[0]["severity"] == "error"
    assert message in failure.value.results[0]["message"]
