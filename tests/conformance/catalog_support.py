"""A minimal kpt stand-in for running catalog examples through the builtin functions.

The catalog's examples are kpt e2e cases: a package, a Kptfile pipeline (or an ``fn eval``
command in ``.expected/config.yaml`` / ``exec.sh``) and the expected ``git diff``. This
module reads the package like ``kpt fn source`` (path/index/seqindent annotations), runs
the steps through ``porch.functions.registry`` (configPath/configMap, selectors, eval
arguments), and writes the files back like ``kpt fn sink`` so the test can diff. It is
test support only: the real render lives in ``porch.kpt``.
"""

from __future__ import annotations

import copy
import fnmatch
import posixpath
import re
import shlex
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from porch.functions import registry
from porch.functions.failures import FunctionFailed
from porch.krm import resourcelist, yamlio
from porch.krm.resourcelist import ResourceList
from porch.krm.yamlview import Map

BOOKKEEPING = resourcelist.BOOKKEEPING
STEP_ID = "internal.config.kubernetes.io/kpt-resource-id"


class Skip(Exception):
    """The example cannot run natively; the message says why."""


@dataclass
class Step:
    image: str
    config: Map | None = None
    config_path: str = ""
    selectors: list[dict[str, Any]] = field(default_factory=list)
    exclude: list[dict[str, Any]] = field(default_factory=list)
    validator: bool = False


@dataclass
class Outcome:
    exit_code: int
    results: list[dict[str, Any]]  # one {image, exitCode, results} per executed step


# -- reading ----------------------------------------------------------------------------


def _ignored(package: Path) -> list[str]:
    ignore = package / ".krmignore"
    if not ignore.exists():
        return []
    return [line.strip().strip("/") for line in ignore.read_text().splitlines() if line.strip()]


def package_files(package: Path) -> list[Path]:
    patterns = _ignored(package)
    found = []
    for path in sorted(package.rglob("*")):
        rel = path.relative_to(package)
        if any(fnmatch.fnmatch(part, p) for part in rel.parts for p in patterns):
            continue
        if ".git" in rel.parts or not path.is_file():
            continue
        if path.name == "Kptfile" or path.suffix in (".yaml", ".yml"):
            found.append(path)
    return found


def seq_indent(text: str) -> str:
    """``compact`` or ``wide`` from the first block sequence of a document."""
    previous = ""
    for line in text.splitlines():
        stripped = line.lstrip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("- ") and re.sub(r"\s+#.*$", "", previous).rstrip().endswith(":"):
            key_indent = len(previous) - len(previous.lstrip())
            return "compact" if len(line) - len(stripped) == key_indent else "wide"
        previous = line
    return "compact"


def _documents(text: str) -> list[str]:
    return [d for d in re.split(r"^---[^\n]*\n", text, flags=re.MULTILINE) if d.strip()]


def read_package(package: Path) -> list[Map]:
    items = []
    for path in package_files(package):
        rel = path.relative_to(package).as_posix()
        documents = [d for d in _documents(path.read_text()) if yamlio.load_all(d, source=rel)]
        for index, text in enumerate(documents):
            item = yamlio.load(text, source=rel)
            for key, value in (
                (resourcelist.PATH, rel),
                (resourcelist.INDEX, str(index)),
                (resourcelist.INTERNAL_PATH, rel),
                (resourcelist.INTERNAL_INDEX, str(index)),
                (resourcelist.SEQINDENT, seq_indent(text)),
            ):
                resourcelist.set_annotation(item, key, value)
            items.append(item)
    return items


# -- writing ----------------------------------------------------------------------------


def _annotation(item: Map, key: str) -> str:
    return str(resourcelist.annotations_of(item).get(key) or "")


def _default_path(item: Map) -> str:
    meta = item.get("metadata") or {}
    name = f"{str(item.get('kind', '')).lower()}_{meta.get('name', '')}.yaml"
    return f"{meta['namespace']}/{name}" if meta.get("namespace") else name


