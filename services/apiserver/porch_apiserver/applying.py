"""Server-side apply and field ownership (``metadata.managedFields``). Pure; no I/O.

A simplified structured-merge-diff over the paths of ``fieldpaths`` (driven by the kind's
published OpenAPI schema): maps are granular, lists follow ``x-kubernetes-list-type``
(``atomic`` by default; ``set`` owns each scalar, ``map`` each item by key). ObjectMeta's
``finalizers`` (set) and ``ownerReferences`` (map by ``uid`` of atomic OwnerReferences, as
in kube) are the lists that matter: two managers can each apply their own item without a
conflict, and dropping one removes only that item. A manager owns the paths it applied
(``Apply``) or last changed (``Update``):

- apply: the applied paths become the manager's ``Apply`` set; a path another manager owns
  that the apply changes is a conflict (409 with one ``FieldManagerConflict`` cause per
  field) unless ``force``, which takes it over; paths the manager applied before and no
  longer applies are removed from the object when nobody else owns them (or anything
  inside them).
- create/update/patch: the paths the write changed move to the writer's ``Update`` set;
  a map or associative list the write created is a member too (``.``), as kube records it.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from porch.errors import BadRequest, Cause, Conflict
from porch_apiserver import fieldpaths
from porch_apiserver.fieldpaths import (
    MISSING,
    Path,
    Schema,
    dotted,
    fields_v1,
    fieldset,
    leaves,
    parse_fields_v1,
    schema_of,
    value_at,
)

Json = dict[str, Any]
APPLY, UPDATE = "Apply", "Update"


@dataclass(frozen=True, kw_only=True)
class Entry:
    """One ``managedFields`` entry, with its fields as a set of paths."""

    manager: str
    operation: str
    api_version: str
    time: str
    fields: frozenset[Path]
    subresource: str = ""

    def to_json(self) -> Json:
        out: Json = {
            "manager": self.manager,
            "operation": self.operation,
            "apiVersion": self.api_version,
            "time": self.time,
            "fieldsType": "FieldsV1",
            "fieldsV1": fields_v1(self.fields),
        }
        if self.subresource:
            out["subresource"] = self.subresource
        return out


def parse_entries(raw: Any) -> list[Entry]:
    """``metadata.managedFields`` as sent or stored; malformed entries are a 400."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise BadRequest("metadata.managedFields must be a list")
    out: list[Entry] = []
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("manager", ""), str):
            raise BadRequest("metadata.managedFields entries must be objects")
        out.append(
            Entry(
                manager=str(item.get("manager", "")),
                operation=str(item.get("operation", UPDATE)),
                api_version=str(item.get("apiVersion", "")),
                time=str(item.get("time", "")),
                fields=parse_fields_v1(item.get("fieldsV1")),
                subresource=str(item.get("subresource", "")),
            )
        )
    return out


def check_manager(manager: str, *, required: bool) -> None:
    if required and not manager:
        raise BadRequest("PATCH, with apply, must have a non-empty fieldManager")
    if len(manager) > 128:
        raise BadRequest("fieldManager: Too long: may not be longer than 128")


def manager_from_agent(user_agent: str) -> str:
    """kube's default manager: the User-Agent's product, e.g. ``kubectl``."""
    return user_agent.split("/", 1)[0].strip()[:128] or "unknown"


# --- merging -----------------------------------------------------------------------------------


def _merge(live: Any, config: Any, schema: Schema, path: Path) -> Any:
    """``config`` merged onto ``live``: maps key by key, associative lists item by item,
    anything else replaced. Unowned fields keep their live value."""
    if isinstance(config, dict) and isinstance(live, dict) and not fieldpaths.atomic_map(schema):
        out = dict(live)
        for key, value in config.items():
            where = (*path, f"f:{key}")
            if not fieldpaths.owned(where):
                continue
            child = fieldpaths.child(schema, str(key))
            out[key] = (
                _merge(live[key], value, child, where) if key in live else copy.deepcopy(value)
            )
        return out
    kind, keys = fieldpaths.list_type(schema)
    if isinstance(config, list) and isinstance(live, list) and kind != "atomic":
        return _merge_list(live, config, schema, kind=kind, keys=keys, path=path)
    return copy.deepcopy(config)


