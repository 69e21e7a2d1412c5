"""Audits: SARIF 2.1.0 reports as ``Audit`` and ``Finding`` nodes, and audits requested from outside.

``graph audit import REPORT`` (``import_report``) checks the report, then writes one ``Audit``
per SARIF run (tool, kind, status, summary) and one ``Finding`` per result, attached by
``FOUND_IN`` to the innermost ``Symbol`` whose range holds the result's line, else to the
``File``. The audit id is derived from the repo, the tool and the sha256 of the report, so
importing the same report again writes nothing. A report for the same tool and repo that is
newer (by its invocation time, else the import time) supersedes the older audits' open
findings (``status: superseded``).

A report is checked completely before anything is written: invalid JSON (a truncated file)
is reported with its line and column, a structural problem with its JSON path, e.g.
``$.runs[0].results[3].locations[0].physicalLocation.region.startLine``.

``trigger_audit`` creates a ``pending`` audit on a target and emits ``audit.requested`` for
an external runner; ``record_audit`` completes it (status, summary, optionally a report).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from graphsvc.errors import InputError, NotFound, ReportError
from graphsvc.events import emit, new_correlation_id
from graphsvc.model import Edge, Node, file_id, repo_id, split_symbol_id
from graphsvc.store.base import Store

__all__ = ["ImportResult", "SarifResult", "SarifRun", "import_report", "parse_sarif", "record_audit",
           "trigger_audit"]

_LEVELS = {"error": "high", "warning": "medium", "note": "low", "none": "info"}
# A linter's "error" is a broken rule, not a vulnerability: code-review tools rank one step lower.
_REVIEW_LEVELS = {"error": "medium", "warning": "low", "note": "info", "none": "info"}
_SEVERITIES = ("critical", "high", "medium", "low", "info")
_SECURITY_TOOLS = frozenset({"bandit", "semgrep", "codeql", "gosec", "brakeman", "trivy", "snyk"})
_KINDS = ("codeReview", "security", "license", "compliance")
_MAX_MESSAGE = 1000


@dataclass(frozen=True)
class SarifResult:
    """One result: rule, severity, message and its first location (repo-relative path as reported)."""

    rule_id: str
    severity: str
    message: str
    uri: str
    line: int
    column: int
    fingerprint: str


@dataclass(frozen=True)
class SarifRun:
    """One run of one tool."""

    tool: str
    version: str
    results: tuple[SarifResult, ...]
    time: str
    commit: str


@dataclass
class ImportResult:
    """What an import wrote: audit ids, findings, how many were attached, superseded, already known."""

    audits: list[str] = field(default_factory=list)
    findings: int = 0
    attached: int = 0
    superseded: int = 0
    unchanged: bool = False


# -- checking ---------------------------------------------------------------------------------


class _Checker:
    def __init__(self, where: str) -> None:
        self.where = where
        self.security = False

    def fail(self, path: str, what: str) -> ReportError:
        return ReportError(f"not a SARIF 2.1.0 report: {path} {what}", where=self.where,
                           suggestion="produce the report again (e.g. `ruff check --output-format sarif`)")

    def obj(self, value: Any, path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(path, f"must be an object, found {type(value).__name__}")
        return value

    def arr(self, value: Any, path: str) -> list[Any]:
        if not isinstance(value, list):
            raise self.fail(path, f"must be an array, found {type(value).__name__}")
        return value

    def text(self, value: Any, path: str) -> str:
        if not isinstance(value, str):
            raise self.fail(path, f"must be a string, found {type(value).__name__}")
        return value

    def integer(self, value: Any, path: str, minimum: int) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            raise self.fail(path, f"must be an integer >= {minimum}, found {value!r}")
        return value


def parse_sarif(data: bytes, where: str) -> list[SarifRun]:
    """Check a SARIF 2.1.0 report and return its runs.

    Raises:
        ReportError: invalid JSON (with line and column) or a structural problem (with its JSON path).
    """
    try:
        doc = json.loads(data)
    except UnicodeDecodeError as exc:
        raise ReportError(f"not a SARIF report: not UTF-8 text ({exc.reason})", where=where) from exc
    except json.JSONDecodeError as exc:
        raise ReportError(f"not a SARIF report: invalid JSON at line {exc.lineno}, column {exc.colno} ({exc.msg})",
                          where=where, suggestion="the file may be truncated; produce it again") from exc
    c = _Checker(where)
    root = c.obj(doc, "$")
    if root.get("version") != "2.1.0":
        raise c.fail("$.version", f"must be \"2.1.0\", found {root.get('version')!r}")
    runs = []
    for i, run in enumerate(c.arr(root.get("runs"), "$.runs")):
        p = f"$.runs[{i}]"
        run = c.obj(run, p)
        driver = c.obj(c.obj(run.get("tool"), f"{p}.tool").get("driver"), f"{p}.tool.driver")
        tool = c.text(driver.get("name"), f"{p}.tool.driver.name")
        version = driver.get("version") or driver.get("semanticVersion") or ""
        c.security = tool.lower() in _SECURITY_TOOLS
        results = tuple(_result(c, r, f"{p}.results[{j}]")
                        for j, r in enumerate(c.arr(run.get("results", []), f"{p}.results")))
        time = ""
        for k, inv in enumerate(c.arr(run.get("invocations", []), f"{p}.invocations")):
            inv = c.obj(inv, f"{p}.invocations[{k}]")
            time = str(inv.get("endTimeUtc") or inv.get("startTimeUtc") or time)
        commit = ""
        for k, vcs in enumerate(c.arr(run.get("versionControlProvenance", []), f"{p}.versionControlProvenance")):
            commit = str(c.obj(vcs, f"{p}.versionControlProvenance[{k}]").get("revisionId") or commit)
        runs.append(SarifRun(tool, str(version), results, _utc(time), commit))
    return runs


def _utc(stamp: str) -> str:
    """A SARIF timestamp in the form the graph keeps (ISO 8601, UTC, seconds), '' when unreadable."""
    try:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(UTC).isoformat(timespec="seconds")
    except ValueError:
        return ""


def _result(c: _Checker, value: Any, p: str) -> SarifResult:
    r = c.obj(value, p)
    message = c.obj(r.get("message"), f"{p}.message")
    text = message.get("text")
    if text is None and "id" not in message:
        raise c.fail(f"{p}.message", "needs 'text' or 'id'")
    text = c.text(text, f"{p}.message.text") if text is not None else str(message["id"])
    rule = r.get("ruleId")
    if rule is None and isinstance(r.get("rule"), dict):
        rule = r["rule"].get("id")
    rule = c.text(rule, f"{p}.ruleId") if rule is not None else ""
    level = r.get("level", "warning")
    if level not in _LEVELS:
        raise c.fail(f"{p}.level", f"must be one of {', '.join(_LEVELS)}, found {level!r}")
    uri, line, column = "", 0, 0
    locations = c.arr(r.get("locations", []), f"{p}.locations")
    if locations:
        lp = f"{p}.locations[0].physicalLocation"
        phys = c.obj(c.obj(locations[0], f"{p}.locations[0]").get("physicalLocation"), lp)
        art = c.obj(phys.get("artifactLocation"), f"{lp}.artifactLocation")
        uri = c.text(art.get("uri"), f"{lp}.artifactLocation.uri")
        if "region" in phys:
            region = c.obj(phys["region"], f"{lp}.region")
            line = c.integer(region.get("startLine", 1), f"{lp}.region.startLine", 1)
            column = c.integer(region.get("startColumn", 1), f"{lp}.region.startColumn", 1) - 1
    props: dict[str, Any] = r["properties"] if isinstance(r.get("properties"), dict) else {}
    severity = _severity(level, props, c.security)
    prints = r.get("partialFingerprints") if isinstance(r.get("partialFingerprints"), dict) else {}
    fingerprint = str(next(iter(sorted(prints.values())), "")) if prints else ""
    return SarifResult(rule, severity, text[:_MAX_MESSAGE], uri, line, column, fingerprint)


def _severity(level: str, props: dict[str, Any], security: bool) -> str:
    score = props.get("security-severity")
    if score is not None:
        try:
            value = float(score)
        except (TypeError, ValueError):
            value = -1.0
        if value >= 0:
            return "critical" if value >= 9 else "high" if value >= 7 else "medium" if value >= 4 else "low"
    stated = str(props.get("issue_severity") or props.get("severity") or "").lower()
    return stated if stated in _SEVERITIES else (_LEVELS if security else _REVIEW_LEVELS)[level]


# -- importing ----------------------------------------------------------------------------------


def _relative(uri: str, root: str, paths: set[str]) -> str:
    """A reported location as a repo path: file:// URIs and absolute paths are cut to the repo."""
    parsed = urlparse(uri)
    path = unquote(parsed.path) if parsed.scheme == "file" else uri
    if root and path.startswith(root.rstrip("/") + "/"):
        path = path[len(root.rstrip("/")) + 1:]
    path = path.lstrip("./") if path.startswith("./") else path
    if path in paths:
        return path
    parts = path.strip("/").split("/")
    for i in range(1, len(parts)):
        tail = "/".join(parts[i:])
        if tail in paths:
            return tail
    return path


