"""Builtin KRM functions: native Python ports of catalog functions, one module each.

Each module exposes ``run(resource_list) -> ResourceList``; ``registry`` resolves an image
name to one of them. Trusted code: no file or network access. Imports only ``porch.krm``.
"""

__all__: list[str] = []
