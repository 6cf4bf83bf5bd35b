"""Pure pieces of authentication and authorization: request attributes, kube's 403 wording,
the local policy, front-proxy header reading, SubjectAccessReview bodies and the cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from porch.security import attributes, policy, requestheader, reviews
from porch.security.identity import UserInfo

PRS = "/apis/porch.kpt.dev/v1alpha1/namespaces/default/packagerevisions"


@pytest.mark.parametrize(
    ("method", "path", "query", "expected"),
    [
        ("GET", PRS, {}, ("list", "default", "packagerevisions", "", "")),
        ("GET", PRS, {"watch": "true"}, ("watch", "default", "packagerevisions", "", "")),
        ("GET", PRS + "/a", {"watch": "1"}, ("get", "default", "packagerevisions", "", "a")),
        ("POST", PRS, {}, ("create", "default", "packagerevisions", "", "")),
        (
            "PUT",
            PRS + "/a/approval",
            {},
            ("update", "default", "packagerevisions", "approval", "a"),
        ),
        ("PATCH", PRS + "/a", {}, ("patch", "default", "packagerevisions", "", "a")),
        ("DELETE", PRS, {}, ("deletecollection", "default", "packagerevisions", "", "")),
        ("DELETE", PRS + "/a", {}, ("delete", "default", "packagerevisions", "", "a")),
        (
            "GET",
            "/apis/porch.kpt.dev/v1alpha1/packagerevisions",
            {},
            ("list", "", "packagerevisions", "", ""),
        ),
        (
            "GET",
            PRS,
            {"fieldSelector": "metadata.name=a"},
            ("list", "default", "packagerevisions", "", "a"),
        ),
        ("GET", "/api/v1/namespaces/default", {}, ("get", "default", "namespaces", "", "default")),
        ("GET", "/api/v1/namespaces", {}, ("list", "", "namespaces", "", "")),
        ("GET", "/api/v1/namespaces/ns/secrets/s", {}, ("get", "ns", "secrets", "", "s")),
        (
            "GET",
            "/apis/porch.kpt.dev/v1alpha1/watch/namespaces/d/packagerevisions",
            {},
            ("watch", "d", "packagerevisions", "", ""),
        ),
    ],
)
def test_resource_attributes_follow_kube_request_info(
    method: str, path: str, query: dict[str, str], expected: tuple[str, ...]
) -> None:
    a = attributes.of_request(method, path, query)
    assert a.resource_request
    assert (a.verb, a.namespace, a.resource, a.subresource, a.name) == expected


@pytest.mark.parametrize(
    "path",
    [
        "/apis",
        "/apis/porch.kpt.dev",
        "/apis/porch.kpt.dev/v1alpha1",
        "/api/v1",
        "/healthz",
        "/openapi/v3",
    ],
)
def test_discovery_and_probes_are_non_resource(path: str) -> None:
    a = attributes.of_request("GET", path, {})
    assert (a.resource_request, a.verb, a.path) == (False, "get", path)


def test_forbidden_messages_are_kube_apiservers() -> None:
    def message(method: str, path: str, reason: str = "") -> str:
        return attributes.forbidden_message("bob", attributes.of_request(method, path, {}), reason)

    assert message("GET", PRS + "/a") == (
        'packagerevisions.porch.kpt.dev "a" is forbidden: User "bob" cannot get resource '
        '"packagerevisions" in API group "porch.kpt.dev" in the namespace "default"'
    )
    assert message("PUT", PRS + "/a/approval") == (
        'packagerevisions.porch.kpt.dev "a" is forbidden: User "bob" cannot update resource '
        '"packagerevisions/approval" in API group "porch.kpt.dev" in the namespace "default"'
    )
    assert message("GET", "/apis/porch.kpt.dev/v1alpha1/packagerevisions") == (
        'packagerevisions.porch.kpt.dev is forbidden: User "bob" cannot list resource '
        '"packagerevisions" in API group "porch.kpt.dev" at the cluster scope'
    )
    assert message("GET", "/api/v1/namespaces/d/secrets", "no RBAC") == (
        'secrets is forbidden: User "bob" cannot list resource "secrets" in API group "" in '
        'the namespace "d": no RBAC'
    )
    assert message("POST", "/apis") == 'forbidden: User "bob" cannot post path "/apis"'


POLICY = """
kind: LocalPolicy
bindings:
  - {role: viewer, namespaces: ["*"], users: [vera]}
  - {role: editor, namespaces: [team-a], groups: [devs]}
  - {role: admin, namespaces: [team-a], users: [ada]}
