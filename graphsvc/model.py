"""The graph model: node and edge types, file facts, and the id builders.

This module is the only place ids are formed. Ids are readable strings built from
what a node *is*, so an unchanged symbol keeps its id across re-indexing and the
edges into it survive (see ../shared/DESIGN.md, "The graph").

Id grammar::

    proj:<project>                                   Project
    repo:<project>/<repo>                            Repo
    file:<repo-id>:<path>                            File      (path: POSIX, relative to the repo root)
    sym:<repo-id>:<path>#<qualified.name>[#<n>]      Symbol    (n >= 2 for the n-th duplicate in one file)
    sym:<repo-id>:<path>#                            the Module symbol of a file (empty fragment)
    ext:<lang>:<module>[.<name>]                     External  (a module or name outside the indexed repos)
    ext:<lang>:?.<name>                              External placeholder for an unresolved reference
    svc:<project>/<name>                             Service   (declared in a docker-compose file)
    health:<service-id>@<at>                         HealthSample (one probe of a service's healthUrl)
    metric:<scope>/<metricType>@<timestamp>          GlobalMetric (scope: a project id, or "ecosystem")
    spec:<repo-id>:<path>#<heading/path>[#<n>]       SpecItem  (slugs of the enclosing headings; a checklist
                                                               item adds its own slug)
    task:<repo-id>:<path>#<qualified.name>/<n>       Task from a comment: the n-th in its enclosing symbol
    task:<project>:api/<key>                         Task created through the API or CLI
    audit:<repo-id>:<tool>:<report-digest>           Audit imported from a report (pending: <tool>:pending-<key>)
    finding:<audit-id>/<n>                           Finding: the n-th result of its report
    policy:<name> / rule:<policy>/<rule>             Policy, PolicyRule
    check:<project>:<policy>/<rule>                  ComplianceCheck: the latest evaluation of a rule
    attestation:<project>:<created-at>               Attestation

Positions: ``line`` is 1-based, ``column`` 0-based (in bytes of the UTF-8 source, as
tree-sitter reports them); ranges are ``"<line>:<column>"`` strings, end exclusive.

When you add a node property here, also add it to ``NODE_SCHEMA`` (both stores
create their tables and export their rows from it); when you add an edge type or
a (from, to) label pair, add it to ``EDGE_SCHEMA``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from operator import attrgetter
from typing import Any, Literal, NamedTuple

__all__ = [
    "EDGE_PROPS",
    "ECOSYSTEM_EDGE_PROPS",
    "EDGE_SCHEMA",
    "NODE_SCHEMA",
    "SERIES_LABELS",
    "VOLATILE_PROPS",
    "Edge",
    "FileFacts",
    "ImportFact",
    "LocalFact",
    "Node",
    "RefFact",
    "SymbolFact",
    "external_id",
    "file_id",
    "health_sample_id",
    "metric_id",
    "project_id",
    "repo_id",
    "service_id",
    "SpecFact",
    "TaskFact",
    "spec_id",
    "split_file_id",
    "split_symbol_id",
    "symbol_id",
    "task_id",
    "unresolved_id",
]

Resolution = Literal["exact", "heuristic", "unresolved"]

# ---------------------------------------------------------------------------
# Schema: one table per label, typed properties. "STRING", "INT64", "BOOL", "DOUBLE".

NODE_SCHEMA: dict[str, dict[str, str]] = {
    # A product or team boundary; holds repos.
    "Project": {"id": "STRING", "name": "STRING"},
    # One indexed source tree. `root` is the absolute path it was indexed from;
    # `headCommit` the git commit indexed (empty when the tree is not a git work tree);
    # `state` is "ok" after a complete run, "writing" while one is under way; `generation` counts
    # the writes to the repo, so a run that read an older generation starts over. `configs` is
    # JSON {lang: fingerprint of the project files whose contents steer resolution}.
    "Repo": {
        "id": "STRING", "name": "STRING", "project": "STRING", "root": "STRING", "url": "STRING",
        "provider": "STRING", "defaultBranch": "STRING", "headCommit": "STRING", "state": "STRING",
        "lastIndexedAt": "STRING", "lastRun": "STRING", "generation": "INT64", "configs": "STRING",
        # JSON {provides, requires, services}: what its manifests and docker-compose files declare
        # (graphsvc/ecosystem.py); the cross-project layer is derived from it.
        "manifest": "STRING",
        # JSON [path, …]: the files the last writing run parsed, re-linked or removed, sorted.
        "lastChanged": "STRING",
    },
    # One source file. `hash` is the sha256 of its bytes; `loc` its line count; `module`
    # the import name of the file (Python: dotted module path); `parseErrors` the number of
    # ERROR/MISSING nodes tree-sitter recovered from; `summary` is the resolver's compact
    # per-file record (JSON, compressed from 256 bytes: graphsvc/store/base.py, `summary_text`)
    # that lets an incremental run re-link dependents without re-parsing the whole repo; it is
    # internal and not exported. `mtimeNs` and `inode` are the
    # stat cache: a file whose size, mtime and inode are unchanged is not even hashed again.
    "File": {
        "id": "STRING", "path": "STRING", "lang": "STRING", "hash": "STRING", "size": "INT64",
        "loc": "INT64", "module": "STRING", "parseErrors": "INT64", "lastIndexedAt": "STRING",
        "summary": "STRING", "mtimeNs": "INT64", "inode": "INT64",
    },
    # A named entity defined in a file. `line`/`column`: where its name stands;
    # `rangeStart`/`rangeEnd`: the whole entity, decorators and body included.
    "Symbol": {
        "id": "STRING", "name": "STRING", "qualifiedName": "STRING", "kind": "STRING",
        "signature": "STRING", "doc": "STRING", "line": "INT64", "column": "INT64",
        "rangeStart": "STRING", "rangeEnd": "STRING", "exported": "BOOL", "lang": "STRING",
    },
    # A module or name outside the indexed repos; `module` is empty for placeholders.
    "External": {"id": "STRING", "name": "STRING", "module": "STRING", "lang": "STRING"},
    # A service declared in a docker-compose file of a repo of `project`; `ports` is JSON
    # ["host:container", …]; `type` db|queue|cache|api|job, guessed from the image and ports.
    # `healthStatus` (up|degraded|down, "" before the first probe), `healthLatencyMs` and
    # `healthCheckedAt` are those of its latest HealthSample (graphsvc/health.py).
    "Service": {
        "id": "STRING", "name": "STRING", "project": "STRING", "repo": "STRING", "path": "STRING",
        "image": "STRING", "type": "STRING", "ports": "STRING", "endpoint": "STRING", "healthUrl": "STRING",
        "healthStatus": "STRING", "healthLatencyMs": "DOUBLE", "healthCheckedAt": "STRING",
    },
    # One probe of a service's healthUrl: `status` up|degraded|down, `latencyMs` until the answer (or
    # the failure), `code` the HTTP status (null without an answer), `error` why it failed, `at` when
    # (ISO 8601, UTC, milliseconds). The last `health_samples` per service are kept.
    "HealthSample": {
        "id": "STRING", "service": "STRING", "status": "STRING", "latencyMs": "DOUBLE", "code": "INT64",
        "error": "STRING", "at": "STRING",
    },
    # One point of a time series of figures about the graph (graphsvc/insights.py): `metricType` its
    # name (files, symbols, tested_public_share, …), `project` the project id ("" ecosystem-wide),
    # `unit` count|ratio, `timestamp` when it was computed (ISO 8601, UTC, milliseconds). A point is
    # appended only when the value changed; the last `metric_points` per series are kept.
    "GlobalMetric": {
        "id": "STRING", "metricType": "STRING", "project": "STRING", "value": "DOUBLE", "unit": "STRING",
        "timestamp": "STRING",
    },
    # A requirement, design heading, checklist item or decision record from Markdown. `source` is
    # the kind (requirement|design|checklist|adr|doc), `ref` "<path>:<line>", `status`
    # planned|done for checklist items (an ADR's own Status line, else ""), `headingPath` the titles
    # of the enclosing headings joined by " / ".
    "SpecItem": {
        "id": "STRING", "source": "STRING", "ref": "STRING", "title": "STRING", "description": "STRING",
        "priority": "STRING", "status": "STRING", "path": "STRING", "line": "INT64", "headingPath": "STRING",
    },
    # Work to do: from a TODO/FIXME/XXX/HACK comment (`kind` is the marker, `origin` "comment") or
    # created through the API/CLI (`origin` "api", `project` its project id). `labels` is JSON.
    "Task": {
        "id": "STRING", "title": "STRING", "description": "STRING", "status": "STRING", "kind": "STRING",
        "labels": "STRING", "assignee": "STRING", "origin": "STRING", "path": "STRING", "line": "INT64",
        "project": "STRING", "createdAt": "STRING",
    },
    # One scanner run (SARIF import) or a requested one (`status` pending). `kind`
    # codeReview|security|license|compliance; `repo` and `commit` where the report was produced;
    # `digest` the sha256 of the report, which makes re-importing it idempotent.
    "Audit": {
        "id": "STRING", "kind": "STRING", "status": "STRING", "summary": "STRING", "reportPath": "STRING",
        "tool": "STRING", "toolVersion": "STRING", "repo": "STRING", "commit": "STRING", "digest": "STRING",
        "target": "STRING", "createdAt": "STRING", "findings": "INT64",
    },
    # One SARIF result. `severity` critical|high|medium|low|info; `status` open|superseded;
    # `path`/`line` the location as reported (1-based line); `target` the id it is attached to.
    "Finding": {
        "id": "STRING", "ruleId": "STRING", "severity": "STRING", "message": "STRING", "path": "STRING",
        "line": "INT64", "column": "INT64", "status": "STRING", "tool": "STRING", "target": "STRING",
        "fingerprint": "STRING",
    },
    # A compliance policy file; `source` the path it was loaded from.
    "Policy": {"id": "STRING", "name": "STRING", "category": "STRING", "severity": "STRING", "source": "STRING"},
    # One CEL rule of a policy; `target` the entity kind it is evaluated over (symbol|file|repo|project).
    "PolicyRule": {
        "id": "STRING", "name": "STRING", "expression": "STRING", "message": "STRING", "remediation": "STRING",
        "target": "STRING", "severity": "STRING", "line": "INT64",
    },
    # The latest evaluation of one rule on one project: `status` pass|warn|fail, `violations` JSON
    # [{"id": entity id, "message": ...}], `evaluated` how many entities were checked.
    "ComplianceCheck": {
        "id": "STRING", "status": "STRING", "violations": "STRING", "evaluated": "INT64", "project": "STRING",
        "rule": "STRING", "checkedAt": "STRING",
    },
    # A signed statement over a project's checks and audits. `payload` is the canonical JSON that
    # `signature` (Ed25519, base64) signs; `keyId` the sha256 of the public key, hex, first 16.
    "Attestation": {
        "id": "STRING", "status": "STRING", "summary": "STRING", "signature": "STRING", "expiresAt": "STRING",
        "project": "STRING", "createdAt": "STRING", "keyId": "STRING", "payload": "STRING",
    },
}

# Properties every dependency edge carries (structural edges carry none).
# `candidates` and `confidence` are set on heuristic edges only.
EDGE_PROPS: dict[str, str] = {
    "line": "INT64", "column": "INT64", "resolution": "STRING", "candidates": "INT64",
    "confidence": "DOUBLE", "alias": "STRING", "crossProject": "BOOL",
}

# Properties of the ecosystem edges (in place of EDGE_PROPS). PROJECT_LINK: `type` "dependency",
# `package` the provided package; INTEGRATES: `protocol` (a URL scheme, or ""), `via`
# ("depends_on", "environment" or both, comma-separated).
ECOSYSTEM_EDGE_PROPS: dict[str, dict[str, str]] = {
    "PROJECT_LINK": {"type": "STRING", "package": "STRING"},
    "INTEGRATES": {"protocol": "STRING", "via": "STRING"},
}

# Edge type -> allowed (from label, to label) pairs.
EDGE_SCHEMA: dict[str, tuple[tuple[str, str], ...]] = {
    "HAS_REPO": (("Project", "Repo"),),
    "CONTAINS": (("Repo", "File"),),
    "DEFINES": (("File", "Symbol"), ("Symbol", "Symbol")),
    "IMPORTS": (("File", "File"), ("File", "Symbol"), ("File", "External")),
    "CALLS": (("Symbol", "Symbol"), ("Symbol", "External")),
    "EXTENDS": (("Symbol", "Symbol"), ("Symbol", "External")),
    "IMPLEMENTS": (("Symbol", "Symbol"), ("Symbol", "External")),
    "USES": (("Symbol", "Symbol"), ("Symbol", "External")),
    "PROJECT_LINK": (("Project", "Project"),),
    "INTEGRATES": (("Service", "Service"),),
    # Specs, tasks, audits and compliance (docs/decisions/0008).
    "DECLARES": (("File", "SpecItem"), ("File", "Task")),
    "IMPLEMENTED_BY": (("SpecItem", "Symbol"), ("SpecItem", "File"), ("Task", "Symbol"), ("Task", "File"),
                       ("Task", "SpecItem")),
    "TESTS": (("Symbol", "Symbol"),),
    "DOCUMENTS": (("File", "Symbol"), ("File", "File")),
    "HAS_TASK": (("Project", "Task"),),
    "AUDITS": (("Audit", "Repo"), ("Audit", "Project"), ("Audit", "File"), ("Audit", "Symbol")),
    "HAS_FINDING": (("Audit", "Finding"),),
    "FOUND_IN": (("Finding", "Symbol"), ("Finding", "File")),
    "HAS_RULE": (("Policy", "PolicyRule"),),
    "EVALUATES": (("ComplianceCheck", "PolicyRule"),),
    "CHECKS": (("ComplianceCheck", "Project"), ("ComplianceCheck", "Repo"), ("ComplianceCheck", "File"),
               ("ComplianceCheck", "Symbol")),
    "ATTESTS": (("Attestation", "Project"),),
}

STRUCTURAL_EDGES = frozenset({"HAS_REPO", "CONTAINS", "DEFINES", "DECLARES", "HAS_TASK", "AUDITS", "HAS_FINDING",
                              "FOUND_IN", "HAS_RULE", "EVALUATES", "CHECKS", "ATTESTS"})

# Properties that describe a run or where a tree was checked out, not the code in it; the export
# leaves them out, so the same tree gives the same export from any clone, path or time.
VOLATILE_PROPS = frozenset({
    "lastIndexedAt", "lastRun", "headCommit", "root", "summary", "state", "url", "provider", "defaultBranch",
    "mtimeNs", "inode", "generation", "configs", "manifest",
    # When an audit, check or attestation was made, where its report lay, and what an attestation signed.
    "createdAt", "checkedAt", "reportPath", "expiresAt", "payload",
    # What the last run changed, and what the health probes last saw.
    "lastChanged", "healthStatus", "healthLatencyMs", "healthCheckedAt",
})

# Labels of observations over time (probes, figures): they describe when the graph was looked at,
# not the code, so the canonical export leaves them out, like the volatile properties above.
SERIES_LABELS = frozenset({"HealthSample", "GlobalMetric"})


# ---------------------------------------------------------------------------
# Id builders


def project_id(project: str) -> str:
    """Return the id of a project: ``proj:<name>``."""
    return f"proj:{project}"


def repo_id(project: str, repo: str) -> str:
    """Return the id of a repo: ``repo:<project>/<name>``."""
    return f"repo:{project}/{repo}"


def file_id(repo: str, path: str) -> str:
    """Return the id of a file from its repo id and POSIX path relative to the repo root."""
    return f"file:{repo}:{path}"


def symbol_id(repo: str, path: str, qualified_name: str) -> str:
    """Return the id of a symbol; ``qualified_name`` may carry a ``#n`` duplicate suffix."""
    return f"sym:{repo}:{path}#{qualified_name}"


