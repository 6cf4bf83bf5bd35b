"""The ``pkg update`` strategies on in-memory package trees."""

from __future__ import annotations

import pytest

from porch.errors import Invalid
from porch.kpt import pkg_strategies as strategies

KPTFILE = b"apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: p\n"
SUB = b"apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: sub\n"


def cm(name: str, value: str = "1") -> bytes:
    text = f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  v: '{value}'\n"
    return text.encode()


def test_non_krm_files_local_edits_win_otherwise_upstream() -> None:
    origin = {"a.txt": b"a1", "b.txt": b"b1", "gone.txt": b"g", "edited-gone.txt": b"e"}
    updated = {"a.txt": b"a2", "b.txt": b"b2", "new.txt": b"n"}
    local = {
        "a.txt": b"a1",
        "b.txt": b"mine",
        "gone.txt": b"g",
        "edited-gone.txt": b"e!",
        "x": b"x",
    }
    assert strategies.replace_non_krm_files(updated, origin, local) == {
        "a.txt": b"a2",
        "b.txt": b"mine",
        "edited-gone.txt": b"e!",
        "x": b"x",
        "new.txt": b"n",
    }


def test_resource_merge_subpackage_table() -> None:
    origin = {"Kptfile": KPTFILE, "old/Kptfile": SUB, "kept/Kptfile": SUB, "kept/x.yaml": cm("k")}
    updated = {"Kptfile": KPTFILE, "new/Kptfile": SUB, "new/y.yaml": cm("n")}
    local = dict(origin)
    local["kept/x.yaml"] = cm("k", "changed")
    out = strategies.resource_merge(local, updated, origin, is_root=True)
    assert sorted(out) == ["Kptfile", "kept/Kptfile", "kept/x.yaml", "new/Kptfile", "new/y.yaml"]


def test_resource_merge_rejects_a_subpackage_added_on_both_sides() -> None:
    base = {"Kptfile": KPTFILE}
    both = {"Kptfile": KPTFILE, "s/Kptfile": SUB}
    with pytest.raises(Invalid, match='subpackage "s" added in both upstream and local'):
        strategies.resource_merge(both, both, base, is_root=True)


def test_force_delete_replace_discards_local_content() -> None:
    origin = {"Kptfile": KPTFILE, "a.yaml": cm("a")}
    updated = {"Kptfile": KPTFILE, "b.yaml": cm("b"), "README.md": b"r"}
    local = {"Kptfile": KPTFILE, "a.yaml": cm("a", "mine"), "local.txt": b"l"}
    out = strategies.force_delete_replace(local, updated, origin, is_root=True)
    assert out == {"Kptfile": KPTFILE, "b.yaml": cm("b"), "README.md": b"r"}


def test_fast_forward_refuses_local_changes() -> None:
    origin = {"Kptfile": KPTFILE, "a.yaml": cm("a")}
    local = {"Kptfile": KPTFILE, "a.yaml": cm("a", "mine"), "extra.txt": b"x"}
    with pytest.raises(Invalid, match=r"modified: \[a.yaml extra.txt\]"):
        strategies.fast_forward(local, origin, origin, is_root=True)


def test_fast_forward_ignores_formatting_and_the_upstream_sections() -> None:
    origin = {"Kptfile": KPTFILE, "a.yaml": cm("a")}
    local = {
        "Kptfile": KPTFILE + b"upstream:\n  type: git\n",
        "a.yaml": cm("a").replace(b"\n  v:", b"\n    v:").replace(b"data:\n", b"data:\n"),
    }
    assert strategies.local_changes(local, origin) == set()


def test_fast_forward_without_changes_replaces_and_drops_render_status() -> None:
    status = b"status:\n  conditions:\n  - type: Rendered\n    status: 'True'\n"
    origin = {"Kptfile": KPTFILE, "a.yaml": cm("a")}
    updated = {"Kptfile": KPTFILE + status, "b.yaml": cm("b")}
    out = strategies.fast_forward(dict(origin), updated, origin, is_root=True)
    assert out == {"Kptfile": KPTFILE, "b.yaml": cm("b")}


def test_copy_merge_copies_upstream_removes_stale_and_keeps_local_only_files() -> None:
    origin = {"Kptfile": KPTFILE, "a.yaml": cm("a"), "gone.yaml": cm("g")}
    updated = {"Kptfile": KPTFILE, "a.yaml": cm("a", "2"), "sub/Kptfile": SUB}
    local = {"Kptfile": KPTFILE, "a.yaml": cm("a", "mine"), "gone.yaml": cm("g"), "mine.txt": b"m"}
    out = strategies.copy_merge(local, updated, origin, is_root=True)
    assert out == {
        "Kptfile": KPTFILE,
        "a.yaml": cm("a", "2"),
        "mine.txt": b"m",
        "sub/Kptfile": SUB,
    }


def test_copy_merge_cannot_remove_a_directory_holding_local_files() -> None:
    origin = {"Kptfile": KPTFILE, "d/a.txt": b"a"}
    local = {"Kptfile": KPTFILE, "d/a.txt": b"a", "d/mine.txt": b"m"}
    with pytest.raises(Invalid, match='cannot remove directory "d"'):
        strategies.copy_merge(local, {"Kptfile": KPTFILE}, origin, is_root=True)


def test_a_nested_package_pointed_elsewhere_is_left_alone() -> None:
    pointed = b"upstream:\n  type: git\n  git:\n    repo: r\n    directory: /d\n    ref: "
    origin = {"Kptfile": KPTFILE + pointed + b"v1\n", "a.yaml": cm("a")}
    local = {"Kptfile": KPTFILE + pointed + b"other\n", "a.yaml": cm("a")}
    updated = {"Kptfile": KPTFILE + pointed + b"v2\n", "a.yaml": cm("a", "2")}
    assert strategies.resource_merge(local, updated, origin, is_root=False) == local
