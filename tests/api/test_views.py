"""The level-of-detail views the browser client draws: overview, neighbourhood pages, source lines.

Exact answers on the fixture repos, on both stores (``client`` is parametrized over them).
"""

from __future__ import annotations

from typing import Any

from tests.api.conftest import ApiClient

TK = "repo:toolkit/toolkit"
SHOP = "repo:shop/shop"
MODELS = f"file:{SHOP}:shop/models.py"
SAVE = f"sym:{SHOP}:shop/models.py#Base.save"

OVERVIEW = """query($p: ID!, $expand: [String!], $collapse: [String!], $max: Int, $maxSym: Int! = 500) {
  overview(projectId: $p, expand: $expand, collapse: $collapse, maxNodes: $max, maxFileSymbols: $maxSym) {
    truncated
    nodes { id label parent files symbols expandable expanded truncated kind line }
    edges { type from to count exact heuristic unresolved }
  }
}"""


def _short(node_id: str) -> str:
    return node_id.rsplit(":", 1)[-1]


def _deps(view: dict[str, Any]) -> list[tuple[str, str, str, int]]:
    return [(e["type"], _short(e["from"]), _short(e["to"]), e["count"]) for e in view["edges"]
            if e["type"] not in ("CONTAINS", "DEFINES")]


def test_overview_opens_every_directory_of_a_small_project(client: ApiClient) -> None:
    view = client.data(OVERVIEW, p="proj:toolkit")["overview"]
    assert view["truncated"] is False
    assert [(n["id"], n["files"], n["symbols"], n["expanded"]) for n in view["nodes"]] == [
        (TK, 6, 21, True),
        (f"dir:{TK}:scripts", 1, 2, True),
        (f"file:{TK}:scripts/run.py", 1, 2, False),
        (f"dir:{TK}:src", 5, 19, True),
        (f"dir:{TK}:src/toolkit", 5, 19, True),
        (f"dir:{TK}:src/toolkit/core", 3, 15, True),
        (f"file:{TK}:src/toolkit/core/__init__.py", 1, 1, False),
        (f"file:{TK}:src/toolkit/core/base.py", 1, 6, False),
        (f"file:{TK}:src/toolkit/core/engine.py", 1, 8, False),
        (f"dir:{TK}:src/toolkit/plugins", 1, 2, True),
        (f"file:{TK}:src/toolkit/plugins/csv_export.py", 1, 2, False),
        (f"file:{TK}:src/toolkit/__init__.py", 1, 2, False),
    ]
    assert _deps(view) == [
        ("CALLS", "scripts/run.py", "src/toolkit/core/engine.py", 2),
        ("CALLS", "scripts/run.py", "src/toolkit/plugins/csv_export.py", 1),
        ("CALLS", "src/toolkit/core/engine.py", "src/toolkit/core/base.py", 1),
        ("CALLS", "src/toolkit/plugins/csv_export.py", "src/toolkit/core/engine.py", 3),
        ("EXTENDS", "src/toolkit/core/engine.py", "src/toolkit/core/base.py", 1),
        ("IMPORTS", "scripts/run.py", "src/toolkit/__init__.py", 1),
        ("IMPORTS", "scripts/run.py", "src/toolkit/core/engine.py", 1),
        ("IMPORTS", "src/toolkit/__init__.py", "src/toolkit/core/engine.py", 1),
        ("IMPORTS", "src/toolkit/core/engine.py", "src/toolkit/core/base.py", 1),
        ("IMPORTS", "src/toolkit/plugins/csv_export.py", "src/toolkit/core/engine.py", 1),
    ]
    # No file opens on its own, and every file with more than its module symbol can.
    assert {n["id"]: n["expandable"] for n in view["nodes"] if n["label"] == "File"} == {
        f"file:{TK}:scripts/run.py": True, f"file:{TK}:src/toolkit/core/__init__.py": False,
        f"file:{TK}:src/toolkit/core/base.py": True, f"file:{TK}:src/toolkit/core/engine.py": True,
        f"file:{TK}:src/toolkit/plugins/csv_export.py": True, f"file:{TK}:src/toolkit/__init__.py": True}


