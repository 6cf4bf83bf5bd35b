"""The Kptfile model: strict decoding, validation rules and kpt's way of writing it back."""

from __future__ import annotations

import re
import textwrap

import pytest

from porch.errors import Invalid
from porch.kpt import kptfile, kptfilewriting
from porch.kpt.kptfile import Condition, RenderStatus, StepResult

FULL = textwrap.dedent(
    """\
    apiVersion: kpt.dev/v1
    kind: Kptfile
    metadata:
      name: app # the package
      namespace: ns
      labels: {team: a}
      annotations:
        kpt.dev/bfs-rendering: "true"
    upstream:
      type: git
      git: {repo: https://example.com/r, directory: /pkgs/app, ref: v1}
      updateStrategy: resource-merge
    upstreamLock:
      type: git
      git: {repo: https://example.com/r, directory: /pkgs/app, ref: pkgs/app/v1, commit: abc}
    info:
      description: an app
      keywords: [a, b]
      readinessGates:
      - conditionType: Ready
    pipeline:
      mutators:
      - image: set-namespace:v0.4
        name: ns
        configMap: {namespace: prod, replicas: 3}
        selectors:
        - {kind: Deployment, labels: {a: b}}
        exclude:
        - {name: skip-me}
      validators:
      - exec: ./check.sh --strict
        configPath: check.yaml
    inventory: {namespace: ns, name: inv, inventoryID: "42"}
    status:
      conditions:
      - {type: Rendered, status: "True", reason: RenderSuccess}
      renderStatus:
        mutationSteps:
        - image: x
          exitCode: 0
          results:
          - {message: done, severity: info, file: {path: a.yaml, index: 1}}
    """
)


def test_every_section_is_decoded() -> None:
    kf = kptfile.parse(FULL, source="Kptfile")
    assert kf.name == "app"
    assert kf.metadata.labels == {"team": "a"}
    assert kf.annotation_is_true(kptfile.BFS_RENDERING)
    assert kf.upstream is not None
    assert kf.upstream.git is not None
    assert kf.upstream.git.directory == "/pkgs/app"
    assert kf.upstream_lock is not None
    assert kf.upstream_lock.git is not None
    assert kf.upstream_lock.git.commit == "abc"
    assert kf.info is not None
    assert kf.info.readiness_gates[0].condition_type == "Ready"
    mutator = kf.effective_pipeline().mutators[0]
    assert mutator.config_map == {"namespace": "prod", "replicas": "3"}
    assert mutator.selectors[0].labels == {"a": "b"}
    assert mutator.exclude[0].name == "skip-me"
    assert kf.effective_pipeline().validators[0].exec == "./check.sh --strict"
    assert kf.inventory is not None
    assert kf.inventory.inventory_id == "42"
    assert kf.status is not None
    assert kf.status.render_status is not None
    step = kf.status.render_status.mutation_steps[0]
    assert step.results[0]["file"] == {"path": "a.yaml", "index": 1}


def test_unknown_field_names_file_line_and_field_path() -> None:
    text = FULL.replace("    name: ns\n", "    name: ns\n    targetResources: []\n")
    line = text.splitlines().index("    targetResources: []") + 1
    with pytest.raises(kptfile.KptfileError) as caught:
        kptfile.parse(text, source="pkg/Kptfile")
    message = caught.value.message
    assert 'Kptfile at "pkg/Kptfile" can\'t be read.' in message
    assert f"line {line}: field targetResources not found in type v1.Function" in message
    assert "pipeline.mutators[0].targetResources" in message
    assert caught.value.causes[0].field == "pipeline.mutators[0].targetResources"
    assert isinstance(caught.value, Invalid)


@pytest.mark.parametrize(
    ("snippet", "expected", "field"),
    [
        ("configMap: {namespace: {a: b}}", "cannot unmarshal !!map into string", "namespace"),
        ("selectors: x", "cannot unmarshal !!str `x` into []v1.Selector", "selectors"),
        ("tag: [1]", "cannot unmarshal !!seq into string", "tag"),
    ],
)
def test_wrong_types_are_reported_like_go_yaml(snippet: str, expected: str, field: str) -> None:
    text = (
        f"apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n"
        f"  name: a\npipeline:\n  mutators:\n  - image: x\n"
        f"    {snippet}\n"
    )
    with pytest.raises(kptfile.KptfileError) as caught:
        kptfile.parse(text, source="Kptfile")
    assert f"line 8: {expected}" in caught.value.message
    assert caught.value.causes[0].field.endswith(field)


