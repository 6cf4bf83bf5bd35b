"""The orchestrator's pure fold (``porch_orchestrator.projection.Projection``).

Events go in with their stream sequence and subject; API objects, stored states,
git-sync work items and task work items come out. No buckets, no NATS: the buckets are
modelled as dicts.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from porch.domain import events as ev
from porch.domain import objects, packages, repository, snapshots, syncwork, taskwork
from porch.domain.common import Actor
from porch.eventlog import subjects
from porch.eventlog.subjects import Aggregate
from porch_orchestrator import confirming
from porch_orchestrator.projection import Changes, Projection

NS = "team-a"
ACTOR = Actor(user="carol@example.com")
GIT_SPEC = repository.normalize_spec(
    {
        "type": "git",
        "git": {
            "repo": "https://git.example.com/bp.git",
            "branch": "deploy",
            "directory": "pkgs",
            "secretRef": {"name": "git-creds"},
            "author": "Porch Bot",
            "email": "bot@example.com",
        },
    }
)
OCI_SPEC = repository.normalize_spec({"type": "oci", "oci": {"registry": "r.example.com/bp"}})


def _common(n: int, time: str = "2026-01-01T00:00:00Z") -> dict[str, Any]:
    return {"id": f"evt-{n}", "time": time, "actor": ACTOR, "command_id": f"cmd-{n}"}


@dataclass
class Stream:
    """Applies events with increasing sequences and keeps a model of the buckets."""

    projection: Projection = field(default_factory=Projection)
    seq: int = 0
    revisions: dict[str, dict[str, Any]] = field(default_factory=dict)
    repositories: dict[str, dict[str, Any]] = field(default_factory=dict)
    state: dict[str, snapshots.StoredRepository | snapshots.StoredPackage] = field(
        default_factory=dict
    )
    work: list[tuple[str, syncwork.Work]] = field(default_factory=list)
    tasks: list[tuple[str, taskwork.RunTask]] = field(default_factory=list)
    log: list[tuple[int, Aggregate, ev.AnyEvent]] = field(default_factory=list)

    def apply(self, where: Aggregate, event: ev.AnyEvent, *, seq: int | None = None) -> Changes:
        if seq is None:
            self.seq += 1
            seq = self.seq
            self.log.append((seq, where, event))
        changes = self.projection.apply(seq=seq, where=where, event=event)
        self.absorb(changes)
        return changes

    def absorb(self, changes: Changes) -> None:
        for bucket, items in (
            (self.revisions, changes.revisions),
            (self.repositories, changes.repositories),
        ):
            for key, obj in items.items():
                if obj is None:
                    bucket.pop(key, None)
                else:
                    bucket[key] = obj
        self.state.update(changes.state)
        self.work.extend(changes.work)
        self.tasks.extend(changes.tasks)

    # --- event builders ---------------------------------------------------------------

    def register(self, repo: str, spec: dict[str, Any] = GIT_SPEC) -> Changes:
        event = ev.RepositoryRegistered(
            **_common(self.seq + 1), namespace=NS, name=repo, uid=f"uid-{repo}", spec=spec
        )
        return self.apply(Aggregate(NS, repo), event)

    def update(self, repo: str, spec: dict[str, Any]) -> Changes:
        return self.apply(
            Aggregate(NS, repo), ev.RepositoryUpdated(**_common(self.seq + 1), spec=spec)
        )

    def unregister(self, repo: str) -> Changes:
        return self.apply(Aggregate(NS, repo), ev.RepositoryUnregistered(**_common(self.seq + 1)))

    def create(
        self,
        repo: str,
        pkg: str,
        ws: str,
        resources: dict[str, str] | None = None,
        task: ev.Task | None = None,
    ) -> Changes:
        event = ev.RevisionCreated(
            **_common(self.seq + 1),
            namespace=NS,
            repository=repo,
            package=pkg,
            workspace=ws,
            uid=f"uid-{repo}-{pkg}-{ws}",
            tasks=(task or ev.Task(type="init", init={"description": pkg}),),
            resources=resources or {"Kptfile": "f" * 64},
        )
        return self.apply(Aggregate(NS, repo, pkg, ws), event)

    def request(self, repo: str, pkg: str, ws: str, *, command: str = "") -> Changes:
        common = _common(self.seq + 1)
        if command:
            common["command_id"] = command
        event = ev.RevisionCreationRequested(
            **common,
            namespace=NS,
            repository=repo,
            package=pkg,
            workspace=ws,
            uid=f"uid-{repo}-{pkg}-{ws}",
            tasks=(ev.Task(type="init", init={"description": pkg}),),
        )
        return self.apply(Aggregate(NS, repo, pkg, ws), event)

    def revision_event(self, repo: str, pkg: str, ws: str, kind: type[Any], **kw: Any) -> Changes:
        event = kind(**_common(self.seq + 1), workspace=ws, **kw)
        return self.apply(Aggregate(NS, repo, pkg, ws), event)

    def publish(self, repo: str, pkg: str, ws: str, revision: int) -> Changes:
        self.create(repo, pkg, ws)
        self.revision_event(repo, pkg, ws, ev.RevisionProposed)
        return self.revision_event(repo, pkg, ws, ev.RevisionApproved, revision=revision)


def key(repo: str, pkg: str, ws: str) -> str:
    name = ".".join([repo, *pkg.split("/"), ws])
    return snapshots.object_key(NS, name)


def is_latest(obj: dict[str, Any] | None) -> bool:
    assert obj is not None
    return bool(obj["metadata"].get("labels", {}).get(packages.LATEST_LABEL) == "true")


# --- registration gates what is served ------------------------------------------------


def test_revisions_of_an_unregistered_repository_are_hidden_and_come_back() -> None:
    s = Stream()
    s.register("bp")
    s.create("bp", "apps/web", "ws1")
    assert list(s.projection.objects()) == [key("bp", "apps/web", "ws1")]

    gone = s.unregister("bp")

    assert gone.revisions == {key("bp", "apps/web", "ws1"): None}
    assert gone.repositories == {snapshots.object_key(NS, "bp"): None}
    assert s.projection.objects() == {}
    assert s.revisions == {}

    back = s.register("bp")

    assert list(back.revisions) == [key("bp", "apps/web", "ws1")]
    assert list(s.projection.objects()) == [key("bp", "apps/web", "ws1")]


def test_revision_events_of_an_unknown_repository_are_kept_but_not_served() -> None:
    s = Stream()

    changes = s.create("bp", "web", "ws1")

    assert changes.revisions == {}
    assert list(changes.state) == [snapshots.package_state_key(NS, "bp", "web")]
    assert s.projection.objects() == {}
    assert list(s.register("bp").revisions) == [key("bp", "web", "ws1")]


def test_a_repository_update_re_renders_its_revisions() -> None:
    s = Stream()
    s.register("bp")
    s.create("bp", "web", "ws1")

    changes = s.update("bp", {**GIT_SPEC, "deployment": True})

    obj = changes.revisions[key("bp", "web", "ws1")]
    assert obj is not None
    assert obj["status"]["deployment"] is True


def test_a_poll_that_finds_nothing_new_writes_nothing() -> None:
    s = Stream()
    s.register("bp")
    s.apply(Aggregate(NS, "bp"), ev.RepositoryConnected(**_common(90), commit="c1"))

    for n in (91, 92):  # one RepositorySynced per discovery pass
        synced = ev.RepositorySynced(**_common(n), commit="c1", package_count=0)
        changes = s.apply(Aggregate(NS, "bp"), synced)
        assert (changes.repositories, changes.revisions, changes.work) == ({}, {}, [])
        # ... but the stored seq moves: writers expect it as the subject's last sequence
        assert s.projection.repos[(NS, "bp")].seq == s.seq

    again = ev.RepositoryConnected(**_common(93), commit="c2")
    assert s.apply(Aggregate(NS, "bp"), again).repositories  # a new head is news


def test_an_event_on_the_wrong_kind_of_subject_changes_nothing() -> None:
    s = Stream()
    event = ev.RevisionProposed(**_common(1), workspace="ws1")

    assert s.projection.apply(seq=1, where=Aggregate(NS, "bp"), event=event).empty


# --- idempotence ------------------------------------------------------------------------


def _history() -> Stream:
    s = Stream()
    s.register("bp")
    s.publish("bp", "web", "ws1", 1)
    s.create("bp", "web", "ws2")
    s.revision_event("bp", "web", "ws2", ev.RevisionResourcesUpdated, resources={"a": "b" * 64})
    s.apply(Aggregate(NS, "bp"), ev.RepositoryConnected(**_common(99), commit="c1"))
    return s


def test_re_applying_an_event_not_newer_than_the_stored_one_is_a_no_op() -> None:
    s = _history()
    objects_before = s.projection.objects()
    states_before = (dict(s.projection.repos), dict(s.projection.packages))

    for seq, where, event in s.log:
        assert s.projection.apply(seq=seq, where=where, event=event).empty

    last_seq, where, event = s.log[-1]
    assert s.projection.apply(seq=last_seq - 1, where=where, event=event).empty
    assert s.projection.objects() == objects_before
    assert (s.projection.repos, s.projection.packages) == states_before


def test_re_applying_an_old_event_after_unregistration_is_a_no_op() -> None:
    s = Stream()
    s.register("bp")
    s.create("bp", "web", "ws1")
    s.unregister("bp")
    seq, where, event = s.log[0]

    changes = s.projection.apply(seq=seq, where=where, event=event)

    assert changes.empty
    assert s.projection.objects() == {}


def test_replaying_after_a_restart_honours_the_unregistration_tombstone() -> None:
    s = Stream()
    s.register("bp")
    s.create("bp", "web", "ws1")
    s.unregister("bp")
    restarted = Projection()
    restarted.load(dict(s.state))
    seq, where, event = s.log[0]

    changes = restarted.apply(seq=seq, where=where, event=event)

    assert changes.empty


# --- the latest label -------------------------------------------------------------------


def test_the_latest_label_moves_when_the_latest_revision_is_deleted() -> None:
    s = Stream()
    s.register("bp")
    s.publish("bp", "web", "ws1", 1)
    s.publish("bp", "web", "ws2", 2)
    assert not is_latest(s.revisions[key("bp", "web", "ws1")])
    assert is_latest(s.revisions[key("bp", "web", "ws2")])
    s.revision_event("bp", "web", "ws2", ev.RevisionDeletionProposed)
    assert is_latest(s.revisions[key("bp", "web", "ws2")])

    changes = s.revision_event("bp", "web", "ws2", ev.RevisionDeleted)

    assert changes.revisions[key("bp", "web", "ws2")] is None
    assert is_latest(changes.revisions[key("bp", "web", "ws1")])
    assert list(s.revisions) == [key("bp", "web", "ws1")]


def test_publishing_a_newer_revision_takes_the_label_from_the_old_one() -> None:
    s = Stream()
    s.register("bp")
    s.publish("bp", "web", "ws1", 1)
    s.create("bp", "web", "ws2")
    s.revision_event("bp", "web", "ws2", ev.RevisionProposed)

    changes = s.revision_event("bp", "web", "ws2", ev.RevisionApproved, revision=2)

    assert set(changes.revisions) == {key("bp", "web", "ws1"), key("bp", "web", "ws2")}
    assert not is_latest(changes.revisions[key("bp", "web", "ws1")])
    assert is_latest(changes.revisions[key("bp", "web", "ws2")])


def test_packages_have_their_own_latest() -> None:
    s = Stream()
    s.register("bp")
    s.publish("bp", "web", "ws1", 1)
    s.publish("bp", "db", "ws1", 1)

    assert is_latest(s.revisions[key("bp", "web", "ws1")])
    assert is_latest(s.revisions[key("bp", "db", "ws1")])


# --- work items for git-sync --------------------------------------------------------------


def test_approval_on_a_git_repository_yields_one_publish_work_item() -> None:
    s = Stream()
    s.register("bp")
    digests = {"Kptfile": "1" * 64, "deploy.yaml": "2" * 64}
    s.create("bp", "apps/web", "ws1", resources=digests)
    s.revision_event("bp", "apps/web", "ws1", ev.RevisionProposed)

    changes = s.revision_event("bp", "apps/web", "ws1", ev.RevisionApproved, revision=1)

    [(subject, work)] = changes.work
    assert subject == subjects.sync_work(NS, "bp")
    assert work == syncwork.PublishRevision(
        namespace=NS,
        repository="bp",
        package="apps/web",
        workspace="ws1",
        revision=1,
        resources=digests,
        target=syncwork.GitTarget(
            url="https://git.example.com/bp.git",
            branch="deploy",
            directory="pkgs",
            secret_ref="git-creds",
            author="Porch Bot",
            email="bot@example.com",
        ),
        author=ACTOR.user,
        time="2026-01-01T00:00:00Z",
        source_event=f"evt-{s.seq}",
        task={"type": "init", "init": {"description": "apps/web"}},
    )
    assert syncwork.message_id(work) == f"publish.v1:evt-{s.seq}"
    assert syncwork.decode(syncwork.encode(work)) == work


GIT_TARGET = syncwork.GitTarget(
    url="https://git.example.com/bp.git",
    branch="deploy",
    directory="pkgs",
    secret_ref="git-creds",
    author="Porch Bot",
    email="bot@example.com",
)


def _only(changes: Changes) -> syncwork.Work:
    [(subject, work)] = changes.work
    assert subject == subjects.sync_work(NS, "bp")
    assert syncwork.decode(syncwork.encode(work)) == work
    return work


def test_approval_on_an_oci_repository_targets_the_registry() -> None:
    s = Stream()
    s.register("bp", OCI_SPEC)

    work = _only(s.publish("bp", "web", "ws1", 1))

    assert isinstance(work, syncwork.PublishRevision)
    assert work.target == syncwork.OciTarget(registry="r.example.com/bp")
    assert all(isinstance(w.target, syncwork.OciTarget) for _, w in s.work)


@pytest.mark.parametrize(
    ("task", "message"),
    [
        (ev.Task(type="init", init={"description": "d"}), "Creating new empty revision"),
        (
            ev.Task(type="clone", clone={"upstreamRef": {"upstreamRef": {"name": "up.p.v1"}}}),
            "Creating new revision by cloning",
        ),
        (
            ev.Task(type="edit", edit={"sourceRef": {"name": "bp.web.v1"}}),
            "Creating new revision by copying previous revision",
        ),
        (
            ev.Task(type="upgrade", upgrade={"newUpstreamRef": {"name": "up.p.v2"}}),
            "Upgrading revision",
        ),
    ],
)
def test_a_created_revision_is_written_as_a_draft_with_porchs_message(
    task: ev.Task, message: str
) -> None:
    s = Stream()
    s.register("bp")
    digests = {"Kptfile": "1" * 64}

    work = _only(s.create("bp", "web", "ws1", resources=digests, task=task))

    assert work == syncwork.WriteDraft(
        namespace=NS,
        repository="bp",
        package="web",
        workspace="ws1",
        lifecycle="Draft",
        resources=digests,
        target=GIT_TARGET,
        author=ACTOR.user,
        time="2026-01-01T00:00:00Z",
        message=message,
        task=msgspec.to_builtins(task),
        source_event=f"evt-{s.seq}",
    )
    assert work.task is not None
    assert work.task["type"] == task.type
    assert syncwork.message_id(work) == f"draft.v1:evt-{s.seq}"


def test_rendered_resources_are_written_as_a_render_commit() -> None:
    s = Stream()
    s.register("bp")
    s.create("bp", "web", "ws1")

    work = _only(
        s.revision_event(
            "bp", "web", "ws1", ev.RevisionResourcesUpdated, resources={"Kptfile": "2" * 64}
        )
    )

    assert isinstance(work, syncwork.WriteDraft)
    assert (work.message, work.task, work.lifecycle) == (
        "Rendering package",
        {"type": "render"},
        "Draft",
    )
    assert work.resources == {"Kptfile": "2" * 64}


def test_propose_and_reject_move_the_branch() -> None:
    s = Stream()
    s.register("bp")
    s.create("bp", "web", "ws1")

    proposed = _only(s.revision_event("bp", "web", "ws1", ev.RevisionProposed))
    rejected = _only(s.revision_event("bp", "web", "ws1", ev.RevisionRejected))

    assert isinstance(proposed, syncwork.MoveRevision)
    assert isinstance(rejected, syncwork.MoveRevision)
    assert (proposed.to_lifecycle, rejected.to_lifecycle) == ("Proposed", "Draft")
    assert proposed.workspace == rejected.workspace == "ws1"
    assert proposed.source_event != rejected.source_event


def test_deletion_proposal_and_its_rejection_mark_the_published_revision() -> None:
    s = Stream()
    s.register("bp")
    s.publish("bp", "web", "ws1", 3)

    proposed = _only(s.revision_event("bp", "web", "ws1", ev.RevisionDeletionProposed))
    undone = _only(s.revision_event("bp", "web", "ws1", ev.RevisionDeletionRejected))

    assert isinstance(proposed, syncwork.MarkDeletion)
    assert isinstance(undone, syncwork.MarkDeletion)
    assert (proposed.revision, proposed.proposed) == (3, True)
    assert (undone.revision, undone.proposed) == (3, False)


def test_deleting_a_revision_deletes_it_from_git_with_what_it_was() -> None:
    s = Stream()
    s.register("bp")
    s.publish("bp", "web", "ws1", 2)
    s.revision_event("bp", "web", "ws1", ev.RevisionDeletionProposed)

    work = _only(s.revision_event("bp", "web", "ws1", ev.RevisionDeleted))

    assert isinstance(work, syncwork.DeleteRevision)
    assert (work.lifecycle, work.revision, work.workspace) == ("DeletionProposed", 2, "ws1")
    assert work.author == ACTOR.user


def test_a_finalized_deletion_deletes_from_git_when_the_last_finalizer_goes() -> None:
    s = Stream()
    s.register("bp")
    s.create("bp", "web", "ws1")
    s.revision_event(
        "bp",
        "web",
        "ws1",
        ev.RevisionMetadataUpdated,
        labels={},
        annotations={},
        finalizers=("example.com/hold",),
    )
    s.work.clear()

    started = s.revision_event("bp", "web", "ws1", ev.RevisionDeletionStarted)
    assert started.work == []
    done = s.revision_event(
        "bp", "web", "ws1", ev.RevisionMetadataUpdated, labels={}, annotations={}, finalizers=()
    )

    work = _only(done)
    assert isinstance(work, syncwork.DeleteRevision)
    assert (work.lifecycle, work.revision) == ("Draft", 0)


def test_facts_read_from_git_cause_no_git_work() -> None:
    s = Stream()
    s.register("bp")
    s.work.clear()

    s.revision_event(
        "bp",
        "web",
        "v1",
        ev.RevisionDiscovered,
        namespace=NS,
        repository="bp",
        package="web",
        lifecycle="Published",
        revision=1,
        resources={"Kptfile": "3" * 64},
        commit="c1",
        ref="refs/tags/pkgs/web/v1",
    )
    s.revision_event("bp", "web", "v1", ev.RevisionRemoved, ref="refs/tags/pkgs/web/v1")
    s.revision_event(
        "bp", "web", "v1", ev.RevisionSynced, revision=1, commit="c", ref="r", source_event="e"
    )

    assert s.work == []
    assert s.tasks == []


def _discovered(s: Stream, pkg: str, uid: str) -> Changes:
    return s.revision_event(
        "bp",
        pkg,
        "v1",
        ev.RevisionDiscovered,
        namespace=NS,
        repository="bp",
        package=pkg,
        lifecycle="Published",
        revision=1,
        resources={"Kptfile": "3" * 64},
        commit="c1",
        ref=f"refs/tags/{pkg}/v1",
        repository_uid=uid,
    )


def test_facts_of_an_earlier_registration_of_the_name_are_dropped() -> None:
    """A pass of the deleted "bp" still running when "bp" was created again: its facts
    must not show in the new registration, but the subjects' seqs still move."""
    s = Stream()
    s.register("bp")  # uid-bp

    _discovered(s, "stale", "uid-of-the-old-bp")
    failed = ev.RepositoryConnectionFailed(
        **_common(s.seq + 1), reason="GitUnavailable", message="m", repository_uid="old"
    )
    s.apply(Aggregate(NS, "bp"), failed)
    _discovered(s, "fresh", "uid-bp")
    _discovered(s, "legacy", "")  # facts written before the field existed still apply

    assert key("bp", "stale", "v1") not in s.revisions
    assert key("bp", "fresh", "v1") in s.revisions
    assert key("bp", "legacy", "v1") in s.revisions
    repo = s.projection.repos[(NS, "bp")]
    assert repo.state is not None
    assert repo.state.ready != "False"
    assert repo.seq == s.seq - 2  # the failure fact was the repository subject's last
    assert s.projection.packages[(NS, "bp", "stale")].seq == s.seq - 3


