"""init, clone, copy and upgrade: new Draft revisions, each made by one creation task.

Porch's porchctl refuses ``init``/``clone`` into a package that already exists before asking
the server (the server refuses too). Clone sources: a PackageRevision name, a Git URL
(``repo.git/dir@ref`` or ``--directory``/``--ref``) or ``oci://image``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from porch.porchctl import client as api
from porch.porchctl import printing
from porch.porchctl.failures import CliError
from porch.porchctl.session import Session

Json = dict[str, Any]
PLURAL = "packagerevisions"


def revision_body(
    namespace: str, *, repository: str, package: str, workspace: str, task: Json
) -> Json:
    return {
        "apiVersion": "porch.kpt.dev/v1alpha1",
        "kind": "PackageRevision",
        "metadata": {"namespace": namespace},
        "spec": {
            "packageName": package,
            "repository": repository,
            "workspaceName": workspace,
            "tasks": [task],
        },
    }


def init_task(description: str, keywords: str, site: str) -> Json:
    init: Json = {"description": description or "sample description"}
    words = [k.strip() for k in keywords.split(",") if k.strip()]
    if words:
        init["keywords"] = words
    if site:
        init["site"] = site
    return {"type": "init", "init": init}


@dataclass(frozen=True)
class GitSource:
    repo: str
    directory: str
    ref: str


_GIT_URL = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|git@)", re.IGNORECASE)


def is_git_url(source: str) -> bool:
    return bool(_GIT_URL.match(source)) and not source.startswith("oci://")


def parse_git_source(source: str, *, directory: str = "", ref: str = "") -> GitSource:
    """``https://host/repo.git/sub/dir@ref`` (kpt's form) with flags taking precedence."""
    repo, found_dir, found_ref = source, "", ""
    if ".git" in source:
        head, _, tail = source.partition(".git")
        repo = head + ".git"
        path, _, found_ref = tail.partition("@")
        found_dir = path.strip("/")
    return GitSource(
        repo=repo,
        directory=directory or found_dir or "/",
        ref=ref or found_ref or "main",
    )


def clone_task(source: str, *, directory: str, ref: str, secret_ref: str, strategy: str) -> Json:
    upstream: Json
    if source.startswith("oci://"):
        upstream = {"type": "oci", "oci": {"image": source.removeprefix("oci://")}}
    elif is_git_url(source):
        git = parse_git_source(source, directory=directory, ref=ref)
        spec: Json = {"repo": git.repo, "ref": git.ref, "directory": git.directory}
        if secret_ref:
            spec["secretRef"] = {"name": secret_ref}
        upstream = {"type": "git", "git": spec}
    else:
        upstream = {"upstreamRef": {"name": source}}
    clone: Json = {"upstreamRef": upstream}
    if strategy:
        clone["strategy"] = strategy
    return {"type": "clone", "clone": clone}


