"""The rules of the system as pure deciders: commands in, events out, states folded.

Pure: no I/O, no clock, no uuid, no logging. Ids and timestamps arrive inside commands.
One module per aggregate (``repository``, ``packages``); ``events`` holds the wire union.
"""

__all__ = ["common", "events", "objects", "packages", "repository"]
