"""``graph mcp``'s spec, task, finding and compliance tools and ``search`` over specs and tasks, through
the SDK's client over stdio and HTTP, on both stores, with exact answers on the ``ledger`` fixture:
its Markdown docs (spec items), TODO comments (tasks), committed SARIF reports (findings) and
policies (compliance checks), plus a task created through the API and a signed attestation."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graphsvc import compliance
from graphsvc.attestations import attest, write_keypair
from graphsvc.audits import import_report
from graphsvc.ingest.run import ingest
from graphsvc.settings import Settings
from graphsvc.store import open_store
from graphsvc.tasks import create_task
from tests.conftest import FIXTURES, wipe_neo4j
from tests.helpers import copy_repo
from tests.mcp.client import McpClient
from tests.mcp.conftest import env_of

ACC = "sym:repo:ledger/ledger:ledger/accounts.py#"
PAY = "sym:repo:ledger/ledger:ledger/payments.py#"
SPEC = "spec:repo:ledger/ledger:"
RUFF = "finding:audit:repo:ledger/ledger:ruff:edd5ca6b47ed5954/"
BANDIT = "finding:audit:repo:ledger/ledger:Bandit:a80106c06608a375/"


@pytest.fixture(scope="module", params=[pytest.param("ladybug", marks=pytest.mark.ladybug),
                                        pytest.param("neo4j", marks=pytest.mark.neo4j)])
def ledger_settings(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    tmp = tmp_path_factory.mktemp("mcp-ledger")
    if request.param == "neo4j":
        server = request.getfixturevalue("neo4j_server")
        wipe_neo4j(server)
        settings = Settings(store=server.uri, neo4j_user=server.user, neo4j_password=server.password, workers=1)
    else:
        settings = Settings(store=f"ladybug://{tmp / 'graph.lbug'}", workers=1)
    repo = copy_repo(FIXTURES / "ledger", tmp / "ledger")
    ingest(repo, settings)
    write_keypair(tmp / "key")
    with open_store(settings) as store:
        import_report(store, repo / "reports" / "bandit.sarif", "ledger")
        import_report(store, repo / "reports" / "ruff.sarif", "ledger")
        compliance.run_check(store, "ledger", compliance.load_policies([repo / "policies"]))
        attest(store, "ledger", settings.model_copy(update={"attestation_key": tmp / "key"}))
        create_task(store, "ledger", "Refunds need a test", labels=["payments"], links=[PAY + "refund"])
    return settings


@pytest.fixture(scope="module", params=["stdio", "http"])
def client(request: pytest.FixtureRequest, ledger_settings: Settings) -> Iterator[McpClient]:
    make = McpClient.stdio if request.param == "stdio" else McpClient.http
    with make(env_of(ledger_settings)) as c:
        yield c


def node(name: str, kind: str, at: str, id_: str) -> dict[str, Any]:
    return {"name": name, "kind": kind, "at": at, "repo": "ledger/ledger", "id": id_}


def test_the_tools_have_precise_schemas(client: McpClient) -> None:
    tools = {t.name: t for t in client.tools()}
    assert {"specs_for", "tasks_for", "findings_for", "compliance_status"} <= set(tools)
    for name in ("specs_for", "tasks_for", "findings_for"):
        schema = tools[name].inputSchema
        assert schema["required"] == ["target"]
        assert schema["properties"]["limit"]["maximum"] == 500
        assert tools[name].annotations and tools[name].annotations.readOnlyHint
    assert tools["findings_for"].inputSchema["properties"]["status"]["enum"] == ["open", "superseded", "any"]
    assert tools["tasks_for"].inputSchema["properties"]["status"]["enum"] == ["open", "in_progress", "done", "any"]
    assert tools["compliance_status"].inputSchema["required"] == ["project"]
    assert tools["search"].inputSchema["properties"]["scope"]["anyOf"][0]["items"]["enum"] == [
        "symbols", "files", "specs", "tasks"]


def test_specs_for_a_class_covers_its_methods(client: McpClient) -> None:
    found = client.ok("specs_for", {"target": "ledger.accounts.Account"})
    assert found == {
        "target": node("ledger.accounts.Account", "Class", "ledger/accounts.py:7", ACC + "Account"),
        "items": [
            {"title": "Overdraft protection for `Account.withdraw`", "source": "checklist", "status": "planned",
             "priority": None, "at": "README.md:8", "implementedBy": "ledger.accounts.Account.withdraw",
             "id": SPEC + "README.md#ledger/roadmap/overdraft-protection-for-account-withdraw", "resolution": "exact"},
            {"title": "Store amounts as integer cents", "source": "adr", "status": "accepted", "priority": None,
             "at": "docs/decisions/0001-integer-cents.md:1", "implementedBy": "ledger.accounts.Account",
             "id": SPEC + "docs/decisions/0001-integer-cents.md#store-amounts-as-integer-cents",
             "resolution": "exact"},
            {"title": "Deposits", "source": "requirement", "status": None, "priority": None,
             "at": "docs/requirements.md:7", "implementedBy": "ledger.accounts.Account.deposit",
             "id": SPEC + "docs/requirements.md#ledger-requirements/transfers/deposits", "resolution": "exact"}],
        "offset": 0, "hasMore": False, "total": 3,
        "documents": [
            {"path": "README.md", "mentions": "ledger.accounts.Account.withdraw",
             "id": "file:repo:ledger/ledger:README.md", "resolution": "exact"},
            {"path": "docs/decisions/0001-integer-cents.md", "mentions": "ledger.accounts.Account",
             "id": "file:repo:ledger/ledger:docs/decisions/0001-integer-cents.md", "resolution": "exact"},
            {"path": "docs/requirements.md", "mentions": "ledger.accounts.Account.deposit",
             "id": "file:repo:ledger/ledger:docs/requirements.md", "resolution": "exact"}]}


def test_specs_for_a_file_by_path_with_a_guessed_link(client: McpClient) -> None:
    found = client.ok("specs_for", {"target": "ledger/payments.py", "limit": 1})
    assert found["target"] == node("ledger/payments.py", "File", "ledger/payments.py:1",
                                   "file:repo:ledger/ledger:ledger/payments.py")
    assert found["items"] == [
        {"title": "Payments (P1)", "source": "requirement", "status": None, "priority": "P1",
         "at": "docs/requirements.md:11", "implementedBy": "ledger.payments.pay",
         "id": SPEC + "docs/requirements.md#ledger-requirements/payments-p1", "resolution": "exact"}]
    assert (found["hasMore"], found["total"]) == (True, 2)
    assert found["next"] == "call specs_for again with offset=1 (same other arguments)"
    assert found["documents"] == [{"path": "README.md", "mentions": "ledger/payments.py",
                                   "id": "file:repo:ledger/ledger:README.md", "resolution": "exact"}]
    assert found["documentsNote"] == "showing 1 of 3 mentions; raise limit"
    rest = client.ok("specs_for", {"target": "ledger/payments.py", "limit": 1, "offset": 1})
    assert rest["items"] == [
        {"title": "Payments (P1)", "source": "requirement", "status": None, "priority": "P1",
         "at": "docs/requirements.md:11", "implementedBy": "ledger.payments.refund",
         "id": SPEC + "docs/requirements.md#ledger-requirements/payments-p1", "resolution": "heuristic",
         "candidates": 1, "confidence": 0.91}]
    assert not rest["hasMore"] and "next" not in rest
    by_id = client.ok("specs_for", {"target": "file:repo:ledger/ledger:ledger/payments.py"})
    assert by_id["items"] == [found["items"][0], rest["items"][0]]


def test_tasks_for_a_file_and_for_a_method(client: McpClient) -> None:
    found = client.ok("tasks_for", {"target": "ledger/accounts.py"})
    assert [(t["title"], t["marker"], t["at"], t["about"], t["assignee"]) for t in found["items"]] == [
        ("reject negative deposits", "TODO", "ledger/accounts.py:15", ["ledger.accounts.Account.deposit"], None),
        ("overdraft is not checked, see `Account.deposit`", "FIXME", "ledger/accounts.py:19",
         ["ledger.accounts.Account.deposit", "ledger.accounts.Account.withdraw"], "ana"),
        ("pickle is unsafe for untrusted data", "XXX", "ledger/accounts.py:30", ["ledger.accounts.snapshot"], None),
        ("shelling out until the exporter exists", "HACK", "ledger/accounts.py:35",
         ["ledger.accounts.export_report"], None)]
    assert found["items"][0] == {"title": "reject negative deposits", "marker": "TODO", "status": "open",
                                 "at": "ledger/accounts.py:15", "origin": "comment",
                                 "about": ["ledger.accounts.Account.deposit"], "assignee": None,
                                 "id": "task:repo:ledger/ledger:ledger/accounts.py#Account.deposit/1"}
    deposit = client.ok("tasks_for", {"target": ACC + "Account.deposit"})
    assert [t["title"] for t in deposit["items"]] == ["reject negative deposits",
                                                      "overdraft is not checked, see `Account.deposit`"]
    refund = client.ok("tasks_for", {"target": "ledger.payments.refund"})
    [api_task] = refund["items"]
    assert {k: api_task[k] for k in ("title", "marker", "status", "at", "origin", "about")} == {
        "title": "Refunds need a test", "marker": "TASK", "status": "open", "at": None, "origin": "api",
        "about": ["ledger.payments.refund"]}
    assert api_task["id"].startswith("task:ledger:api/")
    assert client.ok("tasks_for", {"target": "ledger/accounts.py", "status": "done"})["items"] == []


def test_findings_for_a_function_and_a_file_paged(client: McpClient) -> None:
    found = client.ok("findings_for", {"target": "ledger.accounts.export_report"})
    assert found["bySeverity"] == {"high": 1, "medium": 5}
    assert [(f["rule"], f["severity"], f["at"], f["tool"]) for f in found["items"]] == [
        ("ANN201", "medium", "ledger/accounts.py:34:4", "ruff"), ("D103", "medium", "ledger/accounts.py:34:4", "ruff"),
        ("ANN001", "medium", "ledger/accounts.py:34:18", "ruff"), ("FIX004", "medium", "ledger/accounts.py:35:6", "ruff"),
        ("B602", "high", "ledger/accounts.py:36:11", "Bandit"), ("S602", "medium", "ledger/accounts.py:36:11", "ruff")]
    assert found["items"][4] == {"rule": "B602", "severity": "high",
                                 "message": "subprocess call with shell=True identified, security issue.",
                                 "at": "ledger/accounts.py:36:11", "on": "ledger.accounts.export_report",
                                 "tool": "Bandit", "status": "open", "id": BANDIT + "3"}
    page = client.ok("findings_for", {"target": "ledger/payments.py", "limit": 4})
    assert (page["total"], page["bySeverity"], page["hasMore"]) == (10, {"medium": 10}, True)
    assert page["next"] == "call findings_for again with offset=4 (same other arguments)"
    seen = [f["id"] for f in page["items"]]
    offset = 4
    while True:
        more = client.ok("findings_for", {"target": "ledger/payments.py", "limit": 4, "offset": offset})
        seen += [f["id"] for f in more["items"]]
        if not more["hasMore"]:
            break
        offset += 4
    assert seen == [RUFF + str(n) for n in range(34, 44)]
    module = client.ok("findings_for", {"target": "ledger.accounts"})  # the module symbol: the whole file
    assert module["total"] == 36 and module["items"][0]["rule"] == "B403" and module["items"][0]["on"] == "ledger.accounts"
    assert client.ok("findings_for", {"target": "ledger.accounts.export_report", "status": "superseded"})["items"] == []


def test_compliance_status_of_the_project(client: McpClient) -> None:
    found = client.ok("compliance_status", {"project": "ledger"})
    assert found["project"] == "ledger" and found["summary"] == {"pass": 0, "warn": 1, "fail": 2}
    assert [{k: c[k] for k in ("rule", "status", "evaluated", "violationCount", "violations")}
            for c in found["checks"]] == [
        {"rule": "quality/no-open-high-findings", "status": "warn", "evaluated": 15, "violationCount": 1,
         "violations": [{**node("ledger.accounts.export_report", "Function", "ledger/accounts.py:34",
                                ACC + "export_report"), "message": "open high-severity finding"}]},
        {"rule": "quality/no-pickle", "status": "fail", "evaluated": 7, "violationCount": 1,
         "violations": [{**node("ledger/accounts.py", "File", "ledger/accounts.py:1",
                                "file:repo:ledger/ledger:ledger/accounts.py"), "message": "file imports pickle"}]},
        {"rule": "quality/payments-tested", "status": "fail", "evaluated": 2, "violationCount": 1,
         "violations": [{**node("ledger.payments.refund", "Function", "ledger/payments.py:14", PAY + "refund"),
                         "message": "exported payment function without a test"}]}]
    [attestation] = found["attestations"]
    assert attestation["status"] == "fail" and attestation["id"].startswith("attestation:")
    assert set(attestation) == {"status", "summary", "createdAt", "expiresAt", "keyId", "id"}
    one = client.ok("compliance_status", {"project": "proj:ledger", "rule": "quality/no-pickle"})
    assert [c["rule"] for c in one["checks"]] == ["quality/no-pickle"] and one["summary"] == found["summary"]
    assert json.loads(client.read("graph://projects/ledger/compliance")) == found


def test_the_project_summary_counts_specs_tasks_findings_and_checks(client: McpClient) -> None:
    found = client.ok("project_overview", {"project": "ledger"})
    assert found["work"] == {
        "specItems": 9, "unimplementedSpecItems": 3, "tasks": 5, "openTasks": 5,
        "openFindings": {"high": 1, "low": 4, "medium": 51}, "complianceChecks": {"pass": 0, "warn": 1, "fail": 2},
        "details": "specs_for / tasks_for / findings_for a symbol or file; compliance_status for the checks"}
    assert json.loads(client.read("graph://projects/ledger")) == found


def test_search_reaches_specs_and_tasks(client: McpClient) -> None:
    found = client.ok("search", {"query": "overdraft"})
    assert found == {"items": [
        {"name": "Overdraft protection for `Account.withdraw`", "kind": "SpecItem", "at": "README.md:8",
         "repo": "ledger/ledger", "id": SPEC + "README.md#ledger/roadmap/overdraft-protection-for-account-withdraw",
         "source": "checklist", "status": "planned", "score": 90.0, "match": "prefix"},
        {"name": "overdraft is not checked, see `Account.deposit`", "kind": "Task", "at": "ledger/accounts.py:19",
         "repo": "ledger/ledger", "id": "task:repo:ledger/ledger:ledger/accounts.py#Account.withdraw/1",
         "marker": "FIXME", "status": "open", "score": 90.0, "match": "prefix"}]}
    words = client.ok("search", {"query": "neg dep", "scope": ["tasks"]})
    assert [(h["name"], h["match"]) for h in words["items"]] == [("reject negative deposits", "words")]
    mixed = client.ok("search", {"query": "transfer", "limit": 3})
    assert [(h["name"], h["kind"], h["score"]) for h in mixed["items"]] == [
        ("ledger.accounts.transfer", "Function", 100.0), ("Transfers", "SpecItem", 90.0),
        ("Transfers between accounts (`transfer`)", "SpecItem", 90.0)]
    assert mixed["more"].startswith("there may be more")
    only_code = client.ok("search", {"query": "overdraft", "scope": ["symbols", "files"]})
    assert only_code == {"items": []}


@pytest.mark.parametrize(("tool", "arguments", "expected"), [
    ("specs_for", {"target": "ledger/nope.py"},
     "error: no file 'ledger/nope.py' in the graph — give the path relative to its repo root"),
    ("specs_for", {"target": "ledger.accounts.Nope"}, "error: no symbol named 'ledger.accounts.Nope'"),
    ("tasks_for", {"target": "repo:ledger/ledger"}, "error: 'repo:ledger/ledger' is neither a symbol nor a file"),
    ("findings_for", {"target": "ledger.accounts.export_report", "status": "closed"},
     "Input should be 'open', 'superseded' or 'any'"),
    ("findings_for", {"target": ""}, "String should have at least 1 character"),
    ("compliance_status", {"project": "nope"}, "error: no project with id 'proj:nope'"),
    ("compliance_status", {"project": "ledger", "rule": "quality/nope"},
     "error: no check of rule 'quality/nope' in proj:ledger — rules: quality/no-open-high-findings, "
     "quality/no-pickle, quality/payments-tested"),
    ("compliance_status", {"project": "ledger", "offset": 1},
     "error: offset pages the violations of one rule — pass rule as well"),
    ("search", {"query": "x", "scope": ["audits"]}, "Input should be 'symbols', 'files', 'specs' or 'tasks'"),
])
def test_bad_arguments_say_what_to_send(client: McpClient, tool: str, arguments: dict[str, Any], expected: str) -> None:
    assert expected in client.error(tool, arguments)
    assert client.ok("search", {"query": "transfer", "limit": 1})["items"]  # still serving


def test_the_store_is_unchanged_by_the_tools(ledger_settings: Settings, tmp_path: Path) -> None:
    # Nothing above wrote: the compliance checks and findings are those the fixture made.
    with open_store(ledger_settings, read_only=True) as store:
        assert len(store.read("findings", repo="", severity="", status="", target="")) == 56
        assert len(store.read("compliance_checks", project="proj:ledger")) == 3
