"""Authentication and authorization settings: flags (kube-apiserver's names) and wiring.

Two modes. ``local``: static tokens from ``<home>/tokens.csv``, client certificates from the
local CA, the policy file ``<home>/policy.yaml`` (both created on first start). ``delegated``
(behind kube-apiserver): client CA and front-proxy settings from the
extension-apiserver-authentication ConfigMap (flags override it), TokenReviews for bearer
tokens sent straight to the service and SubjectAccessReviews, each with a short cache, and
static tokens only if ``--token-auth-file`` names a file (tried before a TokenReview).
Settings are parsed once in ``__main__``; nothing here reads the environment.
"""

from __future__ import annotations

import argparse
import re
import ssl
import time
from collections.abc import Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from porch.security import pki, policy, requestheader, reviews, tokens
from porch_apiserver import auth, auth_kube

MODES = ("local", "delegated")
_DURATION = re.compile(r"^(?:(\d+(?:\.\d+)?)(ms|s|m|h)?)$")
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, None: 1.0}


def duration(text: str) -> float:
    """Seconds from a Go-style duration (``10s``, ``1m``, ``500ms``) or a plain number."""
    found = _DURATION.match(text.strip())
    if found is None:
        raise argparse.ArgumentTypeError(f"not a duration: {text!r}")
    return float(found.group(1)) * _UNITS[found.group(2)]


def _names(text: str) -> tuple[str, ...]:
    return tuple(n.strip() for n in text.split(",") if n.strip())


@dataclass(frozen=True)
class AuthSettings:
    mode: str = "local"
    token_file: Path | None = None
    policy_file: Path | None = None
    authentication_kubeconfig: str = ""
    authorization_kubeconfig: str = ""
    client_ca_file: Path | None = None
    requestheader_client_ca_file: Path | None = None
    requestheader_allowed_names: tuple[str, ...] = ()
    requestheader_username_headers: tuple[str, ...] = ("X-Remote-User",)
    requestheader_group_headers: tuple[str, ...] = ("X-Remote-Group",)
    requestheader_extra_headers_prefix: tuple[str, ...] = ("X-Remote-Extra-",)
    allowed_ttl: float = 10.0
    denied_ttl: float = 10.0
    token_ttl: float = 10.0
    token_failure_ttl: float = 5.0
    api_audiences: tuple[str, ...] = ()


def add_flags(p: argparse.ArgumentParser, env: dict[str, str]) -> None:
    g = p.add_argument_group("authentication and authorization")
    g.add_argument("--auth-mode", choices=MODES, default=env.get("PORCH_AUTH_MODE", "local"))
    g.add_argument("--token-auth-file", default="", help="local mode: <home>/tokens.csv")
    g.add_argument("--policy-file", default="", help="local mode: <home>/policy.yaml")
    g.add_argument("--authentication-kubeconfig", default="", help="empty: in-cluster")
    g.add_argument("--authorization-kubeconfig", default="", help="empty: in-cluster")
    g.add_argument("--client-ca-file", default="")
    g.add_argument("--requestheader-client-ca-file", default="")
    g.add_argument("--requestheader-allowed-names", default="", help="comma-separated CNs")
    g.add_argument("--requestheader-username-headers", default="X-Remote-User")
    g.add_argument("--requestheader-group-headers", default="X-Remote-Group")
    g.add_argument("--requestheader-extra-headers-prefix", default="X-Remote-Extra-")
    g.add_argument("--authorization-webhook-cache-authorized-ttl", type=duration, default=10.0)
    g.add_argument("--authorization-webhook-cache-unauthorized-ttl", type=duration, default=10.0)
    g.add_argument(
        "--authentication-token-webhook-cache-ttl",
        type=duration,
        default=10.0,
        help="delegated mode: how long an authenticated TokenReview answer is reused",
    )
    g.add_argument(
        "--authentication-token-webhook-cache-unauthenticated-ttl",
        type=duration,
        default=5.0,
        help="delegated mode: how long a refused token is remembered (Porch's own flag)",
    )
    g.add_argument(
        "--api-audiences",
        default="",
        help="delegated mode: comma-separated audiences a reviewed token must be valid for",
    )


