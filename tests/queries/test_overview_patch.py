"""The cached project view after incremental writes: patched from the files a write changed, it is
the view a fresh build gives (on both stores), and a dependency between directories appears and
disappears with the imports that make it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from graphsvc.ingest.run import ingest
from graphsvc.settings import Settings
from graphsvc.store import open_store
from queries import overview as ov
from tests.conftest import FIXTURES
from tests.helpers import copy_repo

PROJECT = "proj:shop"
REPO = "repo:shop/shop"
EXTRA = ov.directory_id(REPO, "shop/extra")
UTIL = ov.directory_id(REPO, "shop/util")
TOP = ov.directory_id(REPO, "shop")


def _tree_facts(tree: Any) -> tuple[Any, ...]:
    """A tree as comparable values (node insertion order aside, which only the building uses)."""
    rows = sorted(tuple(sorted(r.items())) for r in tree.file_deps)
    return dict(tree.nodes), {k: v for k, v in tree.children.items()}, dict(tree.file_of_key), rows


def _edges_between(view: ov.Overview, a: str, b: str) -> list[tuple[str, int]]:
    return sorted((e.type, e.count) for e in view.edges if e.source == a and e.target == b)


def _write_and_compare(repo: Path, settings: Settings, expected: set[str]) -> ov.Overview:
    """Ingests the edit incrementally, then checks the patch against a fresh build; the collapsed view."""
    with open_store(settings, read_only=True) as store:
        before = tuple((r["id"], r["generation"]) for r in store.read("project_generations", id=PROJECT))
        old = ov._tree(store, PROJECT)
    assert ingest(repo, settings, incremental=True).mode == "incremental"
    with open_store(settings, read_only=True) as store:
        now = tuple((r["id"], r["generation"]) for r in store.read("project_generations", id=PROJECT))
        changes = ov._changes(store, before, now)
        assert changes is not None and expected <= set(changes[REPO])
        patched = ov._patched(store, old, changes)
        assert _tree_facts(patched) == _tree_facts(ov._build_tree(store, PROJECT))
        views = []
        for args in ({"expand": [EXTRA, UTIL, TOP]} if EXTRA in patched.nodes else {}, {"collapse": [EXTRA, UTIL]},
                     {"max_nodes": 3}):
            cached = ov.overview(store, PROJECT, **args)  # the cache is patched on the way
            ov._cache.clear()
            assert cached == ov.overview(store, PROJECT, **args)
            views.append(cached)
        return views[1]


def test_patched_overview_after_adding_changing_and_deleting_files_equals_a_fresh_one(
        tmp_path: Path, make_settings: Any) -> None:
    repo = copy_repo(FIXTURES / "shop", tmp_path / "shop")
    settings = make_settings()
    ingest(repo, settings)
    extra = repo / "shop" / "extra"

    # A new directory whose file imports and calls into shop/util: a dependency between them appears.
    extra.mkdir()
    (extra / "report.py").write_text("from shop.util.fmt import money\n\n\ndef report():\n    return money(1)\n",
                                     encoding="utf-8")
    view = _write_and_compare(repo, settings, {"shop/extra/report.py"})
    assert _edges_between(view, EXTRA, UTIL)

    # Its imports change to shop/models.py: the dependency on shop/util disappears, one on shop appears.
    (extra / "report.py").write_text("from shop.models import Product\n\n\ndef report():\n"
                                     "    return Product('a', 1)\n", encoding="utf-8")
    view = _write_and_compare(repo, settings, {"shop/extra/report.py"})
    assert not _edges_between(view, EXTRA, UTIL)
    assert any(e.source == EXTRA and e.target.startswith(f"file:{REPO}:shop/models.py") for e in view.edges)

    # A file others import is deleted (its dependents are relinked), and the new directory goes.
    (repo / "shop" / "util" / "log.py").unlink()
    (extra / "report.py").unlink()
    extra.rmdir()
    view = _write_and_compare(repo, settings, {"shop/util/log.py", "shop/extra/report.py", "shop/util/__init__.py"})
    assert EXTRA not in {n.id for n in view.nodes}
