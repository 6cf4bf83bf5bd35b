"""What render and eval print on stderr while they run, worded and indented like kpt.

Why it exists: people (and kpt's own test fixtures) read this output: ``Package "x":``,
``[RUNNING] "image" on package "x"``, ``[PASS] "image" in 1.2s`` with ``[Results]:`` and
``Stderr:`` blocks, ``Exit code: 1``, and the closing summary. Keeping the wording here
means render and eval only say *what* happened.

It writes only to the stream it is given. It must not decide outcomes.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any, TextIO


def duration(seconds: float) -> str:
    """Go's ``time.Duration.Truncate(time.Millisecond).String()``."""
    ms = int(seconds * 1000)
    if ms == 0:
        return "0s"
    if ms < 1000:
        return f"{ms}ms"
    minutes, rest_ms = divmod(ms, 60_000)
    secs = f"{rest_ms / 1000:.3f}".rstrip("0").rstrip(".") + "s"
    if not minutes:
        return secs
    hours, minutes = divmod(minutes, 60)
    return (f"{hours}h" if hours else "") + f"{minutes}m" + secs


def result_line(result: dict[str, Any]) -> str:
    """``[severity] apiVersion/Kind/namespace/name field.path: message`` (kpt's format)."""
    ref = result.get("resourceRef") or {}
    ident = "/".join(str(ref[k]) for k in ("apiVersion", "kind", "namespace", "name") if ref.get(k))
    text = f"[{result.get('severity') or 'info'}]"
    if ident:
        text += f" {ident}"
    field_ = result.get("field")
    if isinstance(field_, dict):
        text += f" {field_.get('path', '')}"
    return f"{text}: {result.get('message', '')}"


def _block(title: str, lines: list[str]) -> str:
    body = ["    " + line.replace("\n", " ").strip() for line in lines]
    return "\n".join([f"  {title}:", *body]) + "\n"


@dataclass
class Console:
    """Writes kpt's progress lines to ``stream`` (stderr by default)."""

    stream: TextIO = field(default_factory=lambda: sys.stderr)

    def write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()

    def package(self, display: str) -> None:
        self.write(f'Package "{display}":\n')

    def running(self, name: str, *, count: int | None = None, package: str = "") -> None:
        line = f'[RUNNING] "{name}"'
        if count is not None:
            line += f" on {count} resource(s)"
        if package:
            line += f' on package "{package}"'
        self.write(line + "\n")

    def passed(
        self, name: str, *, seconds: float, results: list[dict[str, Any]], stderr: str
    ) -> None:
        self.write(f'[PASS] "{name}" in {duration(seconds)}\n')
        self.results(results)
        self.stderr(stderr)

    def failed(
        self,
        name: str,
        *,
        seconds: float,
        results: list[dict[str, Any]],
        stderr: str | None = None,
        exit_code: int | None = None,
    ) -> None:
        self.write(f'[FAIL] "{name}" in {duration(seconds)}\n')
        self.results(results)
        if exit_code is not None:
            self.stderr(stderr or "")
            self.write(f"  Exit code: {exit_code}\n")

    def results(self, results: list[dict[str, Any]]) -> None:
        if results:
            self.write(_block("[Results]", [result_line(r) for r in results]))

    def stderr(self, text: str) -> None:
        if text:
            self.write(_block("Stderr", text.split("\n")))

    def summary(self, *, executed: int, packages: int, failed: bool) -> None:
        if not failed:
            self.write(f"Successfully executed {executed} function(s) in {packages} package(s).\n")
        elif executed == 0:
            self.write(f"Failed to execute any functions in {packages} package(s).\n")
        else:
            self.write(f"Partially executed {executed} function(s) in {packages} package(s).\n")


__all__ = ["Console", "duration", "result_line"]
