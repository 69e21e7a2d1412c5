"""Live events over WebSocket (graphql-transport-ws): ingest, watch and mutations of every process on the store."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry
from strawberry.scalars import JSON

from api.auth import authorization_of
from api.schema.types import Info

__all__ = ["EventSubscriptions", "GraphEvent"]


@strawberry.type(description="An event: `subject` (e.g. graph.ingest.finished), its JSON payload, the correlation "
                             "id of the run or request that caused it, and when (UTC, ISO 8601).")
class GraphEvent:
    id: str
    subject: str
    payload: JSON
    correlation_id: str
    created_at: str


@strawberry.type
class EventSubscriptions:
    """The event fields of ``Subscription``."""

    @strawberry.subscription(description="Events from now on whose subject matches: exact (`graph.ingest.finished`), "
                                         "a prefix (`graph.ingest.>`), a glob (`graph.*.failed`), or all (omitted); "
                                         "optionally of one correlation id.")
    async def events(self, info: Info, subject: str | None = None,
                     correlation_id: str | None = None) -> AsyncGenerator[GraphEvent, None]:
        services = info.context.services
        services.keys.require(authorization_of(info.context), write=False)
        await info.context.session.aclose()  # a subscription holds no store handle
        async for e in services.feed.subscribe(subject, correlation_id):
            yield GraphEvent(id=e.id, subject=e.subject, payload=e.payload, correlation_id=e.correlation_id,
                             created_at=e.created_at)
