"""JetStream adapter: the event stream, projection buckets and the content store.

Thin by design (reference/eventstore.md §8): append with optimistic concurrency and
idempotency, read an aggregate, follow the stream in order, KV buckets, blobs by sha256.
Must not contain domain rules; it moves bytes and maps JetStream errors onto porch.errors.
"""

from porch.eventlog import (
    appending,
    blobs,
    buckets,
    connecting,
    reading,
    records,
    streams,
    subjects,
)

__all__ = [
    "appending",
    "blobs",
    "buckets",
    "connecting",
    "reading",
    "records",
    "streams",
    "subjects",
]
