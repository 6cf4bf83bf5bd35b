"""Git adapter: writes package revisions in Porch's ref layout (drafts, proposals, approvals,
deletion markers, deletions) and reads them back (discovery).

Synchronous pygit2 calls (callers wrap them in ``asyncio.to_thread``) against a bare cache
clone per URL. Must not import the event log, OCI or any service; must never let credentials
reach a message, a log, a path or commit metadata.
"""

from porch.git import branches, discovering, layout, writing
from porch.git.credentials import Credentials
from porch.git.publishing import (
    PublishRequest,
    PublishResult,
    list_remote_refs,
    publish_revision,
)

__all__ = [
    "Credentials",
    "PublishRequest",
    "PublishResult",
    "branches",
    "discovering",
    "layout",
    "list_remote_refs",
    "publish_revision",
    "writing",
]
