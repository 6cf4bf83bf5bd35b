"""porchctl: Porch's command-line client, a thin layer over the Kubernetes REST API.

Import-light on purpose (it must start fast): the standard library, PyYAML and our pure
modules only; NATS is imported by ``rpkg log`` alone. Reference: docs/porchctl.md.
"""
