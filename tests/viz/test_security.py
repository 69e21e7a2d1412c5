"""The compliance and security overlay and the security panel, in a real Chromium against ``graph serve``.

fixtures/repos/ledger with its committed bandit report imported (one high finding in
``export_report``, four low ones) and its policies checked (``payments-tested`` fails on
``refund``, ``no-pickle`` on ``accounts.py``, ``no-open-high-findings`` warns).
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page, expect

from tests.viz.conftest import Server, ledger_settings, model, open_view, wait_ready

pytestmark = pytest.mark.ladybug

REPO = "repo:ledger/ledger"
PAYMENTS = f"file:{REPO}:ledger/payments.py"
ACCOUNTS = f"file:{REPO}:ledger/accounts.py"
REFUND = f"sym:{REPO}:ledger/payments.py#refund"
PAY = f"sym:{REPO}:ledger/payments.py#pay"
EXPORT = f"sym:{REPO}:ledger/accounts.py#export_report"


@pytest.fixture(scope="module")
def ledger_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("ledger")
    s = Server(ledger_settings(tmp), tmp / "serve.log")
    yield s
    s.stop()


def at(server: Server, **state: str) -> str:
    return f"{server.url}?{urlencode({'project': 'proj:ledger', 'layout': 'circular', **state})}"


def test_overlay_colours_nodes_by_their_worst_finding_or_failing_check(ledger_server: Server, page: Page) -> None:
    m = open_view(page, at(ledger_server, expand=PAYMENTS, overlay="security"))
    assert m["overlay"] is True
    nodes = {n["id"]: n for n in m["nodes"]}
    # The failing check on refund colours refund and the file that holds it.
    assert nodes[REFUND]["overlay"] == "fail" and nodes[PAYMENTS]["overlay"] == "fail"
    assert nodes[REFUND]["color"] == nodes[PAYMENTS]["color"] == "#ad1457"
    # pay passes every check and has no finding.
    assert nodes[PAY]["overlay"] == "" and nodes[PAY]["color"] == "#cfd8dc"
    # accounts.py: a high finding (export_report) outranks its failing no-pickle check.
    assert nodes[ACCOUNTS]["overlay"] == "high" and nodes[ACCOUNTS]["color"] == "#c62828"
    assert nodes[f"file:{REPO}:tests/test_accounts.py"]["overlay"] == "low"
    # Groups take the worst inside them.
    assert nodes[f"dir:{REPO}:ledger"]["overlay"] == "high" and nodes[REPO]["overlay"] == "high"
    legend = page.locator("#legend [data-legend=overlay]")
    expect(legend.locator("li")).to_have_count(7)
    expect(legend.locator("[data-level=fail]")).to_have_text("failing check")
    # The selected node says why.
    page.evaluate(f"window.graphsvc.focus({REFUND!r})")
    expect(page.locator("#panel [data-overlay-reasons]")).to_contain_text(
        "fail quality/payments-tested: exported payment function without a test")
    # Off: the usual colours come back, and the URL says so.
    page.locator("#overlay").uncheck()
    page.wait_for_function("!window.graphsvc.model().overlay && window.graphsvc.model().ready")
    nodes = {n["id"]: n for n in model(page)["nodes"]}
    assert nodes[REFUND]["overlay"] == "" and nodes[REFUND]["color"] != "#ad1457"
    assert "overlay=" not in page.url


def test_security_panel_lists_findings_by_severity_newest_first_and_failing_checks(ledger_server: Server,
                                                                                   page: Page) -> None:
    open_view(page, at(ledger_server))
    page.locator("#tab-security").click()
    box = page.locator("#security")
    expect(box).to_be_visible()
    expect(page.locator("#panel")).to_be_hidden()
    ledger = box.locator("[data-project='proj:ledger']")
    expect(ledger.locator("h4")).to_have_text(["High (1)", "Low (4)"])
    expect(ledger.locator("[data-severity=high] li")).to_contain_text(["B602 ledger/accounts.py:36"])
    expect(ledger.locator("[data-severity=low] li")).to_have_count(4)
    checks = box.locator("[data-list=checks] > li")
    expect(checks).to_have_count(3)
    expect(checks.first).to_have_attribute("data-status", "fail")
    expect(checks.last).to_have_attribute("data-status", "warn")
    expect(box.locator("h3").last).to_have_text("Checks that do not pass (3 of 3)")
    # A finding is a link to its symbol: its file opens and the symbol is selected.
    ledger.locator("[data-severity=high] li button").click()
    page.wait_for_function(f"window.graphsvc.model().selected === {EXPORT!r}")
    m = wait_ready(page)
    assert EXPORT in {n["id"] for n in m["nodes"]}
    # The tabs are keyboard-operable.
    page.locator("#tab-security").focus()
    page.keyboard.press("ArrowRight")
    expect(page.locator("#tab-insights")).to_be_focused()
    expect(page.locator("#insights")).to_be_visible()
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    expect(page.locator("#tab-details")).to_have_attribute("aria-selected", "true")


def test_insights_panel_says_when_the_server_has_none(ledger_server: Server, page: Page) -> None:
    open_view(page, at(ledger_server))
    page.locator("#tab-insights").click()
    fields = {f["name"] for f in ledger_server.graphql("{ __schema { queryType { fields { name } } } }")[
        "__schema"]["queryType"]["fields"]}
    if "insights" in fields:
        # The server computes figures after each ingest or check: the store has some.
        expect(page.locator("#insights figure[data-metric=files]")).to_have_count(1)
        expect(page.locator("#insights figure[data-metric=files] svg")).to_have_count(1)
    else:
        expect(page.locator("#insights [data-insights=unavailable]")).to_have_text(
            "Insights are unavailable on this server.")


def test_detail_panel_lists_the_findings_checks_and_tasks_of_a_node(ledger_server: Server, page: Page) -> None:
    open_view(page, at(ledger_server, expand=ACCOUNTS, sel=EXPORT))
    about = page.locator("#panel [data-about]")
    expect(about.locator("[data-list=findings] li")).to_have_text(
        ["high B602 line 36: subprocess call with shell=True identified, security issue. (Bandit, open)"])
    expect(about.locator("[data-list=checks] li")).to_have_text(
        ["warn quality/no-open-high-findings: open high-severity finding"])
    page.evaluate(f"window.graphsvc.focus({ACCOUNTS!r})")
    expect(page.locator("#panel h2")).to_have_text("accounts.py")
    expect(page.locator("#panel [data-about] [data-list=checks] li")).to_have_text(
        ["fail quality/no-pickle: file imports pickle"])
    snapshot = f"sym:{REPO}:ledger/accounts.py#snapshot"
    page.evaluate(f"window.graphsvc.focus({snapshot!r})")
    expect(page.locator("#panel [data-about] [data-list=tasks] li")).to_have_text(
        ["XXX pickle is unsafe for untrusted data (open, comment)"])
