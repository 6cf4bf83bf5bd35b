# Porch on NATS JetStream: every developer task. `just --list` shows them.
set shell := ["bash", "-euo", "pipefail", "-c"]

venv := ".venv/bin"

# Run the whole stack locally until Ctrl-C (state in $PORCH_HOME, default .porch)
up:
    {{venv}}/porch up

# Everything CI runs: static checks, generated-code drift, then every test tier
check: lint types imports gen-check test

# ruff lint and format check
lint:
    {{venv}}/ruff check .
    {{venv}}/ruff format --check .

# mypy --strict on the library and the services
types:
    {{venv}}/mypy porch services

# import-linter: layers point one way, services stay independent
imports:
    {{venv}}/lint-imports

# regenerate the gRPC stubs and the event JSON Schemas (schemas/events/)
gen:
    {{venv}}/python scripts/gen_protos.py
    {{venv}}/python scripts/gen_event_schemas.py

# fail if the committed stubs or event schemas differ from what `just gen` would write
gen-check:
    {{venv}}/python scripts/gen_protos.py --check
    {{venv}}/python scripts/gen_event_schemas.py --check

# every test tier (unit, integration, e2e)
test *args:
    {{venv}}/pytest -q {{args}}

# only the pure unit tests (seconds)
unit:
    {{venv}}/pytest -q tests/unit

# event-log append latency and throughput
bench-append:
    {{venv}}/python bench/eventlog_append.py

# create -> propose -> approve -> Git tag latency through the whole stack
bench-lifecycle packages="200":
    {{venv}}/python bench/lifecycle.py --packages {{packages}}

# replay the event stream into fresh buckets and compare with the live projection
rebuild nats="nats://127.0.0.1:4222":
    {{venv}}/python -m porch_orchestrator rebuild --nats {{nats}} --prefix porch_rebuild
    {{venv}}/python -m porch_orchestrator verify --nats {{nats}} --prefix porch --against porch_rebuild

# kpt library against the kpt binary: pkg get/update and fn render
bench-kpt:
    {{venv}}/python bench/kpt_compare.py

# function runner: in-process vs gRPC vs warm pool vs cold start
bench-fnrunner:
    {{venv}}/python bench/fnrunner.py

# 10,000 revisions over 50 repositories: kubectl list, get rate, restart, cold start over 100,000 events
bench-scale:
    {{venv}}/python bench/scale.py

# 1,000 watchers on one apiserver: watch fan-out latency (kernel receipt times), get rate
bench-apiserver:
    {{venv}}/python bench/apiserver.py

# a plain git push until kubectl shows it, against the poll interval
bench-discovery:
    {{venv}}/python bench/discovery_lag.py
