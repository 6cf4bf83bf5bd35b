"""The orchestrator's task worker end to end: real JetStream, the real function runner over
gRPC, a real git daemon. Requests are appended as the API would (``RevisionCreationRequested``,
``RevisionResourcesSubmitted``); the projection loop enqueues the task, the worker computes
it and appends the answer, and the projection serves the result.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec
import pytest
import yaml
from nats.js import JetStreamContext
from nats.js.errors import NotFoundError

from porch.domain import events as ev
from porch.domain import repository, snapshots, syncwork, taskwork
from porch.domain.common import Actor
from porch.eventlog import appending, buckets, streams, subjects
from porch.eventlog.blobs import BlobStore
from porch.eventlog.secrets import SecretStore
from porch.local.githttp import Accounts, GitHttpServer
from porch.local.gitserver import GitServer
from porch.local.registry import RegistryServer
from porch.oci import OciRepository, PushRequest
from porch_fnrunner.server import FunctionRunnerServer
from porch_fnrunner.settings import Settings as RunnerSettings
from porch_orchestrator import projecting, tasking, taskworker
from tests.integration import ocifixtures
from tests.integration.aiotasks import stop

pytestmark = pytest.mark.integration
oci_registry = ocifixtures.oci_registry

NS, REPO, DEPLOY = "default", "blueprints", "deployments"
ACTOR = Actor(user="alice@example.com")
TEAM_IMAGE = "example.com/set-team:v1"  # only the function runner knows it (exec)
FAIL_IMAGE = "example.com/fail:v1"
SET_LABELS = "ghcr.io/kptdev/krm-functions-catalog/set-labels:v0.2.0"  # builtin, in process
ANSWERS = (
    "RevisionCreated.v1",
    "RevisionCreationFailed.v1",
    "RevisionResourcesUpdated.v1",
    "RevisionResourcesRejected.v1",
)

SCRIPTS = {
    TEAM_IMAGE: """
        import sys, yaml
        rl = yaml.safe_load(sys.stdin)
        for item in rl.get("items") or []:
            item.setdefault("metadata", {}).setdefault("labels", {})["team"] = "blue"
        rl["results"] = [{"message": "team set", "severity": "info"}]
        yaml.safe_dump(rl, sys.stdout)
    """,
    FAIL_IMAGE: """
        import sys, yaml
        rl = yaml.safe_load(sys.stdin)
        rl["results"] = [{"message": "replicas must be set", "severity": "error"}]
        yaml.safe_dump(rl, sys.stdout)
        print("validation failed", file=sys.stderr)
        sys.exit(1)
    """,
}

_ids = itertools.count()


def kptfile(
    name: str, *, mutators: list[dict[str, Any]] | None = None, save: bool = False
) -> bytes:
    doc: dict[str, Any] = {
        "apiVersion": "kpt.dev/v1",
        "kind": "Kptfile",
        "metadata": {"name": name, "annotations": {"config.kubernetes.io/local-config": "true"}},
        "info": {"description": f"{name} package"},
    }
    if save:
        doc["metadata"]["annotations"]["kpt.dev/save-on-render-failure"] = "true"
    if mutators:
        doc["pipeline"] = {"mutators": mutators}
    return yaml.safe_dump(doc, sort_keys=False).encode()


def configmap(name: str, data: dict[str, str]) -> bytes:
    doc = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": data}
    return yaml.safe_dump(doc, sort_keys=False).encode()


# --- fixtures ------------------------------------------------------------------------------


@pytest.fixture
async def fn_runner(tmp_path: Path) -> AsyncIterator[str]:
    functions = []
    for image, body in SCRIPTS.items():
        script = tmp_path / (image.rsplit("/", 1)[-1].split(":")[0] + ".py")
        script.write_text(textwrap.dedent(body))
        functions.append({"image": image, "exec": [sys.executable, str(script)]})
    config = tmp_path / "exec-config.yaml"
    config.write_text(yaml.safe_dump({"functions": functions}))
    settings = RunnerSettings(listen="127.0.0.1:0", exec_config=config, shutdown_grace=1.0)
    async with FunctionRunnerServer.from_settings(settings) as server:
        yield f"127.0.0.1:{server.port}"


def _git(*args: str, cwd: Path) -> str:
    env = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
        "PATH": "/usr/bin:/bin",
        "HOME": str(cwd),
    }
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout.strip()


@dataclass
class Upstream:
    url: str
    commit: str


def _upstream_repository(tmp_path: Path) -> tuple[Path, str]:
    """A bare ``upstream.git`` under ``tmp_path/git`` with package ``basens`` on main."""
    base = tmp_path / "git"
    work = tmp_path / "work"
    base.mkdir()
    _git("init", "--bare", "-b", "main", str(base / "upstream.git"), cwd=tmp_path)
    _git("clone", str(base / "upstream.git"), str(work), cwd=tmp_path)
    (work / "basens").mkdir()
    (work / "basens" / "Kptfile").write_bytes(kptfile("basens"))
    (work / "basens" / "namespace.yaml").write_text(
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: example\n"
    )
    _git("add", "-A", cwd=work)
    _git("commit", "-m", "basens", cwd=work)
    _git("push", "origin", "main", cwd=work)
    return base, _git("rev-parse", "HEAD", cwd=work)


@pytest.fixture
def git_upstream(tmp_path: Path) -> Iterator[Upstream]:
    base, commit = _upstream_repository(tmp_path)
    with GitServer(base_dir=base) as server:
        yield Upstream(url=server.url("upstream"), commit=commit)


GIT_USER, GIT_PASSWORD, GIT_TOKEN = "porch-user", "pa55-w0rd-secret", "t0ken-secret-value"


@pytest.fixture
def private_upstream(tmp_path: Path) -> Iterator[tuple[Upstream, GitHttpServer]]:
    """The same upstream behind ``git http-backend`` with basic auth (or a token)."""
    base, commit = _upstream_repository(tmp_path)
    accounts = Accounts(username=GIT_USER, password=GIT_PASSWORD, token=GIT_TOKEN)
    with GitHttpServer(base_dir=base, accounts=accounts) as server:
        yield Upstream(url=server.url("upstream"), commit=commit), server


@dataclass
class Orchestrator:
    js: JetStreamContext
    blobs: BlobStore
    worker: taskworker.TaskWorker
    names: snapshots.Buckets


@pytest.fixture(name="o")
async def orchestrator(
    js: JetStreamContext, fn_runner: str, tmp_path: Path
) -> AsyncIterator[Orchestrator]:
    names = snapshots.Buckets("porch")
    blobs = await BlobStore.open(js)
    for repo, deployment in ((REPO, False), (DEPLOY, True)):
        spec = repository.normalize_spec(
            {
                "type": "git",
                "git": {"repo": "git://127.0.0.1:1/nowhere.git"},
                "deployment": deployment,
            }
        )
        event = ev.RepositoryRegistered(
            **fields(), namespace=NS, name=repo, uid=f"u-{repo}", spec=spec
        )
        await append(js, subjects.repository(NS, repo), None, event)
    projector = projecting.Projector(js, names, emit_work=True)
    await projector.open()
    runtime = tasking.Runtime(fn_runner=fn_runner, cache_dir=tmp_path / "cache", fn_timeout=30)
    worker = taskworker.TaskWorker(js, blobs, runtime, fetch_wait=0.2)
    running = [asyncio.create_task(projector.run()), asyncio.create_task(worker.run())]
    try:
        yield Orchestrator(js, blobs, worker, names)
    finally:
        await stop(*running)


# --- helpers -------------------------------------------------------------------------------


def fields() -> dict[str, Any]:
    n = next(_ids)
    return {"id": f"evt-{n}", "time": "2026-01-01T00:00:00Z", "actor": ACTOR, "command_id": f"c{n}"}


async def append(js: JetStreamContext, subject: str, boundary: str | None, event: ev.Event) -> int:
    return await appending.append(
        js,
        appending.Append(
            subject=subject,
            data=ev.encode(event),
            event_type=ev.type_of(event),
            msg_id=event.command_id,
            expected=await appending.last_sequence(js, boundary or subject),
            boundary=boundary,
        ),
    )


async def store(o: Orchestrator, files: dict[str, bytes]) -> dict[str, str]:
    return {path: await o.blobs.put(data) for path, data in files.items()}


async def request(
    o: Orchestrator,
    package: str,
    workspace: str,
    *,
    task: ev.Task | None = None,
    inputs: dict[str, Any] | None = None,
    repo: str = REPO,
    annotations: dict[str, str] | None = None,
) -> tuple[int, ev.RevisionCreationRequested]:
    event = ev.RevisionCreationRequested(
        **fields(),
        namespace=NS,
        repository=repo,
        package=package,
        workspace=workspace,
        uid=f"uid-{package}-{workspace}",
        tasks=(task,) if task else (),
        inputs=inputs or {},
        deployment=repo == DEPLOY,
        annotations=annotations or {},
    )
    seq = await append(
        o.js,
        subjects.revision(NS, repo, package, workspace),
        subjects.package_wildcard(NS, repo, package),
        event,
    )
    return seq, event


async def submit(
    o: Orchestrator, package: str, workspace: str, files: dict[str, bytes], *, push: bool = False
) -> tuple[int, ev.RevisionResourcesSubmitted]:
    event = ev.RevisionResourcesSubmitted(
        **fields(),
        workspace=workspace,
        resources=await store(o, files),
        push_on_render_failure=push,
    )
    seq = await append(
        o.js,
        subjects.revision(NS, REPO, package, workspace),
        subjects.package_wildcard(NS, REPO, package),
        event,
    )
    return seq, event


async def answer(
    o: Orchestrator, package: str, workspace: str, after: int, *, repo: str = REPO
) -> ev.AnyEvent:
    """The first answer on the revision's subject after sequence ``after``."""
    subject = subjects.revision(NS, repo, package, workspace)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 60
    seq = after + 1
    while loop.time() < deadline:
        try:
            msg = await o.js.get_msg(
                streams.EVENTS_STREAM, seq=seq, subject=subject, next=True, direct=True
            )
        except NotFoundError:
            await asyncio.sleep(0.05)
            continue
        if (msg.headers or {}).get("Porch-Event-Type") in ANSWERS:
            return ev.decode(msg.data)
        seq = int(msg.seq or seq) + 1
    raise AssertionError(f"no answer on {subject} after {after}")


