"""A served project graph follows writes; the server's garbage collection waits for a quiet moment."""

from __future__ import annotations

import asyncio
import gc
from pathlib import Path
from typing import Any

from api.collector import Collector
from graphsvc.ingest.run import ingest
from tests.conftest import FIXTURES
from tests.ecosystem.live import live_server
from tests.helpers import copy_repo

GRAPH = '{ projectGraph(projectId: "proj:shop", depth: 4) { nodes { id } truncated } }'
ADDED = "sym:repo:shop/shop:shop/models.py#added_later"


def test_a_served_project_graph_follows_a_write(tmp_path: Path, make_settings: Any) -> None:
    settings = make_settings()
    repo = copy_repo(FIXTURES / "shop", tmp_path / "shop")
    ingest(repo, settings)
    with live_server(settings) as live:
        before = live.data(GRAPH)["projectGraph"]
        assert live.data(GRAPH)["projectGraph"] == before  # the kept answer
        with (repo / "shop/models.py").open("a", encoding="utf-8") as f:
            f.write("\n\ndef added_later():\n    return 1\n")
        ingest(repo, settings, incremental=True)  # the server retires its handle, and its answers with it
        after = live.data(GRAPH)["projectGraph"]
    ids = {n["id"] for n in after["nodes"]}
    assert ADDED not in {n["id"] for n in before["nodes"]} and ADDED in ids
    assert ids - {ADDED} == {n["id"] for n in before["nodes"]}


def test_requests_freeze_what_they_leave_and_a_quiet_server_sweeps() -> None:
    async def scenario() -> tuple[int, int, int, bool]:
        collector = Collector(idle=0.05, longest=3600)
        collector.start()
        try:
            at_start = collector.sweeps
            collector.started()
            kept = [[i] for i in range(1000)]  # what a request leaves behind (a cache)
            collector.ended()
            frozen = gc.get_freeze_count()
            busy = collector.in_flight
            for _ in range(200):  # until the quiet server has swept (the test's own time limit bounds it)
                if collector.sweeps > at_start:
                    break
                await asyncio.sleep(0.05)
            assert kept
            return at_start, frozen, busy, collector.dirty
        finally:
            await collector.stop()

    at_start, frozen, busy, dirty = asyncio.run(scenario())
    assert at_start == 1 and frozen >= 1000 and busy == 0 and not dirty
    assert gc.get_freeze_count() == 0  # a stopped collector leaves the process as it found it


def test_an_app_run_without_its_lifespan_never_freezes() -> None:
    collector = Collector()
    collector.started()
    collector.ended()
    assert gc.get_freeze_count() == 0 and not collector.dirty
