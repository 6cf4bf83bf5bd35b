"""Local mode: start NATS, a Git server and every service on this machine (``porch up``).

Only process supervision lives here; each service's logic stays in its own package.
"""

__all__ = ["natsserver"]
