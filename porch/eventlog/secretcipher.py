"""The at-rest envelope of a stored Secret: AES-256-GCM under a key id and a random nonce.

A sealed value is ``MAGIC | key id (8 bytes) | nonce (12 bytes) | ciphertext+tag``. The
associated data is the magic, the key id and the KV key of the Secret, so a value copied
under another Secret's key does not open. A value that does not start with ``MAGIC`` is a
plaintext JSON Secret written before a key was configured (``{`` can never start an
envelope), which is read as it is. The key id is the first 8 bytes of SHA-256 over a label
and the key: it picks the key among the current and old ones without revealing it.

Key files hold the 32 key bytes in base64 (``head -c 32 /dev/urandom | base64``), so the
same file works with ``kubectl create secret generic --from-file``. Nothing here logs or
quotes a key or a plaintext. No I/O besides the random nonce.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"\x00PSE1"  # NUL: never the start of JSON
KEY_BYTES = 32
KEY_ID_BYTES = 8
NONCE_BYTES = 12
_HEADER = len(MAGIC) + KEY_ID_BYTES + NONCE_BYTES
_KEY_ID_LABEL = b"porch secrets key id\x00"


class CipherError(ValueError):
    """A sealed value that cannot be opened with the keys at hand (the reason says why)."""


class KeyFileError(ValueError):
    """A key file that does not hold a base64-encoded 32-byte key."""


def key_id(key: bytes) -> bytes:
    return hashlib.sha256(_KEY_ID_LABEL + key).digest()[:KEY_ID_BYTES]


def parse_key(content: bytes) -> bytes:
    """The key in a key file's content: base64 (standard alphabet) of exactly 32 bytes."""
    try:
        key = base64.b64decode(b"".join(content.split()), validate=True)
    except binascii.Error:
        raise KeyFileError("the key file is not base64") from None
    if len(key) != KEY_BYTES:
        raise KeyFileError(f"the key file must hold {KEY_BYTES} bytes in base64, not {len(key)}")
    return key


@dataclass(frozen=True)
class Keyring:
    """The key new values are sealed with (None: store plaintext) and old keys for reading."""

    current: bytes | None = None
    old: tuple[bytes, ...] = ()

    def __post_init__(self) -> None:
        for key in (self.current, *self.old):
            if key is not None and len(key) != KEY_BYTES:
                raise KeyFileError(f"an AES-256 key has {KEY_BYTES} bytes, not {len(key)}")

    @property
    def encrypts(self) -> bool:
        return self.current is not None

    def find(self, wanted: bytes) -> bytes | None:
        for key in (self.current, *self.old):
            if key is not None and key_id(key) == wanted:
                return key
        return None


def is_sealed(stored: bytes) -> bool:
    return stored.startswith(MAGIC)


def seal(keyring: Keyring, plaintext: bytes, *, context: bytes) -> bytes:
    """``plaintext`` sealed with the current key, bound to ``context`` (the KV key); the
    plaintext itself when no key is configured."""
    if keyring.current is None:
        return plaintext
    kid = key_id(keyring.current)
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(keyring.current).encrypt(nonce, plaintext, MAGIC + kid + context)
    return MAGIC + kid + nonce + sealed


def unseal(keyring: Keyring, stored: bytes, *, context: bytes) -> bytes:
    """The plaintext of a stored value (legacy plaintext as it is); CipherError otherwise."""
    if not is_sealed(stored):
        return stored
    if len(stored) < _HEADER + 16:
        raise CipherError("the stored value is truncated")
    kid = stored[len(MAGIC) : len(MAGIC) + KEY_ID_BYTES]
    nonce = stored[len(MAGIC) + KEY_ID_BYTES : _HEADER]
    key = keyring.find(kid)
    if key is None:
        raise CipherError(f"it was encrypted with key id {kid.hex()}, which is not configured")
    try:
        return AESGCM(key).decrypt(nonce, stored[_HEADER:], MAGIC + kid + context)
    except InvalidTag:
        raise CipherError(f"it does not verify under key id {kid.hex()} (altered?)") from None


__all__ = [
    "KEY_BYTES",
    "MAGIC",
    "CipherError",
    "KeyFileError",
    "Keyring",
    "is_sealed",
    "key_id",
    "parse_key",
    "seal",
    "unseal",
]
