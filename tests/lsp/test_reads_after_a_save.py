"""After a save, ``graph lsp``'s next answer reflects it; on the embedded store it reads through the
indexer's held writer, so the save opens nothing (no read-only handle, no reopened writer). The
server is built in-process to count the opens; on both stores."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from api.lsp import GraphServer
from graphsvc.ingest.run import ingest
from graphsvc.store.ladybug import LadybugStore
from queries import graph
from tests.conftest import FIXTURES
from tests.helpers import copy_repo

ORDERS = "shop/orders.py"


def _save(server: GraphServer, repo: Path, name: str) -> None:
    """What a save does: the file written, then ``didSave`` (which touches the indexer)."""
    with (repo / ORDERS).open("a", encoding="utf-8") as f:
        f.write(f"\n\ndef {name}():\n    return 1\n")
    server.indexer.touch(repo, [str(repo / ORDERS)])


def _answers(server: GraphServer, name: str) -> bool:
    sid = f"sym:repo:shop/shop:{ORDERS}#{name}"
    return sid in server._call(lambda store: graph.entities(store, [sid]))


def test_the_answer_after_a_save_reflects_it_and_opens_nothing(tmp_path: Path, make_settings: Any) -> None:
    settings = make_settings()
    repo = copy_repo(FIXTURES / "shop", tmp_path / "shop").resolve()
    ingest(repo, settings)
    server = GraphServer(settings)
    try:
        server.indexer.track(repo, "shop", indexed=True)
        _save(server, repo, "first")
        assert _answers(server, "first")  # the first save opened the writer that it then holds
        opened = LadybugStore.opened
        for name in ("second", "third"):
            _save(server, repo, name)
            assert _answers(server, name)
        if settings.store.startswith("ladybug:"):
            assert LadybugStore.opened == opened  # each save wrote and was read through the held writer
    finally:
        server.indexer.stop()
        server.access.close()


def test_the_first_save_after_start_opens_nothing_either(tmp_path: Path, make_settings: Any) -> None:
    """An indexed workspace's worker opens and holds the embedded store's writer once it has read the
    store, so the first save is taken like the next ones, and the reads before it go through that
    writer too. Neo4j is not held: its reads open their own session, and see the save."""
    settings = make_settings()
    embedded = settings.store.startswith("ladybug:")
    repo = copy_repo(FIXTURES / "shop", tmp_path / "shop").resolve()
    ingest(repo, settings)
    server = GraphServer(settings)
    try:
        server.indexer.track(repo, "shop", indexed=True)
        deadline = time.monotonic() + 30
        while embedded and not _held(server):
            assert time.monotonic() < deadline, "the worker never held the writer after reading the store"
            time.sleep(0.02)
        opened = LadybugStore.opened
        assert _answers(server, "Order")  # a read before any save: through the held writer when embedded
        _save(server, repo, "first")
        assert _answers(server, "first")
        if embedded:
            assert LadybugStore.opened == opened
        else:
            assert not _held(server)
    finally:
        server.indexer.stop()
        server.access.close()


def _held(server: GraphServer) -> bool:
    with server.indexer.reading() as view:
        return view is not None
