"""Round-trip YAML: what is read and written back unchanged stays byte-identical.

Generated documents (hypothesis) and every YAML file of the shared vectors go through
the reader and writer; kyaml's formatting choices (quotes, sequence indentation, null and
boolean spelling) are checked one by one.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml.comments import CommentedMap

from porch.errors import Invalid
from porch.kpt import reading, writing
from porch.krm import yamlio
from tests import vectors

VECTORS = vectors.ROOT

SCALARS = st.one_of(
    st.sampled_from(["true", "1", "", "a: b", "it's", "x'y: z", "yes", "~", "null", "- x", "#x"]),
    st.text(alphabet="abc xyz-_./:", max_size=12),
    st.integers(min_value=-1000, max_value=1000),
    st.booleans(),
    st.none(),
    st.text(alphabet="ab \n", min_size=1, max_size=10).filter(lambda s: "\n" in s.strip("\n ")),
)
KEYS = st.text(alphabet="abcdefgh", min_size=1, max_size=6)


def _values(depth: int) -> Any:
    if depth == 0:
        return SCALARS
    inner = _values(depth - 1)
    return st.one_of(
        SCALARS,
        st.lists(inner, min_size=1, max_size=3),
        st.dictionaries(KEYS, inner, min_size=1, max_size=3),
    )


DOCS = st.dictionaries(KEYS, _values(3), min_size=1, max_size=5)


@settings(max_examples=150, deadline=None)
@given(doc=DOCS, wide=st.booleans())
def test_generated_documents_round_trip_byte_identical(doc: dict[str, Any], wide: bool) -> None:
    text = yamlio.dump(yamlio.to_node(doc), compact_sequences=not wide)
    docs = yamlio.parse_documents(text)
    assert len(docs) == 1
    again = yamlio.dump(docs[0].node, compact_sequences=docs[0].seqindent != yamlio.WIDE)
    assert again == text
    assert yamlio.to_plain(docs[0].node) == yamlio.to_plain(yamlio.to_node(doc))


@settings(max_examples=60, deadline=None)
@given(
    docs=st.lists(DOCS, min_size=1, max_size=4),
    wide=st.lists(st.booleans(), min_size=4, max_size=4),
)
def test_multi_document_streams_keep_each_documents_style(
    docs: list[dict[str, Any]], wide: list[bool]
) -> None:
    parts = [
        yamlio.dump(yamlio.to_node(d), compact_sequences=not w)
        for d, w in zip(docs, wide, strict=False)
    ]
    text = "---\n".join(parts)
    parsed = yamlio.parse_documents(text)
    again = "---\n".join(
        yamlio.dump(d.node, compact_sequences=d.seqindent != yamlio.WIDE) for d in parsed
    )
    assert again == text


def _vector_packages() -> list[Path]:
    roots = sorted({p.parent for p in VECTORS.rglob("*.yaml") if ".expected" not in p.parts})
    return [r for r in roots if not reading.is_package(r.parent)] if roots else []


def test_every_vector_file_is_written_back_byte_identical(tmp_path: Path) -> None:
    if not VECTORS.is_dir():
        pytest.skip("shared vectors are not available")
    copy = tmp_path / "vectors"
    shutil.copytree(VECTORS, copy, symlinks=True)
    checked = 0
    for directory in sorted({p.parent for p in copy.rglob("*") if p.suffix in (".yaml", ".yml")}):
        before = {p: p.read_bytes() for p in directory.iterdir() if p.is_file()}
        try:
            items = reading.read_package(directory)
        except Invalid:
            continue  # deliberately broken fixtures
        for path in directory.iterdir():
            path.chmod(0o644) if path.is_file() else None
        writing.write(items, root=directory)
        after = {p: p.read_bytes() for p in directory.iterdir() if p.is_file()}
        assert after == before, directory
        checked += len(items)
    assert checked > 300


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("true", 'a: "true"\n'),
        ("1.5", 'a: "1.5"\n'),
        ("", 'a: ""\n'),
        ("yes", 'a: "yes"\n'),
        ("a: b", "a: 'a: b'\n"),
        ("sed 's/x/y/': z", "a: 'sed ''s/x/y/'': z'\n"),
        ("plain", "a: plain\n"),
        ("two\nlines", "a: |-\n  two\n  lines\n"),
        (None, "a: null\n"),
    ],
)
def test_new_strings_are_quoted_like_go_yaml(value: Any, written: str) -> None:
    node = CommentedMap(a=value)
    assert yamlio.dump(node) == written


@pytest.mark.parametrize(
    "text",
    [
        "a: null\nb: ~\nc:\nd: [null, ~]\n",
        "a: True\nb: FALSE\nc: yes\n",
        "a: 'single'\nb: \"double\"\nc: |\n  literal\n",
        "# head\nkind: X # eol\nlist:\n- a\n- b\n",
        "list:\n  - a\n  - b:\n      - c\n",
    ],
)
def test_spelling_survives_a_round_trip(text: str) -> None:
    docs = yamlio.parse_documents(text)
    style = docs[0].seqindent != yamlio.WIDE
    assert yamlio.dump(docs[0].node, compact_sequences=style) == text


def test_copy_keeps_null_spelling() -> None:
    node = yamlio.load("a: ~\nb: null\n")
    copied = yamlio.copy_node(node)
    assert yamlio.dump(copied) == "a: ~\nb: null\n"


@pytest.mark.parametrize(
    ("text", "style"),
    [
        ("a:\n- x\n", yamlio.COMPACT),
        ("a:\n  - x\n", yamlio.WIDE),
        ("a: # comment\n  - x\n", yamlio.WIDE),
        ("a:\n  # comment\n  - x\n", yamlio.WIDE),
        ("a: b\n", yamlio.COMPACT),
        ("a:\n    - x\nb:\n  - y\n", yamlio.WIDE),
    ],
)
def test_sequence_indent_is_detected_like_kyaml(text: str, style: str) -> None:
    assert yamlio.detect_seqindent(text) == style


def test_document_separators_follow_kyaml() -> None:
    docs = yamlio.parse_documents("a: 1\n--- # note\nb: 2\n---\n\n---\nc: 3\n")
    assert [yamlio.to_plain(d.node) for d in docs] == [{"a": 1}, {"b": 2}, {"c": 3}]
    with pytest.raises(Invalid, match="invalid document separator"):
        yamlio.parse_documents("a: 1\n--- b: 2\n")


def test_malformed_yaml_names_file_and_line() -> None:
    with pytest.raises(Invalid, match=r"^res\.yaml:4: invalid YAML: mapping values"):
        yamlio.parse_documents("a: 1\n---\nb: 2\n  c: d\n", source="res.yaml")


def test_end_of_line_comments_get_one_space_like_go_yaml() -> None:
    assert yamlio.dump(yamlio.load("a: 1      # c\n")) == "a: 1 # c\n"


def test_head_blank_lines_are_dropped_when_asked() -> None:
    node = yamlio.load("# license\n\n# more\napiVersion: v1\n")
    yamlio.drop_head_blank_lines(node)
    assert yamlio.dump(node) == "# license\n# more\napiVersion: v1\n"


def test_json_is_written_like_go() -> None:
    node = yamlio.load('{"a": "<b>", "c": [1, true]}')
    assert (
        yamlio.dump_json(node)
        == '{\n  "a": "\\u003cb\\u003e",\n  "c": [\n    1,\n    true\n  ]\n}\n'
    )
