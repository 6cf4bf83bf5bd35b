"""The command line, as argparse parsers (Porch's commands, aliases and flags). Pure.

Connection flags (``--kubeconfig``, ``--context``, ``-n``) are accepted by every leaf
command, before or after the positionals, as cobra accepts them in Porch.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import NoReturn

from porch.porchctl.failures import CliError

STRATEGIES = ("resource-merge", "fast-forward", "force-delete-replace", "copy-merge")


class Parser(argparse.ArgumentParser):
    """Usage errors are ``CliError`` (exit 1, like cobra), not argparse's exit 2."""

    def error(self, message: str) -> NoReturn:
        raise CliError(f"{message}\nRun '{self.prog} --help' for usage.")


def _connection() -> Parser:
    p = Parser(add_help=False)
    p.add_argument("--kubeconfig", help="path to the kubeconfig file to use")
    p.add_argument("--context", help="name of the kubeconfig context to use")
    p.add_argument("-n", "--namespace", help="namespace scope for this request")
    p.add_argument(
        "--request-timeout", type=float, default=60.0, help="seconds to wait for one request"
    )
    return p


def _output(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "-o", "--output", default="", help="yaml|json|wide|name|custom-columns=HEADER:.path,..."
    )
    p.add_argument("-A", "--all-namespaces", action="store_true", help="list across all namespaces")
    p.add_argument("--no-headers", action="store_true", help="do not print column headers")


