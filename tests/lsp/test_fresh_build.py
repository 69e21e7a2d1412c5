"""After ``graph lsp`` has taken saves and a deletion, its store equals a fresh build of the same
tree (the canonical export, both stores): the editor's incremental ingest loses and adds nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types as lsp

from graphsvc.ingest.run import ingest
from tests.helpers import diff, export_text
from tests.lsp.conftest import Workspace, copy_fixtures, start_client, stop_client
from tests.lsp.test_freshness import TESTS, callers_of_validate, eventually

pytestmark = pytest.mark.asyncio(loop_scope="function")


async def test_saves_and_a_deletion_leave_the_store_equal_to_a_fresh_build(tmp_path: Path, make_settings: Any) -> None:
    root = copy_fixtures(tmp_path / "repos")
    settings = make_settings()
    ingest(root / "shop", settings)
    ws = Workspace(root=root, settings=settings)
    client = await start_client(ws, folders=("shop",))
    try:
        assert await callers_of_validate(client, ws) == ["submit"]
        # A save that adds a caller.
        tests = ws.path(*TESTS)
        tests.write_text(tests.read_text(encoding="utf-8").replace(
            "        assert Order([]).submit() is False\n",
            "        assert Order([]).submit() is False\n        Order([]).validate()\n"), encoding="utf-8")
        client.text_document_did_save(lsp.DidSaveTextDocumentParams(
            text_document=lsp.TextDocumentIdentifier(uri=ws.uri(*TESTS))))
        assert await callers_of_validate(client, ws) == ["submit", "test_submit"]
        # A new file saved from the editor, calling into the package.
        extra = ws.path("shop", "shop/extra.py")
        extra.write_text("from .orders import Order\n\n\ndef check():\n    return Order([]).validate()\n",
                         encoding="utf-8")
        client.text_document_did_save(lsp.DidSaveTextDocumentParams(
            text_document=lsp.TextDocumentIdentifier(uri=extra.as_uri())))
        assert await callers_of_validate(client, ws) == ["check", "submit", "test_submit"]
        # A file deleted, reported by the client's file watcher.
        fmt = ws.path("shop", "shop/util/fmt.py")
        fmt.unlink()
        client.workspace_did_change_watched_files(lsp.DidChangeWatchedFilesParams(changes=[lsp.FileEvent(
            uri=fmt.as_uri(), type=lsp.FileChangeType.Deleted)]))

        async def fmt_symbols() -> list[str]:
            found = await client.workspace_symbol_async(lsp.WorkspaceSymbolParams(query="money"))
            return [s.location.uri for s in found or [] if s.location.uri.endswith("/util/fmt.py")]

        assert await eventually(fmt_symbols, lambda got: got == []) == []
        assert not [m for m in client.messages if m.type in (lsp.MessageType.Error, lsp.MessageType.Warning)]
    finally:
        await stop_client(client)
    served = export_text(settings)
    fresh = make_settings(fresh=True)
    ingest(root / "shop", fresh)
    rebuilt = export_text(fresh)
    assert served == rebuilt, diff(rebuilt, served, "after the editor's saves vs a fresh build")
