"""Errors as clients see them: a one-line message and a stable code, never a stack trace.

=========================  ====  =======================================================
code                       HTTP  when
=========================  ====  =======================================================
NOT_FOUND                  404   an unknown id, file or position (``NotFound``)
LIMIT_EXCEEDED             400   a page size, depth or graph size over its bound
BAD_USER_INPUT             400   any other bad input (``InputError``)
UNAUTHENTICATED            401   no valid API key where one is needed (``api/auth.py``)
QUERY_TOO_DEEP             400   a GraphQL document nested deeper than the depth limit
GRAPHQL_PARSE_FAILED       400   a GraphQL document that does not parse
GRAPHQL_VALIDATION_FAILED  400   a GraphQL document that does not validate
STORE_UNAVAILABLE          503   the store cannot be opened or reached
STORE_ERROR                503   the store refused a query
INTERNAL_SERVER_ERROR      500   anything else; the message names the correlation id to look up
=========================  ====  =======================================================
"""

from __future__ import annotations

from graphsvc.errors import GraphError, InputError, QueryError, StoreError, StoreUnavailable

__all__ = ["HTTP_STATUS", "code_of", "internal_message", "message_of"]

HTTP_STATUS = {
    "NOT_FOUND": 404,
    "LIMIT_EXCEEDED": 400,
    "BAD_USER_INPUT": 400,
    "UNAUTHENTICATED": 401,
    "QUERY_TOO_DEEP": 400,
    "GRAPHQL_PARSE_FAILED": 400,
    "GRAPHQL_VALIDATION_FAILED": 400,
    "STORE_UNAVAILABLE": 503,
    "STORE_ERROR": 503,
    "INTERNAL_SERVER_ERROR": 500,
}


def code_of(exc: BaseException) -> str:
    """The client-facing code of an exception."""
    if isinstance(exc, QueryError):
        return exc.code
    if isinstance(exc, InputError):
        return "BAD_USER_INPUT"
    if isinstance(exc, StoreUnavailable):
        return "STORE_UNAVAILABLE"
    if isinstance(exc, StoreError):
        return "STORE_ERROR"
    return "INTERNAL_SERVER_ERROR"


def internal_message(correlation_id: str) -> str:
    """What a client is told about an unexpected failure: where to look, not what broke."""
    return f"internal error — the server log has the details under correlation id {correlation_id}"


def message_of(exc: BaseException, correlation_id: str) -> str:
    """The client-facing message of an exception: a GraphError's line, else a pointer to the log."""
    if isinstance(exc, GraphError) and code_of(exc) != "INTERNAL_SERVER_ERROR":
        return exc.line()
    return internal_message(correlation_id)
