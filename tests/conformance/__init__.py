"""Conformance tests: upstream fixtures (kpt, catalog) run against this implementation."""
