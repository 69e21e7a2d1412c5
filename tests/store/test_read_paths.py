"""The read paths chosen for speed give the answers of the plain ones, on both stores."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from graphsvc.ingest.run import ingest
from graphsvc.store import open_store
from graphsvc.store.ladybug import LadybugStore
from queries import graph, search
from tests.conftest import FIXTURES
from tests.helpers import copy_repo


def _nested(depth: int) -> str:
    """A module whose functions nest ``depth`` levels deep, each defining the next."""
    lines = []
    for level in range(depth):
        lines.append("    " * level + f"def level_{level}():")
    lines.append("    " * depth + "return 1")
    return "\n".join(lines) + "\n\n\ndef after():\n    return 2\n"


def _deep_repo(tmp_path: Path, nest: str) -> Path:
    """A repo ``deep`` whose package ``deep`` holds ``nest.py`` with the source ``nest``."""
    repo = tmp_path / "deep"
    (repo / "deep").mkdir(parents=True)
    (repo / "deep" / "__init__.py").write_text("", encoding="utf-8")
    (repo / "deep" / "nest.py").write_text(nest, encoding="utf-8")
    return repo


@pytest.mark.parametrize("depth", [3, graph.FILE_TREE_DEPTH + 4])
def test_a_files_symbols_are_all_found_however_deep_they_nest(tmp_path: Path, make_settings: Any,
                                                               depth: int) -> None:
    # LadybugDB walks the file's DEFINES tree to a bounded depth, then scans by id prefix.
    settings = make_settings()
    repo = _deep_repo(tmp_path, _nested(depth))
    # A file whose path extends this one's: its symbols share the id prefix and must not show up.
    (repo / "deep" / "nest.py#x.py").write_text("def intruder():\n    return 3\n", encoding="utf-8")
    ingest(repo, settings, project="deep")
    with open_store(settings, read_only=True) as store:
        f = graph.file(store, "deep/deep", "deep/nest.py")
        syms = graph.file_symbols(store, f)
        fragments = [s.qualified_name for s in syms]
        assert len(syms) == depth + 2  # the module, each level, `after`
        assert fragments[-1].endswith("after")
        assert all("intruder" not in q for q in fragments)
        innermost = graph.symbol_at(store, "deep/deep", "deep/nest.py", depth, 4 * depth)
        assert innermost.name == f"level_{depth - 1}"
        owner = graph.symbol_at(store, "deep/deep", "deep/nest.py", 1, 0)
        assert owner.name == "level_0"
        assert [m.name for m in graph.members(store, owner)] == ["level_1"]


@pytest.mark.parametrize("depth", [3, graph.FILE_TREE_DEPTH + 4])
def test_the_name_under_a_position_is_found_however_deep_its_function_nests(tmp_path: Path, make_settings: Any,
                                                                           depth: int) -> None:
    # definition_at.cypher walks the file's DEFINES tree to a bounded depth; past it, refs_at's prefix.
    settings = make_settings()
    repo = _deep_repo(tmp_path, _nested(depth).replace("return 1", "return after()"))
    ingest(repo, settings, project="deep")
    with open_store(settings, read_only=True) as store:
        call = graph.definition(store, "deep/deep", "deep/nest.py", depth + 1, 4 * depth + 8)
        assert call.target.id.endswith("nest.py#after")
        assert call.reference is not None and call.reference.source.id.endswith(f".level_{depth - 1}")
        assert call.reference.file is not None and call.reference.file.path == "deep/nest.py"
        named = graph.definition(store, "deep/deep", "deep/nest.py", depth, 4 * (depth - 1) + 5)
        assert named.reference is None and named.target.name == f"level_{depth - 1}"


def test_a_hop_asked_by_key_gives_the_rows_of_the_batch_form(tmp_path: Path, make_settings: Any) -> None:
    # hop_rows asks `<query>_few` up to graph.FEW ids (on LadybugDB each id looked up, then its edges
    # followed with OPTIONAL MATCH) and the batch form beyond: the two must give the same rows, ids
    # without edges and unknown ids giving none.
    settings = make_settings()
    ingest(copy_repo(FIXTURES / "shop", tmp_path / "shop"), settings)
    with open_store(settings, read_only=True) as store:
        ids = {label: [str(r[0]) for r in store.read_only_cypher(f"MATCH (n:{label}) RETURN n.id", {},
                                                                  max_rows=10000, timeout=30).rows]
               for label in ("Symbol", "File", "External")}
        asked = {"deps_out": ids["Symbol"], "deps_in": ids["Symbol"], "imports_out": ids["File"],
                 "deps_in_other": ids["File"] + ids["External"]}
        for query, wanted in asked.items():
            wanted = [*wanted, "sym:repo:shop/shop:shop/nope.py#missing"]
            few = sorted(map(_row_key, store.read(f"{query}_few", ids=wanted)))
            batch = sorted(map(_row_key, store.read(query, ids=wanted)))
            assert few and few == batch, query
            assert all(r[1] is not None and r[2] is not None for r in few), query
            end = 0 if query.endswith("_out") else 2  # the asked id is the source, or the target
            one = next(r[end] for r in batch)
            assert sorted(map(_row_key, graph.hop_rows(store, query, [one]))) == [r for r in batch if r[end] == one]


def test_a_graphs_nodes_read_lightly_are_those_of_the_full_records(tmp_path: Path, make_settings: Any) -> None:
    # Graph answers read only the drawn fields of their nodes (symbol_nodes.cypher); the nodes must be
    # those built from the full records, for symbols, files and externals, unknown ids left out.
    settings = make_settings()
    ingest(copy_repo(FIXTURES / "shop", tmp_path / "shop"), settings)
    with open_store(settings, read_only=True) as store:
        ids = [str(r[0]) for label in ("Symbol", "File", "External")
               for r in store.read_only_cypher(f"MATCH (n:{label}) RETURN n.id", {}, max_rows=10000, timeout=30).rows]
        depth_of = {i: n % 3 for n, i in enumerate([*ids, "sym:repo:shop/shop:shop/nope.py#missing"])}
        full = graph.entities(store, depth_of)
        light = graph._graph_nodes(store, depth_of)
    assert {n.label for n in light.values()} == {"Symbol", "File", "External"}
    assert light == {i: graph._graph_node(e, depth_of[i]) for i, e in full.items()}


def _row_key(row: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(row[k] for k in ("src", "type", "dst", "line", "column", "resolution", "candidates", "confidence",
                                  "alias"))


def test_search_pages_agree_with_the_full_ranking(tmp_path: Path, make_settings: Any) -> None:
    # Fuzzy matching is skipped when exact, prefix and word matches fill the page: a short page
    # must still be the head of a long one.
    settings = make_settings()
    ingest(copy_repo(FIXTURES / "shop", tmp_path / "shop"), settings)
    with open_store(settings, read_only=True) as store:
        for query in ("order", "Order", "save", "total", "shop", "ordr", "get_t", "pay", "py", "models.py"):
            full = [(h.entity.id, h.score, h.match) for h in search.search(store, query, limit=search.MAX_LIMIT)]
            for n in (1, 2, 5):
                page = [(h.entity.id, h.score, h.match) for h in search.search(store, query, limit=n)]
                assert page == full[:n], (query, n)
        assert any(h.match == "fuzzy" for h in search.search(store, "ordr", limit=search.MAX_LIMIT))


def test_views_of_a_handle_share_its_connections_and_search_index(tmp_path: Path, ladybug_settings: Any,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    ingest(copy_repo(FIXTURES / "shop", tmp_path / "shop"), ladybug_settings)
    stamps = []
    real = LadybugStore.read

    def read(store: LadybugStore, name: str, **params: Any) -> list[dict[str, Any]]:
        if name == "search_repos":
            stamps.append(store)
        return real(store, name, **params)

    monkeypatch.setattr(LadybugStore, "read", read)
    handle = open_store(ladybug_settings, read_only=True)
    try:
        first = handle.view()
        conn = first._conn  # type: ignore[attr-defined]
        answer = [h.entity.id for h in search.search(first, "order")]
        first.close()
        second = handle.view()
        assert second._conn is conn  # type: ignore[attr-defined]  # the closed view's connection, prepared
        assert [h.entity.id for h in search.search(second, "order")] == answer
        other = handle.view()  # while `second` is open: a connection of its own
        assert other._conn is not conn  # type: ignore[attr-defined]
        assert [h.entity.id for h in search.search(other, "order")] == answer
        other.close()
        second.close()
        assert len(stamps) == 1  # one handle, one snapshot: whether its index is current was read once
    finally:
        handle.close()
    assert handle._idle == []  # type: ignore[attr-defined]  # closing the handle closed the kept connections


def _symbols(g: graph.Graph) -> set[str]:
    return {n.id for n in g.nodes if n.label == "Symbol"}


def test_a_project_graph_is_kept_per_snapshot_and_a_write_is_seen(tmp_path: Path, make_settings: Any,
                                                                  backend: str) -> None:
    settings = make_settings()
    repo = copy_repo(FIXTURES / "shop", tmp_path / "shop")
    ingest(repo, settings)
    added = "sym:repo:shop/shop:shop/models.py#added_later"
    handle = open_store(settings, read_only=True)
    try:
        first = graph.project_graph(handle, "proj:shop", 4)
        view = handle.view() if backend == "ladybug" else handle
        again = graph.project_graph(view, "proj:shop", 4)
        # A snapshot's views share its answer; a live store (Neo4j) answers again, equal.
        assert (again is first) == (backend == "ladybug") and again == first
        assert graph.project_graph(handle, "proj:shop", 3) != first  # another question, another answer
        if view is not handle:
            view.close()
    finally:
        handle.close()
    assert added not in _symbols(first)
    with (repo / "shop/models.py").open("a", encoding="utf-8") as f:
        f.write("\n\ndef added_later():\n    return 1\n")
    ingest(repo, settings, incremental=True)
    with open_store(settings, read_only=True) as store:
        assert added in _symbols(graph.project_graph(store, "proj:shop", 4))


_QUERIES = ("order", "Order", "save", "total", "shop", "ordr", "get_t", "pay", "py", "models.py", "money", "fmt",
            "refund", "Refund", "rfnd", "audit", "label", "util/fmt.py", "log", "ledger", "Ledger.post")


def _answers(store: Any) -> list[list[tuple[str, float, str]]]:
    # Short pages too: a name the index still held after its file changed would take a place there.
    return [[(h.entity.id, h.score, h.match) for h in search.search(store, q, scopes=scopes, limit=n)]
            for q in _QUERIES for scopes in (None, ["SYMBOLS"], ["FILES"]) for n in (1, 3, search.MAX_LIMIT)]


@pytest.mark.parametrize("fold", [search._FOLD, 1])
def test_an_index_updated_after_writes_answers_like_a_fresh_one(tmp_path: Path, make_settings: Any,
                                                                monkeypatch: pytest.MonkeyPatch, fold: int) -> None:
    # After a write, search re-reads only the changed files' names into an overlay (merged into a
    # new base past ``_FOLD`` names); every answer must be the one an index built afresh gives.
    monkeypatch.setattr(search, "_FOLD", fold)
    settings = make_settings()
    repo = copy_repo(FIXTURES / "shop", tmp_path / "shop")
    ingest(repo, settings)
    models = repo / "shop" / "models.py"
    fmt = repo / "shop" / "util" / "fmt.py"
    audit = repo / "shop" / "audit.py"
    # Each round is read after its writes (an edit, and whether its ingest is incremental): one
    # incremental write is found from the repo's record of what it changed, two writes or a full
    # one from the file hashes.
    rounds: list[list[tuple[Any, bool]]] = [
        [],
        [(lambda: models.write_text(models.read_text().replace("def save(", "def persist(")
                                    + "\n\ndef refund(order):\n    return order\n\n\nclass Ledger:\n"
                                    "    def post(self):\n        return 1\n"), True)],
        [(lambda: audit.write_text("def audit_refund():\n    return 2\n\n\nclass Audit:\n    pass\n"), True)],
        [(fmt.unlink, True)],
        [(lambda: models.write_text(models.read_text().replace("class Ledger:", "class LedgerBook:")), True),
         (lambda: fmt.write_text("def money(value):\n    return value\n"), True)],
        [(audit.unlink, False)],
    ]
    for edits in rounds:
        for edit, incremental in edits:
            edit()
            ingest(repo, settings, incremental=incremental)
        with open_store(settings, read_only=True) as store:
            updated = _answers(store)
            kept = {key: layers for key, layers in search._cache.items() if key[0] == store.url}
            if edits and fold > 1:
                assert all(layers.overlay.cands for layers in kept.values())  # taken in incrementally
            search._cache.clear()
            assert updated == _answers(store), rounds.index(edits)
            search._cache.clear()
            search._cache.update(kept)  # the updated indexes take the next write
