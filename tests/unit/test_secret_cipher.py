"""The at-rest envelope of Secrets: round trip, keys, tampering, legacy plaintext."""

from __future__ import annotations

import base64
import json
import os

import pytest

from porch.eventlog import secretcipher as sc

KEY = bytes(range(32))
OTHER = bytes(range(1, 33))
SECRET = json.dumps({"metadata": {"name": "git"}, "stringData": {"password": "hunter2"}}).encode()
CONTEXT = b"default.git"


def test_round_trip_hides_the_value_and_prefixes_key_id_and_nonce() -> None:
    ring = sc.Keyring(KEY)
    sealed = sc.seal(ring, SECRET, context=CONTEXT)
    assert sealed.startswith(sc.MAGIC + sc.key_id(KEY))
    assert sc.is_sealed(sealed)
    assert b"hunter2" not in sealed
    assert b"stringData" not in sealed
    assert sc.unseal(ring, sealed, context=CONTEXT) == SECRET
    assert sc.seal(ring, SECRET, context=CONTEXT) != sealed  # a fresh nonce every time


def test_a_wrong_or_missing_key_is_an_error_that_quotes_nothing() -> None:
    sealed = sc.seal(sc.Keyring(KEY), SECRET, context=CONTEXT)
    for ring in (sc.Keyring(OTHER), sc.Keyring()):
        with pytest.raises(sc.CipherError, match="not configured") as found:
            sc.unseal(ring, sealed, context=CONTEXT)
        assert "hunter2" not in str(found.value)
        assert sc.key_id(KEY).hex() in str(found.value)


def test_tampering_and_another_secrets_key_are_detected() -> None:
    ring = sc.Keyring(KEY)
    sealed = bytearray(sc.seal(ring, SECRET, context=CONTEXT))
    sealed[-1] ^= 1
    with pytest.raises(sc.CipherError, match="does not verify"):
        sc.unseal(ring, bytes(sealed), context=CONTEXT)
    moved = sc.seal(ring, SECRET, context=CONTEXT)
    with pytest.raises(sc.CipherError, match="does not verify"):
        sc.unseal(ring, moved, context=b"default.other")
    with pytest.raises(sc.CipherError, match="truncated"):
        sc.unseal(ring, moved[:20], context=CONTEXT)


def test_legacy_plaintext_is_read_as_it_is_and_no_key_stores_plaintext() -> None:
    assert not sc.is_sealed(SECRET)
    assert sc.unseal(sc.Keyring(KEY), SECRET, context=CONTEXT) == SECRET
    assert sc.seal(sc.Keyring(), SECRET, context=CONTEXT) == SECRET


def test_old_keys_open_what_they_sealed() -> None:
    sealed = sc.seal(sc.Keyring(OTHER), SECRET, context=CONTEXT)
    rotated = sc.Keyring(KEY, (OTHER,))
    assert sc.unseal(rotated, sealed, context=CONTEXT) == SECRET
    assert sc.seal(rotated, SECRET, context=CONTEXT).startswith(sc.MAGIC + sc.key_id(KEY))


def test_key_files_hold_base64_of_32_bytes() -> None:
    key = os.urandom(32)
    assert sc.parse_key(base64.b64encode(key) + b"\n") == key
    with pytest.raises(sc.KeyFileError, match="not base64"):
        sc.parse_key(b"not base64 at all!")
    with pytest.raises(sc.KeyFileError, match="32 bytes"):
        sc.parse_key(base64.b64encode(os.urandom(16)))
    with pytest.raises(sc.KeyFileError):
        sc.Keyring(b"short")
