"""A real OCI registry per test: Debian's ``docker-registry`` on a free loopback port.

Use it from a test module with ``oci_registry = ocifixtures.oci_registry``. When the binary
is missing the tests skip, except on CI (``CI=true``), where a missing registry is a broken
machine and fails.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from porch.local.registry import RegistryServer, registry_binary


def require_registry() -> None:
    if registry_binary() is not None:
        return
    message = "docker-registry is not installed (apt-get install -y docker-registry)"
    if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
        pytest.fail(message + "; CI must provide it", pytrace=False)
    pytest.skip(message)


@pytest.fixture
def oci_registry(tmp_path: Path) -> Iterator[RegistryServer]:
    require_registry()
    with RegistryServer(store_dir=tmp_path / "registry") as server:
        yield server
