"""The orchestrator: the only writer of projections, and the process manager.

It folds the event stream into KV buckets (``projection`` is the pure fold,
``projecting`` the I/O loop) and hands side effects to git-sync as work items.
"""

__all__: list[str] = []
