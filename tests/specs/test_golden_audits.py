"""Golden graph of the ledger fixture after importing its committed SARIF reports and checking its policies."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from graphsvc import compliance
from graphsvc.audits import import_report
from graphsvc.ingest.run import ingest
from graphsvc.store import open_store
from tests.conftest import FIXTURES
from tests.helpers import copy_repo, diff, export_text

LABELS = {"Audit", "Finding", "Policy", "PolicyRule", "ComplianceCheck"}
EDGES = {"AUDITS", "HAS_FINDING", "FOUND_IN", "HAS_RULE", "EVALUATES", "CHECKS"}
GOLDEN = FIXTURES / "ledger.audits.expected.jsonl"


def _audit_lines(text: str) -> str:
    keep = []
    for line in text.splitlines():
        obj = json.loads(line)
        if obj.get("node", {}).get("label") in LABELS or obj.get("edge", {}).get("type") in EDGES:
            keep.append(line + "\n")
    return "".join(keep)


def test_audits_and_checks_match_golden(tmp_path: Path, make_settings: Any, update_goldens: bool,
                                        backend: str) -> None:
    repo = copy_repo(FIXTURES / "ledger", tmp_path / "ledger")
    settings = make_settings()
    ingest(repo, settings)
    with open_store(settings) as store:
        import_report(store, repo / "reports" / "bandit.sarif", "ledger", commit="0" * 40)
        import_report(store, repo / "reports" / "ruff.sarif", "ledger", commit="0" * 40)
        policies = compliance.load_policies([repo / "policies"])
        compliance.run_check(store, "ledger", policies)
    actual = _audit_lines(export_text(settings)).replace(str(repo / "policies"), "<repo>/policies")
    if update_goldens and backend == "ladybug":
        GOLDEN.write_text(actual, encoding="utf-8")
    expected = GOLDEN.read_text(encoding="utf-8")
    assert actual == expected, diff(expected, actual, GOLDEN.name)
