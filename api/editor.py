"""Plain JSON endpoints for editors: go to definition, find references, search.

::

    GET /api/definition?repo=shop/shop&path=shop/orders.py&line=28&col=8
    GET /api/references?symbol=sym:repo:shop/shop:shop/models.py#Base.save&limit=50&offset=0
    GET /api/search?q=prodct&scope=SYMBOLS&limit=20

Positions are 1-based lines and 0-based byte columns, as everywhere in the graph. Keys are
camelCase, as in GraphQL. An error answers ``{"error": {"message": …, "code": …}}`` with the
HTTP status of its code (``api/errors.py``).
"""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from api.context import StoreAccess
from api.correlation import correlation_id
from api.errors import HTTP_STATUS, code_of, message_of
from graphsvc.errors import GraphError
from queries import graph
from queries import search as search_

__all__ = ["error_body", "error_response", "router"]

log = logging.getLogger("api.editor")
router = APIRouter(prefix="/api", tags=["editor"])


def error_body(exc: BaseException) -> tuple[dict[str, Any], int]:
    """The JSON body and HTTP status for an error, logged once (with its trace when unexpected)."""
    code = code_of(exc)
    if code == "INTERNAL_SERVER_ERROR":
        log.error("unexpected error", exc_info=exc)
    else:
        log.info("%s: %s", code, exc)
    return {"error": {"message": message_of(exc, correlation_id()), "code": code}}, HTTP_STATUS[code]


def error_response(exc: BaseException) -> JSONResponse:
    """The JSON answer for an error."""
    body, status = error_body(exc)
    return JSONResponse(body, status_code=status)


async def _answer(request: Request, fn: Any, *args: Any) -> Any:
    access: StoreAccess = request.app.state.store_access
    services = getattr(request.app.state, "services", None)
    if services is not None:
        try:
            services.keys.require(request.headers.get("authorization"), write=False)
        except GraphError as exc:
            return error_response(exc)
    session = access.session()
    try:
        return graph.as_data(await session.run(fn, *args))
    except Exception as exc:  # the boundary: every failure leaves as one coded JSON error
        return error_response(exc)
    finally:
        await session.aclose()


@router.get("/definition", summary="What the name at a position refers to")
async def definition(request: Request, repo: str, path: str, line: Annotated[int, Query(ge=1)],
                     col: Annotated[int, Query(ge=0)]) -> Any:
    """The target of the reference at ``line``/``col`` (or the symbol defined there), with the reference."""
    return await _answer(request, graph.definition, repo, path, line, col)


@router.get("/references", summary="Every reference to a symbol, file or external")
async def references(request: Request, symbol: str, limit: int = graph.DEFAULT_PAGE, offset: int = 0) -> Any:
    """One page of the calls, uses, base-class mentions and imports of ``symbol``."""
    try:
        win = graph.window(limit, offset)
    except GraphError as exc:
        return error_response(exc)
    return await _answer(request, graph.references, symbol, win)


@router.get("/search", summary="Symbols and files by name")
async def search(request: Request, q: str, scope: Annotated[list[str] | None, Query()] = None,
                 limit: int = search_.DEFAULT_LIMIT) -> Any:
    """Exact, prefix, word and fuzzy matches of ``q``, best first, with scores."""
    return await _answer(request, search_.search, q, scope, limit)
