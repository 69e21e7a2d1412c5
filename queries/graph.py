"""The read layer: questions about the graph, answered from a ``Store`` through the named queries.

The GraphQL API, the editor endpoints and ``graph query`` all ask here, so they answer alike.
Every function takes an open store and returns frozen dataclasses; none builds Cypher.

Example::

    with open_store(settings, read_only=True) as store:
        page = callers(store, "sym:repo:shop/shop:shop/models.py#Base.save", window())
        for ref in page.items:
            print(ref.file.path if ref.file else "-", ref.line, ref.source.id, ref.resolution)

Answers are bounded: a page holds at most ``MAX_PAGE`` items, a traversal goes at most
``MAX_DEPTH`` hops, a graph holds at most ``MAX_GRAPH_NODES`` nodes (``truncated`` says when
more qualified). Asking past a bound raises ``LimitExceeded``; an unknown id, file or position
raises ``NotFound``. Every edge carries its ``resolution`` (and ``candidates``/``confidence``
when ``heuristic``), so a client can tell a proven edge from a guess.
"""

from __future__ import annotations

import dataclasses
import threading
import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

from graphsvc.errors import LimitExceeded, NotFound, QueryError
from graphsvc.model import file_id, repo_id, split_file_id, split_symbol_id, symbol_id
from graphsvc.store.base import Store

__all__ = [
    "DEFAULT_GRAPH_NODES",
    "DEFAULT_PAGE",
    "DEPENDENCY_TYPES",
    "MAX_DEPTH",
    "MAX_GRAPH_NODES",
    "MAX_PAGE",
    "OVERLAY_TYPES",
    "Definition",
    "Direction",
    "Entity",
    "ExternalInfo",
    "FileInfo",
    "Graph",
    "GraphEdge",
    "GraphFilters",
    "GraphNode",
    "Impact",
    "ImpactEntry",
    "ImpactGroup",
    "Page",
    "ProjectInfo",
    "Reference",
    "RepoInfo",
    "SymbolInfo",
    "Window",
    "as_data",
    "callees",
    "caller_counts",
    "callers",
    "definition",
    "dependencies",
    "entities",
    "entity",
    "file",
    "file_symbols",
    "hop_rows",
    "impact",
    "implementations",
    "members",
    "overridden",
    "normalize_repo",
    "project",
    "project_graph",
    "projects",
    "reference_counts",
    "references",
    "repo_roots",
    "subtypes",
    "supertypes",
    "symbol",
    "symbol_at",
    "window",
]

DEFAULT_PAGE = 50
MAX_PAGE = 500
MAX_DEPTH = 5
DEFAULT_GRAPH_NODES = 500
MAX_GRAPH_NODES = 5000
# Dependency edge types a traversal follows; structural edges (HAS_REPO, CONTAINS, DEFINES) are not dependencies.
DEPENDENCY_TYPES = ("CALLS", "USES", "EXTENDS", "IMPLEMENTS", "IMPORTS")
STRUCTURAL_TYPES = ("HAS_REPO", "CONTAINS", "DEFINES")
# Spec items, tasks, audits and compliance in a project graph (docs/decisions/0008).
OVERLAY_TYPES = ("DECLARES", "HAS_TASK", "AUDITS", "HAS_FINDING", "CHECKS", "ATTESTS", "IMPLEMENTED_BY", "TESTS",
                 "DOCUMENTS", "FOUND_IN")

Direction = Literal["OUTGOING", "INCOMING", "BOTH"]
T = TypeVar("T")


# ---------------------------------------------------------------------------
# Answers


@dataclass(frozen=True, slots=True)
class ProjectInfo:
    """A project."""

    id: str
    name: str


@dataclass(frozen=True, slots=True)
class RepoInfo:
    """A repo of a project with its file and symbol counts."""

    id: str
    name: str
    head_commit: str | None
    state: str | None
    last_indexed_at: str | None
    files: int
    symbols: int


@dataclass(frozen=True, slots=True)
class FileInfo:
    """An indexed file; ``path`` is POSIX, relative to its repo's root."""

    id: str
    repo: str
    path: str
    lang: str | None = None
    module: str | None = None
    loc: int | None = None
    size: int | None = None
    hash: str | None = None
    parse_errors: int | None = None

    @property
    def label(self) -> str:
        """The node label."""
        return "File"

    @property
    def name(self) -> str:
        """The file name, without its directory."""
        return self.path.rsplit("/", 1)[-1]


@dataclass(frozen=True, slots=True)
class SymbolInfo:
    """A symbol; ``line`` (1-based) and ``column`` (0-based bytes) are where its name stands."""

    id: str
    name: str
    qualified_name: str
    kind: str
    signature: str | None
    doc: str | None
    line: int
    column: int
    range_start: str
    range_end: str
    exported: bool | None
    lang: str | None
    file_id: str
    repo: str | None
    path: str | None

    @property
    def label(self) -> str:
        """The node label."""
        return "Symbol"


@dataclass(frozen=True, slots=True)
class ExternalInfo:
    """A module or name outside the indexed repos; ``module`` is empty for an unresolved placeholder."""

    id: str
    name: str
    module: str | None
    lang: str | None

    @property
    def label(self) -> str:
        """The node label."""
        return "External"


Entity = SymbolInfo | FileInfo | ExternalInfo


@dataclass(frozen=True, slots=True)
class Reference:
    """A dependency edge with both ends: ``source`` refers to ``target`` at ``line``/``column`` of ``file``."""

    type: str
    source: Entity
    target: Entity
    line: int | None
    column: int | None
    resolution: str | None
    candidates: int | None
    confidence: float | None
    alias: str | None
    file: FileInfo | None


