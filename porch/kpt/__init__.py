"""The configuration-as-data library shared by the services and the CLIs.

Pure algorithms over package files (``dict[path, bytes]``); I/O adapters live elsewhere.
"""

__all__ = ["pkginit"]
