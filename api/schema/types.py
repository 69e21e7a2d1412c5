"""The GraphQL types every area of the schema shares: entities, references, pages and graphs.

Each type is built from an answer of the read layer (``queries.graph``); fields that need
another query (a symbol's callers, a file's symbols) resolve through the request's store
session, so a client pays only for what it asks.
"""

from __future__ import annotations

import enum

import strawberry

from api.context import GraphContext
from queries import graph

__all__ = [
    "DependencyType",
    "Direction",
    "EdgeType",
    "Entity",
    "External",
    "File",
    "Graph",
    "GraphEdge",
    "GraphNode",
    "Impact",
    "ImpactEntry",
    "ImpactGroup",
    "Info",
    "ReferencePage",
    "Reference",
    "Symbol",
    "to_entity",
    "to_graph",
]

Info = strawberry.Info[GraphContext, None]


@strawberry.enum(description="Which way a dependency traversal follows edges.")
class Direction(enum.Enum):
    OUTGOING = "OUTGOING"
    INCOMING = "INCOMING"
    BOTH = "BOTH"


@strawberry.enum(description="A dependency edge type.")
class DependencyType(enum.Enum):
    CALLS = "CALLS"
    USES = "USES"
    EXTENDS = "EXTENDS"
    IMPLEMENTS = "IMPLEMENTS"
    IMPORTS = "IMPORTS"


@strawberry.enum(description="Any edge type of a project graph: structural or dependency.")
class EdgeType(enum.Enum):
    HAS_REPO = "HAS_REPO"
    CONTAINS = "CONTAINS"
    DEFINES = "DEFINES"
    CALLS = "CALLS"
    USES = "USES"
    EXTENDS = "EXTENDS"
    IMPLEMENTS = "IMPLEMENTS"
    IMPORTS = "IMPORTS"
    DECLARES = "DECLARES"
    HAS_TASK = "HAS_TASK"
    AUDITS = "AUDITS"
    HAS_FINDING = "HAS_FINDING"
    CHECKS = "CHECKS"
    ATTESTS = "ATTESTS"
    IMPLEMENTED_BY = "IMPLEMENTED_BY"
    TESTS = "TESTS"
    DOCUMENTS = "DOCUMENTS"
    FOUND_IN = "FOUND_IN"


@strawberry.interface(description="A node a reference can start or end at: a Symbol, a File or an External.")
class Entity:
    id: strawberry.ID
    label: str = strawberry.field(description="Symbol, File or External.")
    name: str


@strawberry.type(description="An indexed file. `path` is POSIX, relative to its repo's root.")
class File(Entity):
    repo: str = strawberry.field(description="The id of the repo that contains it.")
    path: str
    lang: str | None
    module: str | None = strawberry.field(description="Its import name (Python: the dotted module path).")
    loc: int | None = strawberry.field(description="Number of lines.")
    size: int | None = strawberry.field(description="Size in bytes.")
    hash: str | None = strawberry.field(description="sha256 of its bytes.")
    parse_errors: int | None = strawberry.field(description="Syntax errors tree-sitter recovered from.")
    info: strawberry.Private[graph.FileInfo]

    @strawberry.field(description="The symbols it defines, in source order (its module symbol first).")
    async def symbols(self, info: Info) -> list[Symbol]:
        found = await info.context.session.run(graph.file_symbols, self.info)
        return [Symbol.of(s) for s in found]

    @staticmethod
    def of(f: graph.FileInfo) -> File:
        """The GraphQL form of a file."""
        return File(id=strawberry.ID(f.id), label="File", name=f.name, repo=f.repo, path=f.path, lang=f.lang,
                    module=f.module, loc=f.loc, size=f.size, hash=f.hash, parse_errors=f.parse_errors, info=f)


@strawberry.type(description="A module or name outside the indexed repos (stdlib, third party), or the "
                             "placeholder that unresolved references to a name point at.")
class External(Entity):
    module: str | None = strawberry.field(description="The module the name lives in; empty for a module or a placeholder.")
    lang: str | None
    unresolved: bool = strawberry.field(description="True for the placeholder of unresolved references.")

    @staticmethod
    def of(e: graph.ExternalInfo) -> External:
        """The GraphQL form of an external."""
        return External(id=strawberry.ID(e.id), label="External", name=e.name, module=e.module, lang=e.lang,
                        unresolved=":?." in e.id)


@strawberry.type(description="A named definition. `line` (1-based) and `column` (0-based, bytes) are where its "
                             "name stands; `rangeStart`/`rangeEnd` (\"line:column\", end exclusive) span all of it.")
