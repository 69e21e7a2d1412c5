"""``graph mcp`` through the SDK's client over stdio and over HTTP, on both stores: every tool with
its exact answer on the fixture repos, bad arguments, refused writes, a huge result paged.

Tests of what a transport could change (tool schemas, answers, errors, paging, refused writes)
take ``client`` and run over both; the other tools' answers take ``stdio``."""

from __future__ import annotations

import json
from typing import Any

import pytest
from mcp.types import CallToolResult

from graphsvc.settings import Settings
from tests.mcp.client import McpClient, payload
from tests.mcp.conftest import HUB_CALLERS

SHOP = "sym:repo:shop/shop:shop/"
TOOLKIT = "sym:repo:toolkit/toolkit:src/toolkit/"

TOOLS = {"search", "symbol", "callers", "callees", "references", "implementations", "impact", "changes_impact",
         "dependency_path", "file_outline", "project_overview", "query", "specs_for", "tasks_for", "findings_for",
         "compliance_status"}


def sym(name: str, kind: str, at: str, repo: str, id_: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "kind": kind, "at": at, "repo": repo, "id": id_, **extra}


def test_lists_the_tools_with_precise_input_schemas(client: McpClient) -> None:
    tools = {t.name: t for t in client.tools()}
    assert set(tools) == TOOLS
    callers = tools["callers"].inputSchema
    assert callers["required"] == ["target"]
    assert callers["properties"]["limit"]["maximum"] == 500 and callers["properties"]["limit"]["minimum"] == 1
    assert callers["properties"]["offset"]["minimum"] == 0
    assert tools["search"].inputSchema["properties"]["scope"]["anyOf"][0]["items"]["enum"] == [
        "symbols", "files", "specs", "tasks"]
    assert tools["query"].inputSchema["properties"]["timeout_seconds"]["maximum"] == 30
    assert all(t.annotations and t.annotations.readOnlyHint for t in tools.values())
    assert all(t.description for t in tools.values())


def test_search_finds_symbols_and_files(stdio: McpClient) -> None:
    found = stdio.ok("search", {"query": "prodct", "limit": 3})
    assert found == {"items": [
        sym("gitshop.models.Product", "Class", "gitshop/models.py:15", "gitshop/shop",
            "sym:repo:gitshop/shop:gitshop/models.py#Product", score=73.85, match="fuzzy"),
        sym("shop.models.Product", "Class", "shop/models.py:15", "shop/shop", SHOP + "models.py#Product",
            score=73.85, match="fuzzy")]}
    files = stdio.ok("search", {"query": "engine", "scope": ["files"]})
    assert files["items"] == [sym("src/toolkit/core/engine.py", "File", "src/toolkit/core/engine.py:1",
                                  "toolkit/toolkit", "file:repo:toolkit/toolkit:src/toolkit/core/engine.py",
                                  score=100.0, match="exact")]


def test_symbol_with_its_source_lines(stdio: McpClient) -> None:
    assert stdio.ok("symbol", {"target": "shop.models.Base.save"}) == {
        **sym("shop.models.Base.save", "Method", "shop/models.py:7", "shop/shop", SHOP + "models.py#Base.save"),
        "signature": "def save(self)", "doc": None, "lines": "7-8", "exported": True, "lang": "python",
        "source": "7|     def save(self):\n8|         return self._write()"}
    cut = stdio.ok("symbol", {"target": TOOLKIT + "core/engine.py#Engine.prepare", "max_lines": 3})
    assert cut["source"] == "25|     def prepare(self):\n26|         def inner():\n27|             return 1"
    assert cut["sourceNote"] == "showing lines 25-27 of 25-29; raise max_lines (at most 400)"


