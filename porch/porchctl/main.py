"""porchctl's entry point: parse, dispatch, and turn failures into Porch's exit codes.

Success exits 0; any failure prints ``Error: <message> `` on stderr (Porch's cobra wording,
trailing space included) and exits 1.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TextIO

from porch.porchctl import args as cli
from porch.porchctl.failures import CliError
from porch.porchctl.kubeconfig import KubeconfigError
from porch.porchctl.session import Session, open_session


def run(argv: Sequence[str], *, stdout: TextIO, stderr: TextIO, stdin: TextIO) -> int:
    try:
        ns = cli.parse(argv)
        if ns.group == "completion":
            from porch.porchctl import completion

            stdout.write(completion.script(ns.shell))
            return 0
        if ns.group == "rpkg" and ns.command == "log":
            return _log(ns, stdout)
        session = open_session(ns)
        session.out, session.err, session.stdin = stdout, stderr, stdin
        dispatch(session, ns)
    except (CliError, KubeconfigError) as exc:
        stdout.flush()
        stderr.write(f"Error: {exc} \n")
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    return 0


def dispatch(s: Session, ns: argparse.Namespace) -> None:
    if ns.group == "repo":
        _repo(s, ns)
    else:
        _rpkg(s, ns)


def _repo(s: Session, ns: argparse.Namespace) -> None:
    from porch.porchctl import listing, repositories

    if ns.command == "reg":
        repositories.register(
            s,
            ns.repository,
            name=ns.name,
            description=ns.description,
            branch=ns.branch,
            create_branch=ns.create_branch,
            directory=ns.directory,
            deployment=ns.deployment,
            username=ns.repo_basic_username,
            password=ns.repo_basic_password,
            workload_identity=ns.repo_workload_identity,
            sync_schedule=ns.sync_schedule,
        )
    elif ns.command == "get":
        listing.run(
            s,
            listing.Request(
                kind=listing.REPOSITORIES,
                names=ns.names,
                output=ns.output,
                all_namespaces=ns.all_namespaces,
                no_headers=ns.no_headers,
            ),
        )
    elif ns.command == "unreg":
        repositories.unregister(s, ns.name, keep_auth_secret=ns.keep_auth_secret)
    elif ns.command == "sync":
        repositories.sync(
            s,
            ns.names,
            all_repos=ns.all,
            all_namespaces=ns.all_namespaces,
            run_once=ns.run_once,
        )


def _rpkg(s: Session, ns: argparse.Namespace) -> None:
    from porch.porchctl import creating, lifecycle, listing, packagefiles

    cmd = ns.command
    if cmd == "get":
        if ns.show_kptfile:
            listing.show_kptfile(s, ns.names)
            return
        filters = listing.Filters(package=ns.package, revision=ns.revision, workspace=ns.workspace)
        listing.run(
            s,
            listing.Request(
                kind=listing.REVISIONS,
                names=ns.names,
                output=ns.output,
                all_namespaces=ns.all_namespaces,
                no_headers=ns.no_headers,
                filters=filters,
                watch=ns.watch,
            ),
        )
    elif cmd in ("propose", "approve", "reject", "propose-delete", "del"):
        lc = lifecycle.Lifecycle(s)
        verbs = {
            "propose": lc.propose,
            "approve": lc.approve,
            "reject": lc.reject,
            "propose-delete": lc.propose_delete,
            "del": lc.delete,
        }
        verbs[cmd](ns.names)
    elif cmd == "init":
        creating.Creating(s).init(
            ns.package,
            repository=ns.repository,
            workspace=ns.workspace,
            description=ns.description,
            keywords=ns.keywords,
            site=ns.site,
        )
    elif cmd == "clone":
        creating.Creating(s).clone(
            ns.source,
            ns.package,
            repository=ns.repository,
            workspace=ns.workspace,
            directory=ns.directory,
            ref=ns.ref,
            secret_ref=ns.secret_ref,
            strategy=ns.strategy,
        )
    elif cmd == "copy":
        creating.Creating(s).copy(ns.source, workspace=ns.workspace)
    elif cmd == "upgrade":
        if ns.discover:
            creating.Creating(s).discover(ns.discover, ns.name)
            return
        if not ns.name:
            raise CliError("PACKAGE_REVISION is a required positional argument")
        creating.Creating(s).upgrade(
            ns.name, revision=ns.revision, workspace=ns.workspace, strategy=ns.strategy
        )
    elif cmd == "pull":
        packagefiles.pull(s, ns.name, ns.dir)
    elif cmd == "push":
        packagefiles.push(s, ns.name, ns.dir)


def _log(ns: argparse.Namespace, stdout: TextIO) -> int:
    import asyncio
    import logging
    import os

    from porch.porchctl import history

    namespace = ns.namespace
    if not namespace:
        try:
            namespace = open_session(ns).namespace
        except KubeconfigError:
            namespace = "default"
    logging.getLogger("porch.eventlog").setLevel(logging.ERROR)  # no reconnect chatter
    repo, package, workspace = history.split_name(ns.name)
    url = history.nats_url(ns.nats, os.environ)
    try:
        events = asyncio.run(history.read_events(url, namespace, repo, package, workspace))
    except Exception as exc:  # NATS errors of every kind: report, never a traceback
        if isinstance(exc, CliError):
            raise
        raise CliError(f"reading the event log at {url}: {exc}") from None
    if not events:
        raise CliError(
            f'no history for packagerevisions.porch.kpt.dev "{ns.name}" in namespace "{namespace}"'
        )
    stdout.write(history.show(events, output=ns.output))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    return run(
        sys.argv[1:] if argv is None else argv,
        stdout=sys.stdout,
        stderr=sys.stderr,
        stdin=sys.stdin,
    )


__all__ = ["dispatch", "main", "run"]
