"""The package tree a render walks: each package's directory, Kptfile and display name.

Why it exists: before any function runs kpt reads and validates every Kptfile it meets
(strict schema, pipeline rules, ``configPath`` files), names packages for its console
(``root/sub`` from directory names) and lists direct subpackages in path order. Render
asks this module and nothing else about the tree.

Reads Kptfiles and config files; never writes. It must not run functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from porch.kpt import fnconfig, kptfile, reading
from porch.kpt.kptfile import Kptfile, Pipeline


@dataclass
class Package:
    path: Path
    rel: str
    display: str
    kptfile: Kptfile
    parent: Package | None = None

    @property
    def pipeline(self) -> Pipeline:
        return self.kptfile.effective_pipeline()


def load_kptfile(directory: Path) -> Kptfile:
    """The directory's Kptfile; ``KptfileNotFound``/``KptfileError`` name the directory."""
    path = directory / kptfile.FILE_NAME
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise kptfile.KptfileNotFound(str(directory)) from exc
    return kptfile.parse(text, source=str(directory))


def validate(package: Package) -> None:
    """kpt's ``Kptfile.Validate``: pipeline rules and ``configPath`` files; ``ConfigError``."""
    pipeline = package.pipeline
    for kind, functions in (("mutators", pipeline.mutators), ("validators", pipeline.validators)):
        for index, fn in enumerate(functions):
            problem = kptfile.validate_function(fn, kind=kind, index=index)
            if problem is not None:
                raise fnconfig.ConfigError(problem, image=fn.image)
            if fn.config_path:
                fnconfig.validated_config_path(
                    package.path,
                    fn.config_path,
                    field=f"pipeline.{kind}[{index}].configPath",
                    image=fn.image,
                )


def root(directory: Path) -> Package:
    path = directory.resolve()
    package = Package(path=path, rel="", display=path.name, kptfile=load_kptfile(path))
    validate(package)
    return package


def subpackage_dirs(package: Package) -> list[Path]:
    return [package.path / rel for rel in reading.direct_subpackages(package.path)]


def child(parent: Package, directory: Path, *, root_path: Path) -> Package:
    """A subpackage; its Kptfile is read (errors propagate) but not yet validated."""
    return Package(
        path=directory,
        rel=directory.relative_to(root_path).as_posix(),
        display=f"{parent.display}/{directory.name}",
        kptfile=load_kptfile(directory),
        parent=parent,
    )


__all__ = ["Package", "child", "load_kptfile", "root", "subpackage_dirs", "validate"]