@dataclass(frozen=True, slots=True)
class Window:
    """Which slice of a list to answer: ``offset`` items skipped, at most ``limit`` returned."""

    offset: int = 0
    limit: int = DEFAULT_PAGE


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One slice of a list; ``has_more`` says whether items follow it."""

    items: tuple[T, ...]
    offset: int
    limit: int
    has_more: bool


@dataclass(frozen=True, slots=True)
class Definition:
    """What is under a position: the reference there (if any) and the entity it leads to."""

    target: Entity
    reference: Reference | None


@dataclass(frozen=True, slots=True)
class GraphNode:
    """A node of a graph answer, flat so that any client can draw it; ``depth`` is its distance from the root."""

    id: str
    label: str
    name: str
    kind: str | None = None
    repo: str | None = None
    path: str | None = None
    lang: str | None = None
    line: int | None = None
    depth: int | None = None


@dataclass(frozen=True, slots=True)
class GraphEdge:
    """An edge of a graph answer, between node ids. Structural edges carry no position or resolution."""

    type: str
    source: str
    target: str
    line: int | None = None
    column: int | None = None
    resolution: str | None = None
    candidates: int | None = None
    confidence: float | None = None


@dataclass(frozen=True, slots=True)
class Graph:
    """Nodes and the edges between them; ``truncated`` when the size bound left nodes out."""

    nodes: tuple[GraphNode, ...]
    edges: tuple[GraphEdge, ...]
    truncated: bool


@dataclass(frozen=True, slots=True)
class GraphFilters:
    """What a project graph keeps: files of a language and under a path prefix, symbols of some kinds, edge types."""

    language: str | None = None
    path_prefix: str | None = None
    kinds: tuple[str, ...] | None = None
    edge_types: tuple[str, ...] | None = None
    include_external: bool = False


@dataclass(frozen=True, slots=True)
class ImpactEntry:
    """A dependent: ``depth`` hops from the changed symbol, ``resolution`` the weakest edge on the way."""

    entity: Entity
    depth: int
    resolution: str


@dataclass(frozen=True, slots=True)
class ImpactGroup:
    """The dependents in one file."""

    file: FileInfo
    entries: tuple[ImpactEntry, ...]


@dataclass(frozen=True, slots=True)
class Impact:
    """What may break when a symbol changes: its transitive dependents, grouped by file."""

    root: Entity
    depth: int
    groups: tuple[ImpactGroup, ...]
    truncated: bool


# ---------------------------------------------------------------------------
# Bounds and input


def window(limit: int | None = None, offset: int | None = None) -> Window:
    """A validated page request.

    Raises:
        LimitExceeded: ``limit`` is over ``MAX_PAGE``.
        QueryError: ``limit`` below 1 or ``offset`` below 0.
    """
    limit = DEFAULT_PAGE if limit is None else limit
    offset = 0 if offset is None else offset
    if limit > MAX_PAGE:
        raise LimitExceeded(f"limit {limit} is over the maximum page size {MAX_PAGE}",
                            suggestion=f"ask for at most {MAX_PAGE} and page on with offset")
    if limit < 1:
        raise QueryError(f"limit must be at least 1, got {limit}")
    if offset < 0:
        raise QueryError(f"offset must be 0 or more, got {offset}")
    return Window(offset=offset, limit=limit)


def _depth(depth: int) -> int:
    if depth > MAX_DEPTH:
        raise LimitExceeded(f"depth {depth} is over the maximum {MAX_DEPTH}",
                            suggestion=f"ask for at most {MAX_DEPTH} hops, then continue from the nodes found")
    if depth < 1:
        raise QueryError(f"depth must be at least 1, got {depth}")
    return depth


def _max_nodes(max_nodes: int | None) -> int:
    n = DEFAULT_GRAPH_NODES if max_nodes is None else max_nodes
    if n > MAX_GRAPH_NODES:
        raise LimitExceeded(f"maxNodes {n} is over the maximum {MAX_GRAPH_NODES}",
                            suggestion="narrow the graph with filters or a smaller depth")
    if n < 1:
        raise QueryError(f"maxNodes must be at least 1, got {n}")
    return n


def _types(types: Iterable[str] | None, known: Sequence[str]) -> tuple[str, ...]:
    if types is None:
        return tuple(known)
    chosen = tuple(dict.fromkeys(t.upper() for t in types))
    unknown = [t for t in chosen if t not in known]
    if unknown:
        raise QueryError(f"unknown edge type '{unknown[0]}'", suggestion="known: " + ", ".join(known))
    return chosen


def normalize_repo(repo: str) -> str:
    """A repo id from ``repo:<project>/<name>`` or the shorter ``<project>/<name>``."""
    if repo.startswith("repo:"):
        return repo
    project_name, sep, name = repo.partition("/")
    if not sep or not project_name or not name:
        raise QueryError(f"'{repo}' is not a repo", suggestion="write it as repo:<project>/<name> or <project>/<name>")
    return repo_id(project_name, name)


# ---------------------------------------------------------------------------
# Nodes


def _kind_of(node_id: str) -> str:
    # The id grammar (graphsvc/model.py) names the label in the prefix.
    return {"sym": "Symbol", "file": "File", "ext": "External", "repo": "Repo", "proj": "Project"}.get(
        node_id.partition(":")[0], "")


def _file_rows(store: Store, ids: Iterable[str]) -> dict[str, FileInfo]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    return {r["id"]: FileInfo(id=r["id"], repo=r["repo"], path=r["path"], lang=r["lang"], module=r["module"],
                              loc=r["loc"], size=r["size"], hash=r["hash"], parse_errors=r["parseErrors"])
            for r in store.read("files", ids=wanted)}


def _symbol_info(row: dict[str, Any], files: dict[str, FileInfo]) -> SymbolInfo:
    split = split_symbol_id(row["id"])
    fid = split[0] if split else ""
    f = files.get(fid)
    return SymbolInfo(id=row["id"], name=row["name"], qualified_name=row["qualifiedName"], kind=row["kind"],
                      signature=row["signature"], doc=row["doc"], line=row["line"], column=row["column"],
                      range_start=row["rangeStart"], range_end=row["rangeEnd"], exported=row["exported"],
                      lang=row["lang"], file_id=fid, repo=f.repo if f else None, path=f.path if f else None)


def entities(store: Store, ids: Iterable[str]) -> dict[str, Entity]:
    """Symbols, files and externals by id, in three batched lookups; unknown ids are left out."""
    by_kind: dict[str, list[str]] = {}
    for i in set(ids):
        by_kind.setdefault(_kind_of(i), []).append(i)
    out: dict[str, Entity] = {}
    sym_rows = store.read("symbols", ids=sorted(by_kind["Symbol"])) if by_kind.get("Symbol") else []
    owner_ids = [s[0] for s in (split_symbol_id(r["id"]) for r in sym_rows) if s]
    files = _file_rows(store, [*by_kind.get("File", []), *owner_ids])
    out.update({i: f for i, f in files.items() if i in by_kind.get("File", [])})
    for row in sym_rows:
        out[row["id"]] = _symbol_info(row, files)
    if by_kind.get("External"):
        for r in store.read("externals", ids=sorted(by_kind["External"])):
            out[r["id"]] = ExternalInfo(id=r["id"], name=r["name"], module=r["module"], lang=r["lang"])
    return out


def entity(store: Store, node_id: str) -> Entity:
    """One symbol, file or external by id.

    Raises:
        NotFound: no such node.
    """
    found = entities(store, [node_id]).get(node_id)
    if found is None:
        raise NotFound(f"no symbol, file or external with id '{node_id}'",
                       suggestion="ids look like sym:repo:<project>/<repo>:<path>#<name>; find one with search")
    return found


def symbol(store: Store, symbol_id_: str) -> SymbolInfo:
    """One symbol by id.

    Raises:
        NotFound: no such symbol.
    """
    found = entity(store, symbol_id_) if symbol_id_.startswith("sym:") else None
    if not isinstance(found, SymbolInfo):
        raise NotFound(f"no symbol with id '{symbol_id_}'",
                       suggestion="symbol ids look like sym:repo:<project>/<repo>:<path>#<name>; find one with search")
    return found


def projects(store: Store, win: Window) -> Page[ProjectInfo]:
    """One page of projects, by id."""
    rows = store.read("projects", offset=win.offset, limit=win.limit + 1)
    return _page([ProjectInfo(id=r["id"], name=r["name"]) for r in rows], win)


def project(store: Store, project_id: str) -> tuple[ProjectInfo, tuple[RepoInfo, ...]]:
    """A project with its repos and their file and symbol counts.

    Raises:
        NotFound: no such project.
    """
    rows = store.read("project", id=project_id)
    if not rows:
        raise NotFound(f"no project with id '{project_id}'", suggestion="list them with the projects query")
    repos = tuple(RepoInfo(id=r["id"], name=r["name"], head_commit=r["headCommit"] or None, state=r["state"],
                           last_indexed_at=r["lastIndexedAt"], files=r["files"], symbols=r["symbols"])
                  for r in store.read("project_repos", id=project_id))
    return ProjectInfo(id=rows[0]["id"], name=rows[0]["name"]), repos


def file(store: Store, repo: str, path: str) -> FileInfo:
    """A file by repo and path.

    Raises:
        NotFound: the repo holds no such file.
    """
    rid = normalize_repo(repo)
    fid = file_id(rid, path)
    found = _file_rows(store, [fid]).get(fid)
    if found is None:
        raise _no_file(rid, path)
    return found


def _no_file(rid: str, path: str) -> NotFound:
    return NotFound(f"no file '{path}' in {rid}",
                    suggestion="give the path relative to the repo root, as indexed (graph status lists repos)")


# How deep file_symbols.ladybug.cypher walks a file's DEFINES tree.
FILE_TREE_DEPTH = 20


def _file_symbol_rows(store: Store, f: FileInfo, prefix: str) -> list[dict[str, Any]]:
    # The stores find a file's symbols differently (see file_symbols*.cypher): by id prefix, or by
    # walking the file's DEFINES tree; either way only the ids under ``prefix`` are kept.
    rows = store.read("file_symbols", prefix=prefix, file=f.id)
    if any((r.get("depth") or 0) >= FILE_TREE_DEPTH for r in rows):
        rows = store.read("symbols_with_prefix", prefix=prefix)  # nested deeper than the walk goes
    return [r for r in rows if r["id"].startswith(prefix)]


def file_symbols(store: Store, f: FileInfo) -> tuple[SymbolInfo, ...]:
    """The symbols a file defines, in source order."""
    rows = _file_symbol_rows(store, f, symbol_id(f.repo, f.path, ""))
    files = {f.id: f}
    syms = [_symbol_info(r, files) for r in rows]
    return tuple(sorted((s for s in syms if s.file_id == f.id), key=lambda s: (_pos(s.range_start), s.id)))


# ---------------------------------------------------------------------------
# Positions


def _pos(text: str | None) -> tuple[int, int]:
    line, _, col = (text or "0:0").partition(":")
    return int(line), int(col or 0)


def symbol_at(store: Store, repo: str, path: str, line: int, column: int) -> SymbolInfo:
    """The innermost symbol whose range contains a position (1-based line, 0-based byte column).

    Raises:
        NotFound: no such file, or no symbol there.
    """
    return _symbol_at(store, file(store, repo, path), line, column)


def _symbol_at(store: Store, f: FileInfo, line: int, column: int) -> SymbolInfo:
    pos = (line, column)
    containing = [s for s in file_symbols(store, f)
                  if s.kind == "Module" or _pos(s.range_start) <= pos < _pos(s.range_end)]
    if not containing:
        raise NotFound(f"no symbol at {f.path}:{line}:{column} in {f.repo}")
    # Innermost: the latest start; among equal starts, the earliest end.
    return max(containing, key=lambda s: (_pos(s.range_start), tuple(-x for x in _pos(s.range_end))))


def _token_length(row: dict[str, Any]) -> int:
    name = row["dstName"] or ""
    module = row["dstModule"] or ""
    if row["type"] == "IMPORTS":
        if _kind_of(row["dst"]) == "File":
            return len(module.rsplit(".", 1)[-1]) or 1
        return len(f"{module}.{name}" if module and name else module or name) or 1
    return len(name) or 1


def definition(store: Store, repo: str, path: str, line: int, column: int) -> Definition:
    """What the name at a position refers to: the target of the reference there, else the symbol defined there.

    The file, the edges on the line and their ends come in one statement (definition_at.cypher): every
    editor request starts here.

    Raises:
        NotFound: no such file, or neither a reference nor a definition's name there.
    """
    rid = normalize_repo(repo)
    rows = store.read("definition_at", file=file_id(rid, path), prefix=symbol_id(rid, path, ""), line=line)
    head = next((r for r in rows if r["part"] == 0), None)
    if head is None:
        raise _no_file(rid, path)
    f = _file_info(head["src"], _columns(head, "dst"), head["dstRepo"])
    deep = bool(head["deep"])  # a DEFINES tree deeper than the statement walks: the edges by id prefix
    edges = store.read("refs_at", prefix=symbol_id(f.repo, f.path, ""), file=f.id, line=line) if deep else [
        r for r in rows if r["part"] != 0]
    hits = [r for r in edges if _owner_file(r["src"]) == f.id and r["column"] is not None
            and r["column"] <= column < r["column"] + _token_length(r)]
    if hits:
        row = max(hits, key=lambda r: (r["column"], r["dst"]))
        ref = _references(store, [row])[0] if deep else _reference_on(store, f, row)
        return Definition(target=ref.target, reference=ref)
    here = _symbol_at(store, f, line, column)
    if here.line == line and here.column <= column < here.column + len(here.name):
        return Definition(target=here, reference=None)
    raise NotFound(f"no reference or definition at {path}:{line}:{column} in {f.repo}",
                   suggestion="put the position on a name: line 1-based, column 0-based")


def _columns(row: dict[str, Any], prefix: str) -> dict[str, Any]:
    """One end's fields of a definition_at.cypher row, named as symbols.cypher and files.cypher name them."""
    n = len(prefix)
    out = {k[n].lower() + k[n + 1:]: v for k, v in row.items() if k.startswith(prefix) and len(k) > n}
    out["id"] = row[prefix]
    return out