def test_connect_work_names_the_registration() -> None:
    s = Stream()
    s.register("bp")

    (_, work), *_ = s.work
    assert isinstance(work, syncwork.ConnectRepository)
    assert work.repository_uid == "uid-bp"


def test_revision_events_of_a_repository_of_unknown_type_yield_no_work() -> None:
    s = Stream()
    s.register("bp", {"type": "svn"})
    s.publish("bp", "web", "ws1", 1)

    assert s.work == []


# --- task work items -----------------------------------------------------------------------


def test_a_creation_request_becomes_one_task_for_the_worker() -> None:
    s = Stream()
    s.register("bp")

    changes = s.request("bp", "web", "ws1")

    [(subject, task)] = changes.tasks
    assert subject == subjects.task_work(NS, "bp")
    assert (task.namespace, task.repository, task.package, task.workspace) == (
        NS,
        "bp",
        "web",
        "ws1",
    )
    assert isinstance(task.request, ev.RevisionCreationRequested)
    assert task.request_seq == s.seq
    assert task.source_event == task.request.id
    assert taskwork.decode(taskwork.encode(task)) == task
    assert taskwork.message_id(task) == f"task.v1:{task.request.id}"
    assert changes.work == []  # nothing goes to Git before the task answered
    assert changes.revisions == {}  # a pending creation is not served


