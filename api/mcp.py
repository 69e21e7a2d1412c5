"""The MCP server (``graph mcp``): the graph's questions as Model Context Protocol tools for agents.

Built on the official ``mcp`` SDK (FastMCP), over stdio or streamable HTTP on 127.0.0.1::

    server = create_server(Settings(store="ladybug:///tmp/graph.lbug"))
    server.run("stdio")                       # or: server.settings.port = 8765; server.run("streamable-http")

Every tool answers through the shared read layer (``queries/``), like the GraphQL API and the
CLI. Answers are compact JSON sized for a model's context: a symbol is named by its dotted
name (``shop.models.Base.save``), ``path:line`` and ``id``; an edge by its ends, ``path:line:col``
and ``resolution`` (``exact``, ``heuristic`` with candidates and confidence, ``unresolved``);
a long list is one page and says how to ask for the next (``next``).

The embedded store's read-only handle is kept between calls without its lock and checked for
writes before each call (reopened when one happened), so every call sees the writes committed
before it and never holds up a writer for longer than the call (docs/decisions/0002 and 0010). A bad argument is a tool error (``isError``) whose text says
what to send instead; an unexpected failure is logged on stderr and reported as a tool error,
never a crash of the server. Nothing here writes: ``query`` runs the caller's Cypher through
``Store.read_only_cypher``, which the store itself refuses to let write.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import anyio
from mcp.server.fastmcp import FastMCP
from mcp.types import CallToolResult, TextContent, ToolAnnotations
from pydantic import Field

from graphsvc.errors import GraphError, NotFound, QueryError, StoreMissing
from graphsvc.model import EDGE_PROPS, EDGE_SCHEMA, NODE_SCHEMA, project_id
from graphsvc.settings import Settings
from graphsvc.store import Store, open_store
from graphsvc.store.readers import KeptReader
from queries import attached, changes, graph, navigation
from queries import search_work as work_
from queries import search as search_
from queries.graph import Entity, FileInfo, ImpactEntry, ImpactGroup, Reference, SymbolInfo

__all__ = ["SCHEMA_TEXT", "create_server"]

log = logging.getLogger("api.mcp")
R = TypeVar("R")

MAX_SOURCE_LINES = 400
MAX_CYPHER_ROWS = 1000
MAX_CYPHER_SECONDS = 30.0

_READ_ONLY = ToolAnnotations(readOnlyHint=True, destructiveHint=False, idempotentHint=True, openWorldHint=False)

Target = Annotated[str, Field(min_length=1, max_length=2000, description=(
    "A symbol id (sym:repo:<project>/<repo>:<path>#<name>), or a dotted name: shop.models.Base.save, "
    "or the module-relative Base.save. Find one with the search tool."))]
Limit = Annotated[int, Field(ge=1, le=graph.MAX_PAGE, description=f"Items per page (1–{graph.MAX_PAGE}).")]
Offset = Annotated[int, Field(ge=0, description="Items to skip: the `next` hint of the previous page gives it.")]
Depth = Annotated[int, Field(ge=1, le=graph.MAX_DEPTH, description=f"Hops to follow (1–{graph.MAX_DEPTH}).")]
Repo = Annotated[str, Field(min_length=1, max_length=500, description=(
    "A repo: <project>/<repo> (e.g. shop/shop) or repo:<project>/<repo>; project_overview lists them."))]

SCHEMA_TEXT = """\
The graph of graphsvc (Cypher labels and relationship types; ids are readable strings).

Ids: proj:<project> | repo:<project>/<repo> | file:<repo-id>:<path> |
     sym:<repo-id>:<path>#<qualified.name> (the module symbol of a file has an empty name after '#') |
     ext:<lang>:<module>[.<name>] (outside the indexed repos; ext:<lang>:?.<name> when unresolved).
