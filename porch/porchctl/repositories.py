"""repo reg, unreg and sync (``repo get`` is in listing).

Credentials go only into the Secret ``<name>-auth`` created through the core API; the
Repository names the Secret. Nothing else sees them: not logs, not errors, not events.
"""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from porch.porchctl import client as api
from porch.porchctl.failures import ApiError, CliError
from porch.porchctl.session import Session

Json = dict[str, Any]
PLURAL = "repositories"
BASIC_AUTH = "kubernetes.io/basic-auth"
WORKLOAD_IDENTITY = "kpt.dev/workload-identity-auth"
RUN_ONCE_ANNOTATION = "config.porch.kpt.dev/run-once-at"
MIN_DELAY = timedelta(minutes=1)


def last_segment(url: str) -> str:
    """Porch's default repository name: the URL's last path segment, without ``.git``."""
    tail = url.rstrip("/").rsplit("/", 1)[-1]
    return tail.removesuffix(".git").rsplit(":", 1)[-1]


def repository_body(
    namespace: str,
    url: str,
    *,
    name: str,
    description: str,
    branch: str,
    create_branch: bool,
    directory: str,
    deployment: bool,
    secret: str,
    sync_schedule: str,
) -> Json:
    spec: Json = {"content": "Package", "deployment": deployment}
    if description:
        spec["description"] = description
    if url.startswith("oci://"):
        spec["type"] = "oci"
        spec["oci"] = {"registry": url.removeprefix("oci://")}
        if secret:
            spec["oci"]["secretRef"] = {"name": secret}
    else:
        spec["type"] = "git"
        git: Json = {"repo": url, "branch": branch, "directory": directory}
        if create_branch:
            git["createBranch"] = True
        if secret:
            git["secretRef"] = {"name": secret}
        spec["git"] = git
    if sync_schedule:
        spec["sync"] = {"schedule": sync_schedule}
    return {
        "apiVersion": "config.porch.kpt.dev/v1alpha1",
        "kind": "Repository",
        "metadata": {"name": name, "namespace": namespace},
        "spec": spec,
    }


def secret_body(
    namespace: str, repo: str, *, username: str, password: str, workload_identity: bool
) -> Json | None:
    basic = bool(username or password)
    if basic and workload_identity:
        raise CliError("both username/password and workload identity specified")
    if not basic and not workload_identity:
        return None
    body: Json = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": f"{repo}-auth", "namespace": namespace},
        "type": WORKLOAD_IDENTITY if workload_identity else BASIC_AUTH,
        "data": {},
    }
    if basic:
        body["data"] = {
            "username": base64.b64encode(username.encode()).decode(),
            "password": base64.b64encode(password.encode()).decode(),
        }
    return body


def secrets_path(namespace: str) -> str:
    return f"/api/v1/namespaces/{namespace}/secrets"


def register(
    s: Session,
    url: str,
    *,
    name: str,
    description: str,
    branch: str,
    create_branch: bool,
    directory: str,
    deployment: bool,
    username: str,
    password: str,
    workload_identity: bool,
    sync_schedule: str,
) -> None:
    name = name or last_segment(url)
    secret = secret_body(
        s.namespace, name, username=username, password=password, workload_identity=workload_identity
    )
    if secret is not None:
        try:
            s.client.request("POST", secrets_path(s.namespace), body=secret)
        except ApiError as exc:
            missing = (exc.status.get("details") or {}).get("kind") == "namespaces"
            if exc.code == 404 and not missing:
                raise CliError(
                    f'cannot create Secret "{name}-auth": this server does not serve core v1 '
                    "Secrets; the repository was not registered"
                ) from None
            raise CliError(exc.message) from None  # the message never holds the body
    body = repository_body(
        s.namespace,
        url,
        name=name,
        description=description,
        branch=branch,
        create_branch=create_branch,
        directory=directory,
        deployment=deployment,
        secret=secret["metadata"]["name"] if secret else "",
        sync_schedule=sync_schedule,
    )
    s.client.request("POST", api.collection(api.CONFIG, PLURAL, s.namespace), body=body)


