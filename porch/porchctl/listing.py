"""``repo get`` and ``rpkg get``: server-side Tables (or whole objects for -o yaml/json/...).

Tables are asked for as kubectl asks (``as=Table;v=v1;g=meta.k8s.io``), so the columns are
the server's. Filters the server supports go as field selectors; the package-name substring
filter is applied here, as Porch's porchctl does. ``--watch`` continues from the list's
resourceVersion and prints one row per change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from porch.porchctl import client as api
from porch.porchctl import printing
from porch.porchctl.failures import ApiError, CliError, not_found_message
from porch.porchctl.session import Session

Json = dict[str, Any]


@dataclass(frozen=True)
class Kind:
    group_path: str
    plural: str
    qualified: str  # resource.group, as in messages

    @property
    def singular_qualified(self) -> str:
        plural, _, group = self.qualified.partition(".")
        singular = plural.removesuffix("s") if not plural.endswith("ies") else plural[:-3] + "y"
        return f"{singular}.{group}"


REPOSITORIES = Kind(api.CONFIG, "repositories", "repositories.config.porch.kpt.dev")
REVISIONS = Kind(api.PORCH, "packagerevisions", "packagerevisions.porch.kpt.dev")


@dataclass(frozen=True)
class Filters:
    """Porch's rpkg get filters; ``revision`` -2 means any."""

    package: str = ""
    revision: int = -2
    workspace: str = ""

    def field_selector(self) -> str:
        terms = []
        if self.revision != -2:
            terms.append(f"spec.revision={self.revision}")
        if self.workspace:
            terms.append(f"spec.workspaceName={self.workspace}")
        return ",".join(terms)

    def object_matches(self, obj: Json) -> bool:
        spec = obj.get("spec") or {}
        return self._matches(
            spec.get("packageName"), spec.get("revision"), spec.get("workspaceName")
        )

    def row_matches(self, columns: list[Json], cells: list[Any]) -> bool:
        index = {str(c.get("name")): i for i, c in enumerate(columns)}

        def cell(name: str) -> Any:
            i = index.get(name)
            return cells[i] if i is not None and i < len(cells) else None

        return self._matches(cell("Package"), cell("Revision"), cell("WorkspaceName"))

    def _matches(self, package: Any, revision: Any, workspace: Any) -> bool:
        if self.package and self.package not in str(package or ""):
            return False
        if self.revision != -2 and revision is not None and int(revision) != self.revision:
            return False
        return not (self.workspace and workspace is not None and workspace != self.workspace)


@dataclass(frozen=True)
class Request:
    kind: Kind
    names: list[str]
    output: str = ""
    all_namespaces: bool = False
    no_headers: bool = False
    filters: Filters = Filters()
    watch: bool = False


def run(s: Session, req: Request) -> None:
    table_mode = req.output in ("", "wide")
    ns = None if req.all_namespaces else s.namespace
    failures: list[str] = []
    if req.names:
        answers = []
        for name in req.names:
            try:
                answers.append(_get_one(s, req, name, table_mode))
            except ApiError as exc:
                if exc.code == 404 and table_mode:
                    failures.append(not_found_message("get", req.kind.qualified, name))
                else:
                    failures.append(exc.message)
        version = ""
    else:
        query = {"fieldSelector": req.filters.field_selector()}
        body = s.client.get(
            api.collection(req.kind.group_path, req.kind.plural, ns),
            query=query,
            accept=api.TABLE if table_mode else api.JSON,
        )
        answers = [body]
        version = str((body.get("metadata") or {}).get("resourceVersion") or "")
    widths: list[int] = []
    columns: list[Json] = []
    if table_mode:
        table = _merge_tables(answers, req.filters)
        columns = table.get("columnDefinitions") or []
        rows = printing.table_rows(
            table,
            wide=req.output == "wide",
            with_namespace=req.all_namespaces,
            headers=not req.no_headers,
        )
        empty = not table.get("rows")
        if rows and not empty:
            s.out.write(printing.align(rows))
            widths = printing.column_widths(rows)
    else:
        objects = [o for a in answers for o in (a.get("items", [a]) if "items" in a else [a])]
        objects = [o for o in objects if req.filters.object_matches(o)]
        empty = not objects
        if objects or req.output in ("json", "yaml"):
            s.out.write(_objects_output(objects, req, single=len(req.names) == 1))
    if empty and not req.names and not req.watch:
        where = "" if req.all_namespaces else f" in {s.namespace} namespace"
        s.warn(f"No resources found{where}.")
    if failures:
        raise CliError("\n".join(failures))
    if req.watch:
        _watch(s, req, ns, version, columns, widths)