def settings_from(a: argparse.Namespace, *, home: Path) -> AuthSettings:
    local = a.auth_mode == "local"
    token_file = Path(a.token_auth_file) if a.token_auth_file else None
    return AuthSettings(
        mode=a.auth_mode,
        token_file=token_file or (home / "tokens.csv" if local else None),
        policy_file=Path(a.policy_file) if a.policy_file else home / "policy.yaml",
        authentication_kubeconfig=a.authentication_kubeconfig,
        authorization_kubeconfig=a.authorization_kubeconfig,
        client_ca_file=Path(a.client_ca_file) if a.client_ca_file else None,
        requestheader_client_ca_file=(
            Path(a.requestheader_client_ca_file) if a.requestheader_client_ca_file else None
        ),
        requestheader_allowed_names=_names(a.requestheader_allowed_names),
        requestheader_username_headers=_names(a.requestheader_username_headers),
        requestheader_group_headers=_names(a.requestheader_group_headers),
        requestheader_extra_headers_prefix=_names(a.requestheader_extra_headers_prefix),
        allowed_ttl=a.authorization_webhook_cache_authorized_ttl,
        denied_ttl=a.authorization_webhook_cache_unauthorized_ttl,
        token_ttl=a.authentication_token_webhook_cache_ttl,
        token_failure_ttl=a.authentication_token_webhook_cache_unauthenticated_ttl,
        api_audiences=_names(a.api_audiences),
    )


def _overrides(s: AuthSettings) -> Any:
    client_ca = s.client_ca_file.read_bytes() if s.client_ca_file else b""
    header = None
    if s.requestheader_client_ca_file is not None:
        header = requestheader.request_header_config(
            ca_pem=s.requestheader_client_ca_file.read_bytes(),
            allowed_names=s.requestheader_allowed_names,
            username_headers=s.requestheader_username_headers,
            group_headers=s.requestheader_group_headers,
            extra_prefixes=s.requestheader_extra_headers_prefix,
        )

    def apply(config: requestheader.CertAuthConfig) -> requestheader.CertAuthConfig:
        return requestheader.with_flags(config, client_ca_pem=client_ca, header=header)

    return apply


@dataclass
class Wired:
    """What ``serve`` needs: the two auth objects, the TLS context, and a refresher to run."""

    authenticator: auth.Authenticator
    authorizer: auth.Authorizer
    ssl_context: ssl.SSLContext
    background: Coroutine[Any, Any, None] | None = None


async def wire(s: AuthSettings, *, keys: pki.Pki) -> Wired:
    """Build authenticator, authorizer and TLS context (creating local files when missing)."""
    users: dict[str, Any] = {}
    if s.mode == "local" and s.token_file is not None:
        tokens.ensure_token_file(s.token_file)
    if s.token_file is not None:
        users = tokens.load_tokens(s.token_file)
    overrides = _overrides(s)
    if s.mode == "local":
        assert s.policy_file is not None
        policy.ensure_policy_file(s.policy_file)
        certs = overrides(
            requestheader.cert_auth_config(
                client_ca_pem=keys.ca_pem, request_header=requestheader.RequestHeaderConfig()
            )
        )
        authenticator = auth.Authenticator(tokens=users, certs=certs)
        context = keys.server_ssl_context(client_cas=certs.ca_pems())
        return Wired(authenticator, auth.LocalAuthorizer(s.policy_file), context)
    authn_api = auth_kube.KubeAuthApi(auth_kube.api_client(s.authentication_kubeconfig))
    authz_api = auth_kube.KubeAuthApi(auth_kube.api_client(s.authorization_kubeconfig))
    certs = await auth_kube.load_cert_config(authn_api, overrides=overrides)
    token_cache = reviews.TokenCache(
        authenticated_ttl=s.token_ttl,
        unauthenticated_ttl=s.token_failure_ttl,
        clock=time.monotonic,
    )
    reviewer = auth.TokenReviewer(authn_api.token_review, token_cache, audiences=s.api_audiences)
    authenticator = auth.Authenticator(tokens=users, certs=certs, token_reviewer=reviewer)
    context = keys.server_ssl_context(client_cas=certs.ca_pems())
    cache = reviews.DecisionCache(
        allowed_ttl=s.allowed_ttl, denied_ttl=s.denied_ttl, clock=time.monotonic
    )
    refresher = auth_kube.keep_cert_config_current(
        authn_api, authenticator, context, overrides=overrides
    )
    return Wired(
        authenticator, auth.DelegatedAuthorizer(authz_api.review, cache), context, refresher
    )


__all__ = ["MODES", "AuthSettings", "Wired", "add_flags", "duration", "settings_from", "wire"]
