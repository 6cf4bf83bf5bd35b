"""``source`` and ``sink``: a package directory as a ResourceList and back.

Why it exists: render and eval are compositions of three primitives — read a package,
run functions, write it back — and ``kpt fn source``/``kpt fn sink`` expose the first and
the last on their own. These two functions are that public surface; ``reading`` and
``writing`` hold the mechanics.

File I/O only under the given directories. It must not run functions.
"""

from __future__ import annotations

from pathlib import Path

from porch.errors import Invalid
from porch.kpt import reading, writing
from porch.krm.resourcelist import ResourceList


def source(directory: Path, *, function_config: Path | None = None) -> ResourceList:
    """Every resource under ``directory`` (subpackages included) with path bookkeeping."""
    if not directory.is_dir():
        raise Invalid(f"{directory}: not a directory")
    items = reading.read_package(directory, options=reading.Options(include_subpackages=True))
    config = None
    if function_config is not None:
        configs = reading.read_file(function_config.parent, function_config)
        if len(configs) != 1:
            raise Invalid(f"expected exactly 1 functionConfig, found {len(configs)}")
        config = configs[0]
    return ResourceList(items=items, function_config=config)


def sink(resource_list: ResourceList, directory: Path) -> list[str]:
    """Write the resources into a new ``directory`` by their path bookkeeping."""
    if directory.exists():
        raise Invalid(
            f'directory "{directory}" already exists, please delete the directory and retry'
        )
    planned = writing.plan(list(resource_list.items), root=directory)
    directory.mkdir(parents=True)
    return writing.apply(planned, root=directory)


def write_back(resource_list: ResourceList, directory: Path, *, deletes: set[str]) -> list[str]:
    """Write the resources in place, deleting ``deletes`` (files that lost every resource)."""
    return writing.write(list(resource_list.items), root=directory, deletes=deletes)


__all__ = ["sink", "source", "write_back"]