class Symbol(Entity):
    qualified_name: str
    kind: str = strawberry.field(description="Module, Class, Interface, Function, Method, Type, Enum, Var, Const or Test.")
    signature: str | None
    doc: str | None
    line: int
    column: int
    range_start: str
    range_end: str
    exported: bool | None
    lang: str | None
    repo: str | None
    path: str | None
    file_id: str
    info: strawberry.Private[graph.SymbolInfo]

    @strawberry.field(description="The file that defines it.")
    async def file(self, info: Info) -> File | None:
        found = await info.context.session.run(graph.entities, [self.file_id])
        f = found.get(self.file_id)
        return File.of(f) if isinstance(f, graph.FileInfo) else None

    @strawberry.field(description="Calls into it, by caller.")
    async def callers(self, info: Info, limit: int = graph.DEFAULT_PAGE, offset: int = 0) -> ReferencePage:
        page = await info.context.session.run(graph.callers, self.id, graph.window(limit, offset))
        return ReferencePage.of(page)

    @strawberry.field(description="Calls it makes, in source order.")
    async def callees(self, info: Info, limit: int = graph.DEFAULT_PAGE, offset: int = 0) -> ReferencePage:
        page = await info.context.session.run(graph.callees, self.id, graph.window(limit, offset))
        return ReferencePage.of(page)

    @strawberry.field(description="Every call, use, base-class mention and import of it.")
    async def references(self, info: Info, limit: int = graph.DEFAULT_PAGE, offset: int = 0) -> ReferencePage:
        page = await info.context.session.run(graph.references, self.id, graph.window(limit, offset))
        return ReferencePage.of(page)

    @staticmethod
    def of(s: graph.SymbolInfo) -> Symbol:
        """The GraphQL form of a symbol."""
        return Symbol(id=strawberry.ID(s.id), label="Symbol", name=s.name, qualified_name=s.qualified_name,
                      kind=s.kind, signature=s.signature, doc=s.doc, line=s.line, column=s.column,
                      range_start=s.range_start, range_end=s.range_end, exported=s.exported, lang=s.lang,
                      repo=s.repo, path=s.path, file_id=s.file_id, info=s)


def to_entity(e: graph.Entity) -> Entity:
    """The GraphQL form of a symbol, file or external."""
    if isinstance(e, graph.SymbolInfo):
        return Symbol.of(e)
    if isinstance(e, graph.FileInfo):
        return File.of(e)
    return External.of(e)


@strawberry.type(description="A dependency edge with both ends: `from` refers to `to` at `line`/`column` of `file`. "
                             "`resolution` is exact (proven), heuristic (a guess among `candidates`, with "
                             "`confidence`) or unresolved (the target is a placeholder).")
class Reference:
    type: str = strawberry.field(description="CALLS, USES, EXTENDS or IMPORTS.")
    source: Entity = strawberry.field(name="from")
    target: Entity = strawberry.field(name="to")
    line: int | None
    column: int | None
    resolution: str | None
    candidates: int | None
    confidence: float | None
    alias: str | None = strawberry.field(description="The local name an import binds, when it renames.")
    file: File | None = strawberry.field(description="The file the reference is written in.")

    @staticmethod
    def of(r: graph.Reference) -> Reference:
        """The GraphQL form of a reference."""
        return Reference(type=r.type, source=to_entity(r.source), target=to_entity(r.target), line=r.line,
                         column=r.column, resolution=r.resolution, candidates=r.candidates,
                         confidence=r.confidence, alias=r.alias, file=File.of(r.file) if r.file else None)


@strawberry.type(description="One page of references; `hasMore` says whether more follow.")
class ReferencePage:
    items: list[Reference]
    offset: int
    limit: int
    has_more: bool

    @staticmethod
    def of(page: graph.Page[graph.Reference]) -> ReferencePage:
        """The GraphQL form of a page of references."""
        return ReferencePage(items=[Reference.of(r) for r in page.items], offset=page.offset, limit=page.limit,
                             has_more=page.has_more)


@strawberry.type(description="A node of a graph answer; `depth` is its distance from the root of the question.")
class GraphNode:
    id: strawberry.ID
    label: str = strawberry.field(description="Project, Repo, File, Symbol or External.")
    name: str
    kind: str | None
    repo: str | None
    path: str | None
    lang: str | None
    line: int | None
    depth: int | None


@strawberry.type(description="An edge of a graph answer between node ids. Dependency edges carry their position "
                             "and `resolution` (`candidates`/`confidence` when heuristic); structural ones do not.")
class GraphEdge:
    type: str
    source: strawberry.ID = strawberry.field(name="from")
    target: strawberry.ID = strawberry.field(name="to")
    line: int | None
    column: int | None
    resolution: str | None
    candidates: int | None
    confidence: float | None


@strawberry.type(description="Nodes and the edges between them; `truncated` when the size bound left nodes out.")
class Graph:
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    truncated: bool


def to_graph(g: graph.Graph) -> Graph:
    """The GraphQL form of a graph answer."""
    return Graph(
        nodes=[GraphNode(id=strawberry.ID(n.id), label=n.label, name=n.name, kind=n.kind, repo=n.repo, path=n.path,
                         lang=n.lang, line=n.line, depth=n.depth) for n in g.nodes],
        edges=[GraphEdge(type=e.type, source=strawberry.ID(e.source), target=strawberry.ID(e.target), line=e.line,
                         column=e.column, resolution=e.resolution, candidates=e.candidates, confidence=e.confidence)
               for e in g.edges],
        truncated=g.truncated)


@strawberry.type(description="A dependent: `depth` hops from the changed node; `resolution` is the weakest edge "
                             "on the way (heuristic: the dependency is a guess).")
class ImpactEntry:
    node: Entity
    depth: int
    resolution: str


@strawberry.type(description="The dependents in one file.")
class ImpactGroup:
    file: File
    entries: list[ImpactEntry]


@strawberry.type(description="What may break when a node changes: its transitive dependents, grouped by file.")
class Impact:
    root: Entity
    depth: int
    groups: list[ImpactGroup]
    truncated: bool

    @staticmethod
    def of(i: graph.Impact) -> Impact:
        """The GraphQL form of an impact answer."""
        return Impact(root=to_entity(i.root), depth=i.depth, truncated=i.truncated,
                      groups=[ImpactGroup(file=File.of(g.file),
                                          entries=[ImpactEntry(node=to_entity(e.entity), depth=e.depth,
                                                               resolution=e.resolution) for e in g.entries])
                              for g in i.groups])
