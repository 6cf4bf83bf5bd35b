"""porchctl's command line: aliases, defaults and usage errors (pure)."""

from __future__ import annotations

import pytest

from porch.porchctl import args, completion
from porch.porchctl.failures import CliError


@pytest.mark.parametrize(
    ("argv", "group", "command"),
    [
        (["repo", "register", "u"], "repo", "reg"),
        (["repository", "reg", "u"], "repo", "reg"),
        (["repo", "ls"], "repo", "get"),
        (["repo", "unregister", "x"], "repo", "unreg"),
        (["repo", "reconcile", "x"], "repo", "sync"),
        (["rpackage", "list"], "rpkg", "get"),
        (["rpkg", "edit", "s", "--workspace=w"], "rpkg", "copy"),
        (["rpkg", "source", "n"], "rpkg", "pull"),
        (["rpkg", "read", "n", "d"], "rpkg", "pull"),
        (["rpkg", "sink", "n"], "rpkg", "push"),
        (["rpkg", "write", "n", "-"], "rpkg", "push"),
        (["rpkg", "propose-del", "a"], "rpkg", "propose-delete"),
        (["rpkg", "delete", "a", "b"], "rpkg", "del"),
    ],
)
def test_aliases_resolve_to_one_command(argv: list[str], group: str, command: str) -> None:
    ns = args.parse(argv)
    assert (ns.group, ns.command) == (group, command)


def test_connection_flags_go_after_positionals_as_with_cobra() -> None:
    ns = args.parse(["rpkg", "propose-delete", "a.b.c", "--namespace=ns1", "b.c.d"])
    assert ns.names == ["a.b.c", "b.c.d"]
    assert ns.namespace == "ns1"
    ns = args.parse(["rpkg", "get", "-n", "x", "--kubeconfig", "/k", "--context", "c"])
    assert (ns.namespace, ns.kubeconfig, ns.context) == ("x", "/k", "c")


def test_defaults_follow_porch() -> None:
    reg = args.parse(["repo", "reg", "https://h/r.git"])
    assert (reg.branch, reg.directory, reg.name, reg.create_branch) == ("main", "/", "", False)
    get = args.parse(["rpkg", "get"])
    assert (get.revision, get.package, get.workspace, get.watch) == (-2, "", "", False)
    clone = args.parse(["rpkg", "clone", "src", "dst", "--repository=r"])
    assert clone.workspace == "v1"
    up = args.parse(["rpkg", "upgrade", "n", "--workspace=w"])
    assert (up.revision, up.strategy, up.discover) == (0, "resource-merge", "")


@pytest.mark.parametrize(
    "argv",
    [
        ["rpkg", "init", "p", "--workspace=w"],  # --repository is required
        ["rpkg", "propose"],  # at least one name
        ["rpkg", "upgrade", "n", "--strategy=nope"],
        ["nope"],
        [],
    ],
)
def test_usage_errors_are_cli_errors_not_exit_2(argv: list[str]) -> None:
    with pytest.raises(CliError, match=r"usage|required|invalid choice|arguments"):
        args.parse(argv)


def test_completion_lists_every_command_and_flag() -> None:
    table = completion.words()
    assert {"repo", "rpkg", "completion", "repository", "rpackage"} <= set(table[""])
    assert {"propose-delete", "propose-del", "log", "upgrade"} <= set(table["rpkg"])
    assert "--repo-basic-username" in table["repo reg"]
    assert "--watch" in table["rpkg get"]
    script = completion.bash()
    assert "complete -F _porchctl porchctl" in script
    assert '"rpkg get") opts="' in script
    assert completion.zsh().startswith("#compdef porchctl")
