"""What every command gets: the API client, the namespace and the output streams."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from typing import TextIO

from porch.porchctl import kubeconfig
from porch.porchctl.client import Client


@dataclass
class Session:
    client: Client
    namespace: str
    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)
    stdin: TextIO = field(default_factory=lambda: sys.stdin)

    def say(self, text: str) -> None:
        self.out.write(text + "\n")

    def warn(self, text: str) -> None:
        self.err.write(text + "\n")


def open_session(args: argparse.Namespace) -> Session:
    target = kubeconfig.load(
        kubeconfig=args.kubeconfig, context=args.context, namespace=args.namespace
    )
    return Session(client=Client(target, timeout=args.request_timeout), namespace=target.namespace)


__all__ = ["Session", "open_session"]
