"""Fixtures of the API tests: the fixture repos ingested once per module and store, and a client.

Ingesting both fixture repos takes seconds, so a module ingests them once per backend
(module-scoped, parametrized like ``store_settings``) and its tests only read. Tests that write
use ``make_settings`` in a module of their own: it wipes the shared Neo4j.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from api.app import create_app
from graphsvc.ingest.run import ingest
from graphsvc.settings import Settings
from tests.conftest import FIXTURES, wipe_neo4j

REPOS = ("shop", "toolkit")


class ApiClient:
    """A synchronous client of the ASGI app in-process, through httpx's ASGI transport."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self._runner = asyncio.Runner()
        self._client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        return self._runner.run(self._client.request(method, url, **kwargs))

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def graphql(self, query: str, **variables: Any) -> dict[str, Any]:
        """POST a query; the answer's JSON (GraphQL errors included, HTTP errors fail the test)."""
        response = self.post("/graphql", json={"query": query, "variables": variables})
        assert response.status_code == 200, response.text
        return dict(response.json())

    def data(self, query: str, **variables: Any) -> dict[str, Any]:
        """POST a query that must succeed; its ``data``."""
        answer = self.graphql(query, **variables)
        assert "errors" not in answer, answer["errors"]
        return dict(answer["data"])

    def close(self) -> None:
        self._runner.run(self._client.aclose())
        self._runner.close()
        self.app.state.store_access.close()


def ingest_fixtures(settings: Settings) -> Settings:
    for name in REPOS:
        ingest(FIXTURES / name, settings)
    return settings


@pytest.fixture(scope="module", params=[pytest.param("ladybug", marks=pytest.mark.ladybug),
                                        pytest.param("neo4j", marks=pytest.mark.neo4j)])
def api_settings(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Both fixture repos in a store of each backend, ingested once per module."""
    if request.param == "neo4j":
        server = request.getfixturevalue("neo4j_server")
        wipe_neo4j(server)
        settings = Settings(store=server.uri, neo4j_user=server.user, neo4j_password=server.password, workers=1)
    else:
        settings = Settings(store=f"ladybug://{tmp_path_factory.mktemp('api') / 'graph.lbug'}", workers=1)
    return ingest_fixtures(settings)


@pytest.fixture(scope="module")
def ladybug_api_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Both fixture repos in an embedded store, ingested once per module."""
    return ingest_fixtures(Settings(store=f"ladybug://{tmp_path_factory.mktemp('api') / 'graph.lbug'}", workers=1))


@pytest.fixture(scope="module")
def client(api_settings: Settings) -> Iterator[ApiClient]:
    c = ApiClient(create_app(api_settings))
    yield c
    c.close()


@pytest.fixture(scope="module")
def ladybug_client(ladybug_api_settings: Settings) -> Iterator[ApiClient]:
    c = ApiClient(create_app(ladybug_api_settings))
    yield c
    c.close()


@pytest.fixture
def store_path(ladybug_api_settings: Settings) -> Path:
    return Path(ladybug_api_settings.store.removeprefix("ladybug://"))