async def files_of(o: Orchestrator, resources: dict[str, str]) -> dict[str, bytes]:
    return {path: await o.blobs.get(digest) for path, digest in resources.items()}


async def created(
    o: Orchestrator, package: str, workspace: str, *, repo: str = REPO, **kw: Any
) -> tuple[ev.RevisionCreated, dict[str, bytes]]:
    seq, _ = await request(o, package, workspace, repo=repo, **kw)
    outcome = await answer(o, package, workspace, seq, repo=repo)
    assert isinstance(outcome, ev.RevisionCreated), outcome
    return outcome, await files_of(o, outcome.resources)


async def published_input(
    o: Orchestrator, name: str, files: dict[str, bytes], *, revision: int, commit: str = "c0ffee"
) -> dict[str, Any]:
    """A published upstream revision as the API passes it in ``inputs``."""
    package = name.split(".")[1]
    return {
        "name": name,
        "repository": REPO,
        "package": package,
        "workspace": f"v{revision}",
        "revision": revision,
        "resources": await store(o, files),
        "lock": taskwork.git_lock(
            repo="git://git.example.com/blueprints.git",
            repo_directory="",
            package=package,
            revision=revision,
            commit=commit,
        ),
    }


def doc(data: bytes) -> Any:
    return yaml.safe_load(data)


