"""A full run's workers have the Python resolver make dependency edges as bulk rows (``edge_rows``);
a run in one process has it make ``Edge`` objects. Both must load the same rows."""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import Any

from graphsvc import specs
from graphsvc.ingest.parse import ParseFailure, parse_path
from graphsvc.ingest.resolve import resolver_module
from graphsvc.ingest.run import _module_maps
from graphsvc.ingest.scan import scan
from graphsvc.store.base import BulkRows
from tests.conftest import FIXTURES

REPOS = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())


# A member found through an external base class: the one kind of row the fixtures do not make.
_GUESSED = {
    "pkg/__init__.py": "",
    "pkg/models.py": "from django.db import models\n\n\nclass Base(models.Model):\n    pass\n\n\n"
                     "class Item(Base):\n    def save(self):\n        self.refresh_from_db()\n",
}


def _bulk_rows(root: Path, edge_rows: bool, ids: dict[str, str] | None,
               kinds: set[str]) -> tuple[BulkRows, int]:
    """The bulk rows of every file of a repo as a worker makes them, and the edges counted; ``kinds``
    gets the kinds of the rows the resolver made as rows."""
    scanned = scan(root)
    langs = {f.path: f.lang for f in scanned.files}
    group, _, _, module_maps = _module_maps(scanned, langs, None)
    rid = f"repo:{root.name}:{root.name}"
    facts, summaries = {}, {key: {} for key in module_maps}
    for path, lang in sorted(langs.items()):
        result = parse_path((str(scanned.root), path, lang))
        assert not isinstance(result, ParseFailure), result
        facts[path] = result
        summaries[group[lang]][path] = resolver_module(lang).make_summary(result, module_maps[group[lang]].get(path, ()))
    resolvers = {}
    for key in {group[lang] for lang in langs.values()}:
        module = import_module(key)
        options: dict[str, Any] = {"edge_rows": True} if edge_rows and getattr(module, "EDGE_ROWS", False) else {}
        resolvers[key] = module.Resolver(rid, summaries[key], module_maps[key], scanned.root, symbol_nodes=False,
                                         **options)
    rows, count = BulkRows(), 0
    for path in sorted(facts):
        fg = resolvers[group[langs[path]]].resolve(facts[path])
        specs.attach(fg, facts[path], rid)
        assert edge_rows or not fg.rows
        for (etype, _, _), made in fg.rows.items():
            kinds.add(etype)
            kinds.update(f"resolution:{row[4]}" for row in made)
            kinds.update("alias" for row in made if row[7] is not None)
        count += fg.edge_count()
        rows.add(rid, fg, {"hash": "h", "size": 1, "at": "t", "mtime_ns": 0, "inode": 0}, ids=ids)
    return rows.finish(), count


def test_edges_made_as_rows_load_as_the_edges_made_as_objects(tmp_path: Path) -> None:
    guessed = tmp_path / "guessed"
    for path, text in _GUESSED.items():
        (guessed / path).parent.mkdir(parents=True, exist_ok=True)
        (guessed / path).write_text(text, encoding="utf-8")
    kinds: set[str] = set()
    for root in [*(FIXTURES / repo for repo in REPOS), guessed]:
        for ids in (None, {}):
            objects, objects_count = _bulk_rows(root, False, ids, set())
            rows, rows_count = _bulk_rows(root, True, {} if ids is not None else None, kinds)
            assert rows.edges == objects.edges, root.name
            assert rows.nodes == objects.nodes and rows_count == objects_count, root.name
    # Every kind of row the resolver makes is among them: none may go untested.
    assert {"CALLS", "IMPORTS", "EXTENDS", "USES", "TESTS", "resolution:exact", "resolution:heuristic",
            "resolution:unresolved", "alias"} <= kinds, kinds