def test_a_replayed_request_enqueues_nothing() -> None:
    s = Stream()
    s.register("bp")
    s.request("bp", "web", "ws1", command="first")
    seq, where, event = s.log[-1]

    assert s.projection.apply(seq=seq, where=where, event=event).empty
    assert len(s.tasks) == 1


def test_submitted_resources_become_a_render_task_and_the_answers_none() -> None:
    s = Stream()
    s.register("bp")
    s.create("bp", "web", "ws1")

    submitted = s.revision_event(
        "bp",
        "web",
        "ws1",
        ev.RevisionResourcesSubmitted,
        resources={"Kptfile": "4" * 64},
        push_on_render_failure=True,
    )
    [(_, task)] = submitted.tasks
    assert isinstance(task.request, ev.RevisionResourcesSubmitted)
    assert taskwork.push_on_render_failure(task)
    assert submitted.work == []

    rejected = s.revision_event(
        "bp", "web", "ws1", ev.RevisionResourcesRejected, reason="RenderFailed", message="m"
    )
    assert rejected.tasks == []
    assert rejected.work == []


def test_registration_and_update_yield_a_connect_work_item() -> None:
    s = Stream()

    registered = s.register("bp")
    updated = s.update("bp", {**GIT_SPEC, "deployment": True})
    connected = s.apply(Aggregate(NS, "bp"), ev.RepositoryConnected(**_common(50), commit="c"))

    for changes, source in ((registered, "evt-1"), (updated, "evt-2")):
        [(subject, work)] = changes.work
        assert subject == subjects.sync_work(NS, "bp")
        assert isinstance(work, syncwork.ConnectRepository)
        assert (work.namespace, work.repository, work.source_event) == (NS, "bp", source)
        assert work.target.url == "https://git.example.com/bp.git"
        assert work.target.secret_ref == "git-creds"
    assert connected.work == []


