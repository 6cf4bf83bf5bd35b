"""The conformance suites collect nothing without the vectors: make that a failure."""

from __future__ import annotations

from tests import vectors


def test_the_vectors_are_where_the_suites_look() -> None:
    for group in ("kpt/fn-render", "kpt/fn-eval", "kpt/merge3", "catalog"):
        assert (vectors.ROOT / group).is_dir(), (
            f"{vectors.ROOT / group} is missing: put shared/ beside the checkout "
            "or set PORCH_VECTORS"
        )