def _file_info(fid: str, row: dict[str, Any], repo: str | None) -> FileInfo:
    return FileInfo(id=fid, repo=repo or "", path=row["path"], lang=row["lang"], module=row["module"],
                    loc=row["loc"], size=row["size"], hash=row["hash"], parse_errors=row["parseErrors"])


def _file_place(store: Store, fid: str) -> tuple[str, str] | None:
    """The repo and path of a file id: split from the id, else looked up (None: no such file)."""
    split = split_file_id(fid)
    if split is not None:
        return split
    found = _file_rows(store, [fid]).get(fid)
    return (found.repo, found.path) if found else None


def _reference_on(store: Store, f: FileInfo, row: dict[str, Any]) -> Reference:
    """The reference of a definition_at.cypher edge row of file ``f``, with both ends."""
    source: Entity = f if row["part"] == 2 else _symbol_info(_columns(row, "src"), {f.id: f})
    dst = _columns(row, "dst")
    target: Entity
    if _kind_of(dst["id"]) == "Symbol":
        owner = (split_symbol_id(dst["id"]) or ("", ""))[0]
        place = _file_place(store, owner)
        target = _symbol_info(dst, {owner: FileInfo(id=owner, repo=place[0], path=place[1])} if place else {})
    elif _kind_of(dst["id"]) == "File":
        target = _file_info(dst["id"], dst, (_file_place(store, dst["id"]) or ("", ""))[0])
    else:
        target = ExternalInfo(id=dst["id"], name=dst["name"], module=dst["module"], lang=dst["lang"])
    return Reference(type=row["type"], source=source, target=target, line=row["line"], column=row["column"],
                     resolution=row["resolution"], candidates=row["candidates"], confidence=row["confidence"],
                     alias=row["alias"], file=f)


