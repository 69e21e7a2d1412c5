"""Insights (GlobalMetric series) and changedFiles, on both stores, over a git work tree of the ledger fixture."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from api.app import create_app
from graphsvc import insights
from graphsvc.errors import NotFound, QueryError
from graphsvc.ingest.run import ingest
from graphsvc.settings import Settings
from graphsvc.store import open_store
from ingest_cli import main
from tests.api.conftest import ApiClient
from tests.conftest import FIXTURES
from tests.helpers import copy_repo, export_text

INSIGHTS = 'query($p: ID, $s: String) { insights(projectId: $p, since: $s) { name projectId points { at value } } }'
CHANGED = 'query($r: ID!, $s: String) { changedFiles(repoId: $r, since: $s) }'
LEDGER_FILES = ["README.md", "docs/decisions/0001-integer-cents.md", "docs/requirements.md", "ledger/__init__.py",
                "ledger/accounts.py", "ledger/payments.py", "tests/test_accounts.py"]


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=repo,
                          check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The ledger fixture as a git work tree with one commit."""
    path = copy_repo(FIXTURES / "ledger", tmp_path / "ledger")
    _git(path, "init", "-q", "-b", "main")
    _git(path, "add", "-A")
    _git(path, "commit", "-qm", "first")
    return path


@pytest.fixture
def client_of() -> Iterator[Any]:
    made: list[ApiClient] = []

    def make(settings: Settings) -> ApiClient:
        made.append(ApiClient(create_app(settings)))
        return made[-1]
    yield make
    for c in made:
        c.close()


def _series(settings: Settings, project: str | None = None, since: str | None = None) -> dict[str, list[float]]:
    with open_store(settings, read_only=True) as store:
        return {m.name: [p.value for p in m.points] for m in insights.insights(store, project, since)}


def _cli(settings: Settings, *args: str) -> Any:
    flags = ["--store", settings.store]
    if not settings.store.startswith("ladybug:"):
        flags += ["--neo4j-user", settings.neo4j_user, "--neo4j-password", settings.neo4j_password]
    return CliRunner().invoke(main, [*args, *flags])


def test_figures_after_ingest_audit_import_check_and_a_commit(make_settings: Any, repo: Path,
                                                              client_of: Any) -> None:
    settings = make_settings(metric_points=2)
    ingest(repo, settings)
    after_ingest = {"files": [7.0], "symbols": [15.0], "tested_public_share": [1 / 3],
                    "open_findings_critical": [0.0], "open_findings_high": [0.0], "open_findings_medium": [0.0],
                    "open_findings_low": [0.0], "commits_behind_head": [0.0], "files_behind_head": [0.0]}
    assert _series(settings) == {"projects": [1.0], **after_ingest}
    assert _series(settings, "proj:ledger") == after_ingest
    with open_store(settings, read_only=True) as store:  # the share is the complement of untestedSymbols
        untested = len(store.read("untested_symbols", id="proj:ledger"))
    assert untested == 6  # 9 public symbols, 3 of them tested

    # A commit the graph has not seen: the next figures say how far behind the index is.
    (repo / "ledger" / "payments.py").write_text((repo / "ledger" / "payments.py").read_text() + "\n# note\n")
    (repo / "README.md").write_text("# Ledger\n")
    _git(repo, "commit", "-qam", "second")
    imported = _cli(settings, "audit", "import", str(repo / "reports" / "bandit.sarif"), "--project", "ledger")
    assert imported.exit_code == 0, imported.output
    checked = _cli(settings, "check", "--project", "ledger", "--json")
    results = json.loads(checked.output)
    passed = sum(r["status"] == "pass" for r in results) / len(results)
    eco = _series(settings)
    assert eco["open_findings_high"] == [0.0, 1.0] and eco["open_findings_low"] == [0.0, 4.0]
    assert eco["commits_behind_head"] == [0.0, 1.0] and eco["files_behind_head"] == [0.0, 2.0]
    assert eco["compliance_pass_ratio"] == [passed] and _series(settings, "proj:ledger")["compliance_pass_ratio"] == [
        passed]
    assert eco["files"] == [7.0]  # unchanged figures add no point

    # Indexing the commit brings freshness back to 0; two points kept per series.
    ingest(repo, settings, incremental=True)
    eco = _series(settings)
    assert eco["commits_behind_head"] == [1.0, 0.0] and eco["files_behind_head"] == [2.0, 0.0]
    assert eco["files"] == [7.0] and eco["open_findings_high"] == [0.0, 1.0]
    with open_store(settings) as store:
        assert insights.record(store, settings.metric_points) == []  # nothing changed: nothing appended
        assert store.read("insight_oldest", metric="commits_behind_head", project="", limit=10)[0]["id"].startswith(
            "metric:ecosystem/commits_behind_head@")

    # The series are observations over time: a new point leaves the canonical export as it was.
    before = export_text(settings)
    (repo / "NOTES.txt").write_text("later\n")
    _git(repo, "add", "NOTES.txt")
    _git(repo, "commit", "-qm", "third")
    with open_store(settings) as store:
        assert insights.record(store, settings.metric_points) == [
            ("commits_behind_head", "", 1.0), ("commits_behind_head", "proj:ledger", 1.0),
            ("files_behind_head", "", 1.0), ("files_behind_head", "proj:ledger", 1.0)]
    assert export_text(settings) == before and "GlobalMetric" not in before
    assert _series(settings)["commits_behind_head"] == [0.0, 1.0]

    client = client_of(settings)
    answer = client.data(INSIGHTS, p="proj:ledger")["insights"]
    assert [m["name"] for m in answer] == ["files", "symbols", "tested_public_share", "compliance_pass_ratio",
                                           "open_findings_critical", "open_findings_high", "open_findings_medium",
                                           "open_findings_low", "commits_behind_head", "files_behind_head"]
    assert {m["projectId"] for m in answer} == {"proj:ledger"}
    behind = next(m for m in answer if m["name"] == "commits_behind_head")["points"]
    assert [p["value"] for p in behind] == [0.0, 1.0] and behind[0]["at"] < behind[1]["at"]
    eco_answer = client.data(INSIGHTS)["insights"]
    assert eco_answer[0] == {"name": "projects", "projectId": None, "points": eco_answer[0]["points"]}

    # since: each series starts with the value in force then.
    later = client.data(INSIGHTS, s=behind[1]["at"])["insights"]
    got = {m["name"]: m["points"] for m in later}
    assert got["commits_behind_head"] == [{"at": behind[1]["at"], "value": 1.0}]
    assert got["files"] == [{"at": behind[1]["at"], "value": 7.0}]
    assert client.data(INSIGHTS, s="2000-01-01T00:00:00Z")["insights"][1]["points"][0]["value"] == 7.0

    bad = client.graphql(INSIGHTS, s="yesterday")
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "since 'yesterday' is not an ISO 8601 time" in bad["errors"][0]["message"]
    missing = client.graphql(INSIGHTS, p="proj:nope")
    assert missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_a_no_change_incremental_run_appends_nothing(make_settings: Any, repo: Path) -> None:
    settings = make_settings()
    ingest(repo, settings)
    with open_store(settings, read_only=True) as store:
        before = store.read("insight_series")
    report = ingest(repo, settings, incremental=True)
    assert report.nothing_changed
    with open_store(settings, read_only=True) as store:
        assert sorted(store.read("insight_series"), key=lambda r: (r["name"], r["project"])) == sorted(
            before, key=lambda r: (r["name"], r["project"]))
    with open_store(settings, read_only=True) as store:
        with pytest.raises(QueryError, match="since 'x' is not an ISO 8601 time"):
            insights.insights(store, None, "x")
        with pytest.raises(NotFound):
            insights.insights(store, "proj:nope")


