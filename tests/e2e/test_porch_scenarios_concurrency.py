"""Porch's concurrency scenarios (reference/porch.md §4.1, ``concurrent_test``): several
clients at once doing the same clone / init / edit / resource update / propose+approve /
delete / propose-delete / upgrade: exactly one wins, the others get 409 Conflict (or an
equivalent error: 404 for a delete that lost, 422 for an approval of what is already
published), and afterwards the event stream and Git hold the winner's change exactly once.

Requests go over HTTP from threads released together by a barrier (kubectl's start-up time
would serialise them).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest

from porch.eventlog import subjects
from tests.e2e.test_porch_scenarios import (
    PORCH,
    Obj,
    Porch,
    clone_task,
    edit_task,
    porch,
    pr_manifest,
    pr_name,
    repo,
    upgrade_task,
    wait_until,
)

pytestmark = pytest.mark.e2e
__all__ = ["porch", "repo"]  # the fixtures, shared with the scenarios module

CLIENTS = 3
Call = Callable[[], tuple[int, Obj]]


def race(calls: list[Call]) -> list[tuple[int, Obj]]:
    barrier = threading.Barrier(len(calls))

    def run(call: Call) -> tuple[int, Obj]:
        barrier.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def one_wins(results: list[tuple[int, Obj]], win: int, lose: tuple[int, ...] = (409,)) -> Obj:
    codes = sorted(code for code, _ in results)
    assert codes.count(win) == 1, results
    assert all(code in lose for code in codes if code != win), results
    for code, body in results:
        if code != win:
            assert body["kind"] == "Status", body
            assert body["reason"], body
    return next(body for code, body in results if code == win)


def creations(porch: Porch, repo: str, package: str, ns: str = "default") -> list[Obj]:
    subject = subjects.package_wildcard(ns, repo, package)
    return [e for kind, e in porch.event_records(subject) if kind == "RevisionCreated"]


def events_of(porch: Porch, repo: str, package: str, kind: str) -> list[Obj]:
    subject = subjects.package_wildcard("default", repo, package)
    return [e for k, e in porch.event_records(subject) if k == kind]


def create_race(porch: Porch, repo: str, package: str, workspace: str, task: Obj | None) -> Obj:
    body = pr_manifest(repo, package, workspace, task)
    path = f"{PORCH}/default/packagerevisions"
    results = race([lambda: porch.http("POST", path, body)] * CLIENTS)
    won = one_wins(results, 201)
    assert [c["workspace"] for c in creations(porch, repo, package)].count(workspace) == 1
    porch.wait_refs(
        repo,
        lambda r: f"refs/heads/drafts/{package}/{workspace}" in r,
        "the winner's draft branch",
    )
    return won


def test_concurrent_init(porch: Porch, repo: str) -> None:
    won = create_race(porch, repo, "init", "ws", None)

    assert won["spec"]["tasks"][0]["type"] == "init"
    assert porch.names(repo=repo) == {pr_name(repo, "init", "ws")}


def test_concurrent_clone(porch: Porch, repo: str) -> None:
    upstream = porch.publish(repo, "upstream", "v1")

    create_race(porch, repo, "cloned", "ws", clone_task(upstream))

    assert pr_name(repo, "cloned", "ws") in porch.names(repo=repo)


def test_concurrent_edit(porch: Porch, repo: str) -> None:
    v1 = porch.publish(repo, "edited", "v1")

    won = create_race(porch, repo, "edited", "v2", edit_task(v1))

    assert won["spec"]["tasks"] == [edit_task(v1)]


def test_concurrent_upgrade(porch: Porch, repo: str) -> None:
    v1 = porch.publish(repo, "up", "v1")
    local = porch.publish(repo, "down", "v1", clone_task(v1))
    v2 = porch.publish(repo, "up", "v2", edit_task(v1))

    won = create_race(porch, repo, "down", "v2", upgrade_task(v1, v2, local))

    assert won["spec"]["tasks"][0]["type"] == "upgrade"


def test_concurrent_resource_update(porch: Porch, repo: str) -> None:
    name = porch.create(repo, "res", "ws")["metadata"]["name"]
    read = porch.resources(name)

    def update(i: int) -> Call:
        body: Obj = {**read, "spec": {**read["spec"], "resources": dict(read["spec"]["resources"])}}
        body["spec"]["resources"][f"client-{i}.yaml"] = (
            f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: client-{i}\n"
        )
        return lambda: porch.put_resources(name, body)

    results = race([update(i) for i in range(CLIENTS)])

    won = one_wins(results, 200)
    mine = [f for f in won["spec"]["resources"] if f.startswith("client-")]
    assert len(mine) == 1
    now = porch.resources(name)["spec"]["resources"]
    assert [f for f in now if f.startswith("client-")] == mine
    assert len(events_of(porch, repo, "res", "RevisionResourcesUpdated")) == 1
    wait_until(
        lambda: porch.has_file(repo, "drafts/res/ws", f"res/{mine[0]}"),
        what="the winner's file in Git",
    )


def test_concurrent_propose_and_approve(porch: Porch, repo: str) -> None:
    name = porch.create(repo, "approved", "ws")["metadata"]["name"]
    item = f"{PORCH}/default/packagerevisions/{name}"
    read = porch.get("packagerevision", name)
    proposed = {**read, "spec": {**read["spec"], "lifecycle": "Proposed"}}

    one_wins(race([lambda: porch.http("PUT", item, proposed)] * CLIENTS), 200)

    read = porch.get("packagerevision", name)
    published = {**read, "spec": {**read["spec"], "lifecycle": "Published"}}
    won = one_wins(
        race([lambda: porch.http("PUT", f"{item}/approval", published)] * CLIENTS),
        200,
        lose=(409, 422),
    )
    assert won["spec"]["revision"] == 1
    assert len(events_of(porch, repo, "approved", "RevisionProposed")) == 1
    assert len(events_of(porch, repo, "approved", "RevisionApproved")) == 1
    porch.wait_refs(repo, lambda r: "refs/tags/approved/v1" in r, "one tag")
    assert not [r for r in porch.refs(repo) if r.startswith("refs/tags/approved/v2")]


def test_concurrent_approval_of_two_revisions_numbers_them_apart(porch: Porch, repo: str) -> None:
    """Not one target but one package: two proposals approved at once get 1 and 2."""
    names = []
    for ws in ("a", "b"):
        name = porch.create(repo, "numbered", ws)["metadata"]["name"]
        porch.propose(name)
        names.append(name)
    bodies = []
    for name in names:
        read = porch.get("packagerevision", name)
        bodies.append((name, {**read, "spec": {**read["spec"], "lifecycle": "Published"}}))

    def approve(name: str, body: Obj) -> Call:
        path = f"{PORCH}/default/packagerevisions/{name}/approval"
        return lambda: porch.http("PUT", path, body)

    results = race([approve(n, b) for n, b in bodies])

    assert [code for code, _ in results] == [200, 200], results
    assert sorted(body["spec"]["revision"] for _, body in results) == [1, 2]
    porch.wait_refs(
        repo,
        lambda r: {"refs/tags/numbered/v1", "refs/tags/numbered/v2"} <= set(r),
        "both tags",
    )


def test_concurrent_delete(porch: Porch, repo: str) -> None:
    name = porch.create(repo, "deleted", "ws")["metadata"]["name"]
    porch.wait_refs(repo, lambda r: "refs/heads/drafts/deleted/ws" in r, "draft branch")
    item = f"{PORCH}/default/packagerevisions/{name}"

    one_wins(race([lambda: porch.http("DELETE", item)] * CLIENTS), 200, lose=(404, 409))

    assert not porch.exists(name)
    assert len(events_of(porch, repo, "deleted", "RevisionDeleted")) == 1
    porch.wait_refs(repo, lambda r: "refs/heads/drafts/deleted/ws" not in r, "branch gone")


def test_concurrent_propose_delete(porch: Porch, repo: str) -> None:
    name = porch.publish(repo, "doomed", "ws")
    read = porch.get("packagerevision", name)
    body = {**read, "spec": {**read["spec"], "lifecycle": "DeletionProposed"}}
    path = f"{PORCH}/default/packagerevisions/{name}/approval"

    one_wins(race([lambda: porch.http("PUT", path, body)] * CLIENTS), 200, lose=(409, 422))

    assert porch.get("packagerevision", name)["spec"]["lifecycle"] == "DeletionProposed"
    assert len(events_of(porch, repo, "doomed", "RevisionDeletionProposed")) == 1
    porch.wait_refs(repo, lambda r: "refs/heads/deletionProposed/doomed/v1" in r, "marker")
