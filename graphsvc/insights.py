"""Insights: figures about the graph, kept as time series of ``GlobalMetric`` nodes.

After every ingest that writes and every compliance check, ``record`` computes each figure per
project and ecosystem-wide (``project`` "") with a few aggregate queries and appends a point to
each series whose value changed since its last point (an unchanged figure adds nothing, so a
watcher saving files all day does not grow the series). The last ``metric_points`` points of a
series are kept. Names (the client draws them; keep them stable)::

    projects                 Project nodes (ecosystem-wide only)
    files                    File nodes
    symbols                  Symbol nodes
    tested_public_share      public symbols (exported functions, methods, classes) with an incoming
                             TESTS edge / public symbols; no point without public symbols
    compliance_pass_ratio    compliance checks that pass / all checks; no point without checks
    open_findings_critical   open findings by severity (also _high, _medium, _low)
    commits_behind_head      commits between the indexed commit and the work tree's HEAD, summed
    files_behind_head        files those commits change, summed; no point when no repo is a git tree

``insights`` reads a scope's series back; with ``since``, a series starts with the value in
force at that time, dated ``since`` (a figure that has not changed for a month still has a value).

Example::

    with open_store(settings) as store:
        record(store, keep=settings.metric_points)
    with open_store(settings, read_only=True) as store:
        for m in insights(store, "proj:shop"):
            print(m.name, m.points[-1].value)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from graphsvc.errors import NotFound, QueryError
from graphsvc.ingest.scan import commits_between
from graphsvc.model import Node, metric_id
from graphsvc.store import cypher
from graphsvc.store.base import Store, node_row

__all__ = ["METRICS", "Metric", "MetricPoint", "compute", "insights", "record"]

# name -> unit, in the order `insights` answers.
METRICS: dict[str, str] = {
    "projects": "count", "files": "count", "symbols": "count", "tested_public_share": "ratio",
    "compliance_pass_ratio": "ratio", "open_findings_critical": "count", "open_findings_high": "count",
    "open_findings_medium": "count", "open_findings_low": "count", "commits_behind_head": "count",
    "files_behind_head": "count",
}
_SEVERITIES = ("critical", "high", "medium", "low")

Values = dict[tuple[str, str], float]  # (metric, project id or "") -> value


@dataclass(frozen=True, slots=True)
class MetricPoint:
    """One value of a series; ``at`` is ISO 8601 UTC with milliseconds."""

    at: str
    value: float


@dataclass(frozen=True, slots=True)
class Metric:
    """A series: ``project`` is the project id, or None ecosystem-wide."""

    name: str
    project: str | None
    points: tuple[MetricPoint, ...]


def _project_of(scope: str, prefix: str) -> str:
    return "proj:" + scope.removeprefix(prefix)


def _add(values: Values, name: str, project: str, value: float) -> None:
    values[(name, project)] = values.get((name, project), 0.0) + value


def compute(store: Store) -> Values:
    """Every figure of every project and of the ecosystem, from the stored graph (and git, for freshness)."""
    values: Values = {}
    projects = [r["id"] for r in store.read("eco_all_projects")]
    values[("projects", "")] = float(len(projects))
    for p in ("", *projects):
        for name in ("files", "symbols", *(f"open_findings_{s}" for s in _SEVERITIES)):
            values[(name, p)] = 0.0
    for r in store.read("insight_files"):
        for p in (_project_of(r["scope"], "file:repo:"), ""):
            _add(values, "files", p, float(r["files"]))
    public: dict[str, float] = {}
    tested: dict[str, float] = {}
    for r in store.read("insight_symbols"):
        project = _project_of(r["scope"], "sym:repo:")
        for p in (project, ""):
            _add(values, "symbols", p, float(r["symbols"]))
            public[p] = public.get(p, 0.0) + float(r["public"] or 0)
    for r in store.read("insight_tested"):
        for p in (_project_of(r["scope"], "sym:repo:"), ""):
            tested[p] = tested.get(p, 0.0) + float(r["tested"])
    for p, n in public.items():
        if n:
            values[("tested_public_share", p)] = tested.get(p, 0.0) / n
    checks: dict[str, list[float]] = {}
    for r in store.read("insight_checks"):
        for p in (r["project"] or "", ""):
            passed, total = checks.setdefault(p, [0.0, 0.0])
            checks[p] = [passed + (float(r["n"]) if r["status"] == "pass" else 0.0), total + float(r["n"])]
    for p, (passed, total) in checks.items():
        if total:
            values[("compliance_pass_ratio", p)] = passed / total
    for r in store.read("security_overview"):
        if r["severity"] in _SEVERITIES:
            for p in (r["project"], ""):
                _add(values, f"open_findings_{r['severity']}", p, float(r["findings"]))
    for r in store.read("status_repos"):
        root, commit = r["root"], r["headCommit"]
        if not root or not commit or not Path(root).is_dir():
            continue
        behind = commits_between(Path(root), commit)
        if behind is None:
            continue
        for p in (r["project"], ""):
            _add(values, "commits_behind_head", p, float(behind[0]))
            _add(values, "files_behind_head", p, float(behind[1]))
    return {k: v for k, v in values.items() if k[1] == "" or k[1] in projects}


def record(store: Store, keep: int = 1000, at: str | None = None) -> list[tuple[str, str, float]]:
    """Compute every figure and append the changed ones; returns the (name, project, value) appended.

    Runs on a store opened for writing (the caller's write, or a write of its own).
    """
    values = compute(store)
    at = at or datetime.now(UTC).isoformat(timespec="milliseconds")
    series = {(r["name"], r["project"] or ""): r for r in store.read("insight_series")}
    latest = {r["id"]: r["value"] for r in store.read(
        "insight_values", ids=[metric_id(p, name, r["at"]) for (name, p), r in series.items()])} if series else {}
    appended: list[tuple[str, str, float]] = []
    stale: list[str] = []
    for (name, project), value in sorted(values.items()):
        known = series.get((name, project))
        if known is not None and latest.get(metric_id(project, name, known["at"])) == value:
            continue
        appended.append((name, project, value))
        if known is not None and int(known["n"]) + 1 > keep:
            stale += [r["id"] for r in store.read("insight_oldest", metric=name, project=project,
                                                    limit=int(known["n"]) + 1 - keep)]
    if not appended:
        return []
    rows = [node_row(Node("GlobalMetric", metric_id(p, name, at), {
        "metricType": name, "project": p, "value": value, "unit": METRICS[name], "timestamp": at}))
        for name, p, value in appended]
    statements: list[tuple[str, dict[str, Any]]] = [
        (cypher.merge_nodes("GlobalMetric", typed=store.dialect == "ladybug"), {"rows": rows})]
    if stale:
        statements.insert(0, ("UNWIND $ids AS id MATCH (m:GlobalMetric {id: id}) DELETE m", {"ids": stale}))
    store.execute_writes(statements)
    return appended


def _normal_time(since: str) -> str:
    try:
        when = datetime.fromisoformat(since.strip().replace("Z", "+00:00"))
    except ValueError:
        raise QueryError(f"since '{since}' is not an ISO 8601 time",
                         suggestion="send a time such as 2026-01-31T12:00:00Z") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).isoformat(timespec="milliseconds")


def insights(store: Store, project_id: str | None = None, since: str | None = None) -> list[Metric]:
    """The series of a project (``proj:<name>``) or, without one, of the ecosystem.

    Raises:
        NotFound: no such project.
        QueryError: ``since`` is not an ISO 8601 time.
    """
    start = _normal_time(since) if since is not None else None
    if project_id is not None and not any(r["id"] == project_id for r in store.read("eco_all_projects")):
        raise NotFound(f"no project '{project_id}'", suggestion="ask `projects` for the ids (proj:<name>)")
    by_name: dict[str, list[MetricPoint]] = {}
    for r in store.read("insight_points", project=project_id or ""):
        points = by_name.setdefault(r["name"], [])
        if start is not None and r["at"] < start:
            points[:] = [MetricPoint(start, float(r["value"]))]  # the value in force at `since`
        elif points and points[-1].at == r["at"]:
            points[-1] = MetricPoint(r["at"], float(r["value"]))  # a point at `since` itself wins
        else:
            points.append(MetricPoint(r["at"], float(r["value"])))
    return [Metric(name, project_id, tuple(by_name[name])) for name in METRICS if by_name.get(name)]
