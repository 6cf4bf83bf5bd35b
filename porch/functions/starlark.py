"""starlark: run a user's Starlark script over the resources, sandboxed.

Port of the catalog's ``starlark`` function on the starlark-rust interpreter (PyPI
``starlark-pyo3``): config is ``StarlarkRun`` (``source``, free-form ``params``) or a
ConfigMap (``data.source`` plus other keys); the script reads and edits
``ctx.resource_list["items"]`` (it may add or drop items) and may ``load()`` the libraries
of ``starlark_libs``. The script gets no file, network, clock or environment access
(``ctx.environment`` is empty, ``ctx.open_api`` too) and is cancelled after
``TIME_LIMIT_SECONDS``. ``fail(msg)`` fails the function with ``fail: msg`` like the
catalog. Unlike Go Starlark, ``while`` loops and ``set()`` are not available.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any

import starlark as sl

from porch.functions import objects, starlark_libs, starlark_values
from porch.functions.failures import FunctionFailed
from porch.krm.resourcelist import ResourceList
from porch.krm.yamlview import Map

TIME_LIMIT_SECONDS = 30.0
DEFAULT_NAME = "starlark-function-run"
PAIR = "internal.config.kubernetes.io/porch-starlark-pair"  # in-call bookkeeping only
_RL = "_porch_resource_list"
_PRELUDE = f"ctx = struct(resource_list = {_RL}, environment = {{}}, open_api = {{}})\n"


@dataclass(frozen=True)
class Script:
    name: str
    source: str


def _gvk(api_version: str, kind: str) -> str:
    grp, _, version = api_version.rpartition("/")
    return f"{grp}/{version}, Kind={kind}"


def _script(fc: Map | None) -> Script:
    if fc is None:
        raise ValueError("FunctionConfig is missing. Expect `ConfigMap` or `StarlarkRun`")
    if objects.kind(fc) == "ConfigMap" and objects.group(fc) == "":
        script = Script(objects.name(fc), objects.config_data(fc).get("source", ""))
    elif objects.kind(fc) == "StarlarkRun" and objects.group(fc) == objects.FN_GROUP:
        script = Script(objects.name(fc), objects.text(fc.get("source")))
    else:
        raise ValueError(
            f"`functionConfig` must be either {_gvk('v1', 'ConfigMap')} or "
            f"{_gvk('fn.kpt.dev/v1alpha1', 'StarlarkRun')}, but we got: "
            f"{_gvk(objects.api_version(fc), objects.kind(fc))}"
        )
    if not script.source:
        raise ValueError("`source` must not be empty")
    return Script(script.name or DEFAULT_NAME, script.source)


@dataclass
class _Sandbox:
    """Interpreter settings and what the script printed or failed with."""

    deadline: float
    printed: list[str] = field(default_factory=list)
    failure: str | None = None
    dialect: sl.Dialect = field(default_factory=sl.Dialect.extended)
    globals_: sl.Globals = field(
        default_factory=lambda: sl.Globals.extended_by([sl.LibraryExtension.StructType])
    )

    def __post_init__(self) -> None:
        self.dialect.enable_top_level_stmt = True

    def print(self, *args: Any, sep: str = " ") -> None:
        self.printed.append(sep.join(_show(a) for a in args))

    def fail(self, *args: Any, sep: str = " ") -> None:
        self.failure = "fail: " + sep.join(_show(a) for a in args)
        raise RuntimeError(self.failure)

    def load(self, module: str) -> sl.FrozenModule:
        return starlark_libs.load(module, dialect=self.dialect, globals_=self.globals_)

    def execute(self, script: Script, resource_list: dict[str, Any]) -> Any:
        module = sl.Module()
        module[_RL] = resource_list
        module.add_callable("print", self.print)
        module.add_callable("fail", self.fail)
        sl.eval(module, sl.parse("<prelude>", _PRELUDE, self.dialect), self.globals_)
        program = sl.parse(script.name, script.source, self.dialect)
        options = sl.EvalOptions(check_cancelled=lambda: time.monotonic() > self.deadline)
        sl.eval_with(options, module, program, self.globals_, sl.FileLoader(self.load))
        return module[_RL]


def _show(value: Any) -> str:
    """A value as Starlark's ``str()`` shows it (strings bare, others as literals)."""
    if isinstance(value, str):
        return value
    return _literal(value)


def _literal(value: Any) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_literal(k)}: {_literal(v)}" for k, v in value.items()) + "}"
    return str(value)