def unregister(s: Session, name: str, *, keep_auth_secret: bool) -> None:
    path = api.item(api.CONFIG, PLURAL, s.namespace, name)
    repo = s.client.get(path)
    s.client.request("DELETE", path)
    if keep_auth_secret:
        return
    spec = repo.get("spec") or {}
    ref = ((spec.get("git") or spec.get("oci") or {}).get("secretRef") or {}).get("name")
    if not ref:
        return
    try:
        s.client.request("DELETE", f"{secrets_path(s.namespace)}/{ref}")
    except ApiError as exc:
        if exc.code != 404:
            raise


_DURATION = re.compile(r"(\d+(?:\.\d+)?)(h|ms|m|s)")


def parse_duration(text: str) -> timedelta | None:
    """Go's ``time.ParseDuration`` for h/m/s/ms (``10m``, ``2h30m``); None if not one."""
    pos, total = 0, 0.0
    units = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}
    while pos < len(text):
        m = _DURATION.match(text, pos)
        if m is None:
            return None
        total += float(m.group(1)) * units[m.group(2)]
        pos = m.end()
    return timedelta(seconds=total) if text else None


def run_once_at(value: str, now: datetime) -> tuple[datetime, str]:
    """The time to sync at, and a warning when it had to move to at least 1 minute ahead."""
    if not value:
        return now + MIN_DELAY, ""
    duration = parse_duration(value)
    if duration is not None:
        if duration < MIN_DELAY:
            return now + MIN_DELAY, (
                "Warning: Duration must be at least 1 minute. Sync time adjusted to comply "
                "with minimum delay."
            )
        return now + duration, ""
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise CliError("invalid --run-once value") from None
    if when.tzinfo is None:
        raise CliError("invalid --run-once value")
    if when - now < MIN_DELAY:
        return now + MIN_DELAY, (
            "Warning: Scheduled time is within 1 minute or in the past. Sync time adjusted "
            "to comply with minimum delay."
        )
    return when, ""


def rfc3339(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def sync(
    s: Session, names: list[str], *, all_repos: bool, all_namespaces: bool, run_once: str
) -> None:
    when, warning = run_once_at(run_once, datetime.now(UTC))
    if warning:
        s.say(warning)
    repos: list[Json] = []
    if all_repos:
        ns = None if all_namespaces else s.namespace
        repos = s.client.get(api.collection(api.CONFIG, PLURAL, ns)).get("items") or []
    else:
        if not names:
            raise CliError("repository name(s) required unless --all is set")
        for name in names:
            try:
                repos.append(s.client.get(api.item(api.CONFIG, PLURAL, s.namespace, name)))
            except ApiError as exc:
                s.warn(f'Error fetching repository "{name}": {exc.message}')
    if not repos:
        if all_namespaces:
            raise CliError("no repositories found across all namespaces")
        raise CliError(f'no repositories found in namespace "{s.namespace}"')
    for repo in repos:
        meta = repo["metadata"]
        try:
            schedule(s, repo, rfc3339(when))
        except ApiError as exc:
            s.warn(f'Failed to update repository "{meta["name"]}": {exc.message}')
            continue
        s.say(f'Scheduled one-time sync for "{meta["name"]}" at {rfc3339(when)}')


def schedule(s: Session, repo: Json, at: str) -> None:
    """Set ``spec.sync.runOnceAt``; a server whose schema refuses it gets the annotation."""
    meta = repo["metadata"]
    path = api.item(api.CONFIG, PLURAL, meta.get("namespace") or s.namespace, meta["name"])
    spec = dict(repo.get("spec") or {})
    spec["sync"] = {**(spec.get("sync") or {}), "runOnceAt": at}
    try:
        s.client.request("PUT", path, body={**repo, "spec": spec})
    except ApiError as exc:
        if exc.code not in (400, 422):
            raise
        annotations = {**(meta.get("annotations") or {}), RUN_ONCE_ANNOTATION: at}
        s.client.request(
            "PUT", path, body={**repo, "metadata": {**meta, "annotations": annotations}}
        )


__all__ = [
    "last_segment",
    "parse_duration",
    "register",
    "repository_body",
    "run_once_at",
    "secret_body",
    "sync",
    "unregister",
]