def _owner_file(node_id: str) -> str | None:
    if _kind_of(node_id) == "File":
        return node_id
    split = split_symbol_id(node_id)
    return split[0] if split else None


# ---------------------------------------------------------------------------
# Edges


def _page(items: list[T], win: Window) -> Page[T]:
    return Page(items=tuple(items[:win.limit]), offset=win.offset, limit=win.limit, has_more=len(items) > win.limit)


def _references(store: Store, rows: list[dict[str, Any]]) -> list[Reference]:
    ids = {r["src"] for r in rows} | {r["dst"] for r in rows}
    ids |= {o for o in (_owner_file(r["src"]) for r in rows) if o}
    found = entities(store, ids)
    out = []
    for r in rows:
        src, dst = found.get(r["src"]), found.get(r["dst"])
        if src is None or dst is None:
            continue  # removed between the two reads
        owner = found.get(_owner_file(r["src"]) or "")
        out.append(Reference(type=r["type"], source=src, target=dst, line=r["line"], column=r["column"],
                             resolution=r["resolution"], candidates=r["candidates"], confidence=r["confidence"],
                             alias=r["alias"], file=owner if isinstance(owner, FileInfo) else None))
    return out


def _edge_page(store: Store, query: str, node_id: str, win: Window) -> Page[Reference]:
    entity(store, node_id)
    if query in ("callers", "references") and _kind_of(node_id) == "Symbol":
        query += "_symbol"  # anchored on one table (see callers_symbol.cypher)
    rows = store.read(query, id=node_id, offset=win.offset, limit=win.limit + 1)
    page = _page(rows, win)
    return Page(items=tuple(_references(store, list(page.items))), offset=page.offset, limit=page.limit,
                has_more=page.has_more)


def callers(store: Store, node_id: str, win: Window) -> Page[Reference]:
    """One page of the calls into a symbol or external name, by caller.

    Raises:
        NotFound: no such node.
    """
    return _edge_page(store, "callers", node_id, win)


def callees(store: Store, node_id: str, win: Window) -> Page[Reference]:
    """One page of the calls a symbol makes, in source order.

    Raises:
        NotFound: no such node.
    """
    return _edge_page(store, "callees", node_id, win)


def references(store: Store, node_id: str, win: Window) -> Page[Reference]:
    """One page of every call, use, base and import of a symbol, file or external, by referrer.

    Raises:
        NotFound: no such node.
    """
    return _edge_page(store, "references", node_id, win)


# ---------------------------------------------------------------------------
# Counts, type hierarchies and members

# A hierarchy walk stops after this many types (a Django base class has hundreds of subclasses).
MAX_HIERARCHY = 1000


def _counts(store: Store, query: str, ids: Iterable[str]) -> dict[str, int]:
    wanted = sorted(set(ids))
    return {r["id"]: int(r["n"]) for r in store.read(query, ids=wanted)} if wanted else {}


