"""The verbs each resource is served with: what discovery and OpenAPI advertise and what the
handlers accept, from one place. Pure data; no I/O.

A ``ResourceDef`` names the verbs its object endpoints serve; two come from elsewhere:
``deletecollection`` wherever a single delete is served (each item goes through that same
delete), except Namespaces, which kube-apiserver serves without it; and ``watch`` on the core
kinds, served from ``coremirror``. Adding either to a ``ResourceDef`` changes nothing here.
"""

from __future__ import annotations

from porch_apiserver.resources import ResourceDef

DELETECOLLECTION = "deletecollection"
_NO_DELETECOLLECTION = frozenset({("", "namespaces")})  # as kube-apiserver
_CORE_WATCHED = frozenset({("", "namespaces"), ("", "secrets")})  # coremirror's collections


def served(resource: ResourceDef) -> tuple[str, ...]:
    """``resource.verbs`` with ``watch`` after ``list`` and ``deletecollection`` after
    ``delete`` where served, in kube's discovery order."""
    key = (resource.group, resource.plural)
    out: list[str] = []
    for verb in resource.verbs:
        if verb == DELETECOLLECTION and key in _NO_DELETECOLLECTION:
            continue
        if verb not in out:
            out.append(verb)
        if verb == "list" and key in _CORE_WATCHED and "watch" not in resource.verbs:
            out.append("watch")
        deletable = verb == "delete" and key not in _NO_DELETECOLLECTION
        if deletable and DELETECOLLECTION not in resource.verbs:
            out.append(DELETECOLLECTION)
    return tuple(out)


def serves(resource: ResourceDef, verb: str) -> bool:
    return verb in served(resource)


__all__ = ["DELETECOLLECTION", "served", "serves"]
