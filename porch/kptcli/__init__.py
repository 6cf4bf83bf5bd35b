"""The kpt-compatible command line (``porch kpt fn|pkg ...``): flags, output modes, exit codes.

Wires the library (``porch.kpt``) to concrete evaluators (builtin functions from
``porch.functions``, local executables, a remote function runner) and to the terminal.
"""

__all__ = ["fn", "pkg"]
