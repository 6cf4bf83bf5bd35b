"""The KRM function specification as data: comment-preserving YAML and ResourceList.

Shared by the kpt library (render, eval, source, sink) and the builtin functions; neither
imports the other, both import this. Pure; no I/O beyond parsing and printing text.
"""

from porch.krm import resourcelist, yamlio

__all__ = ["resourcelist", "yamlio"]
