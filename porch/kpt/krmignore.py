"""``.krmignore``: gitignore-style patterns that hide files from a package reader.

Why it exists: kpt honours a ``.krmignore`` at the root of each package (not in plain
subdirectories) with gitignore syntax, and test fixtures depend on it (``.expected``).
Supported: comments, blank lines, ``!`` negation (last match wins), a trailing ``/`` for
directories only, a leading or inner ``/`` anchoring to the package root, ``*``, ``?``,
``[...]`` and ``**``.

Pure: the caller reads the file and passes its text. It must not walk directories.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FILE_NAME = ".krmignore"


@dataclass(frozen=True)
class _Rule:
    regex: re.Pattern[str]
    negate: bool
    dir_only: bool
    anchored: bool


@dataclass(frozen=True)
class Matcher:
    rules: tuple[_Rule, ...] = ()

    def ignored(self, rel_path: str, *, is_dir: bool) -> bool:
        """Whether ``rel_path`` (slash-separated, relative to the package) is ignored."""
        parts = rel_path.split("/")
        verdict = False
        for rule in self.rules:
            if rule.dir_only and not is_dir:
                continue
            candidates = (
                [rel_path] if rule.anchored else ["/".join(parts[i:]) for i in range(len(parts))]
            )
            if any(rule.regex.fullmatch(c) for c in candidates):
                verdict = not rule.negate
        return verdict


def parse(text: str) -> Matcher:
    rules = []
    for raw in text.splitlines():
        line = raw.rstrip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        line = line[1:] if negate else line
        dir_only = line.endswith("/")
        line = line.rstrip("/")
        anchored = "/" in line
        line = line.lstrip("/")
        if line:
            rules.append(_Rule(_translate(line), negate, dir_only, anchored))
    return Matcher(tuple(rules))


def _translate(pattern: str) -> re.Pattern[str]:
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        else:
            out.append(_char(pattern, i))
            i += len(_bracket(pattern, i)) if pattern[i] == "[" and _bracket(pattern, i) else 1
    return re.compile("".join(out))


def _char(pattern: str, i: int) -> str:
    ch = pattern[i]
    if ch == "*":
        return "[^/]*"
    if ch == "?":
        return "[^/]"
    if ch == "[" and (bracket := _bracket(pattern, i)):
        body = bracket[1:-1]
        if body.startswith("!"):
            body = "^" + body[1:]
        return f"[{body}]"
    return re.escape(ch)


def _bracket(pattern: str, i: int) -> str:
    end = pattern.find("]", i + 2)
    return pattern[i : end + 1] if end != -1 else ""


__all__ = ["FILE_NAME", "Matcher", "parse"]
