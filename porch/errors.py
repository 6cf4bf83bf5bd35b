"""One error tree for the whole project.

    PorchError (code, reason)
    ├── CommandRejected   a domain rule refused a command            (422 Invalid / 403 Forbidden)
    ├── Conflict          optimistic concurrency lost, name taken     (409 Conflict / AlreadyExists)
    ├── NotFound          no such object                             (404 NotFound)
    ├── Invalid           bad input, with field causes                (422 Invalid, 400 BadRequest)
    ├── Unauthorized      no or wrong credentials                     (401)
    ├── Forbidden         authenticated but not allowed               (403)
    ├── TooLarge          payload over a limit                        (413)
    └── adapter errors: EventLogError, GitError, OciError, FunctionError (503/500 by default)

The apiserver maps this tree to Kubernetes ``Status`` objects in one place; nothing else
formats HTTP errors. Pure module: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Cause:
    """One field-level reason, as in ``Status.details.causes``."""

    reason: str
    message: str
    field: str = ""


class PorchError(Exception):
    """Base of every error the project raises on purpose."""

    code: int = 500
    reason: str = "InternalError"

    def __init__(self, message: str, *, causes: list[Cause] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.causes: list[Cause] = list(causes or [])


class CommandRejected(PorchError):
    """A domain rule refused the command (an invalid transition, a precondition)."""

    code = 422
    reason = "Invalid"


class Forbidden(PorchError):
    """The command is understood but never allowed in this state (Porch answers 403)."""

    code = 403
    reason = "Forbidden"


class Conflict(PorchError):
    """Optimistic concurrency failed: the object changed since it was read."""

    code = 409
    reason = "Conflict"


class AlreadyExists(Conflict):
    reason = "AlreadyExists"


class NotFound(PorchError):
    code = 404
    reason = "NotFound"


class Invalid(PorchError):
    """Input that fails validation; ``causes`` name the fields."""

    code = 422
    reason = "Invalid"


class BadRequest(PorchError):
    """Input that cannot even be parsed (malformed JSON/YAML, bad selector)."""

    code = 400
    reason = "BadRequest"


class Unauthorized(PorchError):
    code = 401
    reason = "Unauthorized"


class TooLarge(PorchError):
    code = 413
    reason = "RequestEntityTooLarge"


class Timeout(PorchError):
    code = 504
    reason = "Timeout"


class EventLogError(PorchError):
    """JetStream failed or is unreachable; retryable unless stated."""

    code = 503
    reason = "ServiceUnavailable"


class GitError(PorchError):
    code = 503
    reason = "ServiceUnavailable"


class OciError(PorchError):
    code = 503
    reason = "ServiceUnavailable"


class FunctionError(PorchError):
    code = 500
    reason = "InternalError"


__all__ = [
    "AlreadyExists",
    "BadRequest",
    "Cause",
    "CommandRejected",
    "Conflict",
    "EventLogError",
    "Forbidden",
    "FunctionError",
    "GitError",
    "Invalid",
    "NotFound",
    "OciError",
    "PorchError",
    "Timeout",
    "TooLarge",
    "Unauthorized",
]
