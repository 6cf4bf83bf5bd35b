"""Generated gRPC/protobuf modules; do not edit by hand.

Regenerate with ``python scripts/gen_protos.py`` (``--check`` verifies they are current).
The sources are the ``.proto`` files in ``schemas/``.
"""
