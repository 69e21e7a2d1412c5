"""Every read method of ``graph lsp`` on the fixture repos, with exact answers, on both stores."""

from __future__ import annotations

import pytest
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from tests.lsp.conftest import Workspace

pytestmark = pytest.mark.asyncio(loop_scope="module")

ORDERS = ("shop", "shop/orders.py")
MODELS = ("shop", "shop/models.py")


def doc(ws: Workspace, where: tuple[str, str]) -> lsp.TextDocumentIdentifier:
    return lsp.TextDocumentIdentifier(uri=ws.uri(*where))


def loc(ws: Workspace, where: tuple[str, str], line: int, start: int, end: int) -> lsp.Location:
    return lsp.Location(uri=ws.uri(*where), range=lsp.Range(start=lsp.Position(line, start),
                                                            end=lsp.Position(line, end)))


async def test_definition_of_a_call_lands_on_the_name_of_the_method(client: LanguageClient,
                                                                    module_workspace: Workspace) -> None:
    ws = module_workspace
    # `product.discounted(10)`: the cursor in the middle of `discounted`.
    got = await client.text_document_definition_async(lsp.DefinitionParams(
        text_document=doc(ws, ORDERS), position=lsp.Position(23, 16)))
    assert got == [loc(ws, MODELS, 32, 8, 18)]
