"""Flags and environment of the function runner, parsed into ``Settings`` (pure)."""

from __future__ import annotations

from pathlib import Path

import pytest

from porch.errors import Invalid
from porch_fnrunner.__main__ import parse_settings
from porch_fnrunner.settings import Settings


def test_defaults() -> None:
    settings = parse_settings([], {})
    assert settings == Settings()
    assert settings.builtins == "thread"
    assert settings.builtin_registry == "porch.functions.registry:lookup"
    assert (settings.pool_ttl, settings.pool_max_size, settings.scan_interval) == (1800, 16, 60)
    assert settings.pod_namespace is None
    assert settings.function_entrypoint == ("function",)


def test_pool_and_pod_flags(tmp_path: Path) -> None:
    env = {
        "PORCH_FNRUNNER_BUILTINS": "process",
        "PORCH_FNRUNNER_POOL_TTL": "90",
        "PORCH_FNRUNNER_POD_NAMESPACE": "fns",
        "PORCH_FNRUNNER_WORKER_PYTHONPATH": f"{tmp_path}/a:{tmp_path}/b",
    }
    argv = [
        "--pool-max-size=4",
        "--max-concurrent-calls=8",
        "--kubeconfig",
        str(tmp_path / "kubeconfig"),
        "--function-entrypoint",
        "/bin/fn --flag 'two words'",
        "--pool-ttl=120",
    ]
    settings = parse_settings(argv, env)
    assert settings.builtins == "process"
    assert settings.pool_ttl == 120
    assert settings.pool_max_size == 4
    assert settings.max_concurrent_calls == 8
    assert settings.pod_namespace == "fns"
    assert settings.kubeconfig == tmp_path / "kubeconfig"
    assert settings.function_entrypoint == ("/bin/fn", "--flag", "two words")
    assert settings.worker_pythonpath == (f"{tmp_path}/a", f"{tmp_path}/b")


@pytest.mark.parametrize(
    "argv",
    [
        ["--builtins", "fork"],
        ["--pool-max-size", "0"],
        ["--max-concurrent-calls", "0"],
        ["--pool-ttl", "0"],
        ["--pod-port", "70000"],
        ["--function-entrypoint", ""],
    ],
)
def test_bad_flags_exit(argv: list[str]) -> None:
    with pytest.raises(SystemExit):
        parse_settings(argv, {})


def test_settings_collect_every_problem() -> None:
    with pytest.raises(Invalid) as caught:
        Settings(listen="nowhere", pool_queue_length=-1, pod_namespace="", scan_interval=0)
    fields = {c.field for c in caught.value.causes}
    assert fields == {"listen", "pool_queue_length", "pod_namespace", "scan_interval"}
