"""A read-only store kept between requests answers from the latest committed write."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from graphsvc.ingest.run import ingest
from graphsvc.store.readers import KeptReader
from queries import graph
from tests.conftest import FIXTURES
from tests.helpers import copy_repo


def _has(reader: KeptReader, symbol_id: str) -> bool:
    with reader.use() as store:
        return symbol_id in graph.entities(store, [symbol_id])


def test_a_kept_reader_sees_each_write_at_its_next_request(tmp_path: Path, make_settings: Any) -> None:
    settings = make_settings()
    repo = copy_repo(FIXTURES / "shop", tmp_path / "shop")
    ingest(repo, settings)
    reader = KeptReader(settings)
    try:
        new = "sym:repo:shop/shop:shop/orders.py#added"
        assert not _has(reader, new)
        assert not _has(reader, new)
        assert reader.reopened == 0  # nothing written: the same handle answered
        with (repo / "shop" / "orders.py").open("a") as f:
            f.write("\n\ndef added():\n    return 1\n")
        ingest(repo, settings, incremental=True)  # takes the write lock: the reader does not hold it
        assert _has(reader, new)
        assert reader.reopened == (1 if reader.embedded else 0)
    finally:
        reader.close()