async def object_of(o: Orchestrator, name: str) -> dict[str, Any] | None:
    kv = await buckets.open_bucket(o.js, o.names.revisions)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 10
    while loop.time() < deadline:
        entry = await buckets.get(kv, snapshots.object_key(NS, name))
        if entry is not None and entry.value:
            found: dict[str, Any] = msgspec.json.decode(entry.value)
            return found
        await asyncio.sleep(0.05)
    return None


async def sync_items(js: JetStreamContext) -> list[syncwork.Work]:
    info = await js.stream_info(streams.SYNC_STREAM)
    out = []
    for seq in range(int(info.state.first_seq), int(info.state.last_seq) + 1):
        msg = await js.get_msg(streams.SYNC_STREAM, seq=seq)
        out.append(syncwork.decode(msg.data))
    return out


# --- init ----------------------------------------------------------------------------------


async def test_no_task_inits_a_package_served_and_written_as_a_draft(o: Orchestrator) -> None:
    outcome, files = await created(o, "apps/web", "ws1")

    assert sorted(files) == ["Kptfile", "README.md", "package-context.yaml"]
    kf = doc(files["Kptfile"])
    assert kf["metadata"]["name"] == "web"
    assert kf["info"]["description"] == "apps/web description"
    assert doc(files["package-context.yaml"])["metadata"]["name"] == "kptfile.kpt.dev"
    assert outcome.render_status is not None
    assert outcome.render_status["error"] == ""
    assert outcome.render_status["result"]["kind"] == "FunctionResultList"
    assert outcome.render_status["result"]["exitCode"] == 0
    assert outcome.kptfile is not None
    assert outcome.command_id.startswith("c")  # the request's command id answers it
    obj = await object_of(o, "blueprints.apps.web.ws1")
    assert obj is not None
    assert obj["spec"]["lifecycle"] == "Draft"
    drafts = [w for w in await sync_items(o.js) if isinstance(w, syncwork.WriteDraft)]
    assert [(d.workspace, d.message) for d in drafts] == [("ws1", "Creating new empty revision")]
    assert drafts[0].resources == outcome.resources


async def test_init_task_fields_reach_the_kptfile(o: Orchestrator) -> None:
    task = ev.Task(
        type="init",
        init={"description": "my web", "keywords": ["a", "b"], "site": "https://x.example"},
    )
    _, files = await created(o, "web2", "ws1", task=task)

    info = doc(files["Kptfile"])["info"]
    assert info == {"site": "https://x.example", "description": "my web", "keywords": ["a", "b"]}


# --- clone ---------------------------------------------------------------------------------


