"""A function's ``functionConfig``: from ``configMap``, ``configPath``, ``--fn-config`` or ``k=v``.

Why it exists: kpt builds the config object four ways and validates a ``configPath`` file
strictly (one document, KRM, inside the package, one of the package's own resources);
the error texts are the ones kpt prints (``functionConfig "x" must not contain more than
one config, got 2``). Render and eval share these rules.

Reads the one config file it is asked for; nothing else. It must not run functions.
"""

from __future__ import annotations

from pathlib import Path

from porch.errors import Invalid
from porch.kpt import fnrun
from porch.kpt.kptfile import ValidationError, config_path_problem
from porch.krm import yamlio, yamlview
from porch.krm.yamlview import Map


class ConfigError(Invalid):
    """A ``configPath`` that cannot be used; ``validation`` is kpt's ``ValidateError``."""

    def __init__(self, validation: ValidationError, *, image: str = "") -> None:
        super().__init__(validation.text())
        self.validation = validation
        self.image = image


def from_config_map(data: dict[str, str]) -> Map:
    """kpt's ``function-input`` ConfigMap for a pipeline ``configMap`` (flow-style data)."""
    config: Map = yamlio.load(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: function-input\n"
    )
    values = Map((k, str(data[k])) for k in sorted(data))
    yamlview.set_flow(values, flow=True)
    config["data"] = values
    return config


def from_arguments(arguments: list[str]) -> Map:
    """``kpt fn eval ... -- k=v``: a ConfigMap (or the kind named by a first bare word)."""
    kind = "ConfigMap"
    data = Map()
    yamlview.set_flow(data, flow=True)
    for number, argument in enumerate(arguments):
        key, sep, value = argument.partition("=")
        if number == 0 and not sep:
            kind = argument
            continue
        if not sep:
            raise Invalid("args must have keys and values separated by =")
        data[key] = value
    config = Map()
    config["metadata"] = Map(name="function-input")
    config["data"] = data
    config["kind"] = kind
    config["apiVersion"] = "v1"
    return config


def read_config(path: Path, *, shown: str) -> Map:
    """A config file that must hold exactly one KRM object (``shown`` names it in errors)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        reason = exc.strerror.lower() if exc.strerror else str(exc)
        raise Invalid(
            f'failed to open functionConfig from path "{shown}": open {path}: {reason}'
        ) from exc
    try:
        docs = yamlio.parse_documents(text, source=shown)
    except Invalid as exc:
        raise Invalid(f'failed to read functionConfig "{shown}": {exc.message}') from exc
    if len(docs) > 1:
        raise Invalid(
            f'functionConfig "{shown}" must not contain more than one config, got {len(docs)}'
        )
    if not docs or not isinstance(docs[0].node, Map):
        node = docs[0].node if docs else None
        raise Invalid(_not_a_mapping(node))
    problem = fnrun.krm_problem(docs[0].node)
    if problem:
        raise Invalid(f'functionConfig "{shown}": {problem}')
    return docs[0].node


def _not_a_mapping(node: object) -> str:
    kind = "ScalarNode" if node is not None and not isinstance(node, list) else "SequenceNode"
    return f"wrong node kind: expected MappingNode but got {kind}: node contents:\n{node}\n"


def validated_config_path(package: Path, config_path: str, *, field: str, image: str = "") -> Map:
    """kpt's ``configPath`` checks at package load time; ``ConfigError`` on failure."""
    problem = config_path_problem(config_path)
    if not problem:
        try:
            return read_config(package / config_path, shown=config_path)
        except Invalid as exc:
            problem = exc.message
    raise ConfigError(ValidationError(field=field, reason=problem, value=config_path), image=image)


__all__ = [
    "ConfigError",
    "from_arguments",
    "from_config_map",
    "read_config",
    "validated_config_path",
]
