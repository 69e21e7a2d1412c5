"""A full run's workers build Symbol rows column by column, straight from the facts
(``symbol_columns``); a run in one process builds a node per symbol (``symbol_node``). Both must give
the same rows, for every symbol of every language."""

from __future__ import annotations

from importlib import import_module

import pytest

from graphsvc.ingest.parse import ParseFailure, parse_path
from graphsvc.ingest.resolve import resolver_module
from graphsvc.ingest.resolve.symbol_rows import symbol_columns, symbol_node
from graphsvc.ingest.run import _module_maps
from graphsvc.ingest.scan import scan
from graphsvc.model import symbol_id
from graphsvc.store.arrow import columns_table
from graphsvc.store.base import node_tuple, table_rows
from tests.conftest import FIXTURES

REPOS = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())


@pytest.mark.parametrize("repo", REPOS)
def test_symbol_columns_are_the_rows_of_symbol_nodes(repo: str) -> None:
    scanned = scan(FIXTURES / repo)
    langs = {f.path: f.lang for f in scanned.files}
    group, _, _, module_maps = _module_maps(scanned, langs, None)
    rid = f"repo:{repo}:{repo}"
    files, expected = [], []
    for path, lang in sorted(langs.items()):
        facts = parse_path((str(scanned.root), path, lang))
        assert not isinstance(facts, ParseFailure), facts
        names = module_maps[group[lang]].get(path, ())
        summary = resolver_module(lang).make_summary(facts, names)
        qualified = import_module(group[lang]).qualifier(facts, summary)
        if qualified is None:
            continue
        files.append((facts, qualified))
        expected += [node_tuple(symbol_node(symbol_id(rid, path, s.qname), s, facts.lang, qualified))
                     for s in facts.symbols]
    assert expected, f"{repo}: no symbols to compare"
    columns = symbol_columns(rid, files)
    assert list(zip(*columns)) == expected
    assert table_rows(columns_table("Symbol", columns)) == expected


def test_no_symbols_make_empty_columns() -> None:
    columns = symbol_columns("repo:x:x", [])
    assert columns_table("Symbol", columns).num_rows == 0
