"""Errors porchctl reports, and how a Kubernetes ``Status`` becomes a message.

Like client-go, the message of a ``Status`` is the error text (``err.Error()`` in Porch's
porchctl); when a failure carries no Status, kubectl's generic wording is used. Pure.
"""

from __future__ import annotations

from typing import Any

# kube's generic texts by status code, for answers without a Status message
_GENERIC = {
    400: "the server rejected our request for an unknown reason",
    401: "the server has asked for the client to provide credentials",
    403: "the server does not allow access to the requested resource",
    404: "the server could not find the requested resource",
    405: "the server does not allow this method on the requested resource",
    409: "the server reported a conflict",
    410: "the server has asked for the client to retry later",
    413: "the server has rejected the request because the request entity is too large",
    415: "the server responded with the status code 415 but did not return more information",
    422: "the server rejected our request due to an error in our request",
    429: "the server has received too many requests and has asked us to try again later",
    500: "an error on the server has prevented the request from succeeding",
    503: "the server is currently unable to handle the request",
    504: "the server was unable to return a response in the time allotted, but may still be "
    "processing the request",
}


class CliError(Exception):
    """A failure to report as ``Error: <message>`` with exit status 1."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ApiError(CliError):
    """The server answered with an error (``status`` is its Status body, when it sent one)."""

    def __init__(self, code: int, status: dict[str, Any] | None, *, what: str = "") -> None:
        super().__init__(status_message(code, status, what=what))
        self.code = code
        self.status = status or {}

    @property
    def reason(self) -> str:
        return str(self.status.get("reason") or "")


def status_message(code: int, status: dict[str, Any] | None, *, what: str = "") -> str:
    """The text client-go would give: the Status message, else the generic one (with
    ``(verb resource name)`` appended, as kubectl does for a bare 404)."""
    message = (status or {}).get("message")
    if isinstance(message, str) and message:
        return message
    generic = _GENERIC.get(code, f"an error on the server (unknown status {code})")
    return f"{generic} ({what})" if what else generic


def not_found_message(verb: str, resource: str, name: str) -> str:
    """Porch's porchctl wording for a missing object read by name (its Table request)."""
    return f"{_GENERIC[404]} ({verb} {resource} {name})"


def summary(messages: list[str]) -> str:
    """The final error of a multi-name command that continued past failures."""
    return "errors:\n  " + "\n  ".join(messages)


__all__ = ["ApiError", "CliError", "not_found_message", "status_message", "summary"]