def _merge_list(
    live: list[Any],
    config: list[Any],
    schema: Schema,
    *,
    kind: str,
    keys: tuple[str, ...],
    path: Path,
) -> list[Any]:
    """Applied items in the applied order; an item only the live list has keeps its place
    after the items that precede it there."""
    items = fieldpaths.items_of(schema)
    live_tokens = [fieldpaths.item_token(i, kind, keys, path, strict=False) for i in live]
    config_tokens = [fieldpaths.item_token(i, kind, keys, path, strict=False) for i in config]
    by_token = dict(zip(reversed(live_tokens), reversed(live), strict=True))  # first wins
    merged = {
        token: _merge(by_token[token], item, items, (*path, token)) if token in by_token else item
        for token, item in zip(config_tokens, config, strict=True)
    }
    applied = set(config_tokens)
    out: list[Any] = []
    emitted: set[str] = set()
    li = ri = 0
    while li < len(live) or ri < len(config):
        if li < len(live) and live_tokens[li] and live_tokens[li] in emitted:
            li += 1  # placed already (a duplicate, or applied earlier in the applied order)
        elif li < len(live) and live_tokens[li] not in applied:
            out.append(live[li])
            emitted.add(live_tokens[li])
            li += 1
        elif ri < len(config):
            token = config_tokens[ri]
            out.append(copy.deepcopy(merged[token]))
            emitted.add(token)
            ri += 1
        else:
            li += 1
    return out


def _remove(obj: Json, path: Path) -> None:
    """Remove the member, and the maps and lists it leaves empty on the way up."""
    trail: list[Any] = [obj]
    for token in path[:-1]:
        found, child = fieldpaths.step(trail[-1], token)
        if not found or not isinstance(child, dict | list):
            return
        trail.append(child)
    _drop(trail[-1], path[-1])
    for depth in range(len(path) - 2, -1, -1):
        if trail[depth + 1] or path[depth][:2] != "f:":
            break  # a list item stays while its key fields do
        _drop(trail[depth], path[depth])


def _drop(container: Any, token: str) -> None:
    if token.startswith("f:") and isinstance(container, dict):
        container.pop(token[2:], None)
    elif isinstance(container, list):
        container[:] = [item for item in container if fieldpaths.step([item], token)[0] is False]


# --- apply and update --------------------------------------------------------------------------


@dataclass(frozen=True)
class Applied:
    object: Json  # the object to store (without managedFields)
    entries: list[Entry]


def apply(
    live: Json | None,
    config: Json,
    entries: list[Entry],
    *,
    manager: str,
    api_version: str,
    now: str,
    force: bool,
    subresource: str = "",
    schema: Schema = None,
) -> Applied:
    """Server-side apply of ``config`` by ``manager`` onto ``live`` (None: create)."""
    schema = schema if schema is not None else schema_of(config)
    base: Json = copy.deepcopy(live) if live is not None else _identity(config)
    mine = fieldset(config, schema, strict=True)
    merged: Json = _merge(base, config, schema, ())
    # A conflict is a field another manager owns that this apply changes (kube compares
    # the live object with the merged one, so an empty map over a full one changes nothing).
    before, after = fieldset(base, schema, update=True), fieldset(merged, schema, update=True)
    conflicts: dict[Path, list[str]] = {}
    for entry in entries:
        if entry.manager == manager and entry.operation == APPLY:
            continue
        for path in mine.keys() & entry.fields:
            if before.get(path, MISSING) != after.get(path, MISSING):
                conflicts.setdefault(path, []).append(entry.manager)
    if conflicts and not force:
        raise _conflict(conflicts, api_version)
    previous = next(
        (e.fields for e in entries if e.manager == manager and e.operation == APPLY),
        frozenset(),
    )
    kept: list[Entry] = []
    for entry in entries:
        if entry.manager == manager and entry.operation == APPLY:
            continue
        taken = entry.fields & frozenset(conflicts) if force else frozenset()
        if entry.fields - taken:
            kept.append(_with_fields(entry, entry.fields - taken))
    held = frozenset(mine).union(*(e.fields for e in kept))
    _prune(merged, previous - held, held)
    pinned = (config.get("metadata") or {}).get("resourceVersion")
    if pinned and isinstance(merged.get("metadata"), dict):
        merged["metadata"]["resourceVersion"] = pinned  # a stale one is the caller's 409
    applied = Entry(
        manager=manager,
        operation=APPLY,
        api_version=api_version,
        time=now,
        fields=frozenset(mine),
        subresource=subresource,
    )
    return Applied(object=merged, entries=[*kept, applied])


