"""Builtin KRM functions: native Python ports of catalog functions, one module each.

Each module exposes ``run(resource_list) -> ResourceList``; ``registry`` resolves an image
name to one of them. Trusted code: no file or network access. Within the project it
imports only ``porch.krm`` and ``porch.errors``; ``starlark`` runs user scripts on the
sandboxed starlark-rust interpreter (PyPI ``starlark-pyo3``).
"""

__all__ = ["registry"]