def _ranges(store: Store, rid: str, path: str) -> list[tuple[int, int, str]]:
    """(first line, last line, id) of every symbol of one file."""
    prefix = f"sym:{rid}:{path}#"
    out = []
    for s in store.read("symbols_with_prefix", prefix=prefix):
        if split_symbol_id(s["id"]) != (file_id(rid, path), s["id"][len(prefix):]):
            continue  # a symbol of a file whose path extends this one with '#'
        start = int(str(s["rangeStart"] or "0:0").split(":")[0])
        end = int(str(s["rangeEnd"] or "0:0").split(":")[0])
        out.append((start, end, s["id"]))
    return out


def _innermost(ranges: list[tuple[int, int, str]], line: int) -> str | None:
    best: tuple[int, str] | None = None
    for start, end, sid in ranges:
        if start <= line <= end and (best is None or end - start < best[0]):
            best = (end - start, sid)
    return best[1] if best else None


def _kind(tool: str, kind: str | None) -> str:
    if kind is not None:
        if kind not in _KINDS:
            raise InputError(f"unknown audit kind '{kind}'", suggestion=f"use one of {', '.join(_KINDS)}")
        return kind
    return "security" if tool.lower() in _SECURITY_TOOLS else "codeReview"


def _status(severities: list[str]) -> str:
    if any(s in ("critical", "high") for s in severities):
        return "fail"
    return "warn" if severities else "ok"