def caller_counts(store: Store, ids: Iterable[str]) -> dict[str, int]:
    """How many calls reach each symbol or external; unknown ids are left out."""
    return _counts(store, "caller_counts", ids)


def reference_counts(store: Store, ids: Iterable[str]) -> dict[str, int]:
    """How many calls, uses, bases, implementations and imports reach each node; unknown ids are left out."""
    return _counts(store, "reference_counts", ids)


def supertypes(store: Store, node_id: str) -> list[Reference]:
    """The EXTENDS and IMPLEMENTS edges out of a type, in source order."""
    rows = sorted(store.read("supertypes", ids=[node_id]), key=lambda r: (r["line"] or 0, r["column"] or 0, r["dst"]))
    return _references(store, rows)


def subtypes(store: Store, node_id: str) -> list[Reference]:
    """The EXTENDS and IMPLEMENTS edges into a type (symbol or external), by subtype."""
    rows = sorted(store.read("subtypes", ids=[node_id]), key=lambda r: (r["src"], r["line"] or 0))
    return _references(store, rows)


def _closure(store: Store, root: str, query: str, end: str) -> list[str]:
    """Type ids reachable from ``root`` through ``query`` hops, nearest first (``root`` excluded)."""
    seen = {root}
    order: list[str] = []
    frontier = [root]
    while frontier and len(order) < MAX_HIERARCHY:
        rows = store.read(query, ids=frontier)
        nxt = sorted({r[end] for r in rows} - seen)
        seen.update(nxt)
        order += nxt
        frontier = [i for i in nxt if _kind_of(i) == "Symbol"]
    return order[:MAX_HIERARCHY]


def members(store: Store, owner: SymbolInfo, name: str | None = None) -> tuple[SymbolInfo, ...]:
    """The symbols an entity defines directly (a class's methods and fields), optionally of one name."""
    if owner.repo is None or owner.path is None:
        return ()
    split = split_symbol_id(owner.id)
    fragment = split[1] if split else owner.qualified_name
    f = FileInfo(id=owner.file_id, repo=owner.repo, path=owner.path)
    prefix = symbol_id(owner.repo, owner.path, fragment + ".") if fragment else symbol_id(owner.repo, owner.path, "")
    rows = _file_symbol_rows(store, f, prefix)
    out = []
    for r in rows:
        s = _symbol_info(r, {f.id: f})
        rest = (split_symbol_id(s.id) or ("", ""))[1][len(fragment) + 1 if fragment else 0:]
        if s.file_id == f.id and rest and "." not in rest and (name is None or s.name == name):
            out.append(s)
    return tuple(sorted(out, key=lambda s: (_pos(s.range_start), s.id)))


def _owner(store: Store, sym: SymbolInfo) -> SymbolInfo | None:
    split = split_symbol_id(sym.id)
    if split is None or sym.repo is None or sym.path is None:
        return None
    parent = _parent_fragment(split[1])
    if not parent:
        return None
    found = entities(store, [symbol_id(sym.repo, sym.path, parent)])
    owner = next(iter(found.values()), None)
    return owner if isinstance(owner, SymbolInfo) else None


def _related_members(store: Store, sym: SymbolInfo, query: str, end: str) -> list[SymbolInfo]:
    owner = _owner(store, sym)
    if owner is None:
        return []
    ids = _closure(store, owner.id, query, end)
    types = entities(store, ids)
    out: list[SymbolInfo] = []
    for i in ids:
        t = types.get(i)
        if isinstance(t, SymbolInfo):
            out += members(store, t, sym.name)
    return out


def implementations(store: Store, node_id: str) -> list[SymbolInfo]:
    """What implements a type or member: every subtype of a type (transitively, nearest first); for a
    member of a type, the same-named members of its subtypes (overriding methods).

    Raises:
        NotFound: no such node.
    """
    found = entity(store, node_id)
    if isinstance(found, SymbolInfo) and _owner(store, found) is not None and found.kind not in _TYPE_KINDS:
        return _related_members(store, found, "subtypes", "src")
    ids = _closure(store, found.id, "subtypes", "src")
    subs = entities(store, ids)
    return [s for s in (subs.get(i) for i in ids) if isinstance(s, SymbolInfo)]


def overridden(store: Store, node_id: str) -> list[SymbolInfo]:
    """The members a member overrides: same-named members of its owner's supertypes, nearest first.

    Raises:
        NotFound: no such node.
    """
    found = entity(store, node_id)
    if not isinstance(found, SymbolInfo) or found.kind in _TYPE_KINDS:
        return []
    return _related_members(store, found, "supertypes", "dst")


# Kinds that are types: their members are not "overriding" anything, their subtypes implement them.
_TYPE_KINDS = frozenset({"Class", "Interface", "Struct", "Trait", "Enum", "TypeAlias", "Type"})


def repo_roots(store: Store) -> dict[str, str]:
    """Every repo id with the absolute path it was indexed from."""
    return {r["repo"]: r["root"] or "" for r in store.read("status_repos")}


# ---------------------------------------------------------------------------
# Traversals


@dataclass
class _Walk:
    """The state of a breadth-first traversal."""

    depth_of: dict[str, int]
    weakest: dict[str, str]
    edges: dict[tuple[Any, ...], dict[str, Any]] = field(default_factory=dict)
    truncated: bool = False


_STRENGTH = {"exact": 0, "heuristic": 1, "unresolved": 2}


# Up to this many ids a hop asks the `<query>_few` variant, which looks each id up by key and
# follows its edges from there (deps_out_few.cypher); beyond it, the batch form's scan of the edge
# tables is cheaper, as the rows grow with the ids. Measured on Django (LadybugDB 0.22): symbols
# have a few edges each, 2,000 ids take 20-90 ms against 75-250 ms scanned; files import a dozen
# modules and files and externals are imported often, so from about 500 ids the scan wins.
FEW = {"deps_out": 5000, "deps_in": 2000, "imports_out": 500, "deps_in_other": 500}


