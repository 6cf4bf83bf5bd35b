"""Doublestar globs (``**`` spans directories) as the catalog's ``by-file-path`` uses them.

Pure; no I/O: matching is on slash-separated path strings, never on the filesystem.
"""

from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=256)
def _compile(pattern: str) -> re.Pattern[str]:
    out, i = [], 0
    while i < len(pattern):
        char = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        out.append({"*": "[^/]*", "?": "[^/]"}.get(char) or _bracket_or_escape(pattern, i))
        i = _advance(pattern, i)
    return re.compile("".join(out) + r"\Z")


def _bracket_or_escape(pattern: str, i: int) -> str:
    if pattern[i] == "{":
        end = pattern.find("}", i)
        if end > 0:
            options = pattern[i + 1 : end].split(",")
            return "(?:" + "|".join(_compile(o).pattern.removesuffix(r"\Z") for o in options) + ")"
    if pattern[i] == "[":
        end = pattern.find("]", i)
        if end > 0:
            body = (
                pattern[i + 1 : end].replace("!", "^", 1)
                if pattern[i + 1] == "!"
                else pattern[i + 1 : end]
            )
            return f"[{body}]"
    return re.escape(pattern[i])


def _advance(pattern: str, i: int) -> int:
    closers = {"{": "}", "[": "]"}
    if pattern[i] in closers:
        end = pattern.find(closers[pattern[i]], i)
        if end > 0:
            return end + 1
    return i + 1


def match(pattern: str, path: str) -> bool:
    return _compile(pattern).match(path) is not None


__all__ = ["match"]