def test_create_branch_reaches_the_git_target() -> None:
    s = Stream()
    spec = {**GIT_SPEC, "git": {**GIT_SPEC["git"], "createBranch": True}}

    [(_, plain)] = s.register("bp").work
    [(_, creating)] = s.register("new", repository.normalize_spec(spec)).work

    assert isinstance(plain, syncwork.ConnectRepository)
    assert isinstance(creating, syncwork.ConnectRepository)
    assert isinstance(plain.target, syncwork.GitTarget)
    assert isinstance(creating.target, syncwork.GitTarget)
    assert plain.target.create_branch is False
    assert creating.target.create_branch is True
    assert syncwork.decode(syncwork.encode(creating)) == creating


def test_registration_renders_the_repository_object() -> None:
    s = Stream()

    changes = s.register("bp")

    obj = changes.repositories[snapshots.object_key(NS, "bp")]
    assert obj is not None
    assert (obj["kind"], obj["metadata"]["name"], obj["spec"]) == ("Repository", "bp", GIT_SPEC)


# --- restart equivalence -----------------------------------------------------------------


def _restart(stored: dict[str, snapshots.StoredRepository | snapshots.StoredPackage]) -> Projection:
    """A new projection from the state bucket, round-tripped through its bytes."""
    fresh = Projection()
    fresh.load({k: snapshots.decode_state(k, snapshots.encode(v)) for k, v in stored.items()})
    return fresh


