"""``graph lsp`` keeps full garbage collections out of its requests, as ``graph serve`` does
(api/collector.py): what a request leaves behind is frozen when it ends, and a quiet server sweeps."""

from __future__ import annotations

import asyncio
import gc
from pathlib import Path
from typing import Any

from api.lsp import GraphServer
from graphsvc.ingest.run import ingest
from queries import graph
from tests.conftest import FIXTURES
from tests.helpers import copy_repo


def test_an_answer_freezes_what_it_leaves_and_a_quiet_server_sweeps(tmp_path: Path, make_settings: Any) -> None:
    settings = make_settings()
    repo = copy_repo(FIXTURES / "shop", tmp_path / "shop").resolve()
    ingest(repo, settings)
    server = GraphServer(settings)
    server.collector.idle = 0.05

    async def scenario() -> tuple[list[str], int, bool, int]:
        server.collector.start()  # as the workspace opens: a first sweep
        try:
            sweeps = server.collector.sweeps
            roots = await server.answer({}, lambda store: graph.repo_roots(store))
            frozen, dirty = gc.get_freeze_count(), server.collector.dirty
            for _ in range(100):
                if server.collector.sweeps > sweeps:
                    break
                await asyncio.sleep(0.05)
            return list(roots), frozen, dirty, server.collector.sweeps - sweeps
        finally:
            await server.collector.stop()

    try:
        roots, frozen, dirty, swept = asyncio.run(scenario())
    finally:
        server.indexer.stop()
        server.access.close()
    assert roots == ["repo:shop/shop"]
    assert frozen > 0 and dirty  # the answer's leftovers were frozen when it ended
    assert swept >= 1  # and swept once the server was quiet
    assert server.collector.in_flight == 0