def test_callers_callees_and_references(client: McpClient) -> None:
    assert client.ok("callers", {"target": "shop.models.Base.save"}) == {"items": [{
        "type": "CALLS", "from": "shop.models.Customer.save", "fromId": SHOP + "models.py#Customer.save",
        "to": "shop.models.Base.save", "toId": SHOP + "models.py#Base.save", "at": "shop/models.py:43:23",
        "resolution": "exact"}], "offset": 0, "hasMore": False}
    callees = client.ok("callees", {"target": "shop.orders.checkout", "limit": 2})
    assert [(c["to"], c["at"], c["resolution"]) for c in callees["items"]] == [
        ("shop.orders.Order", "shop/orders.py:19:12", "exact"),
        ("shop.orders.Order.submit", "shop/orders.py:21:10", "exact")]
    assert callees["hasMore"] and callees["next"] == "call callees again with offset=2 (same other arguments)"
    rest = client.ok("callees", {"target": "shop.orders.checkout", "limit": 50, "offset": 2})
    assert [(c["to"], c["resolution"]) for c in rest["items"]][-2:] == [("?.sort", "unresolved"),
                                                                        ("?.unknown_helper", "unresolved")]
    refs = client.ok("references", {"target": TOOLKIT + "core/engine.py#Engine"})
    assert [(r["type"], r["from"], r["at"]) for r in refs["items"]] == [
        ("IMPORTS", "scripts/run.py", "scripts/run.py:3:20"),
        ("IMPORTS", "src/toolkit/__init__.py", "src/toolkit/__init__.py:3:32"),
        ("CALLS", "scripts.run.main", "scripts/run.py:8:4"),
        ("CALLS", "toolkit.core.engine.Engine.create", "src/toolkit/core/engine.py:34:15"),
        ("CALLS", "toolkit.plugins.csv_export.export", "src/toolkit/plugins/csv_export.py:10:17")]


def test_implementations_of_a_class_and_of_a_method(stdio: McpClient) -> None:
    assert stdio.ok("implementations", {"target": "shop.models.Base"})["items"] == [
        sym("shop.models.Customer", "Class", "shop/models.py:40", "shop/shop", SHOP + "models.py#Customer"),
        sym("shop.models.Product", "Class", "shop/models.py:15", "shop/shop", SHOP + "models.py#Product")]
    assert stdio.ok("implementations", {"target": "shop.models.Base.save"})["items"] == [
        sym("shop.models.Customer.save", "Method", "shop/models.py:41", "shop/shop", SHOP + "models.py#Customer.save")]


def test_impact_by_project_and_file_with_the_tests_that_reach_it(stdio: McpClient) -> None:
    found = stdio.ok("impact", {"target": "shop.models.Base.save", "depth": 3, "limit": 2})
    assert (found["files"], found["dependents"], found["hasMore"]) == (4, 6, True)
    assert found["next"] == "call impact again with offset=2 for the next files (same other arguments)"
    [project] = found["byProject"]
    assert project["project"] == "shop"
    assert [(f["file"], [(d["name"], d["depth"], d["resolution"]) for d in f["dependents"]])
            for f in project["files"]] == [
        ("shop/models.py", [("shop.models.Customer.save", 1, "exact")]),
        ("shop/orders.py", [("shop.orders.checkout", 2, "exact")])]
    assert [(t["name"], t["kind"], t["depth"]) for t in found["tests"]] == [
        ("tests.test_orders.TestOrder.test_client_is_customer", "Test", 2),
        ("tests.test_orders.test_checkout_returns_nothing_for_unknown_helper", "Test", 3)]
    rest = stdio.ok("impact", {"target": "shop.models.Base.save", "depth": 3, "limit": 2, "offset": 2})
    assert [f["file"] for p in rest["byProject"] for f in p["files"]] == ["tests/test_orders.py", "shop/__init__.py"]
    assert not rest["hasMore"]


def test_changes_impact_of_the_uncommitted_edit(stdio: McpClient) -> None:
    found = stdio.ok("changes_impact", {"repo": "gitshop/shop"})
    assert found["ref"] == "HEAD"
    assert found["touched"] == [sym("gitshop.models.Base._write", "Method", "gitshop/models.py:11", "gitshop/shop",
                                    "sym:repo:gitshop/shop:gitshop/models.py#Base._write", lines="12")]
    assert [(d["name"], d["depth"]) for p in found["byProject"] for f in p["files"] for d in f["dependents"]] == [
        ("gitshop.models.Base.save", 1), ("gitshop.models.Customer.save", 2)]
    deeper = stdio.ok("changes_impact", {"repo": "gitshop/shop", "depth": 4})
    assert [(t["name"], t["depth"]) for t in deeper["tests"]] == [
        ("tests.test_orders.TestOrder.test_client_is_customer", 3),
        ("tests.test_orders.test_checkout_returns_nothing_for_unknown_helper", 4)]


def test_dependency_path(stdio: McpClient) -> None:
    found = stdio.ok("dependency_path", {"source": "scripts.run", "target": "toolkit.core.base.Runner.step"})
    assert (found["hops"], found["resolution"]) == (4, "exact")
    assert [(s["type"], s["from"], s["to"], s["at"]) for s in found["path"]] == [
        ("CALLS", "scripts.run", "scripts.run.main", "scripts/run.py:17:4"),
        ("CALLS", "scripts.run.main", "toolkit.core.engine.Engine.run", "scripts/run.py:8:13"),
        ("CALLS", "toolkit.core.engine.Engine.run", "toolkit.core.base.Runner.execute", "src/toolkit/core/engine.py:18:13"),
        ("CALLS", "toolkit.core.base.Runner.execute", "toolkit.core.base.Runner.step", "src/toolkit/core/base.py:9:20")]


