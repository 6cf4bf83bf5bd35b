"""pull and push: a revision's files (PackageRevisionResources) to and from disk or stdio.

``pull`` adds ``.KptRevisionMetadata`` (the object's metadata, with its resourceVersion) so
that ``push`` can update optimistically: a push over someone else's change gets 409.
Without DIR, pull prints a ResourceList and push reads one from stdin (items grouped into
files by their ``config.kubernetes.io/path`` annotation), as kpt's ``fn source/sink`` do.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from porch.porchctl import client as api
from porch.porchctl.failures import CliError
from porch.porchctl.session import Session

Json = dict[str, Any]
METADATA_FILE = ".KptRevisionMetadata"
METADATA_KIND = "KptRevisionMetadata"
PLURAL = "packagerevisionresources"
_YAML_SUFFIXES = (".yaml", ".yml", ".json")


def revision_metadata(prr: Json) -> str:
    """The ``.KptRevisionMetadata`` file for a PackageRevisionResources object."""
    from porch.porchctl.printing import to_yaml

    return to_yaml(
        {
            "apiVersion": prr.get("apiVersion") or "porch.kpt.dev/v1alpha1",
            "kind": METADATA_KIND,
            "metadata": prr.get("metadata") or {},
        }
    )


def listed_in_resource_list(path: str) -> bool:
    """kpt's match for files that hold KRM objects (the rest stay out of a ResourceList)."""
    base = path.rsplit("/", 1)[-1]
    return base in ("Kptfile", METADATA_FILE) or base.endswith(_YAML_SUFFIXES)


def resource_list(files: dict[str, str]) -> str:
    """Files as one ResourceList, each object annotated with its path and index."""
    from porch.krm import resourcelist as rl
    from porch.krm import yamlio

    items = []
    for path in sorted(p for p in files if listed_in_resource_list(p)):
        for index, doc in enumerate(yamlio.load_all(files[path], source=path)):
            if not isinstance(doc, dict):
                continue
            node = yamlio.to_node(doc)
            for key in (rl.PATH, rl.INTERNAL_PATH):
                rl.set_annotation(node, key, path)
            for key in (rl.INDEX, rl.INTERNAL_INDEX):
                rl.set_annotation(node, key, str(index))
            items.append(node)
    return rl.serialize(rl.ResourceList(items=items))


def files_from_resource_list(text: str) -> dict[str, str]:
    """The inverse of ``resource_list``: path -> file text, bookkeeping annotations removed."""
    from porch.krm import resourcelist as rl
    from porch.krm import yamlio

    parsed = rl.parse(text, source="<stdin>")
    grouped: dict[str, list[Any]] = {}
    for item in parsed.items:
        notes = rl.annotations_of(item)
        path = str(notes.get(rl.PATH) or notes.get(rl.INTERNAL_PATH) or "")
        if not path:
            meta = item.get("metadata") or {}
            path = (
                f"{meta.get('namespace') or 'non-namespaced'}/{meta.get('name') or 'unnamed'}.yaml"
            )
        annotations = (item.get("metadata") or {}).get("annotations")
        if annotations is not None:
            for key in rl.BOOKKEEPING:
                annotations.pop(key, None)
            if not annotations:
                del item["metadata"]["annotations"]
        grouped.setdefault(path, []).append(item)
    return {path: yamlio.dump_all(docs) for path, docs in grouped.items()}


def read_dir(root: Path) -> dict[str, str]:
    files: dict[str, str] = {}
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            full = Path(dirpath) / name
            if not full.is_file():
                continue
            rel = full.relative_to(root).as_posix()
            try:
                files[rel] = full.read_bytes().decode("utf-8")
            except UnicodeDecodeError:
                raise CliError(
                    f"file {full} is not a valid UTF-8 text file: current porch API doesn't "
                    "support binary files"
                ) from None
    return files


def resource_version(files: dict[str, str], *, namespace: str, name: str) -> str:
    """The resourceVersion recorded by pull (removes ``.KptRevisionMetadata`` from files)."""
    import yaml

    text = files.pop(METADATA_FILE, None)
    if text is None:
        raise CliError(
            f"{METADATA_FILE!r} not found in PackageRevisionResources '{namespace}/{name}'\n"
            'use "porchctl rpkg pull" to download the remote package metadata before pushing'
        )
    try:
        doc = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise CliError(f"failed to parse {METADATA_FILE!r}: {exc}") from exc
    if not isinstance(doc, dict) or doc.get("kind") != METADATA_KIND:
        raise CliError(f"{METADATA_FILE!r} does not contain kind {METADATA_KIND!r}")
    return str((doc.get("metadata") or {}).get("resourceVersion") or "")


def pull(s: Session, name: str, directory: str | None) -> None:
    prr = s.client.get(api.item(api.PORCH, PLURAL, s.namespace, name))
    files = dict((prr.get("spec") or {}).get("resources") or {})
    files[METADATA_FILE] = revision_metadata(prr)
    if directory is None:
        s.out.write(resource_list(files))
        return
    root = Path(directory)
    if root.exists() and any(root.iterdir()):
        raise CliError(f"directory {str(root)!r} already exists and is not empty")
    for path, text in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o750)
        target.write_text(text)


def push(s: Session, name: str, directory: str | None) -> None:
    if directory in (None, "-"):
        files = files_from_resource_list(s.stdin.read())
    else:
        files = read_dir(Path(directory))
    rv = resource_version(files, namespace=s.namespace, name=name)
    body: Json = {
        "apiVersion": "porch.kpt.dev/v1alpha1",
        "kind": "PackageRevisionResources",
        "metadata": {"name": name, "namespace": s.namespace},
        "spec": {"resources": files},
    }
    if rv:
        body["metadata"]["resourceVersion"] = rv
    answer = s.client.request("PUT", api.item(api.PORCH, PLURAL, s.namespace, name), body=body)
    render = (answer.get("status") or {}).get("renderStatus") or {}
    if render.get("error"):
        s.warn("Package is updated, but failed to render the package.")
        s.warn(f"Error: {render['error']}")
    for line in render_lines(render):
        s.warn(line)
    s.say(f"{name} pushed")


def render_lines(render: Json) -> list[str]:
    """``[RUNNING]``/``[PASS]``/``[FAIL]`` and each function's results, as Porch prints them."""
    lines = []
    for result in ((render.get("result") or {}).get("items")) or []:
        image = str(result.get("image") or result.get("exec") or "")
        lines.append(f'[RUNNING] "{image}"')
        verdict = "FAIL" if result.get("exitCode") else "PASS"
        lines.append(f'[{verdict}] "{image}"')
        found = [result_text(r) for r in result.get("results") or []]
        if found:
            lines.append("  Results:")
            lines.extend(f"    {text}" for text in found)
    return lines


def result_text(item: Json) -> str:
    """``[severity] apiVersion/Kind/namespace/name field: message``."""
    ref = item.get("resourceRef") or {}
    ident = "/".join(str(ref[k]) for k in ("apiVersion", "kind", "namespace", "name") if ref.get(k))
    text = f"[{item.get('severity') or 'info'}]"
    if ident:
        text += f" {ident}"
    if (item.get("field") or {}).get("path"):
        text += f" {item['field']['path']}"
    return f"{text}: {item.get('message', '')}"


__all__ = [
    "files_from_resource_list",
    "pull",
    "push",
    "read_dir",
    "render_lines",
    "resource_list",
    "resource_version",
    "result_text",
    "revision_metadata",
]
