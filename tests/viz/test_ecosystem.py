"""The ecosystem view in a real Chromium against a real ``graph serve`` over two linked projects.

``fixtures/ecosystem``: billing depends on ledger (a PROJECT_LINK through the ``ledger-core``
package) and declares four docker-compose services joined by INTEGRATES edges. Assertions read
the page's model (``window.graphsvc.model()``), never pixels.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from playwright.sync_api import Page, expect

from graphsvc.ingest.run import ingest
from tests.viz.conftest import Server, model, open_view, settings_for, wait_ready

ECO = Path(__file__).resolve().parents[2] / "fixtures" / "ecosystem"
BILLING, LEDGER = "proj:billing", "proj:ledger"
SERVICES = {f"svc:billing/{n}" for n in ("api", "cache", "db", "worker")}
INVOICE = "sym:repo:billing/billing:billing/invoices.py#Invoice"
ACCOUNT = "sym:repo:ledger/ledger:ledger/accounts.py#Account"


@pytest.fixture(scope="module", params=[pytest.param("ladybug", marks=pytest.mark.ladybug),
                                        pytest.param("neo4j", marks=pytest.mark.neo4j)])
def eco_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``graph serve`` over the ledger and billing projects, on each store."""
    tmp = tmp_path_factory.mktemp("eco")
    settings = settings_for(str(request.param), request, tmp)
    for name in ("ledger", "billing"):
        ingest(ECO / name, settings)
    s = Server(settings, tmp / "serve.log")
    yield s
    s.stop()


def at(server: Server, **state: str) -> str:
    return f"{server.url}?{urlencode({'view': 'ecosystem', 'layout': 'circular', **state})}"


def _health_in_schema(server: Server) -> bool:
    fields = server.graphql('{ __type(name: "Service") { fields { name } } }')["__type"]["fields"]
    return "healthStatus" in {f["name"] for f in fields}


def test_ecosystem_view_draws_projects_links_services_and_health(eco_server: Server, page: Page) -> None:
    m = open_view(page, at(eco_server))
    assert m["view"] == "ecosystem"
    nodes = {n["id"]: n for n in m["nodes"]}
    assert set(nodes) == {BILLING, LEDGER, *SERVICES}
    assert {nodes[p]["entity"] for p in (BILLING, LEDGER)} == {"Project"}
    assert {nodes[s]["entity"] for s in SERVICES} == {"Service"}
    edges = {(e["type"], e["from"], e["to"]) for e in m["edges"]}
    assert ("PROJECT_LINK", BILLING, LEDGER) in edges
    assert {(f, t) for ty, f, t in edges if ty == "INTEGRATES"} == {
        ("svc:billing/api", "svc:billing/cache"), ("svc:billing/api", "svc:billing/db"),
        ("svc:billing/worker", "svc:billing/api"), ("svc:billing/worker", "svc:billing/cache")}
    assert {(f, t) for ty, f, t in edges if ty == "CONTAINS"} == {(BILLING, s) for s in SERVICES}
    # Health: what the server reports; a server without the health fields leaves every service unknown.
    statuses = {nodes[s]["status"] for s in SERVICES}
    if _health_in_schema(eco_server):
        assert statuses <= {"up", "degraded", "down", "unknown"}
    else:
        assert statuses == {"unknown"}
    # Colour by health, explained by the legend.
    assert {nodes[s]["color"] for s in SERVICES if nodes[s]["status"] == "unknown"} <= {"#757575"}
    expect(page.locator("#legend")).to_contain_text("Service health")
    expect(page.locator("#view")).to_have_value("ecosystem")


def test_project_panel_and_cross_project_links_on_demand(eco_server: Server, page: Page) -> None:
    open_view(page, at(eco_server, sel=BILLING))
    panel = page.locator("#panel")
    expect(panel.locator("h2")).to_have_text("billing")
    expect(panel.locator("[data-list=links] li")).to_have_text(["depends on ledger (dependency, ledger-core)"])
    expect(panel.locator("[data-list=services] li")).to_have_count(4)
    panel.locator(f"[data-cross='{BILLING}']").click()
    page.wait_for_function(f"window.graphsvc.model().nodes.some(n => n.id === {INVOICE!r})")
    m = wait_ready(page)
    edges = {(e["type"], e["from"], e["to"]) for e in m["edges"]}
    # The symbol-level edges that cross, each end hung from its project.
    assert ("EXTENDS", INVOICE, ACCOUNT) in edges
    assert ("CONTAINS", BILLING, INVOICE) in edges and ("CONTAINS", LEDGER, ACCOUNT) in edges
    assert ("CALLS", "sym:repo:billing/billing:billing/invoices.py#Invoice.total",
            "sym:repo:ledger/ledger:ledger/money.py#round_cents") in edges
    assert parse_qs(urlparse(page.url).query)["expand"] == [BILLING]
    # Back hides them again (the URL is the state).
    page.go_back()
    page.wait_for_function(f"!window.graphsvc.model().nodes.some(n => n.id === {INVOICE!r})")


def test_service_panel_shows_integrations_and_health(eco_server: Server, page: Page) -> None:
    open_view(page, at(eco_server, sel="svc:billing/worker"))
    panel = page.locator("#panel")
    expect(panel.locator("h2")).to_have_text("worker")
    expect(panel.locator("dd").filter(has_text="http://worker:9100/health")).to_have_count(1)
    expect(panel.locator("[data-list=integrations] li")).to_have_count(2)
    expect(panel.locator("[data-list=integrations]")).to_contain_text("talks to api (http via environment)")
    if not _health_in_schema(eco_server):
        expect(panel.locator("dd").filter(has_text="not reported by this server")).to_have_count(1)


def test_toggle_between_views_keeps_the_selection(eco_server: Server, page: Page) -> None:
    open_view(page, at(eco_server, sel=BILLING, expand=BILLING))
    page.evaluate(f"window.graphsvc.focus({INVOICE!r})")
    page.wait_for_function(f"window.graphsvc.model().selected === {INVOICE!r}")
    # To the project view: the symbol's project opens, its file opens and the symbol stays selected.
    page.locator("#view").select_option("project")
    page.wait_for_function(f"window.graphsvc.model().view === 'overview' && window.graphsvc.model().selected === "
                           f"{INVOICE!r} && window.graphsvc.model().nodes.some(n => n.id === {INVOICE!r})")
    m = wait_ready(page)
    assert m["project"] == BILLING
    expect(page.locator("#panel h2")).to_have_text("Invoice")
    # And back: the ecosystem draws the symbol among billing's cross-project links, still selected.
    page.locator("#view").select_option("ecosystem")
    page.wait_for_function("window.graphsvc.model().view === 'ecosystem' && window.graphsvc.model().ready")
    m = model(page)
    assert m["selected"] == INVOICE and INVOICE in {n["id"] for n in m["nodes"]}
    # A service is drawn in the ecosystem only: back in the project view its project opens.
    page.evaluate("window.graphsvc.focus('svc:billing/db')")
    page.wait_for_function("window.graphsvc.model().selected === 'svc:billing/db'")
    page.locator("#view").select_option("project")
    page.wait_for_function("window.graphsvc.model().view === 'overview' && window.graphsvc.model().ready")
    assert model(page)["project"] == BILLING
    # The back button returns to the ecosystem.
    page.go_back()
    page.wait_for_function("window.graphsvc.model().view === 'ecosystem' && window.graphsvc.model().ready")
