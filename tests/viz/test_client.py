"""The browser client in a real Chromium against a real ``graph serve``: what it draws, finds and explains.

Assertions read the page's model of the view (``window.graphsvc.model()``: nodes, edges,
what is hidden, positions, selection), never pixels.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlparse

from playwright.sync_api import Page, expect

from tests.viz.conftest import Server, model, open_view, wait_ready

SHOP = "repo:shop/shop"
MODELS = f"file:{SHOP}:shop/models.py"
SAVE = f"sym:{SHOP}:shop/models.py#Base.save"
PRICE_AFTER = f"sym:{SHOP}:shop/models.py#Product.price_after"


def at(server: Server, **state: str) -> str:
    """The client's URL for a view state (the URL is the state)."""
    return f"{server.url}?{urlencode({'project': 'proj:shop', **state})}"


SHOP_VIEW = {
    SHOP, f"dir:{SHOP}:shop", f"dir:{SHOP}:shop/util", f"dir:{SHOP}:tests",
    *(f"file:{SHOP}:{p}" for p in ("shop/__init__.py", "shop/broken.py", "shop/legacy.py", "shop/models.py",
                                    "shop/orders.py", "shop/util/__init__.py", "shop/util/fmt.py",
                                    "shop/util/log.py", "tests/test_orders.py")),
}


def test_project_view_renders_the_aggregated_project(server: Server, page: Page) -> None:
    m = open_view(page, at(server))
    assert m["project"] == "proj:shop" and m["view"] == "overview" and m["layout"] == "force"
    assert {n["id"] for n in m["nodes"]} == SHOP_VIEW
    assert not any(n["hidden"] for n in m["nodes"])
    deps = {(e["type"], e["from"].rsplit(":", 1)[1], e["to"].rsplit(":", 1)[1], e["count"]) for e in m["edges"]
            if e["type"] not in ("CONTAINS", "DEFINES")}
    assert ("CALLS", "shop/orders.py", "shop/models.py", 4) in deps
    assert ("IMPORTS", "tests/test_orders.py", "shop/orders.py", 2) in deps
    # ForceAtlas2 ran in its worker and spread the nodes out.
    assert len({(round(n["x"], 3), round(n["y"], 3)) for n in m["nodes"]}) == len(m["nodes"])
    expect(page.locator("#project")).to_have_value("proj:shop")


def test_search_finds_and_focuses_a_symbol(ladybug_server: Server, page: Page) -> None:
    open_view(page, at(ladybug_server, layout="circular"))
    page.keyboard.press("/")
    page.keyboard.type("price_aft")
    first = page.locator("#search-results li").first
    expect(first).to_have_attribute("data-id", PRICE_AFTER)
    expect(first).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")
    page.wait_for_function(f"window.graphsvc.model().selected === {PRICE_AFTER!r}")
    m = wait_ready(page)
    # Its file was opened into symbols so the symbol could be drawn and selected.
    assert PRICE_AFTER in {n["id"] for n in m["nodes"]}
    assert next(n for n in m["nodes"] if n["id"] == MODELS)["expanded"] is True
    query = parse_qs(urlparse(page.url).query)
    assert query["sel"] == [PRICE_AFTER] and query["expand"] == [MODELS]
    expect(page.locator("#panel h2")).to_have_text("price_after")


def test_detail_panel_shows_location_source_and_callers(server: Server, page: Page) -> None:
    open_view(page, at(server, layout="circular", expand=MODELS, sel=SAVE))
    panel = page.locator("#panel")
    expect(panel.locator("dd").filter(has_text="shop/models.py:7")).to_have_count(1)
    expect(panel.locator("dd").filter(has_text="Base.save")).to_have_count(1)
    expect(panel.locator("pre")).to_contain_text("def save(self):")
    callers = panel.locator("[data-list=callers] li")
    expect(callers).to_have_count(1)
    expect(callers.first).to_contain_text("save shop/models.py:43")
    expect(panel.locator("[data-list=callees] li")).to_have_count(1)
    expect(panel.locator("h3").filter(has_text="Impact")).to_contain_text("dependents")
    # A caller in the list is a link: it focuses that node.
    callers.first.locator("button").click()
    page.wait_for_function("window.graphsvc.model().selected.endsWith('#Customer.save')")


def test_filters_change_what_is_drawn(ladybug_server: Server, page: Page) -> None:
    m = open_view(page, at(ladybug_server, layout="circular"))
    assert not any(n["hidden"] for n in m["nodes"])
    page.locator("#f-kinds-Directory").uncheck()
    m = model(page)
    assert {n["id"] for n in m["nodes"] if n["hidden"]} == {f"dir:{SHOP}:shop", f"dir:{SHOP}:shop/util",
                                                           f"dir:{SHOP}:tests"}
    page.locator("#f-kinds-Directory").check()
    page.locator("#f-types-IMPORTS").uncheck()
    m = model(page)
    assert {e["hidden"] for e in m["edges"] if e["type"] == "IMPORTS"} == {True}
    assert {e["hidden"] for e in m["edges"] if e["type"] == "CALLS"} == {False}
    page.locator("#f-path").fill("tests")
    page.locator("#f-path").press("Enter")
    m = model(page)
    shown = {n["id"] for n in m["nodes"] if not n["hidden"]}
    assert shown == {SHOP, f"dir:{SHOP}:tests", f"file:{SHOP}:tests/test_orders.py"}
    query = parse_qs(urlparse(page.url).query)
    assert query["path"] == ["tests"] and query["hideTypes"] == ["IMPORTS"]
    # The filters are in the URL: a reload draws the same.
    page.reload()
    again = wait_ready(page)
    assert {n["id"] for n in again["nodes"] if not n["hidden"]} == shown


