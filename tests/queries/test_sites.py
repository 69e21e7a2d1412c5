"""Reference sites (queries/sites.py) are the read layer's reference pages, reduced to the referrer,
its file and the position: the file split from the referrer's id, or looked up when a repo name
holding ':' keeps the id from telling repo and path apart; on both stores."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from graphsvc.ingest.run import ingest
from graphsvc.store import Store, open_store
from queries import graph
from queries.sites import sites_in
from tests.conftest import FIXTURES
from tests.helpers import copy_repo

Pages = Callable[[Store, str, graph.Window], graph.Page[graph.Reference]]


def _paged(store: Store, node_id: str, pages: Pages) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = []
    offset = 0
    while True:
        page = pages(store, node_id, graph.window(graph.MAX_PAGE, offset))
        out += [(r.source.id, r.file.repo, r.file.path, r.line, r.column) for r in page.items
                if r.file is not None and r.line is not None and r.column is not None]
        if not page.has_more:
            return out
        offset += page.limit


@pytest.mark.parametrize("name", ["shop", "sh:op"])
def test_sites_are_the_reference_and_caller_pages(name: str, tmp_path: Path, make_settings: Any) -> None:
    root = copy_repo(FIXTURES / "shop", tmp_path / name)
    settings = make_settings()
    ingest(root, settings, project="shop")
    with open_store(settings, read_only=True) as store:
        ids = [r["id"] for r in store.read("search_symbols")] + [r["id"] for r in store.read("files", ids=[
            f"file:repo:shop/{name}:shop/models.py", f"file:repo:shop/{name}:shop/util/__init__.py"])]
        counts = graph.reference_counts(store, ids)
        referenced = sorted(i for i, n in counts.items() if n > 1)
        assert len(referenced) >= 5
        for node_id in referenced:
            got = [(s.src, s.repo, s.path, s.line, s.column) for s in sites_in(store, node_id, 5000)]
            assert got == _paged(store, node_id, graph.references), node_id
            assert {s[1] for s in got} == {f"repo:shop/{name}"}
            calls = [(s.src, s.repo, s.path, s.line, s.column) for s in sites_in(store, node_id, 5000, calls_only=True)]
            assert calls == _paged(store, node_id, graph.callers), node_id
            assert sites_in(store, node_id, 2) == sites_in(store, node_id, 5000)[:2]
