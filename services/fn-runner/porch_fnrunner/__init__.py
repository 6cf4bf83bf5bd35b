"""The function runner service: evaluates KRM functions for renderers over gRPC.

It speaks Porch's ``evaluator.FunctionEvaluator`` protocol, so Porch's server and our
``porch.fnclient`` can both call it. An ordered chain of evaluators decides who runs an
image; today that is the exec evaluator (allow-listed local executables). The service
holds no state between calls and must not know about packages, repositories or events.

Run it with ``python -m porch_fnrunner --help``.
"""
