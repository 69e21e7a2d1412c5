"""The HTTP service: GraphQL at ``/graphql`` (GraphiQL in a browser), editor endpoints, health checks,
and the visualization client at ``/`` (the built bundle in ``api/static/``, source in ``api/web/``).

Example::

    app = create_app(Settings(store="ladybug:///tmp/graph.lbug"))
    uvicorn.run(app, host="127.0.0.1", port=8000)

``/healthz`` answers while the process runs; ``/readyz`` answers 200 when the store answers a
query and 503 (with the reason) when it does not. While the app runs it probes the ``healthUrl`` of
the graph's services every ``health_interval`` seconds (``graphsvc/health.py``). Every response carries ``X-Correlation-ID``
(``api/correlation.py``).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from strawberry.fastapi import GraphQLRouter

from api.collector import Collector, CollectorMiddleware
from api.context import GraphContext, StoreAccess
from api.correlation import CorrelationIdMiddleware, install_log_records
from api.editor import error_body
from api.editor import router as editor_router
from api.schema import build_schema
from api.services import Services
from graphsvc.health import HealthMonitor
from graphsvc.settings import Settings
from queries import graph

__all__ = ["create_app"]

log = logging.getLogger("api")
STATIC = Path(__file__).resolve().parent / "static"


def create_app(settings: Settings) -> FastAPI:
    """The FastAPI app serving the store the settings name."""
    install_log_records()
    access = StoreAccess(settings)
    services = Services(settings)

    async def read(fn: Any) -> Any:
        session = access.session()
        try:
            return await session.run(fn)
        finally:
            await session.aclose()

    monitor = HealthMonitor(settings, read)
    collector = Collector()  # full garbage collections out of the request path (api/collector.py)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        monitor.start()  # probes the services' health URLs every `health_interval` seconds (0: never)
        collector.start()
        yield
        await collector.stop()
        await monitor.stop()
        await services.close()
        access.close()

    app = FastAPI(title="graphsvc", summary="A code knowledge graph.", version="0.1.0", lifespan=lifespan)
    app.state.store_access = access
    app.state.services = services
    app.state.health = monitor
    app.add_middleware(CorrelationIdMiddleware)
    app.add_middleware(CollectorMiddleware, collector=collector)

    async def context() -> AsyncIterator[GraphContext]:
        session = access.session()
        try:
            yield GraphContext(session, services)
        finally:
            await session.aclose()

    app.include_router(GraphQLRouter(build_schema(), graphql_ide="graphiql", context_getter=context),
                       prefix="/graphql")
    app.include_router(editor_router)

    @app.get("/healthz", tags=["health"], summary="The process is up")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", tags=["health"], summary="The store answers")
    async def readyz() -> Any:
        session = access.session()
        try:
            await session.run(graph.projects, graph.Window(offset=0, limit=1))
        except Exception as exc:  # any failure to answer means not ready
            body, _ = error_body(exc)
            return JSONResponse({"status": "unavailable", **body}, status_code=503)
        finally:
            await session.aclose()
        return {"status": "ready"}

    # Last, so that every route above wins over a file of the same name.
    app.mount("/", StaticFiles(directory=STATIC, html=True), name="client")
    return app
