"""The read layer for spec items, tasks, audits, findings, compliance checks and attestations.

Like ``queries.graph``: every function takes an open store, asks named queries and returns
frozen dataclasses, so the API, the CLI and the editor endpoints answer alike.

Example::

    with open_store(settings, read_only=True) as store:
        for item in spec_items(store, "proj:ledger", unimplemented=True):
            print(item.ref, item.title)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from graphsvc.errors import NotFound
from graphsvc.store.base import Store

__all__ = [
    "AttestationInfo", "AuditInfo", "CheckInfo", "FindingInfo", "Implementation", "Overlay", "SpecItemInfo",
    "TaskInfo", "UntestedSymbol", "attestations", "audits", "compliance_checks", "findings", "implementations",
    "project_overlay", "security_overview", "spec_item", "spec_items", "tasks", "untested_symbols",
]


@dataclass(frozen=True)
class SpecItemInfo:
    """A spec item; ``implementations`` counts the symbols and files linked to it."""

    id: str
    source: str
    ref: str
    title: str
    description: str
    priority: str
    status: str
    path: str
    line: int
    heading_path: str
    implementations: int


@dataclass(frozen=True)
class Implementation:
    """A symbol, file or spec item that implements a spec item or task; a guess says so."""

    id: str
    label: str
    name: str
    line: int | None
    resolution: str | None
    confidence: float | None
    candidates: int | None


@dataclass(frozen=True)
class TaskInfo:
    """A task from a comment or created through the API; ``targets`` are the ids it is about."""

    id: str
    title: str
    description: str
    status: str
    kind: str
    labels: tuple[str, ...]
    assignee: str
    origin: str
    path: str | None
    line: int | None
    created_at: str | None
    targets: tuple[str, ...]


@dataclass(frozen=True)
class UntestedSymbol:
    """An exported function, method or class no test calls."""

    id: str
    name: str
    qualified_name: str
    kind: str
    line: int


@dataclass(frozen=True)
class AuditInfo:
    """An audit: imported from a report or requested (``pending``)."""

    id: str
    kind: str
    status: str
    summary: str
    tool: str
    tool_version: str
    repo: str
    commit: str
    target: str
    created_at: str
    findings: int
    report_path: str


@dataclass(frozen=True)
class FindingInfo:
    """A finding with the audit it came from; ``target`` is the symbol or file it is attached to."""

    id: str
    rule_id: str
    severity: str
    message: str
    path: str
    line: int
    column: int
    status: str
    tool: str
    target: str
    audit: str
    created_at: str


@dataclass(frozen=True)
class CheckInfo:
    """The latest evaluation of one compliance rule on a project."""

    id: str
    status: str
    rule: str
    project: str
    evaluated: int
    checked_at: str
    violations: tuple[tuple[str, str], ...]  # (entity id, message)


@dataclass(frozen=True)
class AttestationInfo:
    """A signed attestation (verify it with ``graph verify``)."""

    id: str
    status: str
    summary: str
    project: str
    created_at: str
    expires_at: str
    key_id: str
    signature: str
    payload: str


@dataclass(frozen=True)
class Overlay:
    """Spec, task, audit and compliance nodes of a project graph: rows of nodes and edges."""

    nodes: tuple[dict[str, Any], ...]
    edges: tuple[dict[str, Any], ...]


def _s(value: Any) -> str:
    return "" if value is None else str(value)


def spec_items(store: Store, project: str, *, unimplemented: bool = False, status: str = "") -> list[SpecItemInfo]:
    """The spec items of a project, optionally only those nothing implements, or of one status."""
    out = []
    for r in store.read("spec_items", id=project):
        if (unimplemented and r["implementations"]) or (status and r["status"] != status):
            continue
        out.append(_spec_item(r))
    return out


def _spec_item(r: dict[str, Any]) -> SpecItemInfo:
    return SpecItemInfo(r["id"], _s(r["source"]), _s(r["ref"]), _s(r["title"]), _s(r["description"]),
                        _s(r["priority"]), _s(r["status"]), _s(r["path"]), int(r["line"] or 0),
                        _s(r["headingPath"]), int(r["implementations"]))


def spec_item(store: Store, item: str) -> SpecItemInfo:
    """One spec item by id.

    Raises:
        NotFound: no such spec item.
    """
    found = store.read("spec_item", id=item)
    if not found:
        raise NotFound(f"no spec item with id '{item}'", suggestion="list them with the specItems query")
    return _spec_item(found[0])


def implementations(store: Store, item: str) -> list[Implementation]:
    """What implements a spec item or task."""
    return [Implementation(r["id"], r["label"], _s(r["name"]), r["line"], r["resolution"], r["confidence"],
                           r["candidates"])
            for r in store.read("task_implementations" if item.startswith("task:") else "spec_implementations", id=item)]


def tasks(store: Store, project: str, *, path: str = "", symbol: str = "", status: str = "") -> list[TaskInfo]:
    """The tasks of a project, optionally of one file (path), about one symbol, or of one status."""
    out = []
    for r in store.read("project_tasks", id=project):
        targets = tuple(sorted(t for t in r["targets"] or [] if t))
        if (path and r["path"] != path) or (symbol and symbol not in targets) or (status and r["status"] != status):
            continue
        out.append(TaskInfo(r["id"], _s(r["title"]), _s(r["description"]), _s(r["status"]), _s(r["kind"]),
                            tuple(json.loads(r["labels"] or "[]")), _s(r["assignee"]), _s(r["origin"]), r["path"],
                            r["line"], r["createdAt"], targets))
    return sorted(out, key=lambda t: (t.path or "", t.line or 0, t.id))


def untested_symbols(store: Store, project: str) -> list[UntestedSymbol]:
    """Exported functions, methods and classes of a project that no test calls."""
    return [UntestedSymbol(r["id"], r["name"], r["qualifiedName"], r["kind"], int(r["line"] or 0))
            for r in store.read("untested_symbols", id=project)]


def audits(store: Store, *, repo: str = "", tool: str = "", status: str = "") -> list[AuditInfo]:
    """Audits, newest first."""
    return [AuditInfo(r["id"], _s(r["kind"]), _s(r["status"]), _s(r["summary"]), _s(r["tool"]), _s(r["toolVersion"]),
                      _s(r["repo"]), _s(r["commit"]), _s(r["target"]), _s(r["createdAt"]), int(r["findings"] or 0),
                      _s(r["reportPath"]))
            for r in store.read("audits", repo=repo, tool=tool, status=status)]


def findings(store: Store, *, repo: str = "", severity: str = "", status: str = "", target: str = "") -> list[FindingInfo]:
    """Findings, newest audit first."""
    return [FindingInfo(r["id"], _s(r["ruleId"]), _s(r["severity"]), _s(r["message"]), _s(r["path"]),
                        int(r["line"] or 0), int(r["column"] or 0), _s(r["status"]), _s(r["tool"]), _s(r["target"]),
                        r["audit"], _s(r["createdAt"]))
            for r in store.read("findings", repo=repo, severity=severity, status=status, target=target)]


def security_overview(store: Store) -> list[dict[str, Any]]:
    """Open findings counted per project and severity, newest first."""
    return store.read("security_overview")


def compliance_checks(store: Store, project: str = "") -> list[CheckInfo]:
    """The latest compliance checks (of one project, or all)."""
    out = []
    for r in store.read("compliance_checks", project=project):
        violations = tuple((v["id"], v["message"]) for v in json.loads(r["violations"] or "[]"))
        out.append(CheckInfo(r["id"], r["status"], r["rule"], r["project"], int(r["evaluated"] or 0),
                             _s(r["checkedAt"]), violations))
    return out


def attestations(store: Store, project: str = "", attestation: str = "") -> list[AttestationInfo]:
    """Attestations, newest first."""
    return [AttestationInfo(r["id"], r["status"], _s(r["summary"]), r["project"], r["createdAt"], r["expiresAt"],
                            r["keyId"], r["signature"], r["payload"])
            for r in store.read("attestations", project=project, id=attestation)]


def project_overlay(store: Store, project: str) -> Overlay:
    """The spec, task, audit and compliance nodes of a project with their edges (see project_overlay.cypher).

    Raises:
        NotFound: no such project.
    """
    if not store.read("project", id=project):
        raise NotFound(f"no project {project}")
    return Overlay(tuple(store.read("project_overlay", id=project)), tuple(store.read("project_overlay_edges", id=project)))
