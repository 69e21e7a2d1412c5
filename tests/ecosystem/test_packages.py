"""Crossing edges for npm packages and Go modules on both stores: a consumer's imports of a package
another indexed repo provides reach the provider's files and symbols, whatever the ingest order, and
stay equal to a fresh build while either side changes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from graphsvc.ingest.run import ingest
from graphsvc.settings import Settings
from tests.helpers import copy_repo, diff, export_text

ECO = Path(__file__).resolve().parents[2] / "fixtures" / "ecosystem"
REPOS = ("uikit", "webapp", "geo", "router")
APP, UI = "webapp/webapp:src/app.ts", "uikit/uikit:src"
ROUTE, GEO = "router/router:route/route.go", "geo/geo:distance/distance.go"

# (type, from, to, line, column) of every crossing edge the four fixture repos make.
EXPECTED = {
    # `import { Button, formatPrice } from "@acme/uikit"`: exports "." -> dist/index.js, whose source is
    # src/index.ts; Button is re-exported by name, formatPrice through `export * from "./format"`.
    ("IMPORTS", f"file:repo:{APP}", f"sym:repo:{UI}/button.ts#Button", 1, 9),
    ("IMPORTS", f"file:repo:{APP}", f"sym:repo:{UI}/format.ts#formatPrice", 1, 17),
    # `import * as fmt from "@acme/uikit/format"`: the subpath export "./format".
    ("IMPORTS", f"file:repo:{APP}", f"file:repo:{UI}/format.ts", 2, 12),
    # (`@acme/uikit/internal` is no export of the package: it stays External.)
    ("EXTENDS", f"sym:repo:{APP}#PriceButton", f"sym:repo:{UI}/button.ts#Button", 6, 33),
    ("CALLS", f"sym:repo:{APP}#PriceButton.label", f"sym:repo:{UI}/format.ts#formatPrice", 8, 11),
    ("CALLS", f"sym:repo:{APP}#PriceButton.label", f"sym:repo:{UI}/format.ts#formatPrice", 8, 36),
    # A method the consumer's class inherits from the provider's.
    ("CALLS", f"sym:repo:{APP}#main", f"sym:repo:{UI}/button.ts#Button.render", 13, 27),
    # Go: an import names a package (a directory); it points at the file the provider's own imports
    # of it point at (the one with the package comment).
    ("IMPORTS", f"file:repo:{ROUTE}", "file:repo:geo/geo:geo.go", 7, 2),
    ("IMPORTS", f"file:repo:{ROUTE}", f"file:repo:{GEO}", 8, 2),
    # `From, To distance.Point`: each field uses the type.
    ("USES", f"sym:repo:{ROUTE}#Leg.From", f"sym:repo:{GEO}#Point", 13, 19),
    ("USES", f"sym:repo:{ROUTE}#Leg.To", f"sym:repo:{GEO}#Point", 13, 19),
    ("CALLS", f"sym:repo:{ROUTE}#Leg.Length", f"sym:repo:{GEO}#Between", 18, 17),
    ("CALLS", f"sym:repo:{ROUTE}#Describe", f"sym:repo:{GEO}#Point.Shift", 23, 13),
}


def _build(settings: Settings, root: Path, order: tuple[str, ...], incremental: bool = False) -> str:
    for name in order:
        ingest(root / name, settings, incremental=incremental)
    return export_text(settings)


def _crossing(export: str) -> set[tuple[str, str, str, int, int]]:
    edges = [json.loads(line)["edge"] for line in export.splitlines() if '"crossProject":true' in line]
    assert all(e["resolution"] == "exact" for e in edges)
    return {(e["type"], e["from"], e["to"], e["line"], e["column"]) for e in edges}


def _links(export: str) -> set[tuple[str, str, str]]:
    edges = [json.loads(line)["edge"] for line in export.splitlines() if '"PROJECT_LINK"' in line]
    return {(e["from"], e["to"], e["prop.type"] + ":" + e["package"]) for e in edges}


def test_npm_and_go_consumers_reach_what_the_providers_export(make_settings: Any) -> None:
    export = _build(make_settings(), ECO, REPOS)
    assert _crossing(export) == EXPECTED
    assert _links(export) == {("proj:webapp", "proj:uikit", "dependency:@acme/uikit"),
                              ("proj:router", "proj:geo", "dependency:example.com/geo")}
    # The External edges stay beside their twins: each repo's facts do not depend on the others.
    assert '"to":"ext:typescript:@acme/uikit.Button"' in export and '"to":"ext:go:example.com/geo/distance"' in export


def test_consumers_first_give_the_same_graph(make_settings: Any) -> None:
    providers_first = _build(make_settings(), ECO, REPOS)
    consumers_first = _build(make_settings(fresh=True), ECO, ("webapp", "router", "uikit", "geo"))
    assert consumers_first == providers_first, diff(providers_first, consumers_first, "consumers first")


def _edit(path: Path, old: str, new: str) -> None:
    if not old:
        path.write_text(new, encoding="utf-8")  # a new file
        return
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_edits_on_either_side_leave_what_a_fresh_build_gives(tmp_path: Path, make_settings: Any) -> None:
    src = tmp_path / "src"
    for name in REPOS:
        copy_repo(ECO / name, src / name)
    live = make_settings()
    _build(live, src, REPOS)
    fmt, ui_pkg, app_pkg = src / "uikit/src/format.ts", src / "uikit/package.json", src / "webapp/package.json"
    distance, geo_mod, router_mod = src / "geo/distance/distance.go", src / "geo/go.mod", src / "router/go.mod"
    between = "// Between returns the distance from a to b.\nfunc Between(a, b Point) float64 {\n" \
              "\treturn math.Hypot(b.X-a.X, b.Y-a.Y)\n}\n"
    steps: list[tuple[list[tuple[Path, str, str]], tuple[str, ...], int]] = [
        # The npm provider renames a function the consumer imports and calls; the Go provider moves one
        # to another file of the same package.
        ([(fmt, "function formatPrice(", "function formatCents("), (distance, between, ""),
          (distance.with_name("between.go"), "", "package distance\n\nimport \"math\"\n\n" + between)],
         ("uikit", "geo"), 10),
        # Only a manifest changes on each side: the npm provider exports its internal module, the Go
        # consumer stops requiring the module.
        ([(ui_pkg, '"./format": "./dist/format.js"', '"./format": "./dist/format.js",\n    '
                                                    '"./internal": "./dist/internal.js"'),
          (router_mod, "require (\n\texample.com/geo v1.0.0\n)\n", "")], ("uikit", "router"), 5),
        # The npm consumer drops its dependency, the Go provider renames its module and the consumer
        # requires the new name (the old imports no longer fall under it).
        ([(app_pkg, '"@acme/uikit": "^1.0.0", ', ""), (geo_mod, "module example.com/geo", "module example.com/geo/v2"),
          (router_mod, "go 1.22\n", "go 1.22\n\nrequire example.com/geo/v2 v2.0.0\n")],
         ("webapp", "geo", "router"), 0),
        # Everything back as it was.
        ([(app_pkg, '"dependencies": {', '"dependencies": {"@acme/uikit": "^1.0.0", '),
          (fmt, "function formatCents(", "function formatPrice("),
          (geo_mod, "module example.com/geo/v2", "module example.com/geo"),
          (router_mod, "require example.com/geo/v2 v2.0.0\n", "require (\n\texample.com/geo v1.0.0\n)\n")],
         ("webapp", "uikit", "geo", "router"), len(EXPECTED) + 1),
    ]
    for edits, repos, crossing in steps:
        for path, old, new in edits:
            _edit(path, old, new)
        for repo in repos:
            ingest(src / repo, live, incremental=True)
        actual = export_text(live)
        fresh = make_settings(fresh=True)
        expected = _build(fresh, src, ("webapp", "router", "uikit", "geo"))
        assert actual == expected, diff(expected, actual, f"after editing {repos}")
        assert len(_crossing(actual)) == crossing, sorted(_crossing(actual))
        live = make_settings()  # the same store again (LadybugDB: graph.lbug; Neo4j: rebuilt below)
        if fresh.store == live.store:  # one Neo4j server: rebuild the incremental state for the next step
            _build(live, src, REPOS)
