"""Service health in the ecosystem view, live: a loopback HTTP server that answers, slows down and goes
away; ``graph serve`` probes it and the page redraws the service in its new colour without a reload.

Needs a server whose ``Service`` type has ``healthStatus`` (the health probes); skipped otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page, expect

from graphsvc.ingest.run import ingest
from graphsvc.settings import Settings
from tests.helpers import HealthBackend
from tests.viz.conftest import Server, model, open_view

pytestmark = pytest.mark.ladybug

SVC = "svc:shop/api"
COLOURS = {"up": "#2e7d32", "degraded": "#b26a00", "down": "#c62828"}


@pytest.fixture
def probed(tmp_path: Path) -> Iterator[tuple[Server, HealthBackend]]:
    backend = HealthBackend()
    repo = tmp_path / "shop"
    repo.mkdir()
    (repo / "app.py").write_text("def main():\n    return 1\n", encoding="utf-8")
    (repo / "docker-compose.yml").write_text(
        "services:\n  api:\n    image: shop-api:1\n    ports: ['8080:8080']\n"
        f"    labels:\n      graphsvc.health-url: {backend.url}\n  db:\n    image: postgres:16\n", encoding="utf-8")
    settings = Settings(store=f"ladybug://{tmp_path / 'graph.lbug'}", workers=1)
    ingest(repo, settings)
    server = Server(settings, tmp_path / "serve.log", env={
        "GRAPH_HEALTH_INTERVAL": "0.3", "GRAPH_HEALTH_TIMEOUT": "1", "GRAPH_HEALTH_DEGRADED_MS": "250"})
    fields = server.graphql('{ __type(name: "Service") { fields { name } } }')["__type"]["fields"]
    if "healthStatus" not in {f["name"] for f in fields}:
        server.stop()
        backend.stop()
        pytest.skip("this server's Service type has no healthStatus (no health probes)")
    yield server, backend
    server.stop()
    backend.stop()


def _status_is(status: str) -> str:
    return (f"window.graphsvc.model().nodes.some(n => n.id === {SVC!r} && n.status === {status!r}) "
            "&& window.graphsvc.model().ready")


def test_service_health_flips_live_in_the_ecosystem_view(probed: tuple[Server, HealthBackend], page: Page) -> None:
    server, backend = probed
    open_view(page, f"{server.url}?{urlencode({'view': 'ecosystem', 'layout': 'circular', 'sel': SVC})}")
    page.wait_for_function("window.graphsvc.model().live === 'live'")
    navigations: list[str] = []
    page.on("framenavigated", lambda f: navigations.append(f.url))
    for status, change in (("up", None), ("degraded", 0.6), ("down", "stop")):
        if change == "stop":
            backend.stop()
        elif change is not None:
            backend.delay = float(change)
        page.wait_for_function(_status_is(status), timeout=30000)
        node = next(n for n in model(page)["nodes"] if n["id"] == SVC)
        assert node["color"] in (COLOURS[status], "#ffb300")  # its colour, or the flash of the change
        page.wait_for_function(f"window.graphsvc.model().nodes.some(n => n.id === {SVC!r} && !n.fresh)")
        assert next(n for n in model(page)["nodes"] if n["id"] == SVC)["color"] == COLOURS[status]
    # The panel of the selected service follows.
    expect(page.locator("#panel dd").filter(has_text="down")).to_have_count(1)
    # A service without a healthUrl is never probed.
    assert next(n for n in model(page)["nodes"] if n["id"] == "svc:shop/db")["status"] == "unknown"
    assert navigations == []
