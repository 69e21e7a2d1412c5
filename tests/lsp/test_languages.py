"""``graph lsp`` on a repo of three languages at once (``fixtures/repos/mixed``: TypeScript, Go and
Python), already indexed: definition, hover, references, documentSymbol and workspace/symbol in each
language, with exact answers, answered at once (no background indexing, no progress reports)."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from graphsvc.ingest.run import ingest
from tests.conftest import FIXTURES
from tests.lsp.conftest import Workspace, settings_for, start_client, stop_client

pytestmark = pytest.mark.asyncio(loop_scope="module")

SUMMARY = ("mixed", "web/src/summary.ts")
CLIENT_TS = ("mixed", "web/src/api/client.ts")
MAIN_GO = ("mixed", "api/main.go")
ORDERS_GO = ("mixed", "api/handlers/orders.go")
STORE_GO = ("mixed", "api/store/store.go")
REPORT_PY = ("mixed", "scripts/report.py")
CLIENT_PY = ("mixed", "scripts/lib/client.py")
P = lsp.Position


@pytest.fixture(scope="module", params=[pytest.param("ladybug", marks=pytest.mark.ladybug),
                                        pytest.param("neo4j", marks=pytest.mark.neo4j)])
def mixed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    base = tmp_path_factory.mktemp("lsp-mixed")
    shutil.copytree(FIXTURES / "mixed", base / "repos" / "mixed")
    settings = settings_for(str(request.param), request, base)
    ingest(base / "repos" / "mixed", settings)
    return Workspace(root=base / "repos", settings=settings)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def client(mixed: Workspace) -> AsyncIterator[LanguageClient]:
    c = await start_client(mixed, folders=("mixed",))
    yield c
    await stop_client(c)


def doc(ws: Workspace, where: tuple[str, str]) -> lsp.TextDocumentIdentifier:
    return lsp.TextDocumentIdentifier(uri=ws.uri(*where))


def spans(items: Any) -> list[tuple[str, int, int, int]]:
    return [(i.uri.rsplit("/repos/", 1)[1], i.range.start.line, i.range.start.character, i.range.end.character)
            for i in items or []]


async def definition(client: LanguageClient, ws: Workspace, where: tuple[str, str], line: int, ch: int) -> Any:
    return spans(await client.text_document_definition_async(lsp.DefinitionParams(
        text_document=doc(ws, where), position=P(line, ch))))


async def test_definition_in_each_language(client: LanguageClient, mixed: Workspace) -> None:
    ws = mixed
    # TypeScript: `  const orders = await client.list();` → the method of the class in another file.
    assert await definition(client, ws, SUMMARY, 10, 32) == [("mixed/web/src/api/client.ts", 11, 8, 12)]
    # `${sum(orders)}` inside a template string: the function of the same file.
    assert await definition(client, ws, SUMMARY, 12, 43) == [("mixed/web/src/summary.ts", 4, 16, 19)]
    assert await definition(client, ws, SUMMARY, 12, 40) == []  # `$` of the template
    # An imported name: `import { OrdersClient, Order } from "@api/client"` (a tsconfig path alias).
    assert await definition(client, ws, SUMMARY, 0, 10) == [("mixed/web/src/api/client.ts", 7, 13, 25)]
    # Go: `\th.ServeHTTP(nil, nil)` → the method of another package; `h.Orders.Add(…)` → a pointer method.
    assert await definition(client, ws, MAIN_GO, 14, 4) == [("mixed/api/handlers/orders.go", 16, 22, 31)]
    assert await definition(client, ws, ORDERS_GO, 20, 18) == [("mixed/api/store/store.go", 18, 17, 20)]
    # Python: `    for line in ApiClient().orders():` → the method in scripts/lib/client.py.
    assert await definition(client, ws, REPORT_PY, 7, 30) == [("mixed/scripts/lib/client.py", 24, 8, 14)]


async def test_hover_and_references_in_go_and_typescript(client: LanguageClient, mixed: Workspace) -> None:
    ws = mixed
    hover = await client.text_document_hover_async(lsp.HoverParams(text_document=doc(ws, ORDERS_GO),
                                                                   position=P(20, 18)))
    assert hover is not None and isinstance(hover.contents, lsp.MarkupContent)
    assert hover.contents.value == ("**Method** `Orders.Add`\n\n```go\nfunc (o *Orders) Add(total float64) int\n```\n\n"
                                    "Add appends an order and returns its id.\n\n"
                                    "`api/store/store.go:19` · 1 caller · 1 reference")
    assert hover.range == lsp.Range(start=P(20, 17), end=P(20, 20))
    refs = await client.text_document_references_async(lsp.ReferenceParams(
        text_document=doc(ws, CLIENT_TS), position=P(11, 9), context=lsp.ReferenceContext(include_declaration=True)))
    assert spans(refs) == [("mixed/web/src/api/client.ts", 11, 8, 12), ("mixed/web/src/summary.ts", 10, 30, 34)]
    refs = await client.text_document_references_async(lsp.ReferenceParams(
        text_document=doc(ws, SUMMARY), position=P(4, 17), context=lsp.ReferenceContext(include_declaration=False)))
    assert spans(refs) == [("mixed/web/src/summary.ts", 12, 42, 45)]


async def test_document_symbols_of_typescript_and_go(client: LanguageClient, mixed: Workspace) -> None:
    ws = mixed

    async def tree(where: tuple[str, str]) -> list[Any]:
        def walk(items: Any) -> list[Any]:
            return [(s.name, s.kind, s.selection_range.start.line, s.selection_range.start.character,
                     walk(s.children)) for s in items or []]
        return walk(await client.text_document_document_symbol_async(lsp.DocumentSymbolParams(
            text_document=doc(ws, where))))

    K = lsp.SymbolKind
    assert await tree(CLIENT_TS) == [
        ("Order", K.Interface, 1, 17, [("id", K.Property, 2, 2, []), ("total", K.Property, 3, 2, [])]),
        ("OrdersClient", K.Class, 7, 13, [("constructor", K.Constructor, 8, 2, []), ("baseUrl", K.Field, 8, 31, []),
                                          ("list", K.Method, 11, 8, []), ("get", K.Method, 17, 16, [])])]
    assert await tree(ORDERS_GO) == [
        ("OrderHandler", K.Struct, 11, 5, [("Orders", K.Field, 12, 1, []), ("ServeHTTP", K.Method, 16, 22, [])])]


async def test_workspace_symbol_spans_the_languages(client: LanguageClient, mixed: Workspace) -> None:
    found = await client.workspace_symbol_async(lsp.WorkspaceSymbolParams(query="Orders"))
    got = [(s.name, s.container_name, s.location.uri.rsplit("/repos/", 1)[1]) for s in found or []]
    assert got[:3] == [("Orders", "OrderHandler", "mixed/api/handlers/orders.go"),
                       ("Orders", "api/store/store.go", "mixed/api/store/store.go"),
                       ("orders", "ApiClient", "mixed/scripts/lib/client.py")]
    assert ("OrdersClient", "web/src/api/client.ts", "mixed/web/src/api/client.ts") in got


async def test_an_indexed_workspace_answers_at_once_without_background_indexing(
        client: LanguageClient, mixed: Workspace) -> None:
    # The first request of the module already had its answer; the server never started indexing.
    assert client.progress_reports == {}
    assert client.messages == []
