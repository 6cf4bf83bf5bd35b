"""The local authorization policy: roles admin, editor and viewer bound per namespace.

Local mode has no cluster RBAC, so ``$PORCH_HOME/policy.yaml`` binds users and groups to one of
three fixed roles in some namespaces (``"*"``: every namespace and the cluster scope). The
roles follow kube's aggregated ``view``/``edit``/``admin`` ClusterRoles narrowed to Porch:

- viewer: get, list, watch on Porch's resources, repositories and namespaces; never secrets;
- editor: viewer, plus create, update, patch, delete, deletecollection on package revisions,
  their resources and their ``approval`` subresource (kube's ``edit`` may write every
  namespaced object but RBAC; Porch's own deployment has no separate approver role). Editors do
  not register repositories nor touch secrets, which carry credentials;
- admin: every verb on every resource and non-resource path.

Every authenticated user may read discovery and OpenAPI (kube's ``system:discovery``); health
probes and /version are public (``system:public-info-viewer``). Requests without credentials
get 401 except there, unless the policy lists ``discovery`` under ``anonymous``.
This module decides and reads or creates the file; it must not watch it nor log tokens.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from porch.security.attributes import Attributes
from porch.security.identity import AUTHENTICATED, UserInfo

ALL = "*"
PORCH_GROUPS = ("porch.kpt.dev", "config.porch.kpt.dev")
PUBLIC_PATHS = ("/healthz", "/livez", "/readyz", "/version")
DISCOVERY_PATHS = ("/api", "/apis", "/openapi", "/version")
METRICS_PATHS = ("/metrics",)
ANONYMOUS_SCOPES = ("discovery",)


@dataclass(frozen=True)
class Rule:
    """Like an RBAC PolicyRule: groups, resources (``r/sub`` for subresources) and verbs."""

    api_groups: tuple[str, ...]
    resources: tuple[str, ...]
    verbs: tuple[str, ...]

    def allows(self, a: Attributes) -> bool:
        return (
            _matches(self.verbs, a.verb)
            and _matches(self.api_groups, a.api_group)
            and _matches(self.resources, a.qualified_resource)
        )


def _matches(allowed: tuple[str, ...], value: str) -> bool:
    return ALL in allowed or value in allowed


_READ = ("get", "list", "watch")
_WRITE = ("create", "update", "patch", "delete", "deletecollection")
_PACKAGES = (
    "packagerevisions",
    "packagerevisions/approval",
    "packagerevisionresources",
    "packages",
)
_VIEW = (
    Rule(PORCH_GROUPS, (*_PACKAGES, "repositories"), _READ),
    Rule(("",), ("namespaces",), _READ),
)
ROLES: dict[str, tuple[Rule, ...]] = {
    "viewer": _VIEW,
    "editor": (*_VIEW, Rule(("porch.kpt.dev",), _PACKAGES, _WRITE)),
    "admin": (Rule((ALL,), (ALL,), (ALL,)),),
}


@dataclass(frozen=True)
class Binding:
    role: str
    namespaces: tuple[str, ...]
    users: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()

    def binds(self, user: UserInfo) -> bool:
        return user.name in self.users or any(g in self.groups for g in user.groups)

    def covers(self, namespace: str) -> bool:
        """A ``*`` binding covers every namespace and the cluster scope; others their own."""
        return ALL in self.namespaces or (bool(namespace) and namespace in self.namespaces)


@dataclass(frozen=True)
class Policy:
    bindings: tuple[Binding, ...] = ()
    anonymous: tuple[str, ...] = ()


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""


def _under(path: str, prefixes: tuple[str, ...]) -> bool:
    return any(path == p or path.startswith(p + "/") for p in prefixes)


def is_public(path: str) -> bool:
    """Health probes and /version: no credentials needed (kube's public-info-viewer)."""
    return _under(path, PUBLIC_PATHS)


def is_discovery(path: str) -> bool:
    """Discovery and OpenAPI documents (kube's system:discovery)."""
    return _under(path, DISCOVERY_PATHS)


def anonymous_allowed(policy: Policy, a: Attributes) -> bool:
    """Whether a request without credentials may go on (else 401)."""
    if not a.resource_request and is_public(a.path):
        return True
    return "discovery" in policy.anonymous and not a.resource_request and is_discovery(a.path)


def authorize(policy: Policy, user: UserInfo, a: Attributes) -> Decision:
    """Allow when the path is public or discovery, or a binding of ``user`` grants it."""
    readable = is_public(a.path) or is_discovery(a.path)
    if not a.resource_request and a.verb in ("get", "head") and readable:
        return Decision(True, "discovery and health are readable by every caller")
    metrics = not a.resource_request and _under(a.path, METRICS_PATHS)
    if metrics and a.verb in ("get", "head") and AUTHENTICATED in user.groups:
        return Decision(True, "metrics are readable by every authenticated user")
    for binding in policy.bindings:
        if not binding.binds(user):
            continue
        rules = ROLES[binding.role]
        if not a.resource_request:
            # Paths belong to no namespace: like a ClusterRoleBinding, only "*" admins get them.
            if binding.role == "admin" and ALL in binding.namespaces:
                return Decision(True, f"role {binding.role}")
        elif binding.covers(a.namespace) and any(rule.allows(a) for rule in rules):
            return Decision(True, f"role {binding.role} in {','.join(binding.namespaces)}")
    return Decision(False)


class PolicyError(ValueError):
    """The policy file is malformed; the message names the place."""


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise PolicyError(f"{where}: must be a list of non-empty strings")
    return tuple(value)


def _binding(raw: Any, where: str) -> Binding:
    if not isinstance(raw, dict):
        raise PolicyError(f"{where}: must be a mapping")
    unknown = set(raw) - {"role", "namespaces", "users", "groups"}
    if unknown:
        raise PolicyError(f"{where}: unknown fields {sorted(unknown)}")
    role = raw.get("role")
    if role not in ROLES:
        raise PolicyError(f"{where}.role: must be one of {sorted(ROLES)}, got {role!r}")
    namespaces = _strings(raw.get("namespaces"), f"{where}.namespaces")
    if not namespaces:
        raise PolicyError(f'{where}.namespaces: name at least one namespace, or "*"')
    users = _strings(raw.get("users"), f"{where}.users")
    groups = _strings(raw.get("groups"), f"{where}.groups")
    if not users and not groups:
        raise PolicyError(f"{where}: name at least one user or group")
    return Binding(role=role, namespaces=namespaces, users=users, groups=groups)


def parse_policy(text: str) -> Policy:
    """The policy in ``text`` (YAML); raises PolicyError with the offending field."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise PolicyError(f"not YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise PolicyError("the policy must be a mapping")
    if raw.get("kind", "LocalPolicy") != "LocalPolicy":
        raise PolicyError(f"kind: must be LocalPolicy, got {raw.get('kind')!r}")
    unknown = set(raw) - {"apiVersion", "kind", "anonymous", "bindings"}
    if unknown:
        raise PolicyError(f"unknown fields {sorted(unknown)}")
    anonymous = _strings(raw.get("anonymous"), "anonymous")
    bad = set(anonymous) - set(ANONYMOUS_SCOPES)
    if bad:
        raise PolicyError(f"anonymous: only {list(ANONYMOUS_SCOPES)} may be opened, not {bad}")
    bindings = raw.get("bindings") or []
    if not isinstance(bindings, list):
        raise PolicyError("bindings: must be a list")
    return Policy(
        bindings=tuple(_binding(b, f"bindings[{i}]") for i, b in enumerate(bindings)),
        anonymous=anonymous,
    )


def load_policy(path: Path) -> Policy:
    return parse_policy(path.read_text())


DEFAULT_POLICY = """\
# Who may do what in local mode (docs/security.md). Roles: admin, editor, viewer.
# namespaces: ["*"] means every namespace and the cluster scope (lists across namespaces).
# Users and groups come from tokens.csv (token,user,uid,"group1,group2").
apiVersion: porch.kpt.dev/v1alpha1
kind: LocalPolicy
# List "discovery" to let callers without credentials read /api, /apis and /openapi.
anonymous: []
bindings:
  - role: admin
    namespaces: ["*"]
    users: ["{admin}"]
    groups: ["system:masters"]
  # - role: editor
  #   namespaces: ["default"]
  #   groups: ["team-a"]
  # - role: viewer
  #   namespaces: ["*"]
  #   users: ["auditor"]
"""


def ensure_policy_file(path: Path, *, admin: str = "admin") -> bool:
    """Write the default policy (``admin`` is admin everywhere) unless ``path`` exists.

    Returns whether it was written. Never overwrites an existing file, even an invalid one.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    try:
        os.write(fd, DEFAULT_POLICY.replace("{admin}", admin).encode())
    finally:
        os.close(fd)
    return True


__all__ = [
    "DEFAULT_POLICY",
    "ROLES",
    "Binding",
    "Decision",
    "Policy",
    "PolicyError",
    "Rule",
    "anonymous_allowed",
    "authorize",
    "ensure_policy_file",
    "is_discovery",
    "is_public",
    "load_policy",
    "parse_policy",
]
