"""Golden graphs: each fixture repo's export equals its hand-checked expected graph, on both stores."""

from __future__ import annotations

from pathlib import Path

import pytest

from graphsvc.ingest.run import ingest
from graphsvc.model import repo_id
from graphsvc.settings import Settings
from tests.conftest import FIXTURES
from tests.fixture_assertions import read_assertions
from tests.helpers import diff, export_text

REPOS = sorted(p for p in FIXTURES.iterdir() if p.is_dir())


@pytest.mark.parametrize("repo", REPOS, ids=[p.name for p in REPOS])
def test_export_matches_golden(repo: Path, store_settings: Settings, update_goldens: bool, backend: str) -> None:
    ingest(repo, store_settings)
    actual = export_text(store_settings)
    golden = repo.with_name(repo.name + ".expected.jsonl")
    if update_goldens and backend == "ladybug":
        golden.write_text(actual, encoding="utf-8")
    expected = golden.read_text(encoding="utf-8")
    assert actual == expected, diff(expected, actual, golden.name)


@pytest.mark.parametrize("repo", REPOS, ids=[p.name for p in REPOS])
def test_resolution_assertions_in_fixture_sources_hold(repo: Path, ladybug_settings: Settings) -> None:
    import json

    ingest(repo, ladybug_settings)
    edges: dict[tuple[object, ...], list[dict[str, object]]] = {}
    for line in export_text(ladybug_settings).splitlines():
        obj = json.loads(line)
        if "edge" in obj:
            e = obj["edge"]
            edges.setdefault((e["type"], e.get("line"), e.get("column")), []).append(e)
    assertions = list(read_assertions(repo, repo_id(repo.name, repo.name)))
    assert assertions, f"{repo.name} states no resolution assertions"
    failures = []
    for a in assertions:
        found = edges.get((a.etype, a.line, a.column), [])
        if not any(e["to"] == a.target and e["resolution"] == a.resolution for e in found):
            got = ", ".join(f"{e['to']} ({e['resolution']})" for e in found) or "no edge"
            failures.append(f"{a.where}: expected {a.etype} -> {a.target} {a.resolution}; got {got}")
    assert not failures, "\n".join(failures)


def test_both_stores_export_identical_graphs(tmp_path: Path, neo4j_server: object) -> None:
    from tests.conftest import wipe_neo4j

    server = neo4j_server
    wipe_neo4j(server)  # type: ignore[arg-type]
    lb = Settings(store=f"ladybug://{tmp_path / 'g.lbug'}", workers=1)
    nj = Settings(store=server.uri, neo4j_user=server.user, neo4j_password=server.password,  # type: ignore[attr-defined]
                  workers=1)
    for repo in REPOS:
        ingest(repo, lb)
        ingest(repo, nj)
    a, b = export_text(lb), export_text(nj)
    assert a == b, diff(a, b, "ladybug vs neo4j")
