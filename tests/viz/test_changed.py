"""The "only what changed" filter in a real Chromium: the files of the last ingest, or since a git ref.

Needs a server with the ``changedFiles`` query; skipped otherwise (the filter is not offered then).
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from playwright.sync_api import Page, expect

from graphsvc.ingest.run import ingest
from graphsvc.settings import Settings
from tests.conftest import FIXTURES
from tests.helpers import copy_repo
from tests.viz.conftest import Server, model, open_view, wait_ready

pytestmark = pytest.mark.ladybug

SHOP = "repo:shop/shop"


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=repo, check=True,
                   capture_output=True)


@pytest.fixture(scope="module")
def edited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """shop in git, ingested; then fmt.py edited and committed, and ingested again (incrementally)."""
    tmp = tmp_path_factory.mktemp("changed")
    repo = copy_repo(FIXTURES / "shop", tmp / "shop")
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "one")
    settings = Settings(store=f"ladybug://{tmp / 'graph.lbug'}", workers=1)
    ingest(repo, settings)
    fmt = repo / "shop" / "util" / "fmt.py"
    fmt.write_text(fmt.read_text(encoding="utf-8") + "\n\ndef shout(s):\n    return s.upper()\n", encoding="utf-8")
    _git(repo, "commit", "-qam", "two")
    ingest(repo, settings, incremental=True)
    s = Server(settings, tmp / "serve.log")
    fields = {f["name"] for f in s.graphql("{ __schema { queryType { fields { name } } } }")["__schema"]["queryType"][
        "fields"]}
    if "changedFiles" not in fields:
        s.stop()
        pytest.skip("this server has no changedFiles query")
    yield s
    s.stop()


def test_only_what_changed_in_the_last_ingest_or_since_a_ref(edited: Server, page: Page) -> None:
    open_view(page, f"{edited.url}?{urlencode({'project': 'proj:shop', 'layout': 'circular'})}")
    expect(page.locator("#f-changed-box")).to_be_visible()
    page.locator("#f-changed").select_option("@ingest")
    page.wait_for_function("window.graphsvc.model().nodes.some(n => n.hidden)")
    shown = {n["id"] for n in model(page)["nodes"] if not n["hidden"]}
    assert shown == {SHOP, f"dir:{SHOP}:shop", f"dir:{SHOP}:shop/util", f"file:{SHOP}:shop/util/fmt.py"}
    assert parse_qs(urlparse(page.url).query)["changed"] == ["@ingest"]
    # Since a git ref: the same one file since the first commit, nothing since HEAD.
    page.locator("#f-changed").select_option("@ref")
    expect(page.locator("#f-ref")).to_be_focused()
    page.keyboard.type("HEAD")
    page.keyboard.press("Enter")
    page.wait_for_function("window.graphsvc.model().nodes.every(n => n.hidden || n.entity === 'Repo')")
    page.go_back()
    page.wait_for_function("new URLSearchParams(location.search).get('changed') === '@ingest'")
    wait_ready(page)
    assert {n["id"] for n in model(page)["nodes"] if not n["hidden"]} == shown
    page.locator("#f-changed").select_option("")
    page.wait_for_function("!window.graphsvc.model().nodes.some(n => n.hidden)")
