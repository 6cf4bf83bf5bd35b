"""Local-mode PKI, static tokens and kubeconfig (porch.security).

TLS handshakes run over in-memory BIOs: real OpenSSL, no sockets.
"""

from __future__ import annotations

import base64
import ipaddress
import ssl
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from porch.security import kubeconfig, pki, tokens


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _cert(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def _san(cert: x509.Certificate) -> x509.SubjectAlternativeName:
    return cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value


def _handshake(
    server_context: ssl.SSLContext, client_context: ssl.SSLContext, *, hostname: str
) -> ssl.SSLObject:
    """Complete a TLS handshake in memory; returns the server side."""
    c_in, c_out, s_in, s_out = (ssl.MemoryBIO() for _ in range(4))
    client = client_context.wrap_bio(c_in, c_out, server_hostname=hostname)
    server = server_context.wrap_bio(s_in, s_out, server_side=True)
    done = {"client": False, "server": False}
    for _ in range(10):
        for name, side in (("client", client), ("server", server)):
            if done[name]:
                continue
            try:
                side.do_handshake()
                done[name] = True
            except ssl.SSLWantReadError:
                pass
        s_in.write(c_out.read())
        c_in.write(s_out.read())
        if all(done.values()):
            return server
    raise AssertionError("handshake did not complete")


def test_ensure_pki_creates_ca_and_serving_pair(tmp_path: Path) -> None:
    material = pki.ensure_pki(tmp_path / "pki", hosts=["porch.example.com", "10.0.0.7"])

    for path in (material.ca_key, material.key):
        assert _mode(path) == 0o600
    assert _mode(material.directory) == 0o700
    ca, cert = _cert(material.ca_cert), _cert(material.cert)
    assert material.ca_pem == material.ca_cert.read_bytes()
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True
    cert.verify_directly_issued_by(ca)
    san = _san(cert)
    assert san.get_values_for_type(x509.DNSName) == ["localhost", "porch.example.com"]
    assert san.get_values_for_type(x509.IPAddress) == [
        ipaddress.ip_address("127.0.0.1"),
        ipaddress.ip_address("10.0.0.7"),
    ]
    usage = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(usage) == [ExtendedKeyUsageOID.SERVER_AUTH]
    lifetime = cert.not_valid_after_utc - datetime.now(UTC)
    assert timedelta(days=364) < lifetime <= timedelta(days=366)


def test_ensure_pki_is_idempotent(tmp_path: Path) -> None:
    first = pki.ensure_pki(tmp_path, hosts=["a.example"])
    files = {p: p.read_bytes() for p in (first.ca_cert, first.ca_key, first.cert, first.key)}

    second = pki.ensure_pki(tmp_path, hosts=["a.example"])

    assert second == first
    assert {p: p.read_bytes() for p in files} == files


def test_new_host_reissues_serving_cert_but_keeps_ca(tmp_path: Path) -> None:
    first = pki.ensure_pki(tmp_path, hosts=[])
    ca_before, cert_before = first.ca_cert.read_bytes(), first.cert.read_bytes()

    second = pki.ensure_pki(tmp_path, hosts=["new.example"])

    assert second.ca_cert.read_bytes() == ca_before
    assert second.cert.read_bytes() != cert_before
    assert "new.example" in _san(_cert(second.cert)).get_values_for_type(x509.DNSName)


def test_serving_cert_near_expiry_is_reissued(tmp_path: Path) -> None:
    material = pki.ensure_pki(tmp_path, hosts=[])
    ca_key = serialization.load_pem_private_key(material.ca_key.read_bytes(), password=None)
    assert isinstance(ca_key, ec.EllipticCurvePrivateKey)
    old, key = (
        _cert(material.cert),
        serialization.load_pem_private_key(material.key.read_bytes(), password=None),
    )
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    now = datetime.now(UTC)
    expiring = (
        x509.CertificateBuilder()
        .subject_name(old.subject)
        .issuer_name(old.issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=300))
        .not_valid_after(now + timedelta(days=10))
        .add_extension(_san(old), critical=False)
        .sign(ca_key, old.signature_hash_algorithm)
    )
    material.cert.write_bytes(expiring.public_bytes(serialization.Encoding.PEM))

    renewed = pki.ensure_pki(tmp_path, hosts=[])

    assert _cert(renewed.cert).not_valid_after_utc - now > timedelta(days=300)


