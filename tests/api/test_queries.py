"""GraphQL answers on both stores, checked against the fixture repos' expected graphs."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api import goldens
from tests.api.conftest import ApiClient

SHOP = "sym:repo:shop/shop:shop/"
BASE_SAVE = SHOP + "models.py#Base.save"
CHECKOUT = SHOP + "orders.py#checkout"
CUSTOMER = SHOP + "models.py#Customer"

REFERENCE = "type from { id label } to { id } line column resolution candidates confidence file { path }"


def _dependencies(edges: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in edges if e["type"] in ("CALLS", "USES", "EXTENDS", "IMPORTS")]


def _expected_refs(edges: list[dict[str, Any]], order: str) -> list[dict[str, Any]]:
    keys = {
        "caller": lambda e: (e["from"], e["line"], e["column"]),
        "source": lambda e: (e["line"], e["column"], e["to"]),
        "referrer": lambda e: (e["from"], e["line"], e["column"], e["type"]),
    }
    return [{"type": e["type"], "from": e["from"], "to": e["to"], "line": e["line"], "column": e["column"],
             "resolution": e["resolution"], "candidates": e.get("candidates"), "confidence": e.get("confidence")}
            for e in sorted(edges, key=keys[order])]


def _refs(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"type": r["type"], "from": r["from"]["id"], "to": r["to"]["id"], "line": r["line"], "column": r["column"],
             "resolution": r["resolution"], "candidates": r["candidates"], "confidence": r["confidence"]}
            for r in items]


def test_projects_list_both_fixture_repos_with_their_counts(client: ApiClient) -> None:
    data = client.data("{ projects { items { id name repos { id name files symbols } } offset limit hasMore } }")
    shop_symbols = sum(1 for n in goldens.nodes("shop").values() if n["label"] == "Symbol")
    toolkit_files = sum(1 for n in goldens.nodes("toolkit").values() if n["label"] == "File")
    assert data["projects"] == {
        "items": [
            {"id": "proj:shop", "name": "shop", "repos": [{"id": "repo:shop/shop", "name": "shop", "files": 9,
                                                           "symbols": shop_symbols}]},
            {"id": "proj:toolkit", "name": "toolkit",
             "repos": [{"id": "repo:toolkit/toolkit", "name": "toolkit", "files": toolkit_files, "symbols": 21}]},
        ],
        "offset": 0, "limit": 50, "hasMore": False,
    }


def test_projects_page_by_limit_and_offset(client: ApiClient) -> None:
    first = client.data("{ projects(limit: 1) { items { id } hasMore } }")["projects"]
    second = client.data("{ projects(limit: 1, offset: 1) { items { id } hasMore } }")["projects"]
    assert first == {"items": [{"id": "proj:shop"}], "hasMore": True}
    assert second == {"items": [{"id": "proj:toolkit"}], "hasMore": False}


def test_project_answers_its_repos_and_an_unknown_one_is_not_found(client: ApiClient) -> None:
    data = client.data('{ project(id: "proj:toolkit") { id name repos { id state files } } }')
    assert data["project"] == {"id": "proj:toolkit", "name": "toolkit",
                               "repos": [{"id": "repo:toolkit/toolkit", "state": "ok", "files": 6}]}
    answer = client.graphql('{ project(id: "proj:nope") { id } }')
    assert answer["data"] == {"project": None}
    assert answer["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert "proj:nope" in answer["errors"][0]["message"]


def test_callers_of_base_save_is_the_super_call_in_customer_save(client: ApiClient) -> None:
    data = client.data(f'{{ callers(symbolId: "{BASE_SAVE}") {{ items {{ {REFERENCE} }} hasMore }} }}')
    assert data["callers"]["hasMore"] is False
    assert data["callers"]["items"] == [{
        "type": "CALLS", "from": {"id": SHOP + "models.py#Customer.save", "label": "Symbol"},
        "to": {"id": BASE_SAVE}, "line": 43, "column": 23, "resolution": "exact", "candidates": None,
        "confidence": None, "file": {"path": "shop/models.py"},
    }]


def test_callees_of_checkout_are_its_calls_in_source_order(client: ApiClient) -> None:
    items = client.data(f'{{ callees(symbolId: "{CHECKOUT}") {{ items {{ {REFERENCE} }} }} }}')["callees"]["items"]
    assert _refs(items) == _expected_refs(goldens.edges("shop", "CALLS", src=CHECKOUT), "source")
    assert {r["file"]["path"] for r in items} == {"shop/orders.py"}
    unresolved = [r["to"]["id"] for r in items if r["resolution"] == "unresolved"]
    assert unresolved == ["ext:python:?.sort", "ext:python:?.unknown_helper"]


def test_callers_page_through_the_calls_of_an_external_name(client: ApiClient) -> None:
    query = '{ callers(symbolId: "ext:python:builtins.print", limit: 1, offset: %d) { items { from { id } line } hasMore } }'
    expected = _expected_refs(goldens.edges("shop", "CALLS", dst="ext:python:builtins.print"), "caller")
    pages = [client.data(query % offset)["callers"] for offset in (0, 1, 2)]
    assert [p["hasMore"] for p in pages] == [True, False, False]
    assert [i["from"]["id"] for p in pages for i in p["items"]] == [e["from"] for e in expected]


def test_references_of_customer_are_its_imports_and_calls_with_their_files(client: ApiClient) -> None:
    items = client.data(f'{{ references(symbolId: "{CUSTOMER}") {{ items {{ {REFERENCE} }} }} }}')["references"]["items"]
    expected = _expected_refs(_dependencies(goldens.edges("shop", dst=CUSTOMER)), "referrer")
    assert _refs(items) == expected
    assert [r["file"]["path"] for r in items] == ["shop/__init__.py", "tests/test_orders.py", "shop/orders.py",
                                                  "tests/test_orders.py"]
    assert [r["from"]["label"] for r in items] == ["File", "File", "Symbol", "Symbol"]


@pytest.mark.parametrize(("path", "line", "column", "expected"), [
    ("shop/models.py", 8, 20, "models.py#Base.save"),
    ("shop/orders.py", 17, 10, "orders.py#checkout.total"),
    ("shop/orders.py", 54, 1, "orders.py#report"),  # the decorator line belongs to the function
    ("shop/models.py", 30, 8, "models.py#Product.label#2"),
    ("shop/models.py", 2, 0, "models.py#"),  # between definitions: the module
])
def test_symbol_at_is_the_innermost_symbol_containing_the_position(client: ApiClient, path: str, line: int,
                                                                  column: int, expected: str) -> None:
    data = client.data('query($p: String!, $l: Int!, $c: Int!) { symbolAt(repo: "repo:shop/shop", path: $p, line: $l,'
                       ' column: $c) { id path line } }', p=path, l=line, c=column)
    assert data["symbolAt"]["id"] == SHOP + expected
    assert data["symbolAt"]["path"] == path


def test_symbol_at_in_an_unknown_file_is_not_found(client: ApiClient) -> None:
    answer = client.graphql('{ symbolAt(repo: "shop/shop", path: "shop/nope.py", line: 1, column: 0) { id } }')
    assert answer["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert answer["errors"][0]["message"].startswith("no file 'shop/nope.py' in repo:shop/shop")


def test_symbol_answers_its_properties_file_and_nested_callers(client: ApiClient) -> None:
    data = client.data(f'{{ symbol(id: "{BASE_SAVE}") {{ id name qualifiedName kind signature line column rangeStart '
                       'rangeEnd exported repo path file { id loc } callers { items { from { id } } } } }')
    golden = goldens.nodes("shop")[BASE_SAVE]
    assert data["symbol"] == {
        "id": BASE_SAVE, "name": golden["name"], "qualifiedName": golden["qualifiedName"], "kind": golden["kind"],
        "signature": golden["signature"], "line": golden["line"], "column": golden["column"],
        "rangeStart": golden["rangeStart"], "rangeEnd": golden["rangeEnd"], "exported": golden["exported"],
        "repo": "repo:shop/shop", "path": "shop/models.py",
        "file": {"id": "file:repo:shop/shop:shop/models.py", "loc": 44},
        "callers": {"items": [{"from": {"id": SHOP + "models.py#Customer.save"}}]},
    }


def test_file_lists_its_symbols_in_source_order(client: ApiClient) -> None:
    data = client.data('{ file(repo: "repo:shop/shop", path: "shop/util/__init__.py") { path lang module '
                       'symbols { id kind } } }')
    assert data["file"] == {"path": "shop/util/__init__.py", "lang": "python", "module": "shop.util", "symbols": [
        {"id": SHOP + "util/__init__.py#", "kind": "Module"},
        {"id": SHOP + "util/__init__.py#cached", "kind": "Function"},
    ]}


def test_outgoing_dependencies_of_checkout_are_its_golden_edges(client: ApiClient) -> None:
    data = client.data(f'{{ symbolDependencies(symbolId: "{CHECKOUT}") {{ nodes {{ id depth }} '
                       'edges { type from to line column resolution } truncated } }')["symbolDependencies"]
    golden = _dependencies(goldens.edges("shop", src=CHECKOUT))
    assert data["truncated"] is False
    assert {(n["id"], n["depth"]) for n in data["nodes"]} == {(CHECKOUT, 0)} | {(e["to"], 1) for e in golden}
    assert sorted((e["type"], e["from"], e["to"], e["line"], e["column"], e["resolution"]) for e in data["edges"]) == \
        sorted((e["type"], e["from"], e["to"], e["line"], e["column"], e["resolution"]) for e in golden)


def test_incoming_dependencies_follow_the_calls_back_two_hops(client: ApiClient) -> None:
    data = client.data(f'{{ symbolDependencies(symbolId: "{BASE_SAVE}", direction: INCOMING, depth: 2, '
                       'types: [CALLS]) { nodes { id depth } edges { from to } } }')["symbolDependencies"]
    assert [(n["id"], n["depth"]) for n in data["nodes"]] == [
        (BASE_SAVE, 0),
        (SHOP + "models.py#Customer.save", 1),
        (CHECKOUT, 2),
        ("sym:repo:shop/shop:tests/test_orders.py#TestOrder.test_client_is_customer", 2),
    ]
    assert len(data["edges"]) == 3


def test_dependency_depth_and_size_are_bounded(client: ApiClient) -> None:
    too_deep = client.graphql(f'{{ symbolDependencies(symbolId: "{CHECKOUT}", depth: 6) {{ truncated }} }}')
    assert too_deep["errors"][0]["extensions"]["code"] == "LIMIT_EXCEEDED"
    assert "depth 6 is over the maximum 5" in too_deep["errors"][0]["message"]
    small = client.data(f'{{ symbolDependencies(symbolId: "{CHECKOUT}", depth: 2, maxNodes: 3) '
                        '{ nodes { id } truncated } }')["symbolDependencies"]
    assert small["truncated"] is True and len(small["nodes"]) == 3


def test_impact_of_a_private_method_groups_its_dependents_by_file(client: ApiClient) -> None:
    data = client.data(f'{{ impact(symbolId: "{SHOP}models.py#Base._write", depth: 5) {{ root {{ id }} truncated '
                       'groups { file { path } entries { node { id label } depth resolution } } } }')["impact"]
    assert data["root"] == {"id": SHOP + "models.py#Base._write"} and data["truncated"] is False
    got = [(g["file"]["path"], [(e["node"]["id"].rpartition(":")[2], e["depth"], e["resolution"]) for e in g["entries"]])
           for g in data["groups"]]
    assert got == [
        ("shop/models.py", [("shop/models.py#Base.save", 1, "exact"), ("shop/models.py#Customer.save", 2, "exact")]),
        ("shop/orders.py", [("shop/orders.py#checkout", 3, "exact")]),
        ("tests/test_orders.py", [("tests/test_orders.py#TestOrder.test_client_is_customer", 3, "exact"),
                                  ("tests/test_orders.py", 4, "exact"),
                                  ("tests/test_orders.py#test_checkout_returns_nothing_for_unknown_helper", 4,
                                   "exact")]),
        ("shop/__init__.py", [("shop/__init__.py", 4, "exact")]),
    ]


@pytest.mark.parametrize(("query", "first", "match"), [
    ("prodct", SHOP + "models.py#Product", "FUZZY"),
    ("Product", SHOP + "models.py#Product", "EXACT"),
    ("Base.save", BASE_SAVE, "EXACT"),
    ("price_a", SHOP + "models.py#Product.price_after", "PREFIX"),
    ("priceAfter", SHOP + "models.py#Product.price_after", "WORDS"),
    ("csv_export.py", "file:repo:toolkit/toolkit:src/toolkit/plugins/csv_export.py", "EXACT"),
])
def test_search_ranks_the_expected_hit_first(client: ApiClient, query: str, first: str, match: str) -> None:
    hits = client.data("query($q: String!) { search(query: $q, limit: 5) { node { id label } score match } }",
                       q=query)["search"]
    assert hits[0]["node"]["id"] == first and hits[0]["match"] == match
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)


def test_search_in_files_only_and_limit_bound(client: ApiClient) -> None:
    hits = client.data('{ search(query: "engine", scope: [FILES]) { node { id label } match } }')["search"]
    assert hits[0] == {"node": {"id": "file:repo:toolkit/toolkit:src/toolkit/core/engine.py", "label": "File"},
                       "match": "EXACT"}
    assert {h["node"]["label"] for h in hits} == {"File"}
    too_many = client.graphql('{ search(query: "x", limit: 201) { score } }')
    assert too_many["errors"][0]["extensions"]["code"] == "LIMIT_EXCEEDED"


def test_project_graph_at_depth_two_is_repos_files_and_their_imports(client: ApiClient) -> None:
    g = client.data('{ projectGraph(projectId: "proj:shop", depth: 2) { nodes { id label depth } '
                    'edges { type from to resolution } truncated } }')["projectGraph"]
    files = sorted(i for i, n in goldens.nodes("shop").items() if n["label"] == "File")
    assert [n["id"] for n in g["nodes"]] == ["proj:shop", "repo:shop/shop", *files]
    file_imports = [e for e in goldens.edges("shop", "IMPORTS") if e["to"].startswith("file:")]
    assert sorted((e["type"], e["from"], e["to"], e["resolution"]) for e in g["edges"]) == sorted(
        [("HAS_REPO", "proj:shop", "repo:shop/shop", None)]
        + [("CONTAINS", "repo:shop/shop", f, None) for f in files]
        + [("IMPORTS", e["from"], e["to"], e["resolution"]) for e in file_imports])
    assert g["truncated"] is False


def test_project_graph_filters_by_path_kind_and_edge_type_within_a_size_bound(client: ApiClient) -> None:
    g = client.data('{ projectGraph(projectId: "proj:shop", depth: 4, filters: {pathPrefix: "shop/models.py", '
                    'kinds: ["Class", "Method"], edgeTypes: [DEFINES, EXTENDS, CALLS]}) '
                    '{ nodes { id label } edges { type from to } } }')["projectGraph"]
    symbols = [n["id"] for n in g["nodes"] if n["label"] == "Symbol"]
    expected = sorted(i for i, n in goldens.nodes("shop").items()
                      if i.startswith(SHOP + "models.py#") and n["kind"] in ("Class", "Method"))
    assert sorted(symbols) == expected
    types = {e["type"] for e in g["edges"]}
    assert types == {"DEFINES", "EXTENDS", "CALLS"}
    assert ("EXTENDS", SHOP + "models.py#Product", SHOP + "models.py#Base") in {
        (e["type"], e["from"], e["to"]) for e in g["edges"]}
    bounded = client.data('{ projectGraph(projectId: "proj:shop", maxNodes: 5) { nodes { id } truncated } }')
    assert len(bounded["projectGraph"]["nodes"]) == 5 and bounded["projectGraph"]["truncated"] is True


def test_editor_definition_jumps_from_a_call_to_its_target(client: ApiClient) -> None:
    r = client.get("/api/definition", params={"repo": "shop/shop", "path": "shop/orders.py", "line": 28, "col": 10})
    assert r.status_code == 200
    body = r.json()
    assert body["target"]["id"] == SHOP + "util/fmt.py#money"
    assert body["target"]["path"] == "shop/util/fmt.py" and body["target"]["line"] == 1
    assert body["reference"]["type"] == "CALLS" and body["reference"]["resolution"] == "exact"
    assert (body["reference"]["line"], body["reference"]["column"]) == (28, 8)


def test_editor_definition_on_a_definition_name_is_that_symbol(client: ApiClient) -> None:
    r = client.get("/api/definition", params={"repo": "repo:shop/shop", "path": "shop/models.py", "line": 7, "col": 9})
    assert r.json() == {"target": r.json()["target"], "reference": None}
    assert r.json()["target"]["id"] == BASE_SAVE


def test_editor_references_and_search(client: ApiClient) -> None:
    refs = client.get("/api/references", params={"symbol": CUSTOMER}).json()
    assert [(i["source"]["id"], i["line"]) for i in refs["items"]] == [
        (e["from"], e["line"]) for e in sorted(_dependencies(goldens.edges("shop", dst=CUSTOMER)),
                                               key=lambda e: (e["from"], e["line"], e["column"]))]
    hits = client.get("/api/search", params={"q": "prodct", "limit": 1}).json()
    assert [(h["entity"]["id"], h["match"]) for h in hits] == [(SHOP + "models.py#Product", "fuzzy")]


def test_project_graph_adds_the_externals_kept_edges_reach_on_request(client: ApiClient) -> None:
    query = ('{ projectGraph(projectId: "proj:shop", filters: {pathPrefix: "shop/util/log.py", edgeTypes: [CALLS], '
             'includeExternal: %s}) { nodes { id label } edges { type from to resolution } } }')
    without = client.data(query % "false")["projectGraph"]
    assert without["edges"] == []
    g = client.data(query % "true")["projectGraph"]
    assert [(n["id"], n["label"]) for n in g["nodes"]] == [
        ("proj:shop", "Project"), ("repo:shop/shop", "Repo"), ("file:repo:shop/shop:shop/util/log.py", "File"),
        (SHOP + "util/log.py#", "Symbol"), (SHOP + "util/log.py#log", "Symbol"),
        ("ext:python:builtins.print", "External")]
    assert g["edges"] == [{"type": "CALLS", "from": SHOP + "util/log.py#log", "to": "ext:python:builtins.print",
                           "resolution": "exact"}]
