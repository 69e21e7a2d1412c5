"""The indexer tells its owner a new root's files once its first index is done (``Indexer(ready=…)``): the
language server reads their texts ahead of the first requests, as it does for the roots already indexed
when it starts."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

from api.indexer import Indexer
from graphsvc.settings import Settings
from graphsvc.store import open_store
from tests.conftest import FIXTURES


def _told(settings: Settings, root: Path, indexed: bool) -> list[str]:
    got: list[tuple[Path, list[str]]] = []
    done = threading.Event()

    def ready(where: Path, paths: list[str]) -> None:
        got.append((where, paths))
        done.set()

    indexer = Indexer(settings, ready=ready)
    try:
        indexer.track(root, "shop", indexed=indexed)
        assert done.wait(60), "the indexer never said the root was ready"
    finally:
        indexer.stop()
    assert len(got) == 1 and got[0][0] == root.resolve()
    return got[0][1]


def _stored(settings: Settings) -> list[str]:
    store = open_store(settings)
    try:
        return sorted(store.stored_files("repo:shop/shop"))
    finally:
        store.close()


def test_a_new_root_is_ready_once_indexed(store_settings: Settings, tmp_path: Path) -> None:
    root = tmp_path / "shop"
    shutil.copytree(FIXTURES / "shop", root)
    paths = _told(store_settings, root, indexed=False)
    assert paths == _stored(store_settings) and "shop/models.py" in paths