def test_file_outline(stdio: McpClient) -> None:
    found = stdio.ok("file_outline", {"repo": "toolkit/toolkit", "path": "src/toolkit/core/engine.py"})
    assert (found["module"], found["loc"], found["lang"]) == ("toolkit.core.engine", 39, "python")
    assert [(s["name"], s["kind"], s["line"], s["depth"]) for s in found["symbols"]] == [
        ("toolkit.core.engine", "Module", 1, 0), ("log", "Var", 6, 1), ("Engine", "Class", 10, 1),
        ("Engine.run", "Method", 14, 2), ("Engine.prepare", "Method", 25, 2),
        ("Engine.prepare.inner", "Function", 26, 3), ("Engine.create", "Method", 33, 2),
        ("Engine.version", "Method", 38, 2)]


def test_project_overview_and_resources(stdio: McpClient) -> None:
    assert stdio.ok("project_overview") == {"projects": ["big", "gitshop", "shop", "toolkit"],
                                              "next": "call project_overview with one of these names"}
    found = stdio.ok("project_overview", {"project": "toolkit"})
    assert [(r["repo"], r["files"], r["symbols"]) for r in found["repos"]] == [("toolkit/toolkit", 6, 21)]
    assert found["languages"] == {"python": {"files": 6, "loc": 99}}
    assert found["edges"] == {"CALLS": {"exact": 16, "unresolved": 3}, "EXTENDS": {"exact": 2},
                              "IMPORTS": {"exact": 9, "unresolved": 1}, "USES": {"exact": 2}}
    assert [e["name"] for e in found["entryPoints"]] == ["scripts.run.main"]
    assert [(s["name"], s["dependents"]) for s in found["mostDependedOn"][:3]] == [
        ("toolkit.core.engine.Engine", 5), ("toolkit.core.base.Runner", 2), ("toolkit.core.engine.Engine.prepare", 2)]
    resources, templates = stdio.resources()
    assert {str(r.uri) for r in resources} == {"graph://schema", "graph://projects"}
    assert [t.uriTemplate for t in templates] == ["graph://projects/{name}", "graph://projects/{name}/compliance"]
    schema = json.loads(stdio.read("graph://schema"))
    assert "qualifiedName" in schema["nodes"]["Symbol"] and "(Symbol)->(External)" in schema["edges"]["CALLS"]
    assert json.loads(stdio.read("graph://projects")) == ["big", "gitshop", "shop", "toolkit"]
    assert json.loads(stdio.read("graph://projects/toolkit")) == found


def test_query_reads_with_parameters(stdio: McpClient) -> None:
    found = stdio.ok("query", {"cypher": "MATCH (s:Symbol)-[:CALLS]->(t:Symbol {id: $id}) RETURN s.name AS caller "
                                          "ORDER BY caller LIMIT 2", "params": {"id": SHOP + "models.py#Base._write"}})
    assert found == {"columns": ["caller"], "rows": [["save"]]}


def test_a_huge_result_is_paged(client: McpClient) -> None:
    hub = "sym:repo:big/big:big/hub.py#hub"
    seen: list[str] = []
    offset, pages = 0, 0
    while True:
        page = client.ok("callers", {"target": hub, "limit": 500, "offset": offset})
        seen += [c["from"] for c in page["items"]]
        pages += 1
        if not page["hasMore"]:
            assert "next" not in page
            break
        assert page["next"] == f"call callers again with offset={offset + 500} (same other arguments)"
        offset += 500
    assert pages == 3 and len(seen) == len(set(seen)) == HUB_CALLERS
    assert seen[0] == "big.callers0.c0_0000" and seen[-1] == "big.callers3.c3_0299"
    rows = client.ok("query", {"cypher": "MATCH (s:Symbol)-[:CALLS]->(:Symbol {id: $id}) RETURN s.id ORDER BY s.id",
                               "params": {"id": hub}, "limit": 1000})
    assert len(rows["rows"]) == 1000
    assert rows["truncated"].startswith("more than 1000 rows: add ORDER BY … SKIP 1000 LIMIT 1000")


