"""``graph lsp`` keeps up with the editor: unsaved buffers, saves, files deleted on disk, a
workspace indexed for the first time, and a store that goes away — on both stores."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
import pytest_asyncio
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from graphsvc.settings import Settings
from tests.lsp.conftest import Workspace, make_workspace, start_client, stop_client

pytestmark = pytest.mark.asyncio(loop_scope="function")

ORDERS = ("shop", "shop/orders.py")
MODELS = ("shop", "shop/models.py")
TESTS = ("shop", "tests/test_orders.py")
P = lsp.Position
T = TypeVar("T")


def rng(line: int, start: int, end: int) -> lsp.Range:
    return lsp.Range(start=P(line, start), end=P(line, end))


@pytest.fixture
def ws(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Workspace:
    return make_workspace(backend, request, tmp_path, index=("shop",))


@pytest_asyncio.fixture
async def client(ws: Workspace) -> AsyncIterator[LanguageClient]:
    c = await start_client(ws, folders=("shop",))
    yield c
    await stop_client(c)


async def eventually(ask: Callable[[], Awaitable[T]], ok: Callable[[T], bool], timeout: float = 20.0) -> T:
    """Ask until the answer is ``ok`` (for changes only the server's file watcher sees)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        got = await ask()
        if ok(got) or loop.time() > deadline:
            return got
        await asyncio.sleep(0.1)


def open_doc(client: LanguageClient, ws: Workspace, where: tuple[str, str]) -> str:
    text = ws.path(*where).read_text(encoding="utf-8")
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(text_document=lsp.TextDocumentItem(
        uri=ws.uri(*where), language_id="python", version=1, text=text)))
    return text


def change_doc(client: LanguageClient, ws: Workspace, where: tuple[str, str], text: str, version: int) -> None:
    client.text_document_did_change(lsp.DidChangeTextDocumentParams(
        text_document=lsp.VersionedTextDocumentIdentifier(uri=ws.uri(*where), version=version),
        content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)]))


async def definition(client: LanguageClient, ws: Workspace, where: tuple[str, str], line: int,
                     ch: int) -> list[tuple[str, lsp.Range]]:
    got = await client.text_document_definition_async(lsp.DefinitionParams(
        text_document=lsp.TextDocumentIdentifier(uri=ws.uri(*where)), position=P(line, ch)))
    return [(g.uri.rsplit("/repos/", 1)[1], g.range) for g in got or [] if isinstance(g, lsp.Location)]


async def callers_of_validate(client: LanguageClient, ws: Workspace) -> list[str]:
    items = await client.text_document_prepare_call_hierarchy_async(lsp.CallHierarchyPrepareParams(
        text_document=lsp.TextDocumentIdentifier(uri=ws.uri(*ORDERS)), position=P(49, 10)))
    assert items, "Order.validate should prepare a call hierarchy item"
    calls = await client.call_hierarchy_incoming_calls_async(lsp.CallHierarchyIncomingCallsParams(item=items[0]))
    return [c.from_.name for c in calls or []]


async def test_an_unsaved_edit_that_moves_a_function_down_ten_lines(client: LanguageClient, ws: Workspace) -> None:
    text = open_doc(client, ws, ORDERS)
    lines = text.split("\n")
    edited = "\n".join(lines[:12] + ["# a comment line"] * 10 + lines[12:])
    change_doc(client, ws, ORDERS, edited, 2)
    # `    order.submit()` moved from line 20 to 30; Order.submit itself from 45 to 55 (in this buffer).
    assert await definition(client, ws, ORDERS, 30, 11) == [("shop/shop/orders.py", rng(55, 8, 14))]
    # A target in another, unedited file is where the graph has it.
    assert await definition(client, ws, ORDERS, 33, 16) == [("shop/shop/models.py", rng(32, 8, 18))]
    # Imports above the moved function did not move.
    assert await definition(client, ws, ORDERS, 8, 23) == [("shop/shop/util/fmt.py", rng(0, 4, 9))]
    refs = await client.text_document_references_async(lsp.ReferenceParams(
        text_document=lsp.TextDocumentIdentifier(uri=ws.uri(*ORDERS)), position=P(55, 10),
        context=lsp.ReferenceContext(include_declaration=True)))
    assert [(r.uri.rsplit("/repos/", 1)[1], r.range) for r in refs or []] == [
        ("shop/shop/orders.py", rng(55, 8, 14)), ("shop/shop/orders.py", rng(30, 10, 16)),
        ("shop/tests/test_orders.py", rng(11, 25, 31))]
    symbols = await client.text_document_document_symbol_async(lsp.DocumentSymbolParams(
        text_document=lsp.TextDocumentIdentifier(uri=ws.uri(*ORDERS))))
    assert [(s.name, s.selection_range.start.line) for s in symbols or []] == [
        ("checkout", 22), ("Order", 51), ("report", 65)]
    # The file on disk and the graph did not change: another document still sees the old lines.
    assert await definition(client, ws, TESTS, 11, 27) == [("shop/shop/orders.py", rng(55, 8, 14))]


