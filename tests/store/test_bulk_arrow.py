"""Bulk rows as Arrow tables (``graphsvc/store/arrow.py``): what a full run's workers send when the run
writes to LadybugDB. Read back as rows they are the rows they were made from, value for value and
type for type, and a table of no rows still has every column. Either store writes a table of
Symbols ahead (``Store.bulk_nodes``) as it writes the rows the table was made from.

The runs that send tables to LadybugDB and rows to Neo4j are checked end to end, on both stores, by
``tests/ingest/test_workers.py`` (workers against one process) and ``tests/store/test_writers.py``
(two full ingests at once, where the second writes the first's Symbols itself, from tables)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ladybug

from graphsvc.model import EDGE_PROPS, NODE_SCHEMA
from graphsvc.store.arrow import edge_table, joined, node_table
from graphsvc.model import Node, project_id, repo_id
from graphsvc.settings import Settings
from graphsvc.store import open_store
from graphsvc.store.base import BulkRows
from tests.helpers import diff, export_text

CALLS = ("CALLS", "Symbol", "Symbol")
DEFINES = ("DEFINES", "File", "Symbol")


def _rows() -> dict[tuple[str, str, str], list[tuple[Any, ...]]]:
    return {
        CALLS: [("sym:a", "sym:b", 3, 8, "import", 1, 1.0, None, False),
                ("sym:a", "ext:c", 4, 0, "name", 2, 0.5, "c2", True),
                ("sym:é", "sym:b", None, None, None, None, None, None, None)],
        DEFINES: [("file:a", "sym:a"), ("file:a", "sym:é")],
    }


_FILE = ("file:a", "a.py", "python", "h", 10, 2, "a", 0, "2026-01-01T00:00:00+00:00", "lz4:1:AA==", 17, 3)


def test_rows_come_back_from_the_tables_as_they_went_in() -> None:
    rows = BulkRows(nodes={"File": [_FILE]}, edges=_rows())
    rows.to_arrow()
    assert rows.edges == {} and rows.nodes == {}
    assert set(rows.tables) == {CALLS, DEFINES} and set(rows.node_tables) == {"File"}
    back = rows.edge_rows()
    assert back == _rows()
    assert [type(v) for v in back[CALLS][0]] == [str, str, int, int, str, int, float, type(None), bool]
    assert rows.node_rows("File") == [_FILE]


def test_joined_parts_keep_rows_and_tables_apart_and_read_back_whole() -> None:
    first, second = BulkRows(edges={CALLS: _rows()[CALLS][:1]}), BulkRows(edges={CALLS: _rows()[CALLS][1:]})
    second.to_arrow()
    first.extend(second)
    assert len(first.edges[CALLS]) == 1 and len(first.tables[CALLS]) == 1
    assert first.edge_rows() == {CALLS: _rows()[CALLS]}


def test_tables_of_no_rows_have_every_column() -> None:
    assert edge_table("CALLS", []).column_names == ["from", "to", *EDGE_PROPS]
    assert edge_table("DEFINES", []).column_names == ["from", "to"]
    assert node_table("Symbol", []).column_names == list(NODE_SCHEMA["Symbol"])
    assert edge_table("CALLS", []).num_rows == 0


def test_a_table_joined_from_parts_some_empty_is_copied_whole(tmp_path: Path) -> None:
    # LadybugDB 0.22 stops reading a table at a chunk of no rows: ``joined`` leaves none.
    parts = [node_table("Task", [(f"task:{n}", *([None] * (len(NODE_SCHEMA["Task"]) - 1)))
                                 for n in range(start, start + size)])
             for start, size in ((0, 0), (0, 5000), (5000, 0), (5000, 7000), (12000, 0))]
    arrow_rows = joined(parts)
    assert arrow_rows.num_rows == 12_000 and all(len(chunk) for chunk in arrow_rows.column(0).chunks)
    db = ladybug.Database(str(tmp_path / "g.lbug"))
    conn = ladybug.Connection(db)
    conn.execute("CREATE NODE TABLE Task(id STRING, PRIMARY KEY(id))")
    only_ids = arrow_rows.select(["id"])  # noqa: F841 - bound by name in the statement
    conn.execute("COPY Task FROM only_ids")
    assert conn.execute("MATCH (t:Task) RETURN count(*)").get_next() == [12_000]
    assert joined([parts[0], parts[2]]).num_rows == 0


def _symbol_rows() -> list[tuple[Any, ...]]:
    rid = repo_id("p", "r")
    return [(f"sym:{rid}:m.py#f{i}", f"f{i}", f"f{i}", "Function", f"def f{i}(x)", "Doc é." if i % 2 else "",
             i + 1, 4, f"{i + 1}:0", f"{i + 2}:0", bool(i % 3), "python") for i in range(50)]


def _written_ahead(settings: Settings, symbols: list[tuple[Any, ...]] | Any) -> str:
    rid = repo_id("p", "r")
    with open_store(settings) as store:
        store.begin_bulk(Node("Project", project_id("p"), {"name": "p"}),
                         Node("Repo", rid, {"name": "r", "project": project_id("p")}))
        store.bulk_nodes("Symbol", symbols)
    return export_text(settings)


def test_symbols_written_ahead_as_a_table_are_the_rows_it_was_made_from(make_settings: Any) -> None:
    as_rows = _written_ahead(make_settings(fresh=True), _symbol_rows())
    rows = _symbol_rows()
    as_table = _written_ahead(make_settings(fresh=True),
                              joined([node_table("Symbol", rows[:20]), node_table("Symbol", []),
                                      node_table("Symbol", rows[20:])]))
    assert as_rows.count('"Symbol"') >= 50, as_rows[:500]
    assert as_table == as_rows, diff(as_rows, as_table, "Symbols from a table vs from rows")
