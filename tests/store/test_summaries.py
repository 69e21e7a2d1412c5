"""File summaries as the stores keep them: compressed from a size on, read back as they were made."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from graphsvc.ingest.run import IngestCache, ingest
from graphsvc.model import Edge, Node, file_id, repo_id
from graphsvc.store import open_store
from graphsvc.store.base import summary_json, summary_of, summary_text
from tests.conftest import FIXTURES
from tests.helpers import copy_repo


def test_a_summary_is_compressed_from_a_size_on_and_reads_back_the_same() -> None:
    small = {"m": "shop.util", "defs": {"": "Module"}}
    large = {"m": "shop.models", "deps": {f"a:shop/m{i}.py:name{i}": f'[["sym", "shop/m{i}.py", "name{i}"], 0]'
                                          for i in range(40)}, "defs": {"Caf\u00e9": "Class"}}
    assert summary_text(small) == summary_json(small)
    packed = summary_text(large)
    assert packed.startswith("lz4:") and len(packed) < len(summary_json(large)) / 2
    for summary in (small, large):
        assert summary_of(summary_text(summary)) == summary
    # What earlier versions stored (``json.dumps``, keys sorted) reads the same.
    assert summary_of(json.dumps(large, sort_keys=True)) == large
    assert summary_of(None) == {} and summary_of("") == {}


def test_stored_summaries_read_back_as_the_resolvers_made_them(tmp_path: Path, make_settings: Any) -> None:
    repo = copy_repo(FIXTURES / "shop", tmp_path / "shop")
    settings = make_settings()
    cache = IngestCache()
    try:
        report = ingest(repo, settings, cache=cache)
        made = {p: f.summary for p, f in cache.stored.items()}  # through JSON, as a store keeps them
    finally:
        cache.close()
    with open_store(settings, read_only=True) as store:
        stored = store.stored_files(report.repo)
        answer = store.read_only_cypher("MATCH (f:File) RETURN f.path AS path, f.summary AS summary", {},
                                        max_rows=10_000, timeout=30.0)
    assert {p: f.summary for p, f in stored.items()} == made
    texts = dict(answer.rows)
    assert texts.keys() == made.keys()
    packed = {p for p, text in texts.items() if text.startswith("lz4:")}
    assert packed and packed != texts.keys()  # the fixture has summaries on both sides of the size
    assert all(len(summary_json(made[p]).encode()) >= 256 for p in packed)


def test_a_summary_stored_as_plain_json_reads_back(make_settings: Any) -> None:
    settings = make_settings()
    rid = repo_id("old", "old")
    summary = {"m": "old.models", "defs": {"Model": "Class"}, "deps": {"e:old/base.py": "1"} | {
        f"a:old/m{i}.py:x": '[["sym", "old/m.py", "x"], 0]' for i in range(30)}}
    fid = file_id(rid, "old/models.py")
    with open_store(settings) as store:
        store.put([Node("Repo", rid, {"name": "old"}),
                   Node("File", fid, {"path": "old/models.py", "lang": "python", "hash": "h",
                                      "summary": json.dumps(summary, sort_keys=True)})],
                  [Edge("CONTAINS", rid, "Repo", fid, "File")])
    with open_store(settings, read_only=True) as store:
        assert store.stored_files(rid)["old/models.py"].summary == summary