def test_overview_within_a_small_budget_aggregates_edges_between_directories(client: ApiClient) -> None:
    view = client.data(OVERVIEW, p="proj:toolkit", max=4)["overview"]
    assert [(n["id"], n["expanded"]) for n in view["nodes"]] == [
        (TK, True), (f"dir:{TK}:scripts", False), (f"dir:{TK}:src", True), (f"dir:{TK}:src/toolkit", False)]
    # scripts/run.py's 3 calls and 2 imports into src/toolkit, counted between the two closed directories.
    assert [(e["type"], e["from"], e["to"], e["count"], e["exact"]) for e in view["edges"]] == [
        ("CONTAINS", TK, f"dir:{TK}:scripts", 1, 0),
        ("CONTAINS", TK, f"dir:{TK}:src", 1, 0),
        ("CONTAINS", f"dir:{TK}:src", f"dir:{TK}:src/toolkit", 1, 0),
        ("CALLS", f"dir:{TK}:scripts", f"dir:{TK}:src/toolkit", 3, 3),
        ("IMPORTS", f"dir:{TK}:scripts", f"dir:{TK}:src/toolkit", 2, 2),
    ]


def test_expand_and_collapse_override_the_budget(client: ApiClient) -> None:
    view = client.data(OVERVIEW, p="proj:toolkit", max=4, expand=[f"dir:{TK}:src/toolkit/core"],
                       collapse=[f"dir:{TK}:src"])["overview"]
    # Opening core opens the way to it, though src was to stay closed.
    assert [(_short(n["id"]), n["expanded"]) for n in view["nodes"]] == [
        ("toolkit/toolkit", True), ("scripts", True), ("scripts/run.py", False), ("src", True),
        ("src/toolkit", True), ("src/toolkit/core", True), ("src/toolkit/core/__init__.py", False), ("src/toolkit/core/base.py", False),
        ("src/toolkit/core/engine.py", False), ("src/toolkit/plugins", False), ("src/toolkit/__init__.py", False)]
    view = client.data(OVERVIEW, p="proj:toolkit", collapse=[f"dir:{TK}:src"])["overview"]
    assert [(_short(n["id"]), n["expanded"]) for n in view["nodes"]] == [
        ("toolkit/toolkit", True), ("scripts", True), ("scripts/run.py", False), ("src", False)]
    assert _deps(view) == [("CALLS", "scripts/run.py", "src", 3), ("IMPORTS", "scripts/run.py", "src", 2)]


