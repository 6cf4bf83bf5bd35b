"""``porch up``: the whole system on this machine, supervised until Ctrl-C.

Starts NATS with JetStream, a Git server over a local bare repository, and the four
services as child processes (logs under ``$PORCH_HOME/logs``), restarts a service that
dies, writes ``$PORCH_HOME/kubeconfig`` once the API answers, and stops everything in
reverse order on SIGINT/SIGTERM. Ports are remembered in ``$PORCH_HOME/ports.json`` so
the kubeconfig stays valid across restarts. Secrets are encrypted at rest with the key in
``$PORCH_HOME/secrets.key`` (made once, mode 0600), which every service is given through
``PORCH_SECRETS_KEY_FILE`` unless that is set already.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import signal
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from porch.local.gitserver import GitServer, ensure_bare_repository
from porch.local.natsserver import NatsServer
from porch.local.ports import free_port, wait_for_port
from porch.local.processes import terminate
from porch.security import kubeconfig, pki, policy, tokens

LOCAL_REPO = "packages"
RESTARTS_PER_MINUTE = 5
SECRETS_KEY_ENV = "PORCH_SECRETS_KEY_FILE"  # read by porch.eventlog.secrets


def ensure_secrets_key(path: Path) -> Path:
    """``path`` holding a random AES-256 key in base64, created once with mode 0600."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path
    try:
        os.write(fd, base64.b64encode(secrets.token_bytes(32)) + b"\n")
    finally:
        os.close(fd)
    return path


@dataclass(frozen=True)
class Ports:
    nats: int
    apiserver: int
    git: int
    fnrunner: int
    # Prometheus listeners (plain HTTP, loopback); the apiserver serves /metrics itself.
    orchestrator_metrics: int
    gitsync_metrics: int
    fnrunner_metrics: int