def hop_rows(store: Store, query: str, ids: list[str]) -> list[dict[str, Any]]:
    """The rows of a one-hop query (``deps_in``, ``deps_out``, ``deps_in_other``, ``imports_out``)."""
    if not ids:
        return []
    return store.read(f"{query}_few" if len(ids) <= FEW[query] else query, ids=ids)


def _hop(store: Store, frontier: list[str], outgoing: bool) -> list[dict[str, Any]]:
    syms = [i for i in frontier if _kind_of(i) == "Symbol"]
    others = [i for i in frontier if _kind_of(i) in ("File", "External")]
    if outgoing:
        files = [i for i in others if _kind_of(i) == "File"]
        return hop_rows(store, "deps_out", syms) + hop_rows(store, "imports_out", files)
    return hop_rows(store, "deps_in", syms) + hop_rows(store, "deps_in_other", others)


def _walk(store: Store, root: str, direction: Direction, depth: int, types: tuple[str, ...],
          max_nodes: int) -> _Walk:
    walk = _Walk(depth_of={root: 0}, weakest={root: "exact"})
    frontier = [root]
    for level in range(1, depth + 1):
        found: list[tuple[str, str, dict[str, Any]]] = []  # (from, to, row)
        if direction in ("OUTGOING", "BOTH"):
            found += [(r["src"], r["dst"], r) for r in _hop(store, frontier, outgoing=True)]
        if direction in ("INCOMING", "BOTH"):
            found += [(r["dst"], r["src"], r) for r in _hop(store, frontier, outgoing=False)]
        nxt: list[str] = []
        for came_from, reached, row in sorted(found, key=lambda f: (f[1], f[2]["type"], f[2]["line"] or 0,
                                                                       f[2]["column"] or 0)):
            if row["type"] not in types:
                continue
            if reached not in walk.depth_of:
                if len(walk.depth_of) >= max_nodes:
                    walk.truncated = True
                    continue
                walk.depth_of[reached] = level
                nxt.append(reached)
                via = row["resolution"] or "exact"
                prior = walk.weakest[came_from]
                walk.weakest[reached] = via if _STRENGTH.get(via, 2) > _STRENGTH.get(prior, 2) else prior
            key = (row["type"], row["src"], row["dst"], row["line"], row["column"])
            walk.edges[key] = row
        frontier = nxt
        if not frontier:
            break
    return walk


def _graph_node(e: Entity, depth: int | None) -> GraphNode:
    if isinstance(e, SymbolInfo):
        return GraphNode(id=e.id, label="Symbol", name=e.name, kind=e.kind, repo=e.repo, path=e.path, lang=e.lang,
                         line=e.line, depth=depth)
    if isinstance(e, FileInfo):
        return GraphNode(id=e.id, label="File", name=e.name, repo=e.repo, path=e.path, lang=e.lang, depth=depth)
    return GraphNode(id=e.id, label="External", name=e.name, lang=e.lang, depth=depth)


def _graph_nodes(store: Store, depth_of: Mapping[str, int | None]) -> dict[str, GraphNode]:
    """The nodes of a graph answer by id, each at its depth; unknown ids are left out.

    ``entities`` then ``_graph_node`` gives the same nodes, but reads every column of every symbol
    (doc and signature, several times the rest) and builds a full record of each: on a 2,000-node
    neighbourhood of Django that was a third of the server's time, for fields no graph answer sends.
    """
    by_kind: dict[str, list[str]] = {}
    for i in depth_of:
        by_kind.setdefault(_kind_of(i), []).append(i)
    sym_rows = store.read("symbol_nodes", ids=sorted(by_kind["Symbol"])) if by_kind.get("Symbol") else []
    owner = {r["id"]: s[0] for r in sym_rows if (s := split_symbol_id(r["id"]))}
    files = _file_rows(store, [*by_kind.get("File", []), *owner.values()])
    out: dict[str, GraphNode] = {}
    for i in by_kind.get("File", []):
        if (f := files.get(i)) is not None:
            out[i] = GraphNode(id=i, label="File", name=f.name, repo=f.repo, path=f.path, lang=f.lang, depth=depth_of[i])
    for r in sym_rows:
        f = files.get(owner.get(r["id"], ""))
        out[r["id"]] = GraphNode(id=r["id"], label="Symbol", name=r["name"], kind=r["kind"], repo=f.repo if f else None,
                                 path=f.path if f else None, lang=r["lang"], line=r["line"], depth=depth_of[r["id"]])
    if by_kind.get("External"):
        for r in store.read("externals", ids=sorted(by_kind["External"])):
            out[r["id"]] = GraphNode(id=r["id"], label="External", name=r["name"], lang=r["lang"],
                                     depth=depth_of[r["id"]])
    return out


def _graph_edge(row: dict[str, Any]) -> GraphEdge:
    return GraphEdge(type=row["type"], source=row["src"], target=row["dst"], line=row["line"], column=row["column"],
                     resolution=row["resolution"], candidates=row["candidates"], confidence=row["confidence"])


def dependencies(store: Store, node_id: str, direction: Direction = "OUTGOING", depth: int = 1,
                 types: Iterable[str] | None = None, max_nodes: int | None = None) -> Graph:
    """The dependency graph around a node: what it depends on (OUTGOING), what depends on it (INCOMING), or both.

    Raises:
        NotFound: no such node.
        LimitExceeded: ``depth`` over ``MAX_DEPTH`` or ``max_nodes`` over ``MAX_GRAPH_NODES``.
    """
    chosen = _types(types, DEPENDENCY_TYPES)
    walk = _walk(store, entity(store, node_id).id, direction, _depth(depth), chosen, _max_nodes(max_nodes))
    nodes = sorted(_graph_nodes(store, walk.depth_of).values(), key=lambda n: (n.depth or 0, n.id))
    kept = {n.id for n in nodes}
    edges = [_graph_edge(r) for r in walk.edges.values() if r["src"] in kept and r["dst"] in kept]
    edges.sort(key=lambda e: (e.type, e.source, e.target, e.line or 0, e.column or 0))
    return Graph(nodes=tuple(nodes), edges=tuple(edges), truncated=walk.truncated)


