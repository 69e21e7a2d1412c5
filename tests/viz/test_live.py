"""Live updates in a real Chromium: ``graph watch`` on a copy of the shop fixture and ``graph serve`` share
one embedded store; an edit is patched into the drawn view (no reload of the page or the view), and a lost
WebSocket reconnects and resynchronises.
"""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page

from graphsvc.ingest.run import ingest
from graphsvc.settings import Settings
from tests.conftest import FIXTURES
from tests.helpers import copy_repo
from tests.viz.conftest import ROOT, Server, model, open_view

pytestmark = pytest.mark.ladybug

REPO = "repo:shop/shop"
MODELS = f"file:{REPO}:shop/models.py"


class Watch:
    """``graph watch --json`` on a repo; its events in a queue."""

    def __init__(self, repo: Path, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "ingest_cli", "watch", str(repo), "--json",
                                      "--debounce", "0.05"], env=env, cwd=ROOT, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.wait_for("graph.watch.started")

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.events.put(json.loads(line))

    def wait_for(self, subject: str, timeout: float = 60) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            try:
                event = self.events.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                self.proc.terminate()
                _, err = self.proc.communicate(timeout=20)
                pytest.fail(f"graph watch sent no {subject}: {err.decode(errors='replace')}")
            if event["subject"] == subject:
                return event

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
        self.proc.wait(timeout=20)
        self._reader.join(timeout=20)  # stdout ends with the process
        for pipe in (self.proc.stdout, self.proc.stderr):
            if pipe is not None:
                pipe.close()


def _watched(tmp_path: Path, fixture: str) -> Iterator[tuple[Server, Watch, Path]]:
    """A copy of a fixture repo, ingested, served, and under ``graph watch``."""
    repo = copy_repo(FIXTURES / fixture, tmp_path / fixture)
    settings = Settings(store=f"ladybug://{tmp_path / 'graph.lbug'}", workers=1)
    ingest(repo, settings)
    server = Server(settings, tmp_path / "serve.log")
    watch = Watch(repo, server.env)
    yield server, watch, repo
    watch.stop()
    server.stop()


@pytest.fixture
def watched(tmp_path: Path) -> Iterator[tuple[Server, Watch, Path]]:
    yield from _watched(tmp_path, "shop")


def _append(path: Path, name: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + f"\n\ndef {name}():\n    return 1\n", encoding="utf-8")


def _has(sym: str, fresh: bool = False) -> str:
    return f"window.graphsvc.model().nodes.some(n => n.id === {sym!r}{' && n.fresh' if fresh else ''})"


def test_an_edit_under_graph_watch_is_drawn_live_and_a_lost_socket_resynchronises(
        watched: tuple[Server, Watch, Path], page: Page) -> None:
    server, watch, repo = watched
    url = f"{server.url}?{urlencode({'project': 'proj:shop', 'layout': 'circular', 'expand': MODELS})}"
    open_view(page, url)
    page.wait_for_function("window.graphsvc.model().live === 'live'")
    navigations: list[str] = []
    page.on("framenavigated", lambda f: navigations.append(f.url))

    # A save: the watcher ingests it, its events reach the page, which patches the drawn view in place
    # (no reload of the view: every node that was drawn keeps its place) and flashes the new node.
    before = {n["id"]: (n["x"], n["y"]) for n in model(page)["nodes"]}
    added = f"sym:{REPO}:shop/models.py#live_added"
    _append(repo / "shop" / "models.py", "live_added")
    page.wait_for_function(_has(added, fresh=True), timeout=30000)
    watch.wait_for("graph.ingest.finished")
    m = model(page)
    assert m["livePatches"] >= 1 and m["liveReloads"] == 0
    after = {n["id"]: (n["x"], n["y"]) for n in m["nodes"]}
    assert {i: after.get(i) for i in before} == before
    assert added in after and len(after) == len(before) + 1
    added_edge = ("DEFINES", MODELS, added)
    assert added_edge in {(e["type"], e["from"], e["to"]) for e in m["edges"]}

    # Removed again: the node and its edge go, the rest stays where it was.
    models = repo / "shop" / "models.py"
    models.write_text(models.read_text(encoding="utf-8").replace("\n\ndef live_added():\n    return 1\n", ""),
                      encoding="utf-8")
    page.wait_for_function(f"!{_has(added)}", timeout=30000)
    m = model(page)
    assert {n["id"]: (n["x"], n["y"]) for n in m["nodes"]} == before and m["liveReloads"] == 0
    assert added_edge not in {(e["type"], e["from"], e["to"]) for e in m["edges"]}
    _append(models, "live_added")
    page.wait_for_function(_has(added), timeout=30000)
    reloads = model(page)["liveReloads"]

    # The server goes away: the page notices and retries.
    server.stop()
    page.wait_for_function("window.graphsvc.model().live !== 'live'")
    # A save while it is away: the page misses its events...
    away = f"sym:{REPO}:shop/models.py#while_away"
    _append(repo / "shop" / "models.py", "while_away")
    watch.wait_for("graph.ingest.finished")
    assert away not in {n["id"] for n in model(page)["nodes"]}
    # ...and resynchronises when the socket is back.
    server.start()
    page.wait_for_function("window.graphsvc.model().live === 'live'", timeout=60000)
    page.wait_for_function(_has(away), timeout=30000)
    m = model(page)
    assert added in {n["id"] for n in m["nodes"]} and m["liveReloads"] > reloads
    assert navigations == []  # all of it without a reload


