"""The files of a new package revision, per creation task, with the kpt library.

Package trees are ``{path: bytes}``; nothing here touches NATS. Only ``clone_from_git``
does I/O (pygit2, through a ``Fetcher``). Errors are ``porch.errors`` values whose message
the API shows as the task's failure.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Callable
from typing import Any

from porch.errors import Invalid
from porch.kpt import pkg_kptfilestruct as struct
from porch.kpt import pkg_strategies, pkg_tree, pkgget, pkginit
from porch.kpt.pkg_git import RepoCache

Files = dict[str, bytes]
DEFAULT_STRATEGY = "resource-merge"

# The seam for Git credentials: a fetcher for the named Secret ("" = anonymous). git-sync's
# engineer owns credential resolution; until it is wired, every fetch is anonymous.
GitFetchers = Callable[[str], RepoCache]
# The seam for OCI: image -> package files (porch.oci is being written).
OciSource = Callable[[str], Files]


def package_name(package: str) -> str:
    """A Kptfile's ``metadata.name``: the last segment of the package path."""
    return posixpath.basename(package.rstrip("/"))


def init(package: str, spec: dict[str, Any] | None) -> Files:
    """``kpt pkg init`` files; no task at all means Porch's default description."""
    spec = spec if spec is not None else {"description": f"{package} description"}
    sub = str(spec.get("subpackage") or "").strip("/")
    files = pkginit.init_package(
        name=package_name(sub or package),
        description=str(spec.get("description") or ""),
        keywords=[str(k) for k in spec.get("keywords") or []],
        site=str(spec.get("site") or ""),
    )
    return {pkg_tree.join(sub, p): data for p, data in files.items()} if sub else files


def with_upstream(files: Files, *, name: str | None, lock: dict[str, Any]) -> Files:
    """The root Kptfile pointed at ``lock``: ``upstream`` (without the commit) and
    ``upstreamLock``, as Porch writes them for a clone or an upgrade."""
    kf = pkg_tree.kptfile(files, "")
    if kf is None:
        raise Invalid("the upstream package has no Kptfile")
    kind = str(lock.get("type") or "git")
    locator = {k: str(v) for k, v in dict(lock.get(kind) or {}).items()}
    upstream = {k: v for k, v in locator.items() if k != "commit"}
    # Built as a Kptfile and parsed, so the library types and quotes every value as kpt does.
    fields = struct.parse(
        json.dumps(
            {
                "apiVersion": "kpt.dev/v1",
                "kind": "Kptfile",
                "metadata": {"name": name or "x"},
                "upstream": {"type": kind, kind: upstream},
                "upstreamLock": {"type": kind, kind: locator},
            }
        ),
        source="upstream lock",
    )
    if name is not None:
        _rename(kf, name, fields)
    for key in ("upstream", "upstreamLock"):
        value = fields.get(key)
        if value is not None:
            kf.set(key, value)
    return pkg_tree.with_kptfile(files, "", struct.normalize(kf) or kf)


def renamed(files: Files, *, name: str) -> Files:
    """The root Kptfile's ``metadata.name`` set to ``name``, nothing else changed."""
    kf = pkg_tree.kptfile(files, "")
    if kf is None:
        raise Invalid("the upstream package has no Kptfile")
    _rename(kf, name, struct.new(name))
    return pkg_tree.with_kptfile(files, "", struct.normalize(kf) or kf)


def _rename(kf: Any, name: str, made: Any) -> None:
    mine = kf.get("metadata")
    if mine is not None:
        mine.set("name", struct.go_string(name))
    elif made.get("metadata") is not None:
        kf.set("metadata", made.get("metadata"))


def clone_from_revision(
    files: Files, *, package: str, lock: dict[str, Any] | None, deployment: bool
) -> Files:
    if lock:
        cloned = with_upstream(files, name=package_name(package), lock=lock)
    else:
        # An OCI upstream: kpt's v1 Kptfile has no way to record one (upstream is Git only).
        cloned = renamed(files, name=package_name(package))
    return pkgget.package_context(cloned) if deployment else cloned


def clone_from_git(
    fetchers: GitFetchers, git: dict[str, Any], *, package: str, deployment: bool
) -> Files:
    repo = str(git.get("repo") or "")
    if not repo:
        raise Invalid("spec.tasks[0].clone.upstreamRef.git.repo: Required value")
    secret = str((git.get("secretRef") or {}).get("name") or "")
    tree = pkgget.assemble(
        fetchers(secret),
        repo_url=repo,
        directory=str(git.get("directory") or "/"),
        ref=str(git.get("ref") or "main"),
        name=package_name(package),
        for_deployment=deployment,
    )
    return tree.files


def clone_from_oci(
    source: OciSource | None, oci: dict[str, Any], *, package: str, deployment: bool
) -> Files:
    if source is None:
        raise NotImplementedError("cloning from an OCI image is not available yet")
    image = str(oci.get("image") or "")
    if not image:
        raise Invalid("spec.tasks[0].clone.upstreamRef.oci.image: Required value")
    # kpt's v1 Kptfile has no OCI upstream (Upstream knows only git), so the clone records
    # none: the image stays visible in the revision's clone task.
    cloned = renamed(source(image), name=package_name(package))
    return pkgget.package_context(cloned) if deployment else cloned


def upgrade(
    local: Files,
    old_upstream: Files,
    new_upstream: Files,
    *,
    strategy: str,
    new_lock: dict[str, Any] | None,
) -> Files:
    """old upstream -> new upstream applied on ``local`` with kpt's 3-way merge."""
    updater = pkg_strategies.STRATEGIES.get(strategy or DEFAULT_STRATEGY)
    if updater is None:
        raise Invalid(f'unknown update strategy "{strategy}"')
    if pkg_tree.kptfile(local, "") is None:
        raise Invalid("the local package revision has no Kptfile")
    mine, theirs, base = (
        pkgget.add_merge_comments(t, attribution=False) for t in (local, new_upstream, old_upstream)
    )
    merged = updater(mine, theirs, base, is_root=True)
    return with_upstream(merged, name=None, lock=new_lock) if new_lock else merged


__all__ = [
    "DEFAULT_STRATEGY",
    "GitFetchers",
    "OciSource",
    "clone_from_git",
    "clone_from_oci",
    "clone_from_revision",
    "init",
    "package_name",
    "renamed",
    "upgrade",
    "with_upstream",
]
