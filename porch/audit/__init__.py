"""Audit subscribers: follow the event stream from a time or a sequence and print it.

``kinds`` and ``filters`` and ``lines`` are pure (what an event is, where to start, how a
line reads); ``tailing`` is the only module that talks to NATS; ``command`` is the glue
``porch audit tail`` runs. Subscribers of their own should read docs/events.md and the
JSON Schemas in ``schemas/events/``.
"""

from porch.audit import command, filters, kinds, lines, tailing

__all__ = ["command", "filters", "kinds", "lines", "tailing"]
