"""A small client for the OCI distribution API (what ``docker-registry`` and every hosted
registry speak), on aiohttp.

Why not oras-py: it is blocking ``requests`` without timeouts, and its retry decorator
sleeps in-process for about two minutes on a refused connection (git-sync must instead give
the work item back and let redelivery back off); its token auth mistakes a ``Basic``
challenge (htpasswd registries) for a token realm; it reads ``~/.docker/config.json``
ambient credentials; its push/pull work on files with its own tar layout, not our
deterministic one.

Errors: unreachable, timeouts, 429 and 5xx raise ``OciError`` (transient, retry later);
401 ``Unauthorized``; 403 ``Forbidden``; 400 (a registry refusing content) ``Invalid``.
Messages name the registry and never include credentials.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Mapping
from typing import Any

import aiohttp

from porch.errors import Forbidden, Invalid, NotFound, OciError, PorchError, Unauthorized
from porch.oci.credentials import RegistryCredentials, redact
from porch.oci.images import ACCEPTED_MANIFESTS
from porch.oci.layers import sha256
from porch.oci.references import RegistryLocation

_CHALLENGE_PARAM = re.compile(r'(\w+)="([^"]*)"')
_NEXT_LINK = re.compile(r'<([^>]+)>\s*;\s*rel="?next"?')


class RegistryClient:
    """Calls on one registry host; owns its HTTP session unless one is given."""

    def __init__(
        self,
        location: RegistryLocation,
        credentials: RegistryCredentials | None = None,
        *,
        timeout: float = 30.0,
        session: aiohttp.ClientSession | None = None,
    ) -> None:
        self.location = location
        self._credentials = credentials
        self._timeout = aiohttp.ClientTimeout(total=timeout, sock_connect=min(timeout, 10.0))
        self._session = session
        self._own_session = session is None
        self._basic = False  # the registry asked for basic auth
        self._tokens: dict[str, str] = {}  # scope -> bearer token

    async def close(self) -> None:
        if self._own_session and self._session is not None:
            await self._session.close()
        self._session = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        return self._session

    # --- transport ---------------------------------------------------------------------

    def _auth_header(self, scope: str) -> dict[str, str]:
        if scope in self._tokens:
            return {"Authorization": f"Bearer {self._tokens[scope]}"}
        if self._basic and self._credentials is not None:
            return {"Authorization": self._credentials.basic_header()}
        return {}

    async def _request(
        self,
        method: str,
        path: str,
        *,
        scope: str = "",
        headers: Mapping[str, str] | None = None,
        data: bytes | None = None,
        params: Mapping[str, str] | None = None,
        absolute: str = "",
    ) -> tuple[int, Mapping[str, str], bytes]:
        url = absolute or f"{self.location.base_url}{path}"
        for attempt in range(2):
            sent = {**(headers or {}), **self._auth_header(scope)}
            status, got, body = await self._send(method, url, sent, data, params)
            if status != 401 or attempt == 1:
                break
            if not await self._authenticate(got.get("WWW-Authenticate", ""), scope):
                break
        if status == 401:
            detail = "refused the credentials" if self._credentials else "requires credentials"
            raise Unauthorized(f"registry {self.location.host} {detail} ({method} {path})")
        if status == 403:
            raise Forbidden(f"registry {self.location.host} denied {method} {path}")
        if status == 429 or status >= 500:
            raise OciError(
                f"registry {self.location.host} answered {status} to {method} {path}: "
                + self._errors(body)
            )
        return status, got, body

    async def _send(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        data: bytes | None,
        params: Mapping[str, str] | None,
    ) -> tuple[int, Mapping[str, str], bytes]:
        try:
            async with self._http().request(
                method, url, headers=headers, data=data, params=params, allow_redirects=True
            ) as response:
                return response.status, response.headers, await response.read()
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            # str(exc) may carry the URL; it never carries headers, but scrub anyway.
            text = redact(str(exc) or type(exc).__name__, self._credentials)
            raise OciError(f"registry {self.location.host} is unreachable: {text}") from None

    async def _authenticate(self, challenge: str, scope: str) -> bool:
        """Answer a 401 challenge; True when the request is worth retrying."""
        kind, _, rest = challenge.partition(" ")
        if kind.lower() == "basic":
            if self._credentials is None or self._basic:
                return False
            self._basic = True
            return True
        if kind.lower() != "bearer":
            return False
        params = dict(_CHALLENGE_PARAM.findall(rest))
        realm = params.get("realm", "")
        if not realm.startswith(("http://", "https://")):
            return False
        query = {k: v for k, v in (("service", params.get("service", "")),) if v}
        if params.get("scope") or scope:
            query["scope"] = params.get("scope") or scope
        headers = {}
        if self._credentials is not None:
            headers["Authorization"] = self._credentials.basic_header()
        status, _, body = await self._send("GET", realm, headers, None, query)
        if status != 200:
            return False
        try:
            doc = json.loads(body)
        except ValueError:
            return False
        token = doc.get("token") or doc.get("access_token") if isinstance(doc, dict) else None
        if not isinstance(token, str) or not token:
            return False
        self._tokens[scope] = token
        return True

    @staticmethod
    def _errors(body: bytes) -> str:
        """The registry's error messages (``{"errors": [{"code", "message"}]}``)."""
        try:
            doc = json.loads(body)
            parts = [f"{e.get('code', '')}: {e.get('message', '')}" for e in doc["errors"]]
            return "; ".join(parts) or "no details"
        except (ValueError, KeyError, TypeError, AttributeError):
            return body[:200].decode(errors="replace") or "no details"

    # --- API ---------------------------------------------------------------------------

    @staticmethod
    def _scope(repository: str, actions: str) -> str:
        return f"repository:{repository}:{actions}"

    async def ping(self) -> None:
        """``GET /v2/``: reachable, speaks the API, accepts our credentials."""
        status, _, body = await self._request("GET", "/v2/")
        if status != 200:
            raise OciError(
                f"{self.location.host} does not answer like an OCI registry "
                f"({status}: {self._errors(body)})"
            )

    async def get_manifest(self, repository: str, reference: str) -> tuple[bytes, str, str] | None:
        """(body, digest, media type) of a manifest, or None when there is none."""
        status, headers, body = await self._request(
            "GET",
            f"/v2/{repository}/manifests/{reference}",
            scope=self._scope(repository, "pull"),
            headers={"Accept": ", ".join(ACCEPTED_MANIFESTS)},
        )
        if status == 404:
            return None
        self._expect(status, body, 200, f"reading manifest {repository}:{reference}")
        digest = sha256(body)
        if reference.startswith("sha256:") and reference != digest:
            raise OciError(f"manifest {repository}@{reference} arrived corrupt: digest mismatch")
        return body, digest, headers.get("Content-Type", "")

    async def head_manifest(self, repository: str, reference: str) -> str | None:
        """The digest a tag points at, or None."""
        status, headers, body = await self._request(
            "HEAD",
            f"/v2/{repository}/manifests/{reference}",
            scope=self._scope(repository, "pull"),
            headers={"Accept": ", ".join(ACCEPTED_MANIFESTS)},
        )
        if status == 404:
            return None
        self._expect(status, body, 200, f"reading manifest {repository}:{reference}")
        digest = headers.get("Docker-Content-Digest", "")
        if digest:
            return digest
        got = await self.get_manifest(repository, reference)
        return got[1] if got else None

    async def put_manifest(
        self, repository: str, reference: str, body: bytes, media_type: str
    ) -> str:
        status, _, answer = await self._request(
            "PUT",
            f"/v2/{repository}/manifests/{reference}",
            scope=self._scope(repository, "pull,push"),
            headers={"Content-Type": media_type},
            data=body,
        )
        self._expect(status, answer, 201, f"writing manifest {repository}:{reference}")
        return sha256(body)

    async def delete_manifest(self, repository: str, digest: str) -> bool:
        """Delete a manifest (and so every tag on it); False when it was not there."""
        status, _, body = await self._request(
            "DELETE",
            f"/v2/{repository}/manifests/{digest}",
            scope=self._scope(repository, "delete"),
        )
        if status == 404:
            return False
        if status == 405:
            raise Forbidden(
                f"registry {self.location.host} does not allow deleting images "
                "(enable storage.delete)"
            )
        self._expect(status, body, 202, f"deleting manifest {repository}@{digest}")
        return True

    async def blob_exists(self, repository: str, digest: str) -> bool:
        status, _, body = await self._request(
            "HEAD", f"/v2/{repository}/blobs/{digest}", scope=self._scope(repository, "pull")
        )
        if status == 404:
            return False
        self._expect(status, body, 200, f"checking blob {digest}")
        return True

    async def get_blob(self, repository: str, digest: str) -> bytes:
        status, _, body = await self._request(
            "GET", f"/v2/{repository}/blobs/{digest}", scope=self._scope(repository, "pull")
        )
        if status == 404:
            raise NotFound(f"blob {digest} not found in {self.location.host}/{repository}")
        self._expect(status, body, 200, f"reading blob {digest}")
        if sha256(body) != digest:
            raise OciError(f"blob {digest} from {self.location.host} arrived corrupt")
        return body

    async def put_blob(self, repository: str, data: bytes) -> str:
        """Upload ``data`` unless the registry has it already (monolithic POST + PUT)."""
        digest = sha256(data)
        if await self.blob_exists(repository, digest):
            return digest
        scope = self._scope(repository, "pull,push")
        status, headers, body = await self._request(
            "POST", f"/v2/{repository}/blobs/uploads/", scope=scope
        )
        self._expect(status, body, 202, "starting a blob upload")
        location = headers.get("Location", "")
        if not location:
            raise OciError(f"registry {self.location.host} gave no upload location")
        if location.startswith("/"):
            location = self.location.base_url + location
        joiner = "&" if "?" in location else "?"
        status, _, body = await self._request(
            "PUT",
            "",
            scope=scope,
            absolute=f"{location}{joiner}digest={digest}",
            headers={"Content-Type": "application/octet-stream"},
            data=data,
        )
        self._expect(status, body, 201, f"uploading blob {digest}")
        return digest

    async def tags(self, repository: str) -> list[str]:
        """Every tag of an image repository ([] when the repository does not exist)."""
        found: list[str] = []
        path = f"/v2/{repository}/tags/list"
        async for page in self._pages(path, self._scope(repository, "pull")):
            found.extend(str(t) for t in page.get("tags") or [])
        return found

    async def catalog(self) -> list[str]:
        """Every image repository of the registry (``/v2/_catalog``, paginated)."""
        found: list[str] = []
        async for page in self._pages("/v2/_catalog", "registry:catalog:*"):
            found.extend(str(r) for r in page.get("repositories") or [])
        return found

    async def _pages(self, path: str, scope: str) -> AsyncIterator[dict[str, Any]]:
        url = f"{self.location.base_url}{path}"
        params: dict[str, str] | None = {"n": "1000"}
        while url:
            status, headers, body = await self._request(
                "GET", path, scope=scope, absolute=url, params=params
            )
            if status == 404:
                return
            self._expect(status, body, 200, f"listing {path}")
            try:
                page = json.loads(body)
            except ValueError as exc:
                raise OciError(f"registry {self.location.host} sent a bad listing") from exc
            yield page if isinstance(page, dict) else {}
            match = _NEXT_LINK.search(headers.get("Link", ""))
            params = None
            url = ""
            if match:
                link = match.group(1)
                url = link if link.startswith("http") else self.location.base_url + link

    def _expect(self, status: int, body: bytes, wanted: int, doing: str) -> None:
        if status == wanted or (wanted == 200 and status in (200, 204)):
            return
        message = f"registry {self.location.host} refused {doing} ({status}: {self._errors(body)})"
        error: PorchError = Invalid(message) if 400 <= status < 500 else OciError(message)
        raise error


__all__ = ["RegistryClient"]