def test_lost_ca_regenerates_everything(tmp_path: Path) -> None:
    first = pki.ensure_pki(tmp_path, hosts=[])
    cert_before = first.cert.read_bytes()
    first.ca_key.unlink()

    second = pki.ensure_pki(tmp_path, hosts=[])

    assert second.ca_pem != first.ca_pem
    assert second.cert.read_bytes() != cert_before
    _cert(second.cert).verify_directly_issued_by(_cert(second.ca_cert))


def test_server_context_completes_a_verified_handshake(tmp_path: Path) -> None:
    material = pki.ensure_pki(tmp_path, hosts=["porch.local"])

    for hostname in ("127.0.0.1", "localhost", "porch.local"):
        _handshake(material.server_ssl_context(), material.client_ssl_context(), hostname=hostname)
    with pytest.raises(ssl.SSLCertVerificationError):
        _handshake(material.server_ssl_context(), material.client_ssl_context(), hostname="evil")


def test_client_certificate_is_verified_and_names_the_user(tmp_path: Path) -> None:
    material = pki.ensure_pki(tmp_path / "pki", hosts=[])
    cert_path, key_path = pki.issue_client_cert(
        material,
        common_name="front-proxy-client",
        organizations=["system:masters", "porch"],
        directory=tmp_path / "clients",
    )

    cert = _cert(cert_path)
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == (
        "front-proxy-client"
    )
    orgs = [a.value for a in cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)]
    assert orgs == ["system:masters", "porch"]
    usage = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(usage) == [ExtendedKeyUsageOID.CLIENT_AUTH]
    assert _mode(key_path) == 0o600
    client = material.client_ssl_context()
    client.load_cert_chain(cert_path, key_path)
    server = _handshake(
        material.server_ssl_context(verify_clients=True), client, hostname="localhost"
    )
    peer = server.getpeercert()
    assert peer is not None
    assert (("commonName", "front-proxy-client"),) in peer["subject"]


def test_token_file_is_created_once(tmp_path: Path) -> None:
    path = tmp_path / "auth" / "tokens.csv"

    token = tokens.ensure_token_file(path)

    assert len(token) >= 43
    assert _mode(path) == 0o600
    assert tokens.ensure_token_file(path) == token
    users = tokens.load_tokens(path)
    assert list(users) == [token]
    assert users[token].name == "admin"
    assert users[token].groups == ("system:masters",)
    assert users[token].uid


def test_token_file_gains_users(tmp_path: Path) -> None:
    path = tmp_path / "tokens.csv"
    admin = tokens.ensure_token_file(path)

    alice = tokens.ensure_token_file(path, user="alice", groups=("dev", "ops"))

    assert alice != admin
    users = tokens.load_tokens(path)
    assert users[alice].groups == ("dev", "ops")
    assert users[admin].name == "admin"


def test_load_tokens_reads_kube_apiserver_format(tmp_path: Path) -> None:
    path = tmp_path / "tokens.csv"
    path.write_text('t1,alice,u1,"system:masters,dev"\n\nt2,bob,u2\n')

    assert tokens.load_tokens(path) == {
        "t1": tokens.UserInfo("alice", "u1", ("system:masters", "dev")),
        "t2": tokens.UserInfo("bob", "u2", ()),
    }
    path.write_text("only-a-token,user\n")
    with pytest.raises(ValueError, match="at least"):
        tokens.load_tokens(path)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Bearer secret", "alice"),
        ("bearer   secret ", "alice"),
        ("Bearer other", "bob"),
        ("Bearer wrong", None),
        ("Bearer ", None),
        ("Basic secret", None),
        ("secret", None),
        ("", None),
        (None, None),
    ],
)
def test_authenticate(header: str | None, expected: str | None) -> None:
    known = {
        "secret": tokens.UserInfo("alice", "u1"),
        "other": tokens.UserInfo("bob", "u2"),
    }

    user = tokens.authenticate(known, header)

    assert (user.name if user else None) == expected


def test_write_kubeconfig(tmp_path: Path) -> None:
    path = tmp_path / "kube" / "config"
    ca_pem = b"-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----\n"

    kubeconfig.write_kubeconfig(
        path, server="https://127.0.0.1:6443", ca_pem=ca_pem, token="tok", namespace="porch"
    )

    assert _mode(path) == 0o600
    config = yaml.safe_load(path.read_text())
    assert config["current-context"] == "porch"
    [cluster] = config["clusters"]
    assert cluster["cluster"]["server"] == "https://127.0.0.1:6443"
    assert base64.b64decode(cluster["cluster"]["certificate-authority-data"]) == ca_pem
    assert config["users"] == [{"name": "porch", "user": {"token": "tok"}}]
    assert config["contexts"] == [
        {"name": "porch", "context": {"cluster": "porch", "user": "porch", "namespace": "porch"}}
    ]