class Creating:
    def __init__(self, session: Session) -> None:
        self.s = session

    def _revisions(self) -> list[Json]:
        found = self.s.client.get(api.collection(api.PORCH, PLURAL, self.s.namespace))
        items: list[Json] = found.get("items") or []
        return items

    def _refuse_existing(self, verb: str, repository: str, package: str) -> None:
        for pr in self._revisions():
            spec = pr.get("spec") or {}
            if spec.get("repository") == repository and spec.get("packageName") == package:
                raise CliError(
                    f'`{verb}` cannot create a new revision for package "{package}" that '
                    f'already exists in repo "{repository}"; make subsequent revisions using `copy`'
                )

    def _create(self, body: Json) -> str:
        made = self.s.client.request(
            "POST", api.collection(api.PORCH, PLURAL, self.s.namespace), body=body
        )
        name = str(made["metadata"]["name"])
        self.s.say(f"{name} created")
        return name

    def init(
        self,
        package: str,
        *,
        repository: str,
        workspace: str,
        description: str,
        keywords: str,
        site: str,
    ) -> None:
        self._refuse_existing("init", repository, package)
        task = init_task(description, keywords, site)
        self._create(
            revision_body(
                self.s.namespace,
                repository=repository,
                package=package,
                workspace=workspace,
                task=task,
            )
        )

    def clone(
        self,
        source: str,
        package: str,
        *,
        repository: str,
        workspace: str,
        directory: str,
        ref: str,
        secret_ref: str,
        strategy: str,
    ) -> None:
        self._refuse_existing("clone", repository, package)
        task = clone_task(
            source, directory=directory, ref=ref, secret_ref=secret_ref, strategy=strategy
        )
        self._create(
            revision_body(
                self.s.namespace,
                repository=repository,
                package=package,
                workspace=workspace,
                task=task,
            )
        )

    def copy(self, source: str, *, workspace: str) -> None:
        pr = self.s.client.get(api.item(api.PORCH, PLURAL, self.s.namespace, source))
        spec = pr.get("spec") or {}
        task = {"type": "edit", "edit": {"sourceRef": {"name": source}}}
        self._create(
            revision_body(
                self.s.namespace,
                repository=spec.get("repository", ""),
                package=spec.get("packageName", ""),
                workspace=workspace,
                task=task,
            )
        )

    # --- upgrade --------------------------------------------------------------------------

    def upgrade(self, name: str, *, revision: int, workspace: str, strategy: str) -> None:
        all_revisions = self._revisions()
        by_name = {r["metadata"]["name"]: r for r in all_revisions}
        local = by_name.get(name)
        if local is None:
            raise CliError(f'packagerevisions.porch.kpt.dev "{name}" not found')
        if (local.get("spec") or {}).get("lifecycle") != "Published":
            raise CliError(
                f"to upgrade a package, it must be in a published state, "
                f"not {local['spec'].get('lifecycle')!r}"
            )
        old_name = upstream_name(local)
        old = by_name.get(old_name) if old_name else None
        if old is None:
            raise CliError(
                f"could not find upstream package revision for {name!r}: "
                "it was not cloned from a registered repository"
            )
        candidates = published_revisions(
            all_revisions, old["spec"]["repository"], old["spec"]["packageName"]
        )
        if revision:
            new = next((r for r in candidates if r["spec"].get("revision") == revision), None)
            if new is None:
                raise CliError(
                    f"revision {revision} does not exist for package {old['spec']['packageName']}"
                )
        elif candidates:
            new = candidates[-1]
        else:
            raise CliError(f"no published revisions of package {old['spec']['packageName']}")
        if not workspace:
            raise CliError("--workspace is required to upgrade a package revision")
        task = {
            "type": "upgrade",
            "upgrade": {
                "oldUpstreamRef": {"name": old_name},
                "newUpstreamRef": {"name": new["metadata"]["name"]},
                "localPackageRevisionRef": {"name": name},
                "strategy": strategy,
            },
        }
        body = revision_body(
            self.s.namespace,
            repository=local["spec"]["repository"],
            package=local["spec"]["packageName"],
            workspace=workspace,
            task=task,
        )
        made = self.s.client.request(
            "POST", api.collection(api.PORCH, PLURAL, self.s.namespace), body=body
        )
        self.s.say(f"{name} upgraded to {made['metadata']['name']}")

    def discover(self, mode: str, name: str | None) -> None:
        all_revisions = self._revisions()
        by_name = {r["metadata"]["name"]: r for r in all_revisions}
        rows: list[list[str]] = []
        for pr in all_revisions:
            if name and pr["metadata"]["name"] != name:
                continue
            if (pr.get("spec") or {}).get("lifecycle") != "Published":
                continue
            up = by_name.get(upstream_name(pr))
            if up is None:
                continue
            newer = [
                r
                for r in published_revisions(
                    all_revisions, up["spec"]["repository"], up["spec"]["packageName"]
                )
                if int(r["spec"].get("revision") or 0) > int(up["spec"].get("revision") or 0)
            ]
            if not newer:
                continue
            updates = ", ".join(f"v{r['spec']['revision']}" for r in newer)
            if mode == "upstream":
                rows.append([pr["metadata"]["name"], up["spec"]["repository"], updates])
            else:
                rows.append([up["metadata"]["name"], pr["metadata"]["name"], updates])
        if not rows:
            which = "upstream" if mode == "upstream" else "downstream"
            self.s.say(f"All {which} packages are up to date.")
            return
        head = (
            ["PACKAGE REVISION", "UPSTREAM REPOSITORY", "UPSTREAM UPDATES"]
            if mode == "upstream"
            else ["PACKAGE REVISION", "DOWNSTREAM PACKAGE", "DOWNSTREAM UPDATE"]
        )
        self.s.out.write(printing.align([head, *sorted(rows)]))


def upstream_name(pr: Json) -> str:
    """The registered upstream revision this one was cloned from (or last upgraded to)."""
    tasks = (pr.get("spec") or {}).get("tasks") or []
    task = tasks[0] if tasks and isinstance(tasks[0], dict) else {}
    if task.get("type") == "clone":
        ref = ((task.get("clone") or {}).get("upstreamRef") or {}).get("upstreamRef") or {}
        return str(ref.get("name") or "")
    if task.get("type") == "upgrade":
        return str(((task.get("upgrade") or {}).get("newUpstreamRef") or {}).get("name") or "")
    return ""


def published_revisions(revisions: list[Json], repository: str, package: str) -> list[Json]:
    """Published revisions (number > 0) of one package, oldest first."""
    found = [
        r
        for r in revisions
        if (r.get("spec") or {}).get("repository") == repository
        and r["spec"].get("packageName") == package
        and r["spec"].get("lifecycle") in ("Published", "DeletionProposed")
        and int(r["spec"].get("revision") or 0) > 0
    ]
    return sorted(found, key=lambda r: int(r["spec"]["revision"]))


__all__ = [
    "Creating",
    "GitSource",
    "clone_task",
    "init_task",
    "is_git_url",
    "parse_git_source",
    "published_revisions",
    "revision_body",
    "upstream_name",
]
