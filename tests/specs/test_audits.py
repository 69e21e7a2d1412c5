"""SARIF import from real scanners (ruff, bandit), idempotence, superseding, rejection of bad reports."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from graphsvc.audits import import_report, record_audit, trigger_audit
from graphsvc.errors import ReportError
from graphsvc.events import subscribe
from graphsvc.ingest.run import ingest
from graphsvc.store import open_store
from tests.conftest import FIXTURES
from tests.helpers import copy_repo, export_text

LEDGER = FIXTURES / "ledger"
REPO = "repo:ledger/ledger"


def _scanner(args: list[str], cwd: Path) -> bytes:
    """Run a scanner installed with the test extra; they exit non-zero when they find something."""
    exe = shutil.which(args[0]) or str(Path(sys.executable).with_name(args[0]))
    done = subprocess.run([exe, *args[1:]], cwd=cwd, capture_output=True, timeout=120, check=False)
    assert done.stdout.startswith(b"{"), done.stderr.decode()
    return done.stdout


@pytest.fixture
def ledger(tmp_path: Path, make_settings: Any) -> tuple[Path, Any]:
    repo = copy_repo(LEDGER, tmp_path / "ledger")
    settings = make_settings()
    ingest(repo, settings)
    return repo, settings


def test_real_bandit_and_ruff_reports_attach_findings_to_innermost_symbols(
        ledger: tuple[Path, Any], tmp_path: Path) -> None:
    repo, settings = ledger
    bandit = tmp_path / "bandit.sarif"
    bandit.write_bytes(_scanner(["bandit", "-q", "-f", "sarif", "-r", "ledger", "tests"], repo))
    ruff = tmp_path / "ruff.sarif"
    ruff.write_bytes(_scanner(["ruff", "check", "--isolated", "--select", "S,ANN,D", "--output-format", "sarif",
                               "ledger", "tests"], repo))
    with open_store(settings) as store:
        b = import_report(store, bandit, "ledger")
        r = import_report(store, ruff, "ledger")
        findings = store.read("findings", repo=REPO, severity="", status="open", target="")
    assert b.findings >= 4 and b.attached == b.findings
    assert r.findings > 10 and r.attached == r.findings
    shell = [f for f in findings if f["tool"] == "Bandit" and f["ruleId"] == "B602"]
    assert shell and shell[0]["severity"] == "high"
    assert shell[0]["target"] == "sym:repo:ledger/ledger:ledger/accounts.py#export_report"
    imports = [f for f in findings if f["ruleId"] == "B403"]  # `import pickle` at module level
    assert imports[0]["target"] == "sym:repo:ledger/ledger:ledger/accounts.py#"
    text = export_text(settings)
    assert '"to":"sym:repo:ledger/ledger:ledger/accounts.py#export_report","type":"FOUND_IN"' in text


def test_reimporting_the_same_report_writes_nothing(ledger: tuple[Path, Any]) -> None:
    _, settings = ledger
    with open_store(settings) as store:
        first = import_report(store, LEDGER / "reports" / "bandit.sarif", "ledger")
    before = export_text(settings)
    with open_store(settings) as store:
        again = import_report(store, LEDGER / "reports" / "bandit.sarif", "ledger")
    assert again.unchanged and again.audits == first.audits and again.findings == 0
    assert export_text(settings) == before


def test_committed_report_with_foreign_absolute_paths_maps_onto_repo_files(ledger: tuple[Path, Any]) -> None:
    _, settings = ledger
    with open_store(settings) as store:
        result = import_report(store, LEDGER / "reports" / "ruff.sarif", "ledger")
    assert result.findings == 51 and result.attached == 51


def test_newer_report_supersedes_open_findings_of_the_older(ledger: tuple[Path, Any], tmp_path: Path) -> None:
    _, settings = ledger
    doc = json.loads((LEDGER / "reports" / "bandit.sarif").read_text())
    doc["runs"][0]["invocations"][0]["endTimeUtc"] = "2030-01-01T00:00:00Z"
    doc["runs"][0]["results"] = doc["runs"][0]["results"][:1]
    newer = tmp_path / "newer.sarif"
    newer.write_text(json.dumps(doc))
    with open_store(settings) as store:
        import_report(store, LEDGER / "reports" / "bandit.sarif", "ledger")
        result = import_report(store, newer, "ledger")
        open_rows = store.read("findings", repo=REPO, severity="", status="open", target="")
        superseded = store.read("findings", repo=REPO, severity="", status="superseded", target="")
        # The older report imported again stays superseded: the newer one is newer by its own time.
        import_report(store, LEDGER / "reports" / "bandit.sarif", "ledger")
    assert result.superseded == 5
    assert len(open_rows) == 1 and len(superseded) == 5


@pytest.mark.parametrize(("text", "message"), [
    ('{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"message": {"text": "m"},'
     ' "locations": [{"physicalLocation": {"artifactLocation": {"uri": "a.py"}, "region": {"startLine": 0}}}]}]}]}',
     r"\$\.runs\[0\]\.results\[0\]\.locations\[0\]\.physicalLocation\.region\.startLine must be an integer >= 1"),
    ('{"version": "2.1.0", "runs": [{"tool": {"driver": {}}}]}', r"\$\.runs\[0\]\.tool\.driver\.name must be a string"),
    ('{"version": "2.0.0", "runs": []}', r"\$\.version must be \"2\.1\.0\""),
    ('{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"message": {"text": "m"}, '
     '"level": "fatal"}]}]}', r"\$\.runs\[0\]\.results\[0\]\.level must be one of"),
])
def test_malformed_report_names_the_json_path_and_writes_nothing(
        ledger: tuple[Path, Any], tmp_path: Path, text: str, message: str) -> None:
    _, settings = ledger
    before = export_text(settings)
    bad = tmp_path / "bad.sarif"
    bad.write_text(text)
    with open_store(settings) as store, pytest.raises(ReportError, match=message):
        import_report(store, bad, "ledger")
    assert export_text(settings) == before


def test_truncated_report_is_rejected_with_its_line_and_column(ledger: tuple[Path, Any], tmp_path: Path) -> None:
    _, settings = ledger
    data = (LEDGER / "reports" / "bandit.sarif").read_bytes()
    cut = tmp_path / "cut.sarif"
    cut.write_bytes(data[: len(data) // 2])
    before = export_text(settings)
    with open_store(settings) as store, pytest.raises(ReportError, match=r"invalid JSON at line \d+, column \d+"):
        import_report(store, cut, "ledger")
    assert export_text(settings) == before


def test_trigger_emits_audit_requested_and_record_completes_it(ledger: tuple[Path, Any]) -> None:
    _, settings = ledger
    seen: list[Any] = []
    stop = subscribe(seen.append)
    try:
        with open_store(settings) as store:
            aid = trigger_audit(store, REPO, "security", "bandit")
            pending = store.read("audits", repo=REPO, tool="", status="pending")
            record_audit(store, aid, "fail", "one shell injection", LEDGER / "reports" / "bandit.sarif")
            done = store.read("audit", id=aid)[0]
            findings = store.read("findings", repo=REPO, severity="high", status="open", target="")
    finally:
        stop()
    assert [e.payload["auditId"] for e in seen if e.subject == "audit.requested"] == [aid]
    assert [a["id"] for a in pending] == [aid]
    assert done["status"] == "fail" and done["summary"] == "one shell injection" and done["findings"] == 5
    assert any(f["audit"] == aid for f in findings)


def test_security_overview_counts_open_findings_by_severity(ledger: tuple[Path, Any]) -> None:
    _, settings = ledger
    with open_store(settings) as store:
        import_report(store, LEDGER / "reports" / "bandit.sarif", "ledger")
        rows = store.read("security_overview")
    assert {(r["project"], r["severity"], r["findings"]) for r in rows} == {
        ("proj:ledger", "high", 1), ("proj:ledger", "low", 4)}


def test_full_reingest_keeps_findings_checks_and_task_links_attached(ledger: tuple[Path, Any]) -> None:
    from graphsvc import compliance
    from graphsvc.tasks import create_task

    repo, settings = ledger
    with open_store(settings) as store:
        import_report(store, LEDGER / "reports" / "bandit.sarif", "ledger")
        compliance.run_check(store, "ledger", compliance.load_policies([repo / "policies"]))
        create_task(store, "ledger", "Test refunds", links=["sym:repo:ledger/ledger:ledger/payments.py#refund"])
    before = export_text(settings)
    ingest(repo, settings)
    after = export_text(settings)
    assert after == before
    assert after.count('"type":"FOUND_IN"') == 5
