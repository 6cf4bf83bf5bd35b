"""Generate the event JSON Schemas in ``schemas/events/`` from ``porch/domain/events.py``.

Why: subscribers outside this code base (audit, notification, analytics) read the stream
directly, and the schemas are their contract (docs/events.md). They are committed so a
reviewer sees every change to the wire shape, and CI fails when an event type changed
without regenerating (``--check``). One file per tag (``RevisionApproved.v1.json``) with
descriptions taken from the classes' docstrings and the fields' comments, plus
``index.json`` listing every tag with its kind and subject. The output depends only on the
event types, is stable (field order as declared, tags sorted) and files are rewritten only
when their content changes, so running it twice is a no-op.

It must not touch anything outside ``schemas/events/``.

    python scripts/gen_event_schemas.py           # regenerate in place
    python scripts/gen_event_schemas.py --check   # exit 1 if the committed schemas are stale
"""

from __future__ import annotations

import argparse
import ast
import inspect
import io
import json
import sys
import tokenize
import typing
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "schemas" / "events"
sys.path.insert(0, str(ROOT))

import msgspec  # noqa: E402

from porch.audit import kinds  # noqa: E402
from porch.domain import events as ev  # noqa: E402
from porch.eventlog import records, streams, subjects  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import drift  # noqa: E402  (a sibling module of this script)

DIALECT = "https://json-schema.org/draft/2020-12/schema"
Json = dict[str, Any]

REPOSITORY_SUBJECT = f"{subjects.EVENTS_PREFIX}.{{namespace}}.{{repository}}.{subjects.REPO_TOKEN}"
REVISION_SUBJECT = (
    f"{subjects.EVENTS_PREFIX}.{{namespace}}.{{repository}}.{{package}}.{{workspace}}"
)

# Used only while the base class's fields carry no comment of their own in events.py.
ENVELOPE = {
    "type": "The event's tag, <Name>.v<N>; also in the Porch-Event-Type header.",
    "id": "Unique id of this event (deterministic per command: a retry yields the same id).",
    "time": "When the command was decided: RFC 3339, UTC, second precision.",
    "actor": "The authenticated user behind the command (never credentials).",
    "command_id": (
        "Id of the command (the Nats-Msg-Id); an outcome repeats its request's command_id."
    ),
}
KIND_TEXT = {
    "command": "A command accepted by the API.",
    "outcome": "An outcome of work the orchestrator did for a command (same command_id).",
    "fact": "A fact git-sync read from or wrote to Git or OCI.",
}


def _comments(source: str) -> dict[int, str]:
    """Comment text by line number."""
    out: dict[int, str] = {}
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT:
            out[tok.start[0]] = tok.string.lstrip("#").strip()
    return out


def field_docs(module: Any) -> dict[str, dict[str, str]]:
    """``{class: {field: comment}}`` from a field's trailing comment, or the comment lines
    right above it."""
    source = inspect.getsource(module)
    comments = _comments(source)
    lines = source.splitlines()
    out: dict[str, dict[str, str]] = {}
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.ClassDef):
            continue
        docs: dict[str, str] = {}
        for item in node.body:
            if not (isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name)):
                continue
            line = item.lineno
            if line in comments and lines[line - 1].lstrip()[:1] != "#":
                docs[item.target.id] = comments[line]
                continue
            above: list[str] = []
            while line - 1 in comments and lines[line - 2].lstrip().startswith("#"):
                line -= 1
                above.insert(0, comments[line])
            if above:
                docs[item.target.id] = " ".join(above)
        out[node.name] = docs
    return out


def _tag(cls: type[ev.Event]) -> str:
    return str(cls.__struct_config__.tag)


def _reflowed(doc: str) -> str:
    """A docstring as JSON text: paragraphs kept, lines within one joined."""
    paragraphs = inspect.cleandoc(doc).split("\n\n")
    return "\n\n".join(" ".join(p.split()) for p in paragraphs)


