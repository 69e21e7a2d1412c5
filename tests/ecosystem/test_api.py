"""ecosystemGraph and crossProjectDependencies over real HTTP, on both stores."""

from __future__ import annotations

from graphsvc.settings import Settings
from tests.ecosystem.live import live_server

ECOSYSTEM = """{ ecosystemGraph {
  projects { id name }
  services { id name project repo path image type ports endpoint healthUrl }
  links { from to type package }
  integrations { from to protocol via } } }"""

CROSS = """query($p: ID!, $limit: Int) { crossProjectDependencies(projectId: $p, limit: $limit) {
  project dependsOn { from to type package } dependents { from to }
  outgoing { items { type from { id } to { id } line column resolution file { path } } hasMore }
  incoming { items { from { id } to { id } } hasMore } } }"""

B, L = "billing/billing:billing/invoices.py", "ledger/ledger:ledger"


def _svc(name: str, image: str, type_: str, ports: list[str], endpoint: str, health: str) -> dict[str, object]:
    return {"id": f"svc:billing/{name}", "name": name, "project": "proj:billing", "repo": "repo:billing/billing",
            "path": "docker-compose.yml", "image": image, "type": type_, "ports": ports, "endpoint": endpoint,
            "healthUrl": health}


def test_ecosystem_graph(linked: Settings) -> None:
    with live_server(linked) as live:
        g = live.data(ECOSYSTEM)["ecosystemGraph"]
    assert g["projects"] == [{"id": "proj:billing", "name": "billing"}, {"id": "proj:ledger", "name": "ledger"}]
    assert g["services"] == [
        _svc("api", "", "api", ["8000:8000"], "api:8000", "http://localhost:8000/healthz"),
        _svc("cache", "redis:7-alpine", "cache", [], "", ""),
        _svc("db", "postgres:16", "db", [], "db:5432", ""),
        _svc("worker", "billing-worker:0.3", "job", [], "", "http://worker:9100/health"),
    ]
    assert g["links"] == [{"from": "proj:billing", "to": "proj:ledger", "type": "dependency", "package": "ledger-core"}]
    assert g["integrations"] == [
        {"from": "svc:billing/api", "to": "svc:billing/cache", "protocol": "redis", "via": "depends_on,environment"},
        {"from": "svc:billing/api", "to": "svc:billing/db", "protocol": "postgres", "via": "depends_on,environment"},
        {"from": "svc:billing/worker", "to": "svc:billing/api", "protocol": "http", "via": "environment"},
        {"from": "svc:billing/worker", "to": "svc:billing/cache", "protocol": "redis", "via": "environment"},
    ]


def _ref(type_: str, src: str, dst: str, line: int, column: int) -> dict[str, object]:
    return {"type": type_, "from": {"id": src}, "to": {"id": dst}, "line": line, "column": column,
            "resolution": "exact", "file": {"path": "billing/invoices.py"}}


def test_cross_project_dependencies_both_ways(linked: Settings) -> None:
    with live_server(linked) as live:
        billing = live.data(CROSS, p="proj:billing")["crossProjectDependencies"]
        ledger = live.data(CROSS, p="proj:ledger", limit=2)["crossProjectDependencies"]
        missing = live.graphql(CROSS, p="proj:nope")
        callers = live.data('{ callers(symbolId: "sym:repo:ledger/ledger:ledger/money.py#round_cents") '
                            '{ items { from { id } } } }')["callers"]["items"]
    assert billing["dependsOn"] == [{"from": "proj:billing", "to": "proj:ledger", "type": "dependency",
                                     "package": "ledger-core"}]
    assert billing["dependents"] == [] and billing["incoming"] == {"items": [], "hasMore": False}
    assert billing["outgoing"] == {"hasMore": False, "items": [
        _ref("IMPORTS", f"file:repo:{B}", f"file:repo:{L}/accounts.py", 3, 7),
        _ref("IMPORTS", f"file:repo:{B}", f"sym:repo:{L}/accounts.py#Account", 4, 19),
        _ref("IMPORTS", f"file:repo:{B}", f"sym:repo:{L}/money.py#round_cents", 5, 25),
        _ref("EXTENDS", f"sym:repo:{B}#Invoice", f"sym:repo:{L}/accounts.py#Account", 8, 14),
        _ref("CALLS", f"sym:repo:{B}#Invoice.total", f"sym:repo:{L}/money.py#round_cents", 12, 15),
        _ref("CALLS", f"sym:repo:{B}#bill", f"sym:repo:{L}/accounts.py#open_account", 16, 30),
    ]}
    assert ledger["dependents"] == [{"from": "proj:billing", "to": "proj:ledger"}]
    assert ledger["incoming"] == {"hasMore": True, "items": [
        {"from": {"id": f"file:repo:{B}"}, "to": {"id": f"file:repo:{L}/accounts.py"}},
        {"from": {"id": f"file:repo:{B}"}, "to": {"id": f"sym:repo:{L}/accounts.py#Account"}},
    ]}
    assert missing["data"] is None and missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert "proj:nope" in missing["errors"][0]["message"]
    # A crossing call is a caller like any other.
    assert {c["from"]["id"] for c in callers} == {f"sym:repo:{B}#Invoice.total",
                                                  f"sym:repo:{L}/accounts.py#Account.deposit"}


