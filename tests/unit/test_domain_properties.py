"""Properties of the Package decider under random command sequences (hypothesis).

A state machine sends random commands over a few workspaces through ``decide`` then
``evolve``; rejections (any ``PorchError``) leave the state alone. After every step the
package-wide invariants of Porch must hold (reference/porch.md §1.1).
"""

from __future__ import annotations

import functools
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from porch.domain import events as ev
from porch.domain import objects, packages
from porch.domain.common import Actor, CommandMeta
from porch.errors import PorchError

WORKSPACES = st.sampled_from(["ws-a", "ws-b", "ws-c"])
LIFECYCLES = st.sampled_from([*packages.LIFECYCLES, "Bogus"])
CONTENTS = st.dictionaries(
    st.sampled_from(["Kptfile", "a.yaml", "b.yaml"]),
    st.sampled_from(["0" * 64, "1" * 64]),
    min_size=1,
)
# Mostly acceptable values, so that sequences get far enough to publish and delete.
LABELS = st.sampled_from([{}, {}, {"team": "x"}, {packages.LATEST_LABEL: "true"}])
TWO_TASKS = st.sampled_from([False, False, False, True])
ACTOR = Actor(user="prop@example.com")
COUNTED = (packages.PUBLISHED, packages.DELETION_PROPOSED)


def _fold(history: list[ev.PackageEvent]) -> packages.PackageState:
    start = packages.empty(namespace="ns", repository="repo", package="pkg/sub")
    return functools.reduce(packages.evolve, history, start)


class PackageMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.state = _fold([])
        self.history: list[ev.PackageEvent] = []
        self.steps = 0
        self.approvals: list[int] = []
        self.contents: dict[str, dict[str, str]] = {}
        # uid -> (resources, tasks) frozen at approval
        self.frozen: dict[str, tuple[dict[str, str], tuple[ev.Task, ...]]] = {}

    def _meta(self) -> CommandMeta:
        self.steps += 1
        return CommandMeta(
            command_id=f"c{self.steps}",
            time=f"2026-01-01T00:00:{self.steps % 60:02d}Z",
            actor=ACTOR,
        )

    def _run(self, command: packages.Command) -> None:
        try:
            events = packages.decide(self.state, command)
        except PorchError:
            return
        for event in events:
            if isinstance(event, ev.RevisionApproved):
                assert all(event.revision > earlier for earlier in self.approvals)
                self.approvals.append(event.revision)
            self.state = packages.evolve(self.state, event)
            if isinstance(event, ev.RevisionApproved):
                rev = self.state.revisions[event.workspace]
                self.frozen[rev.uid] = (dict(rev.resources), rev.tasks)
        self.history.extend(events)

    # --- commands ------------------------------------------------------------------------

    @rule(ws=WORKSPACES, resources=CONTENTS, labels=LABELS, two_tasks=TWO_TASKS)
    def create(
        self, ws: str, resources: dict[str, str], labels: dict[str, str], two_tasks: bool
    ) -> None:
        m = self._meta()
        task = ev.Task(type="init", init={"description": ws})
        self._run(
            packages.CreateRevision(
                meta=m,
                workspace=ws,
                uid=f"uid-{m.command_id}",
                tasks=(task, task) if two_tasks else (task,),
                labels=labels,
            )
        )
        self.contents[m.command_id] = resources

    @rule(ws=WORKSPACES, succeed=st.booleans())
    def orchestrator_answers(self, ws: str, succeed: bool) -> None:
        """The task worker's outcome for a pending creation, or a stale failure (ignored).
        A success with no request is how histories before requests were written: adopted."""
        pending = self.state.pending.get(ws)
        succeed = succeed and pending is not None
        command_id = pending.command_id if pending else "stale"
        m = CommandMeta(command_id=command_id, time="2026-01-01T00:01:00Z", actor=ACTOR)
        fields = {"id": f"outcome-{self._meta().command_id}", "time": m.time, "actor": ACTOR}
        if succeed:
            outcome: ev.PackageEvent = ev.RevisionCreated(
                **fields,
                command_id=command_id,
                namespace="ns",
                repository="repo",
                package="pkg/sub",
                workspace=ws,
                uid="ignored",
                tasks=(ev.Task(type="init", init={"description": ws}),),
                resources=self.contents.get(command_id, {}),
            )
        else:
            outcome = ev.RevisionCreationFailed(
                **fields, command_id=command_id, workspace=ws, reason="RenderFailed", message="x"
            )
        before = self.state
        self.state = packages.evolve(self.state, outcome)
        self.history.append(outcome)
        if not succeed or pending is None:
            assert self.state.revisions == before.revisions  # failures leave nothing
        if pending is not None:
            assert ws not in self.state.pending

    @rule(ws=WORKSPACES, resources=CONTENTS, accept=st.booleans())
    def update_resources(self, ws: str, resources: dict[str, str], accept: bool) -> None:
        m = self._meta()
        self._run(packages.UpdateResources(meta=m, workspace=ws, resources=resources))
        rev = self.state.revisions.get(ws)
        if rev is None or rev.pending_submission != m.command_id:
            return
        fields = {"id": f"render-{m.command_id}", "time": m.time, "actor": ACTOR}
        answer: ev.PackageEvent = (
            ev.RevisionResourcesUpdated(
                **fields, command_id=m.command_id, workspace=ws, resources=resources
            )
            if accept
            else ev.RevisionResourcesRejected(
                **fields, command_id=m.command_id, workspace=ws, reason="RenderFailed", message="x"
            )
        )
        self.state = packages.evolve(self.state, answer)
        self.history.append(answer)

    @rule(ws=WORKSPACES, labels=LABELS)
    def update_metadata(self, ws: str, labels: dict[str, str]) -> None:
        self._run(
            packages.UpdateMetadata(meta=self._meta(), workspace=ws, labels=labels, annotations={})
        )

    @rule(ws=WORKSPACES, to=LIFECYCLES)
    def change_lifecycle(self, ws: str, to: str) -> None:
        self._run(packages.ChangeLifecycle(meta=self._meta(), workspace=ws, lifecycle=to))

    @rule(ws=WORKSPACES, to=LIFECYCLES)
    def change_approval(self, ws: str, to: str) -> None:
        self._run(packages.ChangeApproval(meta=self._meta(), workspace=ws, lifecycle=to))

    @rule(ws=WORKSPACES, resources=CONTENTS)
    def publish(self, ws: str, resources: dict[str, str]) -> None:
        """Publishing is rare by chance alone; walk the happy path on purpose."""
        self.create(ws, resources, {}, two_tasks=False)
        self.orchestrator_answers(ws, succeed=True)
        self._run(packages.ChangeLifecycle(meta=self._meta(), workspace=ws, lifecycle="Proposed"))
        self._run(packages.ChangeApproval(meta=self._meta(), workspace=ws, lifecycle="Published"))

    @rule(ws=WORKSPACES)
    def propose_deletion_and_delete(self, ws: str) -> None:
        self._run(
            packages.ChangeApproval(meta=self._meta(), workspace=ws, lifecycle="DeletionProposed")
        )
        self._run(packages.DeleteRevision(meta=self._meta(), workspace=ws))

    @rule(ws=WORKSPACES)
    def delete(self, ws: str) -> None:
        self._run(packages.DeleteRevision(meta=self._meta(), workspace=ws))

    # --- invariants ----------------------------------------------------------------------

    def _counted(self) -> list[packages.RevisionState]:
        return [r for r in self.state.revisions.values() if r.lifecycle in COUNTED]

    @invariant()
    def published_revision_numbers_are_unique_and_positive(self) -> None:
        numbers = [r.revision for r in self._counted()]
        assert len(numbers) == len(set(numbers))
        assert all(n >= 1 for n in numbers)
        assert all(n <= self.state.highest_revision for n in numbers)

    @invariant()
    def unpublished_revisions_have_no_number(self) -> None:
        assert all(
            r.revision == 0 for r in self.state.revisions.values() if r.lifecycle not in COUNTED
        )

    @invariant()
    def highest_revision_is_the_last_approval(self) -> None:
        assert self.state.highest_revision == (self.approvals[-1] if self.approvals else 0)

    @invariant()
    def exactly_one_latest_and_it_is_the_highest(self) -> None:
        rendered = objects.revision_objects(self.state, deployment=False)
        latest: list[dict[str, Any]] = [
            obj
            for obj in rendered.values()
            if obj["metadata"].get("labels", {}).get(packages.LATEST_LABEL) == "true"
        ]
        counted = self._counted()
        if not counted:
            assert latest == []
            return
        assert len(latest) == 1
        assert latest[0]["spec"]["revision"] == max(r.revision for r in counted)
        assert latest[0]["spec"]["lifecycle"] in COUNTED

    @invariant()
    def stored_labels_never_carry_the_latest_label(self) -> None:
        assert all(packages.LATEST_LABEL not in r.labels for r in self.state.revisions.values())

    @invariant()
    def published_content_never_changes(self) -> None:
        for rev in self.state.revisions.values():
            if rev.uid in self.frozen:
                assert rev.lifecycle in COUNTED
                assert (rev.resources, rev.tasks) == self.frozen[rev.uid]

    @invariant()
    def at_most_one_task(self) -> None:
        assert all(len(r.tasks) <= 1 for r in self.state.revisions.values())

    @invariant()
    def folding_is_deterministic(self) -> None:
        once, twice = _fold(self.history), _fold(list(self.history))
        assert once == twice == self.state

    @invariant()
    def a_workspace_is_either_pending_or_served(self) -> None:
        assert not set(self.state.pending) & set(self.state.revisions)

    @invariant()
    def pending_creations_are_never_served(self) -> None:
        rendered = objects.revision_objects(self.state, deployment=False)
        served = {obj["spec"]["workspaceName"] for obj in rendered.values()}
        assert served == set(self.state.revisions)

    @invariant()
    def event_ids_are_unique(self) -> None:
        ids = [e.id for e in self.history]
        assert len(ids) == len(set(ids))


PackageMachine.TestCase.settings = settings(
    max_examples=200,
    stateful_step_count=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestPackageMachine = PackageMachine.TestCase
