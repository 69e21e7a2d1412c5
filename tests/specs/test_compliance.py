"""CEL policies: load errors with file and line, verdicts written as ComplianceCheck nodes, exit codes,
and Ed25519 attestations that say why they fail to verify."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from graphsvc import compliance
from graphsvc.attestations import attest, verify, write_keypair
from graphsvc.audits import import_report
from graphsvc.errors import PolicyError, SignatureError, SigningKeyError
from graphsvc.ingest.run import ingest
from graphsvc.store import open_store
from tests.conftest import FIXTURES
from tests.helpers import copy_repo, export_text

LEDGER = FIXTURES / "ledger"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def ledger(tmp_path: Path, make_settings: Any) -> tuple[Path, Any]:
    repo = copy_repo(LEDGER, tmp_path / "ledger")
    settings = make_settings()
    ingest(repo, settings)
    with open_store(settings) as store:
        import_report(store, LEDGER / "reports" / "bandit.sarif", "ledger")
    return repo, settings


def _policy(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(body)
    return path


def test_invalid_cel_is_rejected_at_load_with_file_and_line(tmp_path: Path) -> None:
    path = _policy(tmp_path, "name: p\nseverity: high\nrules:\n  - name: ok\n    expression: 'true'\n"
                             "  - name: broken\n    expression: size(entity.tests) >\n")
    with pytest.raises(PolicyError, match=rf"invalid CEL expression of rule 'broken': .* in {path}:7"):
        compliance.load_policies([path])


def test_python_in_a_rule_is_not_python(tmp_path: Path) -> None:
    # Parsed as CEL, the text is a call of unknown functions: evaluating it is a violation, never Python.
    marker = tmp_path / "pwned"
    path = _policy(tmp_path, "name: p\nrules:\n  - name: evil\n    expression: "
                             f"\"__import__('os').system('touch {marker}')\"\n")
    policies = compliance.load_policies([path])
    evaluated, violations = compliance.evaluate(policies[0].rules[0], [{"id": "x"}])
    assert evaluated == 1 and violations[0]["message"].startswith("evaluation error: ")
    assert not marker.exists()


def test_check_writes_pass_warn_and_fail_with_violating_ids(ledger: tuple[Path, Any]) -> None:
    repo, settings = ledger
    policies = compliance.load_policies([repo / "policies"])
    with open_store(settings) as store:
        results = {r.check_id: r for r in compliance.run_check(store, "ledger", policies)}
        again = compliance.run_check(store, "ledger", policies)
    tested = results["check:ledger:quality/payments-tested"]
    assert tested.status == "fail" and tested.evaluated == 2
    assert [v["id"] for v in tested.violations] == ["sym:repo:ledger/ledger:ledger/payments.py#refund"]
    assert results["check:ledger:quality/no-pickle"].violations[0]["id"] == "file:repo:ledger/ledger:ledger/accounts.py"
    high = results["check:ledger:quality/no-open-high-findings"]
    assert high.status == "warn"
    assert [v["id"] for v in high.violations] == ["sym:repo:ledger/ledger:ledger/accounts.py#export_report"]
    assert compliance.exit_code(again) == 1
    text = export_text(settings)
    assert text.count('"label":"ComplianceCheck"') == 3
    assert ('"from":"check:ledger:quality/payments-tested","to":"sym:repo:ledger/ledger:ledger/payments.py#refund",'
            '"type":"CHECKS"') in text
    assert '"from":"policy:quality","to":"rule:quality/payments-tested","type":"HAS_RULE"' in text


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ingest_cli", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=120, check=False)


def test_graph_check_exit_codes(ledger: tuple[Path, Any], tmp_path: Path) -> None:
    repo, settings = ledger
    env = {"GRAPH_STORE": settings.store, "GRAPH_NEO4J_USER": settings.neo4j_user,
           "GRAPH_NEO4J_PASSWORD": settings.neo4j_password}
    assert _cli("check", "--project", "ledger", env=env).returncode == 1
    specs = json.loads(_cli("query", "specs", "--project", "ledger", "--unimplemented", "--json", env=env).stdout)
    assert {s["title"] for s in specs} == {"Ledger requirements", "Audit trail", "Currency conversion"}
    warn = _policy(tmp_path, "name: w\nseverity: low\nrules:\n  - name: tested\n    target: symbol\n"
                             "    when: entity.kind == 'Function'\n    expression: size(entity.testedBy) > 0\n")
    assert _cli("check", "--project", "ledger", "--policy", str(warn), env=env).returncode == 2
    ok = _policy(tmp_path, "name: ok\nrules:\n  - name: specs\n    target: project\n"
                           "    expression: size(entity.specs) > 0\n")
    assert _cli("check", "--project", "ledger", "--policy", str(ok), env=env).returncode == 0
    bad = _policy(tmp_path, "name: bad\nrules:\n  - name: b\n    expression: ')('\n")
    done = _cli("check", "--project", "ledger", "--policy", str(bad), env=env)
    assert done.returncode == 92 and f"{bad}:4" in done.stderr
    down = _cli("check", "--project", "ledger", "--policy", str(ok), env={"GRAPH_STORE": "bolt://127.0.0.1:9"})
    assert down.returncode == 93 and "cannot reach Neo4j" in down.stderr


def test_attestation_signs_and_verification_says_why_it_fails(ledger: tuple[Path, Any], tmp_path: Path) -> None:
    repo, settings = ledger
    write_keypair(tmp_path / "key")
    write_keypair(tmp_path / "other")
    signer = settings.model_copy(update={"attestation_key": tmp_path / "key"})
    with open_store(settings) as store:
        compliance.run_check(store, "ledger", compliance.load_policies([repo / "policies"]))
        with pytest.raises(SigningKeyError, match="no attestation key is configured"):
            attest(store, "ledger", settings)
        made = attest(store, "ledger", signer)
        assert made["status"] == "fail" and json.loads(made["payload"])["checks"][0]["id"].startswith("check:ledger:")
        assert verify(store, made["id"], signer).status == "fail"
        other = settings.model_copy(update={"attestation_public_key": tmp_path / "other.pub"})
        with pytest.raises(SignatureError, match="not by the configured key"):
            verify(store, made["id"], other)
        with pytest.raises(SignatureError, match="expired"):
            verify(store, made["id"], signer, now=datetime.now(UTC) + timedelta(days=31))
        store.put([_tampered(made)], [])
        with pytest.raises(SignatureError, match="does not match its payload"):
            verify(store, made["id"], signer)
    assert "BEGIN PRIVATE KEY" not in export_text(settings)
    assert (tmp_path / "key").read_text().startswith("-----BEGIN PRIVATE KEY")


def _tampered(made: dict[str, Any]) -> Any:
    from graphsvc.model import Node

    payload = json.loads(made["payload"])
    payload["status"] = "pass"
    props = {k: v for k, v in made.items() if k != "id"}
    props.update(status="pass", payload=json.dumps(payload, sort_keys=True, separators=(",", ":")))
    return Node("Attestation", made["id"], props)