def build() -> Parser:
    conn = _connection()
    top = Parser(prog="porchctl", description="Manage package revisions in Porch.")
    groups = top.add_subparsers(dest="group", metavar="COMMAND", parser_class=Parser)
    groups.required = True

    # --- repo -----------------------------------------------------------------------------
    repo = groups.add_parser("repo", aliases=["repository"], help="manage repositories")
    rs = repo.add_subparsers(dest="command", metavar="SUBCOMMAND", parser_class=Parser)
    rs.required = True

    reg = rs.add_parser("reg", aliases=["register"], parents=[conn], help="register a repository")
    reg.add_argument("repository", metavar="REPOSITORY", help="git URL or oci://registry")
    reg.add_argument("--name", default="", help="repository name (default: last URL segment)")
    reg.add_argument("--description", default="", help="brief description")
    reg.add_argument("--branch", default="main", help="branch holding packages")
    reg.add_argument("--create-branch", action="store_true", help="create the branch if absent")
    reg.add_argument("--directory", default="/", help="directory holding packages")
    reg.add_argument("--deployment", action="store_true", help="deployment repository")
    reg.add_argument("--repo-basic-username", default="", help="username for basic auth")
    reg.add_argument("--repo-basic-password", default="", help="password for basic auth")
    reg.add_argument("--repo-workload-identity", action="store_true", help="workload identity")
    reg.add_argument("--sync-schedule", default="", help="cron schedule for full syncs")

    rget = rs.add_parser("get", aliases=["ls", "list"], parents=[conn], help="list repositories")
    rget.add_argument("names", metavar="NAME", nargs="*")
    _output(rget)

    unreg = rs.add_parser(
        "unreg", aliases=["unregister"], parents=[conn], help="unregister a repository"
    )
    unreg.add_argument("name", metavar="REPOSITORY")
    unreg.add_argument("--keep-auth-secret", action="store_true", help="keep <name>-auth")

    sync = rs.add_parser("sync", aliases=["reconcile"], parents=[conn], help="sync once")
    sync.add_argument("names", metavar="REPOSITORY", nargs="*")
    sync.add_argument("--all", action="store_true", help="every repository in the namespace")
    sync.add_argument("-A", "--all-namespaces", action="store_true", help="with --all")
    sync.add_argument("--run-once", default="", help="duration (10m, 2h30m) or RFC3339 time")

    # --- rpkg -----------------------------------------------------------------------------
    rpkg = groups.add_parser("rpkg", aliases=["rpackage"], help="manage package revisions")
    ps = rpkg.add_subparsers(dest="command", metavar="SUBCOMMAND", parser_class=Parser)
    ps.required = True

    get = ps.add_parser("get", aliases=["list"], parents=[conn], help="list package revisions")
    get.add_argument("names", metavar="NAME", nargs="*")
    _output(get)
    get.add_argument("--name", dest="package", default="", help="package name substring")
    get.add_argument("--revision", type=int, default=-2, help="revision number (-2: any)")
    get.add_argument("--workspace", default="", help="workspace name")
    get.add_argument("--show-kptfile", action="store_true", help="print the root Kptfile")
    get.add_argument("-w", "--watch", action="store_true", help="watch for changes")

    init = ps.add_parser("init", parents=[conn], help="create a new package")
    init.add_argument("package", metavar="PACKAGE_NAME")
    init.add_argument("--repository", required=True)
    init.add_argument("--workspace", required=True)
    init.add_argument("--description", default="")
    init.add_argument("--keywords", default="", help="comma separated")
    init.add_argument("--site", default="")

    clone = ps.add_parser("clone", parents=[conn], help="clone a package into a new revision")
    clone.add_argument("source", metavar="SOURCE_PACKAGE")
    clone.add_argument("package", metavar="TARGET_PACKAGE_NAME")
    clone.add_argument("--repository", required=True)
    clone.add_argument("--workspace", default="v1")
    clone.add_argument("--directory", default="")
    clone.add_argument("--ref", default="")
    clone.add_argument("--secret-ref", default="")
    clone.add_argument("--strategy", default="", choices=("", *STRATEGIES))

    copy = ps.add_parser("copy", aliases=["edit"], parents=[conn], help="copy a revision")
    copy.add_argument("source", metavar="SOURCE_PACKAGE_REVISION")
    copy.add_argument("--workspace", required=True)
    copy.add_argument("--replay-strategy", default="", help="accepted for compatibility")

    pull = ps.add_parser("pull", aliases=["source", "read"], parents=[conn], help="read files")
    pull.add_argument("name", metavar="PACKAGE_REVISION")
    pull.add_argument("dir", metavar="DIR", nargs="?")

    push = ps.add_parser("push", aliases=["sink", "write"], parents=[conn], help="write files")
    push.add_argument("name", metavar="PACKAGE_REVISION")
    push.add_argument("dir", metavar="DIR", nargs="?")

    for verb, aliases, text in (
        ("propose", [], "propose drafts for approval"),
        ("approve", [], "approve proposed revisions"),
        ("reject", [], "reject a proposal (for approval or deletion)"),
        ("propose-delete", ["propose-del"], "propose published revisions for deletion"),
        ("del", ["delete"], "delete revisions"),
    ):
        lc = ps.add_parser(verb, aliases=aliases, parents=[conn], help=text)
        lc.add_argument("names", metavar="PACKAGE_REVISION", nargs="+")
        lc.set_defaults(command=verb)

    up = ps.add_parser("upgrade", parents=[conn], help="upgrade a downstream revision")
    up.add_argument("name", metavar="PACKAGE_REVISION", nargs="?")
    up.add_argument("--revision", type=int, default=0, help="upstream revision (0: latest)")
    up.add_argument("--workspace", default="")
    up.add_argument("--strategy", default="resource-merge", choices=STRATEGIES)
    up.add_argument("--discover", default="", choices=("", "upstream", "downstream"))
    _output(up)

    log = ps.add_parser("log", parents=[conn], help="a revision's history (local mode)")
    log.add_argument("name", metavar="PACKAGE_REVISION")
    log.add_argument("--nats", default="", help="NATS URL (default: $PORCH_HOME/ports.json)")
    log.add_argument("-o", "--output", default="", choices=("", "json"))

    # --- completion -----------------------------------------------------------------------
    comp = groups.add_parser("completion", help="print a shell completion script")
    comp.add_argument("shell", choices=("bash", "zsh"))

    # canonical names for aliases, so dispatch needs one spelling
    for sub in (rs, ps):
        for name, parser in sub.choices.items():
            canonical = {
                "register": "reg",
                "ls": "get",
                "list": "get",
                "unregister": "unreg",
                "reconcile": "sync",
                "edit": "copy",
                "source": "pull",
                "read": "pull",
                "sink": "push",
                "write": "push",
                "propose-del": "propose-delete",
                "delete": "del",
            }.get(name, name)
            parser.set_defaults(command=canonical)
    repo.set_defaults(group="repo")
    rpkg.set_defaults(group="rpkg")
    return top


def parse(argv: Sequence[str]) -> argparse.Namespace:
    """Parse; names after flags (``NAME --namespace=x NAME2``) join the names, as in cobra."""
    parser = build()
    ns, rest = parser.parse_known_args(list(argv))
    if rest:
        if isinstance(getattr(ns, "names", None), list) and not any(
            r.startswith("-") for r in rest
        ):
            ns.names += rest
        else:
            parser.error(f"unrecognized arguments: {' '.join(rest)}")
    return ns


__all__ = ["STRATEGIES", "Parser", "build", "parse"]