def _item(type_: str, src: str, dst: str, line: int, column: int, path: str) -> dict[str, object]:
    return {"type": type_, "from": {"id": src}, "to": {"id": dst}, "line": line, "column": column,
            "resolution": "exact", "file": {"path": path}}


def test_cross_project_dependencies_of_npm_and_go_packages(packaged: Settings) -> None:
    app, ui, route, geo = ("webapp/webapp:src/app.ts", "uikit/uikit:src", "router/router:route/route.go",
                           "geo/geo:distance/distance.go")
    with live_server(packaged) as live:
        webapp = live.data(CROSS, p="proj:webapp")["crossProjectDependencies"]
        uikit = live.data(CROSS, p="proj:uikit")["crossProjectDependencies"]
        router = live.data(CROSS, p="proj:router")["crossProjectDependencies"]
        geo_deps = live.data(CROSS, p="proj:geo", limit=1)["crossProjectDependencies"]
        callers = live.data('{ callers(symbolId: "sym:repo:%s/format.ts#formatPrice") { items { from { id } line } } }'
                            % ui)["callers"]["items"]
    assert webapp["dependsOn"] == [{"from": "proj:webapp", "to": "proj:uikit", "type": "dependency",
                                    "package": "@acme/uikit"}]
    assert webapp["outgoing"] == {"hasMore": False, "items": [
        _item("IMPORTS", f"file:repo:{app}", f"sym:repo:{ui}/button.ts#Button", 1, 9, "src/app.ts"),
        _item("IMPORTS", f"file:repo:{app}", f"sym:repo:{ui}/format.ts#formatPrice", 1, 17, "src/app.ts"),
        _item("IMPORTS", f"file:repo:{app}", f"file:repo:{ui}/format.ts", 2, 12, "src/app.ts"),
        _item("EXTENDS", f"sym:repo:{app}#PriceButton", f"sym:repo:{ui}/button.ts#Button", 6, 33, "src/app.ts"),
        _item("CALLS", f"sym:repo:{app}#PriceButton.label", f"sym:repo:{ui}/format.ts#formatPrice", 8, 11,
              "src/app.ts"),
        _item("CALLS", f"sym:repo:{app}#PriceButton.label", f"sym:repo:{ui}/format.ts#formatPrice", 8, 36,
              "src/app.ts"),
        _item("CALLS", f"sym:repo:{app}#main", f"sym:repo:{ui}/button.ts#Button.render", 13, 27, "src/app.ts"),
    ]}
    assert uikit["dependents"] == [{"from": "proj:webapp", "to": "proj:uikit"}] and len(uikit["incoming"]["items"]) == 7
    assert router["dependsOn"] == [{"from": "proj:router", "to": "proj:geo", "type": "dependency",
                                    "package": "example.com/geo"}]
    assert router["outgoing"] == {"hasMore": False, "items": [
        _item("IMPORTS", f"file:repo:{route}", "file:repo:geo/geo:geo.go", 7, 2, "route/route.go"),
        _item("IMPORTS", f"file:repo:{route}", f"file:repo:{geo}", 8, 2, "route/route.go"),
        _item("CALLS", f"sym:repo:{route}#Describe", f"sym:repo:{geo}#Point.Shift", 23, 13, "route/route.go"),
        _item("USES", f"sym:repo:{route}#Leg.From", f"sym:repo:{geo}#Point", 13, 19, "route/route.go"),
        _item("CALLS", f"sym:repo:{route}#Leg.Length", f"sym:repo:{geo}#Between", 18, 17, "route/route.go"),
        _item("USES", f"sym:repo:{route}#Leg.To", f"sym:repo:{geo}#Point", 13, 19, "route/route.go"),
    ]}
    assert geo_deps["dependents"] == [{"from": "proj:router", "to": "proj:geo"}]
    assert geo_deps["incoming"] == {"hasMore": True, "items": [
        {"from": {"id": f"file:repo:{route}"}, "to": {"id": "file:repo:geo/geo:geo.go"}}]}
    # A crossing call is a caller like any other.
    assert sorted((c["from"]["id"], c["line"]) for c in callers) == [(f"sym:repo:{app}#PriceButton.label", 8)] * 2