def test_layouts_move_the_nodes_and_keep_the_selection(ladybug_server: Server, page: Page) -> None:
    sel = f"file:{SHOP}:shop/orders.py"
    m = open_view(page, at(ladybug_server, layout="circular", sel=sel))
    positions = {"circular": {n["id"]: (n["x"], n["y"]) for n in m["nodes"]}}
    for layout in ("layered", "radial"):
        page.locator("#layout").select_option(layout)
        m = wait_ready(page)
        assert m["layout"] == layout and m["selected"] == sel
        positions[layout] = {n["id"]: (n["x"], n["y"]) for n in m["nodes"]}
    assert positions["circular"] != positions["layered"] != positions["radial"]
    # Radial: the selection is the centre.
    assert positions["radial"][sel] == (0, 0)
    page.go_back()
    page.wait_for_function("window.graphsvc.model().layout === 'layered' && window.graphsvc.model().ready")


def test_keyboard_expands_a_file_and_back_collapses_it(ladybug_server: Server, page: Page) -> None:
    open_view(page, at(ladybug_server, layout="circular"))
    nodes = page.locator("#node-list")
    nodes.focus()
    nodes.select_option(MODELS)
    page.keyboard.press("Enter")
    page.wait_for_function(f"window.graphsvc.model().nodes.some(n => n.id === {SAVE!r})")
    m = wait_ready(page)
    assert len(m["nodes"]) == len(SHOP_VIEW) + 12
    page.go_back()
    page.wait_for_function(f"!window.graphsvc.model().nodes.some(n => n.id === {SAVE!r})")
    assert {n["id"] for n in wait_ready(page)["nodes"]} == SHOP_VIEW


def test_path_between_two_nodes_is_highlighted(ladybug_server: Server, page: Page) -> None:
    open_view(page, at(ladybug_server, layout="circular", expand=MODELS))
    checkout = f"sym:{SHOP}:shop/orders.py#checkout"
    page.evaluate(f"window.graphsvc.path({checkout!r}, {SAVE!r})")
    # orders.py is a closed file: its calls reach Customer.save, which calls Base.save.
    assert model(page)["path"] == []
    orders = f"file:{SHOP}:shop/orders.py"
    page.evaluate(f"window.graphsvc.path({orders!r}, {SAVE!r})")
    assert model(page)["path"] == sorted([orders, f"sym:{SHOP}:shop/models.py#Customer.save", SAVE])
    expect(page.locator("#banner")).to_contain_text("Path: 2 hops")


def test_text_from_indexed_code_is_shown_as_text(hostile_server: Server, page: Page) -> None:
    sym = "sym:repo:hostile/hostile:evil.py#run"
    url = f"{hostile_server.url}?{urlencode({'project': 'proj:hostile', 'layout': 'circular', 'sel': sym})}"
    open_view(page, url)
    doc = page.locator("#panel p.doc")
    expect(doc).to_contain_text('<img src=x onerror="window.pwned=1">')
    assert page.locator("#panel img").count() == 0
    assert page.evaluate("window.pwned") is None


def test_a_neighbourhood_draws_the_servers_page_and_lists_its_nodes(server: Server, page: Page) -> None:
    checkout = f"sym:{SHOP}:shop/orders.py#checkout"
    hood = server.graphql(f'{{ neighbourhood(nodeId: "{checkout}", depth: 2, limit: 5) {{ hasMore nodes {{ id }} '
                          "edges { type from to } } }")["neighbourhood"]
    assert hood["hasMore"] is True
    open_view(page, at(server, layout="circular"))
    page.evaluate(f"window.graphsvc.neighbourhood({checkout!r}, 2, 5)")
    m = wait_ready(page)
    assert m["view"] == "neighbourhood" and m["selected"] == checkout and m["truncated"] is True
    assert sorted(n["id"] for n in m["nodes"]) == sorted(n["id"] for n in hood["nodes"])
    assert sorted((e["type"], e["from"], e["to"]) for e in m["edges"]) == sorted(
        (e["type"], e["from"], e["to"]) for e in hood["edges"])
    # The node list follows the drawn view (it is filled once the view is on screen).
    listed = page.locator("#node-list option").evaluate_all("(os) => os.map((o) => o.value)")
    assert sorted(listed) == sorted(n["id"] for n in hood["nodes"])
    page.locator("[data-banner-action]").click()
    page.wait_for_function("window.graphsvc.model().nodes.length > 5")
    more = wait_ready(page)
    assert {n["id"] for n in m["nodes"]} < {n["id"] for n in more["nodes"]}
