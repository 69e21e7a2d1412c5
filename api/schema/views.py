"""The level-of-detail views the browser client draws: a project's overview, a node's
neighbourhood in pages, and source lines (``queries/overview.py``, ``queries/source.py``)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import strawberry
from strawberry.scalars import JSON

from api.schema.types import Direction, GraphEdge, GraphNode, Info
from queries import graph, overview, source

__all__ = ["ViewQueries"]


@strawberry.type(description="A group of an overview: a Repo, Directory, File or Symbol. `files` and `symbols` "
                             "count what it holds; `expanded` says its entries are shown too; `truncated` that "
                             "opening it left entries out (ask again with larger bounds to show them anyway).")
class OverviewNode:
    id: strawberry.ID
    label: str
    name: str
    repo: str
    path: str
    parent: str | None = strawberry.field(description="The group it was opened from.")
    files: int
    symbols: int
    expandable: bool
    expanded: bool
    truncated: bool
    kind: str | None
    lang: str | None
    line: int | None


@strawberry.type(description="Edges of one type between two groups, aggregated: `count` edges, of which `exact`, "
                             "`heuristic` and `unresolved`. CONTAINS and DEFINES join an open group to its entries.")
class OverviewEdge:
    type: str
    source: strawberry.ID = strawberry.field(name="from")
    target: strawberry.ID = strawberry.field(name="to")
    count: int
    exact: int
    heuristic: int
    unresolved: int


@strawberry.type(description="A project as groups with aggregated dependency edges; `truncated` when a bound cut.")
class Overview:
    nodes: list[OverviewNode]
    edges: list[OverviewEdge]
    truncated: bool


@strawberry.type(description="One page of a node's neighbourhood, breadth-first; `edges` join the page's nodes to "
                             "each other and to earlier pages' nodes.")
class Neighbourhood:
    root: strawberry.ID
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    offset: int
    limit: int
    has_more: bool


@strawberry.type(description="Source lines of a symbol or file: `lines` start at line `start` (1-based); "
                             "`truncated` when the entity is longer. Plain text: render it as text.")
class SourceLines:
    repo: str
    path: str
    start: int
    lines: list[str]
    truncated: bool


def _overview(o: overview.Overview) -> Overview:
    return Overview(
        nodes=[OverviewNode(id=strawberry.ID(n.id), label=n.label, name=n.name, repo=n.repo, path=n.path,
                            parent=n.parent, files=n.files, symbols=n.symbols, expandable=n.expandable,
                            expanded=n.expanded, truncated=n.truncated, kind=n.kind, lang=n.lang, line=n.line)
               for n in o.nodes],
        edges=[OverviewEdge(type=e.type, source=strawberry.ID(e.source), target=strawberry.ID(e.target),
                            count=e.count, exact=e.exact, heuristic=e.heuristic, unresolved=e.unresolved)
               for e in o.edges],
        truncated=o.truncated)


def _neighbourhood(n: overview.Neighbourhood) -> Neighbourhood:
    return Neighbourhood(
        root=strawberry.ID(n.root), offset=n.offset, limit=n.limit, has_more=n.has_more,
        nodes=[GraphNode(id=strawberry.ID(x.id), label=x.label, name=x.name, kind=x.kind, repo=x.repo, path=x.path,
                         lang=x.lang, line=x.line, depth=x.depth) for x in n.nodes],
        edges=[GraphEdge(type=e.type, source=strawberry.ID(e.source), target=strawberry.ID(e.target), line=e.line,
                         column=e.column, resolution=e.resolution, candidates=e.candidates, confidence=e.confidence)
               for e in n.edges])


# A packed answer names the columns as GraphQL does (``source`` is ``from``).
_COLUMN_NAMES = {"source": "from", "target": "to"}


def _columns(rows: Sequence[Any], cls: type) -> dict[str, list[Any]]:
    """Rows of a dataclass as one list per field: a client reads thousands of elements from a few
    arrays, and the server skips the per-field work of a GraphQL list of objects."""
    names = [f.name for f in dataclasses.fields(cls)]
    return {_COLUMN_NAMES.get(n, n): [getattr(r, n) for r in rows] for n in names}


def _packed_overview(o: overview.Overview) -> dict[str, Any]:
    return {"nodes": _columns(o.nodes, overview.OverviewNode), "edges": _columns(o.edges, overview.OverviewEdge),
            "truncated": o.truncated}


def _packed_neighbourhood(n: overview.Neighbourhood) -> dict[str, Any]:
    return {"root": n.root, "nodes": _columns(n.nodes, graph.GraphNode), "edges": _columns(n.edges, graph.GraphEdge),
            "offset": n.offset, "limit": n.limit, "hasMore": n.has_more}


_PACKED = ("The same answer packed into one JSON value for clients that draw thousands of elements: `nodes` and "
           "`edges` are objects with one list per field (the fields of {node} and {edge}, `from`/`to` for the "
           "ends), entry i of every list describing the i-th node (edge). Several times faster to produce than a "
           "list of objects.")


@strawberry.type
class ViewQueries:
    """The view fields of ``Query``."""

    @strawberry.field(description="A project as groups (repos, directories, files; symbols of the files in `expand`) "
                                  "with dependency edges aggregated between them. The server opens the directories "
                                  "with the most symbols first while the view stays within `maxNodes` (default "
                                  f"{overview.DEFAULT_OVERVIEW_NODES}); `expand` opens more, `collapse` keeps "
                                  "groups closed. An opened file shows at most `maxFileSymbols` symbols.")
    async def overview(self, info: Info, project_id: strawberry.ID, expand: list[str] | None = None,
                       collapse: list[str] | None = None, max_nodes: int | None = None,
                       max_file_symbols: int = 500) -> Overview | None:
        found = await info.context.session.run(overview.overview, str(project_id), tuple(expand or ()),
                                               tuple(collapse or ()), max_nodes, max_file_symbols)
        return _overview(found)

    @strawberry.field(description="`overview`, packed. " + _PACKED.format(node="OverviewNode", edge="OverviewEdge")
                      + " Also `truncated`.")
    async def overview_columns(self, info: Info, project_id: strawberry.ID, expand: list[str] | None = None,
                               collapse: list[str] | None = None, max_nodes: int | None = None,
                               max_file_symbols: int = 500) -> JSON:
        found = await info.context.session.run(overview.overview, str(project_id), tuple(expand or ()),
                                               tuple(collapse or ()), max_nodes, max_file_symbols)
        return _packed_overview(found)

    @strawberry.field(description=f"One page of the nodes within `depth` (at most {graph.MAX_DEPTH}) dependency hops "
                                  "of a node, breadth-first, with the edges between them; `offset + limit` at most "
                                  f"{graph.MAX_GRAPH_NODES}.")
    async def neighbourhood(self, info: Info, node_id: strawberry.ID, depth: int = 1,
                            direction: Direction = Direction.BOTH, limit: int = 200,
                            offset: int = 0) -> Neighbourhood | None:
        found = await info.context.session.run(overview.neighbourhood, str(node_id), depth, direction.value, limit,
                                               offset)
        return _neighbourhood(found)

    @strawberry.field(description="`neighbourhood`, packed. " + _PACKED.format(node="GraphNode", edge="GraphEdge")
                      + " Also `root`, `offset`, `limit` and `hasMore`.")
    async def neighbourhood_columns(self, info: Info, node_id: strawberry.ID, depth: int = 1,
                                    direction: Direction = Direction.BOTH, limit: int = 200, offset: int = 0) -> JSON:
        found = await info.context.session.run(overview.neighbourhood, str(node_id), depth, direction.value, limit,
                                               offset)
        return _packed_neighbourhood(found)

    @strawberry.field(description=f"The source lines of a symbol (its whole range) or the first lines of a file, at "
                                  f"most `maxLines` (at most {source.MAX_SOURCE_LINES}), read from the indexed repo.")
    async def source(self, info: Info, node_id: strawberry.ID, max_lines: int = 60) -> SourceLines | None:
        s = await info.context.session.run(source.source, str(node_id), max_lines)
        return SourceLines(repo=s.repo, path=s.path, start=s.start, lines=list(s.lines), truncated=s.truncated)
