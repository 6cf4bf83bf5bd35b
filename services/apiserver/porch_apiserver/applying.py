"""Server-side apply and field ownership (``metadata.managedFields``). Pure; no I/O.

A simplified structured-merge-diff: maps are granular (each key is a field), lists and
scalars are atomic leaves (our types have no list merge keys, like custom resources). A
manager owns the leaf paths it applied (``Apply``) or last changed (``Update``):

- apply: the applied leaves become the manager's ``Apply`` set; a leaf another manager owns
  with a different value is a conflict (409 with one ``FieldManagerConflict`` cause per
  field) unless ``force``, which takes it over; leaves the manager applied before and no
  longer applies are removed from the object when nobody else owns them.
- create/update/patch: the leaves the write changed move to the writer's ``Update`` set.

Identity and server-owned fields (apiVersion, kind, name, namespace, uid,
resourceVersion, creationTimestamp, generation, managedFields, status) are never owned.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from porch.errors import BadRequest, Cause, Conflict

Json = dict[str, Any]
Path = tuple[str, ...]
APPLY, UPDATE = "Apply", "Update"
_UNOWNED: frozenset[Path] = frozenset(
    {
        ("apiVersion",),
        ("kind",),
        ("status",),
        ("metadata", "name"),
        ("metadata", "namespace"),
        ("metadata", "uid"),
        ("metadata", "resourceVersion"),
        ("metadata", "creationTimestamp"),
        ("metadata", "generation"),
        ("metadata", "managedFields"),
        ("metadata", "deletionTimestamp"),
        ("metadata", "deletionGracePeriodSeconds"),
        ("metadata", "selfLink"),
    }
)


@dataclass(frozen=True, kw_only=True)
class Entry:
    """One ``managedFields`` entry, with its fields as a set of leaf paths."""

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


def _owned(path: Path) -> bool:
    return not any(path[: len(u)] == u for u in _UNOWNED)


def leaves(obj: Any, prefix: Path = ()) -> set[Path]:
    """Leaf paths of ``obj``: a map's keys recursively, anything else (lists too) is a leaf."""
    if isinstance(obj, dict) and (obj or not prefix):
        out: set[Path] = set()
        for key, value in obj.items():
            out |= leaves(value, (*prefix, str(key)))
        return {p for p in out if _owned(p)}
    return {prefix} if _owned(prefix) else set()


def value_at(obj: Any, path: Path) -> tuple[bool, Any]:
    for key in path:
        if not isinstance(obj, dict) or key not in obj:
            return False, None
        obj = obj[key]
    return True, obj


def _set(obj: Json, path: Path, value: Any) -> None:
    for key in path[:-1]:
        child = obj.get(key)
        if not isinstance(child, dict):
            child = obj[key] = {}
        obj = child
    if value == {} and isinstance(obj.get(path[-1]), dict):
        return  # an empty map applied over a map owns it, and keeps what others set there
    obj[path[-1]] = copy.deepcopy(value)


def _remove(obj: Json, path: Path) -> None:
    """Remove the leaf, and the maps it leaves empty on the way up."""
    trail: list[Json] = [obj]
    for key in path[:-1]:
        child = trail[-1].get(key)
        if not isinstance(child, dict):
            return
        trail.append(child)
    trail[-1].pop(path[-1], None)
    for depth in range(len(path) - 2, -1, -1):
        if trail[depth + 1]:
            break
        trail[depth].pop(path[depth], None)


def fields_v1(paths: Iterable[Path]) -> Json:
    """The ``fieldsV1`` trie: ``{"f:spec": {"f:lifecycle": {}}}``."""
    root: Json = {}
    for path in sorted(paths):
        node = root
        for key in path:
            node = node.setdefault(f"f:{key}", {})
    return root


def parse_fields_v1(trie: Any, prefix: Path = ()) -> frozenset[Path]:
    """Leaf paths of a ``fieldsV1`` trie (keys other than ``f:`` are ignored: no list keys)."""
    if not isinstance(trie, dict):
        return frozenset()
    children = {k[2:]: v for k, v in trie.items() if isinstance(k, str) and k.startswith("f:")}
    if not children:
        return frozenset({prefix}) if prefix else frozenset()
    out: set[Path] = set()
    for key, sub in children.items():
        out |= parse_fields_v1(sub, (*prefix, key))
    return frozenset(out)


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
) -> Applied:
    """Server-side apply of ``config`` by ``manager`` onto ``live`` (None: create)."""
    base: Json = copy.deepcopy(live) if live is not None else _identity(config)
    mine = leaves(config)
    conflicts: dict[Path, list[str]] = {}
    for entry in entries:
        if entry.manager == manager and entry.operation == APPLY:
            continue
        for path in mine & entry.fields:
            if value_at(base, path) != value_at(config, path):
                conflicts.setdefault(path, []).append(entry.manager)
    if conflicts and not force:
        raise _conflict(conflicts, api_version)
    previous = next(
        (e.fields for e in entries if e.manager == manager and e.operation == APPLY),
        frozenset(),
    )
    others = [e for e in entries if not (e.manager == manager and e.operation == APPLY)]
    kept: list[Entry] = []
    for entry in others:
        taken = entry.fields & frozenset(conflicts) if force else frozenset()
        if entry.fields - taken:
            kept.append(_with_fields(entry, entry.fields - taken))
    owned_by_others = frozenset().union(*(e.fields for e in kept)) if kept else frozenset()
    for path in previous - mine - owned_by_others:
        _remove(base, path)
    for path in mine:
        _set(base, path, value_at(config, path)[1])
    applied = Entry(
        manager=manager,
        operation=APPLY,
        api_version=api_version,
        time=now,
        fields=frozenset(mine),
        subresource=subresource,
    )
    return Applied(object=base, entries=[*kept, applied])


def updated(
    old: Json | None,
    new: Json,
    entries: list[Entry],
    *,
    manager: str,
    api_version: str,
    now: str,
    subresource: str = "",
) -> list[Entry]:
    """Ownership after a create/update/patch by ``manager``: the leaves it changed are its."""
    before = {p: value_at(old, p)[1] for p in leaves(old)} if old is not None else {}
    after = {p: value_at(new, p)[1] for p in leaves(new)}
    changed = {p for p in after if before.get(p, _MISSING) != after[p]}
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


_MISSING = object()


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


def _dotted(path: Path) -> str:
    return "." + ".".join(path)


def _conflict(conflicts: Mapping[Path, list[str]], api_version: str) -> Conflict:
    causes = [
        Cause(
            "FieldManagerConflict",
            f'conflict with "{manager}" using {api_version}',
            _dotted(path),
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
            by_manager.setdefault(manager, []).append(_dotted(path))
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
    "fields_v1",
    "leaves",
    "manager_from_agent",
    "parse_entries",
    "parse_fields_v1",
    "to_json",
    "updated",
]