def _objects_output(objects: list[Json], req: Request, *, single: bool) -> str:
    if req.output.startswith("custom-columns=") and req.no_headers:
        return printing.custom_columns(objects, req.output.split("=", 1)[1], headers=False)
    return printing.objects_output(
        objects, req.output, single=single, kind=req.kind.singular_qualified
    )


def _get_one(s: Session, req: Request, name: str, table_mode: bool) -> Json:
    found: Json = s.client.get(
        api.item(req.kind.group_path, req.kind.plural, s.namespace, name),
        accept=api.TABLE if table_mode else api.JSON,
    )
    return found


def _merge_tables(tables: list[Json], filters: Filters) -> Json:
    if not tables:
        return {"columnDefinitions": [], "rows": []}
    columns = tables[0].get("columnDefinitions") or []
    rows = [
        r
        for t in tables
        for r in t.get("rows") or []
        if filters.row_matches(columns, r.get("cells") or [])
    ]
    return {**tables[0], "rows": rows}


def _watch(
    s: Session, req: Request, ns: str | None, version: str, columns: list[Json], widths: list[int]
) -> None:
    table_mode = req.output in ("", "wide")
    query = {"watch": "true", "resourceVersion": version, "allowWatchBookmarks": "false"}
    if req.names:
        if len(req.names) != 1:
            raise CliError(
                "watch is only supported on individual resources and resource collections"
            )
        query["fieldSelector"] = f"metadata.name={req.names[0]}"
    else:
        query["fieldSelector"] = req.filters.field_selector()
    show: Callable[[Json], None]
    if table_mode:

        def show(obj: Json) -> None:
            nonlocal columns
            columns = obj.get("columnDefinitions") or columns
            table = {**obj, "columnDefinitions": columns}
            table = _merge_tables([table], req.filters)
            rows = printing.table_rows(
                table,
                wide=req.output == "wide",
                with_namespace=req.all_namespaces,
                headers=False,
            )
            if rows:
                s.out.write(printing.align(rows, widths))
                s.out.flush()

    else:

        def show(obj: Json) -> None:
            if req.filters.object_matches(obj):
                s.out.write(_objects_output([obj], req, single=True))
                s.out.flush()

    path = api.collection(req.kind.group_path, req.kind.plural, ns)
    for event in s.client.stream(path, query=query, accept=api.TABLE if table_mode else api.JSON):
        kind, obj = event.get("type"), event.get("object") or {}
        if kind == "ERROR":
            raise ApiError(int(obj.get("code") or 500), obj)
        if kind in ("ADDED", "MODIFIED", "DELETED"):
            show(obj)


def show_kptfile(s: Session, names: list[str]) -> None:
    if len(names) != 1:
        raise CliError("--show-kptfile requires exactly one package revision name")
    found = s.client.get(api.item(api.PORCH, "packagerevisionresources", s.namespace, names[0]))
    kptfile = ((found.get("spec") or {}).get("resources") or {}).get("Kptfile")
    if kptfile is None:
        raise CliError(f"package revision {names[0]} has no root Kptfile")
    s.out.write(kptfile if kptfile.endswith("\n") else kptfile + "\n")


__all__ = ["REPOSITORIES", "REVISIONS", "Filters", "Kind", "Request", "run", "show_kptfile"]
