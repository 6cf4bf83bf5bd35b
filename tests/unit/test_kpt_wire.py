"""ResourceList text: written like kyaml, read back as if each item had its own file."""

from __future__ import annotations

import pytest

from porch.errors import Invalid
from porch.kpt import wire
from porch.krm import yamlio

ITEM = (
    "# license\n# more\napiVersion: v1\nkind: ConfigMap\n"
    "metadata:\n  name: c # eol\ndata:\n  list:\n    - a\n"
    "  # before b\n  b: x\n"
)


def test_items_print_their_head_comment_after_the_dash_and_compact() -> None:
    text = wire.dump([yamlio.load(ITEM)])
    assert text.startswith(
        "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n"
        "items:\n- # license\n  # more\n  apiVersion: v1\n"
    )
    assert "    list:\n    - a\n" in text


def test_head_comment_can_sit_before_the_dash() -> None:
    item = yamlio.load(ITEM)
    yamlio.set_mark(item, yamlio.HEAD_OUTSIDE)
    assert "items:\n# license\n# more\n- apiVersion: v1\n" in wire.dump([item])


def test_empty_lists_config_and_results() -> None:
    config = yamlio.load("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: function-input\n")
    text = wire.dump([], function_config=config, results=[{"message": "m", "severity": "info"}])
    assert "items: []\nfunctionConfig:\n  apiVersion: v1\n" in text
    assert text.endswith("results:\n- message: m\n  severity: info\n")


@pytest.mark.parametrize("outside", [False, True])
def test_items_read_back_with_comments_in_place(outside: bool) -> None:
    first = yamlio.load(ITEM)
    if outside:
        yamlio.set_mark(first, yamlio.HEAD_OUTSIDE)
    second = yamlio.load("apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n")
    parsed = wire.parse(wire.dump([first, second]))
    assert parsed.wrapped
    assert yamlio.dump(parsed.items[0]) == yamlio.dump(yamlio.load(ITEM))
    assert yamlio.has_mark(parsed.items[0], yamlio.HEAD_OUTSIDE) is outside
    assert parsed.items[1]["kind"] == "Secret"


def test_lists_plain_streams_and_legacy_results() -> None:
    listed = wire.parse(
        "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: A, metadata: {name: a}}\n"
    )
    assert listed.items[0]["kind"] == "A"
    assert listed.function_config is None
    plain = wire.parse("apiVersion: v1\nkind: A\n---\napiVersion: v1\nkind: B\n")
    assert [i["kind"] for i in plain.items] == ["A", "B"]
    assert not plain.wrapped
    legacy = wire.parse(
        "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n"
        "items: []\nresults:\n  name: x\n  items:\n  - message: m\n"
    )
    assert legacy.results == [{"message": "m"}]


def test_json_output_from_a_function_is_understood() -> None:
    text = (
        '{"apiVersion": "config.kubernetes.io/v1", "kind": '
        '"ResourceList", "items": [{"apiVersion": "v1", "kind": "A", '
        '"metadata": {"name": "a"}}]}'
    )
    assert wire.parse(text).items[0]["metadata"]["name"] == "a"


def test_items_must_be_a_list() -> None:
    with pytest.raises(Invalid, match="items must be a list"):
        wire.parse("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: {}\n")