def test_a_file_opens_into_its_symbols_with_edges_to_them(client: ApiClient) -> None:
    view = client.data(OVERVIEW, p="proj:shop", expand=[MODELS])["overview"]
    symbols = [(n["id"].rsplit("#", 1)[-1] if n["id"].endswith("#2") else n["id"].split("#", 1)[1], n["kind"],
                _short(n["parent"]), n["line"]) for n in view["nodes"] if n["label"] == "Symbol"]
    assert symbols == [
        ("Base", "Class", "shop/models.py", 4), ("Base.save", "Method", "shop/models.py#Base", 7),
        ("Base._write", "Method", "shop/models.py#Base", 11), ("Product", "Class", "shop/models.py", 15),
        ("Product.TAX", "Var", "shop/models.py#Product", 19),
        ("Product.__init__", "Method", "shop/models.py#Product", 21),
        ("Product.label", "Method", "shop/models.py#Product", 26), ("2", "Method", "shop/models.py#Product", 30),
        ("Product.discounted", "Method", "shop/models.py#Product", 33),
        ("Product.price_after", "Method", "shop/models.py#Product", 36),
        ("Customer", "Class", "shop/models.py", 40), ("Customer.save", "Method", "shop/models.py#Customer", 41),
    ]
    touching = [d for d in _deps(view) if "#" in d[1] or "#" in d[2]]
    assert touching == [
        ("CALLS", "shop/orders.py", "shop/models.py#Customer", 1),
        ("CALLS", "shop/orders.py", "shop/models.py#Customer.save", 1),
        ("CALLS", "shop/orders.py", "shop/models.py#Product", 1),
        ("CALLS", "shop/orders.py", "shop/models.py#Product.discounted", 1),
        ("CALLS", "tests/test_orders.py", "shop/models.py#Customer", 1),
        ("CALLS", "tests/test_orders.py", "shop/models.py#Customer.save", 1),
        ("CALLS", "shop/models.py#Base.save", "shop/models.py#Base._write", 1),
        ("CALLS", "shop/models.py#Customer.save", "shop/models.py#Base.save", 1),
        ("CALLS", "shop/models.py#Product.discounted", "shop/models.py#Product.price_after", 1),
        ("EXTENDS", "shop/models.py#Customer", "shop/models.py#Base", 1),
        ("EXTENDS", "shop/models.py#Product", "shop/models.py#Base", 1),
        ("IMPORTS", "shop/__init__.py", "shop/models.py#Customer", 1),
        ("IMPORTS", "shop/__init__.py", "shop/models.py#Product", 1),
        ("IMPORTS", "shop/orders.py", "shop/models.py#Product", 1),
        ("IMPORTS", "tests/test_orders.py", "shop/models.py#Customer", 1),
    ]
    # Calls into the opened file are no longer counted at file level as well.
    assert ("CALLS", "shop/orders.py", "shop/models.py", 4) not in _deps(view)
    defines = [(_short(e["from"]), _short(e["to"])) for e in view["edges"] if e["type"] == "DEFINES"]
    assert ("shop/models.py#Base", "shop/models.py#Base.save") in defines and len(defines) == 12


def test_an_opened_file_over_its_symbol_bound_is_truncated(client: ApiClient) -> None:
    view = client.data(OVERVIEW, p="proj:shop", expand=[MODELS], maxSym=2)["overview"]
    assert view["truncated"] is True
    assert [n["id"] for n in view["nodes"] if n["label"] == "Symbol"] == [
        f"sym:{SHOP}:shop/models.py#Base", f"sym:{SHOP}:shop/models.py#Base.save"]
    assert [n["truncated"] for n in view["nodes"] if n["id"] == MODELS] == [True]


