"""The expected graphs of the fixture repos (``fixtures/repos/*.expected.jsonl``) as data.

API tests derive their expected answers from these files, so an answer is checked against the
same hand-checked graph the golden tests hold the ingest to.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from tests.conftest import FIXTURES

__all__ = ["edges", "nodes"]


@cache
def _lines(repo: str) -> tuple[dict[str, Any], ...]:
    text = (FIXTURES / f"{repo}.expected.jsonl").read_text(encoding="utf-8")
    return tuple(json.loads(line) for line in text.splitlines())


def nodes(repo: str) -> dict[str, dict[str, Any]]:
    """The nodes of a fixture repo's graph, by id."""
    return {o["node"]["id"]: o["node"] for o in _lines(repo) if "node" in o}


def edges(repo: str, type_: str | None = None, *, src: str | None = None, dst: str | None = None) -> list[dict[str, Any]]:
    """The edges of a fixture repo's graph, optionally of one type, from one node or into one node."""
    return [e for e in (o["edge"] for o in _lines(repo) if "edge" in o)
            if (type_ is None or e["type"] == type_) and (src is None or e["from"] == src)
            and (dst is None or e["to"] == dst)]
