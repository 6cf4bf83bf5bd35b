"""The orchestrator's pure fold (``porch_orchestrator.projection.Projection``).

Events go in with their stream sequence and subject; API objects, stored states and
git-sync work items come out. No buckets, no NATS: the buckets are modelled as dicts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from porch.domain import events as ev
from porch.domain import packages, repository, snapshots, syncwork
from porch.domain.common import Actor
from porch.eventlog import subjects
from porch.eventlog.subjects import Aggregate
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
        self, repo: str, pkg: str, ws: str, resources: dict[str, str] | None = None
    ) -> Changes:
        event = ev.RevisionCreated(
            **_common(self.seq + 1),
            namespace=NS,
            repository=repo,
            package=pkg,
            workspace=ws,
            uid=f"uid-{repo}-{pkg}-{ws}",
            tasks=(ev.Task(type="init", init={"description": pkg}),),
            resources=resources or {"Kptfile": "f" * 64},
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
    )
    assert syncwork.message_id(work) == f"publish.v1:evt-{s.seq}"
    assert syncwork.decode(syncwork.encode(work)) == work


def test_approval_on_an_oci_repository_yields_no_work() -> None:
    s = Stream()
    s.register("bp", OCI_SPEC)

    s.publish("bp", "web", "ws1", 1)

    assert s.work == []


def test_other_revision_events_yield_no_work() -> None:
    s = Stream()
    s.register("bp")
    s.work.clear()

    s.create("bp", "web", "ws1")
    s.revision_event("bp", "web", "ws1", ev.RevisionProposed)
    s.revision_event("bp", "web", "ws1", ev.RevisionRejected)
    s.revision_event("bp", "web", "ws1", ev.RevisionDeleted)

    assert s.work == []


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
