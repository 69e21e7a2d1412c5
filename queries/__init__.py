"""The read side: named Cypher queries, one statement per file.

``<name>.cypher`` is accepted by both stores; where the dialects differ a backend's
variant sits beside it as ``<name>.<backend>.cypher`` and wins for that backend.
Each file starts with a header comment naming its parameters and returned columns.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

__all__ = ["load"]


@cache
def load(name: str, backend: str | None = None) -> str:
    """Return the text of a named query, preferring the backend's variant."""
    base = resources.files(__package__)
    if backend is not None:
        variant = base.joinpath(f"{name}.{backend}.cypher")
        if variant.is_file():
            return variant.read_text(encoding="utf-8")
    path = base.joinpath(f"{name}.cypher")
    if not path.is_file():
        raise KeyError(f"no query named '{name}' in queries/")
    return path.read_text(encoding="utf-8")
