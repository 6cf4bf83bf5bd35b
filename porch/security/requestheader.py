"""Authentication by TLS client certificate: a front proxy's identity headers, or the CN/O.

Behind kube-apiserver every request arrives from the aggregator, which proves itself with a
client certificate signed by the request-header CA (``front-proxy-client``) and names the real
user in ``X-Remote-User``/``X-Remote-Group``/``X-Remote-Extra-*`` (reference/apis.md §5.1). Those
headers are trusted only when that certificate was issued by the request-header CA and its CN
is allowed; on every other request they are ignored and removed. A certificate from the
client CA authenticates its CN as the user and its O values as groups.

The TLS layer has already verified the chain and validity; here we only decide which CA issued
the leaf (direct issuance: intermediates are not supported) and read names. Settings come from
``kube-system/extension-apiserver-authentication`` or flags. Pure: no I/O.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from urllib.parse import unquote

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.x509.oid import NameOID

from porch.security.identity import UserInfo

CONFIGMAP_NAMESPACE = "kube-system"
CONFIGMAP_NAME = "extension-apiserver-authentication"


def load_cas(pem: bytes) -> tuple[x509.Certificate, ...]:
    """Every certificate in a PEM bundle (empty for empty input)."""
    return tuple(x509.load_pem_x509_certificates(pem)) if pem.strip() else ()


@dataclass(frozen=True)
class RequestHeaderConfig:
    """Who may act as a front proxy and which headers carry the user."""

    ca_pem: bytes = b""
    allowed_names: tuple[str, ...] = ()
    username_headers: tuple[str, ...] = ("X-Remote-User",)
    group_headers: tuple[str, ...] = ("X-Remote-Group",)
    extra_prefixes: tuple[str, ...] = ("X-Remote-Extra-",)
    uid_headers: tuple[str, ...] = ()
    cas: tuple[x509.Certificate, ...] = field(default=(), compare=False, repr=False)

    @property
    def enabled(self) -> bool:
        return bool(self.cas)

    def identity_header(self, name: str) -> bool:
        """Whether ``name`` is one of the headers that name the user (case-insensitive)."""
        lower = name.lower()
        exact = (*self.username_headers, *self.group_headers, *self.uid_headers)
        return any(lower == h.lower() for h in exact) or any(
            lower.startswith(p.lower()) for p in self.extra_prefixes
        )


@dataclass(frozen=True)
class CertAuthConfig:
    """Client CA (plain client certificates) and the front-proxy settings."""

    client_ca_pem: bytes = b""
    request_header: RequestHeaderConfig = field(default_factory=RequestHeaderConfig)
    client_cas: tuple[x509.Certificate, ...] = field(default=(), compare=False, repr=False)

    def ca_pems(self) -> list[bytes]:
        """The PEM bundles TLS must accept client certificates from."""
        return [p for p in (self.client_ca_pem, self.request_header.ca_pem) if p.strip()]


def request_header_config(
    *,
    ca_pem: bytes,
    allowed_names: Sequence[str] = (),
    username_headers: Sequence[str] = ("X-Remote-User",),
    group_headers: Sequence[str] = ("X-Remote-Group",),
    extra_prefixes: Sequence[str] = ("X-Remote-Extra-",),
    uid_headers: Sequence[str] = (),
) -> RequestHeaderConfig:
    return RequestHeaderConfig(
        ca_pem=ca_pem,
        allowed_names=tuple(allowed_names),
        username_headers=tuple(username_headers),
        group_headers=tuple(group_headers),
        extra_prefixes=tuple(extra_prefixes),
        uid_headers=tuple(uid_headers),
        cas=load_cas(ca_pem),
    )


def cert_auth_config(
    *, client_ca_pem: bytes, request_header: RequestHeaderConfig
) -> CertAuthConfig:
    return CertAuthConfig(
        client_ca_pem=client_ca_pem,
        request_header=request_header,
        client_cas=load_cas(client_ca_pem),
    )


def _json_list(data: Mapping[str, str], key: str) -> tuple[str, ...] | None:
    raw = data.get(key)
    if raw is None or not raw.strip():
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        raise ValueError(f"{key}: not a JSON list of strings") from None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{key}: not a JSON list of strings")
    return tuple(value)


def from_configmap(data: Mapping[str, str]) -> CertAuthConfig:
    """Settings from the ``extension-apiserver-authentication`` ConfigMap's ``data``.

    List values are JSON arrays in strings (``'["X-Remote-User"]'``); a missing
    request-header CA disables front-proxy authentication. Raises ValueError when malformed.
    """
    header = RequestHeaderConfig()
    ca = data.get("requestheader-client-ca-file", "").encode()
    if ca.strip():

        def pick(key: str, default: tuple[str, ...]) -> tuple[str, ...]:
            found = _json_list(data, key)
            return default if found is None else found

        header = request_header_config(
            ca_pem=ca,
            allowed_names=pick("requestheader-allowed-names", ()),
            username_headers=pick("requestheader-username-headers", header.username_headers),
            group_headers=pick("requestheader-group-headers", header.group_headers),
            extra_prefixes=pick("requestheader-extra-headers-prefix", header.extra_prefixes),
            uid_headers=pick("requestheader-uid-headers", ()),
        )
    return cert_auth_config(
        client_ca_pem=data.get("client-ca-file", "").encode(), request_header=header
    )


def _issued_by(cert: x509.Certificate, cas: Iterable[x509.Certificate]) -> bool:
    for ca in cas:
        try:
            cert.verify_directly_issued_by(ca)
        except (ValueError, TypeError, InvalidSignature):
            continue
        return True
    return False


def _names(cert: x509.Certificate, oid: x509.ObjectIdentifier) -> list[str]:
    return [str(a.value) for a in cert.subject.get_attributes_for_oid(oid)]


def is_front_proxy(config: RequestHeaderConfig, cert: x509.Certificate | None) -> bool:
    """Whether ``cert`` was issued by the request-header CA to an allowed CN (empty: any)."""
    if cert is None or not config.enabled or not _issued_by(cert, config.cas):
        return False
    if not config.allowed_names:
        return True
    return any(cn in config.allowed_names for cn in _names(cert, NameOID.COMMON_NAME))


def _first(headers: Mapping[str, Sequence[str]], names: Sequence[str]) -> str:
    for name in names:
        for value in headers.get(name.lower(), ()):
            if value:
                return value
    return ""


def _all(headers: Mapping[str, Sequence[str]], names: Sequence[str]) -> tuple[str, ...]:
    return tuple(v for name in names for v in headers.get(name.lower(), ()) if v)


def proxied_user(
    config: RequestHeaderConfig, headers: Mapping[str, Sequence[str]]
) -> UserInfo | None:
    """The user a verified front proxy names; ``headers`` maps lower-case names to values.

    Like kube: the first non-empty user header wins, groups are every value of every group
    header (not split on commas), extra keys are the rest of the header name after the
    prefix, lower-cased and percent-decoded. No user header: not authenticated this way.
    """
    name = _first(headers, config.username_headers)
    if not name:
        return None
    extra: dict[str, tuple[str, ...]] = {}
    for header, values in headers.items():
        for prefix in config.extra_prefixes:
            if header.startswith(prefix.lower()) and len(header) > len(prefix):
                key = unquote(header[len(prefix) :]).lower()
                extra[key] = (*extra.get(key, ()), *values)
    return UserInfo(
        name=name,
        uid=_first(headers, config.uid_headers),
        groups=_all(headers, config.group_headers),
        extra=extra,
    )


def certificate_user(config: CertAuthConfig, cert: x509.Certificate | None) -> UserInfo | None:
    """CN as user and O as groups, for a certificate issued by the client CA."""
    if cert is None or not _issued_by(cert, config.client_cas):
        return None
    common_names = _names(cert, NameOID.COMMON_NAME)
    if not common_names or not common_names[0]:
        return None
    return UserInfo(name=common_names[0], groups=tuple(_names(cert, NameOID.ORGANIZATION_NAME)))


def with_flags(
    config: CertAuthConfig, *, client_ca_pem: bytes, header: RequestHeaderConfig | None
) -> CertAuthConfig:
    """``config`` with whatever flags named replacing the ConfigMap's values."""
    merged = config
    if client_ca_pem.strip():
        merged = replace(merged, client_ca_pem=client_ca_pem, client_cas=load_cas(client_ca_pem))
    if header is not None:
        merged = replace(merged, request_header=header)
    return merged


__all__ = [
    "CONFIGMAP_NAME",
    "CONFIGMAP_NAMESPACE",
    "CertAuthConfig",
    "RequestHeaderConfig",
    "cert_auth_config",
    "certificate_user",
    "from_configmap",
    "is_front_proxy",
    "load_cas",
    "proxied_user",
    "request_header_config",
    "with_flags",
]
