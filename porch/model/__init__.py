"""API-level vocabulary: names and their rules, Kubernetes conventions. Pure; no I/O."""

__all__ = ["names"]
