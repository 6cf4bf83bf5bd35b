"""The libraries a starlark script may ``load()``: the catalog's starlib subset, in Python.

``encoding/json.star``, ``encoding/yaml.star``, ``encoding/base64.star``, ``re.star``,
``hash.star`` and ``krmfn.star`` are implemented here; the catalog's network and file
modules (``http.star``, ``zipfile.star``, ``xlsx.star`` ...) are deliberately absent, so
scripts stay sandboxed. Each module is a frozen Starlark module exposing one struct.
Pure; no I/O.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

import starlark as sl
import yaml as pyyaml

from porch.functions import objects
from porch.krm import yamlparse, yamlview


def _json_encode(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _json_indent(text: str, prefix: str = "", indent: str = "\t") -> str:
    out = json.dumps(json.loads(text), indent=indent, ensure_ascii=False)
    return "\n".join(prefix + line if i else line for i, line in enumerate(out.split("\n")))


def _yaml_dumps(value: Any) -> str:
    return pyyaml.safe_dump(value, sort_keys=True, default_flow_style=False)


def _yaml_loads(text: str) -> Any:
    doc = yamlparse.parse(text)
    return yamlview.to_plain(yamlview.from_node(doc.root)) if doc is not None else None


def _b64_encode(text: str, encoding: str = "standard") -> str:
    raw = text.encode()
    if encoding.startswith("url"):
        out = base64.urlsafe_b64encode(raw).decode()
    else:
        out = base64.b64encode(raw).decode()
    return out.rstrip("=") if encoding.endswith("_raw") else out


def _b64_decode(text: str, encoding: str = "standard") -> str:
    padded = text + "=" * (-len(text) % 4)
    if encoding.startswith("url"):
        return base64.urlsafe_b64decode(padded).decode()
    return base64.b64decode(padded).decode()


def _re_findall(pattern: str, text: str, flags: int = 0) -> list[str]:
    return [m.group(0) for m in re.finditer(pattern, text)]


def _re_split(pattern: str, text: str, maxsplit: int = 0) -> list[str]:
    return re.split(pattern, text, maxsplit=maxsplit)


def _re_sub(pattern: str, repl: str, text: str, count: int = 0) -> str:
    return re.sub(pattern, repl, text, count=count)


def _re_match(pattern: str, text: str, flags: int = 0) -> list[list[str]]:
    return [[m.group(0), *(g or "" for g in m.groups())] for m in re.finditer(pattern, text)]


def _hash(name: str) -> Callable[[str], str]:
    return lambda text: hashlib.new(name, text.encode()).hexdigest()


def _match_gvk(resource: Any, api_version: str, kind: str) -> bool:
    return isinstance(resource, dict) and (
        objects.text(resource.get("apiVersion")) == api_version
        and objects.text(resource.get("kind")) == kind
    )


def _meta(resource: Any, key: str) -> str:
    meta = resource.get("metadata") if isinstance(resource, dict) else None
    return objects.text(meta.get(key)) if isinstance(meta, dict) else ""


# module file -> (struct name, {member: implementation})
LIBRARIES: dict[str, tuple[str, dict[str, Callable[..., Any]]]] = {
    "encoding/json.star": (
        "json",
        {"encode": _json_encode, "decode": json.loads, "indent": _json_indent},
    ),
    "encoding/yaml.star": ("yaml", {"dumps": _yaml_dumps, "loads": _yaml_loads}),
    "encoding/base64.star": ("base64", {"encode": _b64_encode, "decode": _b64_decode}),
    "re.star": (
        "re",
        {"findall": _re_findall, "split": _re_split, "sub": _re_sub, "match": _re_match},
    ),
    "hash.star": (
        "hash",
        {"md5": _hash("md5"), "sha1": _hash("sha1"), "sha256": _hash("sha256")},
    ),
    "krmfn.star": (
        "krmfn",
        {
            "match_gvk": _match_gvk,
            "match_name": lambda r, name: _meta(r, "name") == name,
            "match_namespace": lambda r, ns: _meta(r, "namespace") == ns,
        },
    ),
}


def load(module: str, *, dialect: sl.Dialect, globals_: sl.Globals) -> sl.FrozenModule:
    """The frozen module ``load(module, ...)`` receives; ``ValueError`` if unknown."""
    if module not in LIBRARIES:
        raise ValueError(
            f"cannot load {module}: no such library (available: {', '.join(LIBRARIES)})"
        )
    struct_name, members = LIBRARIES[module]
    holder = sl.Module()
    for member, implementation in members.items():
        holder.add_callable(f"_{member}", implementation)
    fields = ", ".join(f"{m} = _{m}" for m in members)
    source = f"{struct_name} = struct({fields})\n"
    sl.eval(holder, sl.parse(module, source, dialect), globals_)
    return holder.freeze()


__all__ = ["LIBRARIES", "load"]
