"""Every read method of ``graph lsp`` on the fixture repos, with exact answers, on both stores.

Positions are LSP's: 0-based lines, characters in UTF-16 code units.
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient, client_capabilities

from tests.lsp.conftest import Workspace, start_client, stop_client

pytestmark = pytest.mark.asyncio(loop_scope="module")

ORDERS = ("shop", "shop/orders.py")
MODELS = ("shop", "shop/models.py")
TESTS = ("shop", "tests/test_orders.py")
GREETING = ("shop", "shop/greeting.py")
LOG = ("shop", "shop/util/log.py")
VIEWS = ("shop", "shop/views.py")
RUN = ("toolkit", "scripts/run.py")
ENGINE = ("toolkit", "src/toolkit/core/engine.py")
P = lsp.Position


def doc(ws: Workspace, where: tuple[str, str]) -> lsp.TextDocumentIdentifier:
    return lsp.TextDocumentIdentifier(uri=ws.uri(*where))


def rng(line: int, start: int, end: int, end_line: int | None = None) -> lsp.Range:
    return lsp.Range(start=P(line, start), end=P(line if end_line is None else end_line, end))


def loc(ws: Workspace, where: tuple[str, str], line: int, start: int, end: int) -> lsp.Location:
    return lsp.Location(uri=ws.uri(*where), range=rng(line, start, end))


def spans(items: Any) -> list[tuple[str, int, int, int]]:
    return [(i.uri.rsplit("/repos/", 1)[1], i.range.start.line, i.range.start.character, i.range.end.character)
            for i in items]


async def definition(client: LanguageClient, ws: Workspace, where: tuple[str, str], line: int,
                     ch: int) -> list[lsp.Location]:
    got = await client.text_document_definition_async(lsp.DefinitionParams(text_document=doc(ws, where),
                                                                           position=P(line, ch)))
    assert isinstance(got, list)
    return got


async def test_definition_of_a_method_call_lands_on_the_method_name(client: LanguageClient,
                                                                    module_workspace: Workspace) -> None:
    ws = module_workspace
    # `    product.discounted(10)`: the cursor in the middle of `discounted`.
    assert await definition(client, ws, ORDERS, 23, 16) == [loc(ws, MODELS, 32, 8, 18)]
    # The name under the cursor decides, not the line: `product` on the same line is a local.
    assert await definition(client, ws, ORDERS, 23, 6) == []


async def test_definition_crosses_repos_and_follows_imports(client: LanguageClient,
                                                            module_workspace: Workspace) -> None:
    ws = module_workspace
    # scripts/run.py `    Engine().run()` → the method in another file of the toolkit repo.
    assert await definition(client, ws, RUN, 7, 14) == [loc(ws, ENGINE, 13, 8, 11)]
    # `from .util.fmt import money as fmt_money`: the imported name.
    assert await definition(client, ws, ORDERS, 8, 23) == [loc(ws, ("shop", "shop/util/fmt.py"), 0, 4, 9)]
    # On a definition's own name: itself.
    assert await definition(client, ws, MODELS, 3, 8) == [loc(ws, MODELS, 3, 6, 10)]


async def test_definition_on_whitespace_a_keyword_or_an_external_is_empty(client: LanguageClient,
                                                                          module_workspace: Workspace) -> None:
    ws = module_workspace
    assert await definition(client, ws, ORDERS, 1, 0) == []  # an empty line
    assert await definition(client, ws, ORDERS, 23, 3) == []  # indentation
    assert await definition(client, ws, ORDERS, 37, 5) == []  # `return`
    assert await definition(client, ws, ORDERS, 31, 10) == []  # json.dumps: outside the indexed repos
    assert await definition(client, ws, ORDERS, 400, 0) == []  # past the end of the file
    outside = lsp.TextDocumentIdentifier(uri=(ws.root / "elsewhere.py").as_uri())
    got = await client.text_document_definition_async(lsp.DefinitionParams(text_document=outside, position=P(0, 0)))
    assert got == []


async def test_utf16_positions_on_a_line_with_non_ascii_text(client: LanguageClient,
                                                             module_workspace: Workspace) -> None:
    ws = module_workspace
    # `    message = "crème brûlée ✓ 🍰 " + name; log(message)`: `log` starts at UTF-16 character 43
    # (byte 50: è, û, é take two bytes, ✓ three, 🍰 four bytes and two UTF-16 units).
    for ch in (43, 44, 45):
        assert await definition(client, ws, GREETING, 4, ch) == [loc(ws, LOG, 0, 4, 7)]
    assert await definition(client, ws, GREETING, 4, 46) == []  # `(`
    refs = await client.text_document_references_async(lsp.ReferenceParams(
        text_document=doc(ws, LOG), position=P(0, 5), context=lsp.ReferenceContext(include_declaration=False)))
    assert (ws.uri(*GREETING), rng(4, 43, 46)) in [(r.uri, r.range) for r in refs or []]
    hover = await client.text_document_hover_async(lsp.HoverParams(text_document=doc(ws, GREETING),
                                                                   position=P(4, 44)))
    assert hover is not None and hover.range == rng(4, 43, 46)


async def test_a_client_that_offers_utf8_gets_byte_columns(module_workspace: Workspace) -> None:
    ws = module_workspace
    caps = attrs.evolve(client_capabilities("visual-studio-code"), general=lsp.GeneralClientCapabilities(
        position_encodings=[lsp.PositionEncodingKind.Utf8]))
    c = await start_client(ws, capabilities=caps)
    try:
        # `log` starts at byte 50 of the greeting's line (UTF-16 character 43).
        assert await definition(c, ws, GREETING, 4, 51) == [loc(ws, LOG, 0, 4, 7)]
        refs = await c.text_document_references_async(lsp.ReferenceParams(
            text_document=doc(ws, LOG), position=P(0, 5), context=lsp.ReferenceContext(include_declaration=False)))
        assert (ws.uri(*GREETING), rng(4, 50, 53)) in [(r.uri, r.range) for r in refs or []]
    finally:
        await stop_client(c)


async def test_declaration_of_an_overriding_method_is_the_base_method(client: LanguageClient,
                                                                      module_workspace: Workspace) -> None:
    ws = module_workspace
    got = await client.text_document_declaration_async(lsp.DeclarationParams(text_document=doc(ws, MODELS),
                                                                             position=P(40, 9)))
    assert got == [loc(ws, MODELS, 6, 8, 12)]
    # A method that overrides nothing is declared where it is defined.
    got = await client.text_document_declaration_async(lsp.DeclarationParams(text_document=doc(ws, ORDERS),
                                                                             position=P(20, 11)))
    assert got == [loc(ws, ORDERS, 45, 8, 14)]


async def test_references_with_and_without_the_declaration(client: LanguageClient,
                                                           module_workspace: Workspace) -> None:
    ws = module_workspace

    async def refs(include: bool) -> list[lsp.Location]:
        got = await client.text_document_references_async(lsp.ReferenceParams(
            text_document=doc(ws, ORDERS), position=P(45, 10), context=lsp.ReferenceContext(include_declaration=include)))
        return list(got or [])

    calls = [loc(ws, ORDERS, 20, 10, 16), loc(ws, TESTS, 11, 25, 31)]
    assert await refs(False) == calls
    assert await refs(True) == [loc(ws, ORDERS, 45, 8, 14), *calls]
    # A class: its calls, its use in an annotation, and the import in the tests.
    got = await client.text_document_references_async(lsp.ReferenceParams(
        text_document=doc(ws, ORDERS), position=P(41, 7), context=lsp.ReferenceContext(include_declaration=False)))
    assert spans(got) == [("shop/shop/orders.py", 18, 12, 17), ("shop/shop/orders.py", 55, 18, 23),
                          ("shop/tests/test_orders.py", 2, 24, 29), ("shop/tests/test_orders.py", 11, 15, 20)]


async def test_implementation_lists_subclasses_and_overriding_methods(client: LanguageClient,
                                                                      module_workspace: Workspace) -> None:
    ws = module_workspace
    got = await client.text_document_implementation_async(lsp.ImplementationParams(text_document=doc(ws, MODELS),
                                                                                   position=P(3, 7)))
    assert got == [loc(ws, MODELS, 39, 6, 14), loc(ws, MODELS, 14, 6, 13)]
    got = await client.text_document_implementation_async(lsp.ImplementationParams(text_document=doc(ws, MODELS),
                                                                                   position=P(6, 9)))
    assert got == [loc(ws, MODELS, 40, 8, 12)]
    # toolkit: Runner.execute is not overridden; Runner is extended by Engine in another file.
    base = ("toolkit", "src/toolkit/core/base.py")
    got = await client.text_document_implementation_async(lsp.ImplementationParams(text_document=doc(ws, base),
                                                                                   position=P(3, 8)))
    assert got == [loc(ws, ENGINE, 9, 6, 12)]


async def test_call_hierarchy_incoming_and_outgoing(client: LanguageClient, module_workspace: Workspace) -> None:
    ws = module_workspace
    items = await client.text_document_prepare_call_hierarchy_async(lsp.CallHierarchyPrepareParams(
        text_document=doc(ws, ORDERS), position=P(45, 9)))
    assert items is not None and len(items) == 1
    item = items[0]
    assert (item.name, item.kind, item.uri, item.range, item.selection_range, item.detail) == (
        "submit", lsp.SymbolKind.Method, ws.uri(*ORDERS), rng(45, 4, 30, 46), rng(45, 8, 14),
        "Order.submit · shop/orders.py")
    incoming = await client.call_hierarchy_incoming_calls_async(lsp.CallHierarchyIncomingCallsParams(item=item))
    assert [(c.from_.name, c.from_.uri, c.from_.selection_range, list(c.from_ranges)) for c in incoming or []] == [
        ("checkout", ws.uri(*ORDERS), rng(12, 4, 12), [rng(20, 10, 16)]),
        ("test_submit", ws.uri(*TESTS), rng(10, 8, 19), [rng(11, 25, 31)]),
    ]
    outgoing = await client.call_hierarchy_outgoing_calls_async(lsp.CallHierarchyOutgoingCallsParams(item=item))
    assert [(c.to.name, c.to.selection_range, list(c.from_ranges)) for c in outgoing or []] == [
        ("validate", rng(49, 8, 16), [rng(46, 20, 28)])]
    # checkout's outgoing calls: indexed targets only (externals have no location), in source order.
    items = await client.text_document_prepare_call_hierarchy_async(lsp.CallHierarchyPrepareParams(
        text_document=doc(ws, ORDERS), position=P(12, 6)))
    outgoing = await client.call_hierarchy_outgoing_calls_async(
        lsp.CallHierarchyOutgoingCallsParams(item=(items or [])[0]))
    assert [(c.to.name, [r.start.line for r in c.from_ranges]) for c in outgoing or []] == [
        ("Order", [18]), ("submit", [20]), ("Product", [22]), ("discounted", [23]), ("Customer", [25]),
        ("save", [25]), ("log", [27]), ("money", [27]), ("total", [27])]


async def test_type_hierarchy_supertypes_and_subtypes(client: LanguageClient, module_workspace: Workspace) -> None:
    ws = module_workspace
    items = await client.text_document_prepare_type_hierarchy_async(lsp.TypeHierarchyPrepareParams(
        text_document=doc(ws, MODELS), position=P(14, 8)))
    assert [(i.name, i.kind, i.selection_range) for i in items or []] == [
        ("Product", lsp.SymbolKind.Class, rng(14, 6, 13))]
    supers = await client.type_hierarchy_supertypes_async(lsp.TypeHierarchySupertypesParams(item=(items or [])[0]))
    assert [(i.name, i.uri, i.range, i.selection_range) for i in supers or []] == [
        ("Base", ws.uri(*MODELS), rng(3, 0, 19, 11), rng(3, 6, 10))]
    subs = await client.type_hierarchy_subtypes_async(lsp.TypeHierarchySubtypesParams(item=(supers or [])[0]))
    assert [(i.name, i.selection_range) for i in subs or []] == [("Customer", rng(39, 6, 14)),
                                                                  ("Product", rng(14, 6, 13))]
    # Not a type: nothing to prepare.
    items = await client.text_document_prepare_type_hierarchy_async(lsp.TypeHierarchyPrepareParams(
        text_document=doc(ws, MODELS), position=P(6, 9)))
    assert not items


async def test_document_symbols_form_a_tree(client: LanguageClient, module_workspace: Workspace) -> None:
    ws = module_workspace
    got = await client.text_document_document_symbol_async(lsp.DocumentSymbolParams(text_document=doc(ws, ORDERS)))

    def tree(syms: Any) -> list[Any]:
        return [(s.name, s.kind, s.selection_range.start.line, tree(s.children or [])) for s in syms]

    F, M, C = lsp.SymbolKind.Function, lsp.SymbolKind.Method, lsp.SymbolKind.Class
    assert tree(got) == [
        ("checkout", F, 12, [("total", F, 15, [])]),
        ("Order", C, 41, [("__init__", M, 42, []), ("submit", M, 45, []), ("validate", M, 49, [])]),
        ("report", F, 55, []),
    ]
    first = (got or [])[0]
    assert isinstance(first, lsp.DocumentSymbol)
    assert (first.range, first.selection_range, first.detail) == (rng(12, 0, 27, 37), rng(12, 4, 12),
                                                                  "def checkout(items)")


async def test_workspace_symbol_is_a_fuzzy_search(client: LanguageClient, module_workspace: Workspace) -> None:
    ws = module_workspace
    got = await client.workspace_symbol_async(lsp.WorkspaceSymbolParams(query="prodct"))
    assert [(s.name, s.kind, s.location.uri, s.location.range) for s in got or []
            if isinstance(s, lsp.SymbolInformation)] == [("Product", lsp.SymbolKind.Class, ws.uri(*MODELS),
                                                          rng(14, 6, 13))]
    got = await client.workspace_symbol_async(lsp.WorkspaceSymbolParams(query="Engine.prepare"))
    assert [(s.name, s.location.uri, s.location.range.start.line) for s in got or []][:1] == [
        ("prepare", ws.uri(*ENGINE), 24)]
    assert await client.workspace_symbol_async(lsp.WorkspaceSymbolParams(query="")) == []


async def test_hover_shows_kind_signature_doc_path_and_counts(client: LanguageClient,
                                                              module_workspace: Workspace) -> None:
    ws = module_workspace
    hover = await client.text_document_hover_async(lsp.HoverParams(text_document=doc(ws, ORDERS), position=P(25, 24)))
    assert hover is not None and isinstance(hover.contents, lsp.MarkupContent)
    assert hover.contents.value == ("**Method** `Customer.save`\n\n```python\ndef save(self)\n```\n\n"
                                    "`shop/models.py:41` · 2 callers · 2 references")
    assert hover.range == rng(25, 22, 26)
    hover = await client.text_document_hover_async(lsp.HoverParams(text_document=doc(ws, ORDERS), position=P(12, 5)))
    assert hover is not None and isinstance(hover.contents, lsp.MarkupContent)
    assert hover.contents.value == ("**Function** `checkout`\n\n```python\ndef checkout(items)\n```\n\n"
                                    "Check out a list of products and return the receipt text.\n\n"
                                    "`shop/orders.py:13` · 1 caller · 3 references")
    assert await client.text_document_hover_async(lsp.HoverParams(text_document=doc(ws, ORDERS),
                                                                  position=P(1, 0))) is None


async def test_hover_labels_a_guess_with_its_candidates(client: LanguageClient, module_workspace: Workspace) -> None:
    ws = module_workspace
    hover = await client.text_document_hover_async(lsp.HoverParams(text_document=doc(ws, VIEWS), position=P(5, 22)))
    assert hover is not None and isinstance(hover.contents, lsp.MarkupContent)
    assert hover.contents.value == (
        "**External** `django.views.View.dispatch`\n\n`ext:python:django.views.View.dispatch` · 1 caller · "
        "1 reference\n\n**heuristic**: a guess among 2 candidates, confidence 0.5; this one: "
        "`ext:python:django.views.View.dispatch`")
    # A guess has no place to jump to when it is outside the indexed repos.
    assert await definition(client, ws, VIEWS, 5, 22) == []


async def test_code_lenses_count_callers_and_references(client: LanguageClient,
                                                        module_workspace: Workspace) -> None:
    ws = module_workspace
    lenses = await client.text_document_code_lens_async(lsp.CodeLensParams(text_document=doc(ws, MODELS)))
    got = [(lens.range.start.line, lens.range.start.character, lens.command.title if lens.command else None)
           for lens in lenses or []]
    assert got[:4] == [(3, 6, "0 callers · 2 references"), (6, 8, "1 caller · 1 reference"),
                       (10, 8, "1 caller · 1 reference"), (14, 6, "1 caller · 3 references")]
    assert (40, 8, "2 callers · 2 references") in got
    assert len(got) == 12  # every symbol but the module
