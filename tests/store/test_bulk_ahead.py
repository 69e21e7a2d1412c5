"""A new repo's symbols written ahead of its bulk load (``Store.begin_bulk``, ``Store.bulk_nodes``), on both stores.

A full ingest of a repo the store does not hold writes its Symbol nodes while it resolves; the
goldens check what such a run leaves. These check the two ends of the window: a run that dies
after writing ahead leaves the repo marked ``writing`` and a rerun converges to a fresh build, and
a load whose change names the label written ahead keeps those nodes.
"""

from __future__ import annotations

import json
from pathlib import Path

from graphsvc.ingest.run import ingest
from graphsvc.model import Node, project_id, repo_id
from graphsvc.settings import Settings
from graphsvc.store import open_store
from graphsvc.store.base import node_tuple
from tests.conftest import FIXTURES
from tests.helpers import copy_repo, diff, export_text


def _symbols(settings: Settings) -> list[Node]:
    """The Symbol nodes of an export, as nodes again."""
    out = []
    for line in export_text(settings).splitlines():
        node = json.loads(line).get("node")
        if node and node["label"] == "Symbol":
            props = {k: v for k, v in node.items() if k not in ("id", "label")}
            out.append(Node("Symbol", node["id"], props))
    return out


def test_a_run_that_dies_after_writing_ahead_is_rebuilt(store_settings: Settings, tmp_path: Path) -> None:
    repo = copy_repo(FIXTURES / "shop", tmp_path / "shop")
    scratch = Settings(store=f"ladybug://{tmp_path / 'scratch.lbug'}", workers=1)
    ingest(repo, scratch)
    symbols = _symbols(scratch)
    assert len(symbols) > 20
    rid = repo_id("shop", "shop")
    with open_store(store_settings) as store:  # what a run does before it dies in the middle of resolving
        store.begin_bulk(Node("Project", project_id("shop"), {"name": "shop"}),
                         Node("Repo", rid, {"name": "shop", "project": project_id("shop"), "root": str(repo)}))
        store.bulk_nodes("Symbol", [node_tuple(n) for n in symbols[: len(symbols) // 2]])
    with open_store(store_settings, read_only=True) as store:
        assert (store.repo(rid) or {}).get("state") == "writing"
    ingest(repo, store_settings, incremental=True)
    fresh = Settings(store=f"ladybug://{tmp_path / 'fresh.lbug'}", workers=1)
    ingest(repo, fresh)
    a, b = export_text(fresh), export_text(store_settings)
    assert a == b, diff(a, b, "after a run that died while writing ahead")


def test_a_new_repo_indexed_twice_in_full_equals_one_fresh_build(store_settings: Settings, tmp_path: Path) -> None:
    # The first run writes ahead (a new repo); the second rebuilds the repo it finds (no writing ahead).
    repo = copy_repo(FIXTURES / "shop", tmp_path / "shop")
    ingest(repo, store_settings)
    once = export_text(store_settings)
    ingest(repo, store_settings)
    assert export_text(store_settings) == once
    fresh = Settings(store=f"ladybug://{tmp_path / 'fresh.lbug'}", workers=1)
    ingest(repo, fresh)
    assert export_text(fresh) == once
