"""Shared fixtures: both stores, the test Neo4j server, golden-file updates.

Storage tests take the ``store_settings`` fixture, parametrized over LadybugDB (a
temporary file) and Neo4j (one real server per test session, wiped before each
test). In CI (``CI=true``) a Neo4j that cannot start fails the run; elsewhere the
Neo4j half is skipped with a message saying how to enable it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import neo4j
import pytest

from graphsvc.settings import Settings

# A server started by a test probes no service's health unless the test asks for it (the fixtures'
# compose files name URLs such as http://localhost:8000/healthz, which may be anyone's server here);
# subprocesses inherit this too. Tests of the probes set `health_interval` themselves.
os.environ.setdefault("GRAPH_HEALTH_INTERVAL", "0")

sys.path.insert(0, str(Path(__file__).parent / "neo4j_server"))
import launcher  # noqa: E402

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "repos"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true", help="Rewrite fixtures/repos/*.expected.jsonl.")


@pytest.fixture(scope="session")
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


@pytest.fixture(scope="session")
def neo4j_server() -> Iterator[launcher.Neo4jServer]:
    try:
        server = launcher.start()
    except launcher.Neo4jUnavailable as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the test Neo4j could not start (required in CI): {exc}")
        pytest.skip(f"Neo4j tests need Java 17 and Maven (see tests/neo4j_server/README.md): {exc}")
    yield server
    launcher.stop(server)


def wipe_neo4j(server: launcher.Neo4jServer) -> None:
    """Empty the test database: nodes, edges and constraints."""
    with neo4j.GraphDatabase.driver(server.uri, auth=server.auth) as driver:
        driver.execute_query("MATCH (n) DETACH DELETE n")
        records, _, _ = driver.execute_query("SHOW CONSTRAINTS YIELD name RETURN name")
        for record in records:
            driver.execute_query(f"DROP CONSTRAINT `{record['name']}` IF EXISTS")


@pytest.fixture(params=[pytest.param("ladybug", marks=pytest.mark.ladybug),
                        pytest.param("neo4j", marks=pytest.mark.neo4j)])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def make_settings(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Any:
    """A factory of Settings for the parametrized backend; each call may name a fresh store."""
    server = request.getfixturevalue("neo4j_server") if backend == "neo4j" else None
    if server is not None:
        wipe_neo4j(server)
    counter = iter(range(1000))

    def make(fresh: bool = False, **overrides: Any) -> Settings:
        if server is not None:
            if fresh:
                wipe_neo4j(server)
            return Settings(store=server.uri, neo4j_user=server.user, neo4j_password=server.password,
                            **{"workers": 1, **overrides})
        name = f"graph{next(counter)}.lbug" if fresh else "graph.lbug"
        return Settings(store=f"ladybug://{tmp_path / 'store' / name}", **{"workers": 1, **overrides})

    return make


@pytest.fixture
def store_settings(make_settings: Any) -> Settings:
    return make_settings()  # type: ignore[no-any-return]


@pytest.fixture
def ladybug_settings(tmp_path: Path) -> Settings:
    return Settings(store=f"ladybug://{tmp_path / 'store' / 'graph.lbug'}", workers=1)
