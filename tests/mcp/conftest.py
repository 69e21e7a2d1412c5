"""Fixtures of the MCP tests: one store per backend with the fixture repos, and real ``graph mcp`` clients.

The store holds ``shop`` and ``toolkit`` (the fixture repos, indexed in place), ``big`` (a
generated repo whose ``hub`` has 1,200 callers, for paging) and ``gitshop`` (a git copy of
``shop``, package renamed, with an uncommitted edit of ``Base._write``, for ``changes_impact``). It is built once
per module and backend; the clients start ``graph mcp`` over stdio and over HTTP.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from graphsvc.ingest.run import ingest
from graphsvc.settings import Settings
from tests.conftest import FIXTURES, wipe_neo4j
from tests.helpers import copy_repo
from tests.mcp.client import McpClient

HUB_CALLERS = 1200


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false",
                    *args], cwd=repo, check=True, capture_output=True)


def make_big(root: Path) -> Path:
    """A repo whose ``hub.hub`` is called by ``HUB_CALLERS`` functions spread over four modules."""
    (root / "big").mkdir(parents=True)
    (root / "big" / "hub.py").write_text("def hub():\n    return 1\n")
    per = HUB_CALLERS // 4
    for m in range(4):
        body = "".join(f"def c{m}_{i:04d}():\n    return hub()\n\n\n" for i in range(per))
        (root / "big" / f"callers{m}.py").write_text("from big.hub import hub\n\n\n" + body)
    return root


def make_gitshop(root: Path) -> Path:
    """A git copy of shop with its package renamed ``gitshop`` (so that dotted names stay unique in
    the store), committed; ``edit_write`` then edits ``Base._write`` in the work tree (line 12)."""
    repo = copy_repo(FIXTURES / "shop", root)
    (repo / "shop").rename(repo / "gitshop")
    tests = repo / "tests" / "test_orders.py"
    tests.write_text(tests.read_text().replace("from shop", "from gitshop"))
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "shop")
    return repo


def edit_write(repo: Path) -> None:
    models = repo / "gitshop" / "models.py"
    text = models.read_text()
    assert "    def _write(self):\n        return True\n" in text
    models.write_text(text.replace("    def _write(self):\n        return True\n",
                                   "    def _write(self):\n        return False\n"))


@pytest.fixture(scope="module", params=[pytest.param("ladybug", marks=pytest.mark.ladybug),
                                        pytest.param("neo4j", marks=pytest.mark.neo4j)])
def mcp_settings(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    tmp = tmp_path_factory.mktemp("mcp")
    if request.param == "neo4j":
        server = request.getfixturevalue("neo4j_server")
        wipe_neo4j(server)
        settings = Settings(store=server.uri, neo4j_user=server.user, neo4j_password=server.password, workers=1)
    else:
        settings = Settings(store=f"ladybug://{tmp / 'graph.lbug'}", workers=1)
    for name in ("shop", "toolkit"):
        ingest(FIXTURES / name, settings)
    ingest(make_big(tmp / "big"), settings, project="big")
    gitshop = make_gitshop(tmp / "gitshop" / "shop")
    ingest(gitshop, settings, project="gitshop")
    edit_write(gitshop)
    return settings


def env_of(settings: Settings) -> dict[str, str]:
    return {"GRAPH_STORE": settings.store, "GRAPH_NEO4J_USER": settings.neo4j_user,
            "GRAPH_NEO4J_PASSWORD": settings.neo4j_password}


@pytest.fixture(scope="module", params=["stdio", "http"])
def client(request: pytest.FixtureRequest, mcp_settings: Settings) -> Iterator[McpClient]:
    """A client over each transport: for what the transport could change (schemas, errors, paging)."""
    make = McpClient.stdio if request.param == "stdio" else McpClient.http
    with make(env_of(mcp_settings)) as c:
        yield c


@pytest.fixture(scope="module")
def stdio(mcp_settings: Settings) -> Iterator[McpClient]:
    """A client over stdio: for the answers of the tools, which do not depend on the transport."""
    with McpClient.stdio(env_of(mcp_settings)) as c:
        yield c