def service_id(project: str, name: str) -> str:
    """Return the id of a docker-compose service of a project: ``svc:<project>/<name>``."""
    return f"svc:{project}/{name}"


def health_sample_id(service: str, at: str) -> str:
    """Return the id of one probe of a service: ``health:<service-id>@<at>``."""
    return f"health:{service}@{at}"


def metric_id(project: str, metric: str, at: str) -> str:
    """Return the id of a metric point: ``metric:<project id or "ecosystem">/<metric>@<at>``."""
    return f"metric:{project or 'ecosystem'}/{metric}@{at}"


def external_id(lang: str, dotted: str) -> str:
    """Return the id of an external module or name, e.g. ``ext:python:os.path.join``."""
    return f"ext:{lang}:{dotted}"


def spec_id(repo: str, path: str, key: str) -> str:
    """Return the id of a spec item from its file and its heading-path key."""
    return f"spec:{repo}:{path}#{key}"


def task_id(repo: str, path: str, scope: str, n: int) -> str:
    """Return the id of the ``n``-th (1-based) comment task inside the symbol ``scope`` of a file."""
    return f"task:{repo}:{path}#{scope}/{n}"


def unresolved_id(lang: str, name: str) -> str:
    """Return the id of the placeholder that unresolved references to ``name`` point at."""
    return f"ext:{lang}:?.{name}"