"""


def _allowed(user: UserInfo, method: str, path: str, query: dict[str, str] | None = None) -> bool:
    a = attributes.of_request(method, path, query or {})
    return policy.authorize(policy.parse_policy(POLICY), user, a).allowed


VERA = UserInfo("vera", groups=("system:authenticated",))
DEV = UserInfo("dan", groups=("devs", "system:authenticated"))
ADA = UserInfo("ada", groups=("system:authenticated",))
NOBODY = UserInfo("nobody", groups=("system:authenticated",))
A = "/apis/porch.kpt.dev/v1alpha1/namespaces/team-a"
REPOS = "/apis/config.porch.kpt.dev/v1alpha1/namespaces/team-a/repositories"


def test_viewer_reads_everywhere_and_writes_nothing() -> None:
    assert _allowed(VERA, "GET", A + "/packagerevisions")
    assert _allowed(VERA, "GET", "/apis/porch.kpt.dev/v1alpha1/packagerevisions", {"watch": "1"})
    assert _allowed(VERA, "GET", REPOS + "/r")
    for method, path in [
        ("POST", A + "/packagerevisions"),
        ("PUT", A + "/packagerevisions/x/approval"),
        ("DELETE", REPOS + "/r"),
    ]:
        assert not _allowed(VERA, method, path)
    assert not _allowed(VERA, "GET", "/api/v1/namespaces/team-a/secrets/s")


def test_editor_writes_revisions_and_approvals_in_its_namespace_only() -> None:
    for method, path in [
        ("POST", A + "/packagerevisions"),
        ("PUT", A + "/packagerevisions/x/approval"),
        ("PATCH", A + "/packagerevisionresources/x"),
        ("DELETE", A + "/packagerevisions/x"),
    ]:
        assert _allowed(DEV, method, path)
    assert not _allowed(DEV, "POST", REPOS)
    assert not _allowed(DEV, "GET", "/api/v1/namespaces/team-a/secrets")
    assert not _allowed(
        DEV, "POST", "/apis/porch.kpt.dev/v1alpha1/namespaces/other/packagerevisions"
    )
    assert not _allowed(DEV, "GET", "/apis/porch.kpt.dev/v1alpha1/packagerevisions")


def test_admin_of_a_namespace_may_do_anything_there_only() -> None:
    assert _allowed(ADA, "POST", REPOS)
    assert _allowed(ADA, "POST", "/api/v1/namespaces/team-a/secrets")
    assert not _allowed(ADA, "GET", "/api/v1/namespaces/other/secrets")
    assert not _allowed(ADA, "POST", "/apis")  # non-resource writes need a "*" admin


def test_discovery_is_for_every_caller_and_other_paths_for_admins() -> None:
    for path in (
        "/apis",
        "/api",
        "/apis/porch.kpt.dev/v1alpha1",
        "/openapi/v3",
        "/version",
        "/healthz",
    ):
        assert _allowed(NOBODY, "GET", path)
    assert not _allowed(NOBODY, "GET", "/debug/pprof")


def test_metrics_are_for_every_authenticated_user_only() -> None:
    assert _allowed(NOBODY, "GET", "/metrics")
    assert not _allowed(
        UserInfo("system:anonymous", groups=("system:unauthenticated",)), "GET", "/metrics"
    )
    assert not _allowed(NOBODY, "POST", "/metrics")


def test_anonymous_callers_reach_only_what_the_policy_opens() -> None:
    closed = policy.parse_policy(POLICY)
    opened = policy.parse_policy(POLICY + "anonymous: [discovery]\n")
    apis = attributes.of_request("GET", "/apis", {})
    health = attributes.of_request("GET", "/readyz", {})
    resource = attributes.of_request("GET", A + "/packagerevisions", {})
    assert [policy.anonymous_allowed(closed, a) for a in (apis, health, resource)] == [
        False,
        True,
        False,
    ]
    assert [policy.anonymous_allowed(opened, a) for a in (apis, health, resource)] == [
        True,
        True,
        False,
    ]


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("bindings: [{role: owner, namespaces: [a], users: [u]}]", "bindings[0].role"),
        ("bindings: [{role: admin, users: [u]}]", "bindings[0].namespaces"),
        ("bindings: [{role: admin, namespaces: [a]}]", "bindings[0]: name at least one"),
        ("bindings: [{role: admin, namespaces: [a], users: [u], verbs: [get]}]", "unknown fields"),
        ("anonymous: [everything]", "anonymous"),
        ("kind: ClusterRole", "kind"),
        ("[1, 2", "not YAML"),
    ],
)
def test_a_bad_policy_names_the_field(text: str, where: str) -> None:
    with pytest.raises(policy.PolicyError, match=where.replace("[", r"\[").replace("]", r"\]")):
        policy.parse_policy(text)


def test_default_policy_makes_the_admin_user_admin_everywhere(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    assert policy.ensure_policy_file(path)
    assert not policy.ensure_policy_file(path)  # never overwritten
    assert path.stat().st_mode & 0o777 == 0o600
    loaded = policy.load_policy(path)
    admin = UserInfo("admin", groups=())
    a = attributes.of_request(
        "DELETE", "/apis/config.porch.kpt.dev/v1alpha1/namespaces/x/repositories/r", {}
    )
    assert policy.authorize(loaded, admin, a).allowed
    assert not policy.authorize(loaded, UserInfo("other"), a).allowed


def test_configmap_settings_and_custom_header_names() -> None:
    config = requestheader.from_configmap(
        {
            "requestheader-client-ca-file": "",
            "requestheader-allowed-names": '["front-proxy-client"]',
        }
    )
    assert not config.request_header.enabled  # no request-header CA: no front proxy
    header = requestheader.RequestHeaderConfig(
        username_headers=("X-Porch-User",),
        group_headers=("X-Porch-Group",),
        extra_prefixes=("X-Porch-Extra-",),
    )
    headers = {
        "x-remote-user": ["mallory"],
        "x-porch-user": ["", "alice"],
        "x-porch-group": ["a,b", "c"],
        "x-porch-extra-acme.com%2fteam": ["blue"],
    }
    user = requestheader.proxied_user(header, headers)
    assert user is not None
    assert (user.name, user.groups, dict(user.extra)) == (
        "alice",
        ("a,b", "c"),
        {"acme.com/team": ("blue",)},
    )
    assert header.identity_header("X-PORCH-EXTRA-anything")
    assert not header.identity_header("X-Remote-User")
    assert requestheader.proxied_user(header, {"x-remote-user": ["mallory"]}) is None


def test_malformed_configmap_lists_are_errors() -> None:
    with pytest.raises(ValueError, match="requestheader-allowed-names"):
        requestheader.from_configmap(
            {"requestheader-client-ca-file": _PEM, "requestheader-allowed-names": "front-proxy"}
        )


def test_subject_access_review_bodies() -> None:
    user = UserInfo("alice", uid="u1", groups=("g",), extra={"scopes": ("r",)})
    resource = reviews.subject_access_review(
        user, attributes.of_request("PUT", PRS + "/a/approval", {})
    )
    assert resource["spec"] == {
        "user": "alice",
        "groups": ["g"],
        "uid": "u1",
        "extra": {"scopes": ["r"]},
        "resourceAttributes": {
            "namespace": "default",
            "verb": "update",
            "group": "porch.kpt.dev",
            "version": "v1alpha1",
            "resource": "packagerevisions",
            "subresource": "approval",
            "name": "a",
        },
    }
    path = reviews.subject_access_review(
        UserInfo("bob"), attributes.of_request("GET", "/openapi/v3", {})
    )
    assert path["spec"] == {
        "user": "bob",
        "groups": [],
        "nonResourceAttributes": {"path": "/openapi/v3", "verb": "get"},
    }
    assert reviews.verdict_of({"allowed": True, "denied": True}) == reviews.Verdict(False)
    assert reviews.verdict_of({"evaluationError": "boom"}) == reviews.Verdict(False, "boom")
    assert reviews.verdict_of(None) == reviews.Verdict(False)


def test_decision_cache_lifetimes_and_size() -> None:
    now = [0.0]
    cache = reviews.DecisionCache(allowed_ttl=10, denied_ttl=2, clock=lambda: now[0], size=2)
    cache.put(("a",), reviews.Verdict(True))
    cache.put(("d",), reviews.Verdict(False))
    now[0] = 3
    assert cache.get(("a",)) == reviews.Verdict(True)
    assert cache.get(("d",)) is None
    cache.put(("b",), reviews.Verdict(True))
    cache.put(("c",), reviews.Verdict(True))  # evicts the least recently used
    assert cache.get(("a",)) is None
    assert cache.get(("c",)) is not None
    now[0] = 20
    assert cache.get(("c",)) is None


_PEM = """-----BEGIN CERTIFICATE-----
MIIBfTCCASOgAwIBAgIUJ8Hn0Yx0n6gCwQz6Ff6mU5wYxw0wCgYIKoZIzj0EAwIw
-----END CERTIFICATE-----
"""
