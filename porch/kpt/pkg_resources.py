"""A package's KRM files as resources and back, the way kyaml's package reader/writer does.

Reading: ``*.yaml``/``*.yml`` files of one package (not of nested packages, not what
``.krmignore`` excludes), split into documents; each resource remembers its file, its
position in the file and whether its sequences were written "compact" or "wide".
Writing: resources grouped by file and sorted by position, empty ``annotations`` and
``metadata`` dropped (kyaml's reader annotations leave that mark on every file it writes),
files left without resources deleted. Works on ``{path: bytes}`` maps; no I/O.
"""

from __future__ import annotations

import fnmatch
import posixpath
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from porch.errors import Invalid
from porch.kpt import krmignore
from porch.krm import yamlemit, yamlparse
from porch.krm.yamlnode import MAP, SEQ, Node
from porch.krm.yamlparse import Document

KPTFILE = "Kptfile"
KRM_PATTERNS = ("*.yaml", "*.yml")
KRMIGNORE = ".krmignore"

Files = Mapping[str, bytes]


@dataclass
class Resource:
    """One document of a package file."""

    doc: Document
    path: str
    index: int
    seq_indent: str = yamlemit.COMPACT

    @property
    def node(self) -> Node:
        return self.doc.root


def is_yaml_name(path: str) -> bool:
    name = posixpath.basename(path)
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in KRM_PATTERNS)


def derive_seq_indent(text: str) -> str:
    """kyaml's DeriveSeqIndentStyle: the first block sequence decides."""
    lines = text.split("\n")
    for number, line in enumerate(lines):
        before, sep, _ = line.partition("- ")
        if not sep or before.strip(" "):
            continue
        key_line = _key_line_before(lines, number)
        if not key_line:
            continue
        trimmed = key_line.strip(" ")
        if trimmed.count(":") != 1 or not trimmed.endswith(":"):
            continue
        key_indent = len(key_line) - len(key_line.lstrip(" "))
        if len(before) == key_indent:
            return yamlemit.COMPACT
        if len(before) - key_indent == 2:
            return yamlemit.WIDE
    return yamlemit.COMPACT


def _key_line_before(lines: list[str], number: int) -> str:
    for line in reversed(lines[:number]):
        if line.strip(" ").startswith("#"):
            continue
        return line.split("#", 1)[0]  # without its trailing comment
    return ""


def parse_file(path: str, text: str) -> list[Resource]:
    """The resources of one file, numbered like kyaml (empty documents skipped)."""
    resources: list[Resource] = []
    for part in yamlparse.split_documents(text, source=path):
        doc = yamlparse.parse(part, source=path)
        if doc is None or doc.root.tag == "!!null":
            continue
        if doc.root.kind not in (MAP, SEQ):
            raise Invalid(f"{path}: [{len(resources)}]: a resource must be a mapping")
        indent = derive_seq_indent(part)
        resources.append(Resource(doc=doc, path=path, index=len(resources), seq_indent=indent))
    return resources


def format_file(resources: Iterable[Resource]) -> str:
    ordered = sorted(resources, key=lambda r: r.index)
    for resource in ordered:
        clear_empty_annotations(resource.node)
    return yamlemit.emit_all([(r.doc, r.seq_indent) for r in ordered])


def clear_empty_annotations(node: Node) -> None:
    metadata = node.get("metadata") if node.kind == MAP else None
    if metadata is None or metadata.kind != MAP:
        return
    annotations = metadata.get("annotations")
    if annotations is not None and not annotations.content:
        metadata.remove("annotations")
    if not metadata.content:
        node.remove("metadata")


def package_paths(files: Files, *, subpackages: bool = False) -> list[str]:
    """Paths of the package's own files (sorted), leaving out nested packages unless asked
    and what a package's ``.krmignore`` hides."""
    nested = nested_packages(files)
    matchers = {
        d: krmignore.parse(files[_join(d, KRMIGNORE)].decode("utf-8", "replace"))
        for d in ["", *nested]
        if _join(d, KRMIGNORE) in files
    }
    paths = []
    for path in sorted(files):
        if not subpackages and any(path.startswith(d + "/") for d in nested):
            continue
        if "/.git/" in "/" + path or _ignored(path, matchers):
            continue
        paths.append(path)
    return paths


def _join(directory: str, name: str) -> str:
    return f"{directory}/{name}" if directory else name


def nested_packages(files: Files) -> list[str]:
    """Directories below the root that hold a Kptfile, shallowest first."""
    dirs = {posixpath.dirname(p) for p in files if posixpath.basename(p) == KPTFILE}
    return sorted((d for d in dirs if d), key=lambda d: (d.count("/"), d))


def _ignored(path: str, matchers: dict[str, krmignore.Matcher]) -> bool:
    """Whether the ``.krmignore`` of a package holding ``path`` hides it or a parent."""
    for directory, matcher in matchers.items():
        if directory and not path.startswith(directory + "/"):
            continue
        relative = path[len(directory) + 1 :] if directory else path
        parts = relative.split("/")
        for depth in range(1, len(parts) + 1):
            if matcher.ignored("/".join(parts[:depth]), is_dir=depth < len(parts)):
                return True
    return False


def read_resources(files: Files, *, subpackages: bool = False) -> list[Resource]:
    resources: list[Resource] = []
    for path in package_paths(files, subpackages=subpackages):
        if is_yaml_name(path):
            resources.extend(parse_file(path, files[path].decode("utf-8")))
    return resources


def write_resources(
    files: Files, resources: Iterable[Resource], *, read_from: set[str]
) -> dict[str, bytes]:
    """``files`` with the resource files replaced: each path in ``read_from`` that has no
    resource left is deleted, every path with resources is rewritten."""
    by_path: dict[str, list[Resource]] = {}
    for resource in resources:
        by_path.setdefault(resource.path, []).append(resource)
    out = dict(files)
    for path in read_from - by_path.keys():
        out.pop(path, None)
    for path, group in by_path.items():
        out[path] = format_file(group).encode("utf-8")
    return out


__all__ = [
    "KPTFILE",
    "Files",
    "Resource",
    "clear_empty_annotations",
    "derive_seq_indent",
    "format_file",
    "is_yaml_name",
    "nested_packages",
    "package_paths",
    "parse_file",
    "read_resources",
    "write_resources",
]
