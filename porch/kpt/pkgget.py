"""``kpt pkg get``: fetch a package from Git into a new local directory.

What kpt writes, in its order: a fresh root Kptfile named after the destination with
``upstream`` (repo, directory, ref as given, update strategy); the package files at the
resolved commit (nested packages included, the fresh Kptfile kept); the upstream
Kptfile's annotations, labels, info, pipeline, inventory and status merged in;
``upstreamLock`` with the ref actually fetched and its commit. Nested packages that
declare an upstream but have no lock are then fetched the same way. Finally every
resource gets its ``# kpt-merge`` comment and upstream-identifier annotation, and with
``for_deployment`` the root gets a generated ``package-context.yaml`` (only the root, as
kpt does now; v1.0.0-beta.56 generated one per package). Everything is assembled in
memory; the destination is only written when all of it worked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from porch.errors import Invalid, PorchError
from porch.kpt import kptfilemerge, pkg_files, pkg_mergecomment, pkg_resources, pkg_tree
from porch.kpt import pkg_kptfilestruct as struct
from porch.kpt.pkg_git import Fetched, RepoCache
from porch.krm.yamlnode import Node, mapping, scalar

STRATEGIES = ("resource-merge", "fast-forward", "force-delete-replace", "copy-merge")
PACKAGE_CONTEXT = "package-context.yaml"
PACKAGE_CONTEXT_NAME = "kptfile.kpt.dev"


def default_cache_dir() -> Path:
    return Path.home() / ".kpt" / "porch-repos"


@dataclass
class Assembled:
    """A package tree ready to be written."""

    files: dict[str, bytes]
    executables: set[str] = field(default_factory=set)
    fetched: int = 0
    messages: list[str] = field(default_factory=list)


def upstream(*, repo: str, directory: str, ref: str, strategy: str) -> Node:
    git = mapping(
        [
            ("repo", struct.go_string(repo)),
            ("directory", struct.go_string(directory)),
            ("ref", struct.go_string(ref)),
        ]
    )
    return mapping(
        [
            ("type", struct.go_string("git")),
            ("git", git),
            ("updateStrategy", struct.go_string(strategy)),
        ]
    )


def lock(fetched: Fetched) -> Node:
    git = mapping(
        [
            ("repo", struct.go_string(fetched.repo)),
            ("directory", struct.go_string(fetched.directory)),
            ("ref", struct.go_string(fetched.ref)),
            ("commit", struct.go_string(fetched.commit)),
        ]
    )
    return mapping([("type", struct.go_string("git")), ("git", git)])


def fetch_into(tree: Assembled, directory: str, fetched: Fetched) -> None:
    """Copy a fetched package into ``directory`` of the tree (keeping the Kptfile there),
    merge the upstream Kptfile into it and record the lock (kpt's cloneAndCopy)."""
    local = pkg_tree.kptfile(tree.files, directory)
    updated = pkg_tree.kptfile(fetched.files, "")
    for path, data in fetched.files.items():
        target = pkg_tree.join(directory, path)
        if path == pkg_tree.KPTFILE and target in tree.files:
            continue
        tree.files[target] = data
        if path in fetched.executables:
            tree.executables.add(target)
    merged = kptfilemerge.update(local, updated, None, take_upstream=False)
    merged.set("upstreamLock", lock(fetched))
    tree.files = pkg_tree.with_kptfile(tree.files, directory, struct.normalize(merged) or merged)
    tree.messages.extend(fetched.warnings)


def fetch_unlocked(tree: Assembled, cache: RepoCache) -> None:
    """Fetch every package of the tree that has an upstream but no lock, parents first."""
    stack = [""]
    while stack:
        directory = stack.pop()
        kf = pkg_tree.kptfile(tree.files, directory)
        if kf is not None and kf.get("upstream") is not None and kf.get("upstreamLock") is None:
            repo, path, ref = _git_of(kf, directory)
            tree.messages.append(f"Fetching {repo}@{ref}")
            fetch_into(tree, directory, cache.fetch(repo, directory=path, ref=ref))
            tree.fetched += 1
        stack.extend(pkg_tree.subpackages(tree.files, directory, recursive=False))


def _git_of(kf: Node, directory: str) -> tuple[str, str, str]:
    git = kf.lookup("upstream", "git")
    repo, path, ref = (git.text(k) for k in ("repo", "directory", "ref")) if git else ("", "", "")
    where = directory or "."
    for value, what in ((repo, "repo"), (ref, "ref"), (path, "directory")):
        if not value:
            raise Invalid(f"{where}: must specify {what}")
    return repo, path, ref


def add_merge_comments(files: dict[str, bytes], *, attribution: bool = True) -> dict[str, bytes]:
    """Merge comments and identifiers on every resource of the tree; like kpt, a file that
    does not parse makes this a no-op."""
    try:
        resources = pkg_resources.read_resources(files, subpackages=True)
    except PorchError:
        return files
    pkg_mergecomment.add_all(resources, attribution=attribution)
    return pkg_resources.write_resources(files, resources, read_from=set())


def package_context(files: dict[str, bytes]) -> dict[str, bytes]:
    """kpt's builtin gen-pkg-context: drop every ``kptfile.kpt.dev`` ConfigMap, then
    generate the root package's from its Kptfile name."""
    resources = pkg_resources.read_resources(files, subpackages=True)
    read_from = {r.path for r in resources}
    kept = [r for r in resources if not _is_context(r.node)]
    root = pkg_tree.kptfile(files, "")
    name = root.text("metadata", "name") if root is not None else ""
    index = sum(1 for r in kept if r.path == PACKAGE_CONTEXT)
    context = pkg_resources.parse_file(PACKAGE_CONTEXT, _context_text())[0]
    data = mapping([("name", scalar(name, tag="!!str"))])
    context.node.set("data", data)
    context.index = index
    return pkg_resources.write_resources(files, [*kept, context], read_from=read_from)


def _is_context(node: Node) -> bool:
    return (
        node.text("apiVersion") == "v1"
        and node.text("kind") == "ConfigMap"
        and node.text("metadata", "name") == PACKAGE_CONTEXT_NAME
    )


def _context_text() -> str:
    return (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n"
        f"  name: {PACKAGE_CONTEXT_NAME}\n"
        "  annotations:\n"
        '    config.kubernetes.io/local-config: "true"\n'
        "data:\n  name: example\n"
    )


def assemble(
    cache: RepoCache,
    *,
    repo_url: str,
    directory: str,
    ref: str,
    name: str,
    strategy: str = "resource-merge",
    for_deployment: bool = False,
) -> Assembled:
    """The files ``pkg get`` would write for a package called ``name``."""
    if strategy not in STRATEGIES:
        raise Invalid(f'unknown update strategy "{strategy}"')
    root = struct.new(name)
    root.set("upstream", upstream(repo=repo_url, directory=directory, ref=ref, strategy=strategy))
    tree = Assembled(files={pkg_tree.KPTFILE: struct.dump(root).encode("utf-8")})
    fetch_unlocked(tree, cache)
    tree.files = add_merge_comments(tree.files)
    if for_deployment:
        tree.files = package_context(tree.files)
    return tree


def get(
    repo_url: str,
    directory: str,
    ref: str,
    dest: Path,
    *,
    strategy: str = "resource-merge",
    for_deployment: bool = False,
    cache_dir: Path | None = None,
) -> Assembled:
    """Fetch ``directory`` of ``repo_url`` at ``ref`` into the new directory ``dest``
    (absent or empty; its name becomes the package name). Nothing is written on error."""
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise Invalid(f'destination directory "{dest}" already exists')
    if not dest.parent.is_dir():
        raise Invalid(f'parent directory "{dest.parent}" does not exist')
    cache = RepoCache(cache_dir or default_cache_dir())
    tree = assemble(
        cache,
        repo_url=repo_url,
        directory=directory,
        ref=ref,
        name=dest.resolve().name,
        strategy=strategy,
        for_deployment=for_deployment,
    )
    pkg_files.create(dest, tree.files, executables=frozenset(tree.executables))
    return tree


__all__ = [
    "STRATEGIES",
    "Assembled",
    "add_merge_comments",
    "assemble",
    "default_cache_dir",
    "fetch_into",
    "fetch_unlocked",
    "get",
    "lock",
    "package_context",
    "upstream",
]
