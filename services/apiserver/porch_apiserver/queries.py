"""List and watch query parameters, checked as kube-apiserver checks them. Pure; no I/O.

``resourceVersion``, ``resourceVersionMatch``, ``sendInitialEvents``, ``allowWatchBookmarks``
and ``timeoutSeconds`` combine in a few legal ways only (reference/apis.md §3); every other
combination is a 400 with the reason in kube's words, never a 500 from a failed ``int()``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from porch.errors import BadRequest, Cause, Invalid

NOT_OLDER_THAN = "NotOlderThan"
EXACT = "Exact"
DEFAULT_WATCH_TIMEOUT = 1800.0


@dataclass(frozen=True, kw_only=True)
class ListOptions:
    watch: bool
    resource_version: str  # "" unset, "0" any, else a decimal revision
    match: str  # "" | NotOlderThan | Exact
    send_initial_events: bool
    bookmarks: bool
    timeout: float

    @property
    def revision(self) -> int:
        """The numeric resourceVersion (0 when unset or "0")."""
        return int(self.resource_version) if self.resource_version not in ("", "0") else 0

    @property
    def replays_state(self) -> bool:
        """Whether the watch starts with ADDED events for the current state."""
        if self.send_initial_events:
            return True
        return self.resource_version in ("", "0")


def _flag(query: Mapping[str, str], name: str) -> bool | None:
    value = query.get(name)
    if value is None or value == "":
        return None
    if value in ("true", "1"):
        return True
    if value in ("false", "0"):
        return False
    raise BadRequest(f'invalid value "{value}" for {name}: must be true or false')


def _invalid(field: str, message: str) -> Invalid:
    return Invalid(
        f'ListOptions.meta.k8s.io "" is invalid: {field}: {message}',
        causes=[Cause("FieldValueInvalid", message, field)],
    )


def parse(query: Mapping[str, str]) -> ListOptions:
    watch = bool(_flag(query, "watch"))
    rv = query.get("resourceVersion", "")
    if rv and not rv.isdigit():
        raise BadRequest(f'invalid resourceVersion "{rv}": must be a decimal revision')
    rv = str(int(rv)) if rv else ""
    match = query.get("resourceVersionMatch", "")
    if match not in ("", NOT_OLDER_THAN, EXACT):
        raise _invalid("resourceVersionMatch", f'Unsupported value: "{match}"')
    initial = _flag(query, "sendInitialEvents")
    bookmarks = bool(_flag(query, "allowWatchBookmarks"))
    if initial is not None and not watch:
        raise _invalid("sendInitialEvents", "Forbidden: sendInitialEvents is forbidden for list")
    if initial:
        if match != NOT_OLDER_THAN:
            raise _invalid(
                "resourceVersionMatch",
                "Forbidden: sendInitialEvents requires setting resourceVersionMatch to "
                "NotOlderThan",
            )
        if not bookmarks:
            raise _invalid(
                "allowWatchBookmarks",
                "Forbidden: sendInitialEvents requires setting allowWatchBookmarks to true",
            )
    elif match:
        if watch:
            raise _invalid(
                "resourceVersionMatch",
                "Forbidden: resourceVersionMatch is forbidden for watch unless "
                "sendInitialEvents is provided",
            )
        if not rv:
            raise _invalid(
                "resourceVersionMatch",
                "Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided",
            )
        if match == EXACT and rv == "0":
            raise _invalid(
                "resourceVersionMatch",
                'Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"',
            )
    timeout = DEFAULT_WATCH_TIMEOUT
    raw_timeout = query.get("timeoutSeconds")
    if raw_timeout:
        if not raw_timeout.isdigit():
            raise BadRequest(f'invalid timeoutSeconds "{raw_timeout}": must be a whole number')
        timeout = float(raw_timeout) or DEFAULT_WATCH_TIMEOUT
    return ListOptions(
        watch=watch,
        resource_version=rv,
        match=match,
        send_initial_events=bool(initial),
        bookmarks=bookmarks,
        timeout=timeout,
    )


__all__ = ["DEFAULT_WATCH_TIMEOUT", "EXACT", "NOT_OLDER_THAN", "ListOptions", "parse"]