def test_loading_the_stored_states_reproduces_the_objects() -> None:
    s = _history()
    s.register("other", OCI_SPEC)
    s.publish("other", "db", "ws1", 1)
    s.unregister("other")
    s.create("gone", "x", "ws1")

    restarted = _restart(s.state)

    assert restarted.objects() == s.projection.objects()
    assert restarted.objects() == s.revisions
    assert restarted.repos == s.projection.repos
    assert restarted.packages == s.projection.packages


# --- property: a restart anywhere gives the same result as no restart ---------------------

REPOS = ["r1", "r2"]
PKGS = ["web", "apps/db"]
WSS = ["w1", "w2"]
KINDS = [
    "register",
    "register_oci",
    "update",
    "unregister",
    "connected",
    "failed",
    "created",
    "resources",
    "metadata",
    "proposed",
    "rejected",
    "approved",
    "deletion_proposed",
    "deletion_rejected",
    "deleted",
    "synced",
    "sync_failed",
    "requested",
    "creation_failed",
    "submitted",
    "resources_rejected",
]


def _event(n: int, kind: str, r: int, p: int, w: int, x: int) -> tuple[Aggregate, ev.AnyEvent]:
    repo, pkg, ws = REPOS[r], PKGS[p], WSS[w]
    c = _common(n, time=f"2026-01-01T00:{n // 60 % 60:02d}:{n % 60:02d}Z")
    spec = {**GIT_SPEC, "deployment": bool(x % 2)}
    repo_events: dict[str, Any] = {
        "register": lambda: ev.RepositoryRegistered(
            **c, namespace=NS, name=repo, uid=f"u{n}", spec=spec
        ),
        "register_oci": lambda: ev.RepositoryRegistered(
            **c, namespace=NS, name=repo, uid=f"u{n}", spec=OCI_SPEC
        ),
        "update": lambda: ev.RepositoryUpdated(**c, spec=spec, labels={"x": str(x)}),
        "unregister": lambda: ev.RepositoryUnregistered(**c),
        "connected": lambda: ev.RepositoryConnected(**c, commit=f"c{x}" if x else ""),
        "failed": lambda: ev.RepositoryConnectionFailed(**c, reason=f"R{x}", message="m"),
    }
    if kind in repo_events:
        return Aggregate(NS, repo), repo_events[kind]()
    rev_events: dict[str, Any] = {
        "created": lambda: ev.RevisionCreated(
            **c,
            namespace=NS,
            repository=repo,
            package=pkg,
            workspace=ws,
            uid=f"u{n}",
            tasks=(ev.Task(type="init"),),
            resources={"Kptfile": str(x) * 64},
        ),
        "resources": lambda: ev.RevisionResourcesUpdated(**c, workspace=ws, resources={"a": "b"}),
        "metadata": lambda: ev.RevisionMetadataUpdated(
            **c, workspace=ws, labels={"l": str(x)}, annotations={}
        ),
        "proposed": lambda: ev.RevisionProposed(**c, workspace=ws),
        "rejected": lambda: ev.RevisionRejected(**c, workspace=ws),
        "approved": lambda: ev.RevisionApproved(**c, workspace=ws, revision=x + 1),
        "deletion_proposed": lambda: ev.RevisionDeletionProposed(**c, workspace=ws),
        "deletion_rejected": lambda: ev.RevisionDeletionRejected(**c, workspace=ws),
        "deleted": lambda: ev.RevisionDeleted(**c, workspace=ws),
        "synced": lambda: ev.RevisionSynced(
            **c, workspace=ws, revision=x, commit=f"s{x}", ref="refs/tags/v", source_event="e"
        ),
        "sync_failed": lambda: ev.RevisionSyncFailed(
            **c, workspace=ws, reason="R", message=str(x), source_event="e"
        ),
        "requested": lambda: ev.RevisionCreationRequested(
            **c,
            namespace=NS,
            repository=repo,
            package=pkg,
            workspace=ws,
            uid=f"u{n}",
            tasks=(ev.Task(type="init"),),
        ),
        "creation_failed": lambda: ev.RevisionCreationFailed(
            **c, workspace=ws, reason="R", message=str(x)
        ),
        "submitted": lambda: ev.RevisionResourcesSubmitted(**c, workspace=ws, resources={"a": "c"}),
        "resources_rejected": lambda: ev.RevisionResourcesRejected(
            **c, workspace=ws, reason="R", message=str(x)
        ),
    }
    return Aggregate(NS, repo, pkg, ws), rev_events[kind]()


