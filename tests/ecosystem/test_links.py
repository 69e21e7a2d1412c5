"""The ecosystem layer on both stores: the golden graph of two linked projects and a compose file,
independent of ingest order, and kept equal to a fresh build while either side changes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from graphsvc import ecosystem
from graphsvc.ingest.run import ingest
from graphsvc.settings import Settings
from tests.helpers import copy_repo, diff, export_text

ECO = Path(__file__).resolve().parents[2] / "fixtures" / "ecosystem"
GOLDEN = ECO.with_name("ecosystem.expected.jsonl")


def _build(settings: Settings, root: Path, order: tuple[str, ...], incremental: bool = False) -> str:
    for name in order:
        ingest(root / name, settings, incremental=incremental)
    return export_text(settings)


def test_ecosystem_export_matches_golden(make_settings: Any, update_goldens: bool, backend: str) -> None:
    actual = _build(make_settings(), ECO, ("ledger", "billing"))
    if update_goldens and backend == "ladybug":
        GOLDEN.write_text(actual, encoding="utf-8")
    expected = GOLDEN.read_text(encoding="utf-8")
    assert actual == expected, diff(expected, actual, GOLDEN.name)


def test_consumer_first_gives_the_same_graph(make_settings: Any) -> None:
    actual = _build(make_settings(), ECO, ("billing", "ledger"))
    expected = GOLDEN.read_text(encoding="utf-8")
    assert actual == expected, diff(expected, actual, GOLDEN.name)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_edits_on_either_side_leave_what_a_fresh_build_gives(tmp_path: Path, make_settings: Any) -> None:
    src = tmp_path / "src"
    for name in ("ledger", "billing"):
        copy_repo(ECO / name, src / name)
    live = make_settings()
    _build(live, src, ("ledger", "billing"))
    money, manifest, compose = src / "ledger/ledger/money.py", src / "billing/pyproject.toml", \
        src / "billing/docker-compose.yml"
    steps = [
        # The provider renames a function the consumer calls: the crossing edges to it go.
        ([(money, "def round_cents(", "def round_to_cents(")], ("ledger",)),
        # The consumer stops declaring the dependency (only its manifest changes) and its compose
        # file loses a service others depend on: the link, the crossing edges and integrations go.
        ([(manifest, '"ledger-core>=1.0", ', ""), (compose, "  cache:\n    image: redis:7-alpine\n", "")],
         ("billing",)),
        # It declares it again under another spelling of the name, and the provider brings the function back.
        ([(manifest, "dependencies = [", 'dependencies = ["Ledger.Core", '),
          (money, "def round_to_cents(", "def round_cents(")], ("billing", "ledger")),
    ]
    for edits, repos in steps:
        for path, old, new in edits:
            _edit(path, old, new)
        for repo in repos:
            ingest(src / repo, live, incremental=True)
        actual = export_text(live)
        fresh = make_settings(fresh=True)
        expected = _build(fresh, src, ("billing", "ledger"))
        assert actual == expected, diff(expected, actual, f"after editing {repos}")
        live = make_settings()  # the same store again (LadybugDB: graph.lbug; Neo4j: rebuilt below)
        if fresh.store == live.store:  # one Neo4j server: rebuild the incremental state for the next step
            _build(live, src, ("ledger", "billing"))


def test_the_fixture_declares_what_the_golden_shows() -> None:
    billing = ecosystem.read_manifest(ECO / "billing")
    assert billing.provides == {("python", "billing")}
    assert billing.requires == {("python", "ledger-core"), ("python", "requests")}
    assert [s["name"] for s in sorted(billing.services, key=lambda s: s["name"])] == ["api", "cache", "db", "worker"]
    assert ecosystem.read_manifest(ECO / "ledger").provides == {("python", "ledger-core")}


def test_other_manifests_and_a_broken_one(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text('{"name": "@acme/web", "dependencies": {"@acme/ui": "^1", "react": "18"},'
                                           ' "devDependencies": {"vitest": "1"}}')
    (tmp_path / "go.mod").write_text("module example.com/api\n\ngo 1.22\n\nrequire (\n\texample.com/lib v1.0.0 // x\n"
                                     "\tgithub.com/x/y v0.1.0\n)\nrequire example.com/one v1.2.3\n")
    (tmp_path / "setup.cfg").write_text("[metadata]\nname = Old_Lib\n\n[options]\ninstall_requires =\n"
                                        "    six>=1\n    attrs\n")
    (tmp_path / "requirements-dev.txt").write_text("# tools\npytest==8.0 ; python_version>'3'\n-r base.txt\n")
    (tmp_path / "compose.yaml").write_text("services: [oops\n")
    found = ecosystem.read_manifest(tmp_path)
    assert found.provides == {("npm", "@acme/web"), ("go", "example.com/api"), ("python", "old-lib")}
    assert found.requires == {("npm", "@acme/ui"), ("npm", "react"), ("npm", "vitest"), ("go", "example.com/lib"),
                              ("go", "github.com/x/y"), ("go", "example.com/one"), ("python", "six"),
                              ("python", "attrs"), ("python", "pytest")}
    assert list(found.problems) == ["compose.yaml"] and "manifest not read" in found.problems["compose.yaml"]
