"""What is attached to a symbol or a file: the spec items it implements, the documents that mention
it, the tasks about it, the findings on it; and a project's compliance status.

A symbol covers the symbols nested in it (a class, its methods); a file, or its module symbol,
covers every symbol it defines. Each answer row says which of these it is attached to
(``target``), so a caller can tell a link to ``Account`` from one to ``Account.deposit``.

Example::

    with open_store(settings, read_only=True) as store:
        e = entity(store, "sym:repo:ledger/ledger:ledger/accounts.py#Account")
        for link in specs_for(store, covered(store, e)):
            print(link.ref, link.title, link.resolution)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from graphsvc.errors import QueryError
from graphsvc.model import project_id
from graphsvc.store.base import Store
from queries import graph
from queries import specs as specs_
from queries.graph import Entity, FileInfo, SymbolInfo

__all__ = [
    "ComplianceStatus", "DocumentLink", "SpecLink", "WorkSummary", "compliance_status", "covered", "documents_for",
    "findings_for", "project_work", "repo_of_item", "spec_links", "specs_for", "tasks_for", "AttachedSpec",
    "AttachedSpecs", "MAX_SPEC_LINKS",
]

# The most spec items one spec_links answer holds (a view draws them beside its nodes, never all at once).
MAX_SPEC_LINKS = 500


@dataclass(frozen=True)
class SpecLink:
    """A spec item linked (IMPLEMENTED_BY) to ``target``; a guessed link says so."""

    id: str
    source: str
    ref: str
    title: str
    priority: str
    status: str
    path: str
    line: int
    target: str
    resolution: str
    confidence: float | None
    candidates: int | None


_L = TypeVar("_L", bound=SpecLink)


@dataclass(frozen=True)
class DocumentLink:
    """A document (Markdown file) that mentions ``target`` (DOCUMENTS)."""

    id: str
    path: str
    target: str
    resolution: str
    confidence: float | None
    candidates: int | None


@dataclass(frozen=True)
class ComplianceStatus:
    """A project's latest compliance checks and its attestations, newest first."""

    project: str
    checks: tuple[specs_.CheckInfo, ...]
    attestations: tuple[specs_.AttestationInfo, ...]


def _file_of(store: Store, e: SymbolInfo) -> FileInfo | None:
    f = graph.entities(store, [e.file_id]).get(e.file_id)
    return f if isinstance(f, FileInfo) else None


def covered(store: Store, e: Entity) -> tuple[str, ...]:
    """The ids an entity stands for: a symbol and the symbols nested in it; a file (or its module
    symbol), the file and every symbol it defines. An external stands for itself."""
    if isinstance(e, SymbolInfo):
        f = _file_of(store, e)
        if f is None:
            return (e.id,)
        syms = graph.file_symbols(store, f)
        if e.id.endswith("#"):  # a module symbol
            return (f.id, *(s.id for s in syms))
        return (e.id, *(s.id for s in syms if s.id.startswith(e.id + ".")))
    if isinstance(e, FileInfo):
        return (e.id, *(s.id for s in graph.file_symbols(store, e)))
    return (e.id,)


def specs_for(store: Store, ids: tuple[str, ...] | list[str]) -> list[SpecLink]:
    """The spec items that any of ``ids`` implements, one per link, by place in their document."""
    if not ids:
        return []
    return [_spec_link(SpecLink, r) for r in store.read("specs_of", ids=sorted(set(ids)))]


def _spec_link(cls: type[_L], r: dict, **extra: object) -> _L:
    return cls(r["id"], _s(r["source"]), _s(r["ref"]), _s(r["title"]), _s(r["priority"]), _s(r["status"]),
               _s(r["path"]), int(r["line"] or 0), r["target"], r["resolution"] or "exact", r["confidence"],
               r["candidates"], **extra)


@dataclass(frozen=True)
class AttachedSpec(SpecLink):
    """A spec item attached to a drawn node ``target``: ``type`` IMPLEMENTED_BY (from the item to the
    symbol or file) or DECLARES (from the Markdown file ``target`` to the item, with no candidates)."""

    type: str


@dataclass(frozen=True)
class AttachedSpecs:
    """The links of the first spec items attached to some nodes; ``has_more`` when items were left out."""

    links: tuple[AttachedSpec, ...]
    has_more: bool