Positions: line 1-based, column 0-based (UTF-8 bytes); rangeStart/rangeEnd "line:col", end exclusive.
Dependency edges carry line, column, resolution (exact | heuristic | unresolved), and on heuristic
edges candidates (how many targets were possible) and confidence (0-1).
"""


def _schema() -> dict[str, Any]:
    return {
        "about": SCHEMA_TEXT,
        "nodes": {label: sorted(p for p in props if p not in ("summary", "mtimeNs", "inode"))
                  for label, props in NODE_SCHEMA.items()},
        "edges": {etype: [f"({a})->({b})" for a, b in pairs] for etype, pairs in EDGE_SCHEMA.items()},
        "dependencyEdgeProperties": sorted(EDGE_PROPS),
        "structuralEdges": ["HAS_REPO", "CONTAINS", "DEFINES"],
    }


# ---------------------------------------------------------------------------
# Rendering: compact dicts


class _Names:
    """Dotted names of entities: a symbol's module comes from its file, looked up once per call."""

    def __init__(self, store: Store, found: list[Entity]) -> None:
        fids = {e.file_id for e in found if isinstance(e, SymbolInfo)}
        files = graph.entities(store, fids)
        self.modules = {i: f.module for i, f in files.items() if isinstance(f, FileInfo)}

    def name(self, e: Entity) -> str:
        return navigation.full_name(e, self.modules)

    def node(self, e: Entity) -> dict[str, Any]:
        if isinstance(e, SymbolInfo):
            return {"name": self.name(e), "kind": e.kind, "at": f"{e.path}:{e.line}", "repo": _short(e.repo),
                    "id": e.id}
        if isinstance(e, FileInfo):
            return {"name": e.path, "kind": "File", "at": f"{e.path}:1", "repo": _short(e.repo), "id": e.id}
        return {"name": self.name(e), "kind": "External", "id": e.id}


def _short(repo: str | None) -> str | None:
    return repo.removeprefix("repo:") if repo else None


def _resolution(d: dict[str, Any], resolution: str | None, candidates: int | None = None,
                confidence: float | None = None) -> dict[str, Any]:
    d["resolution"] = resolution or "exact"
    if resolution == "heuristic":
        d["candidates"] = candidates
        d["confidence"] = confidence
    return d


def _edge(names: _Names, ref: Reference) -> dict[str, Any]:
    at = f"{ref.file.path}:{ref.line}:{ref.column}" if ref.file else None
    d = {"type": ref.type, "from": names.name(ref.source), "fromId": ref.source.id, "to": names.name(ref.target),
         "toId": ref.target.id, "at": at}
    return _resolution(d, ref.resolution, ref.candidates, ref.confidence)


def _paged(tool: str, items: list[Any], offset: int, limit: int, has_more: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"items": items, "offset": offset, "hasMore": has_more}
    if has_more:
        out["next"] = f"call {tool} again with offset={offset + limit} (same other arguments)"
    return out


def _entry(names: _Names, e: ImpactEntry) -> dict[str, Any]:
    d = names.node(e.entity)
    d["depth"] = e.depth
    return _resolution(d, e.resolution)


def _grouped(store: Store, tool: str, groups: tuple[ImpactGroup, ...], offset: int, limit: int) -> dict[str, Any]:
    """Dependents by project and file (one page of files), with every test among all of them."""
    every = [e for g in groups for e in g.entries]
    names = _Names(store, [e.entity for e in every])
    page = groups[offset:offset + limit]
    projects: dict[str, list[dict[str, Any]]] = {}
    for g in page:
        project = (_short(g.file.repo) or "").split("/", 1)[0]
        projects.setdefault(project, []).append(
            {"file": g.file.path, "repo": _short(g.file.repo), "dependents": [_entry(names, e) for e in g.entries]})
    tests = sorted((e for e in every if navigation.is_test(e.entity)), key=lambda e: (e.depth, e.entity.id))
    out: dict[str, Any] = {
        "files": len(groups), "dependents": len(every),
        "byProject": [{"project": p, "files": fs} for p, fs in projects.items()],
        "tests": [_entry(names, e) for e in tests],
        "offset": offset, "hasMore": offset + limit < len(groups),
    }
    if out["hasMore"]:
        out["next"] = f"call {tool} again with offset={offset + limit} for the next files (same other arguments)"
    return out


# ---------------------------------------------------------------------------
# Arguments


def _target(store: Store, text: str, *, symbols_only: bool = False) -> Entity:
    """A node from an id or a dotted name."""
    text = text.strip()
    if text.startswith(("sym:", "file:", "ext:")):
        e = graph.entity(store, text)
        if symbols_only and not isinstance(e, SymbolInfo):
            raise QueryError(f"'{text}' is not a symbol", suggestion="give a symbol id (sym:…) or a dotted name")
        return e
    found = navigation.symbols_named(store, text)
    if not found and "." not in text:  # a bare name: offer what it could mean
        found = [e for e in graph.entities(store, [r["id"] for r in store.read("symbols_named", short=text)]).values()
                 if isinstance(e, SymbolInfo)]
        found.sort(key=lambda s: s.id)
    if not found:
        raise NotFound(f"no symbol named '{text}'",
                       suggestion="find it with the search tool and pass its id, or give the dotted name "
                       "with its module (shop.models.Base.save)")
    if len(found) > 1:
        listed = ", ".join(s.id for s in found[:10])
        raise QueryError(f"'{text}' names {len(found)} symbols: {listed}", suggestion="pass one of these ids")
    return found[0]