def test_changed_files_since_a_ref_and_of_the_last_ingest(make_settings: Any, repo: Path, client_of: Any) -> None:
    settings = make_settings()
    ingest(repo, settings)
    client = client_of(settings)
    assert client.data(CHANGED, r="repo:ledger/ledger")["changedFiles"] == LEDGER_FILES
    assert client.data(CHANGED, r="repo:ledger/ledger", s="HEAD")["changedFiles"] == []

    (repo / "ledger" / "payments.py").write_text((repo / "ledger" / "payments.py").read_text() + "\n\ndef refund():\n"
                                                 "    return 0\n")
    (repo / "docs" / "requirements.md").unlink()
    (repo / "ledger" / "fees.py").write_text("def fee():\n    return 1\n")
    assert client.data(CHANGED, r="repo:ledger/ledger", s="HEAD")["changedFiles"] == [
        "docs/requirements.md", "ledger/fees.py", "ledger/payments.py"]
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "second")
    assert client.data(CHANGED, r="repo:ledger/ledger", s="HEAD")["changedFiles"] == []
    assert client.data(CHANGED, r="repo:ledger/ledger", s="HEAD~1")["changedFiles"] == [
        "docs/requirements.md", "ledger/fees.py", "ledger/payments.py"]

    report = ingest(repo, settings, incremental=True)
    with open_store(settings, read_only=True) as store:
        written = json.loads(store.repo("repo:ledger/ledger")["lastChanged"])
    assert written == client.data(CHANGED, r="repo:ledger/ledger")["changedFiles"]
    assert {"docs/requirements.md", "ledger/fees.py", "ledger/payments.py"} <= set(written)
    assert len(written) == report.changed + report.relinked + report.removed
    ingest(repo, settings, incremental=True)  # nothing changed: the last writing run's files stay
    assert client.data(CHANGED, r="repo:ledger/ledger")["changedFiles"] == written

    for ref, message in (("nope", "unknown git ref 'nope'"), ("--output=/tmp/x", "'--output=/tmp/x' is not a git ref")):
        bad = client.graphql(CHANGED, r="repo:ledger/ledger", s=ref)
        assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", bad
        assert message in bad["errors"][0]["message"] and str(repo) not in bad["errors"][0]["message"]
    missing = client.graphql(CHANGED, r="repo:ledger/none")
    assert missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    plain = copy_repo(FIXTURES / "shop", repo.parent / "plain" / "shop")  # not a git work tree
    ingest(plain, settings)
    assert client.data(CHANGED, r="repo:shop/shop")["changedFiles"] == [
        "shop/__init__.py", "shop/broken.py", "shop/legacy.py", "shop/models.py", "shop/orders.py",
        "shop/util/__init__.py", "shop/util/fmt.py", "shop/util/log.py", "tests/test_orders.py"]
    no_git = client.graphql(CHANGED, r="repo:shop/shop", s="HEAD")
    assert no_git["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert no_git["errors"][0]["message"] == ("the work tree of repo:shop/shop is not in git — ask without `since` "
                                              "for the files of the last ingest")
