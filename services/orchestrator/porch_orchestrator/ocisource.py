"""Clone from OCI: an image's package tree, pulled with ``porch.oci``.

Called from the task's worker thread (``tasking.build`` runs off every event loop), so the
pull gets a loop of its own. Anonymous: Porch's ``upstreamRef.oci`` names only the image.
"""

from __future__ import annotations

import asyncio

from porch import oci

Files = dict[str, bytes]
PULL_TIMEOUT_S = 60.0


def pull(image: str) -> Files:
    """The files of ``image`` (``host/repo[:tag|@digest]``); ``Invalid`` for a bad
    reference, ``NotFound`` for a missing image, ``OciError`` when the registry fails."""
    reference = oci.parse_image(image)
    return asyncio.run(oci.pull_image(reference, timeout=PULL_TIMEOUT_S))


__all__ = ["pull"]