def _summary(severities: list[str]) -> str:
    if not severities:
        return "no findings"
    counts = {s: severities.count(s) for s in _SEVERITIES if s in severities}
    return f"{len(severities)} findings: " + ", ".join(f"{n} {s}" for s, n in counts.items())


def import_report(store: Store, report: Path, project: str, repo: str | None = None, *, commit: str | None = None,
                  kind: str | None = None, audit_id: str | None = None) -> ImportResult:
    """Import a SARIF report for a repo (default: the repo named like the project).

    Raises:
        ReportError: the report is not valid SARIF 2.1.0 (nothing is written).
        NotFound: the repo is not in the graph.
    """
    try:
        data = report.read_bytes()
    except OSError as exc:
        raise ReportError(f"cannot read the report ({exc.strerror})", where=str(report)) from exc
    runs = parse_sarif(data, str(report))
    rid = repo_id(project, repo or project)
    props = store.repo(rid)
    if props is None:
        raise NotFound(f"no repo {rid} in the graph", suggestion="run `graph ingest` on it first, or pass --repo")
    digest = hashlib.sha256(data).hexdigest()
    paths = {r["path"] for r in store.read("repo_paths", repo=rid)}
    now = datetime.now(UTC).isoformat(timespec="seconds")
    result = ImportResult()
    for n, run in enumerate(runs):
        aid = audit_id or f"audit:{rid}:{run.tool}:{digest[:16]}" + (f"/{n + 1}" if len(runs) > 1 else "")
        result.audits.append(aid)
        existing = store.read("audit", id=aid)
        if existing and existing[0]["digest"] == digest:
            result.unchanged = True
            continue
        _write_run(store, run, aid, rid, project, props, paths, report, digest, commit, kind, now, result)
    return result