EVENTS = st.lists(
    st.tuples(
        st.sampled_from(KINDS),
        st.integers(0, len(REPOS) - 1),
        st.integers(0, len(PKGS) - 1),
        st.integers(0, len(WSS) - 1),
        st.integers(0, 3),
    ),
    max_size=40,
)


@settings(max_examples=200, deadline=None, database=None)
@given(raw=EVENTS, data=st.data())
def test_restarting_at_any_point_gives_the_same_projection(
    raw: list[tuple[str, int, int, int, int]], data: st.DataObject
) -> None:
    stream = [_event(n, *item) for n, item in enumerate(raw, start=1)]
    cut = data.draw(st.integers(0, len(stream)), label="cut")

    whole = Stream()
    for where, event in stream:
        whole.apply(where, event)

    before = Stream()
    for where, event in stream[:cut]:
        before.apply(where, event)
    after = Stream(
        projection=_restart(before.state),
        seq=before.seq,
        revisions=dict(before.revisions),
        repositories=dict(before.repositories),
        state=dict(before.state),
    )
    for where, event in stream[cut:]:
        after.apply(where, event)

    assert after.projection.objects() == whole.projection.objects()
    assert after.projection.repos == whole.projection.repos
    assert after.projection.packages == whole.projection.packages
    # what the buckets hold, too
    assert after.revisions == whole.revisions == whole.projection.objects()
    assert after.repositories == whole.repositories
    assert after.state == whole.state
    assert before.work + after.work == whole.work
    assert before.tasks + after.tasks == whole.tasks