def _prune(obj: Json, dropped: Iterable[Path], held: frozenset[Path]) -> None:
    """Remove what the manager no longer applies, except what holds something still owned
    (a list item another manager set a field of) and the key fields of items that stay."""
    inside = {p[:i] for p in held for i in range(1, len(p))}
    for path in sorted(dropped, key=len):
        if path in inside or _is_key_field(path):
            continue
        _remove(obj, path)


def _is_key_field(path: Path) -> bool:
    if len(path) < 2 or not path[-2].startswith("k:") or not path[-1].startswith("f:"):
        return False
    return path[-1][2:] in json.loads(path[-2][2:])


def updated(
    old: Json | None,
    new: Json,
    entries: list[Entry],
    *,
    manager: str,
    api_version: str,
    now: str,
    subresource: str = "",
    schema: Schema = None,
) -> list[Entry]:
    """Ownership after a create/update/patch by ``manager``: the paths it changed are its."""
    schema = schema if schema is not None else schema_of(new)
    before = fieldset(old, schema, update=True) if old is not None else {}
    after = fieldset(new, schema, update=True)
    changed = {p for p, v in after.items() if before.get(p, MISSING) != v}
    removed = set(before) - set(after)
    out: list[Entry] = []
    mine: frozenset[Path] = frozenset()
    for entry in entries:
        rest = entry.fields - changed - removed
        if entry.manager == manager and entry.operation == UPDATE:
            mine = rest
            continue
        if rest:
            out.append(_with_fields(entry, rest))
    mine = mine | frozenset(changed)
    if mine:
        out.append(
            Entry(
                manager=manager,
                operation=UPDATE,
                api_version=api_version,
                time=now,
                fields=mine,
                subresource=subresource,
            )
        )
    return out


def _identity(config: Json) -> Json:
    """What a created object starts from: the applied identity fields."""
    meta = config.get("metadata") or {}
    out: Json = {k: config[k] for k in ("apiVersion", "kind") if k in config}
    out["metadata"] = {k: meta[k] for k in ("name", "namespace") if k in meta}
    return out


def _with_fields(entry: Entry, fields: frozenset[Path]) -> Entry:
    return Entry(
        manager=entry.manager,
        operation=entry.operation,
        api_version=entry.api_version,
        time=entry.time,
        fields=fields,
        subresource=entry.subresource,
    )


def _conflict(conflicts: Mapping[Path, list[str]], api_version: str) -> Conflict:
    causes = [
        Cause(
            "FieldManagerConflict",
            f'conflict with "{manager}" using {api_version}',
            dotted(path),
        )
        for path in sorted(conflicts)
        for manager in conflicts[path]
    ]
    n = len(causes)
    if n == 1:
        return Conflict(
            f"Apply failed with 1 conflict: {causes[0].message}: {causes[0].field}", causes=causes
        )
    by_manager: dict[str, list[str]] = {}
    for path in sorted(conflicts):
        for manager in conflicts[path]:
            by_manager.setdefault(manager, []).append(dotted(path))
    groups = "\n".join(
        f'conflicts with "{manager}" using {api_version}:\n' + "\n".join(f"- {f}" for f in found)
        for manager, found in sorted(by_manager.items())
    )
    return Conflict(f"Apply failed with {n} conflicts: {groups}", causes=causes)


def to_json(entries: list[Entry]) -> list[Json]:
    return [e.to_json() for e in entries]


__all__ = [
    "APPLY",
    "UPDATE",
    "Applied",
    "Entry",
    "apply",
    "check_manager",
    "dotted",
    "fields_v1",
    "fieldset",
    "leaves",
    "manager_from_agent",
    "parse_entries",
    "parse_fields_v1",
    "schema_of",
    "to_json",
    "updated",
    "value_at",
]