async def test_clone_from_a_published_revision_into_a_deployment_repository(
    o: Orchestrator,
) -> None:
    upstream = {
        "Kptfile": kptfile("basens"),
        "ns.yaml": configmap("settings", {"a": "1"}),
        "package-context.yaml": configmap("kptfile.kpt.dev", {"name": "example"}),
    }
    task = ev.Task(
        type="clone", clone={"upstreamRef": {"upstreamRef": {"name": "blueprints.basens.v1"}}}
    )
    inputs = {"upstream": await published_input(o, "blueprints.basens.v1", upstream, revision=1)}

    outcome, files = await created(o, "edge-ns", "ws1", repo=DEPLOY, task=task, inputs=inputs)

    kf = doc(files["Kptfile"])
    assert kf["metadata"]["name"] == "edge-ns"
    git = {"repo": "git://git.example.com/blueprints.git", "directory": "basens"}
    assert kf["upstream"] == {"type": "git", "git": {**git, "ref": "basens/v1"}}
    assert kf["upstreamLock"] == {
        "type": "git",
        "git": {**git, "ref": "basens/v1", "commit": "c0ffee"},
    }
    context = doc(files["package-context.yaml"])
    assert context["data"] == {"name": "edge-ns"}
    assert files["ns.yaml"] == upstream["ns.yaml"]
    assert outcome.kptfile is not None
    assert outcome.kptfile["upstreamLock"]["git"]["commit"] == "c0ffee"
    obj = await object_of(o, "deployments.edge-ns.ws1")
    assert obj is not None
    assert obj["status"]["deployment"] is True
    drafts = [w for w in await sync_items(o.js) if isinstance(w, syncwork.WriteDraft)]
    assert [d.message for d in drafts] == ["Creating new revision by cloning"]
    assert drafts[0].task is not None
    assert drafts[0].task["type"] == "clone"


async def test_clone_from_a_raw_git_url(o: Orchestrator, git_upstream: Upstream) -> None:
    ref = {"type": "git", "git": {"repo": git_upstream.url, "ref": "main", "directory": "/basens"}}
    task = ev.Task(type="clone", clone={"upstreamRef": ref})

    _, files = await created(o, "my-ns", "ws1", task=task)

    assert "namespace.yaml" in files
    kf = doc(files["Kptfile"])
    assert kf["metadata"]["name"] == "my-ns"
    assert kf["upstream"]["git"]["repo"] == git_upstream.url
    assert kf["upstreamLock"]["git"]["commit"] == git_upstream.commit


async def test_clone_from_a_missing_git_ref_fails_with_a_reason(
    o: Orchestrator, git_upstream: Upstream
) -> None:
    ref = {"type": "git", "git": {"repo": git_upstream.url, "ref": "nope", "directory": "basens"}}
    seq, _ = await request(o, "lost", "ws1", task=ev.Task(type="clone", clone={"upstreamRef": ref}))

    outcome = await answer(o, "lost", "ws1", seq)

    assert isinstance(outcome, ev.RevisionCreationFailed)
    assert outcome.reason == taskwork.REASON_NOT_FOUND
    assert "nope" in outcome.message
    assert await object_of_quick(o, "blueprints.lost.ws1") is None


async def test_clone_from_an_unreachable_git_server_fails_with_a_reason(o: Orchestrator) -> None:
    ref = {"type": "git", "git": {"repo": "git://127.0.0.1:1/x.git", "ref": "main"}}
    seq, _ = await request(o, "far", "ws1", task=ev.Task(type="clone", clone={"upstreamRef": ref}))

    outcome = await answer(o, "far", "ws1", seq)

    assert isinstance(outcome, ev.RevisionCreationFailed)
    assert outcome.reason == taskwork.REASON_GIT


# --- clone: Git credentials from a Secret ------------------------------------------------


async def put_secret(o: Orchestrator, name: str, **string_data: str) -> None:
    store = await SecretStore.open(o.js)
    await store.put({"metadata": {"namespace": NS, "name": name}, "stringData": string_data})


def private_clone(url: str, secret: str = "") -> ev.Task:
    git: dict[str, Any] = {"repo": url, "ref": "main", "directory": "/basens"}
    if secret:
        git["secretRef"] = {"name": secret}
    return ev.Task(type="clone", clone={"upstreamRef": {"type": "git", "git": git}})


async def stored_bytes(o: Orchestrator) -> bytes:
    """Every message of the event stream and of both work queues, concatenated."""
    out = b""
    for stream in (streams.EVENTS_STREAM, streams.TASK_STREAM, streams.SYNC_STREAM):
        info = await o.js.stream_info(stream)
        for seq in range(int(info.state.first_seq), int(info.state.last_seq) + 1):
            with contextlib.suppress(NotFoundError):
                msg = await o.js.get_msg(stream, seq=seq)
                out += (msg.data or b"") + repr(msg.headers).encode()
    return out


