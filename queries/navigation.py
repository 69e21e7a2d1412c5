"""Navigation for agents: names to symbols, implementations, the path from one node to another,
the tests that reach a node, and a project's overview.

Like ``queries.graph`` (whose answers and bounds these share), every function takes an open
store and answers from named queries; none builds Cypher.

Example::

    with open_store(settings, read_only=True) as store:
        [save] = symbols_named(store, "shop.models.Base.save")
        steps = dependency_path(store, "sym:repo:shop/shop:shop/orders.py#checkout", save.id)
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from graphsvc.errors import LimitExceeded, NotFound, QueryError
from graphsvc.model import split_symbol_id
from graphsvc.store.base import Store
from queries.graph import (
    MAX_DEPTH,
    Entity,
    FileInfo,
    Page,
    ProjectInfo,
    RepoInfo,
    SymbolInfo,
    Window,
    dependencies,
    entities,
    entity,
    hop_rows,
    project,
)

__all__ = [
    "Overview",
    "PathStep",
    "dependency_path",
    "full_name",
    "implementations",
    "is_test",
    "project_overview",
    "symbols_named",
]

# File names that start a program, by convention; an overview labels them as found by name.
_ENTRY_FILES = ("__main__.py", "main.py", "manage.py", "cli.py", "app.py", "wsgi.py", "asgi.py", "main.go",
                "Main.java", "main.rs", "index.ts", "index.js")
_STRENGTH = {"exact": 0, "heuristic": 1, "unresolved": 2}


def full_name(e: Entity, modules: dict[str, str | None]) -> str:
    """A symbol's dotted name with its module (``shop.models.Base.save``); a file's path; an external's id.

    ``modules`` maps file ids to their module names (``FileInfo.module``).
    """
    if isinstance(e, SymbolInfo):
        module = modules.get(e.file_id)
        if e.kind == "Module" or not module:
            return e.qualified_name
        return f"{module}.{e.qualified_name}"
    if isinstance(e, FileInfo):
        return e.path
    return e.id.removeprefix("ext:").split(":", 1)[-1]


def symbols_named(store: Store, name: str) -> list[SymbolInfo]:
    """The symbols a dotted name denotes: ``shop.models.Base.save`` or the module-relative ``Base.save``.

    Raises:
        QueryError: an empty name.
    """
    name = name.strip()
    if not name:
        raise QueryError("the name is empty", suggestion="give a qualified name such as shop.models.Base.save")
    ids = [r["id"] for r in store.read("symbols_named", short=name.rsplit(".", 1)[-1])]
    found = entities(store, ids)
    syms = [e for e in found.values() if isinstance(e, SymbolInfo)]
    files = entities(store, {s.file_id for s in syms})
    modules = {i: f.module for i, f in files.items() if isinstance(f, FileInfo)}
    return sorted((s for s in syms if name in (s.qualified_name, full_name(s, modules))), key=lambda s: s.id)


def is_test(e: Entity) -> bool:
    """A test: a symbol of kind ``Test``, or a function in a test file (``tests/``, ``test_*.py``, ``*_test.go``…)."""
    if not isinstance(e, SymbolInfo) or e.kind == "Module":
        return False
    if e.kind == "Test":
        return True
    path = e.path or ""
    base = path.rsplit("/", 1)[-1]
    in_tests = path.startswith(("tests/", "test/")) or "/tests/" in path or "/test/" in path
    named = base.startswith("test_") or base.split(".")[0].endswith(("_test", "Test", ".test", ".spec"))
    return (in_tests or named) and e.kind in ("Function", "Method", "Test")


def implementations(store: Store, node_id: str, win: Window) -> Page[SymbolInfo]:
    """One page of what implements a class or method: its subclasses (transitively), or the methods
    of the same name that override it in them; nearest first, then by id.

    Raises:
        NotFound: no such symbol.
        QueryError: the symbol is neither a class nor a method.
    """
    target = entity(store, node_id)
    if not isinstance(target, SymbolInfo) or target.kind not in ("Class", "Interface", "Trait", "Struct", "Method"):
        raise QueryError(f"'{node_id}' is not a class or a method",
                         suggestion="give the id or qualified name of a class, interface or method")
    owner, method = target.id, None
    if target.kind == "Method":
        owner, _, method = target.id.rpartition(".")
    subclasses = dependencies(store, owner, "INCOMING", MAX_DEPTH, ["EXTENDS", "IMPLEMENTS"], 5000)
    ranked = sorted(((n.depth or 0, n.id) for n in subclasses.nodes if n.id != owner and n.label == "Symbol"))
    ids = [i if method is None else f"{i}.{method}" for _, i in ranked]
    found = entities(store, ids)
    items = [e for e in (found.get(i) for i in ids) if isinstance(e, SymbolInfo)]
    window_items = items[win.offset:win.offset + win.limit]
    return Page(items=tuple(window_items), offset=win.offset, limit=win.limit,
                has_more=len(items) > win.offset + win.limit)


@dataclass(frozen=True, slots=True)
class PathStep:
    """One edge of a dependency path: ``source`` reaches ``target`` by ``type`` at ``line``/``column``."""

    type: str
    source: Entity
    target: Entity
    line: int | None
    column: int | None
    resolution: str


def _out(store: Store, frontier: list[str]) -> list[dict[str, Any]]:
    syms = [i for i in frontier if i.startswith("sym:")]
    files = [i for i in frontier if i.startswith("file:")]
    rows = hop_rows(store, "deps_out", syms) + hop_rows(store, "imports_out", files)
    # A module is where its file's imports start from.
    modules = [i for i in syms if i.endswith("#")]
    if modules:
        owners = {split_symbol_id(m)[0]: m for m in modules if split_symbol_id(m)}  # type: ignore[index]
        for r in hop_rows(store, "imports_out", sorted(owners)):
            rows.append({**r, "src": owners[r["src"]]})
    return rows


def dependency_path(store: Store, source: str, target: str, depth: int = MAX_DEPTH) -> tuple[PathStep, ...]:
    """The shortest chain of dependency edges (calls, uses, bases, imports) by which ``source`` reaches ``target``.

    Breadth-first from ``source`` along outgoing edges, at most ``depth`` hops; among paths of one
    length the first in (edge type, position) order wins, so an answer is stable. A module symbol
    also follows its file's imports.

    Raises:
        NotFound: either node is unknown, or no path within ``depth`` hops.
        LimitExceeded: ``depth`` over ``MAX_DEPTH``.
    """
    if depth > MAX_DEPTH:
        raise LimitExceeded(f"depth {depth} is over the maximum {MAX_DEPTH}",
                            suggestion="ask for the path to an intermediate node first")
    if depth < 1:
        raise QueryError(f"depth must be at least 1, got {depth}")
    start, goal = entity(store, source).id, entity(store, target).id
    parent: dict[str, dict[str, Any] | None] = {start: None}
    frontier = [start]
    for _ in range(depth):
        nxt = []
        rows = sorted(_out(store, frontier), key=lambda r: (r["src"], r["type"], r["line"] or 0, r["column"] or 0,
                                                           r["dst"]))
        for r in rows:
            if r["dst"] not in parent:
                parent[r["dst"]] = r
                nxt.append(r["dst"])
        if goal in parent or not nxt:
            break
        frontier = nxt
    if goal not in parent or goal == start:
        raise NotFound(f"no dependency path from '{start}' to '{goal}' within {depth} hops",
                       suggestion="swap the two ends (what depends on what), or look at impact for the reverse")
    chain: list[dict[str, Any]] = []
    at = goal
    while parent[at] is not None:
        row = parent[at]
        assert row is not None
        chain.append(row)
        at = row["src"]
    chain.reverse()
    found = entities(store, {r["src"] for r in chain} | {r["dst"] for r in chain})
    return tuple(PathStep(type=r["type"], source=found[r["src"]], target=found[r["dst"]], line=r["line"],
                          column=r["column"], resolution=r["resolution"] or "exact") for r in chain)


@dataclass(frozen=True, slots=True)
class Overview:
    """A project at a glance."""

    project: ProjectInfo
    repos: tuple[RepoInfo, ...]
    languages: dict[str, dict[str, int]]  # lang -> {"files": n, "loc": n}
    edges: dict[str, dict[str, int]]  # edge type -> {resolution: count}
    entry_points: tuple[Entity, ...]
    most_depended: tuple[tuple[SymbolInfo, int], ...]


def project_overview(store: Store, project_id: str, top: int = 10) -> Overview:
    """Languages, sizes, entry points (by file and function name) and the most-depended-on symbols.

    Raises:
        NotFound: no such project.
    """
    proj, repos = project(store, project_id)
    langs: dict[str, Counter[str]] = {}
    entry_ids: list[str] = []
    for r in store.read("project_files", id=proj.id):
        if r["id"] is None:
            continue
        c = langs.setdefault(r["lang"] or "?", Counter())
        c["files"] += 1
        c["loc"] += r["loc"] or 0
        if r["path"].rsplit("/", 1)[-1] in _ENTRY_FILES:
            entry_ids.append(r["id"])
    edges: dict[str, dict[str, int]] = {}
    counted: list[tuple[str, int]] = []
    for repo in repos:
        for r in store.read("repo_edge_counts", symbols=f"sym:{repo.id}:", files=f"file:{repo.id}:"):
            by = edges.setdefault(r["type"], {})
            key = r["resolution"] or "exact"
            by[key] = by.get(key, 0) + r["count"]
        counted += [(r["id"], r["dependents"]) for r in store.read("most_depended", prefix=f"sym:{repo.id}:",
                                                                    limit=top)]
        entry_ids += [r["id"] for r in store.read("symbols_named", short="main") if r["id"].startswith(f"sym:{repo.id}:")]
    counted.sort(key=lambda c: (-c[1], c[0]))
    found = entities(store, [*entry_ids, *(i for i, _ in counted[:top])])
    most = tuple((e, n) for e, n in ((found.get(i), n) for i, n in counted[:top]) if isinstance(e, SymbolInfo))
    entries = tuple(found[i] for i in sorted(set(entry_ids)) if i in found)
    return Overview(project=proj, repos=repos, languages={k: dict(v) for k, v in sorted(langs.items())},
                    edges={k: dict(sorted(v.items())) for k, v in sorted(edges.items())}, entry_points=entries,
                    most_depended=most)