# A symbol id's fragment: dotted segments, each optionally followed by a ``#n`` duplicate
# suffix (``Product.label#2``, ``Foo#2.bar``), or empty for the module. A segment never holds
# '#', '.' or '/', so the first '#' whose remainder has this shape ends the path, even when
# the path itself contains '#'.
_FRAGMENT = re.compile(r"(?:[^.#/\s]+(?:#\d+)?(?:\.[^.#/\s]+(?:#\d+)?)*)?")


def split_symbol_id(symbol: str) -> tuple[str, str] | None:
    """Split a symbol id into the id of the file that defines it and its fragment.

    Returns None when ``symbol`` is not a symbol id. Example:
    ``sym:repo:shop/shop:shop/models.py#Base.save`` → ``("file:repo:shop/shop:shop/models.py", "Base.save")``.
    """
    if not symbol.startswith("sym:"):
        return None
    body = symbol[len("sym:"):]
    at = body.find("#")
    while at != -1:
        if _FRAGMENT.fullmatch(body, at + 1):
            return "file:" + body[:at], body[at + 1:]
        at = body.find("#", at + 1)
    return None


def split_file_id(file: str) -> tuple[str, str] | None:
    """Split a file id into its repo id and path, when the id alone tells them apart.

    A project name holds no ':' or '/', but a repo name (a directory name) and a path may both hold
    ':'; then, and for an id that is not a file id, this returns None and the caller looks the
    file up. Example: ``file:repo:shop/shop:shop/models.py`` → ``("repo:shop/shop", "shop/models.py")``.
    """
    if not file.startswith("file:repo:"):
        return None
    slash = file.find("/", len("file:repo:"))
    if slash == -1 or ":" in file[len("file:repo:"):slash]:
        return None
    colon = file.find(":", slash)
    if colon == -1 or file.find(":", colon + 1) != -1:
        return None
    return file[len("file:"):colon], file[colon + 1:]


