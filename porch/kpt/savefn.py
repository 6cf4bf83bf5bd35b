"""``kpt fn eval --save``: record the function just run in the package's Kptfile pipeline.

Why it exists: ``--save --type mutator|validator`` turns an imperative call into a
declarative pipeline step. kpt replaces an entry with the same image (or exec command) or
appends one, with ``configPath`` made relative to the package or the ``k=v`` arguments as
``configMap``, and — unlike other Kptfile writes — keeps the file's comments and key
order (copied back from the old file).

Pure apart from ``save``, which reads and rewrites the one Kptfile.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from porch.kpt import healing, kptfile, kptfilewriting, writing
from porch.kpt.kptfile import Function, Kptfile, Pipeline, Selector
from porch.krm import yamlio


def new_function(
    *,
    image: str,
    exec_command: str,
    tag: str,
    arguments: list[str],
    config_path: str,
    selector: Selector,
    exclusion: Selector,
) -> Function:
    data = {}
    for number, argument in enumerate(arguments):
        key, sep, value = argument.partition("=")
        if number == 0 and not sep:
            continue
        data[key] = value
    return Function(
        image=image,
        exec="" if image else exec_command,
        tag=tag if image else "",
        config_path=config_path,
        config_map=data if not config_path else {},
        selectors=() if selector.is_empty() else (selector,),
        exclude=() if exclusion.is_empty() else (exclusion,),
    )


def updated(kf: Kptfile, fn: Function, *, kind: str) -> tuple[Kptfile, str]:
    """``kf`` with ``fn`` replacing its namesake (same image or exec) or appended."""
    pipeline = kf.pipeline or Pipeline()
    current = list(pipeline.mutators if kind == "mutator" else pipeline.validators)
    shown = fn.image or fn.exec
    verb = "Added"
    for index, old in enumerate(current):
        if (old.image and old.image == fn.image) or (old.exec and old.exec == fn.exec):
            current[index] = fn
            verb = "Updated"
    if verb == "Added":
        current.append(fn)
    field = "mutators" if kind == "mutator" else "validators"
    return replace(kf, pipeline=replace(pipeline, **{field: tuple(current)})), (
        f'{verb} "{shown}" as {kind} in the Kptfile.\n'
    )


def relative_config_path(package: Path, fn_config: Path | None) -> str:
    if fn_config is None:
        return ""
    return os.path.relpath(os.path.abspath(fn_config), os.path.abspath(package))


def save(package: Path, fn: Function, *, kind: str) -> str:
    """Rewrite ``package``'s Kptfile with ``fn`` in its pipeline; returns kpt's message."""
    path = package / kptfile.FILE_NAME
    text = path.read_text(encoding="utf-8")
    kf = kptfile.parse(text, source=str(package))
    new_kf, message = updated(kf, fn, kind=kind)
    node = kptfilewriting.to_node(new_kf)
    healing.heal(yamlio.load(text, source=str(path)), node)
    rendered = yamlio.dump(node, compact_sequences=False)
    writing.apply(writing.Plan(files={kptfile.FILE_NAME: rendered}), root=package)
    return message


__all__ = ["new_function", "relative_config_path", "save", "updated"]