def _ids(m: dict[str, Any], *entities: str) -> set[str]:
    return {n["id"] for n in m["nodes"] if not entities or n["entity"] in entities}


def _edges(m: dict[str, Any], type_: str = "") -> set[tuple[str, str, str]]:
    return {(e["type"], e["from"], e["to"]) for e in m["edges"] if not type_ or e["type"] == type_}


def _places(m: dict[str, Any]) -> dict[str, tuple[float, float]]:
    return {n["id"]: (n["x"], n["y"]) for n in m["nodes"]}


PRODUCT = f"sym:{REPO}:shop/models.py#Product"
CALLER = f"sym:{REPO}:shop/orders.py#live_caller"


def _hood(server: Server) -> tuple[set[str], set[tuple[str, str, str]]]:
    """The server's own answer for the drawn neighbourhood (Product at depth 1): node ids, edges."""
    h = server.graphql(f"{{ neighbourhood(nodeId: {json.dumps(PRODUCT)}, depth: 1, limit: 300) "
                       "{ nodes { id } edges { type from to } } }")["neighbourhood"]
    return {n["id"] for n in h["nodes"]}, {(e["type"], e["from"], e["to"]) for e in h["edges"]}


def test_a_drawn_neighbourhood_is_patched_live(watched: tuple[Server, Watch, Path], page: Page) -> None:
    server, watch, repo = watched
    open_view(page, f"{server.url}?{urlencode({'project': 'proj:shop', 'layout': 'circular'})}")
    page.evaluate(f"window.graphsvc.neighbourhood({PRODUCT!r}, 1, 300)")
    page.wait_for_function("window.graphsvc.model().ready && window.graphsvc.model().live === 'live'")
    m = model(page)
    assert m["view"] == "neighbourhood"
    assert (_ids(m), _edges(m)) == _hood(server) and CALLER not in _ids(m)
    before = _places(m)

    # A new caller of the root: drawn and flashed, nothing else moves, no reload.
    orders = repo / "shop" / "orders.py"
    text = orders.read_text(encoding="utf-8")
    orders.write_text(f'{text}\n\ndef live_caller():\n    return Product("x", 1.0)\n', encoding="utf-8")
    page.wait_for_function(_has(CALLER, fresh=True), timeout=30000)
    watch.wait_for("graph.ingest.finished")
    m = model(page)
    assert (_ids(m), _edges(m)) == _hood(server) and ("CALLS", CALLER, PRODUCT) in _edges(m)
    assert m["livePatches"] >= 1 and m["liveReloads"] == 0 and m["view"] == "neighbourhood"
    assert {i: p for i, p in _places(m).items() if i != CALLER} == before
    page.wait_for_function(f"!window.graphsvc.model().nodes.find(n => n.id === {CALLER!r}).fresh")

    # Removed again: the node and its edge go; the rest stays where it was.
    orders.write_text(text, encoding="utf-8")
    page.wait_for_function(f"!{_has(CALLER)}", timeout=30000)
    m = model(page)
    assert (_ids(m), _edges(m)) == _hood(server)
    assert _places(m) == before and m["liveReloads"] == 0


ECO = FIXTURES.parent / "ecosystem"
BILLING, LEDGER = "proj:billing", "proj:ledger"
ROUND = "sym:repo:ledger/ledger:ledger/money.py#round_cents"
ROUNDER = "sym:repo:billing/billing:billing/invoices.py#live_round"


@pytest.fixture
def eco_watched(tmp_path: Path) -> Iterator[tuple[Server, Watch, Path]]:
    """Copies of the ecosystem's ledger and billing on one embedded store, ``graph watch`` on billing."""
    settings = Settings(store=f"ladybug://{tmp_path / 'graph.lbug'}", workers=1)
    for name in ("ledger", "billing"):
        ingest(copy_repo(ECO / name, tmp_path / name), settings)
    server = Server(settings, tmp_path / "serve.log")
    watch = Watch(tmp_path / "billing", server.env)
    yield server, watch, tmp_path / "billing"
    watch.stop()
    server.stop()