def impact(store: Store, node_id: str, depth: int = 3, max_nodes: int | None = None) -> Impact:
    """What may break when a node changes: everything that depends on it within ``depth`` hops, by file.

    Each dependent carries the weakest resolution on its way, so a dependent reached through a
    heuristic edge is labelled as a guess.

    Raises:
        NotFound: no such node.
        LimitExceeded: ``depth`` over ``MAX_DEPTH`` or ``max_nodes`` over ``MAX_GRAPH_NODES``.
    """
    root = entity(store, node_id)
    walk = _walk(store, root.id, "INCOMING", _depth(depth), DEPENDENCY_TYPES, _max_nodes(max_nodes))
    dependents = [i for i in walk.depth_of if i != root.id]
    found = entities(store, [*dependents, *(o for o in map(_owner_file, dependents) if o)])
    groups: dict[str, list[ImpactEntry]] = {}
    for i in dependents:
        e = found.get(i)
        owner = _owner_file(i)
        if e is None or owner is None:
            continue
        groups.setdefault(owner, []).append(ImpactEntry(entity=e, depth=walk.depth_of[i], resolution=walk.weakest[i]))
    out = []
    for owner, entries in groups.items():
        f = found.get(owner)
        if not isinstance(f, FileInfo):
            continue
        entries.sort(key=lambda x: (x.depth, getattr(x.entity, "line", 0) or 0, x.entity.id))
        out.append(ImpactGroup(file=f, entries=tuple(entries)))
    out.sort(key=lambda g: (min(x.depth for x in g.entries), g.file.repo, g.file.path))
    return Impact(root=root, depth=depth, groups=tuple(out), truncated=walk.truncated)


# ---------------------------------------------------------------------------
# The project graph


def _symbol_level(fragment: str) -> int:
    # Files are level 2; a module symbol and the file's top-level definitions are level 3,
    # members 4, and so on.
    return 3 + max(0, fragment.count(".") + (1 if fragment else 0) - 1)


def _parent_fragment(fragment: str) -> str | None:
    if not fragment:
        return None
    return fragment.rpartition(".")[0]


@dataclass
class _ProjectNodes:
    """The candidate nodes of a project graph, with what its structural edges need."""

    candidates: list[tuple[int, GraphNode]]
    files: dict[str, tuple[str, str]] = field(default_factory=dict)  # file id -> (repo id, path)
    parents: dict[str, str] = field(default_factory=dict)  # symbol id -> parent symbol or file id


def _project_files(store: Store, project_id: str, depth: int, flt: GraphFilters, nodes: _ProjectNodes) -> None:
    repos: set[str] = set()
    for r in store.read("project_files", id=project_id):
        if r["repo"] not in repos:
            repos.add(r["repo"])
            nodes.candidates.append((1, GraphNode(id=r["repo"], label="Repo", name=r["repoName"], repo=r["repo"],
                                                  depth=1)))
        if r["id"] is None or depth < 2 or (flt.language and r["lang"] != flt.language) or (
                flt.path_prefix and not r["path"].startswith(flt.path_prefix)):
            continue
        nodes.files[r["id"]] = (r["repo"], r["path"])
        nodes.candidates.append((2, GraphNode(id=r["id"], label="File", name=r["path"].rsplit("/", 1)[-1],
                                              repo=r["repo"], path=r["path"], lang=r["lang"], depth=2)))


def _project_symbols(store: Store, project_id: str, depth: int, flt: GraphFilters, nodes: _ProjectNodes) -> None:
    for s in store.read("project_symbols", id=project_id):
        split = split_symbol_id(s["id"])
        if split is None or split[0] not in nodes.files:
            continue
        level = _symbol_level(split[1])
        if level > depth or (flt.kinds and s["kind"] not in flt.kinds):
            continue
        repo, path = nodes.files[split[0]]
        parent_fragment = _parent_fragment(split[1])
        nodes.parents[s["id"]] = split[0] if parent_fragment is None else symbol_id(repo, path, parent_fragment)
        nodes.candidates.append((level, GraphNode(id=s["id"], label="Symbol", name=s["name"], kind=s["kind"],
                                                  repo=repo, path=path, lang=s["lang"], line=s["line"], depth=level)))


def _structural_edges(project_id: str, kept: dict[str, GraphNode], parents: dict[str, str],
                      types: tuple[str, ...]) -> list[GraphEdge]:
    edges = []
    for n in kept.values():
        if n.label == "Repo" and "HAS_REPO" in types:
            edges.append(GraphEdge(type="HAS_REPO", source=project_id, target=n.id))
        elif n.label == "File" and "CONTAINS" in types and n.repo in kept:
            edges.append(GraphEdge(type="CONTAINS", source=n.repo or "", target=n.id))
        elif n.label == "Symbol" and "DEFINES" in types and parents.get(n.id) in kept:
            edges.append(GraphEdge(type="DEFINES", source=parents[n.id], target=n.id))
    return edges


_GRAPHS_PER_HANDLE = 8  # the answers kept per read handle, the least recently asked going first
_graphs: weakref.WeakKeyDictionary[Store, dict[tuple[Any, ...], Graph]] = weakref.WeakKeyDictionary()
_graphs_lock = threading.Lock()


def project_graph(store: Store, project_id: str, depth: int = 3, filters: GraphFilters | None = None,
                  max_nodes: int | None = None) -> Graph:
    """A project as a graph: repos (depth 1), files (2), top-level symbols (3), members (4 and on).

    Structural edges (HAS_REPO, CONTAINS, DEFINES) and dependency edges between the kept nodes;
    External targets only with ``include_external``. Nodes are kept level by level, then by id,
    up to ``max_nodes``.

    A handle that is a snapshot (the embedded store opened read-only, as ``graph serve`` keeps it)
    cannot see a write, so its answers are kept with it, shared by its views (``origin``) and
    dropped with it when a writer retires it, like search's signature (docs/decisions/0015): a
    client redrawing a project graph asks the same question again and again.

    Raises:
        NotFound: no such project.
        LimitExceeded: ``depth`` over ``MAX_DEPTH + 1`` or ``max_nodes`` over ``MAX_GRAPH_NODES``.
    """
    if not getattr(store, "snapshot", False):
        return _project_graph(store, project_id, depth, filters or GraphFilters(), max_nodes)
    handle = getattr(store, "origin", store)
    key = (project_id, depth, filters or GraphFilters(), max_nodes)
    with _graphs_lock:
        kept = _graphs.setdefault(handle, {})
        hit = kept.pop(key, None)
        if hit is not None:
            kept[key] = hit  # now the most recently asked
            return hit
    answer = _project_graph(store, project_id, depth, key[2], max_nodes)
    with _graphs_lock:
        kept = _graphs.setdefault(handle, {})
        kept[key] = answer
        while len(kept) > _GRAPHS_PER_HANDLE:
            del kept[next(iter(kept))]
    return answer


