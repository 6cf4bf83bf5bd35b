"""Node helpers: Go quoting, plain scalars, line comments that keep following lines."""

from __future__ import annotations

import pytest

from porch.functions import globs, nodes
from porch.krm import yamlio


@pytest.mark.parametrize(
    ("value", "quoted"),
    [("a", '"a"'), ('say "hi"\n', '"say \\"hi\\"\\n"'), ("tab\t\\", '"tab\\t\\\\"'), ("é", '"é"')],
)
def test_go_quote(value: str, quoted: str) -> None:
    assert nodes.go_quote(value) == quoted


@pytest.mark.parametrize(("text", "dumped"), [("3", "3"), ("1.10", "1.10"), ("true", "true")])
def test_plain_scalars_are_retyped_and_keep_their_text(text: str, dumped: str) -> None:
    value = nodes.plain_scalar(text)
    assert not isinstance(value, str)
    assert nodes.scalar_text(value) == dumped


def test_plain_scalar_falls_back_to_strings() -> None:
    assert nodes.plain_scalar("a: b") == "a: b"
    assert yamlio.dump({"k": nodes.plain_scalar("")}) == 'k: ""\n'
    assert yamlio.dump({"k": nodes.go_string("1")}) == 'k: "1"\n'


def test_set_line_comment_keeps_the_comments_after_it() -> None:
    doc = yamlio.load("a:\n  k: v # old\n\n# about b\nb: 1\nc: [x] # flow\n")
    nodes.set_line_comment(doc["a"], "k", "new")
    nodes.set_line_comment(doc, "b", "# fresh")
    assert nodes.line_comment(doc, "c") == "# flow"
    # go-yaml keeps no blank line before a head comment (kyaml's writer drops it too)
    assert yamlio.dump(doc) == "a:\n  k: v # new\n# about b\nb: 1 # fresh\nc: [x] # flow\n"


def test_walk_uses_go_style_paths() -> None:
    seen: list[str] = []
    nodes.walk(yamlio.load("a:\n- b: 1\n- 2\n"), on_scalar=lambda slot: seen.append(slot.path))
    assert seen == [".a[0].b", ".a[1]"]


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("**/*.yaml", "a/b/c.yaml", True),
        ("**/*.yaml", "c.yaml", True),
        ("a/*.yaml", "a/b/c.yaml", False),
        ("a/{b,c}.yaml", "a/c.yaml", True),
    ],
)
def test_doublestar_globs(pattern: str, path: str, expected: bool) -> None:
    assert globs.match(pattern, path) is expected
