"""Package trees as image layers: a deterministic tar.gz out, any tar layer stack in.

Deterministic means the same files give the same bytes (sorted names, zero times and
owners, fixed modes, gzip without a timestamp), so a re-pushed revision has the same
digest and a redelivered push changes nothing. Reading accepts what other tools push
(gzip or plain tar, several layers with whiteouts) but refuses links, devices and paths
that leave the package. Pure; no I/O.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import posixpath
import tarfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass

from porch.errors import Invalid, TooLarge

MAX_TREE_BYTES = 512 * 1024 * 1024  # a package is configuration; refuse gzip bombs
_WHITEOUT = ".wh."
_OPAQUE = ".wh..wh..opq"


@dataclass(frozen=True)
class PackedLayer:
    blob: bytes  # tar.gz, what the registry stores
    digest: str  # sha256:<hex> of ``blob``
    diff_id: str  # sha256:<hex> of the uncompressed tar (the config's rootfs.diff_ids)


def sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _clean(path: str) -> str:
    """A package-relative path, or Invalid when it is absolute or leaves the package."""
    norm = posixpath.normpath(path.removeprefix("./"))
    if path.startswith("/") or norm in ("", ".") or norm == ".." or norm.startswith("../"):
        raise Invalid(f'package path "{path}" is not inside the package')
    return norm


def pack(files: Mapping[str, bytes]) -> PackedLayer:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for path in sorted(_clean(p) for p in files):
            info = tarfile.TarInfo(path)
            info.size = len(files[path])
            info.mode = 0o644
            info.mtime = 0
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            tar.addfile(info, io.BytesIO(files[path]))
    raw = buf.getvalue()
    blob = gzip.compress(raw, compresslevel=6, mtime=0)
    return PackedLayer(blob=blob, digest=sha256(blob), diff_id=sha256(raw))


def _decompress(blob: bytes) -> bytes:
    if not blob.startswith(b"\x1f\x8b"):
        return blob
    out = zlib.decompressobj(wbits=31)  # gzip framing
    try:
        raw = out.decompress(blob, MAX_TREE_BYTES + 1)
    except zlib.error as exc:
        raise Invalid(f"layer is not valid gzip: {exc}") from exc
    if len(raw) > MAX_TREE_BYTES:
        raise TooLarge(f"layer unpacks to more than {MAX_TREE_BYTES} bytes")
    return raw


def apply_layer(tree: dict[str, bytes], blob: bytes) -> None:
    """Apply one layer on ``tree`` in place (later layers win, whiteouts delete)."""
    raw = _decompress(blob)
    try:
        with tarfile.open(fileobj=io.BytesIO(raw), mode="r:") as tar:
            for member in tar:
                _apply_member(tree, tar, member)
    except tarfile.TarError as exc:
        raise Invalid(f"layer is not a valid tar archive: {exc}") from exc
    if sum(len(v) for v in tree.values()) > MAX_TREE_BYTES:
        raise TooLarge(f"package is larger than {MAX_TREE_BYTES} bytes")


def _apply_member(tree: dict[str, bytes], tar: tarfile.TarFile, member: tarfile.TarInfo) -> None:
    if member.name in (".", "./"):
        return
    path = _clean(member.name)
    directory, base = posixpath.split(path)
    if base == _OPAQUE:
        prefix = directory + "/" if directory else ""
        for existing in [p for p in tree if p.startswith(prefix)]:
            del tree[existing]
        return
    if base.startswith(_WHITEOUT):
        gone = posixpath.join(directory, base[len(_WHITEOUT) :])
        for existing in [p for p in tree if p == gone or p.startswith(gone + "/")]:
            del tree[existing]
        return
    if member.isdir():
        return
    if not member.isreg():
        raise Invalid(f'package cannot contain "{path}": only regular files are allowed')
    handle = tar.extractfile(member)
    if handle is None:  # pragma: no cover - isreg() members always have data
        raise Invalid(f'cannot read "{path}" from the layer')
    tree[path] = handle.read()


def unpack(blobs: list[bytes]) -> dict[str, bytes]:
    """The package tree a stack of layers describes, bottom layer first."""
    tree: dict[str, bytes] = {}
    for blob in blobs:
        apply_layer(tree, blob)
    return tree


__all__ = ["MAX_TREE_BYTES", "PackedLayer", "apply_layer", "pack", "sha256", "unpack"]