# ---------------------------------------------------------------------------
# File facts: what a language adapter extracts from one file, knowing nothing of others.


class SymbolFact(NamedTuple):
    """A definition in a file.

    ``qname`` is the dotted name within the file (``User.save``; ``""`` for the module),
    with a ``#n`` suffix for the n-th duplicate. ``parent`` is the qname of the
    enclosing symbol (``""``: the module). Positions as in the module docstring.
    """

    qname: str
    name: str
    kind: str
    line: int
    column: int
    start: tuple[int, int]
    end: tuple[int, int]
    signature: str = ""
    doc: str = ""
    exported: bool = False
    parent: str | None = ""


class ImportFact(NamedTuple):
    """One imported binding.

    ``module`` is the module text as written (leading dots for relative imports);
    ``name`` the imported name for ``from m import name`` (``None`` for ``import m``);
    ``alias`` the local name it is bound to (``None``: the default binding);
    ``scope`` the qname of the symbol whose scope receives the binding.
    """

    module: str
    name: str | None
    alias: str | None
    wildcard: bool
    line: int
    column: int
    scope: str


class RefFact(NamedTuple):
    """A reference: a call, a base class, a type annotation or a decorator.

    ``receiver`` is the dotted chain the name is looked up on (``("self",)``,
    ``("os", "path")``, ``("super()",)``), ``()`` for a bare name, or ``None`` when
    the receiver is an expression the adapter cannot name (``f().g()``).
    ``scope`` is the qname of the innermost enclosing symbol.
    """

    kind: Literal["call", "base", "type", "decorator", "implements"]
    name: str
    receiver: tuple[str, ...] | None
    scope: str
    line: int
    column: int
    # Number of arguments of a call (-1: not a call, or not counted); tells overloads apart.
    arity: int = -1
    # The static type of each argument as written (``"String"``, ``"int[]"``), "" where unknown.
    arg_types: tuple[str, ...] = ()


