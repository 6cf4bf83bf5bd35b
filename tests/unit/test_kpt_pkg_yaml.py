"""Reading and rewriting package files the way kyaml does (expected texts taken from what
``kpt pkg get`` wrote for these inputs, minus the merge comments it adds)."""

from __future__ import annotations

import pytest

from porch.errors import Invalid
from porch.kpt import pkg_resources
from porch.krm import yamlparse
from porch.krm.yamlnode import BOOL, FLOAT, INT, NULL, STR, TIMESTAMP, resolve


def rewrite(text: str) -> str:
    return pkg_resources.format_file(pkg_resources.parse_file("f.yaml", text))


UNCHANGED = [
    # comments in all the places kyaml keeps them
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a # name\n"
    "data:\n  # head of k1\n  k1: v1\n  k3: v3 # line\n  # foot after k3\n",
    # a document comment block separated by a blank line
    "# top comment\n\n# second\napiVersion: v1\nkind: ConfigMap\n",
    # styles survive
    "data:\n  k1: 'single'\n  k2: \"dq\\tx\"\n  k5: 0x1F\n  k6: 010\n  k7: 1e3\n  k8: on\n"
    "  k9: !!str 5\n  k12: {}\n  k13: []\n  flow: {a: b, c: [1, 2]}\n  empty:\n  nul: ~\n",
    # literal blocks with all chomping indicators
    "data:\n  a: |\n    line1\n    line2\n  b: |-\n    x\n  c: |+\n    keep\n\n"
    "  d: |2\n     indented\n",
    # wide sequences stay wide, compact stay compact
    "spec:\n  list:\n    - a\n    - b: c\n      d: e\n",
    "spec:\n  list:\n  - a\n  - - b\n    - c\n",
    # comments around sequence items
    "items:\n# first\n- name: a # a\n  image: x\n  # before args\n  args:\n  - --flag\n"
    "# second\n- name: b\n",
]


@pytest.mark.parametrize("text", UNCHANGED)
def test_normalized_text_is_kept(text: str) -> None:
    assert rewrite(text) == text


NORMALIZED = [
    ("a:\n    b: 1\n    c:\n        - x\n", "a:\n  b: 1\n  c:\n  - x\n"),
    ("a: 1   # spaced\n\n\nb: 2\n", "a: 1 # spaced\nb: 2\n"),
    ("---\na: 1\n---\n---\n# only a comment\n", "a: 1\n"),
    ("a: [1, 2,\n  3]\n", "a: [1, 2, 3]\n"),
    ('a: "multi\n  line"\nb: plain\n  folded\n', 'a: "multi line"\nb: plain folded\n'),
    ("a: >-\n  folded\n  text\n", "a: >-\n  folded text\n"),
    ("a: >\n  one\n\n  two\n", "a: >\n  one\n\n  two\n\n"),
    ('a: "\\u00e9 \\x01"\n', 'a: "é \\x01"\n'),
    ("s:\n-\n  k: v\n-   - a\n    - b\n", "s:\n- k: v\n- - a\n  - b\n"),
    ("a:\n  b: 1\n  # closes b\nc: 2\n", "a:\n  b: 1\n  # closes b\nc: 2\n"),
    # a comment that closes a sequence item closes the item's last key ...
    ("l:\n  - name: x\n    i: y\n  # c\nz: 1\n", "l:\n  - name: x\n    i: y\n    # c\nz: 1\n"),
    # ... unless it ends the document: then it closes the key owning the sequence
    ("l:\n  - name: x\n    i: y\n  # c\n", "l:\n  - name: x\n    i: y\n# c\n"),
    ("s:\n  l:\n  - name: x\n    i: y\n  # c\n", "s:\n  l:\n  - name: x\n    i: y\n  # c\n"),
    ("l:\n  - a\n  - b\n  # c\n", "l:\n  - a\n  - b\n  # c\n"),
]


@pytest.mark.parametrize(("text", "expected"), NORMALIZED)
def test_kyaml_normalization(text: str, expected: str) -> None:
    assert rewrite(text) == expected


def test_documents_keep_their_order_and_separators() -> None:
    text = "a: 1\n---\n# two\nb: 2\n"
    resources = pkg_resources.parse_file("f.yaml", text)
    assert [r.index for r in resources] == [0, 1]
    assert rewrite(text) == text


def test_sequence_style_is_detected_per_document() -> None:
    resources = pkg_resources.parse_file("f.yaml", "a:\n- x\n---\nb:\n  - y\n")
    assert [r.seq_indent for r in resources] == ["compact", "wide"]


def test_empty_annotations_and_metadata_are_dropped_on_write() -> None:
    text = "kind: A\nmetadata:\n  annotations: {}\n"
    assert rewrite(text) == "kind: A\n"


def test_krmignore_hides_files_of_its_package() -> None:
    files = {
        ".krmignore": b".expected\n*.bak\n",
        "a.yaml": b"a: 1\n",
        ".expected/x.yaml": b"x: 1\n",
        "b.yaml.bak": b"b: 1\n",
        "sub/Kptfile": b"kind: Kptfile\n",
        "sub/.krmignore": b"skip/\n",
        "sub/skip/y.yaml": b"y: 1\n",
        "sub/z.yaml": b"z: 1\n",
    }
    assert pkg_resources.package_paths(files) == [".krmignore", "a.yaml"]
    assert [r.path for r in pkg_resources.read_resources(files, subpackages=True)] == [
        "a.yaml",
        "sub/z.yaml",
    ]


def test_invalid_yaml_names_the_file_and_line() -> None:
    with pytest.raises(Invalid, match=r"f.yaml:\d+: invalid YAML"):
        pkg_resources.parse_file("f.yaml", "a: 1\nb: [\n")


def test_a_document_separator_with_content_is_rejected() -> None:
    with pytest.raises(Invalid, match="invalid document separator"):
        yamlparse.split_documents("a: 1\n--- b\nc: 2\n")


@pytest.mark.parametrize(
    ("value", "tag"),
    [
        ("", NULL),
        ("~", NULL),
        ("true", BOOL),
        ("yes", STR),
        ("010", INT),
        ("0x1F", INT),
        ("1_000", INT),
        ("09", FLOAT),
        ("1e3", FLOAT),
        (".inf", FLOAT),
        ("2001-12-14", TIMESTAMP),
        ("-", STR),
        ("v1.2", STR),
    ],
)
def test_plain_scalars_resolve_like_go_yaml_v3(value: str, tag: str) -> None:
    assert resolve(value) == tag
