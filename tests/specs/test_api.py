"""GraphQL: spec items, tasks, audits, findings, checks and attestations; the mutations; projectGraph."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from api.app import create_app
from graphsvc.attestations import write_keypair
from graphsvc.audits import import_report
from graphsvc.ingest.run import ingest
from graphsvc.store import open_store
from tests.api.conftest import ApiClient
from tests.conftest import FIXTURES
from tests.helpers import copy_repo

REFUND = "sym:repo:ledger/ledger:ledger/payments.py#refund"


@pytest.fixture
def client(tmp_path: Path, make_settings: Any) -> Iterator[ApiClient]:
    repo = copy_repo(FIXTURES / "ledger", tmp_path / "ledger")
    write_keypair(tmp_path / "key")
    settings = make_settings(attestation_key=tmp_path / "key")
    ingest(repo, settings)
    with open_store(settings) as store:
        import_report(store, repo / "reports" / "bandit.sarif", "ledger")
    c = ApiClient(create_app(settings))
    yield c
    c.close()


def test_reads_specs_tasks_findings_and_untested_symbols(client: ApiClient) -> None:
    data = client.data('''{
      specItems(project: "proj:ledger", unimplemented: true) { id title source }
      implemented: specItems(project: "proj:ledger") { id implementations
        implementedBy { id resolution confidence } }
      tasks(project: "proj:ledger", symbol: "sym:repo:ledger/ledger:ledger/accounts.py#snapshot") { kind title }
      untestedSymbols(project: "proj:ledger") { qualifiedName }
      findings(severity: "high") { ruleId target message }
      securityOverview { severity findings }
    }''')
    assert {s["title"] for s in data["specItems"]} == {"Ledger requirements", "Audit trail", "Currency conversion"}
    payments = next(s for s in data["implemented"] if s["id"].endswith("#ledger-requirements/payments-p1"))
    assert {(i["id"], i["resolution"]) for i in payments["implementedBy"]} == {
        ("sym:repo:ledger/ledger:ledger/payments.py#pay", "exact"), (REFUND, "heuristic")}
    assert data["tasks"] == [{"kind": "XXX", "title": "pickle is unsafe for untrusted data"}]
    assert "refund" in {s["qualifiedName"] for s in data["untestedSymbols"]}
    assert data["findings"][0]["ruleId"] == "B602"
    assert {(r["severity"], r["findings"]) for r in data["securityOverview"]} == {("high", 1), ("low", 4)}


def test_mutations_create_link_trigger_record_check_attest(client: ApiClient) -> None:
    made = client.data('mutation { createTask(project: "ledger", title: "Test refunds", labels: ["qa"]) { id } }')
    tid = made["createTask"]["id"]
    assert client.data(f'mutation {{ linkTask(task: "{tid}", target: "{REFUND}") }}')["linkTask"] is True
    tasks = client.data(f'{{ tasks(project: "proj:ledger", symbol: "{REFUND}") {{ id origin labels }} }}')["tasks"]
    assert tasks == [{"id": tid, "origin": "api", "labels": ["qa"]}]
    aid = client.data('mutation { triggerAudit(target: "repo:ledger/ledger", kind: "security", tool: "bandit") }')[
        "triggerAudit"]
    assert client.data('{ audits(status: "pending") { id } }')["audits"] == [{"id": aid}]
    done = client.data(f'mutation {{ recordAudit(audit: "{aid}", status: "ok", summary: "clean") {{ status }} }}')
    assert done["recordAudit"]["status"] == "ok"
    checks = client.data('mutation { runComplianceCheck(project: "ledger") { id status violations { id } } }')
    assert {c["id"]: c["status"] for c in checks["runComplianceCheck"]}["check:ledger:quality/payments-tested"] == "fail"
    att = client.data('mutation { generateAttestation(project: "ledger") { id status signature keyId } }')
    assert att["generateAttestation"]["status"] == "fail" and len(att["generateAttestation"]["signature"]) == 88
    assert client.data('{ attestations(project: "proj:ledger") { id } }')["attestations"] == [
        {"id": att["generateAttestation"]["id"]}]
    bad = client.graphql('mutation { linkTask(task: "task:nope", target: "sym:x") }')
    assert bad["errors"][0]["extensions"]["code"] and "no task task:nope" in bad["errors"][0]["message"]


def test_project_graph_shows_specs_tasks_findings(client: ApiClient) -> None:
    g = client.data('{ projectGraph(projectId: "proj:ledger", depth: 3) { nodes { id label } edges { type from to '
                    'resolution } } }')["projectGraph"]
    labels = {n["label"] for n in g["nodes"]}
    assert {"SpecItem", "Task", "Audit", "Finding"} <= labels
    types = {e["type"] for e in g["edges"]}
    assert {"DECLARES", "IMPLEMENTED_BY", "TESTS", "DOCUMENTS", "HAS_FINDING", "FOUND_IN", "AUDITS"} <= types
    only = client.data('{ projectGraph(projectId: "proj:ledger", depth: 3, filters: {edgeTypes: [CALLS]}) '
                       '{ nodes { label } } }')["projectGraph"]
    assert "SpecItem" not in {n["label"] for n in only["nodes"]}