class LocalFact(NamedTuple):
    """A name bound inside a function scope, with the dotted type it is known to hold.

    ``type_ref`` is the annotation or the callee of ``x = Callee(...)``; ``None`` when unknown.
    """

    scope: str
    name: str
    type_ref: tuple[str, ...] | None


class SpecFact(NamedTuple):
    """A spec item found in a Markdown file.

    ``key`` is the fragment of its id (heading slugs joined by ``/``, ``#n`` for duplicates);
    ``mentions`` the names and paths it cites (backticked spans), each with its 1-based line.
    """

    key: str
    source: str
    title: str
    line: int
    status: str = ""
    priority: str = ""
    description: str = ""
    heading_path: str = ""
    mentions: tuple[tuple[str, int], ...] = ()


class TaskFact(NamedTuple):
    """A TODO/FIXME/XXX/HACK comment: ``kind`` the marker, ``scope`` the qname of the enclosing symbol."""

    kind: str
    title: str
    line: int
    column: int
    scope: str
    assignee: str = ""
    mentions: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True, slots=True)
class FileFacts:
    """Everything one adapter knows about one file."""

    path: str
    lang: str
    loc: int
    parse_errors: int
    symbols: tuple[SymbolFact, ...] = ()
    imports: tuple[ImportFact, ...] = ()
    refs: tuple[RefFact, ...] = ()
    locals: tuple[LocalFact, ...] = ()
    all_names: tuple[str, ...] | None = None
    specs: tuple[SpecFact, ...] = ()
    tasks: tuple[TaskFact, ...] = ()
    mentions: tuple[tuple[str, int], ...] = ()  # backticked names in a document, for DOCUMENTS edges