@pytest.mark.parametrize("cypher", [
    "CREATE (:Project {id: 'proj:evil', name: 'evil'})",
    "MATCH (s:Symbol) SET s.name = 'x'",
    "MATCH (n:Symbol) DETACH DELETE n",
    "MERGE (p:Project {id: 'proj:evil'}) RETURN p",
])
def test_a_writing_query_is_refused_by_the_store(client: McpClient, cypher: str) -> None:
    message = client.error("query", {"cypher": cypher})
    assert message.startswith("error: the store refused a write"), message
    left = client.ok("query", {"cypher": "MATCH (p:Project) RETURN p.id ORDER BY p.id"})
    assert left["rows"] == [["proj:big"], ["proj:gitshop"], ["proj:shop"], ["proj:toolkit"]]
    assert client.ok("query", {"cypher": "MATCH (s:Symbol {name: 'save'}) RETURN count(s) AS n"})["rows"] == [[4]]


def test_reading_outside_the_graph_is_refused(stdio: McpClient, mcp_settings: Settings) -> None:
    if mcp_settings.store.startswith("ladybug:"):
        escapes = ["LOAD FROM '/etc/passwd' (file_format='csv', header=false, delim=':') RETURN *",
                   "COPY (MATCH (s:Symbol) RETURN s.id) TO '/tmp/graphsvc-escape.csv'",
                   "INSTALL httpfs", "CALL threads=1"]
    else:
        escapes = ["LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line",
                   "CALL dbms.listConfig() YIELD name RETURN name"]
    for cypher in escapes:
        message = stdio.error("query", {"cypher": cypher})
        assert message.startswith("error: the statement is not a read of the graph"), (cypher, message)


def test_a_slow_query_stops_at_its_timeout(stdio: McpClient) -> None:
    message = stdio.error("query", {"cypher": "MATCH (a:Symbol), (b:Symbol), (c:Symbol) "
                                               "WHERE a.name + b.name + c.name = 'none' RETURN count(*)",
                                     "timeout_seconds": 0.5})
    assert message.startswith("error: the Cypher statement ran past its 0.5s timeout"), message


@pytest.mark.parametrize(("tool", "arguments", "expected"), [
    ("callers", {"target": "shop.models.Base.save", "limit": 1000}, "Input should be less than or equal to 500"),
    ("callers", {"target": "shop.models.Base.save", "offset": -1}, "Input should be greater than or equal to 0"),
    ("callers", {}, "target\n  Field required"),
    ("impact", {"target": "shop.models.Base.save", "depth": 9}, "Input should be less than or equal to 5"),
    ("search", {"query": "x", "scope": ["audits"]}, "Input should be 'symbols', 'files', 'specs' or 'tasks'"),
    ("symbol", {"target": "shop.models.Nope"},
     "error: no symbol named 'shop.models.Nope' — find it with the search tool and pass its id"),
    ("symbol", {"target": "save"}, "error: 'save' names 4 symbols: sym:repo:gitshop/shop:gitshop/models.py#Base.save,"),
    ("symbol", {"target": "ext:python:json.dumps"}, "error: 'ext:python:json.dumps' is not a symbol"),
    ("callers", {"target": "sym:repo:shop/shop:nope.py#x"}, "error: no symbol, file or external with id"),
    ("file_outline", {"repo": "shop/shop", "path": "../../etc/passwd"}, "error: no file '../../etc/passwd' in repo:shop/shop"),
    ("file_outline", {"repo": "shop", "path": "x.py"}, "error: 'shop' is not a repo — write it as repo:<project>/<name>"),
    ("changes_impact", {"repo": "gitshop/shop", "ref": "--output=/tmp/x"}, "error: '--output=/tmp/x' is not a git ref"),
    ("changes_impact", {"repo": "gitshop/shop", "ref": "no-such-branch"}, "error: unknown git ref 'no-such-branch'"),
    ("changes_impact", {"repo": "nope/nope"}, "error: no indexed work tree for repo:nope/nope"),
    ("dependency_path", {"source": "shop.models.Base._write", "target": "shop.orders.checkout"},
     "error: no dependency path from"),
    ("implementations", {"target": "shop.orders.checkout"}, "is not a class or a method"),
    ("query", {"cypher": "MATCH (n RETURN n"}, "refused the Cypher statement"),
    ("project_overview", {"project": "nope"}, "error: no project with id 'proj:nope'"),
    ("nope", {}, "Unknown tool: nope"),
])
def test_bad_arguments_are_tool_errors_that_say_what_to_send(client: McpClient, tool: str, arguments: dict[str, Any],
                                                            expected: str) -> None:
    result: CallToolResult = client.call(tool, arguments)
    assert result.isError
    assert expected in result.content[0].text, result.content[0].text  # type: ignore[union-attr]
    assert payload(client.call("search", {"query": "Base", "limit": 1}))["items"]  # still serving