def spec_links(store: Store, ids: list[str], files: list[str], limit: int = 100) -> AttachedSpecs:
    """The spec items linked to any of ``ids`` or declared by any of ``files``, in one read for all of
    them (a view asks once for every node it draws): the first ``limit`` items by place in their
    document, with every link of each to those nodes.

    Raises:
        QueryError: a limit below 1 or above MAX_SPEC_LINKS, or more ids than a view draws.
    """
    if not 1 <= limit <= MAX_SPEC_LINKS:
        raise QueryError(f"limit must be between 1 and {MAX_SPEC_LINKS}, got {limit}")
    if len(ids) + len(files) > graph.MAX_GRAPH_NODES:
        raise QueryError(f"at most {graph.MAX_GRAPH_NODES} node ids, got {len(ids) + len(files)}")
    if not ids and not files:
        return AttachedSpecs((), False)
    rows = sorted(store.read("spec_links", ids=sorted(set(ids)), files=sorted(set(files))),
                  key=lambda r: (_s(r["path"]), int(r["line"] or 0), r["id"], r["type"], r["target"]))
    items = list(dict.fromkeys(r["id"] for r in rows))
    kept = set(items[:limit])
    return AttachedSpecs(tuple(_spec_link(AttachedSpec, r, type=r["type"]) for r in rows if r["id"] in kept),
                         len(items) > limit)


def documents_for(store: Store, ids: tuple[str, ...] | list[str]) -> list[DocumentLink]:
    """The documents that mention any of ``ids``, one per mention target."""
    if not ids:
        return []
    return [DocumentLink(r["id"], _s(r["path"]), r["target"], r["resolution"] or "exact", r["confidence"],
                         r["candidates"])
            for r in store.read("documents_of", ids=sorted(set(ids)))]


def tasks_for(store: Store, e: Entity, ids: tuple[str, ...] | list[str]) -> list[specs_.TaskInfo]:
    """The tasks about any of ``ids`` (IMPLEMENTED_BY), and for a file the comment tasks written in it."""
    repo = e.repo if isinstance(e, (SymbolInfo, FileInfo)) else None
    if not repo:
        return []
    wanted = set(ids)
    path = e.path if isinstance(e, FileInfo) or (isinstance(e, SymbolInfo) and e.id.endswith("#")) else None
    project = project_id(repo.removeprefix("repo:").split("/", 1)[0])
    return [t for t in specs_.tasks(store, project)
            if wanted.intersection(t.targets) or (path and t.path == path and t.id.startswith(f"task:{repo}:"))]


def findings_for(store: Store, ids: tuple[str, ...] | list[str], status: str = "open") -> list[specs_.FindingInfo]:
    """The findings on any of ``ids`` ('' status: superseded ones too), by place."""
    if not ids:
        return []
    return [specs_.FindingInfo(r["id"], _s(r["ruleId"]), _s(r["severity"]), _s(r["message"]), _s(r["path"]),
                               int(r["line"] or 0), int(r["column"] or 0), _s(r["status"]), _s(r["tool"]),
                               _s(r["target"]), r["audit"], _s(r["createdAt"]))
            for r in store.read("findings_of", ids=sorted(set(ids)), status=status)]


def compliance_status(store: Store, project: str) -> ComplianceStatus:
    """A project's latest checks (by rule) and attestations (newest first).

    Raises:
        NotFound: no such project.
    """
    pid = project if project.startswith("proj:") else project_id(project)
    graph.project(store, pid)  # NotFound names the project
    checks = sorted(specs_.compliance_checks(store, pid), key=lambda c: c.rule)
    return ComplianceStatus(pid, tuple(checks), tuple(specs_.attestations(store, pid)))


@dataclass(frozen=True)
class WorkSummary:
    """What a project has beside its code: spec items (and how many nothing implements), tasks (and how
    many are open), open findings by severity, and its latest compliance checks by status."""

    spec_items: int
    unimplemented: int
    tasks: int
    open_tasks: int
    open_findings: dict[str, int]
    checks: dict[str, int]


def project_work(store: Store, project: str) -> WorkSummary:
    """The spec, task, finding and compliance counts of a project (by id)."""
    items = specs_.spec_items(store, project)
    tasks = specs_.tasks(store, project)
    findings = {r["severity"]: int(r["findings"]) for r in specs_.security_overview(store) if r["project"] == project}
    checks = {"pass": 0, "warn": 0, "fail": 0}
    for c in specs_.compliance_checks(store, project):
        checks[c.status] = checks.get(c.status, 0) + 1
    return WorkSummary(len(items), sum(1 for i in items if not i.implementations), len(tasks),
                       sum(1 for t in tasks if t.status != "done"), dict(sorted(findings.items())), checks)


def repo_of_item(item_id: str) -> str | None:
    """The repo id in a spec item's or comment task's id (``spec:repo:p/r:path#…``), else None."""
    _, _, rest = item_id.partition(":")
    if not rest.startswith("repo:"):
        return None
    head = rest.split(":", 2)
    return f"repo:{head[1]}" if len(head) > 2 else None


def _s(value: object) -> str:
    return "" if value is None else str(value)
