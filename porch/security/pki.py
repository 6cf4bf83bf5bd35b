"""A private CA and the apiserver's serving certificate, created once and reused.

kubectl sends bearer tokens only over HTTPS and checks the server against the kubeconfig's
``certificate-authority-data`` (reference/apis.md §0, §7), so local mode needs its own CA. The CA
is kept across restarts (kubeconfigs stay valid); the serving certificate is reissued when it
lacks a requested host or is about to expire. Keys are written 0600, atomically. This module
must not read the environment or decide where files live: the caller names the directory.
"""

from __future__ import annotations

import ipaddress
import os
import re
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_VALIDITY = timedelta(days=3650)
CERT_VALIDITY = timedelta(days=365)
RENEW_BEFORE = timedelta(days=30)
_SKEW = timedelta(hours=1)
_DEFAULT_HOSTS = ("127.0.0.1", "localhost")

GeneralName = x509.DNSName | x509.IPAddress


@dataclass(frozen=True)
class Pki:
    """Paths of the CA and serving pair, and the CA certificate for kubeconfigs."""

    directory: Path
    ca_cert: Path
    ca_key: Path
    cert: Path
    key: Path
    ca_pem: bytes

    def server_ssl_context(
        self, *, verify_clients: bool = False, client_cas: Sequence[bytes] = ()
    ) -> ssl.SSLContext:
        """TLS server context with the serving pair; asks for client certificates signed by
        this CA (``verify_clients``) or by ``client_cas`` (PEM bundles), verified when
        presented, not required. More CAs can be added later with ``trust_client_cas``."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(self.cert, self.key)
        context.set_alpn_protocols(["http/1.1"])
        bundles = [self.ca_pem, *client_cas] if verify_clients else list(client_cas)
        trust_client_cas(context, bundles)
        return context

    def client_ssl_context(self) -> ssl.SSLContext:
        """TLS client context trusting only this CA (for tests and local tools)."""
        return ssl.create_default_context(cadata=self.ca_pem.decode())


def trust_client_cas(context: ssl.SSLContext, bundles: Sequence[bytes]) -> None:
    """Accept client certificates from these CAs too (on new handshakes).

    OpenSSL can add trust anchors to a live context but not remove them; callers that rotate
    CAs must also check the issuer themselves (porch.security.requestheader does).
    """
    for bundle in bundles:
        if bundle.strip():
            context.load_verify_locations(cadata=bundle.decode())
            context.verify_mode = ssl.CERT_OPTIONAL


def _write(path: Path, data: bytes, *, mode: int) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        os.fchmod(fd, mode)
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _load_pair(
    cert_path: Path, key_path: Path
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey] | None:
    """The certificate and its matching EC key, or None when missing, unreadable or mismatched."""
    try:
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    except (OSError, ValueError):
        return None
    if not isinstance(key, ec.EllipticCurvePrivateKey) or cert.public_key() != key.public_key():
        return None
    return cert, key


def _general_name(host: str) -> GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        return x509.DNSName(host)


def _names(hosts: list[str]) -> list[GeneralName]:
    return [_general_name(h) for h in dict.fromkeys([*_DEFAULT_HOSTS, *hosts]) if h]


def _fresh(cert: x509.Certificate, now: datetime) -> bool:
    return cert.not_valid_after_utc - now > RENEW_BEFORE


def _new_ca(now: datetime) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "porch-ca")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _SKEW)
        .not_valid_after(now + CA_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return cert, key


def _leaf(
    ca: tuple[x509.Certificate, ec.EllipticCurvePrivateKey],
    *,
    subject: x509.Name,
    usage: x509.ObjectIdentifier,
    names: list[GeneralName],
    now: datetime,
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    ca_cert, ca_key = ca
    key = ec.generate_private_key(ec.SECP256R1())
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _SKEW)
        .not_valid_after(now + CERT_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
    )
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    return builder.sign(ca_key, hashes.SHA256()), key


def _serving_ok(
    cert: x509.Certificate, ca_cert: x509.Certificate, *, names: list[GeneralName], now: datetime
) -> bool:
    try:
        cert.verify_directly_issued_by(ca_cert)
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except (ValueError, TypeError, InvalidSignature, x509.ExtensionNotFound):
        return False
    return _fresh(cert, now) and all(name in san for name in names)


def _store(
    pair: tuple[x509.Certificate, ec.EllipticCurvePrivateKey], *, cert: Path, key: Path
) -> None:
    _write(key, _key_pem(pair[1]), mode=0o600)
    _write(cert, pair[0].public_bytes(serialization.Encoding.PEM), mode=0o644)


def ensure_pki(directory: Path, *, hosts: list[str]) -> Pki:
    """Load or create the CA (``ca.crt``/``ca.key``) and serving pair (``apiserver.crt``/``.key``).

    Idempotent. The serving certificate names 127.0.0.1, localhost and ``hosts`` (IPs or DNS
    names), is valid for a year and is reissued when it misses a host, expires within 30 days
    or was not signed by the current CA.
    """
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    paths = {n: directory / n for n in ("ca.crt", "ca.key", "apiserver.crt", "apiserver.key")}
    now = datetime.now(UTC)
    ca = _load_pair(paths["ca.crt"], paths["ca.key"])
    if ca is None or not _fresh(ca[0], now):
        ca = _new_ca(now)
        _store(ca, cert=paths["ca.crt"], key=paths["ca.key"])
    names = _names(hosts)
    serving = _load_pair(paths["apiserver.crt"], paths["apiserver.key"])
    if serving is None or not _serving_ok(serving[0], ca[0], names=names, now=now):
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "porch-apiserver")])
        serving = _leaf(
            ca, subject=subject, usage=ExtendedKeyUsageOID.SERVER_AUTH, names=names, now=now
        )
        _store(serving, cert=paths["apiserver.crt"], key=paths["apiserver.key"])
    return Pki(
        directory=directory,
        ca_cert=paths["ca.crt"],
        ca_key=paths["ca.key"],
        cert=paths["apiserver.crt"],
        key=paths["apiserver.key"],
        ca_pem=ca[0].public_bytes(serialization.Encoding.PEM),
    )


def issue_client_cert(
    pki: Pki, *, common_name: str, organizations: list[str], directory: Path
) -> tuple[Path, Path]:
    """A client certificate (CN = user, O = groups, EKU clientAuth) signed by the CA.

    Written as ``<common_name>.crt``/``.key`` in ``directory``; returns (cert path, key path).
    """
    ca = _load_pair(pki.ca_cert, pki.ca_key)
    if ca is None:
        raise ValueError(f"no usable CA in {pki.directory}")
    attributes = [x509.NameAttribute(NameOID.ORGANIZATION_NAME, o) for o in organizations]
    subject = x509.Name([*attributes, x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    pair = _leaf(
        ca, subject=subject, usage=ExtendedKeyUsageOID.CLIENT_AUTH, names=[], now=datetime.now(UTC)
    )
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    stem = re.sub(r"[^A-Za-z0-9_.-]", "_", common_name) or "client"
    cert_path, key_path = directory / f"{stem}.crt", directory / f"{stem}.key"
    _store(pair, cert=cert_path, key=key_path)
    return cert_path, key_path


__all__ = [
    "CERT_VALIDITY",
    "RENEW_BEFORE",
    "Pki",
    "ensure_pki",
    "issue_client_cert",
    "trust_client_cas",
]