async def test_a_save_that_adds_a_caller(client: LanguageClient, ws: Workspace) -> None:
    assert await callers_of_validate(client, ws) == ["submit"]
    text = open_doc(client, ws, TESTS)
    edited = text.replace("        assert Order([]).submit() is False\n",
                          "        assert Order([]).submit() is False\n        Order([]).validate()\n")
    assert edited != text
    change_doc(client, ws, TESTS, edited, 2)
    ws.path(*TESTS).write_text(edited, encoding="utf-8")
    client.text_document_did_save(lsp.DidSaveTextDocumentParams(
        text_document=lsp.TextDocumentIdentifier(uri=ws.uri(*TESTS))))
    # The next request waits for the incremental ingest the save started.
    assert await callers_of_validate(client, ws) == ["submit", "test_submit"]
    lenses = await client.text_document_code_lens_async(lsp.CodeLensParams(
        text_document=lsp.TextDocumentIdentifier(uri=ws.uri(*ORDERS))))
    assert [lens.command.title for lens in lenses or [] if lens.command and lens.range.start.line == 49] == [
        "2 callers · 2 references"]


async def test_a_file_deleted_on_disk_leaves_the_answers(client: LanguageClient, ws: Workspace) -> None:
    async def refs() -> list[str]:
        got = await client.text_document_references_async(lsp.ReferenceParams(
            text_document=lsp.TextDocumentIdentifier(uri=ws.uri(*ORDERS)), position=P(45, 10),
            context=lsp.ReferenceContext(include_declaration=False)))
        return [r.uri.rsplit("/repos/", 1)[1] for r in got or []]

    assert await refs() == ["shop/shop/orders.py", "shop/tests/test_orders.py"]
    ws.path(*TESTS).unlink()  # no notification: the server's file watcher sees it
    assert await eventually(refs, lambda r: r == ["shop/shop/orders.py"]) == ["shop/shop/orders.py"]
    # A client that reports watched files gets the same, at once.
    ws.path("shop", "shop/util/fmt.py").unlink()
    client.workspace_did_change_watched_files(lsp.DidChangeWatchedFilesParams(changes=[lsp.FileEvent(
        uri=ws.uri("shop", "shop/util/fmt.py"), type=lsp.FileChangeType.Deleted)]))
    assert await definition(client, ws, ORDERS, 8, 23) == []
    # Asking about the deleted file itself: nothing, and no crash.
    assert await definition(client, ws, TESTS, 11, 27) == []
    assert not [m for m in client.messages if m.type == lsp.MessageType.Error]


async def test_an_unindexed_workspace_is_indexed_in_the_background_with_progress(
        backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    ws = make_workspace(backend, request, tmp_path, index=())
    client = await start_client(ws, folders=("shop",), options={"projects": {str(ws.root / "shop"): "market"}})
    try:
        def ended(_: Any) -> bool:
            return any(isinstance(v, lsp.WorkDoneProgressEnd) for vs in client.progress_reports.values() for v in vs)

        async def ask() -> list[tuple[str, lsp.Range]]:
            return await definition(client, ws, ORDERS, 23, 16)

        got = await eventually(ask, lambda g: bool(g) and ended(g), timeout=60)
        assert got == [("shop/shop/models.py", rng(32, 8, 18))]
        reports = next(iter(client.progress_reports.values()))
        assert isinstance(reports[0], lsp.WorkDoneProgressBegin) and reports[0].title == "graphsvc: indexing shop"
        assert isinstance(reports[-1], lsp.WorkDoneProgressEnd)
        hover = await client.text_document_hover_async(lsp.HoverParams(
            text_document=lsp.TextDocumentIdentifier(uri=ws.uri(*ORDERS)), position=P(23, 16)))
        assert hover is not None and isinstance(hover.contents, lsp.MarkupContent)
        assert "`Product.discounted`" in hover.contents.value
        assert not client.messages
    finally:
        await stop_client(client)
    # The folder became the project the client named.
    from graphsvc.store import open_store
    from queries import graph

    with open_store(ws.settings, read_only=True) as store:
        assert list(graph.repo_roots(store)) == ["repo:market/shop"]


async def test_a_store_that_goes_away_answers_nothing_and_says_so(backend: str, ws: Workspace) -> None:
    if backend == "neo4j":
        # A server nobody listens on: the store is unreachable from the start.
        ws = Workspace(root=ws.root, settings=Settings(store="bolt://127.0.0.1:9", neo4j_user="neo4j",
                                                       neo4j_password="x", workers=1))
    client = await start_client(ws, folders=("shop",))
    try:
        if backend == "ladybug":
            assert await definition(client, ws, ORDERS, 23, 16) == [("shop/shop/models.py", rng(32, 8, 18))]
            # Moved away at once, then removed: a request's reader may make its lock files in the
            # directory while a removal in place walks it.
            store_dir = Path(ws.settings.store.removeprefix("ladybug://")).parent
            gone = store_dir.with_name(store_dir.name + ".gone")
            store_dir.rename(gone)
            shutil.rmtree(gone)
        assert await definition(client, ws, ORDERS, 23, 16) == []
        assert await client.workspace_symbol_async(lsp.WorkspaceSymbolParams(query="Product")) == []
        messages = [m for m in client.messages if m.type == lsp.MessageType.Warning]
        assert messages and messages[0].message.startswith("graphsvc: "), client.messages
        # Still serving: a request that needs no store answers.
        assert await client.text_document_hover_async(lsp.HoverParams(
            text_document=lsp.TextDocumentIdentifier(uri=(ws.root / "nowhere.py").as_uri()), position=P(0, 0))) is None
    finally:
        await stop_client(client)