@settings(max_examples=200, deadline=None, database=None)
@given(raw=EVENTS, data=st.data())
def test_folding_in_batches_equals_folding_one_by_one(
    raw: list[tuple[str, int, int, int, int]], data: st.DataObject
) -> None:
    """The projection loop folds a batch while catching up and writes the merged changes;
    the buckets must end up as if every event had been written on its own, and the cached
    objects must equal a fresh render of the states."""
    stream = [_event(n, *item) for n, item in enumerate(raw, start=1)]
    cuts = sorted(data.draw(st.sets(st.integers(1, max(1, len(stream)))), label="cuts"))

    whole = Stream()
    for where, event in stream:
        whole.apply(where, event)

    batched = Stream()
    bounds = [0, *[c for c in cuts if c < len(stream)], len(stream)]
    for start, end in itertools.pairwise(bounds):
        batch = [
            (n + 1, where, event) for n, (where, event) in enumerate(stream) if start <= n < end
        ]
        batched.absorb(batched.projection.apply_batch(batch))

    assert batched.revisions == whole.revisions
    assert batched.repositories == whole.repositories
    assert batched.state == whole.state
    assert batched.work == whole.work
    assert batched.tasks == whole.tasks
    fresh: dict[str, dict[str, Any]] = {}
    for (ns, repo, _), stored in batched.projection.packages.items():
        registered = batched.projection.repos.get((ns, repo))
        if registered is None or registered.state is None:
            continue
        deployment = bool(registered.state.spec.get("deployment", False))
        for name, obj in objects.revision_objects(stored.state, deployment=deployment).items():
            fresh[snapshots.object_key(ns, name)] = obj
    assert batched.projection.objects() == fresh == whole.revisions


# --- the task contract (porch.domain.taskwork) ----------------------------------------------


