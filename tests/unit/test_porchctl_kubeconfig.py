"""kubeconfig resolution as kubectl does it (pure, plus one read of real files)."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
import yaml

from porch.porchctl import kubeconfig as kc


def doc(ctx: str, server: str, *, ns: str | None = None, token: str = "t") -> dict[str, object]:
    context: dict[str, str] = {"cluster": ctx, "user": ctx}
    if ns:
        context["namespace"] = ns
    return {
        "clusters": [
            {
                "name": ctx,
                "cluster": {
                    "server": server + "/",
                    "certificate-authority-data": base64.b64encode(b"PEM").decode(),
                },
            }
        ],
        "users": [{"name": ctx, "user": {"token": token}}],
        "contexts": [{"name": ctx, "context": context}],
        "current-context": ctx,
    }


def test_flag_beats_env_beats_home() -> None:
    env = {"KUBECONFIG": "/a:/b", "HOME": "/home/u"}
    assert kc.config_paths("/x", env) == [Path("/x")]
    assert kc.config_paths(None, env) == [Path("/a"), Path("/b")]
    assert kc.config_paths(None, {"HOME": "/home/u"}) == [Path("/home/u/.kube/config")]


def test_first_file_wins_in_a_merge() -> None:
    merged = kc.merge(
        [doc("a", "https://one", ns="n1"), doc("a", "https://two"), doc("b", "https://b")]
    )
    target = kc.resolve(merged)
    assert (target.server, target.namespace, target.context) == ("https://one", "n1", "a")
    assert target.ca_pem == b"PEM"
    assert target.token == "t"


def test_namespace_flag_then_context_then_default() -> None:
    merged = kc.merge([doc("a", "https://one", ns="ctxns"), doc("b", "https://b")])
    assert kc.resolve(merged, namespace="flag").namespace == "flag"
    assert kc.resolve(merged).namespace == "ctxns"
    assert kc.resolve(merged, context="b").namespace == "default"
    assert kc.resolve(merged, context="b").server == "https://b"


def test_unknown_context_and_empty_config_are_errors() -> None:
    merged = kc.merge([doc("a", "https://one")])
    with pytest.raises(kc.KubeconfigError, match='context "zz" does not exist'):
        kc.resolve(merged, context="zz")
    with pytest.raises(kc.KubeconfigError, match="no configuration has been provided"):
        kc.resolve(kc.merge([]))


def test_token_never_in_repr() -> None:
    target = kc.resolve(kc.merge([doc("a", "https://one", token="s3cr3t")]))
    assert "s3cr3t" not in repr(target)


def test_load_reads_files_and_reports_a_missing_flag_file(tmp_path: Path) -> None:
    path = tmp_path / "config"
    path.write_text(yaml.safe_dump(doc("porch", "https://127.0.0.1:1", ns="dev")))
    target = kc.load(kubeconfig=str(path), context=None, namespace=None, env={})
    assert (target.server, target.namespace) == ("https://127.0.0.1:1", "dev")
    env = {"KUBECONFIG": f"{tmp_path / 'absent'}:{path}"}
    assert kc.load(kubeconfig=None, context=None, namespace="x", env=env).namespace == "x"
    with pytest.raises(kc.KubeconfigError, match="no such file"):
        kc.load(kubeconfig=str(tmp_path / "nope"), context=None, namespace=None, env={})
