"""Kubernetes and Porch naming rules, and reversible encoding of names into NATS tokens.

Pure; no I/O. Porch names a package revision ``<repo>.<path.with.dots>.<package>.<workspace>``
(reference/porch.md §1.1); package paths are ``/``-separated RFC-1123 labels.
"""

from __future__ import annotations

import re

from porch.errors import Cause, Invalid

_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
# Characters valid both in NATS subject tokens and in KV keys; ``=`` is the escape marker.
_TOKEN_SAFE = re.compile(r"[A-Za-z0-9\-_/]")


def label_problem(value: str) -> str | None:
    """Why ``value`` is not an RFC-1123 label, or None."""
    if not value:
        return "must not be empty"
    if len(value) > 63:
        return "must be no more than 63 characters"
    if not _LABEL.match(value):
        return (
            "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or "
            "'-', and must start and end with an alphanumeric character"
        )
    return None


def subdomain_problem(value: str) -> str | None:
    """Why ``value`` is not an RFC-1123 subdomain (a Kubernetes object name), or None."""
    if not value:
        return "must not be empty"
    if len(value) > 253:
        return "must be no more than 253 characters"
    if not _SUBDOMAIN.match(value):
        return (
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
            "'-' or '.', and must start and end with an alphanumeric character"
        )
    return None


def package_path_problem(path: str) -> str | None:
    """Why ``path`` is not a valid package path (``/``-separated labels), or None."""
    if not path:
        return "must not be empty"
    for segment in path.split("/"):
        problem = label_problem(segment)
        if problem is not None:
            return f"segment {segment!r} {problem}"
    return None


def require(problems: list[tuple[str, str, str | None]], *, kind: str, name: str) -> None:
    """Raise ``Invalid`` naming every (field, value, problem) whose problem is set."""
    causes = [
        Cause("FieldValueInvalid", f"Invalid value: {value!r}: {problem}", fld)
        for fld, value, problem in problems
        if problem is not None
    ]
    if causes:
        detail = "; ".join(f"{c.field}: {c.message}" for c in causes)
        raise Invalid(f'{kind} "{name}" is invalid: {detail}', causes=causes)


def revision_name(*, repository: str, package: str, workspace: str) -> str:
    """Porch's current object name for a package revision."""
    return ".".join([repository, *package.split("/"), workspace])


def package_object_name(*, repository: str, package: str) -> str:
    return ".".join([repository, *package.split("/")])


def encode_token(value: str) -> str:
    """Encode ``value`` as one NATS subject/KV token, reversibly.

    Safe characters pass through; anything else (including ``.``) becomes ``=XX`` per UTF-8
    byte. ``=`` itself is not a safe character, so decoding is unambiguous. The result is a
    valid subject token and a valid KV key token.
    """
    if not value:
        return "="
    out: list[str] = []
    for ch in value:
        if _TOKEN_SAFE.match(ch):
            out.append(ch)
        else:
            out.extend(f"={b:02X}" for b in ch.encode())
    return "".join(out)


def decode_token(token: str) -> str:
    if token == "=":
        return ""
    raw = bytearray()
    i = 0
    while i < len(token):
        if token[i] == "=":
            raw.extend(bytes.fromhex(token[i + 1 : i + 3]))
            i += 3
        else:
            raw.extend(token[i].encode())
            i += 1
    return raw.decode()


__all__ = [
    "decode_token",
    "encode_token",
    "label_problem",
    "package_object_name",
    "package_path_problem",
    "require",
    "revision_name",
    "subdomain_problem",
]