def _strip(item: Map) -> str:
    """Remove the bookkeeping annotations; returns the item's seqindent style."""
    style = _annotation(item, resourcelist.SEQINDENT) or "compact"
    notes = (item.get("metadata") or {}).get("annotations")
    if isinstance(notes, dict):
        for key in (*BOOKKEEPING, "internal.config.kubernetes.io/package-path"):
            notes.pop(key, None)
        if not notes:
            del item["metadata"]["annotations"]
    return style


def write_package(package: Path, items: list[Map], inputs: set[str]) -> None:
    files: dict[str, list[tuple[int, Map]]] = {}
    for item in items:
        path = _annotation(item, resourcelist.INTERNAL_PATH) or _annotation(item, resourcelist.PATH)
        path = posixpath.normpath(path.lstrip("/")) if path else _default_path(item)
        if path.startswith("../"):
            raise ValueError(f"function must not modify resources outside of package: {path}")
        raw_index = _annotation(item, resourcelist.INTERNAL_INDEX) or _annotation(
            item, resourcelist.INDEX
        )
        index = int(raw_index) if raw_index.isdigit() else len(files.get(path, []))
        files.setdefault(path, []).append((index, item))
    for rel in inputs - set(files):
        (package / rel).unlink()
    for rel, entries in files.items():
        entries.sort(key=lambda pair: pair[0])
        docs = []
        for _, item in entries:
            style = _strip(item)
            docs.append(yamlio.dump(item, compact_sequences=style == "compact"))
        target = package / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("---\n".join(docs))


# -- steps ------------------------------------------------------------------------------


def config_map(data: dict[str, str]) -> Map:
    node = yamlio.load("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: function-input\n")
    node["data"] = yamlio.to_node({str(k): str(v) for k, v in data.items()})
    return node


def pipeline_steps(package: Path) -> list[Step]:
    kptfile = yamlio.load((package / "Kptfile").read_text())
    pipeline = kptfile.get("pipeline") or {}
    steps = []
    for kind, validator in (("mutators", False), ("validators", True)):
        for raw in pipeline.get(kind) or []:
            step = Step(image=str(raw["image"]), validator=validator)
            if raw.get("configMap") is not None:
                step.config = config_map(dict(raw["configMap"]))
            step.config_path = str(raw.get("configPath") or "")
            step.selectors = [dict(s) for s in raw.get("selectors") or []]
            step.exclude = [dict(s) for s in raw.get("exclude") or []]
            steps.append(step)
    return steps


def _matches(selector: dict[str, Any], item: Map) -> bool:
    meta = item.get("metadata") or {}
    checks = {
        "apiVersion": item.get("apiVersion"),
        "kind": item.get("kind"),
        "name": meta.get("name"),
        "namespace": meta.get("namespace"),
    }
    return all(not want or checks.get(key) == want for key, want in selector.items())


def _select(step: Step, items: list[Map]) -> list[Map]:
    chosen = [i for i in items if not step.selectors or any(_matches(s, i) for s in step.selectors)]
    return [i for i in chosen if not any(_matches(e, i) for e in step.exclude if e)]


def _config_for(step: Step, items: list[Map]) -> Map | None:
    if not step.config_path:
        return step.config
    for item in items:
        if _annotation(item, resourcelist.PATH) == step.config_path:
            found = copy.deepcopy(item)
            for key in BOOKKEEPING:
                (found["metadata"].get("annotations") or {}).pop(key, None)
            return found
    raise Skip(f"configPath {step.config_path} not found")


def run_step(step: Step, items: list[Map]) -> tuple[list[Map], dict[str, Any]]:
    function = registry.lookup(step.image)
    if function is None:
        raise Skip(f"no builtin function for {step.image}")
    selected = _select(step, items)
    for number, item in enumerate(selected):
        resourcelist.set_annotation(item, STEP_ID, str(number))
    subset = copy.deepcopy(selected) if step.validator else list(selected)
    rl = ResourceList(items=subset, function_config=_config_for(step, items))
    record: dict[str, Any] = {"image": step.image, "exitCode": 0, "results": []}
    try:
        output = function(rl)
    except FunctionFailed as failure:
        record.update(exitCode=1, results=failure.results)
        return _unstamp(items), record
    record["results"] = output.results
    if step.validator:
        return _unstamp(items), record
    return _unstamp(_merge(items, selected, output.items)), record


