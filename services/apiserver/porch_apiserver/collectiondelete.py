"""``deletecollection`` (DELETE on a collection URL) as kube-apiserver does it. Pure; no I/O.

The handlers list what the label and field selectors match, then delete each item through
the same path and rules as a single DELETE, in (namespace, name) order. kube-apiserver's
generic store skips items already gone (NotFound) and answers the first other error, after
the items before it were deleted; so do we, deleting one at a time, so which items went is
deterministic (the ones before the failing one in name order). The answer is the List of
the objects as listed before they were deleted, as kube returns it.

DeleteOptions come from the body and the query, as for a single delete. ``preconditions``
name one object's uid or resourceVersion, which cannot hold for every item of a collection,
so they are refused (400) rather than failing on the second item. ``dryRun=All`` runs every
item's checks (a refusal still answers its error) and changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from porch.errors import BadRequest, Cause, Invalid
from porch_apiserver.resources import ResourceDef

Json = dict[str, Any]
PROPAGATION_POLICIES = ("Foreground", "Background", "Orphan")


@dataclass(frozen=True)
class Options:
    dry_run: bool
    item: Json = field(default_factory=dict)  # the DeleteOptions each item is deleted with


def options(query: Mapping[str, str], dry_run: Sequence[str], body: Any) -> Options:
    """The DeleteOptions of a deletecollection: ``body`` (parsed, or None), the query's
    ``dryRun`` values and its ``propagationPolicy``/``gracePeriodSeconds``."""
    if body is None:
        body = {}
    if not isinstance(body, dict):
        raise BadRequest("DeleteOptions must be an object")
    if body.get("kind") not in (None, "DeleteOptions"):
        raise BadRequest(f"expected a DeleteOptions body, not {body.get('kind')}")
    if body.get("preconditions"):
        raise BadRequest("preconditions are not supported when deleting a collection")
    sent = body.get("dryRun") or []
    if not isinstance(sent, list):
        raise BadRequest("dryRun must be a list")
    for value in [*dry_run, *sent]:
        if value != "All":
            raise BadRequest(f'unsupported dryRun value "{value}": only "All" is supported')
    policy = body.get("propagationPolicy", query.get("propagationPolicy"))
    if policy not in (None, *PROPAGATION_POLICIES):
        supported = ", ".join(f'"{p}"' for p in PROPAGATION_POLICIES)
        message = f'Unsupported value: "{policy}": supported values: {supported}'
        raise Invalid(
            f'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: {message}',
            causes=[Cause("FieldValueNotSupported", message, "propagationPolicy")],
        )
    item = {k: v for k, v in body.items() if k not in ("kind", "apiVersion")}
    if policy is not None:
        item["propagationPolicy"] = policy
    dry = bool(dry_run) or bool(sent)
    if dry:
        item["dryRun"] = ["All"]
    return Options(dry_run=dry, item=item)


def list_body(resource: ResourceDef, items: list[Json], resource_version: str) -> Json:
    """The answer: the deleted objects as a ``<Kind>List``."""
    return {
        "kind": resource.list_kind,
        "apiVersion": resource.group_version,
        "metadata": {"resourceVersion": resource_version},
        "items": items,
    }


__all__ = ["PROPAGATION_POLICIES", "Options", "list_body", "options"]
