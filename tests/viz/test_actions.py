"""Actions from the detail panel, end to end in a real Chromium against a ``graph serve`` with API keys:
the mutation runs and what it made is drawn.

The server has a key configured, so every mutation needs it: the page asks for it when a
mutation is refused, sends it as ``Authorization: Bearer`` (and in the WebSocket's
``connection_init``), and keeps it for the tab only.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page, expect

from tests.viz.conftest import Server, ledger_settings, model, open_view, wait_ready

pytestmark = pytest.mark.ladybug

KEY = "viz-test-key"
REPO = "repo:ledger/ledger"
PAYMENTS = f"file:{REPO}:ledger/payments.py"
REFUND = f"sym:{REPO}:ledger/payments.py#refund"


@pytest.fixture(scope="module")
def keyed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Path]]:
    tmp = tmp_path_factory.mktemp("actions")
    s = Server(ledger_settings(tmp), tmp / "serve.log", env={"GRAPH_API_KEYS": f'["{KEY}"]'})
    yield s, tmp / "ledger"
    s.stop()


def at(server: Server, **state: str) -> str:
    return f"{server.url}?{urlencode({'project': 'proj:ledger', 'layout': 'circular', **state})}"


def _attached(page: Page, entity: str) -> list[dict[str, object]]:
    return [n for n in model(page)["nodes"] if n["entity"] == entity]


def test_audit_task_and_compliance_check_from_the_panel(keyed: tuple[Server, Path], page: Page) -> None:
    server, _ = keyed
    open_view(page, at(server, expand=PAYMENTS, sel=REFUND))
    panel = page.locator("#panel")
    status = panel.locator("[data-action-status]")
    # Without a key the server refuses, and the page asks for one.
    panel.locator("[data-action='triggerAudit:security']").click()
    expect(status).to_have_attribute("data-outcome", "error")
    expect(status).to_contain_text("mutations need an API key")
    expect(page.locator("#key")).to_have_attribute("open", "")
    expect(page.locator("#api-key")).to_be_focused()
    page.keyboard.type(KEY)
    page.keyboard.press("Enter")
    expect(page.locator("#key-label")).to_have_text("API key (set)")
    assert page.evaluate("window.sessionStorage.getItem('graphsvc.apiKey')") == KEY

    # The imported bandit run is drawn beside the repo it audited.
    assert [(a["status"], a["kind"]) for a in _attached(page, "Audit")] == [("fail", "security")]
    # triggerAudit: a pending Audit node appears beside the symbol, joined by AUDITS.
    panel.locator("[data-action='triggerAudit:security']").click()
    expect(status).to_contain_text("Requested security audit")
    page.wait_for_function("window.graphsvc.model().nodes.some(n => n.entity === 'Audit' && n.status === 'pending')")
    audits = [a for a in _attached(page, "Audit") if a["status"] == "pending"]
    assert [a["kind"] for a in audits] == ["security"]
    edges = {(e["type"], e["from"], e["to"]) for e in model(page)["edges"]}
    assert ("AUDITS", audits[0]["id"], REFUND) in edges
    pending = server.graphql('{ audits(status: "pending") { id target kind } }')["audits"]
    assert pending == [{"id": audits[0]["id"], "target": REFUND, "kind": "security"}]

    # createTask, titled in the panel, linked to the symbol.
    page.wait_for_function("window.graphsvc.model().ready")
    expect(panel.locator("[data-action-status]")).to_have_count(1)
    panel.locator("[data-task-title]").fill("Test refunds")
    panel.locator("[data-action=createTask]").click()
    expect(panel.locator("[data-action-status]")).to_contain_text("Created task")
    page.wait_for_function("window.graphsvc.model().nodes.some(n => n.entity === 'Task' && n.label === 'Test refunds')")
    task = next(n for n in _attached(page, "Task") if n["label"] == "Test refunds")
    edges = {(e["type"], e["from"], e["to"]) for e in model(page)["edges"]}
    assert ("IMPLEMENTED_BY", task["id"], REFUND) in edges
    tasks = server.graphql(f'{{ tasks(project: "proj:ledger", symbol: "{REFUND}") {{ id title origin }} }}')["tasks"]
    assert tasks == [{"id": task["id"], "title": "Test refunds", "origin": "api"}]

    # The compliance check of the project: the panel reports its outcome.
    page.wait_for_function("window.graphsvc.model().ready")
    panel.locator("[data-action=runComplianceCheck]").click()
    expect(panel.locator("[data-action-status]")).to_have_text("3 checks: 0 pass, 1 warn, 2 fail.")


def test_reindex_from_the_panel_draws_the_edited_file(keyed: tuple[Server, Path], page: Page) -> None:
    server, repo = keyed
    page.add_init_script(f"window.sessionStorage.setItem('graphsvc.apiKey', {KEY!r})")
    open_view(page, at(server, expand=PAYMENTS, sel=PAYMENTS))
    page.wait_for_function("window.graphsvc.model().live === 'live'")
    payments = repo / "ledger" / "payments.py"
    payments.write_text(payments.read_text(encoding="utf-8") + "\n\ndef chargeback(source, target, cents):\n"
                        "    refund(source, target, cents)\n", encoding="utf-8")
    page.locator("#panel [data-action=ingest]").click()
    expect(page.locator("#panel [data-action-status]")).to_contain_text(f"Re-indexing {REPO}")
    # The run's events reach the page over the subscription; it draws them without a reload (patched
    # in place, or loaded again whole when the event finds the view still loading).
    new = f"sym:{REPO}:ledger/payments.py#chargeback"
    page.wait_for_function(f"window.graphsvc.model().nodes.some(n => n.id === {new!r})", timeout=60000)
    m = wait_ready(page)
    assert ("CALLS", new, REFUND) in {(e["type"], e["from"], e["to"]) for e in m["edges"]}
    assert m["livePatches"] + m["liveReloads"] >= 1


@pytest.fixture(scope="module")
def closed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server whose reads need the key too."""
    tmp = tmp_path_factory.mktemp("closed")
    s = Server(ledger_settings(tmp), tmp / "serve.log",
               env={"GRAPH_API_KEYS": f'["{KEY}"]', "GRAPH_READ_ACCESS": "key"})
    yield s
    s.stop()


def test_a_server_with_closed_reads_asks_for_the_key_then_draws(closed: Server, page: Page) -> None:
    page.goto(at(closed))
    expect(page.locator("#banner")).to_contain_text("this server's reads need an API key")
    expect(page.locator("#api-key")).to_be_focused()
    page.keyboard.type(KEY)
    page.keyboard.press("Enter")
    m = wait_ready(page)
    assert m["project"] == "proj:ledger" and PAYMENTS in {n["id"] for n in m["nodes"]}
    # The live subscription presents the key in connection_init.
    page.wait_for_function("window.graphsvc.model().live === 'live'")
