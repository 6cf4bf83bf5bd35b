"""A tiny builtin registry shared by the function runner tests, and tests of loading one.

The registry is Python source written to a temporary directory, so the runner can import
it in-process (``load``) and its worker processes can import it by name from
``PYTHONPATH`` — the same two ways ``porch.functions.registry`` is used.
"""

from __future__ import annotations

import importlib.util
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from porch.errors import Invalid
from porch_fnrunner.registries import load_lookup

pytestmark = pytest.mark.integration

MODULE = "fnrunner_tiny_registry"
SPEC = f"{MODULE}:lookup"

SET_TEAM = "example.com/set-team:v1"
VALIDATE = "example.com/validate:v1"
REJECT = "example.com/reject:v1"
EXPLODE = "example.com/explode:v1"
HANG = "example.com/hang:v1"
CRASH = "example.com/crash:v1"
PID = "example.com/pid:v1"
SCRIBBLE = "example.com/scribble:v1"
NOT_A_LIST = "example.com/not-a-list:v1"
HUGE = "example.com/huge:v1"
FLAKY = "example.com/flaky:v1"

SOURCE = '''
"""A tiny builtin registry for the function runner tests."""
import os
import sys
import threading
import time

from porch.errors import Cause, Invalid

RELEASE = threading.Event()  # set by the tests to end in-process hangs


def set_team(rl):
    team = ((rl.function_config or {}).get("data") or {}).get("team", "none")
    for item in rl.items:
        item.setdefault("metadata", {}).setdefault("labels", {})["team"] = team
    rl.results.append({"message": "labelled", "severity": "info"})
    return rl


def validate(rl):
    rl.results = [
        {
            "message": "replicas must be set",
            "severity": "error",
            "resourceRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "b"},
            "field": {"path": "spec.replicas"},
        },
        {"message": "looks fine otherwise", "severity": "info"},
    ]
    return rl


def reject(rl):
    cause = Cause("FieldValueRequired", "required", "data.team")
    raise Invalid("bad functionConfig", causes=[cause])


def explode(rl):
    raise ValueError("kaboom")


def hang(rl):
    RELEASE.wait(20)
    return rl


def crash(rl):
    os._exit(7)


def pid(rl):
    rl.items.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "pid"},
                     "data": {"pid": str(os.getpid())}})
    return rl


def scribble(rl):
    print("a stray print")
    os.write(1, b"raw bytes on fd 1")
    return rl


def not_a_list(rl):
    return "not a ResourceList"


def huge(rl):
    rl.items.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "huge"},
                     "data": {"blob": "x" * 200000}})
    return rl


def flaky(rl):
    """Like ``pid``, unless an item's name asks for trouble."""
    names = {item["metadata"]["name"] for item in rl.items}
    if "crash" in names:
        print("flaky: dying now", file=sys.stderr, flush=True)
        os._exit(7)
    if "hang" in names:
        time.sleep(20)
    if "slow" in names:
        time.sleep(0.5)
    return pid(rl)


FUNCTIONS = {
    "example.com/flaky:v1": flaky,
    "example.com/set-team:v1": set_team,
    "example.com/validate:v1": validate,
    "example.com/reject:v1": reject,
    "example.com/explode:v1": explode,
    "example.com/hang:v1": hang,
    "example.com/crash:v1": crash,
    "example.com/pid:v1": pid,
    "example.com/scribble:v1": scribble,
    "example.com/not-a-list:v1": not_a_list,
    "example.com/huge:v1": huge,
}


def lookup(image):
    return FUNCTIONS.get(image)
'''

INPUT = yaml.safe_dump(
    {
        "apiVersion": "config.kubernetes.io/v1",
        "kind": "ResourceList",
        "items": [
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}},
            {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "b"}},
        ],
        "functionConfig": {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "function-input"},
            "data": {"team": "blue"},
        },
    }
).encode()

VALIDATE_ERROR = {
    "message": "replicas must be set",
    "severity": "error",
    "resourceRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "b"},
    "field": {"path": "spec.replicas"},
}


@dataclass
class TinyRegistry:
    module: ModuleType
    directory: Path
    spec: str = SPEC


def write_registry(directory: Path) -> TinyRegistry:
    """Write the registry module into ``directory`` and load it (not via ``sys.modules``)."""
    path = directory / f"{MODULE}.py"
    path.write_text(textwrap.dedent(SOURCE))
    spec = importlib.util.spec_from_file_location(MODULE, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return TinyRegistry(module, directory)


def named(name: str) -> bytes:
    """A ResourceList whose one item is called ``name`` (steers ``flaky``)."""
    item = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}}
    rl = {"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList", "items": [item]}
    return yaml.safe_dump(rl).encode()


def pid_of(output: bytes) -> int:
    items = yaml.safe_load(output)["items"]
    return int(next(i for i in items if i["metadata"]["name"] == "pid")["data"]["pid"])


def test_registry_loads_by_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_registry(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        lookup = load_lookup(SPEC)
        assert lookup is not None
        assert lookup(SET_TEAM) is not None
        assert lookup("example.com/unknown:v1") is None
    finally:
        sys.modules.pop(MODULE, None)


def test_missing_registry_means_no_builtins() -> None:
    assert load_lookup("porch_fnrunner_no_such_module:lookup") is None


def test_registry_attribute_must_be_callable() -> None:
    with pytest.raises(Invalid, match="does not name a callable"):
        load_lookup("porch_fnrunner.frames:PROTOCOL")
