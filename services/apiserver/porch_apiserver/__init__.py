"""The kubectl-compatible Kubernetes API server for Porch on JetStream.

Serves ``porch.kpt.dev`` and ``config.porch.kpt.dev`` over HTTPS: discovery, OpenAPI, Table
output and Status errors come from pure modules here (``resources``, ``discovery``,
``openapi``, ``tables``, ``statuses``); only the HTTP layer does I/O. This package must not
import another service.
"""

__all__: list[str] = []
