"""Specs, tasks, audits, findings, compliance checks and attestations: queries and mutations.

Reads go through ``queries.specs``; writes through ``graphsvc`` (``tasks``, ``audits``,
``compliance``, ``attestations``) on a store opened for writing for that one call, so the
embedded store's write lock is held no longer than the write. API keys for mutations are
enforced for the whole ``Mutation`` type, not here.

Example::

    mutation { createTask(project: "ledger", title: "Handle refunds", links: ["sym:…#refund"]) { id } }
    { specItems(project: "proj:ledger", unimplemented: true) { ref title } }
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import strawberry

from api.schema.types import Info
from graphsvc import attestations as attestations_
from graphsvc import audits as audits_
from graphsvc import compliance, insights, tasks as tasks_
from graphsvc.errors import InputError
from graphsvc.store import open_store
from queries import attached as attached_
from queries import specs as specs_

__all__ = ["SpecMutations", "SpecQueries"]


@strawberry.type(description="A requirement, design heading, checklist item or decision record from Markdown. "
                             "`ref` is \"path:line\"; `implementations` counts the symbols and files linked to it.")
class SpecItem:
    id: strawberry.ID
    source: str = strawberry.field(description="requirement, design, checklist or adr.")
    ref: str
    title: str
    description: str
    priority: str
    status: str = strawberry.field(description="planned or done for checklist items; an ADR's status.")
    path: str
    line: int
    heading_path: str
    implementations: int

    @strawberry.field(description="What implements it: symbols and files; heuristic links carry their confidence.")
    async def implemented_by(self, info: Info) -> list[Implementation]:
        found = await info.context.session.run(specs_.implementations, str(self.id))
        return [Implementation(**dataclasses.asdict(i)) for i in found]


@strawberry.type(description="A symbol, file or spec item linked by IMPLEMENTED_BY; `resolution` heuristic is a guess.")
class Implementation:
    id: strawberry.ID
    label: str
    name: str
    line: int | None
    resolution: str | None
    confidence: float | None
    candidates: int | None


@strawberry.type(description="A spec item attached to a node `target`: `type` IMPLEMENTED_BY (the item to the "
                             "symbol or file; `resolution` heuristic is a guess among `candidates`) or DECLARES (the Markdown file "
                             "`target` to the item). `ref` is \"path:line\".")
class AttachedSpec:
    type: str
    id: strawberry.ID
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


@strawberry.type(description="The links of the first spec items attached to some nodes; `hasMore` when items "
                             "were left out.")
class AttachedSpecs:
    links: list[AttachedSpec]
    has_more: bool


@strawberry.type(description="A task from a TODO/FIXME/XXX/HACK comment (origin comment) or created through the API.")
class Task:
    id: strawberry.ID
    title: str
    description: str
    status: str
    kind: str
    labels: list[str]
    assignee: str
    origin: str
    path: str | None
    line: int | None
    created_at: str | None
    targets: list[str] = strawberry.field(description="Ids of the symbols, files or spec items it is about.")


@strawberry.type(description="An exported function, method or class that no test calls.")
class UntestedSymbol:
    id: strawberry.ID
    name: str
    qualified_name: str
    kind: str
    line: int


@strawberry.type(description="A scanner run imported from SARIF, or a requested audit (status pending).")
class Audit:
    id: strawberry.ID
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


@strawberry.type(description="One scanner result, attached to the innermost symbol (else the file) at its location. "
                             "`message` is the scanner's text: show it as text, never as HTML.")
class Finding:
    id: strawberry.ID
    rule_id: str
    severity: str
    message: str
    path: str
    line: int
    column: int
    status: str = strawberry.field(description="open or superseded (a newer report of the same tool replaced it).")
    tool: str
    target: str
    audit: str
    created_at: str


@strawberry.type(description="Open findings of one severity in one project.")
class SecurityCount:
    project: str
    severity: str
    findings: int
    newest: str | None


@strawberry.type(description="An entity that violates a rule, and why.")
class Violation:
    id: str
    message: str


@strawberry.type(description="The latest evaluation of one compliance rule on a project: pass, warn or fail.")
class ComplianceCheck:
    id: strawberry.ID
    status: str
    rule: str
    project: str
    evaluated: int
    checked_at: str
    violations: list[Violation]


@strawberry.type(description="A signed statement of a project's checks and audits (Ed25519 over `payload`).")
class Attestation:
    id: strawberry.ID
    status: str
    summary: str
    project: str
    created_at: str
    expires_at: str
    key_id: str
    signature: str
    payload: str


def _check(c: specs_.CheckInfo) -> ComplianceCheck:
    return ComplianceCheck(id=strawberry.ID(c.id), status=c.status, rule=c.rule, project=c.project,
                           evaluated=c.evaluated, checked_at=c.checked_at,
                           violations=[Violation(id=i, message=m) for i, m in c.violations])


def _convert(cls: Any, value: Any) -> Any:
    data = dataclasses.asdict(value)
    for k, v in data.items():
        if isinstance(v, tuple):
            data[k] = list(v)
    return cls(**data)


@strawberry.type
class SpecQueries:
    """The spec, task, audit and compliance fields of ``Query``."""

    @strawberry.field(description="Spec items of a project; `unimplemented` keeps those nothing implements.")
    async def spec_items(self, info: Info, project: str, unimplemented: bool = False,
                         status: str = "") -> list[SpecItem]:
        found = await info.context.session.run(specs_.spec_items, project, unimplemented=unimplemented, status=status)
        return [_convert(SpecItem, i) for i in found]

    @strawberry.field(description="One spec item by id.")
    async def spec_item(self, info: Info, id: strawberry.ID) -> SpecItem:
        return _convert(SpecItem, await info.context.session.run(specs_.spec_item, str(id)))

    @strawberry.field(description="The spec items linked (IMPLEMENTED_BY) to any of `nodeIds` or declared by any "
                                  "of the files `declaredIn`, for all of them at once: the first `limit` items "
                                  "(at most 500) by place in their document, with each one's links to those nodes.")
    async def attached_specs(self, info: Info, node_ids: list[strawberry.ID],
                             declared_in: list[strawberry.ID] | None = None, limit: int = 100) -> AttachedSpecs:
        found = await info.context.session.run(attached_.spec_links, [str(i) for i in node_ids],
                                               [str(i) for i in declared_in or []], limit)
        return AttachedSpecs(links=[_convert(AttachedSpec, x) for x in found.links], has_more=found.has_more)

    @strawberry.field(description="Tasks of a project, optionally of one file (`path`) or about one symbol.")
    async def tasks(self, info: Info, project: str, path: str = "", symbol: str = "", status: str = "") -> list[Task]:
        found = await info.context.session.run(specs_.tasks, project, path=path, symbol=symbol, status=status)
        return [_convert(Task, t) for t in found]

    @strawberry.field(description="Exported functions, methods and classes of a project that no test calls.")
    async def untested_symbols(self, info: Info, project: str) -> list[UntestedSymbol]:
        found = await info.context.session.run(specs_.untested_symbols, project)
        return [_convert(UntestedSymbol, s) for s in found]

    @strawberry.field(description="Audits, newest first.")
    async def audits(self, info: Info, repo: str = "", tool: str = "", status: str = "") -> list[Audit]:
        found = await info.context.session.run(specs_.audits, repo=repo, tool=tool, status=status)
        return [_convert(Audit, a) for a in found]

    @strawberry.field(description="Findings, newest audit first; filter by repo, severity, status or target id.")
    async def findings(self, info: Info, repo: str = "", severity: str = "", status: str = "",
                       target: str = "") -> list[Finding]:
        found = await info.context.session.run(specs_.findings, repo=repo, severity=severity, status=status,
                                               target=target)
        return [_convert(Finding, f) for f in found]

    @strawberry.field(description="Open findings by project and severity, newest first.")
    async def security_overview(self, info: Info) -> list[SecurityCount]:
        rows = await info.context.session.run(specs_.security_overview)
        return [SecurityCount(project=r["project"], severity=r["severity"], findings=r["findings"],
                              newest=r["newest"]) for r in rows]

    @strawberry.field(description="The latest compliance checks of a project (or of all).")
    async def compliance_checks(self, info: Info, project: str = "") -> list[ComplianceCheck]:
        found = await info.context.session.run(specs_.compliance_checks, project)
        return [_check(c) for c in found]

    @strawberry.field(description="Attestations, newest first.")
    async def attestations(self, info: Info, project: str = "") -> list[Attestation]:
        found = await info.context.session.run(specs_.attestations, project)
        return [_convert(Attestation, a) for a in found]


def _write(info: Info, fn: Any, *args: Any, **kwargs: Any) -> Any:
    settings = info.context.session.settings
    with open_store(settings) as store:
        return fn(store, *args, **kwargs)


@strawberry.type
class SpecMutations:
    """The spec, task, audit and compliance fields of ``Mutation``."""

    @strawberry.mutation(description="Create a task in a project (by name), optionally linked to symbols, files or "
                                     "spec items.")
    async def create_task(self, info: Info, project: str, title: str, description: str = "",
                          labels: list[str] | None = None, assignee: str = "",
                          links: list[str] | None = None) -> Task:
        from starlette.concurrency import run_in_threadpool

        made = await run_in_threadpool(_write, info, tasks_.create_task, project, title, description=description,
                                       labels=labels, assignee=assignee, links=links)
        return Task(id=strawberry.ID(made["id"]), title=made["title"], description=made["description"],
                    status=made["status"], kind=made["kind"], labels=labels or [], assignee=made["assignee"],
                    origin="api", path=None, line=None, created_at=made["createdAt"], targets=sorted(links or []))

    @strawberry.mutation(description="Link a task to a symbol, file or spec item (IMPLEMENTED_BY).")
    async def link_task(self, info: Info, task: str, target: str) -> bool:
        from starlette.concurrency import run_in_threadpool

        await run_in_threadpool(_write, info, tasks_.link_task, task, target)
        return True

    @strawberry.mutation(description="Create a pending audit of a project, repo, file or symbol and emit "
                                     "`audit.requested` for an external runner; returns the audit id.")
    async def trigger_audit(self, info: Info, target: str, kind: str, tool: str = "") -> str:
        from starlette.concurrency import run_in_threadpool

        return str(await run_in_threadpool(_write, info, audits_.trigger_audit, target, kind, tool))

    @strawberry.mutation(description="Complete a requested audit with its status (ok, warn, fail) and summary.")
    async def record_audit(self, info: Info, audit: str, status: str, summary: str = "") -> Audit:
        from starlette.concurrency import run_in_threadpool

        await run_in_threadpool(_write, info, audits_.record_audit, audit, status, summary)
        found = await run_in_threadpool(_write, info, specs_.audits)
        return next(_convert(Audit, a) for a in found if a.id == audit)

    @strawberry.mutation(description="Evaluate the policies of a project's repos (policies/*.yaml) and store the "
                                     "checks.")
    async def run_compliance_check(self, info: Info, project: str) -> list[ComplianceCheck]:
        from starlette.concurrency import run_in_threadpool

        def run(store: Any) -> list[specs_.CheckInfo]:
            paths = [Path(root) / "policies" for root in _repo_roots(store, project)
                     if (Path(root) / "policies").is_dir()]
            if not paths:
                raise InputError(f"no policies for project '{project}'", suggestion="add policies/*.yaml to a repo")
            compliance.run_check(store, project, compliance.load_policies(paths))
            insights.record(store, info.context.session.settings.metric_points)
            return specs_.compliance_checks(store, f"proj:{project}")

        return [_check(c) for c in await run_in_threadpool(_write, info, run)]

    @strawberry.mutation(description="Sign the project's checks and audits with the configured Ed25519 key.")
    async def generate_attestation(self, info: Info, project: str, days: int = 30) -> Attestation:
        from starlette.concurrency import run_in_threadpool

        settings = info.context.session.settings
        made = await run_in_threadpool(_write, info, attestations_.attest, project, settings, days)
        return Attestation(id=strawberry.ID(made["id"]), status=made["status"], summary=made["summary"],
                           project=made["project"], created_at=made["createdAt"], expires_at=made["expiresAt"],
                           key_id=made["keyId"], signature=made["signature"], payload=made["payload"])


def _repo_roots(store: Any, project: str) -> list[str]:
    roots = []
    for r in store.read("project_repos", id=f"proj:{project}"):
        root = (store.repo(r["id"]) or {}).get("root")
        if root:
            roots.append(str(root))
    return roots