def test_overview_errors_name_the_bad_value(client: ApiClient) -> None:
    answer = client.graphql(OVERVIEW, p="proj:shop", expand=["dir:repo:shop/shop:nowhere"])
    assert answer["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert "dir:repo:shop/shop:nowhere" in answer["errors"][0]["message"]
    answer = client.graphql(OVERVIEW, p="proj:nope")
    assert answer["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    answer = client.graphql(OVERVIEW, p="proj:shop", max=0)
    assert answer["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


HOOD = """query($id: ID!, $limit: Int!, $offset: Int!) {
  neighbourhood(nodeId: $id, depth: 2, limit: $limit, offset: $offset) {
    root hasMore nodes { id depth } edges { type from to line resolution }
  }
}"""


def test_neighbourhood_pages_add_up_to_the_whole(client: ApiClient) -> None:
    whole = client.data(HOOD, id=SAVE, limit=100, offset=0)["neighbourhood"]
    assert whole["hasMore"] is False
    assert [(_short(n["id"]), n["depth"]) for n in whole["nodes"]] == [
        ("shop/models.py#Base.save", 0), ("shop/models.py#Base._write", 1), ("shop/models.py#Customer.save", 1),
        ("builtins.print", 2), ("builtins.super", 2), ("shop/orders.py#checkout", 2),
        ("tests/test_orders.py#TestOrder.test_client_is_customer", 2)]
    pages = [client.data(HOOD, id=SAVE, limit=2, offset=o)["neighbourhood"] for o in (0, 2, 4, 6)]
    assert [p["hasMore"] for p in pages] == [True, True, True, False]
    assert [n for p in pages for n in p["nodes"]] == whole["nodes"]
    edges = [e for p in pages for e in p["edges"]]
    assert sorted(map(str, edges)) == sorted(map(str, whole["edges"]))
    assert len(edges) == len(whole["edges"]) == 6


def test_source_lines_of_a_symbol_and_a_file(client: ApiClient) -> None:
    query = "query($id: ID!, $n: Int!) { source(nodeId: $id, maxLines: $n) { path start lines truncated } }"
    got = client.data(query, id=SAVE, n=60)["source"]
    assert got == {"path": "shop/models.py", "start": 7, "truncated": False,
                   "lines": ["    def save(self):", "        return self._write()"]}
    got = client.data(query, id=MODELS, n=2)["source"]
    assert got["start"] == 1 and len(got["lines"]) == 2 and got["truncated"] is True
    answer = client.graphql(query, id=SAVE, n=100000)
    assert answer["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


FULL_OVERVIEW = """query($p: ID!, $expand: [String!]) {
  overview(projectId: $p, expand: $expand) {
    truncated
    nodes { id label name repo path parent files symbols expandable expanded truncated kind lang line }
    edges { type from to count exact heuristic unresolved }
  }
  overviewColumns(projectId: $p, expand: $expand)
}"""

FULL_HOOD = """query($id: ID!, $limit: Int!, $offset: Int!) {
  neighbourhood(nodeId: $id, depth: 2, limit: $limit, offset: $offset) {
    root hasMore offset limit
    nodes { id label name kind repo path lang line depth }
    edges { type from to line column resolution candidates confidence }
  }
  neighbourhoodColumns(nodeId: $id, depth: 2, limit: $limit, offset: $offset)
}"""


def _rows(columns: dict[str, list[Any]]) -> list[dict[str, Any]]:
    names = list(columns)
    return [dict(zip(names, values, strict=True)) for values in zip(*columns.values(), strict=True)]


def test_packed_views_hold_the_same_answer_column_by_column(client: ApiClient) -> None:
    answer = client.data(FULL_OVERVIEW, p="proj:shop", expand=[MODELS])
    packed, plain = answer["overviewColumns"], answer["overview"]
    assert len(plain["nodes"]) > 12 and len(plain["edges"]) > 15
    assert _rows(packed["nodes"]) == plain["nodes"]
    assert _rows(packed["edges"]) == plain["edges"]
    assert packed["truncated"] is plain["truncated"] is False
    answer = client.data(FULL_HOOD, id=SAVE, limit=4, offset=2)
    packed, plain = answer["neighbourhoodColumns"], answer["neighbourhood"]
    assert _rows(packed["nodes"]) == plain["nodes"] and len(plain["nodes"]) == 4
    assert _rows(packed["edges"]) == plain["edges"] and plain["edges"]
    assert {k: packed[k] for k in ("root", "hasMore", "offset", "limit")} == {
        "root": SAVE, "hasMore": True, "offset": 2, "limit": 4}


def test_packed_views_refuse_bad_values_as_the_plain_ones_do(client: ApiClient) -> None:
    answer = client.graphql("query { overviewColumns(projectId: \"proj:shop\", expand: [\"dir:repo:shop/shop:x\"]) }")
    assert answer["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    answer = client.graphql("query { neighbourhoodColumns(nodeId: \"sym:nope\", limit: 0) }")
    assert answer["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_a_page_the_first_level_overflows_has_the_edges_among_its_nodes(client: ApiClient) -> None:
    # A first page smaller than the root's own neighbours: the walk is full after its first level,
    # and the edges among those neighbours (imports of checkout beside calls to it) must still come.
    root = f"sym:{SHOP}:shop/orders.py#checkout"
    whole = client.data(HOOD, id=root, limit=100, offset=0)["neighbourhood"]
    first_level = sum(1 for n in whole["nodes"] if n["depth"] == 1)
    assert first_level >= 10
    for limit in range(2, first_level + 1):
        page = client.data(HOOD, id=root, limit=limit, offset=0)["neighbourhood"]
        assert page["nodes"] == whole["nodes"][:limit] and page["hasMore"] is True
        shown = {n["id"] for n in page["nodes"]}
        among = [e for e in whole["edges"] if e["from"] in shown and e["to"] in shown]
        assert sorted(map(str, page["edges"])) == sorted(map(str, among)), limit
