"""Spec items in the project view, in a real Chromium against ``graph serve`` over the ledger fixture
(docs/requirements.md and README.md declare spec items linked to its code): drawn beside the files and
symbols they are linked to and the Markdown files that declare them, with their edges and their panel."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page, expect

from tests.viz.conftest import Server, ledger_settings, model, open_view, wait_ready

pytestmark = pytest.mark.ladybug

REPO = "repo:ledger/ledger"
ACCOUNTS = f"file:{REPO}:ledger/accounts.py"
TRANSFER = f"sym:{REPO}:ledger/accounts.py#transfer"
DEPOSIT = f"sym:{REPO}:ledger/accounts.py#Account.deposit"
REQUIREMENTS = f"file:{REPO}:docs/requirements.md"
SPEC = f"spec:{REPO}:docs/requirements.md#ledger-requirements"


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("specs")
    s = Server(ledger_settings(tmp), tmp / "serve.log")
    yield s
    s.stop()


def at(server: Server, **state: str) -> str:
    return f"{server.url}?{urlencode({'project': 'proj:ledger', 'layout': 'circular', **state})}"


def _specs(m: dict) -> dict[str, str]:
    return {n["id"]: n["label"] for n in m["nodes"] if n["entity"] == "SpecItem"}


def _edges(m: dict, type_: str) -> set[tuple[str, str]]:
    return {(e["from"], e["to"]) for e in m["edges"] if e["type"] == type_}


def test_an_expanded_file_draws_the_spec_items_of_its_symbols_and_their_panel(ledger: Server, page: Page) -> None:
    m = open_view(page, at(ledger, expand=ACCOUNTS))
    specs = _specs(m)
    assert specs[f"{SPEC}/transfers"] == "Transfers"
    assert specs[f"{SPEC}/transfers/deposits"] == "Deposits"
    # Only items linked to what is drawn: nothing implements the audit trail.
    assert f"{SPEC}/audit-trail" not in specs
    implemented = _edges(m, "IMPLEMENTED_BY")
    assert (f"{SPEC}/transfers", TRANSFER) in implemented
    assert (f"{SPEC}/transfers/deposits", DEPOSIT) in implemented
    spec = next(n for n in m["nodes"] if n["id"] == f"{SPEC}/transfers")
    assert (spec["hidden"], spec["color"]) == (False, "#00838f")

    page.evaluate(f"window.graphsvc.focus({f'{SPEC}/transfers'!r})")
    panel = page.locator("#panel")
    expect(panel.locator("h2")).to_have_text("Transfers")
    expect(panel.locator("dl")).to_contain_text("Spec item")
    expect(panel.locator("dl")).to_contain_text("docs/requirements.md:3")
    expect(panel.locator("dl")).to_contain_text("must")
    expect(panel.locator("[data-list=implemented-by] button")).to_have_text(["transfer"])
    assert model(page)["panel"] == f"{SPEC}/transfers"
    expect(page.locator("#legend [data-entity=SpecItem]")).to_have_text("spec item")

    # A symbol's panel lists the spec items it implements, each a link to its node.
    page.evaluate(f"window.graphsvc.focus({TRANSFER!r})")
    specs = panel.locator("[data-list=specs] li")
    expect(specs).to_have_count(2)
    expect(specs.nth(1)).to_have_text("Transfers docs/requirements.md:3")
    specs.nth(1).locator("button").click()
    expect(panel.locator("h2")).to_have_text("Transfers")


def test_expanding_a_markdown_file_draws_the_items_it_declares(ledger: Server, page: Page) -> None:
    open_view(page, at(ledger))
    assert _specs(model(page)) == {}
    page.evaluate(f"window.graphsvc.expand({REQUIREMENTS!r})")
    m = wait_ready(page)
    declared = {SPEC, f"{SPEC}/transfers", f"{SPEC}/transfers/deposits", f"{SPEC}/payments-p1", f"{SPEC}/audit-trail"}
    assert declared <= set(_specs(m))
    assert {(REQUIREMENTS, s) for s in declared} <= _edges(m, "DECLARES")
    assert next(n for n in m["nodes"] if n["id"] == REQUIREMENTS)["expanded"] is True
    page.evaluate(f"window.graphsvc.focus({REQUIREMENTS!r})")
    listed = page.locator("#panel [data-list=specs] li[data-type=DECLARES]")
    expect(listed).to_have_count(5)
    expect(listed.first).to_have_text("Ledger requirements docs/requirements.md:1 (declared here)")


def test_a_task_about_a_spec_item_is_drawn_beside_it(ledger: Server, page: Page) -> None:
    trail = f"{SPEC}/audit-trail"
    task = ledger.graphql(f'mutation {{ createTask(project: "ledger", title: "Write the audit trail", '
                          f'links: ["{trail}"]) {{ id }} }}')["createTask"]["id"]
    m = open_view(page, at(ledger))
    assert task not in {n["id"] for n in m["nodes"]}  # its spec item is not drawn: neither is it
    page.evaluate(f"window.graphsvc.expand({REQUIREMENTS!r})")
    m = wait_ready(page)
    drawn = next(n for n in m["nodes"] if n["id"] == task)
    assert (drawn["entity"], drawn["label"]) == ("Task", "Write the audit trail")
    assert _edges(m, "IMPLEMENTED_BY") >= {(task, trail)}
