"""The function runner service: evaluates KRM functions for renderers over gRPC.

It speaks Porch's ``evaluator.FunctionEvaluator`` protocol, so Porch's server and our
``porch.fnclient`` can both call it. An ordered chain of evaluators decides who runs an
image (``wiring``): builtin functions in a thread, a warm pool of local worker processes,
allow-listed local executables, and a warm pool of Kubernetes pods. The service keeps no
state between calls beyond warm instances, and must not know about packages, repositories
or events.

Run it with ``python -m porch_fnrunner --help``.
"""
