"""Fixtures of the language-server tests: ``graph lsp`` over stdio, driven by pytest-lsp's client.

The fixture repos are copied to a temporary directory (tests edit, save and delete files there),
with two more files in the shop copy: one whose lines hold non-ASCII text (``shop/greeting.py``),
one with a heuristic edge (``shop/views.py``); they are
ingested into a store of each backend. The server is the real command, ``python -m ingest_cli lsp``,
started in a subprocess with the copies as workspace folders.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from graphsvc.ingest.run import ingest
from graphsvc.settings import Settings
from tests.conftest import FIXTURES, wipe_neo4j

ROOT = Path(__file__).resolve().parents[2]

# A line with two-byte, three-byte and four-byte UTF-8 characters before a call: its byte
# columns and UTF-16 columns differ by 1, 2 and 2 units respectively.
GREETING = '''from .util.log import log


def greet(name):
    message = "crème brûlée ✓ 🍰 " + name; log(message)
    return message
'''


# `dispatch` is not defined on Page; it may come from the external base: a guess between two candidates.
VIEWS = """from django.views import View


class Page(View):
    def get(self):
        return self.dispatch()
"""


@dataclass
class Workspace:
    """The copies of the fixture repos and the settings of their store."""

    root: Path
    settings: Settings

    def path(self, repo: str, rel: str) -> Path:
        return self.root / repo / rel

    def uri(self, repo: str, rel: str) -> str:
        return self.path(repo, rel).as_uri()


def copy_fixtures(base: Path) -> Path:
    """The fixture repos copied under ``base``, plus ``shop/greeting.py`` and ``shop/views.py``."""
    for name in ("shop", "toolkit"):
        shutil.copytree(FIXTURES / name, base / name)
    (base / "shop" / "shop" / "greeting.py").write_text(GREETING, encoding="utf-8")
    (base / "shop" / "shop" / "views.py").write_text(VIEWS, encoding="utf-8")
    return base


def settings_for(backend: str, request: pytest.FixtureRequest, base: Path) -> Settings:
    if backend == "neo4j":
        server = request.getfixturevalue("neo4j_server")
        wipe_neo4j(server)
        return Settings(store=server.uri, neo4j_user=server.user, neo4j_password=server.password, workers=1)
    return Settings(store=f"ladybug://{base / 'store' / 'graph.lbug'}", workers=1)


def make_workspace(backend: str, request: pytest.FixtureRequest, base: Path,
                   index: tuple[str, ...] = ("shop", "toolkit")) -> Workspace:
    root = copy_fixtures(base / "repos")
    settings = settings_for(backend, request, base)
    for name in index:
        ingest(root / name, settings)
    return Workspace(root=root, settings=settings)


def server_command(settings: Settings) -> list[str]:
    cmd = [sys.executable, "-m", "ingest_cli", "lsp", "--store", settings.store]
    if not settings.store.startswith("ladybug:"):
        cmd += ["--neo4j-user", settings.neo4j_user, "--neo4j-password", settings.neo4j_password]
    return cmd


async def start_client(ws: Workspace, folders: tuple[str, ...] = ("shop", "toolkit"),
                       options: dict[str, Any] | None = None,
                       capabilities: lsp.ClientCapabilities | None = None) -> LanguageClient:
    """A real LSP client talking to ``graph lsp`` over stdio, initialised on the workspace (as VS Code,
    unless ``capabilities`` are given)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    config = ClientServerConfig(server_command=server_command(ws.settings), server_env=env)
    client = await config.start()
    assert isinstance(client, LanguageClient)
    await client.initialize_session(lsp.InitializeParams(
        capabilities=capabilities or client_capabilities("visual-studio-code"),
        root_uri=(ws.root / folders[0]).as_uri(),
        workspace_folders=[lsp.WorkspaceFolder(uri=(ws.root / f).as_uri(), name=f) for f in folders],
        initialization_options=options,
    ))
    return client


async def stop_client(client: LanguageClient) -> None:
    await client.shutdown_session()
    await client.stop()


@pytest.fixture(scope="module", params=[pytest.param("ladybug", marks=pytest.mark.ladybug),
                                        pytest.param("neo4j", marks=pytest.mark.neo4j)])
def module_workspace(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """Both fixture repos (copies) in a store of each backend, ingested once per module; tests only read."""
    return make_workspace(str(request.param), request, tmp_path_factory.mktemp("lsp"))


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def client(module_workspace: Workspace) -> AsyncIterator[LanguageClient]:
    c = await start_client(module_workspace)
    yield c
    await stop_client(c)