def test_the_ecosystem_view_is_patched_live(eco_watched: tuple[Server, Watch, Path], page: Page) -> None:
    server, watch, repo = eco_watched
    open_view(page, f"{server.url}?{urlencode({'view': 'ecosystem', 'layout': 'circular', 'expand': BILLING})}")
    page.wait_for_function("window.graphsvc.model().live === 'live'")
    m = model(page)
    assert ROUND in _ids(m) and ROUNDER not in _ids(m)
    before = _places(m)

    # A new call across the projects: its caller is drawn hung from billing, flashed; nothing moves.
    invoices = repo / "billing" / "invoices.py"
    text = invoices.read_text(encoding="utf-8")
    invoices.write_text(f"{text}\n\ndef live_round(x):\n    return round_cents(x)\n", encoding="utf-8")
    page.wait_for_function(_has(ROUNDER, fresh=True), timeout=30000)
    m = model(page)
    assert _ids(m) == {*before, ROUNDER}
    assert {("CALLS", ROUNDER, ROUND), ("CONTAINS", BILLING, ROUNDER)} <= _edges(m)
    assert m["livePatches"] >= 1 and m["liveReloads"] == 0 and m["view"] == "ecosystem"
    assert {i: p for i, p in _places(m).items() if i != ROUNDER} == before

    # Removed again: it goes with its edges, the rest stays where it was.
    invoices.write_text(text, encoding="utf-8")
    page.wait_for_function(f"!{_has(ROUNDER)}", timeout=30000)
    m = model(page)
    assert _places(m) == before and not {e for e in _edges(m) if ROUNDER in e} and m["liveReloads"] == 0


LREPO = "repo:ledger/ledger"
ACCOUNTS = f"file:{LREPO}:ledger/accounts.py"
DEPOSIT, WITHDRAW = f"sym:{LREPO}:ledger/accounts.py#Account.deposit", f"sym:{LREPO}:ledger/accounts.py#Account.withdraw"
TODO, FIXME = f"task:{LREPO}:ledger/accounts.py#Account.deposit/1", f"task:{LREPO}:ledger/accounts.py#Account.withdraw/1"
OTHER_TASKS = {f"task:{LREPO}:ledger/accounts.py#snapshot/1", f"task:{LREPO}:ledger/accounts.py#export_report/1"}
REQS = f"spec:{LREPO}:docs/requirements.md#ledger-requirements"
ROADMAP = f"spec:{LREPO}:README.md#ledger/roadmap/transfers-between-accounts-transfer"
OTHER_SPECS = {ROADMAP, f"spec:{LREPO}:README.md#ledger/roadmap/overdraft-protection-for-account-withdraw",
               f"spec:{LREPO}:docs/decisions/0001-integer-cents.md#store-amounts-as-integer-cents",
               f"{REQS}/transfers/deposits"}


@pytest.fixture
def ledger_watched(tmp_path: Path) -> Iterator[tuple[Server, Watch, Path]]:
    yield from _watched(tmp_path, "ledger")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_unlinked_tasks_and_spec_items_leave_the_drawing_live(
        ledger_watched: tuple[Server, Watch, Path], page: Page) -> None:
    server, _watch, repo = ledger_watched
    open_view(page, f"{server.url}?{urlencode({'project': 'proj:ledger', 'layout': 'circular', 'expand': ACCOUNTS})}")
    page.wait_for_function("window.graphsvc.model().live === 'live'")
    m = model(page)
    assert _ids(m, "Task") == {TODO, FIXME, *OTHER_TASKS}
    assert {("IMPLEMENTED_BY", FIXME, DEPOSIT), ("IMPLEMENTED_BY", FIXME, WITHDRAW)} <= _edges(m)
    assert _ids(m, "SpecItem") == {f"{REQS}/transfers", *OTHER_SPECS}
    before = _places(m)

    # The TODO comment deleted: its task goes, with its edge.
    accounts = repo / "ledger" / "accounts.py"
    _edit(accounts, "        # TODO: reject negative deposits\n", "")
    page.wait_for_function(f"!{_has(TODO)}", timeout=30000)
    m = model(page)
    assert _ids(m, "Task") == {FIXME, *OTHER_TASKS} and not {e for e in _edges(m) if TODO in e}

    # The FIXME no longer names Account.deposit: that link goes, the task stays linked to withdraw.
    _edit(accounts, ", see `Account.deposit`", "")
    page.wait_for_function(f"!window.graphsvc.model().edges.some(e => e.from === {FIXME!r} && e.to === {DEPOSIT!r})",
                           timeout=30000)
    m = model(page)
    assert _ids(m, "Task") == {FIXME, *OTHER_TASKS}
    assert {(f, t) for ty, f, t in _edges(m, "IMPLEMENTED_BY") if f == FIXME} == {(FIXME, WITHDRAW)}

    # The requirement no longer names `transfer`: its spec item, linked to nothing else drawn, goes.
    _edit(repo / "docs" / "requirements.md", "atomically: `transfer`.", "atomically.")
    page.wait_for_function(f"!{_has(f'{REQS}/transfers')}", timeout=30000)
    m = model(page)
    assert _ids(m, "SpecItem") == OTHER_SPECS
    assert not {e for e in _edges(m) if f"{REQS}/transfers" in (e[1], e[2])}
    assert m["liveReloads"] == 0
    assert {i: p for i, p in _places(m).items() if i in before} == {i: before[i] for i in _places(m)}
