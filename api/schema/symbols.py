"""Symbols and files: lookup by id and position, callers, callees, references, dependencies, impact."""

from __future__ import annotations

import strawberry

from api.schema.types import (
    DependencyType,
    Direction,
    Entity,
    File,
    Graph,
    Impact,
    Info,
    ReferencePage,
    Symbol,
    to_entity,
    to_graph,
)
from queries import graph

__all__ = ["SymbolQueries"]


@strawberry.type
class SymbolQueries:
    """The symbol and file fields of ``Query``."""

    @strawberry.field(description="A file by repo id (`repo:<project>/<name>`, or `<project>/<name>`) and path.")
    async def file(self, info: Info, repo: str, path: str) -> File | None:
        return File.of(await info.context.session.run(graph.file, repo, path))

    @strawberry.field(description="A symbol by id, e.g. `sym:repo:shop/shop:shop/models.py#Base.save`.")
    async def symbol(self, info: Info, id: strawberry.ID) -> Symbol | None:
        return Symbol.of(await info.context.session.run(graph.symbol, str(id)))

    @strawberry.field(description="A symbol, file or external by id.")
    async def node(self, info: Info, id: strawberry.ID) -> Entity | None:
        return to_entity(await info.context.session.run(graph.entity, str(id)))

    @strawberry.field(description="The innermost symbol whose range contains a position "
                                  "(`line` 1-based, `column` 0-based bytes).")
    async def symbol_at(self, info: Info, repo: str, path: str, line: int, column: int) -> Symbol | None:
        return Symbol.of(await info.context.session.run(graph.symbol_at, repo, path, line, column))

    @strawberry.field(description="Calls into a symbol or external name, by caller.")
    async def callers(self, info: Info, symbol_id: strawberry.ID, limit: int = graph.DEFAULT_PAGE,
                      offset: int = 0) -> ReferencePage | None:
        win = graph.window(limit, offset)
        return ReferencePage.of(await info.context.session.run(graph.callers, str(symbol_id), win))

    @strawberry.field(description="Calls a symbol makes, in source order.")
    async def callees(self, info: Info, symbol_id: strawberry.ID, limit: int = graph.DEFAULT_PAGE,
                      offset: int = 0) -> ReferencePage | None:
        win = graph.window(limit, offset)
        return ReferencePage.of(await info.context.session.run(graph.callees, str(symbol_id), win))

    @strawberry.field(description="Every call, use, base-class mention and import of a symbol, file or external.")
    async def references(self, info: Info, symbol_id: strawberry.ID, limit: int = graph.DEFAULT_PAGE,
                         offset: int = 0) -> ReferencePage | None:
        win = graph.window(limit, offset)
        return ReferencePage.of(await info.context.session.run(graph.references, str(symbol_id), win))

    @strawberry.field(description=f"The dependency graph around a node, up to {graph.MAX_DEPTH} hops: what it "
                                  "depends on (OUTGOING), what depends on it (INCOMING), or both.")
    async def symbol_dependencies(self, info: Info, symbol_id: strawberry.ID, direction: Direction = Direction.OUTGOING,
                                  depth: int = 1, types: list[DependencyType] | None = None,
                                  max_nodes: int | None = None) -> Graph | None:
        chosen = [t.value for t in types] if types is not None else None
        found = await info.context.session.run(graph.dependencies, str(symbol_id), direction.value, depth, chosen,
                                               max_nodes)
        return to_graph(found)

    @strawberry.field(description="What may break when a node changes: its dependents within `depth` hops, by file.")
    async def impact(self, info: Info, symbol_id: strawberry.ID, depth: int = 3,
                     max_nodes: int | None = None) -> Impact | None:
        return Impact.of(await info.context.session.run(graph.impact, str(symbol_id), depth, max_nodes))