def _port_free(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def remembered_ports(home: Path, *, apiserver: int | None = None) -> Ports:
    path = home / "ports.json"
    old: dict[str, int] = json.loads(path.read_text()) if path.exists() else {}
    chosen = {}
    for name in (
        "nats",
        "apiserver",
        "git",
        "fnrunner",
        "orchestrator_metrics",
        "gitsync_metrics",
        "fnrunner_metrics",
    ):
        want = apiserver if name == "apiserver" and apiserver else old.get(name)
        chosen[name] = want if want and _port_free(want) else free_port()
    path.write_text(json.dumps(chosen))
    return Ports(**chosen)


@dataclass
class Child:
    name: str
    args: list[str]
    log: Path
    env: dict[str, str]
    proc: subprocess.Popen[bytes] | None = None
    starts: list[float] = field(default_factory=list)

    def start(self) -> None:
        self.starts = [t for t in self.starts if t > time.monotonic() - 60] + [time.monotonic()]
        out = self.log.open("ab")
        self.proc = subprocess.Popen(
            self.args, stdout=out, stderr=subprocess.STDOUT, env=self.env, start_new_session=True
        )
        out.close()

    def stop(self, timeout: float = 10.0) -> None:
        terminate(self.proc, timeout=timeout)


@dataclass
class Stack:
    home: Path
    ports: Ports
    say: Callable[[str], None] = print
    nats: NatsServer | None = None
    git: GitServer | None = None
    children: list[Child] = field(default_factory=list)

    @property
    def kubeconfig(self) -> Path:
        return self.home / "kubeconfig"

    @property
    def api_url(self) -> str:
        return f"https://127.0.0.1:{self.ports.apiserver}"

    @property
    def repo_url(self) -> str:
        assert self.git is not None
        return self.git.url(LOCAL_REPO)

    def start(self) -> None:
        (self.home / "logs").mkdir(parents=True, exist_ok=True)
        self.nats = NatsServer(store_dir=self.home / "nats", port=self.ports.nats)
        self.nats.start()
        ensure_bare_repository(self.home / "git" / f"{LOCAL_REPO}.git")
        self.git = GitServer(base_dir=self.home / "git", port=self.ports.git)
        self.git.start()
        # Who may do what: the admin token's user is admin everywhere until the file is edited.
        tokens.ensure_token_file(self.home / "tokens.csv")
        policy.ensure_policy_file(self.home / "policy.yaml")
        env = {**os.environ, "PORCH_HOME": str(self.home), "PYTHONUNBUFFERED": "1"}
        if not env.get(SECRETS_KEY_ENV):
            env[SECRETS_KEY_ENV] = str(ensure_secrets_key(self.home / "secrets.key"))
        py = sys.executable
        nats_url = self.nats.url
        specs = {
            "orchestrator": [
                py,
                "-m",
                "porch_orchestrator",
                "run",
                "--nats",
                nats_url,
                "--fn-runner",  # render: non-builtin functions over gRPC
                f"127.0.0.1:{self.ports.fnrunner}",
                "--cache-dir",
                str(self.home / "orchestrator-git"),
                "--metrics-listen",
                f"127.0.0.1:{self.ports.orchestrator_metrics}",
            ],
            "git-sync": [
                py,
                "-m",
                "porch_gitsync",
                "--nats",
                nats_url,
                "--cache-dir",
                str(self.home / "git-cache"),
                "--metrics-listen",
                f"127.0.0.1:{self.ports.gitsync_metrics}",
            ],
            "fn-runner": [
                py,
                "-m",
                "porch_fnrunner",
                "--listen",
                f"127.0.0.1:{self.ports.fnrunner}",
                "--metrics-listen",
                f"127.0.0.1:{self.ports.fnrunner_metrics}",
            ],
            "apiserver": [
                py,
                "-m",
                "porch_apiserver",
                "--nats",
                nats_url,
                "--listen",
                f"127.0.0.1:{self.ports.apiserver}",
                "--home",
                str(self.home),
            ],
        }
        for name, args in specs.items():
            child = Child(name=name, args=args, log=self.home / "logs" / f"{name}.log", env=env)
            child.start()
            self.children.append(child)
        self._await_api()
        keys = pki.ensure_pki(self.home / "pki", hosts=["127.0.0.1"])
        token = tokens.ensure_token_file(self.home / "tokens.csv")
        kubeconfig.write_kubeconfig(
            self.kubeconfig, server=self.api_url, ca_pem=keys.ca_pem, token=token
        )

    def _await_api(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        if not wait_for_port("127.0.0.1", self.ports.apiserver, timeout=timeout):
            raise RuntimeError(
                f"the apiserver did not start; see {self.home / 'logs/apiserver.log'}"
            )
        context = ssl.create_default_context(cafile=str(self.home / "pki" / "ca.crt"))
        while time.monotonic() < deadline:
            self.supervise()
            try:
                with urllib.request.urlopen(f"{self.api_url}/readyz", context=context, timeout=2):
                    return
            except (urllib.error.URLError, OSError):
                time.sleep(0.1)
        raise RuntimeError("the apiserver did not become ready")

    def supervise(self) -> None:
        """Restart services that died, a few times a minute at most."""
        for child in self.children:
            if child.proc is not None and child.proc.poll() is not None:
                if len(child.starts) >= RESTARTS_PER_MINUTE:
                    raise RuntimeError(f"{child.name} keeps exiting; see {child.log}")
                self.say(f"{child.name} exited with {child.proc.returncode}; restarting")
                child.start()

    def stop(self) -> None:
        for child in reversed(self.children):
            child.stop()
        self.children.clear()
        if self.git is not None:
            self.git.stop()
        if self.nats is not None:
            self.nats.stop()

    def banner(self) -> str:
        return (
            f"Porch is up (state in {self.home}).\n"
            f"  export KUBECONFIG={self.kubeconfig}\n"
            f"  kubectl api-resources --api-group=porch.kpt.dev\n"
            f"  kubectl get repositories,packagerevisions\n"
            f"Local Git repository: {self.repo_url} (branch main); register it with:\n"
            f"  kubectl apply -f - <<EOF\n"
            f"  apiVersion: config.porch.kpt.dev/v1alpha1\n"
            f"  kind: Repository\n"
            f"  metadata: {{name: {LOCAL_REPO}, namespace: default}}\n"
            f"  spec: {{type: git, git: {{repo: {self.repo_url}, branch: main}}}}\n"
            f"  EOF\n"
            f"or: porchctl repo reg {self.repo_url} --name={LOCAL_REPO}\n"
            f"  porchctl rpkg init nginx --repository={LOCAL_REPO} --workspace=v1\n"
            f"NATS: {self.nats.url if self.nats else ''}   logs: {self.home / 'logs'}\n"
            "Press Ctrl-C to stop."
        )


def up(home: Path, *, apiserver_port: int | None = None) -> int:
    home = home.resolve()
    home.mkdir(parents=True, exist_ok=True)
    stack = Stack(home=home, ports=remembered_ports(home, apiserver=apiserver_port))
    stopping = False

    def on_signal(_sig: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        stack.start()
        print(stack.banner(), flush=True)
        while not stopping:
            stack.supervise()
            time.sleep(0.5)
    finally:
        print("stopping porch ...", flush=True)
        stack.stop()
    return 0


__all__ = ["Ports", "Stack", "ensure_secrets_key", "remembered_ports", "up"]
