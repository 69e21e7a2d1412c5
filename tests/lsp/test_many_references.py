"""A name called 1,300 times: references and incoming calls list every site, past the read layer's
pages of 500, with UTF-16 positions on lines holding non-ASCII text; on both stores.

The expected answers come from the text of the generated module, not from the graph.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from graphsvc.ingest.run import ingest
from tests.lsp.conftest import Workspace, copy_fixtures, settings_for, start_client, stop_client

pytestmark = pytest.mark.asyncio(loop_scope="module")

HUB = "shop/hub.py"
_CALLERS = 13
_LINES = 50  # lines of calls in each caller, two calls a line


def _hub_module() -> str:
    lines = ["def hub(x=0):", "    return x", ""]
    for c in range(_CALLERS):
        lines += ["", f"def caller_{c}():"]
        for i in range(_LINES):
            # Every fifth line holds a two-unit character (UTF-16) and a three-byte one before its calls.
            prefix = '    s = "🍰✓"; ' if i % 5 == 0 else "    "
            lines.append(f"{prefix}hub({i}); hub(x={i})")
    return "\n".join(lines) + "\n"


def _sites(text: str) -> list[tuple[int, int]]:
    """(0-based line, UTF-16 character) of every call of ``hub`` in ``text``."""
    out = []
    for n, line in enumerate(text.split("\n")):
        at = -1 if line.startswith("def ") else line.find("hub(")
        while at != -1:
            out.append((n, len(line[:at].encode("utf-16-le")) // 2))
            at = line.find("hub(", at + 1)
    return out


@pytest.fixture(scope="module", params=[pytest.param("ladybug", marks=pytest.mark.ladybug),
                                        pytest.param("neo4j", marks=pytest.mark.neo4j)])
def hub_workspace(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    base = tmp_path_factory.mktemp("hub")
    root = copy_fixtures(base / "repos")
    (root / "shop" / HUB).write_text(_hub_module(), encoding="utf-8")
    settings = settings_for(str(request.param), request, base)
    ingest(root / "shop", settings)
    return Workspace(root=root, settings=settings)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def hub_client(hub_workspace: Workspace) -> AsyncIterator[LanguageClient]:
    c = await start_client(hub_workspace, folders=("shop",))
    yield c
    await stop_client(c)


def _range(line: int, character: int) -> lsp.Range:
    return lsp.Range(start=lsp.Position(line, character), end=lsp.Position(line, character + 3))


async def test_references_of_a_name_called_1300_times(hub_client: LanguageClient, hub_workspace: Workspace) -> None:
    path = hub_workspace.path("shop", HUB)
    uri = path.as_uri()
    calls = _sites(path.read_text(encoding="utf-8"))
    assert len(calls) == _CALLERS * _LINES * 2
    got = await hub_client.text_document_references_async(lsp.ReferenceParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(0, 5),
        context=lsp.ReferenceContext(include_declaration=True)))
    assert list(got or []) == [lsp.Location(uri=uri, range=_range(0, 4)),
                   *(lsp.Location(uri=uri, range=_range(line, ch)) for line, ch in calls)]


async def test_incoming_calls_group_1300_calls_by_caller(hub_client: LanguageClient,
                                                         hub_workspace: Workspace) -> None:
    path: Path = hub_workspace.path("shop", HUB)
    uri = path.as_uri()
    text = path.read_text(encoding="utf-8")
    items = await hub_client.text_document_prepare_call_hierarchy_async(lsp.CallHierarchyPrepareParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(0, 5)))
    assert items is not None and len(items) == 1
    incoming = await hub_client.call_hierarchy_incoming_calls_async(
        lsp.CallHierarchyIncomingCallsParams(item=items[0]))
    lines = text.split("\n")
    expected = []
    for c in sorted(range(_CALLERS), key=lambda c: f"caller_{c}"):  # by caller id
        head = lines.index(f"def caller_{c}():")
        ranges = [_range(line, ch) for line, ch in _sites(text) if head < line <= head + _LINES]
        expected.append((f"caller_{c}", _range(head, 4).start, ranges))
    assert [(i.from_.name, i.from_.selection_range.start, list(i.from_ranges)) for i in incoming or []] == expected


async def test_an_open_buffer_wins_over_the_kept_text_of_its_file(hub_client: LanguageClient,
                                                                  hub_workspace: Workspace) -> None:
    path = hub_workspace.path("shop", HUB)
    uri = path.as_uri()

    def params(line: int) -> lsp.ReferenceParams:
        return lsp.ReferenceParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(line, 5),
                                   context=lsp.ReferenceContext(include_declaration=True))

    before = list(await hub_client.text_document_references_async(params(0)) or [])  # the file's text is kept
    assert len(before) == _CALLERS * _LINES * 2 + 1
    hub_client.text_document_did_open(lsp.DidOpenTextDocumentParams(text_document=lsp.TextDocumentItem(
        uri=uri, language_id="python", version=1, text="\n" * 10 + path.read_text(encoding="utf-8"))))
    try:
        moved = await hub_client.text_document_references_async(params(10))  # unsaved: ten lines down
        assert list(moved or []) == [lsp.Location(uri=uri, range=lsp.Range(
            start=lsp.Position(r.range.start.line + 10, r.range.start.character),
            end=lsp.Position(r.range.end.line + 10, r.range.end.character))) for r in before]
    finally:
        hub_client.text_document_did_close(lsp.DidCloseTextDocumentParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri)))