def _project_graph(store: Store, project_id: str, depth: int, flt: GraphFilters, max_nodes: int | None) -> Graph:
    if depth > MAX_DEPTH + 1:
        raise LimitExceeded(f"depth {depth} is over the maximum {MAX_DEPTH + 1}")
    if depth < 0:
        raise QueryError(f"depth must be 0 or more, got {depth}")
    budget = _max_nodes(max_nodes)
    types = _types(flt.edge_types, (*STRUCTURAL_TYPES, *DEPENDENCY_TYPES, *OVERLAY_TYPES))
    found = store.read("project", id=project_id)  # not project(): the graph needs no repo counts
    if not found:
        raise NotFound(f"no project with id '{project_id}'", suggestion="list them with the projects query")
    proj = ProjectInfo(id=found[0]["id"], name=found[0]["name"])
    nodes = _ProjectNodes(candidates=[(0, GraphNode(id=proj.id, label="Project", name=proj.name, depth=0))])
    if depth >= 1:
        _project_files(store, project_id, depth, flt, nodes)
    # Nodes are kept level by level: when the levels above fill the budget, no symbol would be kept.
    truncated = depth >= 3 and len(nodes.candidates) >= budget and bool(nodes.files)
    if depth >= 3 and not truncated:
        _project_symbols(store, project_id, depth, flt, nodes)
    nodes.candidates.sort(key=lambda c: (c[0], c[1].id))
    kept = {n.id: n for _, n in nodes.candidates[:budget]}
    truncated = truncated or len(nodes.candidates) > budget
    edges = _structural_edges(proj.id, kept, nodes.parents, types)
    # Only the kept nodes' edges: the whole project's can be hundreds of thousands.
    dep_rows: list[dict[str, Any]] = []
    kept_symbols = [i for i, n in kept.items() if n.label == "Symbol"]
    kept_files = [i for i, n in kept.items() if n.label == "File"]
    if kept_symbols and any(t in types for t in ("CALLS", "USES", "EXTENDS", "IMPLEMENTS")):
        dep_rows += hop_rows(store, "deps_out", kept_symbols)
    if kept_files and "IMPORTS" in types:
        dep_rows += hop_rows(store, "imports_out", kept_files)
    externals: dict[str, GraphNode] = {}
    for r in dep_rows:
        if r["type"] not in types or r["src"] not in kept:
            continue
        if r["dst"] not in kept:
            if not (flt.include_external and _kind_of(r["dst"]) == "External"):
                continue
            if r["dst"] not in externals and len(kept) + len(externals) >= budget:
                truncated = True
                continue
            externals.setdefault(r["dst"], GraphNode(id=r["dst"], label="External", name=r["dst"]))
        edges.append(_graph_edge(r))
    for e in entities(store, externals).values():
        externals[e.id] = _graph_node(e, None)
    if depth >= 1 and any(t in types for t in OVERLAY_TYPES):
        truncated = _add_overlay(store, project_id, kept, edges, types, budget - len(externals)) or truncated
    edges.sort(key=lambda e: (e.type, e.source, e.target, e.line or 0, e.column or 0))
    return Graph(nodes=(*kept.values(), *sorted(externals.values(), key=lambda n: n.id)), edges=tuple(edges),
                 truncated=truncated)


_OVERLAY_PARENT_EDGE = {"SpecItem": "DECLARES", "Audit": "AUDITS", "Finding": "HAS_FINDING",
                        "ComplianceCheck": "CHECKS", "Attestation": "ATTESTS"}


def _add_overlay(store: Store, project_id: str, kept: dict[str, GraphNode], edges: list[GraphEdge],
                 types: Sequence[str], budget: int) -> bool:
    """Add the spec items, tasks, audits, findings, checks and attestations hanging off kept nodes."""
    from queries.specs import project_overlay

    overlay = project_overlay(store, project_id)
    truncated = False
    rows = sorted(overlay.nodes, key=lambda r: (r["label"] == "Finding", r["id"]))
    for r in rows:
        label = r["label"]
        etype = _OVERLAY_PARENT_EDGE.get(label) or ("HAS_TASK" if r["parent"] == project_id else "DECLARES")
        if r["parent"] not in kept or etype not in types:
            continue
        if len(kept) >= budget:
            truncated = True
            continue
        kept[r["id"]] = GraphNode(id=r["id"], label=label, name=str(r["name"] or ""), kind=r["kind"],
                                  path=r["path"] if label in ("SpecItem", "Task", "Finding") else None,
                                  line=r["line"] if label in ("SpecItem", "Task", "Finding") else None,
                                  depth=(kept[r["parent"]].depth or 0) + 1)
        src, dst = (r["id"], r["parent"]) if etype in ("AUDITS", "CHECKS", "ATTESTS") else (r["parent"], r["id"])
        edges.append(GraphEdge(type=etype, source=src, target=dst))
    for r in overlay.edges:
        if r["type"] in types and r["src"] in kept and r["dst"] in kept:
            edges.append(_graph_edge(r))
    return truncated


# ---------------------------------------------------------------------------
# Plain data


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)


def as_data(value: Any) -> Any:
    """An answer as JSON-ready data: objects with camelCase keys (as in GraphQL); entities also get ``label``."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {_camel(f.name): as_data(getattr(value, f.name)) for f in dataclasses.fields(value)}
        if isinstance(value, (SymbolInfo, FileInfo, ExternalInfo)):
            out["label"] = value.label
        if isinstance(value, FileInfo):
            out["name"] = value.name
        return out
    if isinstance(value, (list, tuple)):
        return [as_data(v) for v in value]
    return value