def _write_run(store: Store, run: SarifRun, aid: str, rid: str, project: str, repo_props: dict[str, Any],
               paths: set[str], report: Path, digest: str, commit: str | None, kind: str | None, now: str,
               result: ImportResult) -> None:
    created = run.time or now
    older = store.read("audit_findings", repo=rid, tool=run.tool)
    newer_exists = any((f["createdAt"] or "") > created and f["audit"] != aid for f in older)
    nodes: list[Node] = []
    edges: list[Edge] = []
    severities = []
    ranges: dict[str, list[tuple[int, int, str]]] = {}  # one symbol query per reported file
    for i, r in enumerate(run.results, 1):
        path = _relative(r.uri, str(repo_props.get("root") or ""), paths) if r.uri else ""
        target = None
        if path in paths:
            if r.line and path not in ranges:
                ranges[path] = _ranges(store, rid, path)
            target = _innermost(ranges[path], r.line) if r.line else None
            target = target or file_id(rid, path)
        fid = f"finding:{aid}/{i}"
        severities.append(r.severity)
        nodes.append(Node("Finding", fid, {
            "ruleId": r.rule_id, "severity": r.severity, "message": r.message, "path": path, "line": r.line,
            "column": r.column, "status": "superseded" if newer_exists else "open", "tool": run.tool,
            "target": target or "", "fingerprint": r.fingerprint,
        }))
        edges.append(Edge("HAS_FINDING", aid, "Audit", fid, "Finding"))
        if target:
            edges.append(Edge("FOUND_IN", fid, "Finding", target, "Symbol" if target.startswith("sym:") else "File"))
            result.attached += 1
    nodes.insert(0, Node("Audit", aid, {
        "kind": _kind(run.tool, kind), "status": _status(severities), "summary": _summary(severities),
        "reportPath": str(report), "tool": run.tool, "toolVersion": run.version, "repo": rid,
        "commit": commit or run.commit or repo_props.get("headCommit") or "", "digest": digest, "target": rid,
        "createdAt": created, "findings": len(run.results),
    }))
    edges.insert(0, Edge("AUDITS", aid, "Audit", rid, "Repo"))
    if not newer_exists:
        for f in older:
            if f["status"] == "open" and f["audit"] != aid and (f["createdAt"] or "") <= created:
                row = {k: f[k] for k in ("ruleId", "severity", "message", "path", "line", "column", "tool", "target",
                                         "fingerprint")}
                nodes.append(Node("Finding", f["id"], {**row, "status": "superseded"}))
                result.superseded += 1
    # A re-import of a changed report under the same id replaces its findings.
    stale = [f["id"] for f in older if f["audit"] == aid]
    store.put(nodes, edges, {"Finding": stale} if stale else None)
    result.findings += len(run.results)


# -- requested audits -------------------------------------------------------------------------------


def _target_label(target: str) -> str:
    for prefix, label in (("proj:", "Project"), ("repo:", "Repo"), ("file:", "File"), ("sym:", "Symbol")):
        if target.startswith(prefix):
            return label
    raise InputError(f"cannot audit '{target}'", suggestion="give a project, repo, file or symbol id")


def trigger_audit(store: Store, target: str, kind: str, tool: str = "", correlation_id: str | None = None) -> str:
    """Create a pending audit of ``target`` and emit ``audit.requested``; returns the audit id."""
    label = _target_label(target)
    kind = _kind(tool, kind)
    now = datetime.now(UTC).isoformat(timespec="microseconds")
    aid = f"audit:{target}:{tool or kind}:pending-{hashlib.sha256((target + kind + now).encode()).hexdigest()[:12]}"
    if not store.read("node", id=target):
        raise NotFound(f"no node {target} to audit", suggestion="check the id (`graph query search`)")
    repo = target if label == "Repo" else ""
    if label in ("File", "Symbol"):
        repo = "repo:" + target.split(":", 2)[2].split(":", 1)[0]
    store.put([Node("Audit", aid, {"kind": kind, "status": "pending", "summary": "", "tool": tool, "repo": repo,
                                   "target": target, "createdAt": now, "findings": 0})],
              [Edge("AUDITS", aid, "Audit", target, label)])
    emit("audit.requested", {"auditId": aid, "target": target, "kind": kind, "tool": tool},
         correlation_id or new_correlation_id())
    return aid


def record_audit(store: Store, audit_id: str, status: str, summary: str = "", report: Path | None = None,
                 project: str | None = None) -> ImportResult | None:
    """Complete a requested audit: its status and summary, and the findings of a SARIF report if given."""
    if status not in ("ok", "warn", "fail"):
        raise InputError(f"unknown audit status '{status}'", suggestion="use ok, warn or fail")
    rows = store.read("audit", id=audit_id)
    if not rows:
        raise NotFound(f"no audit {audit_id}", suggestion="trigger it first (triggerAudit)")
    audit = rows[0]
    result = None
    if report is not None:
        repo = audit["repo"] or ""
        if not repo.startswith("repo:"):
            raise InputError(f"audit {audit_id} has no repo to attach findings to",
                             suggestion="trigger the audit on a repo, file or symbol")
        proj, _, name = repo[len("repo:"):].partition("/")
        result = import_report(store, report, project or proj, name, audit_id=audit_id)
        audit = store.read("audit", id=audit_id)[0]
    props = {k: audit[k] for k in ("kind", "reportPath", "tool", "toolVersion", "repo", "commit", "digest", "target",
                                   "createdAt", "findings")}
    store.put([Node("Audit", audit_id, {**props, "status": status, "summary": summary or audit["summary"] or ""})], [])
    return result