_LOCATION = re.compile(r"-->\s*(?P<file>.*):(?P<line>\d+):(?P<col>\d+)")
_UNEXPECTED = re.compile(r"Parse error: unexpected (?P<got>.+?) here, expected (?P<want>.+)")


def describe(error: str, *, failure: str | None) -> str:
    """A starlark-rust error worded like Go Starlark's (``name:line:col: message``)."""
    if failure is not None:
        return failure
    lines = error.strip().splitlines()
    message = next(
        (ln.removeprefix("error: ") for ln in lines if ln.startswith("error: ")),
        lines[-1] if lines else error,
    )
    parse = _UNEXPECTED.search(message)
    if parse is not None:
        got = "newline" if parse.group("got") == "new line" else parse.group("got")
        message = (
            f"got {got}, want primary expression"
            if "IDENTIFIER" in parse.group("want")
            else f"got {got}, want {parse.group('want')}"
        )
    location = _LOCATION.search(error)
    if location is None:
        return message
    return f"{location.group('file')}:{location.group('line')}:{location.group('col')}: {message}"


def _wrap(rl: ResourceList) -> dict[str, Any]:
    items = []
    for number, item in enumerate(rl.items):
        plain = starlark_values.to_plain(item)
        meta = plain.setdefault("metadata", {})
        if isinstance(meta, dict):
            meta.setdefault("annotations", {})[PAIR] = str(number)
        items.append(plain)
    wrapped: dict[str, Any] = {
        "apiVersion": "config.kubernetes.io/v1",
        "kind": "ResourceList",
        "items": items,
    }
    if rl.function_config is not None:
        wrapped["functionConfig"] = starlark_values.to_plain(rl.function_config)
    return wrapped


def _unwrap(rl: ResourceList, output: Any) -> list[Map]:
    items = output.get("items") if isinstance(output, dict) else None
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise ValueError('ctx.resource_list["items"] must be a list of objects')
    originals = dict(enumerate(rl.items))
    merged = []
    for item in items:
        pair = _take_pair(item)
        original = originals.pop(int(pair), None) if pair.isdigit() else None
        if original is not None:
            _forget_scaffolding(item, original)
        if original is None:
            merged.append(starlark_values.to_node(item))
        else:
            merged.append(starlark_values.merge_map(original, item))
    return merged


def _take_pair(item: dict[str, Any]) -> str:
    meta = item.get("metadata")
    notes = meta.get("annotations") if isinstance(meta, dict) else None
    pair = notes.pop(PAIR, None) if isinstance(notes, dict) else None
    return pair if isinstance(pair, str) else ""


def _forget_scaffolding(item: dict[str, Any], original: Map) -> None:
    """Drop the empty ``metadata``/``annotations`` maps ``_wrap`` added to carry the pair."""
    meta = item.get("metadata")
    if not isinstance(meta, dict):
        return
    had_meta = isinstance(original.get("metadata"), dict)
    if meta.get("annotations") == {} and not (had_meta and "annotations" in original["metadata"]):
        del meta["annotations"]
    if meta == {} and not had_meta:
        del item["metadata"]


def _drop_pair(items: list[Map]) -> None:
    for item in items:
        notes = objects.metadata(item).get("annotations")
        if isinstance(notes, Map):
            notes.pop(PAIR, None)


def run(rl: ResourceList) -> ResourceList:
    return execute(rl, time_limit_seconds=TIME_LIMIT_SECONDS)


def execute(rl: ResourceList, *, time_limit_seconds: float) -> ResourceList:
    """``run`` with an explicit limit on the script's running time."""
    try:
        script = _script(rl.function_config)
    except ValueError as exc:
        raise FunctionFailed(str(exc)) from None
    sandbox = _Sandbox(deadline=time.monotonic() + time_limit_seconds)
    wrapped = _wrap(rl)
    try:
        output = sandbox.execute(script, wrapped)
        rl.items = _unwrap(rl, output)
    except sl.StarlarkError as exc:
        printed = "\n".join(sandbox.printed)
        raise FunctionFailed(describe(str(exc), failure=sandbox.failure), stderr=printed) from None
    except ValueError as exc:
        raise FunctionFailed(str(exc)) from None
    _drop_pair(rl.items)
    rl.stderr = "\n".join(sandbox.printed)  # print() goes to stderr, as in the catalog
    return rl


__all__ = ["DEFAULT_NAME", "TIME_LIMIT_SECONDS", "Script", "describe", "execute", "run"]
