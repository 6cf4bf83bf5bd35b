"""Start the stack exactly as a user does (``porch up``) and drive it with kubectl."""

from __future__ import annotations

import json
import os
import shutil
import signal
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

READY_LINE = "Press Ctrl-C to stop."


def kubectl_binary() -> str:
    found = shutil.which("kubectl") or str(Path(sys.executable).parent / "kubectl")
    if not Path(found).exists():
        raise RuntimeError("kubectl not found: ./porchw test installs it")
    return found


@dataclass
class Running:
    home: Path
    proc: subprocess.Popen[str]
    output: list[str]

    @property
    def kubeconfig(self) -> Path:
        return self.home / "kubeconfig"

    def ports(self) -> dict[str, int]:
        data: dict[str, int] = json.loads((self.home / "ports.json").read_text())
        return data

    @property
    def repo_url(self) -> str:
        return f"git://127.0.0.1:{self.ports()['git']}/packages.git"

    @property
    def nats_url(self) -> str:
        return f"nats://127.0.0.1:{self.ports()['nats']}"

    @property
    def api(self) -> str:
        return f"https://127.0.0.1:{self.ports()['apiserver']}"

    def token(self) -> str:
        config = yaml.safe_load(self.kubeconfig.read_text())
        token: str = config["users"][0]["user"]["token"]
        return token

    def kubectl(
        self,
        *args: str,
        stdin: str | None = None,
        kubeconfig: Path | None = None,
        check: bool = True,
    ) -> subprocess.CompletedProcess[str]:
        cmd = [
            kubectl_binary(),
            f"--kubeconfig={kubeconfig or self.kubeconfig}",
            f"--cache-dir={self.home / 'kubectl-cache'}",
            "--request-timeout=30s",
            *args,
        ]
        done = subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=60)
        if check and done.returncode != 0:
            raise AssertionError(f"kubectl {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        token: str | None = None,
        content_type: str = "application/json",
    ) -> tuple[int, dict[str, Any]]:
        context = ssl.create_default_context(cafile=str(self.home / "pki" / "ca.crt"))
        headers = {"Content-Type": content_type, "Accept": "application/json"}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        req = urllib.request.Request(self.api + path, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, context=context, timeout=30) as resp:
                return resp.status, json.loads(resp.read() or b"{}")
        except urllib.error.HTTPError as err:
            return err.code, json.loads(err.read() or b"{}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout is not None:
            self.output.extend(self.proc.stdout.readlines())
            self.proc.stdout.close()

    def log(self, service: str) -> str:
        return (self.home / "logs" / f"{service}.log").read_text()


def porch_up(home: Path, *, timeout: float = 90.0) -> Running:
    env = {**os.environ, "PORCH_HOME": str(home)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "porch", "up"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    running = Running(home=home, proc=proc, output=[])
    deadline = time.monotonic() + timeout
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        running.output.append(line)
        if READY_LINE in line:
            return running
    running.stop()
    raise RuntimeError("porch up did not start:\n" + "".join(running.output))
