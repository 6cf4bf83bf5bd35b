"""The projection contract between the orchestrator (only writer) and its readers.

Bucket names, keys and the stored envelopes that pair an aggregate state with the last
stream sequence folded into it (used for idempotent re-application and as the expected
sequence of the next append). Pure; no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

import msgspec

from porch.domain.packages import PackageState
from porch.domain.repository import RepositoryState
from porch.model.names import decode_token, encode_token

CHECKPOINT_KEY = "checkpoint"


@dataclass(frozen=True)
class Buckets:
    """The KV bucket names of one projection generation (``prefix`` allows rebuilds)."""

    prefix: str = "porch"

    @property
    def repositories(self) -> str:
        return f"{self.prefix}_repositories"

    @property
    def revisions(self) -> str:
        return f"{self.prefix}_packagerevisions"

    @property
    def state(self) -> str:
        return f"{self.prefix}_state"

    @property
    def meta(self) -> str:
        return f"{self.prefix}_meta"


class StoredRepository(msgspec.Struct, frozen=True, kw_only=True):
    seq: int
    state: RepositoryState | None


class StoredPackage(msgspec.Struct, frozen=True, kw_only=True):
    seq: int
    state: PackageState


def object_key(namespace: str, name: str) -> str:
    return f"{encode_token(namespace)}.{encode_token(name)}"


def parse_object_key(key: str) -> tuple[str, str]:
    ns, name = key.split(".", 1)
    return decode_token(ns), decode_token(name)


def repository_state_key(namespace: str, name: str) -> str:
    return f"r.{encode_token(namespace)}.{encode_token(name)}"


def package_state_key(namespace: str, repository: str, package: str) -> str:
    return ".".join(["p", *(encode_token(t) for t in (namespace, repository, package))])


_enc = msgspec.json.Encoder()
_repo_dec: msgspec.json.Decoder[StoredRepository] = msgspec.json.Decoder(StoredRepository)
_pkg_dec: msgspec.json.Decoder[StoredPackage] = msgspec.json.Decoder(StoredPackage)


def encode(value: StoredRepository | StoredPackage) -> bytes:
    return _enc.encode(value)


def decode_state(key: str, data: bytes) -> StoredRepository | StoredPackage:
    return _repo_dec.decode(data) if key.startswith("r.") else _pkg_dec.decode(data)


__all__ = [
    "CHECKPOINT_KEY",
    "Buckets",
    "StoredPackage",
    "StoredRepository",
    "decode_state",
    "encode",
    "object_key",
    "package_state_key",
    "parse_object_key",
    "repository_state_key",
]