def _source(store: Store, sym: SymbolInfo, max_lines: int) -> dict[str, Any]:
    """The symbol's source lines, read from the indexed file under its repo's root, never outside it."""
    rows = store.read("repo_roots", ids=[sym.repo]) if sym.repo else []
    root_text = rows[0]["root"] if rows else None
    if not root_text or not sym.path:
        return {"source": None, "sourceNote": "the graph does not know where this repo's files are"}
    root = Path(root_text).resolve()
    path = (root / sym.path).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return {"source": None, "sourceNote": f"{sym.path} is not under the repo root {root} any more"}
    data = path.read_bytes()
    f = graph.entities(store, [sym.file_id]).get(sym.file_id)
    stale = isinstance(f, FileInfo) and f.hash is not None and hashlib.sha256(data).hexdigest() != f.hash
    lines = data.decode("utf-8", errors="replace").splitlines()
    start = int(sym.range_start.partition(":")[0])
    end_line, _, end_col = sym.range_end.partition(":")
    end = int(end_line) - (1 if end_col == "0" and int(end_line) > start else 0)
    last = min(end, start + max_lines - 1)
    width = len(str(last))
    out: dict[str, Any] = {"source": "\n".join(f"{n:>{width}}| {lines[n - 1]}" for n in range(start, last + 1)
                                               if n - 1 < len(lines))}
    notes = []
    if last < end:
        notes.append(f"showing lines {start}-{last} of {start}-{end}; raise max_lines (at most {MAX_SOURCE_LINES})")
    if stale:
        notes.append("the file changed on disk since it was indexed; lines may have moved (run graph ingest)")
    if notes:
        out["sourceNote"] = "; ".join(notes)
    return out


# ---------------------------------------------------------------------------
# The server


def _ok(data: dict[str, Any]) -> CallToolResult:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
    return CallToolResult(content=[TextContent(type="text", text=text)], structuredContent=data)


def _error(message: str) -> CallToolResult:
    return CallToolResult(content=[TextContent(type="text", text=message)], isError=True)


