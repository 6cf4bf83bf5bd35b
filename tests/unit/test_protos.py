"""The generated FunctionEvaluator stubs keep Porch's wire contract and match the proto."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from google.protobuf.descriptor import FieldDescriptor

from porch._generated import function_evaluator_pb2 as pb
from porch._generated import function_evaluator_pb2_grpc as pb_grpc

ROOT = Path(__file__).resolve().parents[2]


def test_package_service_and_method() -> None:
    assert pb.DESCRIPTOR.package == "evaluator"
    service = pb.DESCRIPTOR.services_by_name["FunctionEvaluator"]
    assert service.full_name == "evaluator.FunctionEvaluator"
    assert [m.name for m in service.methods] == ["EvaluateFunction"]
    method = service.methods_by_name["EvaluateFunction"]
    assert method.input_type.full_name == "evaluator.EvaluateFunctionRequest"
    assert method.output_type.full_name == "evaluator.EvaluateFunctionResponse"
    assert not method.client_streaming
    assert not method.server_streaming


def _fields(message: str) -> dict[str, tuple[int, int]]:
    descriptor = pb.DESCRIPTOR.message_types_by_name[message]
    return {f.name: (f.number, f.type) for f in descriptor.fields}


def test_message_fields_match_porch() -> None:
    assert set(pb.DESCRIPTOR.message_types_by_name) == {
        "EvaluateFunctionRequest",
        "EvaluateFunctionResponse",
        "ConfigMap",
    }
    assert _fields("EvaluateFunctionRequest") == {
        "resource_list": (1, FieldDescriptor.TYPE_BYTES),
        "image": (2, FieldDescriptor.TYPE_STRING),
    }
    assert _fields("EvaluateFunctionResponse") == {
        "resource_list": (1, FieldDescriptor.TYPE_BYTES),
        "log": (2, FieldDescriptor.TYPE_BYTES),
    }
    config_map = pb.DESCRIPTOR.message_types_by_name["ConfigMap"]
    data = config_map.fields_by_name["data"]
    assert data.number == 1
    assert data.message_type.GetOptions().map_entry


def test_known_wire_bytes() -> None:
    # Hand-encoded: field 1 (bytes) "rl", field 2 (string) "img".
    wire = b"\x0a\x02rl\x12\x03img"
    request = pb.EvaluateFunctionRequest.FromString(wire)
    assert (request.resource_list, request.image) == (b"rl", "img")
    assert request.SerializeToString() == wire
    response = pb.EvaluateFunctionResponse(resource_list=b"out", log=b"err")
    assert response.SerializeToString() == b"\x0a\x03out\x12\x03err"


def test_grpc_module_uses_package_relative_import() -> None:
    source = Path(pb_grpc.__file__).read_text()
    assert "from . import function_evaluator_pb2" in source
    assert "\nimport function_evaluator_pb2" not in source
    assert hasattr(pb_grpc, "FunctionEvaluatorStub")
    assert hasattr(pb_grpc, "add_FunctionEvaluatorServicer_to_server")


def test_generated_files_are_current() -> None:
    completed = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_protos.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
