"""git-sync: turns sync work into Git refs and commits, and reports what happened as events.

Reads work from the ``PORCH_SYNC`` work queue (durable pull consumer, explicit acks),
writes through the ``porch.git`` adapter, and appends ``RevisionSynced`` /
``RepositoryConnected`` facts (or their failures) to the event stream.
"""

__all__: list[str] = []