class _Access:
    """The store of the tools' calls: a read-only handle kept between calls and checked for writes
    before each one (graphsvc/store/readers.py), so answers are current without an open per call."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._reader = KeptReader(settings)

    def _call(self, fn: Callable[[Store], R]) -> R:
        with self._reader.use() as store:
            return fn(store)

    async def answer(self, fn: Callable[[Store], dict[str, Any]]) -> CallToolResult:
        try:
            return _ok(await anyio.to_thread.run_sync(self._call, fn))
        except GraphError as exc:
            return _error(f"error: {exc.line()}")
        except Exception:  # the boundary: a bug is logged and reported, the server keeps serving
            log.exception("unexpected error in an MCP tool")
            return _error("error: internal error in graph mcp — its log on stderr has the details; "
                          "other tools still work")

    def close(self) -> None:
        self._reader.close()


def create_server(settings: Settings, *, port: int = 8000) -> FastMCP:
    """The MCP server over the store the settings name (HTTP, when asked, on 127.0.0.1:``port``)."""
    server = FastMCP("graphsvc", instructions=(
        "A code knowledge graph: projects, repos, files, symbols and their dependency edges. Start with "
        "search or project_overview; name symbols by the ids the answers give. Every edge says whether it is "
        "proven (exact) or a guess (heuristic)."), host="127.0.0.1", port=port, log_level="WARNING")
    access = _Access(settings)
    server._graph_access = access  # type: ignore[attr-defined]
    _search_tools(server, access)
    _edge_tools(server, access)
    _impact_tools(server, access)
    _structure_tools(server, access)
    _attached_tools(server, access)
    _resources(server, access)
    return server


def _search_tools(server: FastMCP, access: _Access) -> None:
    @server.tool(annotations=_READ_ONLY)
    async def search(
        query: Annotated[str, Field(min_length=1, max_length=500, description=(
            "A name, a prefix, words (get_log, getLog) or a path; for specs and tasks, words of their title. "
            "Fuzzy matches too."))],
        scope: Annotated[list[Literal["symbols", "files", "specs", "tasks"]] | None, Field(
            description="Look through these only (default: all four). specs: spec items from Markdown "
                        "(requirements, design headings, checklists, decision records); tasks: TODO/FIXME "
                        "comments and tasks created through the API.")] = None,
        limit: Annotated[int, Field(ge=1, le=search_.MAX_LIMIT, description=f"Hits (1–{search_.MAX_LIMIT}).")] = 20,
    ) -> CallToolResult:
        """Symbols, files, spec items and tasks by name or title, best first (exact, prefix, words, fuzzy),
        with their ids. specs_for / tasks_for / findings_for tell what is attached to a symbol or file."""
        def run(store: Store) -> dict[str, Any]:
            chosen = set(scope or ("symbols", "files", "specs", "tasks"))
            code = [s.upper() for s in ("symbols", "files") if s in chosen]
            work = [s.upper() for s in ("specs", "tasks") if s in chosen]
            hits = search_.search(store, query, code, limit) if code else []
            names = _Names(store, [h.entity for h in hits])
            # Each list comes ranked; a stable sort by score keeps their orders (code first on a tie).
            ranked = [{**names.node(h.entity), "score": h.score, "match": h.match} for h in hits]
            ranked += [{**_work_node(w), "score": w.score, "match": w.match}
                       for w in (work_.search_work(store, query, work, limit) if work else [])]
            ranked.sort(key=lambda r: -r["score"])
            out: dict[str, Any] = {"items": ranked[:limit]}
            if len(ranked) >= limit:
                out["more"] = f"there may be more: raise limit (at most {search_.MAX_LIMIT}) or refine the query"
            return out
        return await access.answer(run)

    @server.tool(annotations=_READ_ONLY)
    async def symbol(
        target: Target,
        max_lines: Annotated[int, Field(ge=0, le=MAX_SOURCE_LINES, description=(
            f"Source lines to show (0–{MAX_SOURCE_LINES}; 0: none)."))] = 80,
    ) -> CallToolResult:
        """What a symbol is: kind, signature, doc, where it is, and its source lines."""
        def run(store: Store) -> dict[str, Any]:
            s = _target(store, target, symbols_only=True)
            assert isinstance(s, SymbolInfo)
            out = {**_Names(store, [s]).node(s), "signature": s.signature or None, "doc": s.doc or None,
                   "lines": f"{s.range_start.partition(':')[0]}-{s.range_end.partition(':')[0]}",
                   "exported": s.exported, "lang": s.lang}
            if max_lines:
                out.update(_source(store, s, max_lines))
            return out
        return await access.answer(run)


def _edge_tools(server: FastMCP, access: _Access) -> None:
    def register(name: str, fn: Callable[..., graph.Page[Reference]], doc: str) -> None:
        async def tool(target: Target, limit: Limit = graph.DEFAULT_PAGE, offset: Offset = 0) -> CallToolResult:
            def run(store: Store) -> dict[str, Any]:
                node = _target(store, target)
                page = fn(store, node.id, graph.Window(offset=offset, limit=limit))
                names = _Names(store, [x for r in page.items for x in (r.source, r.target)])
                return _paged(name, [_edge(names, r) for r in page.items], offset, limit, page.has_more)
            return await access.answer(run)

        tool.__name__ = name
        tool.__doc__ = doc
        server.tool(name=name, description=doc, annotations=_READ_ONLY)(tool)

    register("callers", graph.callers, "The calls into a symbol (or external name), by caller: who calls it.")
    register("callees", graph.callees, "The calls a symbol makes, in source order: what it calls.")
    register("references", graph.references,
             "Every call, use, base-class mention and import of a symbol, file (file:… id) or external.")

    @server.tool(annotations=_READ_ONLY)
    async def implementations(target: Target, limit: Limit = graph.DEFAULT_PAGE, offset: Offset = 0) -> CallToolResult:
        """What implements a class (its subclasses, transitively) or a method (the overriding methods)."""
        def run(store: Store) -> dict[str, Any]:
            node = _target(store, target, symbols_only=True)
            page = navigation.implementations(store, node.id, graph.Window(offset=offset, limit=limit))
            names = _Names(store, list(page.items))
            return _paged("implementations", [names.node(s) for s in page.items], offset, limit, page.has_more)
        return await access.answer(run)


def _impact_tools(server: FastMCP, access: _Access) -> None:
    @server.tool(annotations=_READ_ONLY)
    async def impact(
        target: Target, depth: Depth = 3,
        limit: Annotated[int, Field(ge=1, le=200, description="Files per page (1–200).")] = 20,
        offset: Offset = 0,
    ) -> CallToolResult:
        """What may break if a symbol changes: its dependents within `depth` hops, by project and file,
        with the tests that reach it. Each dependent carries the weakest resolution on its way."""
        def run(store: Store) -> dict[str, Any]:
            node = _target(store, target)
            found = graph.impact(store, node.id, depth)
            out = {"target": _Names(store, [found.root]).node(found.root), "depth": depth,
                   **_grouped(store, "impact", found.groups, offset, limit)}
            if found.truncated:
                out["truncated"] = f"stopped at {graph.DEFAULT_GRAPH_NODES} nodes; lower depth for a complete answer"
            return out
        return await access.answer(run)

    @server.tool(annotations=_READ_ONLY)
    async def changes_impact(
        repo: Repo,
        ref: Annotated[str | None, Field(max_length=200, description=(
            "Compare the work tree with this git commit, branch or tag (default: HEAD, i.e. the "
            "uncommitted changes, staged or not)."))] = None,
        depth: Depth = 2,
        limit: Annotated[int, Field(ge=1, le=200, description="Files of dependents per page (1–200).")] = 20,
        offset: Offset = 0,
    ) -> CallToolResult:
        """What to re-test after a change: the symbols a git diff of the repo's work tree touches (by line
        ranges) and what depends on them, by project and file, with the tests that reach them."""
        def run(store: Store) -> dict[str, Any]:
            found = changes.changes_impact(store, repo, ref, depth)
            names = _Names(store, [t.symbol for t in found.touched])
            touched = [{**names.node(t.symbol), "lines": ",".join(f"{a}-{b}" if a != b else str(a)
                                                                   for a, b in t.lines)} for t in found.touched]
            out: dict[str, Any] = {"repo": _short(found.repo), "ref": found.ref, "touched": touched,
                                   **_grouped(store, "changes_impact", found.groups, offset, limit)}
            if found.unindexed:
                out["notInGraph"] = list(found.unindexed)
            if found.truncated:
                out["truncated"] = "the change is large; dependents were walked for the first touched symbols only"
            return out
        return await access.answer(run)

    @server.tool(annotations=_READ_ONLY)
    async def dependency_path(
        source: Target, target: Target,
        max_depth: Annotated[int, Field(ge=1, le=graph.MAX_DEPTH, description=(
            f"Longest path to look for (1–{graph.MAX_DEPTH} hops)."))] = graph.MAX_DEPTH,
    ) -> CallToolResult:
        """How `source` reaches `target`: the shortest chain of calls, uses, bases and imports."""
        def run(store: Store) -> dict[str, Any]:
            a, b = _target(store, source), _target(store, target)
            steps = navigation.dependency_path(store, a.id, b.id, max_depth)
            names = _Names(store, [x for s in steps for x in (s.source, s.target)])
            weakest = max((s.resolution for s in steps), key=lambda r: {"exact": 0, "heuristic": 1}.get(r, 2))
            path = [_resolution({"type": s.type, "from": names.name(s.source), "to": names.name(s.target),
                                 "toId": s.target.id, "at": _step_at(s)}, s.resolution) for s in steps]
            return {"from": names.node(a), "to": names.node(b), "hops": len(steps), "resolution": weakest,
                    "path": path}
        return await access.answer(run)


def _step_at(step: navigation.PathStep) -> str | None:
    src = step.source
    path = src.path if isinstance(src, (SymbolInfo, FileInfo)) else None
    return f"{path}:{step.line}:{step.column}" if path and step.line else None


def _structure_tools(server: FastMCP, access: _Access) -> None:
    @server.tool(annotations=_READ_ONLY)
    async def file_outline(
        repo: Repo,
        path: Annotated[str, Field(min_length=1, max_length=2000, description=(
            "The file's path relative to the repo root, as indexed (e.g. shop/models.py)."))],
    ) -> CallToolResult:
        """The symbols a file defines, in source order, nested by qualified name."""
        def run(store: Store) -> dict[str, Any]:
            f = graph.file(store, repo, path)
            syms = graph.file_symbols(store, f)
            items = [{"name": s.qualified_name, "kind": s.kind, "line": s.line,
                      "depth": 0 if s.kind == "Module" else s.qualified_name.split("#")[0].count(".") + 1,
                      "signature": s.signature or None, "id": s.id} for s in syms]
            return {"repo": _short(f.repo), "path": f.path, "lang": f.lang, "loc": f.loc, "module": f.module,
                    "symbols": items}
        return await access.answer(run)

    @server.tool(annotations=_READ_ONLY)
    async def project_overview(
        project: Annotated[str | None, Field(max_length=500, description=(
            "A project name (or proj:<name>); leave it out to list the projects."))] = None,
    ) -> CallToolResult:
        """A project at a glance: repos, languages, sizes, entry points, most-depended-on symbols."""
        def run(store: Store) -> dict[str, Any]:
            if not project:
                page = graph.projects(store, graph.Window(offset=0, limit=graph.MAX_PAGE))
                return {"projects": [p.name for p in page.items],
                        "next": "call project_overview with one of these names"}
            return _overview(store, project)
        return await access.answer(run)

    @server.tool(annotations=_READ_ONLY)
    async def query(
        cypher: Annotated[str, Field(min_length=1, max_length=20000, description=(
            "One read-only Cypher statement (MATCH … RETURN). Labels: Project, Repo, File, Symbol, External; "
            "the graph://schema resource lists properties and edges. Pass values as $parameters."))],
        params: Annotated[dict[str, Any] | None, Field(description="Values of the statement's $parameters.")] = None,
        limit: Annotated[int, Field(ge=1, le=MAX_CYPHER_ROWS, description=(
            f"Rows to return (1–{MAX_CYPHER_ROWS})."))] = 100,
        timeout_seconds: Annotated[float, Field(gt=0, le=MAX_CYPHER_SECONDS, description=(
            f"Stop the statement after this many seconds (at most {MAX_CYPHER_SECONDS:g})."))] = 5.0,
    ) -> CallToolResult:
        """Read-only Cypher over the graph, with a row limit and a timeout. The store refuses writes,
        file and network access; use SKIP/LIMIT in the statement to page."""
        def run(store: Store) -> dict[str, Any]:
            answer = store.read_only_cypher(cypher, params or {}, max_rows=limit, timeout=timeout_seconds)
            out: dict[str, Any] = {"columns": list(answer.columns), "rows": [list(r) for r in answer.rows]}
            if answer.truncated:
                out["truncated"] = (f"more than {limit} rows: add ORDER BY … SKIP {limit} LIMIT {limit} to the "
                                    "statement for the next page, or raise limit")
            return out
        return await access.answer(run)


def _overview(store: Store, name: str) -> dict[str, Any]:
    pid = name if name.startswith("proj:") else project_id(name)
    ov = navigation.project_overview(store, pid)
    names = _Names(store, [*ov.entry_points, *(s for s, _ in ov.most_depended)])
    return {
        "project": ov.project.name,
        "repos": [{"repo": _short(r.id), "files": r.files, "symbols": r.symbols, "state": r.state,
                   "headCommit": r.head_commit, "lastIndexedAt": r.last_indexed_at} for r in ov.repos],
        "languages": ov.languages,
        "edges": ov.edges,
        "entryPoints": [names.node(e) for e in ov.entry_points],
        "entryPointsNote": "found by name (__main__.py, main.py, manage.py, cli.py, … and functions named main)",
        "mostDependedOn": [{**names.node(s), "dependents": n} for s, n in ov.most_depended],
        "work": _work(store, ov.project.id),
    }


def _work(store: Store, project: str) -> dict[str, Any]:
    w = attached.project_work(store, project)
    return {"specItems": w.spec_items, "unimplementedSpecItems": w.unimplemented, "tasks": w.tasks,
            "openTasks": w.open_tasks, "openFindings": w.open_findings, "complianceChecks": w.checks,
            "details": "specs_for / tasks_for / findings_for a symbol or file; compliance_status for the checks"}


# ---------------------------------------------------------------------------
# Spec items, tasks, findings and compliance


Subject = Annotated[str, Field(min_length=1, max_length=2000, description=(
    "A symbol (id sym:…, or dotted name: ledger.accounts.Account) or a file (id file:…, or its path relative "
    "to the repo root: ledger/accounts.py). A class covers its methods; a file (or module) every symbol in it."))]


def _work_node(w: work_.WorkHit) -> dict[str, Any]:
    d: dict[str, Any] = {"name": w.title, "kind": w.kind, "at": f"{w.path}:{w.line}" if w.path else None,
                         "repo": _short(w.repo), "id": w.id}
    d["source" if w.kind == "SpecItem" else "marker"] = w.detail
    d["status"] = w.status or None
    return d


def _subject(store: Store, text: str) -> Entity:
    """A symbol or a file from an id, a repo-relative path or a dotted name."""
    text = text.strip()
    if text.startswith(("sym:", "file:")):
        return graph.entity(store, text)
    if text.startswith(("ext:", "repo:", "proj:")):
        raise QueryError(f"'{text}' is neither a symbol nor a file",
                         suggestion="give a symbol (sym:… or a dotted name) or a file (file:… or its path)")
    looks_like_path = "/" in text or re.search(r"\.[A-Za-z0-9]{1,6}$", text) is not None
    if looks_like_path:
        ids = [r["id"] for r in store.read("files_at_path", path=text.removeprefix("./"))]
        if len(ids) > 1:
            raise QueryError(f"'{text}' is a file of {len(ids)} repos: {', '.join(ids[:10])}",
                             suggestion="pass one of these file ids")
        if ids:
            return graph.entity(store, ids[0])
        if "/" in text:
            raise NotFound(f"no file '{text}' in the graph",
                           suggestion="give the path relative to its repo root, as indexed (file_outline, search "
                           "with scope files)")
    return _target(store, text)


def _on(names: _Names, found: dict[str, Entity], target: str) -> str:
    e = found.get(target)
    return names.name(e) if e is not None else target


def _page_of(tool: str, items: list[Any], offset: int, limit: int) -> dict[str, Any]:
    return _paged(tool, items[offset:offset + limit], offset, limit, offset + limit < len(items)) | {
        "total": len(items)}


def _attached_tools(server: FastMCP, access: _Access) -> None:
    @server.tool(annotations=_READ_ONLY)
    async def specs_for(target: Subject, limit: Limit = 20, offset: Offset = 0) -> CallToolResult:
        """The spec items (requirements, design headings, checklist items, decision records) a symbol or file
        implements, with the Markdown documents that mention it. A guessed link is `heuristic`."""
        def run(store: Store) -> dict[str, Any]:
            e = _subject(store, target)
            ids = attached.covered(store, e)
            links = attached.specs_for(store, ids)
            docs = attached.documents_for(store, ids)
            found = graph.entities(store, {*(x.target for x in links), *(d.target for d in docs), e.id})
            names = _Names(store, list(found.values()))
            items = [_resolution({"title": x.title, "source": x.source, "status": x.status or None,
                                  "priority": x.priority or None, "at": f"{x.path}:{x.line}",
                                  "implementedBy": _on(names, found, x.target), "id": x.id},
                                 x.resolution, x.candidates, x.confidence) for x in links]
            out = {"target": names.node(e), **_page_of("specs_for", items, offset, limit)}
            out["documents"] = [_resolution({"path": d.path, "mentions": _on(names, found, d.target), "id": d.id},
                                            d.resolution, d.candidates, d.confidence) for d in docs[:limit]]
            if len(docs) > limit:
                out["documentsNote"] = f"showing {limit} of {len(docs)} mentions; raise limit"
            return out
        return await access.answer(run)

    @server.tool(annotations=_READ_ONLY)
    async def tasks_for(
        target: Subject,
        status: Annotated[Literal["open", "in_progress", "done", "any"], Field(
            description="Tasks of this status only (default: any).")] = "any",
        limit: Limit = 20, offset: Offset = 0,
    ) -> CallToolResult:
        """The tasks about a symbol or file: TODO/FIXME/XXX/HACK comments in it and tasks linked to it."""
        def run(store: Store) -> dict[str, Any]:
            e = _subject(store, target)
            found_tasks = [t for t in attached.tasks_for(store, e, attached.covered(store, e))
                           if status == "any" or t.status == status]
            found = graph.entities(store, {e.id, *(i for t in found_tasks for i in t.targets)})
            names = _Names(store, list(found.values()))
            items = [{"title": t.title, "marker": t.kind, "status": t.status,
                      "at": f"{t.path}:{t.line}" if t.path else None, "origin": t.origin,
                      "about": [_on(names, found, i) for i in t.targets], "assignee": t.assignee or None,
                      "id": t.id} for t in found_tasks]
            return {"target": names.node(e), **_page_of("tasks_for", items, offset, limit)}
        return await access.answer(run)

    @server.tool(annotations=_READ_ONLY)
    async def findings_for(
        target: Subject,
        status: Annotated[Literal["open", "superseded", "any"], Field(description=(
            "open: from the latest report of each tool (default); superseded: replaced by a newer report."))] = "open",
        limit: Limit = 20, offset: Offset = 0,
    ) -> CallToolResult:
        """Scanner findings (imported SARIF reports) on a symbol or file, by place, with counts by severity."""
        def run(store: Store) -> dict[str, Any]:
            e = _subject(store, target)
            found_findings = attached.findings_for(store, attached.covered(store, e), "" if status == "any" else status)
            found = graph.entities(store, {e.id, *(f.target for f in found_findings)})
            names = _Names(store, list(found.values()))
            by_severity: dict[str, int] = {}
            for f in found_findings:
                by_severity[f.severity] = by_severity.get(f.severity, 0) + 1
            items = [{"rule": f.rule_id, "severity": f.severity, "message": f.message,
                      "at": f"{f.path}:{f.line}:{f.column}", "on": _on(names, found, f.target), "tool": f.tool,
                      "status": f.status, "id": f.id} for f in found_findings]
            return {"target": names.node(e), "bySeverity": dict(sorted(by_severity.items())),
                    **_page_of("findings_for", items, offset, limit)}
        return await access.answer(run)

    @server.tool(annotations=_READ_ONLY)
    async def compliance_status(
        project: Annotated[str, Field(min_length=1, max_length=500, description=(
            "A project name (or proj:<name>); project_overview lists them."))],
        rule: Annotated[str | None, Field(max_length=500, description=(
            "One rule only, as named in the answer (policy/rule, e.g. quality/no-pickle); to page its "
            "violations."))] = None,
        limit: Annotated[int, Field(ge=1, le=200, description="Violations shown per check (1–200).")] = 20,
        offset: Annotated[int, Field(ge=0, description="Violations to skip, with rule (the check's `next` hint).")] = 0,
    ) -> CallToolResult:
        """A project's compliance: the latest pass / warn / fail of each policy rule with the entities that
        violate it, and its signed attestations."""
        def run(store: Store) -> dict[str, Any]:
            return _compliance(store, project, rule, limit, offset)
        return await access.answer(run)


def _rule(rule: str) -> str:
    return rule.removeprefix("rule:")


def _compliance(store: Store, project: str, rule: str | None = None, limit: int = 20, offset: int = 0) -> dict[str, Any]:
    status = attached.compliance_status(store, project)
    checks = list(status.checks)
    if rule:
        checks = [c for c in checks if _rule(c.rule) == _rule(rule)]
        if not checks:
            known = ", ".join(_rule(c.rule) for c in status.checks) or "none: no check has run"
            raise NotFound(f"no check of rule '{rule}' in {status.project}", suggestion=f"rules: {known}")
    elif offset:
        raise QueryError("offset pages the violations of one rule", suggestion="pass rule as well")
    found = graph.entities(store, {i for c in checks for i, _ in c.violations[offset:offset + limit]})
    names = _Names(store, list(found.values()))
    summary = {"pass": 0, "warn": 0, "fail": 0}
    for c in status.checks:
        summary[c.status] = summary.get(c.status, 0) + 1
    out_checks = []
    for c in checks:
        shown = []
        for i, message in c.violations[offset:offset + limit]:
            e = found.get(i)
            shown.append({**(names.node(e) if e is not None else {"id": i}), "message": message})
        d: dict[str, Any] = {"rule": _rule(c.rule), "status": c.status, "evaluated": c.evaluated, "checkedAt": c.checked_at,
                             "violationCount": len(c.violations), "violations": shown}
        if offset + limit < len(c.violations):
            d["next"] = f"call compliance_status with rule={_rule(c.rule)!r} and offset={offset + limit}"
        out_checks.append(d)
    out: dict[str, Any] = {"project": status.project.removeprefix("proj:"), "summary": summary, "checks": out_checks,
                           "attestations": [{"status": a.status, "summary": a.summary, "createdAt": a.created_at,
                                             "expiresAt": a.expires_at, "keyId": a.key_id, "id": a.id}
                                            for a in status.attestations]}
    if not status.checks:
        out["note"] = (f"no compliance check has run on this project: run `graph check --project "
                       f"{out['project']}` (policies/*.yaml in its repos)")
    return out


def _resources(server: FastMCP, access: _Access) -> None:
    @server.resource("graph://schema", name="schema", mime_type="application/json",
                     description="Node labels and properties, edge types, the id grammar and resolutions.")
    def schema() -> str:
        return json.dumps(_schema(), indent=1)

    @server.resource("graph://projects", name="projects", mime_type="application/json",
                     description="The indexed projects; read graph://projects/{name} for one.")
    async def projects() -> str:
        def run(store: Store) -> list[str]:
            return [p.name for p in graph.projects(store, graph.Window(offset=0, limit=graph.MAX_PAGE)).items]
        return json.dumps(await anyio.to_thread.run_sync(access._call, run))

    @server.resource("graph://projects/{name}", name="project", mime_type="application/json",
                     description="A project's summary: repos, languages, sizes, entry points, most-depended-on.")
    async def project_summary(name: str) -> str:
        return json.dumps(await anyio.to_thread.run_sync(access._call, lambda store: _overview(store, name)))

    @server.resource("graph://projects/{name}/compliance", name="project-compliance", mime_type="application/json",
                     description="A project's compliance: each rule's latest pass / warn / fail with its first "
                                 "violations, and its attestations (the compliance_status tool pages them).")
    async def project_compliance(name: str) -> str:
        return json.dumps(await anyio.to_thread.run_sync(access._call, lambda store: _compliance(store, name)))


def run(settings: Settings, *, http: bool = False, port: int = 8000) -> None:
    """Serve until stdin closes (stdio) or the process is stopped (HTTP)."""
    try:
        open_store(settings, read_only=True).close()
    except StoreMissing as exc:  # start anyway: an agent's server may start before the first ingest
        log.warning("%s", exc.line())
    server = create_server(settings, port=port)
    try:
        server.run("streamable-http" if http else "stdio")
    finally:
        server._graph_access.close()  # type: ignore[attr-defined]
