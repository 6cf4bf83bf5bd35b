"""Every service that opens ``porch_secrets`` gets the at-rest key in the rendered manifests.

The apiserver, orchestrator and git-sync read and write Secrets (``SecretStore.open``);
each must mount the ``porch-secrets-key`` Secret read-only and name a file inside that
mount in ``PORCH_SECRETS_KEY_FILE``, or it would store Secrets in plaintext.
"""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from porch.eventlog.secrets import KEY_FILE_ENV
from tests.unit.test_deploy_manifests import KUBECTL, OVERLAYS, _one, _render

pytestmark = pytest.mark.skipif(KUBECTL is None, reason="kubectl is not on PATH")

USERS = ("porch-apiserver", "porch-orchestrator", "porch-git-sync")


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("deployment", USERS)
def test_secret_users_mount_the_key_and_name_it(overlay: str, deployment: str) -> None:
    pod = _one(_render(overlay), "Deployment", deployment)["spec"]["template"]["spec"]
    [container] = pod["containers"]
    env = {e["name"]: e.get("value") for e in container.get("env", [])}
    key_file = PurePosixPath(env[KEY_FILE_ENV])
    volumes = {v["name"]: v for v in pod["volumes"]}
    [mount] = [m for m in container["volumeMounts"] if key_file.is_relative_to(m["mountPath"])]
    assert mount.get("readOnly") is True
    assert volumes[mount["name"]]["secret"]["secretName"] == "porch-secrets-key"
    assert str(key_file.relative_to(mount["mountPath"])) == "key"