_FIELD_VALUES: dict[type, attrgetter[Any]] = {}


def _reduce_to_fields(fact: object) -> tuple[type, tuple[Any, ...]]:
    """Pickle a fact as its class and field values, rebuilt by one constructor call.

    File facts cross the process boundary from every parser worker; the default pickling
    of a frozen dataclass sets each field from Python on the way back, which took the
    parent about as long as the parse itself on a large repo. The fields are those of the
    fact's own class, so an adapter's subclass (``ModuleFacts``) keeps its own.
    """
    cls = type(fact)
    values = _FIELD_VALUES.get(cls)
    if values is None:
        values = _FIELD_VALUES[cls] = attrgetter(*(f.name for f in fields(cls)))  # type: ignore[arg-type]
    return cls, values(fact)


FileFacts.__reduce__ = _reduce_to_fields  # type: ignore[assignment,method-assign]


# ---------------------------------------------------------------------------
# Graph rows, as written to a store.


# Node and Edge are not frozen, and no code changes one once made: a resolver makes one per symbol
# and per reference (Django: 57,000 and 265,000), and a frozen dataclass sets each field through
# ``object.__setattr__``, four times the cost of a plain one (0.13 s against 0.03 s per 250,000).
@dataclass(slots=True)
class Node:
    """A node row: label, id and properties (None-valued properties are not stored)."""

    label: str
    id: str
    props: dict[str, object] = field(default_factory=dict)


@dataclass(slots=True)
class Edge:
    """An edge row between two node ids with the labels of both ends."""

    type: str
    src: str
    src_label: str
    dst: str
    dst_label: str
    props: dict[str, object] = field(default_factory=dict)