def test_exit_code_must_be_an_integer() -> None:
    text = (
        "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata: {name: a}\n"
        "status:\n  renderStatus:\n    mutationSteps:\n"
        "    - exitCode: one\n"
    )
    with pytest.raises(kptfile.KptfileError, match="cannot unmarshal !!str `one` into int"):
        kptfile.parse(text, source="Kptfile")


def test_syntax_errors_name_the_line() -> None:
    with pytest.raises(kptfile.KptfileError, match="yaml: line 3: could not find expected ':'"):
        kptfile.parse("# x\napiVersion: kpt.dev/v1\nkslsls\n;s;s;s\n", source="Kptfile")


@pytest.mark.parametrize(
    ("api_version", "expected"),
    [
        ("kpt.dev/v1alpha2", 'has an old version ("v1alpha2") of the Kptfile schema'),
        ("kpt.dev/v2", 'has an unknown resource type ("kpt.dev/v2, Kind=Kptfile")'),
    ],
)
def test_other_versions_are_refused(api_version: str, expected: str) -> None:
    with pytest.raises(kptfile.KptfileError, match=re.escape(expected)):
        kptfile.parse(f"apiVersion: {api_version}\nkind: Kptfile\n", source="Kptfile")


@pytest.mark.parametrize(
    ("function", "reason"),
    [
        (kptfile.Function(), "must specify a functon"),
        (kptfile.Function(image="a", exec="b"), "must not specify both `image` and `exec`"),
        (kptfile.Function(image="Bad Image"), "invalid reference format"),
        (
            kptfile.Function(image="a", config_map={"a": "b"}, config_path="c.yaml"),
            "must not specify both `configMap` and `configPath`",
        ),
        (kptfile.Function(image="a", config_path="/abs.yaml"), "path must be relative"),
        (kptfile.Function(image="a", config_path="../up.yaml"), "must not be outside the package"),
    ],
)
def test_pipeline_rules(function: kptfile.Function, reason: str) -> None:
    problem = kptfile.validate_function(function, kind="mutators", index=2)
    assert problem is not None
    assert reason in problem.reason
    assert problem.text().startswith("Kptfile is invalid:\nField: `pipeline.mutators[2]")


def test_valid_images_pass() -> None:
    for image in (
        "set-labels",
        "set-labels:v0.1",
        "ghcr.io/a/b-c:latest",
        "localhost:5000/x@sha256:" + "a" * 64,
    ):
        assert (
            kptfile.validate_function(kptfile.Function(image=image), kind="mutators", index=0)
            is None
        )


def test_written_back_in_struct_order_wide_and_without_comments() -> None:
    kf = kptfile.parse(FULL, source="Kptfile")
    text = kptfilewriting.to_yaml(kf)
    assert "# the package" not in text
    assert text.index("metadata:") < text.index("upstream:") < text.index("upstreamLock:")
    assert (
        text.index("info:")
        < text.index("pipeline:")
        < text.index("inventory:")
        < text.index("status:")
    )
    assert "  mutators:\n    - image: set-namespace:v0.4\n" in text
    assert 'configMap:\n        namespace: prod\n        replicas: "3"\n' in text
    assert 'status: "True"' in text
    assert kptfile.parse(text, source="again") == kf


def test_render_status_replaces_only_the_rendered_condition() -> None:
    kf = kptfile.parse(
        "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata: {name: a}\nstatus:\n  conditions:\n"
        '  - {type: Ready, status: "True"}\n  - {type: Rendered, status: "False"}\n',
        source="Kptfile",
    )
    failed = Condition(type="Rendered", status="False", reason="RenderFailed", message="a\n\tb")
    step = StepResult(image="x", exit_code=1, execution_error="boom: bad")
    updated = kptfilewriting.with_render_status(
        kf, condition=failed, render=RenderStatus(mutation_steps=(step,), error_summary="x: boom")
    )
    text = kptfilewriting.to_yaml(updated)
    assert [c.type for c in updated.status.conditions] == ["Ready", "Rendered"]  # type: ignore[union-attr]
    assert "      message: |-\n        a\n        \tb\n" in text
    assert "        executionError: 'boom: bad'\n        exitCode: 1\n" in text
