"""A held writer lends itself to its own process's reads (``Store.lend``): they see every committed
write, cannot write, wait for a write under way, and a release for another process waits for them."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from graphsvc.errors import QueryError, StoreError
from graphsvc.ingest.run import IngestCache, ingest
from graphsvc.settings import Settings
from graphsvc.store import Store, open_store
from graphsvc.store.ladybug import LadybugStore
from queries import graph
from tests.conftest import FIXTURES
from tests.helpers import copy_repo

ORDERS = "shop/orders.py"


def _symbol(name: str) -> str:
    return f"sym:repo:shop/shop:{ORDERS}#{name}"


def _add_function(repo: Path, name: str) -> None:
    with (repo / ORDERS).open("a", encoding="utf-8") as f:
        f.write(f"\n\ndef {name}():\n    return 1\n")


def _has(store: Store, name: str) -> bool:
    return _symbol(name) in graph.entities(store, [_symbol(name)])


def _held(tmp_path: Path, settings: Settings) -> tuple[Path, IngestCache]:
    """The shop fixture ingested, then an edit written by a long-lived writer that holds the store."""
    repo = copy_repo(FIXTURES / "shop", tmp_path / "shop")
    ingest(repo, settings)
    cache = IngestCache()
    _add_function(repo, "first")
    ingest(repo, settings, incremental=True, cache=cache)
    assert cache.writer is not None
    return repo, cache


def test_reads_through_the_held_writer_see_each_write_without_an_open(tmp_path: Path, make_settings: Any) -> None:
    settings = make_settings()
    repo, cache = _held(tmp_path, settings)
    try:
        opened = LadybugStore.opened
        with cache.writer.lend(5.0) as view:  # type: ignore[union-attr]
            if not settings.store.startswith("ladybug:"):
                assert view is None  # Neo4j does not hold: its readers open their own store
                return
            assert view is not None and _has(view, "first")
        _add_function(repo, "second")
        ingest(repo, settings, incremental=True, cache=cache)
        with cache.writer.lend(5.0) as view:  # type: ignore[union-attr]
            assert view is not None and _has(view, "second")
        assert LadybugStore.opened == opened  # neither the reads nor the write opened the store
    finally:
        cache.close()


def test_a_read_through_the_writer_cannot_write(tmp_path: Path, ladybug_settings: Settings) -> None:
    _, cache = _held(tmp_path, ladybug_settings)
    create = ("CREATE (p:Project {id: 'project:intruder', name: 'intruder'})", {})
    try:
        with cache.writer.lend(5.0) as view:  # type: ignore[union-attr]
            assert isinstance(view, LadybugStore)
            with pytest.raises(StoreError):
                view.execute_writes([create])
            with pytest.raises(StoreError):
                view._run(*create)
            # An error ends LadybugDB's transaction; the next statement must still be refused.
            with pytest.raises(StoreError):
                view._run("MATCH (n:NoSuchLabel) RETURN n")
            with pytest.raises(StoreError):
                view._run(*create)
            with pytest.raises(StoreError):
                view._run("COMMIT")
            with pytest.raises(StoreError):
                view._run(*create)
            with pytest.raises(QueryError):  # a caller's Cypher wants a read-only handle
                view.read_only_cypher("MATCH (p:Project) RETURN p.id", {}, max_rows=10, timeout=5)
            assert _has(view, "first")  # and it still reads
    finally:
        cache.close()
    with open_store(ladybug_settings, read_only=True) as store:
        assert store.read_only_cypher("MATCH (p:Project {id: 'project:intruder'}) RETURN p.id", {},
                                      max_rows=10, timeout=5).rows == ()


def test_a_read_during_a_write_through_the_writer_waits_for_it(tmp_path: Path, ladybug_settings: Settings) -> None:
    repo, cache = _held(tmp_path, ladybug_settings)
    writer = cache.writer
    assert writer is not None
    seen: list[bool] = []

    def read() -> None:
        with writer.lend(60.0) as view:
            seen.append(view is not None and _has(view, "during"))

    try:
        assert writer.take_back()
        reader = threading.Thread(target=read)
        reader.start()
        _add_function(repo, "during")
        ingest(repo, ladybug_settings, incremental=True, store=writer)
        writer.hold()
        reader.join(60)
        assert seen == [True]  # it waited, and then saw the write
    finally:
        cache.close()


def test_another_process_wanting_the_store_waits_for_the_read_in_flight(tmp_path: Path,
                                                                         ladybug_settings: Settings) -> None:
    _, cache = _held(tmp_path, ladybug_settings)
    writer = cache.writer
    assert writer is not None
    opened: list[Store] = []
    opener = threading.Thread(target=lambda: opened.append(open_store(ladybug_settings, read_only=True)))
    try:
        with writer.lend(5.0) as view:
            assert view is not None
            opener.start()  # says it wants the store (``.want``): the holder lets go
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                with writer.lend(0) as other:
                    if other is None:  # it stopped lending: the release began
                        break
                time.sleep(0.01)
            else:
                pytest.fail("the holder never began to let go of the store")
            assert _has(view, "first")  # the handle was not closed under the read
            assert opener.is_alive()  # and the waiter still waits for it
        opener.join(60)
        assert opened and _has(opened[0], "first")
        assert not writer.take_back()  # closed for the waiter
    finally:
        for store in opened:
            store.close()
        cache.close()


def test_a_held_writer_whose_store_was_deleted_lends_nothing_and_the_next_write_rebuilds(
        tmp_path: Path, make_settings: Any) -> None:
    """A store deleted (or replaced) under a held writer: reads open their own handle and say it is
    missing, and the next write does not go into the deleted file but builds the graph again."""
    settings = make_settings()
    if not settings.store.startswith("ladybug:"):
        return  # Neo4j is not held; its store cannot be deleted from under a process
    repo, cache = _held(tmp_path, settings)
    try:
        path = Path(settings.store.removeprefix("ladybug://"))
        for p in path.parent.glob(path.name + "*"):
            p.unlink()
        with cache.writer.lend(5.0) as view:  # type: ignore[union-attr]
            assert view is None
        _add_function(repo, "second")
        ingest(repo, settings, incremental=True, cache=cache)
        with open_store(settings, read_only=True) as store:
            assert _has(store, "first") and _has(store, "second")
            assert store.repo("repo:shop/shop") is not None
    finally:
        cache.close()