@pytest.mark.parametrize(
    "secret",
    [
        {"username": GIT_USER, "password": GIT_PASSWORD},
        {"token": GIT_TOKEN},
        {"username": "ci-bot", "bearerToken": GIT_TOKEN},
    ],
    ids=["basic-auth", "token", "bearer-token"],
)
async def test_clone_from_a_private_git_url_with_the_named_secret(
    o: Orchestrator,
    private_upstream: tuple[Upstream, GitHttpServer],
    secret: dict[str, str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    upstream, _ = private_upstream
    await put_secret(o, "git-creds", **secret)

    _, files = await created(o, "private", "ws1", task=private_clone(upstream.url, "git-creds"))

    kf = doc(files["Kptfile"])
    assert kf["upstream"]["git"]["repo"] == upstream.url  # no credentials in the lock
    assert kf["upstreamLock"]["git"]["commit"] == upstream.commit
    assert "namespace.yaml" in files
    stored = await stored_bytes(o)
    for value in secret.values():
        if value in (GIT_PASSWORD, GIT_TOKEN):
            assert value.encode() not in stored
            assert value not in caplog.text
            assert all(value.encode() not in data for data in files.values())


async def test_a_private_git_url_without_a_secret_fails_without_leaking(
    o: Orchestrator, private_upstream: tuple[Upstream, GitHttpServer]
) -> None:
    upstream, server = private_upstream
    seq, _ = await request(o, "anon", "ws1", task=private_clone(upstream.url))

    outcome = await answer(o, "anon", "ws1", seq)

    assert isinstance(outcome, ev.RevisionCreationFailed)
    assert outcome.reason == taskwork.REASON_GIT
    assert server.refused >= 1


async def test_a_wrong_password_fails_with_a_git_error_that_does_not_quote_it(
    o: Orchestrator,
    private_upstream: tuple[Upstream, GitHttpServer],
    caplog: pytest.LogCaptureFixture,
) -> None:
    upstream, _ = private_upstream
    await put_secret(o, "wrong", username=GIT_USER, password="not-the-pa55word")
    seq, _ = await request(o, "wrong", "ws1", task=private_clone(upstream.url, "wrong"))

    outcome = await answer(o, "wrong", "ws1", seq)

    assert isinstance(outcome, ev.RevisionCreationFailed)
    assert outcome.reason == taskwork.REASON_GIT
    assert "not-the-pa55word" not in outcome.message
    assert b"not-the-pa55word" not in await stored_bytes(o)
    assert "not-the-pa55word" not in caplog.text


async def test_a_missing_or_unusable_secret_fails_with_a_reason(
    o: Orchestrator, private_upstream: tuple[Upstream, GitHttpServer]
) -> None:
    upstream, server = private_upstream
    seq, _ = await request(o, "lost", "ws1", task=private_clone(upstream.url, "nowhere"))
    missing = await answer(o, "lost", "ws1", seq)
    await put_secret(o, "odd", hostname="git.example.com")
    seq, _ = await request(o, "odd", "ws1", task=private_clone(upstream.url, "odd"))
    unusable = await answer(o, "odd", "ws1", seq)

    assert isinstance(missing, ev.RevisionCreationFailed)
    assert missing.reason == taskwork.REASON_NOT_FOUND
    assert 'secret "nowhere" not found' in missing.message
    assert isinstance(unusable, ev.RevisionCreationFailed)
    assert unusable.reason == taskwork.REASON_INVALID
    assert 'secret "odd"' in unusable.message
    assert server.refused == 0  # neither went to the server


# --- clone: OCI ----------------------------------------------------------------------------


async def test_clone_from_an_oci_image(o: Orchestrator, oci_registry: RegistryServer) -> None:
    ns = b"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: example\n"
    upstream = {"Kptfile": kptfile("basens"), "ns.yaml": ns}
    async with OciRepository(f"{oci_registry.address}/pkgs") as registry:
        pushed = await registry.push_revision(
            PushRequest(
                package="basens",
                workspace="v1",
                lifecycle="Published",
                revision=1,
                files=upstream,
                event_id="ev-upstream",
                created="2026-01-01T00:00:00Z",
            )
        )
    image = f"{oci_registry.address}/pkgs/basens:v1"
    task = ev.Task(type="clone", clone={"upstreamRef": {"type": "oci", "oci": {"image": image}}})

    outcome, files = await created(o, "from-oci", "ws1", task=task)
    _, deployed = await created(o, "from-oci", "ws1", task=task, repo=DEPLOY)

    assert pushed.tags
    assert files["ns.yaml"] == ns
    kf = doc(files["Kptfile"])
    assert kf["metadata"]["name"] == "from-oci"
    assert "upstream" not in kf  # kpt's v1 Kptfile cannot hold an OCI upstream
    assert outcome.tasks[0].clone == {"upstreamRef": {"type": "oci", "oci": {"image": image}}}
    assert outcome.kptfile is not None
    assert "package-context.yaml" in deployed


async def test_clone_from_a_missing_oci_image_fails_with_a_reason(
    o: Orchestrator, oci_registry: RegistryServer
) -> None:
    image = f"{oci_registry.address}/pkgs/absent:v1"
    ref = {"type": "oci", "oci": {"image": image}}
    seq, _ = await request(o, "oci", "ws1", task=ev.Task(type="clone", clone={"upstreamRef": ref}))
    bad_seq, _ = await request(
        o,
        "bad",
        "ws1",
        task=ev.Task(type="clone", clone={"upstreamRef": {"type": "oci", "oci": {"image": "x"}}}),
    )

    outcome = await answer(o, "oci", "ws1", seq)
    bad = await answer(o, "bad", "ws1", bad_seq)

    assert isinstance(outcome, ev.RevisionCreationFailed)
    assert outcome.reason == taskwork.REASON_NOT_FOUND
    assert isinstance(bad, ev.RevisionCreationFailed)
    assert bad.reason == taskwork.REASON_INVALID


async def test_clone_from_an_unreachable_registry_fails_with_a_reason(o: Orchestrator) -> None:
    ref = {"type": "oci", "oci": {"image": "127.0.0.1:1/pkgs/basens:v1"}}
    seq, _ = await request(o, "far", "ws1", task=ev.Task(type="clone", clone={"upstreamRef": ref}))

    outcome = await answer(o, "far", "ws1", seq)

    assert isinstance(outcome, ev.RevisionCreationFailed)
    assert outcome.reason == taskwork.REASON_OCI


async def object_of_quick(o: Orchestrator, name: str) -> dict[str, Any] | None:
    kv = await buckets.open_bucket(o.js, o.names.revisions)
    entry = await buckets.get(kv, snapshots.object_key(NS, name))
    return None if entry is None or not entry.value else msgspec.json.decode(entry.value)


# --- edit and upgrade ----------------------------------------------------------------------


async def test_edit_copies_the_source_revision(o: Orchestrator) -> None:
    source = {"Kptfile": kptfile("web"), "cm.yaml": configmap("cm", {"k": "v"})}
    task = ev.Task(type="edit", edit={"sourceRef": {"name": "blueprints.web.v1"}})
    inputs = {"source": await published_input(o, "blueprints.web.v1", source, revision=1)}

    outcome, files = await created(o, "web", "ws2", task=task, inputs=inputs)

    assert files["cm.yaml"] == source["cm.yaml"]
    assert doc(files["Kptfile"])["metadata"]["name"] == "web"
    drafts = [w for w in await sync_items(o.js) if isinstance(w, syncwork.WriteDraft)]
    assert [d.message for d in drafts] == ["Creating new revision by copying previous revision"]
    assert outcome.tasks == (task,)


async def test_upgrade_merges_the_new_upstream_into_the_local_revision(o: Orchestrator) -> None:
    old = {"Kptfile": kptfile("base"), "cm.yaml": configmap("cm", {"a": "1", "b": "1"})}
    new = {
        "Kptfile": kptfile("base"),
        "cm.yaml": configmap("cm", {"a": "2", "b": "1"}),
        "extra.yaml": configmap("extra", {"new": "yes"}),
    }
    old_in = await published_input(o, "blueprints.base.v1", old, revision=1, commit="c1")
    new_in = await published_input(o, "blueprints.base.v2", new, revision=2, commit="c2")
    clone = ev.Task(type="clone", clone={"upstreamRef": {"upstreamRef": {"name": old_in["name"]}}})
    _, local_files = await created(o, "mine", "ws1", task=clone, inputs={"upstream": old_in})
    local_files["cm.yaml"] = configmap("cm", {"a": "1", "b": "local"})
    local_in = {"name": "blueprints.mine.ws1", "resources": await store(o, local_files)}
    task = ev.Task(
        type="upgrade",
        upgrade={
            "oldUpstreamRef": {"name": old_in["name"]},
            "newUpstreamRef": {"name": new_in["name"]},
            "localPackageRevisionRef": {"name": "blueprints.mine.ws1"},
            "strategy": "resource-merge",
        },
    )
    inputs = {"oldUpstream": old_in, "newUpstream": new_in, "local": local_in}

    outcome, files = await created(o, "mine", "ws2", task=task, inputs=inputs)

    assert doc(files["extra.yaml"])["data"] == {"new": "yes"}  # added upstream
    assert doc(files["cm.yaml"])["data"] == {"a": "2", "b": "local"}  # both changes kept
    kf = doc(files["Kptfile"])
    assert kf["metadata"]["name"] == "mine"
    assert kf["upstreamLock"]["git"]["ref"] == "base/v2"
    assert kf["upstreamLock"]["git"]["commit"] == "c2"
    assert outcome.tasks[0].type == "upgrade"


async def test_an_unknown_strategy_fails_the_upgrade(o: Orchestrator) -> None:
    files = {"Kptfile": kptfile("base")}
    rev = await published_input(o, "blueprints.base.v1", files, revision=1)
    task = ev.Task(type="upgrade", upgrade={"strategy": "teleport"})
    inputs = {"oldUpstream": rev, "newUpstream": rev, "local": rev}
    seq, _ = await request(o, "base", "ws9", task=task, inputs=inputs)

    outcome = await answer(o, "base", "ws9", seq)

    assert isinstance(outcome, ev.RevisionCreationFailed)
    assert outcome.reason == taskwork.REASON_INVALID
    assert "teleport" in outcome.message


async def test_missing_input_content_fails_with_not_found(o: Orchestrator) -> None:
    source = {"name": "blueprints.web.v1", "resources": {"Kptfile": "0" * 64}}
    task = ev.Task(type="edit", edit={"sourceRef": {"name": "blueprints.web.v1"}})
    seq, _ = await request(o, "web", "ws3", task=task, inputs={"source": source})

    outcome = await answer(o, "web", "ws3", seq)

    assert isinstance(outcome, ev.RevisionCreationFailed)
    assert outcome.reason == taskwork.REASON_NOT_FOUND


# --- render --------------------------------------------------------------------------------

PIPELINE = [
    {"image": SET_LABELS, "configMap": {"tier": "web"}},  # builtin, in process
    {"image": TEAM_IMAGE},  # on the function runner, over gRPC
]


async def test_submitted_resources_are_rendered_through_builtin_and_grpc_functions(
    o: Orchestrator,
) -> None:
    await created(o, "web", "ws1")
    submitted = {"Kptfile": kptfile("web", mutators=PIPELINE), "cm.yaml": configmap("cm", {})}

    seq, _ = await submit(o, "web", "ws1", submitted)
    outcome = await answer(o, "web", "ws1", seq)

    assert isinstance(outcome, ev.RevisionResourcesUpdated), outcome
    files = await files_of(o, outcome.resources)
    assert doc(files["cm.yaml"])["metadata"]["labels"] == {"tier": "web", "team": "blue"}
    assert outcome.render_status is not None
    result = outcome.render_status["result"]
    assert [i["image"] for i in result["items"]] == [SET_LABELS, TEAM_IMAGE]
    assert [i["exitCode"] for i in result["items"]] == [0, 0]
    assert result["items"][1]["results"] == [{"message": "team set", "severity": "info"}]
    assert outcome.render_status["error"] == ""
    drafts = [w for w in await sync_items(o.js) if isinstance(w, syncwork.WriteDraft)]
    assert [d.message for d in drafts][-1] == "Rendering package"


async def test_a_render_failure_rejects_the_update_and_keeps_nothing(o: Orchestrator) -> None:
    await created(o, "web", "ws1")
    before = len(await sync_items(o.js))
    pipeline = [{"image": FAIL_IMAGE}]
    submitted = {"Kptfile": kptfile("web", mutators=pipeline), "cm.yaml": configmap("cm", {})}

    seq, _ = await submit(o, "web", "ws1", submitted)
    outcome = await answer(o, "web", "ws1", seq)

    assert isinstance(outcome, ev.RevisionResourcesRejected), outcome
    assert outcome.reason == taskwork.REASON_RENDER
    assert outcome.render_status is not None
    assert outcome.render_status["error"]
    [item] = outcome.render_status["result"]["items"]
    assert item["image"] == FAIL_IMAGE
    assert item["exitCode"] == 1
    assert item["results"] == [{"message": "replicas must be set", "severity": "error"}]
    await asyncio.sleep(0.3)
    assert len(await sync_items(o.js)) == before  # nothing went to Git


async def test_push_on_render_failure_keeps_the_unrendered_resources(o: Orchestrator) -> None:
    await created(o, "web", "ws1")
    pipeline = [{"image": SET_LABELS, "configMap": {"tier": "web"}}, {"image": FAIL_IMAGE}]
    submitted = {"Kptfile": kptfile("web", mutators=pipeline), "cm.yaml": configmap("cm", {})}

    seq, event = await submit(o, "web", "ws1", submitted, push=True)
    outcome = await answer(o, "web", "ws1", seq)

    assert isinstance(outcome, ev.RevisionResourcesUpdated), outcome
    assert outcome.resources == event.resources  # unrendered, as submitted
    assert outcome.render_status is not None
    assert outcome.render_status["error"]


async def test_save_on_render_failure_keeps_the_partial_output(o: Orchestrator) -> None:
    await created(o, "web", "ws1")
    pipeline = [{"image": SET_LABELS, "configMap": {"tier": "web"}}, {"image": FAIL_IMAGE}]
    submitted = {
        "Kptfile": kptfile("web", mutators=pipeline, save=True),
        "cm.yaml": configmap("cm", {}),
    }

    seq, _ = await submit(o, "web", "ws1", submitted)
    outcome = await answer(o, "web", "ws1", seq)

    assert isinstance(outcome, ev.RevisionResourcesUpdated), outcome
    files = await files_of(o, outcome.resources)
    assert doc(files["cm.yaml"])["metadata"]["labels"] == {"tier": "web"}  # first step ran
    assert outcome.render_status is not None
    assert outcome.render_status["error"]


async def test_a_failing_render_fails_the_creation(o: Orchestrator) -> None:
    upstream = {"Kptfile": kptfile("bad", mutators=[{"image": FAIL_IMAGE}])}
    inputs = {"upstream": await published_input(o, "blueprints.bad.v1", upstream, revision=1)}
    task = ev.Task(type="clone", clone={"upstreamRef": {"upstreamRef": {"name": "x"}}})
    seq, _ = await request(o, "bad-clone", "ws1", task=task, inputs=inputs)

    outcome = await answer(o, "bad-clone", "ws1", seq)

    assert isinstance(outcome, ev.RevisionCreationFailed)
    assert outcome.reason == taskwork.REASON_RENDER
    assert outcome.render_status is not None
    assert outcome.render_status["result"]["items"][0]["image"] == FAIL_IMAGE


async def test_a_resource_path_leaving_the_package_is_rejected(o: Orchestrator) -> None:
    await created(o, "web", "ws1")

    seq, _ = await submit(o, "web", "ws1", {"Kptfile": kptfile("web"), "../evil.yaml": b"x: 1\n"})
    outcome = await answer(o, "web", "ws1", seq)

    assert isinstance(outcome, ev.RevisionResourcesRejected)
    assert outcome.reason == taskwork.REASON_INVALID


async def test_a_five_megabyte_configmap_round_trips(o: Orchestrator) -> None:
    await created(o, "big", "ws1")
    big = configmap("big", {"blob": "x" * (5 * 1024 * 1024)})
    pipeline = [{"image": SET_LABELS, "configMap": {"size": "large"}}]
    submitted = {"Kptfile": kptfile("big", mutators=pipeline), "big.yaml": big}

    seq, _ = await submit(o, "big", "ws1", submitted)
    # While that renders (seconds), the projection keeps folding: the worker never blocks it.
    spec = repository.normalize_spec({"type": "git", "git": {"repo": "git://h/x.git"}})
    update = ev.RepositoryUpdated(**fields(), spec=spec, labels={"seen": "yes"})
    await append(o.js, subjects.repository(NS, REPO), None, update)
    assert await repository_label(o, "seen") == "yes"
    assert await object_of_quick(o, "blueprints.big.ws1") is not None
    outcome = await answer(o, "big", "ws1", seq)

    assert isinstance(outcome, ev.RevisionResourcesUpdated), outcome
    files = await files_of(o, outcome.resources)
    rendered = doc(files["big.yaml"])
    assert rendered["metadata"]["labels"] == {"size": "large"}
    assert len(rendered["data"]["blob"]) == 5 * 1024 * 1024
    assert len(ev.encode(outcome)) < 4096  # only digests travel in events


async def repository_label(o: Orchestrator, label: str, *, within: float = 2.0) -> str:
    kv = await buckets.open_bucket(o.js, o.names.repositories)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while loop.time() < deadline:
        entry = await buckets.get(kv, snapshots.object_key(NS, REPO))
        labels = msgspec.json.decode(entry.value)["metadata"].get("labels", {}) if entry else {}
        if label in labels:
            return str(labels[label])
        await asyncio.sleep(0.02)
    return ""


# --- idempotency ---------------------------------------------------------------------------


async def test_a_redelivered_task_never_answers_twice(o: Orchestrator) -> None:
    seq, event = await request(o, "once", "ws1")
    first = await answer(o, "once", "ws1", seq)
    assert isinstance(first, ev.RevisionCreated)
    work = taskwork.RunTask(
        namespace=NS,
        repository=REPO,
        package="once",
        workspace="ws1",
        request=event,
        request_seq=seq,
        source_event=event.id,
    )
    done = o.worker.done

    # Again through the queue (deduplicated by message id) and directly (as after the
    # duplicate window): the answer on the subject is found and nothing is appended.
    await o.js.publish(
        subjects.task_work(NS, REPO),
        taskwork.encode(work),
        stream=streams.TASK_STREAM,
        headers={"Nats-Msg-Id": taskwork.message_id(work)},
    )
    await o.worker.perform(work)

    assert o.worker.done == done + 1  # found answered, not computed again
    last = await appending.last_sequence(o.js, subjects.revision(NS, REPO, "once", "ws1"))
    msg = await o.js.get_msg(streams.EVENTS_STREAM, seq=last)
    assert ev.decode(msg.data).id == first.id  # still the one answer
    assert first.id == taskwork.outcome_id(event.id)


async def test_a_clone_right_after_approval_waits_for_the_tag_instead_of_failing(
    o: Orchestrator, git_upstream: Upstream, tmp_path: Path
) -> None:
    """The API answers an approval before git-sync pushed the tag: the upstream input then
    has no lock, only where it lives; the worker reads the tag's commit once it appears."""
    upstream = {"Kptfile": kptfile("basens")}
    where = {"repo": git_upstream.url, "branch": "main", "directory": "basens", "secretRef": ""}
    given = await published_input(o, "blueprints.basens.v1", upstream, revision=1)
    inputs = {"upstream": {**given, "lock": None, "git": where}}
    task = ev.Task(
        type="clone", clone={"upstreamRef": {"upstreamRef": {"name": "blueprints.basens.v1"}}}
    )
    seq, _ = await request(o, "late-tag", "ws1", task=task, inputs=inputs)
    await asyncio.sleep(1.0)  # the worker is polling for the tag now
    bare = tmp_path / "git" / "upstream.git"
    _git("tag", "basens/v1", git_upstream.commit, cwd=bare)

    outcome = await answer(o, "late-tag", "ws1", seq)

    assert isinstance(outcome, ev.RevisionCreated), outcome
    files = await files_of(o, outcome.resources)
    assert doc(files["Kptfile"])["upstreamLock"]["git"] == {
        "repo": git_upstream.url,
        "directory": "basens",
        "ref": "basens/v1",
        "commit": git_upstream.commit,
    }