def _merge(items: list[Map], selected: list[Map], output: list[Map]) -> list[Map]:
    by_id = {_annotation(o, STEP_ID): o for o in output if _annotation(o, STEP_ID)}
    chosen = {id(i) for i in selected}
    merged = []
    for item in items:
        if id(item) not in chosen:
            merged.append(item)
        elif _annotation(item, STEP_ID) in by_id:
            merged.append(by_id.pop(_annotation(item, STEP_ID)))
    unpaired = {id(o) for o in by_id.values()}
    merged.extend(o for o in output if not _annotation(o, STEP_ID) or id(o) in unpaired)
    return merged


def _unstamp(items: list[Map]) -> list[Map]:
    for item in items:
        notes = (item.get("metadata") or {}).get("annotations")
        if isinstance(notes, dict):
            notes.pop(STEP_ID, None)
    return items


def run_steps(steps: list[Step], items: list[Map]) -> tuple[list[Map], Outcome]:
    records = []
    for step in steps:
        items, record = run_step(step, items)
        records.append(record)
        if record["exitCode"]:
            return items, Outcome(1, records)
    return items, Outcome(0, records)


# -- examples ---------------------------------------------------------------------------


def _exec_step(package: Path, script: str) -> Step:
    """The ``kpt fn eval --image X -- k=v ...`` line of an ``exec.sh``."""
    line = next(ln for ln in script.splitlines() if ln.strip().startswith("kpt fn eval"))
    files: dict[str, str] = {}

    def placeholder(match: re.Match[str]) -> str:
        files[f"@@{len(files)}@@"] = (package / match.group(1)).read_text()
        return f"@@{len(files) - 1}@@"

    words = shlex.split(re.sub(r"\$\(cat ([^)]+)\)", placeholder, line))
    image = words[words.index("--image") + 1]
    args = words[words.index("--") + 1 :] if "--" in words else []
    data = {}
    for arg in args:
        key, _, value = arg.partition("=")
        for token, content in files.items():
            value = value.replace(token, content.rstrip("\n") if value == token else content)
        data[key] = value
    return Step(image=image, config=config_map(data))


def example_steps(package: Path) -> tuple[list[Step], str]:
    """The steps of an example and its fn-config file to keep out of the input ("" if none)."""
    expected = package / ".expected"
    config_file = expected / "config.yaml"
    loaded = yamlio.load_all(config_file.read_text()) if config_file.exists() else []
    config = loaded[0] if loaded else {}
    if config.get("skip"):
        raise Skip("the example is marked skip upstream")
    if (expected / "exec.sh").exists():
        return [_exec_step(package, (expected / "exec.sh").read_text())], ""
    if config.get("testType") != "eval":
        return pipeline_steps(package), ""
    step = Step(image=str(config["image"]))
    fn_config = ""
    if config.get("fnConfig"):
        located = (expected / str(config["fnConfig"])).resolve()
        fn_config = located.relative_to(package.resolve()).as_posix()
        step.config = yamlio.load((package / fn_config).read_text())
    else:
        step.config = config_map(dict(config.get("args") or {}))
    return [step], fn_config


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def run_example(package: Path) -> tuple[Outcome, str]:
    """Run the example in place (a git work tree) and return its outcome and diff."""
    git(package, "init", "-q")
    git(package, "add", "-A")
    git(package, "commit", "-q", "-m", "before")
    first = git(package, "rev-parse", "HEAD").strip()
    steps, fn_config = example_steps(package)
    items = read_package(package)
    if fn_config:
        items = [i for i in items if _annotation(i, resourcelist.PATH) != fn_config]
    inputs = {_annotation(i, resourcelist.PATH) for i in items}
    items, outcome = run_steps(steps, items)
    if outcome.exit_code == 0:
        write_package(package, items, inputs)
    git(package, "add", "-A")
    git(package, "commit", "-q", "--allow-empty", "-m", "after")
    return outcome, git(package, "diff", first, "HEAD")


__all__ = ["Outcome", "Skip", "Step", "example_steps", "read_package", "run_example"]
