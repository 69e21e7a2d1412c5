"""Fixtures of the browser tests: a real ``graph serve`` over the ingested fixtures, and Chromium.

The server is a subprocess on loopback (``python -m ingest_cli serve``), once per module and
store; the browser is Debian's ``/usr/bin/chromium`` driven by playwright (its own browser
download is not used). WebGL runs in software (SwiftShader). Each test gets a fresh page and
saves a screenshot under its temporary directory, pass or fail.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from graphsvc.ingest.run import ingest
from graphsvc.settings import Settings
from tests.api.conftest import ingest_fixtures
from tests.conftest import wipe_neo4j

ROOT = Path(__file__).resolve().parents[2]
# The machine may be busy (2 cores, several servers): allow a panel's queries their time.
expect.set_options(timeout=20_000)
CHROMIUM = "/usr/bin/chromium"


class Server:
    """A running ``graph serve``; ``url`` ends with a slash."""

    def __init__(self, settings: Settings, log: Path, env: dict[str, str] | None = None) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        self.env = {**os.environ, "GRAPH_STORE": settings.store, "GRAPH_NEO4J_USER": settings.neo4j_user,
                    "GRAPH_NEO4J_PASSWORD": settings.neo4j_password, **(env or {})}
        self.log = log
        self.start()

    def start(self) -> None:
        """Starts (again, on the same port) and waits until it answers."""
        self._log = self.log.open("ab")
        self.proc = subprocess.Popen([sys.executable, "-m", "ingest_cli", "serve", "--port", str(self.port)],
                                     env=self.env, stdout=self._log, stderr=subprocess.STDOUT, cwd=ROOT)
        self._wait(self.log)

    def _wait(self, log: Path) -> None:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}readyz", timeout=2):
                    return
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    pytest.fail(f"graph serve did not answer: {log.read_text(errors='replace')}")
                time.sleep(0.2)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=20)
        self._log.close()

    def graphql(self, query: str, key: str = "") -> dict[str, Any]:
        """POST a query from the test (not the page); its ``data``, errors fail the test."""
        headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {key}"} if key else {})}
        request = urllib.request.Request(f"{self.url}graphql", data=json.dumps({"query": query}).encode(),
                                         headers=headers)
        with urllib.request.urlopen(request, timeout=30) as r:
            answer = json.loads(r.read())
        assert not answer.get("errors"), answer["errors"]
        return dict(answer["data"])


def settings_for(backend: str, request: pytest.FixtureRequest, tmp: Path) -> Settings:
    if backend == "neo4j":
        server = request.getfixturevalue("neo4j_server")
        wipe_neo4j(server)
        return Settings(store=server.uri, neo4j_user=server.user, neo4j_password=server.password, workers=1)
    return Settings(store=f"ladybug://{tmp / 'graph.lbug'}", workers=1)


@pytest.fixture(scope="module", params=[pytest.param("ladybug", marks=pytest.mark.ladybug),
                                        pytest.param("neo4j", marks=pytest.mark.neo4j)])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``graph serve`` over shop and toolkit, on each store."""
    tmp = tmp_path_factory.mktemp("viz")
    s = Server(ingest_fixtures(settings_for(str(request.param), request, tmp)), tmp / "serve.log")
    yield s
    s.stop()


@pytest.fixture(scope="module")
def ladybug_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``graph serve`` over shop and toolkit on the embedded store only."""
    tmp = tmp_path_factory.mktemp("viz")
    s = Server(ingest_fixtures(Settings(store=f"ladybug://{tmp / 'graph.lbug'}", workers=1)), tmp / "serve.log")
    yield s
    s.stop()


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``graph serve`` over a repo whose docstring is markup, on the embedded store."""
    tmp = tmp_path_factory.mktemp("hostile")
    repo = tmp / "hostile"
    repo.mkdir()
    (repo / "evil.py").write_text('def run():\n    """<img src=x onerror="window.pwned=1">"""\n', encoding="utf-8")
    settings = Settings(store=f"ladybug://{tmp / 'graph.lbug'}", workers=1)
    ingest(repo, settings)
    s = Server(settings, tmp / "serve.log")
    yield s
    s.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    # Per module: playwright's sync API keeps an event loop running in this thread while it is
    # open, and other tests' asyncio runners refuse to start inside one.
    if not Path(CHROMIUM).exists():
        message = f"the browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium chromium-driver)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--use-angle=swiftshader", "--enable-unsafe-swiftshader"])
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser, tmp_path: Path) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    p = context.new_page()
    errors: list[str] = []
    p.on("pageerror", lambda e: errors.append(str(e)))
    yield p
    p.screenshot(path=str(tmp_path / "screenshot.png"))
    context.close()
    assert errors == [], errors


def open_view(page: Page, url: str) -> dict[str, Any]:
    """Navigate and wait until the view is drawn; the client's model of it."""
    page.goto(url)
    return wait_ready(page)


def wait_ready(page: Page) -> dict[str, Any]:
    page.wait_for_function("window.graphsvc && window.graphsvc.model().ready", timeout=30000)
    return dict(page.evaluate("window.graphsvc.model()"))


def model(page: Page) -> dict[str, Any]:
    return dict(page.evaluate("window.graphsvc.model()"))


def ledger_settings(tmp: Path) -> Settings:
    """fixtures/repos/ledger copied under ``tmp``, ingested on the embedded store, its committed bandit report
    imported and its policies checked, as ``graph audit import`` and ``graph check`` do."""
    from graphsvc import compliance
    from graphsvc.audits import import_report
    from graphsvc.store import open_store
    from tests.conftest import FIXTURES
    from tests.helpers import copy_repo

    repo = copy_repo(FIXTURES / "ledger", tmp / "ledger")
    settings = Settings(store=f"ladybug://{tmp / 'graph.lbug'}", workers=1)
    ingest(repo, settings)
    with open_store(settings) as store:
        import_report(store, repo / "reports" / "bandit.sarif", "ledger")
        compliance.run_check(store, "ledger", compliance.load_policies([repo / "policies"]))
    return settings
