"""The GraphQL schema: the areas joined into one ``Query``, with its limits and error codes.

Limits are strawberry extensions: a document may nest at most ``MAX_QUERY_DEPTH`` levels, hold
at most ``MAX_TOKENS`` tokens and ``MAX_ALIASES`` aliases. Every error leaves with a one-line
message and ``extensions.code`` (see ``api/errors.py``); an unexpected one is logged with its
trace and the client gets only the correlation id to look it up.

Example::

    { callers(symbolId: "sym:repo:shop/shop:shop/models.py#Base.save") {
        items { from { id ... on Symbol { path line } } line column resolution } hasMore } }
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter, SchemaExtension
from strawberry.types import ExecutionContext

from api.auth import RequireKeys
from api.correlation import correlation_id
from api.errors import code_of, message_of
from api.schema.changes import ChangeQueries
from api.schema.ecosystem import EcosystemMutations, EcosystemQueries
from api.schema.events import EventSubscriptions
from api.schema.insights import InsightQueries
from api.schema.projects import ProjectQueries
from api.schema.search import SearchQueries
from api.schema.specs import SpecMutations, SpecQueries
from api.schema.symbols import SymbolQueries
from api.schema.types import External, File, Symbol
from api.schema.views import ViewQueries
from graphsvc.errors import GraphError, InputError

__all__ = ["MAX_ALIASES", "MAX_QUERY_DEPTH", "MAX_TOKENS", "Mutation", "Query", "Subscription", "build_schema"]

MAX_QUERY_DEPTH = 10
MAX_TOKENS = 2000
MAX_ALIASES = 30

log = logging.getLogger("api.graphql")
_TOO_DEEP = re.compile(r"exceeds maximum operation depth of (\d+)")


@strawberry.type(description="Questions about the code graph.")
class Query(ProjectQueries, SymbolQueries, SearchQueries, EcosystemQueries, ViewQueries, SpecQueries,
            InsightQueries, ChangeQueries):
    pass


@strawberry.type(description="Changes to the graph. Every mutation needs an API key when keys are configured.")
class Mutation(EcosystemMutations, SpecMutations):
    pass


@strawberry.type(description="Live updates over WebSocket (graphql-transport-ws).")
class Subscription(EventSubscriptions):
    pass


def _coded(error: GraphQLError) -> GraphQLError:
    original = error.original_error
    if (error.extensions or {}).get("code"):
        code, message = str(error.extensions["code"]), error.message  # already coded (api/auth.py)
    elif original is not None and not isinstance(original, GraphQLError):
        code, message = code_of(original), message_of(original, correlation_id())
    elif (deep := _TOO_DEEP.search(error.message)) is not None:
        code = "QUERY_TOO_DEEP"
        message = (f"the query nests deeper than {deep.group(1)} levels"
                   " — ask for fewer nested fields, or follow up with a second query")
    else:
        code = "GRAPHQL_PARSE_FAILED" if error.message.startswith("Syntax Error") else "GRAPHQL_VALIDATION_FAILED"
        message = error.message
    return GraphQLError(message, nodes=error.nodes, source=error.source, positions=error.positions,
                        path=error.path, original_error=None, extensions={**(error.extensions or {}), "code": code})


class ErrorCodes(SchemaExtension):
    """Give every error a code and a clear one-line message; never a trace or an internal detail."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = [_coded(e) for e in errors]  # type: ignore[union-attr]


class GraphSchema(strawberry.Schema):
    """The schema, logging expected errors in one line and unexpected ones with their trace."""

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        for error in errors:
            original = error.original_error
            if original is None or isinstance(original, (GraphQLError, InputError)):
                log.info("graphql: %s", error.message)
            elif isinstance(original, GraphError):
                log.warning("graphql: %s", error.message)
            else:
                log.error("graphql: unexpected error at %s", ".".join(map(str, error.path or [])), exc_info=original)


def build_schema() -> strawberry.Schema:
    """The schema with its limits."""
    return GraphSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[Symbol, File, External],
        # Factories, not instances: each request gets fresh extension state.
        extensions=[
            lambda: QueryDepthLimiter(max_depth=MAX_QUERY_DEPTH),
            lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
            lambda: MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
            RequireKeys,
            ErrorCodes,
        ],
    )
