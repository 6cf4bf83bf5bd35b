"""Porch on JetStream: package orchestration for kpt as an event-sourced store.

The library shared by the services and the CLIs. Layers point one way:
adapters (eventlog, git, oci) > kpt, functions > domain > model > errors.
"""

__all__: list[str] = []
__version__ = "0.1.0"