def _described(schema: Json, cls: type, docs: dict[str, dict[str, str]]) -> None:
    """Add the fields' descriptions to ``schema['properties']`` (inherited ones too)."""
    for name, prop in schema.get("properties", {}).items():
        text = next((docs.get(k.__name__, {}).get(name) for k in cls.__mro__), None)
        text = text or (ENVELOPE.get(name) if issubclass(cls, ev.Event) else None)
        if text:
            # description first, so a reader sees what a field means before its type
            schema["properties"][name] = {"description": text, **prop}


def schema_of(cls: type[ev.Event], *, docs: dict[str, dict[str, str]], subject: str) -> Json:
    tag = _tag(cls)
    generated = msgspec.json.schema(cls)
    defs: Json = generated["$defs"]
    own: Json = defs.pop(cls.__name__)
    own.pop("title", None)
    own.pop("description", None)  # msgspec's is the raw docstring; ours is reflowed
    kind = kinds.kind_of(tag) or ""
    doc = _reflowed(cls.__doc__) if cls.__doc__ else KIND_TEXT.get(kind, "")
    _described(own, cls, docs)
    for name, nested in defs.items():
        _described(nested, getattr(ev, name, object), docs)
    return {
        "$schema": DIALECT,
        "$id": f"{tag}.json",
        "title": tag,
        "description": doc,
        "x-porch-kind": kind,
        "x-porch-subject": subject,
        **own,
        "$defs": dict(sorted(defs.items())),
    }


def _subject_of(cls: type) -> str:
    if cls in typing.get_args(ev.RepositoryEvent):
        return REPOSITORY_SUBJECT
    return REVISION_SUBJECT


def index(entries: list[Json]) -> Json:
    return {
        "description": (
            "Every event type of the PORCH_EVENTS stream, with its kind, subject and schema. "
            "See docs/events.md."
        ),
        "stream": streams.EVENTS_STREAM,
        "subjects": {
            "all": subjects.ALL_EVENTS,
            "repository": REPOSITORY_SUBJECT,
            "revision": REVISION_SUBJECT,
            "package": f"{subjects.EVENTS_PREFIX}.{{namespace}}.{{repository}}.{{package}}.>",
            "escaping": (
                "each token is escaped reversibly: characters other than A-Z a-z 0-9 - _ / "
                "become =XX per UTF-8 byte; an empty token is '='"
            ),
        },
        "headers": {
            records.EVENT_TYPE: "the event's tag, so readers skip unknown types undecoded",
            records.MSG_ID: "the command id (idempotency key of the append)",
            records.TRACEPARENT: "W3C trace context of the request, when traced",
        },
        "events": entries,
    }


def render() -> dict[str, str]:
    """Every file of ``schemas/events/`` by name, as text."""
    docs = field_docs(ev)
    files: dict[str, str] = {}
    entries: list[Json] = []
    for cls in sorted(ev._ALL, key=_tag):
        tag, subject = _tag(cls), _subject_of(cls)
        schema = schema_of(cls, docs=docs, subject=subject)
        files[f"{tag}.json"] = _text(schema)
        summary = schema["description"].split("\n\n")[0]
        entries.append(
            {
                "type": tag,
                "kind": schema["x-porch-kind"],
                "subject": subject,
                "schema": f"{tag}.json",
                "description": summary,
            }
        )
    files["index.json"] = _text(index(entries))
    return files


def _text(doc: Json) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _committed(directory: Path) -> dict[str, str]:
    if not directory.is_dir():
        return {}
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(directory.glob("*.json"))}


def generate(out_dir: Path) -> None:
    wanted = render()
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, text in wanted.items():
        target = out_dir / name
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
    for existing in out_dir.glob("*.json"):
        if existing.name not in wanted:  # a tag that no longer exists
            existing.unlink()


def check(directory: Path = OUT) -> int:
    """0 when ``directory`` holds exactly what ``generate`` would write."""
    fresh, committed = render(), _committed(directory)
    return drift.report(committed, fresh, where=directory, rerun="scripts/gen_event_schemas.py")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate schemas/events/ from the event types.")
    parser.add_argument(
        "--check", action="store_true", help="fail if schemas/events/ differs from a fresh run"
    )
    args = parser.parse_args(argv)
    if args.check:
        return check()
    generate(OUT)
    return 0


if __name__ == "__main__":
    sys.exit(main())