def test_task_inputs_use_the_apis_role_names_and_porchs_lock() -> None:
    lock = taskwork.git_lock(
        repo="https://g/bp.git", repo_directory="/pkgs", package="apps/web", revision=3, commit="c"
    )
    raw = {"oldUpstream": {"name": "a", "resources": {"Kptfile": "1" * 64}, "lock": lock}}

    inputs = taskwork.inputs_of(raw)

    assert inputs.old_upstream is not None
    assert inputs.old_upstream.resources == {"Kptfile": "1" * 64}
    assert lock == {
        "type": "git",
        "git": {
            "repo": "https://g/bp.git",
            "directory": "pkgs/apps/web",
            "ref": "pkgs/apps/web/v3",
            "commit": "c",
        },
    }


def test_answers_are_derived_from_the_request() -> None:
    s = Stream()
    s.register("bp")
    [(_, work)] = s.request("bp", "web", "ws1").tasks

    ok = taskwork.succeeded(
        work, time="t", resources={"Kptfile": "5" * 64}, render_status=None, kptfile={}
    )
    bad = taskwork.failed(work, time="t", reason="RenderFailed", message="m")

    assert isinstance(ok, ev.RevisionCreated)
    assert isinstance(bad, ev.RevisionCreationFailed)
    assert ok.id == bad.id == taskwork.outcome_id(work.request.id)
    assert ok.command_id == bad.command_id == work.request.command_id
    assert ok.id != work.request.id
    assert (ok.uid, ok.tasks) == (work.request.uid, work.request.tasks)
    changes = s.apply(Aggregate(NS, "bp", "web", "ws1"), ok)
    assert list(changes.revisions) == [key("bp", "web", "ws1")]  # now served


# --- what a replay need not send again (porch_orchestrator.confirming) -------------------


def _draft(ws: str, source: str) -> tuple[str, syncwork.Work]:
    target = syncwork.GitTarget(url="https://git.example.com/bp.git")
    common: dict[str, Any] = {"namespace": NS, "repository": "bp", "package": "app"}
    work: syncwork.Work = syncwork.WriteDraft(
        **common,
        workspace=ws,
        lifecycle="Draft",
        resources={},
        target=target,
        author="a",
        time="t",
        message="m",
        source_event=source,
    )
    return "s", work


def _delete(ws: str, source: str) -> tuple[str, syncwork.Work]:
    target = syncwork.GitTarget(url="https://git.example.com/bp.git")
    work: syncwork.Work = syncwork.DeleteRevision(
        namespace=NS,
        repository="bp",
        package="app",
        workspace=ws,
        lifecycle="Draft",
        revision=0,
        target=target,
        author="a",
        time="t",
        source_event=source,
    )
    return "s", work


def _publish(ws: str, source: str) -> tuple[str, syncwork.Work]:
    target = syncwork.GitTarget(url="https://git.example.com/bp.git")
    work: syncwork.Work = syncwork.PublishRevision(
        namespace=NS,
        repository="bp",
        package="app",
        workspace=ws,
        revision=1,
        resources={},
        target=target,
        author="a",
        time="t",
        source_event=source,
    )
    return "s", work


def test_work_the_stream_confirms_is_not_sent_again() -> None:
    seen = confirming.Confirmations()
    synced = ev.RevisionSynced(
        **_common(1), workspace="w", revision=0, commit="c", ref="r", source_event="e1"
    )
    failed = ev.RevisionSyncFailed(
        **_common(2), workspace="w", reason="GitError", message="m", source_event="e2"
    )
    for event in (synced, failed):
        seen.observe(event)
    work = [_draft("w", "e1"), _draft("w", "e2"), _draft("w", "e3")]
    assert confirming.pending_work(work, [], seen) == [work[2]]


def test_branch_work_before_a_delete_or_a_publish_is_not_sent() -> None:
    seen = confirming.Confirmations()
    work = [_draft("a", "1"), _delete("a", "2"), _draft("a", "3"), _draft("b", "4")]
    later = [_publish("b", "5")]
    # a's first draft is deleted, a's re-creation after the delete stays; b is published later
    assert confirming.pending_work(work, later, seen) == [work[1], work[2]]
    assert confirming.pending_work(later, [], seen) == later


def test_answered_requests_are_not_sent_to_the_task_worker() -> None:
    s = Stream()
    s.register("bp")
    tasks = s.request("bp", "app", "v1", command="asked").tasks
    tasks += s.request("bp", "app", "v2", command="waiting").tasks
    seen = confirming.Confirmations()
    answer = ev.RevisionCreationFailed(
        **{**_common(9), "command_id": "asked"}, workspace="v1", reason="Invalid", message="m"
    )
    seen.observe(answer)
    assert [t.workspace for _, t in confirming.pending_tasks(tasks, seen)] == ["v2"]
    seen.clear()
    assert confirming.pending_tasks(tasks, seen) == tasks
