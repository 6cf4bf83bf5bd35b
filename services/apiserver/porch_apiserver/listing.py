"""Lists: ``limit``/``continue`` paging over a collection's name order, and the list body
assembled from each object's JSON encoded once per change.

A page walks the collection's sorted index from the continue position and stops as soon as
it is full, so kubectl's chunked lists (500 at a time) cost O(page) each. kube-apiserver
reports ``remainingItemCount`` only for lists without selectors; so do we, since counting
the matches of a selector would mean walking everything.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from porch.errors import BadRequest, Cause, Timeout
from porch_apiserver import queries, statuses
from porch_apiserver.mirror import Collection

Json = dict[str, Any]

# A Table list (what kubectl get prints) of at most this many candidate rows is answered
# whole, whatever its ``limit``: the API lets a server "choose not to support the limit
# argument", and kubectl's client-side throttle (5 requests/s after a burst of 10) turns
# 20 pages of 500 rows into 2 s of waiting. Bigger lists, and every JSON list, are paged.
UNPAGED_TABLE_ROWS = 20_000


@dataclass
class Page:
    rv: str
    items: list[tuple[str, Json]] = field(default_factory=list)  # (key, object)
    token: str = ""
    remaining: int | None = None

    def metadata(self) -> Json:
        meta: Json = {"resourceVersion": self.rv}
        if self.token:
            meta["continue"] = self.token
            if self.remaining is not None:
                meta["remainingItemCount"] = self.remaining
        return meta


async def fresh_enough(coll: Collection, options: queries.ListOptions) -> None:
    """A resourceVersion newer than the collection: wait briefly for it, as kube's watch
    cache does, then answer 504 with kube's words."""
    wanted = options.revision
    if wanted <= coll.revision or options.match == queries.EXACT:
        return
    async with coll.changed:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(coll.changed.wait_for(lambda: coll.revision >= wanted), 3)
    if coll.revision < wanted:
        raise Timeout(
            f"Too large resource version: {wanted}, current: {coll.revision}",
            causes=[Cause("ResourceVersionTooLarge", "Too large resource version")],
        )


def check_exact(coll: Collection, options: queries.ListOptions) -> None:
    """``resourceVersionMatch=Exact`` can only be served at the collection's revision: any
    other is 410 Expired, as kube-apiserver answers for one it no longer holds."""
    if options.match == queries.EXACT and options.revision != coll.revision:
        raise statuses.expired(f"too old resource version: {options.revision} ({coll.revision})")


def parse_limit(value: str | None) -> int:
    """0 means no limit."""
    if not value:
        return 0
    try:
        n = int(value)
    except ValueError as exc:
        raise BadRequest(f"invalid limit {value!r}") from exc
    return max(n, 0)


def _after(token: str | None) -> tuple[str, str] | None:
    if not token:
        return None
    try:
        after = json.loads(base64.urlsafe_b64decode(token.encode()))["after"]
        namespace, name = after
        return (str(namespace), str(name))
    except (ValueError, KeyError, TypeError) as exc:
        raise BadRequest("invalid continue token") from exc


def _token(obj: Json, rv: str) -> str:
    meta = obj.get("metadata") or {}
    after = [str(meta.get("namespace", "")), str(meta.get("name", ""))]
    return base64.urlsafe_b64encode(json.dumps({"after": after, "rv": rv}).encode()).decode()


def page(
    coll: Collection,
    matches: Callable[[Json], bool],
    *,
    limit: int,
    token: str | None,
    rv: str,
    count_remaining: bool,
    namespace: str | None = None,
) -> Page:
    """One page in (namespace, name) order. With ``namespace`` only that namespace's slice
    of the index is walked (it is contiguous), and ``remainingItemCount`` counts within it."""
    out = Page(rv=rv)
    after = _after(token)
    if namespace is not None and (after is None or after[0] < namespace):
        after = (namespace, "")  # no name is empty: this starts at the namespace's first
    start = coll.position(after)
    end = coll.position((namespace, "\uffff")) if namespace is not None else len(coll.order)
    for i in range(start, end):
        key = coll.order[i][2]
        found = coll.objects.get(key)
        if found is None or not matches(found[0]):
            continue
        if limit and len(out.items) == limit:
            out.token = _token(out.items[-1][1], rv)
            if count_remaining:  # without selectors every object after the page matches
                out.remaining = end - i
            return out
        out.items.append((key, found[0]))
    return out


def whole_table(coll: Collection, namespace: str | None, token: str | None, most: int) -> bool:
    """Whether a Table list is answered whole: not a continuation (a client already paging
    keeps paging) and at most ``most`` objects in scope (before selectors: a bound known
    without walking anything)."""
    if token or most <= 0:
        return False
    if namespace is None:
        return len(coll.order) <= most
    return coll.position((namespace, "\uffff")) - coll.position((namespace, "")) <= most


def encode_list(coll: Collection, page: Page, *, kind: str, api_version: str) -> bytes:
    head = json.dumps(
        {"kind": kind, "apiVersion": api_version, "metadata": page.metadata()},
        separators=(",", ":"),
    )
    items = b",".join(coll.encoded(key) for key, _ in page.items)
    return head[:-1].encode() + b',"items":[' + items + b"]}"


def json_bytes(body: bytes, status: int = 200) -> web.Response:
    return web.Response(body=body, status=status, content_type="application/json")


__all__ = [
    "UNPAGED_TABLE_ROWS",
    "Page",
    "check_exact",
    "encode_list",
    "fresh_enough",
    "json_bytes",
    "page",
    "parse_limit",
    "whole_table",
]
