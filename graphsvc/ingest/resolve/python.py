"""Python: resolve names across the files of one repo and build the graph rows of each file.

The resolver works from two inputs:

* the **facts** (``FileFacts``) of the files being (re)written, and
* the **summaries** of every file of the repo: a compact record of what other
  files need to know about a file (its module name, definitions, module-level
  import bindings, ``__all__``, class bases). Summaries of unchanged files come
  from the store (``File.summary``); the resolver never re-parses them.

While it resolves a file it records every lookup it made in other files, with its
answer (``deps``; the key grammar is in ``Resolver.dep_answer``): which files answer to
a module name, what a module attribute or a class member resolves to, what kind a
symbol is, whether a file exists. An incremental run re-resolves an unchanged file
exactly when one of those answers changed — so an edit inside a function body, or a
new function nobody looked up, touches one file, while renaming a method re-links its
callers and adding a module that used to be an ``External`` re-links its importers.

Resolution outcome of an edge:

* ``exact``      — the binding is proven (to a Symbol, a File, or a named External);
* ``heuristic``  — more than one candidate remained (ambiguous module names, a member
  inherited from an external base); the edge carries ``candidates`` and ``confidence``;
* ``unresolved`` — no binding could be proven: the edge points at the placeholder
  ``ext:<lang>:?.<name>``.

A wrong ``exact`` edge is the worst outcome: where in doubt, the resolver says so.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graphsvc.ingest.resolve import FileGraph, Summary, dedupe_edges
from graphsvc.ingest.resolve.symbol_rows import add_file_rows
from graphsvc.model import Edge, FileFacts, file_id, symbol_id
from parsers import python as py

__all__ = ["CONFIG_FILES", "Resolver", "dep_path", "make_summary", "module_names", "qualifier"]

# Project files only shape module roots by where they are, which module_names already sees.
CONFIG_FILES: tuple[str, ...] = ()
DEPS_CLOSED = True  # inner lookups are recorded with the answers they led to (_memo)
EDGE_ROWS = True  # ``Resolver(..., edge_rows=True)`` makes dependency edges as bulk rows
_FUNC_KINDS = frozenset({"Function", "Method", "Test"})
_CLASS_KINDS = frozenset({"Class", "Test"})
_MAX_CHAIN = 24
# External bases that contribute no methods a subclass would call on itself.
_INERT_BASES = frozenset({
    "builtins.object", "abc.ABC", "typing.Generic", "typing.Protocol", "typing.NamedTuple", "typing.TypedDict",
})


# Targets: ("file", path) | ("sym", path, qname) | ("inst", path, qname) | ("ext", dotted)
#          | ("ns", dotted) | ("local",) | None
Target = tuple[str, ...] | None


@dataclass(slots=True)
class _Outcome:
    """What a lookup found; never changed once made, so one outcome may be shared (``_NONE``, ``_LOCAL``)."""

    target: Target
    heuristic: int = 0  # number of candidates when the answer is a guess (0: exact)


_NONE = _Outcome(None)
_LOCAL = _Outcome(("local",))
_EDGE_TYPES = {"call": "CALLS", "decorator": "CALLS", "base": "EXTENDS", "type": "USES"}


def module_names(paths: Iterable[str], project_files: Iterable[str], root: Path) -> dict[str, tuple[str, ...]]:
    """The dotted names each Python file can be imported as, primary first."""
    return py.module_names(paths, project_files)


def make_summary(facts: FileFacts, names: tuple[str, ...]) -> Summary:
    """Build the summary other files consult; ``deps`` is filled in by the resolver."""
    module = names[0] if names else ""
    is_package = facts.path.endswith(("__init__.py", "__init__.pyi"))
    defs = {s.qname: s.kind for s in facts.symbols}
    imports = [[i.module, i.name, i.alias, i.wildcard] for i in facts.imports if i.scope == ""]
    bases: dict[str, list[list[str]]] = {}
    for ref in facts.refs:
        if ref.kind == "base" and ref.receiver is not None:
            bases.setdefault(ref.scope, []).append([*ref.receiver, ref.name])
    return {
        "m": module, "pkg": is_package, "defs": defs, "imports": imports,
        "all": list(facts.all_names) if facts.all_names is not None else None, "bases": bases,
    }


_NameTables = tuple[dict[str, list[str]], dict[str, list[str]], set[str], set[str]]
_last_names: list[tuple[Mapping[str, tuple[str, ...]], frozenset[str], _NameTables]] = []


def _names(module_map: Mapping[str, tuple[str, ...]], paths: Iterable[str]) -> _NameTables:
    """The module-name tables of a file set: modules by name (every name, and first names only),
    the dotted prefixes of module names, and every directory that holds a file at any depth
    (namespace packages). A long-lived process resolves against the same file set run after run
    (the same ``module_map`` object, kept by its ingest cache), so the last tables are reused; the
    tables are only read after they are built."""
    files = frozenset(paths)
    for known_map, known_files, tables in _last_names:
        if known_map is module_map and known_files == files:
            return tables
    by_name: dict[str, list[str]] = {}
    primary: dict[str, list[str]] = {}
    for path, names in sorted(module_map.items()):
        for i, name in enumerate(names):
            by_name.setdefault(name, []).append(path)
            if i == 0:
                primary.setdefault(name, []).append(path)
    prefixes = {n.rsplit(".", k)[0] for n in by_name for k in range(1, n.count(".") + 1)}
    dirs: set[str] = set()
    for path in files:
        d = posixpath.dirname(path)
        while d and d not in dirs:
            dirs.add(d)
            d = posixpath.dirname(d)
    _last_names[:] = [(module_map, files, (by_name, primary, prefixes, dirs))]
    return by_name, primary, prefixes, dirs


def qualifier(facts: FileFacts, summary: Summary) -> Callable[[str], str]:
    """What ``Symbol.qualifiedName`` is for each qname of the file (its rows are built from it,
    here and ahead of resolving, ``graphsvc/ingest/workers.py``)."""
    module = str(summary["m"])
    return lambda qname: qname or module


class Resolver:
    """Resolves the files of one Python repo against the summaries of all its files."""

    def __init__(self, repo: str, summaries: Mapping[str, Summary], module_map: Mapping[str, tuple[str, ...]],
                 root: Path | None = None, *, symbol_nodes: bool = True, edge_rows: bool = False) -> None:
        self.repo = repo
        self.symbol_nodes = symbol_nodes
        self.edge_rows = edge_rows
        self.lang = "python"
        self.summaries = summaries
        self.by_name, self.primary, self.prefixes, self.dirs = _names(module_map, summaries.keys())
        self._deps: set[str] = set()
        self._binding_index: dict[str, dict[str, list[Any]]] = {}
        self._attr_cache: dict[str, tuple[_Outcome, frozenset[str]]] = {}
        self._answers: dict[str, str] = {}
        self._dep_paths: dict[str, str | None] = {}

    # -- module lookups -------------------------------------------------------------

    def module(self, name: str) -> _Outcome:
        """Find a module by absolute dotted name."""
        self._deps.add("m:" + name)
        primary = self.primary.get(name, [])
        if len(primary) == 1:
            return _Outcome(("file", primary[0]))
        candidates = primary or self.by_name.get(name, [])
        if len(candidates) == 1:
            return _Outcome(("file", candidates[0]))
        if candidates:
            return _Outcome(("file", candidates[0]), heuristic=len(candidates))
        if name in self.prefixes:
            return _Outcome(("ns", name))
        return _Outcome(("ext", name))

    def _file_at(self, base_dir: str, dotted: str) -> str | None:
        rel = dotted.replace(".", "/")
        stem = posixpath.join(base_dir, rel) if rel else base_dir
        for cand in (stem + ".py", stem + "/__init__.py", stem + ".pyi", stem + "/__init__.pyi"):
            cand = posixpath.normpath(cand).lstrip("./") if cand.startswith("./") else posixpath.normpath(cand)
            self._deps.add("e:" + cand)
            if cand in self.summaries:
                return cand
        return None

    def relative(self, importer: str, module: str) -> _Outcome | None:
        """Find the module ``..a.b`` names, written in file ``importer``; None when it escapes the repo."""
        dots = len(module) - len(module.lstrip("."))
        rest = module[dots:]
        base = posixpath.dirname(importer)
        for _ in range(dots - 1):
            if not base:
                return None
            base = posixpath.dirname(base)
        found = self._file_at(base, rest)
        if found is not None:
            return _Outcome(("file", found))
        directory = posixpath.join(base, rest.replace(".", "/"))
        self._deps.add("d:" + directory)
        if rest and directory in self.dirs:
            return _Outcome(("nsdir", directory))
        return None

    # -- attribute lookups -----------------------------------------------------------

    def _kind(self, path: str, qname: str) -> str | None:
        """The kind of symbol ``qname`` of ``path`` (None: no such symbol), recorded as a lookup."""
        self._deps.add(f"k:{path}#{qname}")
        kind = self.summaries[path]["defs"].get(qname)
        return None if kind is None else str(kind)

    def attr(self, target: Target, name: str, seen: frozenset[Target] = frozenset()) -> _Outcome:
        """What ``name`` denotes as an attribute of ``target``."""
        if target is None or target in seen or len(seen) > _MAX_CHAIN:
            return _Outcome(None)
        kind = target[0]
        if kind == "ext":
            return _Outcome(("ext", f"{target[1]}.{name}"))
        if kind == "ns":
            return self.module(f"{target[1]}.{name}")
        if kind == "nsdir":
            found = self._file_at(target[1], name)
            return _Outcome(("file", found)) if found else _Outcome(None)
        if kind == "file":
            return self.module_attr(target[1], name, seen | {target})
        if kind in ("sym", "inst") and self._kind(target[1], target[2]) in _CLASS_KINDS:
            return self.member(target[1], target[2], name, seen | {target})
        return _Outcome(None)

    def _bindings(self, path: str) -> dict[str, list[Any]]:
        """The module-level import bindings of ``path`` by local name (the last one wins)."""
        found = self._binding_index.get(path)
        if found is None:
            found = {}
            for imp in self.summaries[path]["imports"]:
                module, imported, alias, wildcard = imp
                if not wildcard:
                    found[alias or (imported if imported is not None else module.lstrip(".").split(".")[0])] = imp
            self._binding_index[path] = found
        return found

    def module_attr(self, path: str, name: str, seen: frozenset[Target]) -> _Outcome:
        """Top-level ``name`` of the module in ``path``: a definition, a re-export, a submodule.

        Recorded as one lookup (``a:<path>:<name>``) whatever it consulted on the way.
        """
        # Kept when looked up from the module itself at most (``seen <= {("file", path)}``).
        cacheable = not seen or (len(seen) == 1 and ("file", path) in seen)
        return self._memo(f"a:{path}:{name}", cacheable, self._module_attr, path, name, seen)

    def _module_attr(self, path: str, name: str, seen: frozenset[Target]) -> _Outcome:
        summ = self.summaries[path]
        defs = summ["defs"]
        if name in defs:
            return _Outcome(("sym", path, name))
        binding = self._bindings(path).get(name)
        if binding is not None:
            module, imported, alias, _ = binding
            return self.import_target(path, summ, module, imported, alias, seen)
        sub = self._submodule(path, name)
        if sub is not None:
            return sub
        for module, _imported, _alias, wildcard in summ["imports"]:
            if wildcard:
                src = self.import_module(path, module)
                if src is not None and src.target is not None and src.target[0] == "ext":
                    continue
                if src is not None and src.target is not None and src.target not in seen:
                    out = self.attr(src.target, name, seen | {("file", path)})
                    if out.target is not None and out.target[0] != "ext":
                        return out
        return _Outcome(None)

    def _submodule(self, path: str, name: str) -> _Outcome | None:
        """The submodule ``name`` of the package whose ``__init__`` is ``path``."""
        if not self.summaries[path].get("pkg"):
            return None
        base = posixpath.dirname(path)
        found = self._file_at(base, name)
        if found is not None:
            return _Outcome(("file", found))
        directory = posixpath.join(base, name)
        self._deps.add("d:" + directory)
        if directory in self.dirs:
            return _Outcome(("nsdir", directory))
        return None

    def import_module(self, importer: str, module: str) -> _Outcome | None:
        if module.startswith("."):
            return self.relative(importer, module)
        return self.module(module)

    def import_target(self, importer: str, summ: Summary, module: str, imported: str | None,
                      alias: str | None, seen: frozenset[Target]) -> _Outcome:
        """What an import statement binds its local name to."""
        if imported is None:
            if alias is None:
                # `import a.b.c` binds `a`.
                return self.module(module.split(".")[0])
            return self.module(module)
        src = self.import_module(importer, module)
        if src is None or src.target is None:
            return _Outcome(None)
        out = self.attr(src.target, imported, seen)
        if out.target is None and src.target[0] == "file":
            out = self._submodule(src.target[1], imported) or out
        return _Outcome(out.target, max(out.heuristic, src.heuristic))

    def _memo(self, key: str, cacheable: bool, compute: Callable[..., _Outcome], *args: Any) -> _Outcome:
        """Answer a lookup once per run; record it as ``key`` plus every lookup it made on the way.

        The inner lookups are recorded too (replayed on a cache hit), so an incremental
        run can find the files whose answers may have moved by the paths in their keys;
        whether a file is re-linked is still decided by comparing answers. Answers cut
        short by an import cycle are not kept.
        """
        self._deps.add(key)
        cached = self._attr_cache.get(key)
        if cached is not None:
            self._deps.update(cached[1])
            return cached[0]
        outer, self._deps = self._deps, set()
        try:
            out = compute(*args)
        finally:
            recorded, self._deps = self._deps, outer
            self._deps.update(recorded)
        if cacheable:
            self._attr_cache[key] = (out, frozenset(recorded))
        return out

    def member(self, path: str, cls: str, name: str, seen: frozenset[Target], skip_self: bool = False) -> _Outcome:
        """Find ``name`` on class ``cls`` of ``path`` or on its bases, depth first (MRO order for single trees)."""
        return self._memo(f"c:{path}:{cls}:{name}:{'1' if skip_self else '0'}", len(seen) <= 1,
                          self._member, path, cls, name, seen, skip_self)

    def _member(self, path: str, cls: str, name: str, seen: frozenset[Target], skip_self: bool) -> _Outcome:
        summ = self.summaries[path]
        qname = f"{cls}.{name}"
        if not skip_self and summ["defs"].get(qname) is not None:
            return _Outcome(("sym", path, qname))
        externals: list[str] = []
        for chain in summ["bases"].get(cls, []):
            base = self.chain_in_module(path, summ, chain, seen)
            if base.target is None:
                continue
            if base.target[0] == "sym" and base.target not in seen:
                if self._kind(base.target[1], base.target[2]) in _CLASS_KINDS:
                    out = self.member(base.target[1], base.target[2], name, seen | {base.target})
                    if out.target is not None and out.target[0] == "sym":
                        return out
                    if out.target is not None and out.target[0] == "ext":
                        externals.append(out.target[1])
            elif base.target[0] == "ext" and base.target[1] not in _INERT_BASES:
                externals.append(f"{base.target[1]}.{name}")
        if externals:
            return _Outcome(("ext", externals[0]), heuristic=len(externals) + 1)
        return _Outcome(None)

    def called(self, out: _Outcome) -> _Outcome:
        """What calling ``out`` gives: an instance of a class; for anything else, an unknown value."""
        t = out.target
        if t is not None and t[0] == "sym" and self._kind(t[1], t[2]) in _CLASS_KINDS:
            return _Outcome(("inst", t[1], t[2]), out.heuristic)
        if t is not None and t[0] == "ext":
            return _Outcome(("local",))
        return _Outcome(("local",) if t is not None else None)

    def chain_in_module(self, path: str, summ: Summary, chain: list[str], seen: frozenset[Target]) -> _Outcome:
        """Resolve a dotted chain written at the top level of module ``path``."""
        head = chain[0]
        out = self.module_attr(path, head, seen | {("file", path)})
        if out.target is None and head in py.BUILTINS:
            out = _Outcome(("ext", f"builtins.{head}"))
        heuristic = out.heuristic
        for part in chain[1:]:
            out = self.attr(out.target, part, seen)
            heuristic = max(heuristic, out.heuristic)
        return _Outcome(out.target, heuristic)

    # -- one file ---------------------------------------------------------------------

    def resolve(self, facts: FileFacts) -> FileGraph:
        """Build the rows of one file: its nodes and outgoing edges, and record its deps."""
        self._deps = set()
        repo, lang, path = self.repo, self.lang, facts.path
        summ = self.summaries[path]
        module_name = summ["m"]
        defs = summ["defs"]
        fg = FileGraph(path=path, summary=summ)
        fid = file_id(repo, path)
        kinds = {s.qname: s.kind for s in facts.symbols}
        scope_parent = {s.qname: s.parent for s in facts.symbols}
        locals_: dict[str, dict[str, tuple[str, ...] | None]] = {}
        for loc in facts.locals:
            scope_locals = locals_.get(loc.scope)
            if scope_locals is None:
                scope_locals = locals_[loc.scope] = {}
            scope_locals[loc.name] = loc.type_ref
        module_locals = locals_.get("", {})
        scoped_imports: dict[str, dict[str, tuple[str, str | None, str | None]]] = {}
        for imp in facts.imports:
            if imp.scope and not imp.wildcard:
                bound = imp.alias or (imp.name if imp.name is not None else imp.module.lstrip(".").split(".")[0])
                scoped_imports.setdefault(imp.scope, {})[bound] = (imp.module, imp.name, imp.alias)
        # Every name a module-level import binds, a wildcard's too: such a name is no plain local.
        import_bound = {i[2] or (i[1] if i[1] is not None else i[0].lstrip(".").split(".")[0])
                        for i in summ["imports"]}
        children: dict[str, set[str]] = {}
        for s in facts.symbols:
            if s.parent is not None:
                children.setdefault(s.parent, set()).add(s.name)
        in_file: frozenset[Target] = frozenset({("file", path)})  # ``seen`` of a lookup at the top level
        # Many references of a file share a scope, a name, a target: what is found for one is kept
        # for the file. Per scope: its symbol id, its enclosing class.
        sids: dict[str, str] = {}
        classes: dict[str, str | None] = {}
        # What a name denotes at the top level, an attribute of a target, a member of a class
        # (``self.name``), when the reference starts with nothing ``seen``. Every lookup on the way from
        # such a start is memoised for the run (``_memo``), so asking again gives the same answer, and
        # the lookups it recorded are already among this file's deps.
        top: dict[str, _Outcome] = {}
        attrs: dict[tuple[Target, str], _Outcome] = {}
        members: dict[tuple[str, str, bool], _Outcome] = {}
        # The node id an edge to a resolved target ends at.
        ends: dict[Target, str] = {}
        # (type, src, dst, line, column) of the edges written so far: a repeated edge is dropped
        # before it is built (``dedupe_edges``, which keeps the first).
        written: set[tuple[str, str, str, int, int]] = set()
        rows = fg.rows if self.edge_rows else None

        def lookup(name: str, scope: str, seen: frozenset[Target] = frozenset()) -> _Outcome:
            """What a bare ``name`` denotes in ``scope`` (LEGB, class scopes skipped)."""
            s: str | None = scope
            while s:
                if kinds.get(s) in _FUNC_KINDS:
                    imports = scoped_imports.get(s)
                    if imports is not None and name in imports:
                        module, imported, alias = imports[name]
                        return self.import_target(path, summ, module, imported, alias, seen)
                    if name in children.get(s, ()):
                        return _Outcome(("sym", path, f"{s}.{name}"))
                    bound = locals_.get(s)
                    if bound is not None and name in bound:
                        type_ref = bound[name]
                        if type_ref == ("<global>",):
                            break
                        if type_ref is None:
                            return _LOCAL
                        t = chain(type_ref, scope_parent.get(s) or "", seen)
                        if t.target is not None and t.target[0] == "sym" and self._kind(t.target[1], t.target[2]) in _CLASS_KINDS:
                            return _Outcome(("inst", t.target[1], t.target[2]), t.heuristic)
                        return _LOCAL
                s = scope_parent.get(s)
            if seen:
                return at_top(name, seen | in_file)
            out = top.get(name)
            if out is None:
                out = top[name] = at_top(name, in_file)
            return out

        def at_top(name: str, seen: frozenset[Target]) -> _Outcome:
            """What ``name`` denotes at the top level of this file."""
            if name in module_locals and name not in defs and name not in import_bound:
                return _LOCAL
            out = self.module_attr(path, name, seen)
            if out.target is None and name in py.BUILTINS:
                return _Outcome(("ext", f"builtins.{name}"))
            return out

        def chain(parts: tuple[str, ...], scope: str, seen: frozenset[Target] = frozenset()) -> _Outcome:
            first = parts[0]
            out = lookup(first.removesuffix("()"), scope, seen)
            if first.endswith("()"):
                out = self.called(out)
            heuristic = out.heuristic
            for part in parts[1:]:
                if out.target is None or out.target[0] == "local":
                    return _NONE if out.target is None else _LOCAL
                step = part.removesuffix("()")
                out = self.attr(out.target, step, seen) if seen else attr(out.target, step)
                if part.endswith("()"):
                    out = self.called(out)
                heuristic = max(heuristic, out.heuristic)
            return out if out.heuristic == heuristic else _Outcome(out.target, heuristic)

        def attr(target: Target, name: str) -> _Outcome:
            """What ``name`` denotes as an attribute of ``target``, nothing ``seen``."""
            asked = (target, name)
            out = attrs.get(asked)
            if out is None:
                out = attrs[asked] = self.attr(target, name)
            return out

        def enclosing_class(scope: str) -> str | None:
            """The class whose method ``scope`` is (for ``self``/``cls``/``super()``)."""
            if scope in classes:
                return classes[scope]
            found: str | None = None
            s: str | None = scope
            while s:
                if kinds.get(s) in _FUNC_KINDS and kinds.get(scope_parent.get(s) or "") in _CLASS_KINDS:
                    found = scope_parent[s]
                    break
                s = scope_parent.get(s)
            classes[scope] = found
            return found

        def edge(etype: str, src: str, src_label: str, out: _Outcome, name: str, line: int, column: int,
                 alias: str | None = None) -> None:
            target = out.target
            resolution = "exact"
            if target is None or target[0] == "local" or target[0] == "nsdir":
                dst, dst_label, resolution = fg.unresolved(lang, name), "External", "unresolved"
            elif target[0] == "sym" or target[0] == "inst":
                end = ends.get(target)
                if end is None:
                    end = ends[target] = symbol_id(repo, target[1], target[2])
                dst, dst_label = end, "Symbol"
            elif target[0] == "file":
                if etype == "IMPORTS":
                    dst, dst_label = file_id(repo, target[1]), "File"
                else:
                    # A call of a module object is not a call of a file: keep the name, say unresolved.
                    dst, dst_label, resolution = fg.unresolved(lang, name), "External", "unresolved"
            else:  # "ext", "ns"
                end = ends.get(target)
                if end is None:
                    end = ends[target] = fg.external(lang, target[1])
                dst, dst_label = end, "External"
            key = (etype, src, dst, line, column)
            if key in written:
                return
            written.add(key)
            if rows is not None:  # the row ``BulkRows.add`` would make of the Edge below
                typed = (etype, src_label, dst_label)
                these = rows.get(typed)
                if these is None:
                    these = rows[typed] = []
                if out.heuristic and resolution == "exact":
                    these.append((src, dst, line, column, "heuristic", out.heuristic, round(1.0 / out.heuristic, 2),
                                  alias, None))
                else:
                    these.append((src, dst, line, column, resolution, None, None, alias, None))
                return
            props: dict[str, object] = {"line": line, "column": column, "resolution": resolution}
            if out.heuristic and resolution == "exact":
                props["resolution"] = "heuristic"
                props["candidates"] = out.heuristic
                props["confidence"] = round(1.0 / out.heuristic, 2)
            if alias is not None:
                props["alias"] = alias
            fg.edges.append(Edge(etype, src, src_label, dst, dst_label, props))

        # Nodes.
        add_file_rows(fg, repo, facts, module_name, qualifier(facts, summ), self.symbol_nodes)

        # Imports.
        for imp in facts.imports:
            if imp.wildcard:
                out = self.import_module(path, imp.module) or _NONE
            elif imp.name is None:
                out = self.module(imp.module) if not imp.module.startswith(".") else _NONE
            else:
                out = self.import_target(path, summ, imp.module, imp.name, imp.alias, frozenset())
                if out.target is None:
                    src = self.import_module(path, imp.module)
                    if src is not None and src.target is not None and src.target[0] == "ext":
                        out = _Outcome(("ext", f"{src.target[1]}.{imp.name}"))
            edge("IMPORTS", fid, "File", out, imp.name or imp.module, imp.line, imp.column, imp.alias)

        # References.
        for ref in facts.refs:
            kind, name, receiver, scope = ref.kind, ref.name, ref.receiver, ref.scope
            start = (scope_parent.get(scope) or "") if kind == "base" or kind == "decorator" else scope
            if receiver is None:
                out = _NONE
            elif receiver == ():
                cls = enclosing_class(start) if name == "cls" else None
                if cls is not None:
                    # `cls()` in a classmethod constructs the class (or a subclass of it).
                    out = _Outcome(("sym", path, cls))
                else:
                    out = lookup(name, start)
            elif len(receiver) == 1 and receiver[0] in ("self", "cls", "super()"):
                cls = enclosing_class(start)
                if cls is None:
                    out = _NONE
                else:
                    asked = (cls, name, receiver[0] == "super()")
                    found = members.get(asked)
                    if found is None:
                        found = members[asked] = self.member(path, cls, name, frozenset(), skip_self=asked[2])
                    out = found
            else:
                base = chain(receiver, start)
                if base.target is None or base.target[0] == "local":
                    out = _NONE
                else:
                    out = attr(base.target, name)
                    if base.heuristic > out.heuristic:
                        out = _Outcome(out.target, base.heuristic)
            src_id = sids.get(scope)
            if src_id is None:
                src_id = sids[scope] = symbol_id(repo, path, scope)
            edge(_EDGE_TYPES[kind], src_id, "Symbol", out, name, ref.line, ref.column)

        if len(kinds) < len(facts.symbols):
            # Symbols that share a qualified name may repeat a DEFINES edge; the edges above never repeat.
            fg.edges = dedupe_edges(fg.edges)
        summ["deps"] = self._own_deps(path)
        return fg

    def _own_deps(self, path: str) -> dict[str, str]:
        """The lookups recorded while resolving ``path`` in other files, each with its answer, by key."""
        deps: dict[str, str] = {}
        about, answers = self._dep_paths, self._answers
        for dep in sorted(self._deps):
            # The same keys come back file after file: what they are about is worked out once.
            if dep in about:
                other = about[dep]
            else:
                other = about[dep] = dep_path(dep)
            if other != path:
                answer = answers.get(dep)
                deps[dep] = answer if answer is not None else self.dep_answer(dep)
        return deps

    def dep_answer(self, dep: str) -> str:
        """The current answer to one recorded lookup; a file is re-linked when one differs.

        Keys: ``m:<module>`` (files answering to a module name), ``d:<dir>`` (a directory
        holds files), ``e:<path>`` (a file exists), ``k:<path>#<qname>`` (kind of a symbol),
        ``a:<path>:<name>`` (a module attribute), ``c:<path>:<class>:<name>:<skip>`` (a member).
        """
        answer = self._answers.get(dep)
        if answer is not None:
            return answer
        kind, _, key = dep.partition(":")
        saved, self._deps = self._deps, set()
        try:
            if kind == "d":
                answer = "1" if key in self.dirs else ""
            elif kind == "m":
                answer = json.dumps([self.primary.get(key, []), self.by_name.get(key, []), key in self.prefixes])
            elif kind == "e":
                answer = "1" if key in self.summaries else ""
            elif dep_path(dep) not in self.summaries:
                answer = ""
            elif kind == "k":
                path, _, qname = key.partition("#")
                answer = self._kind(path, qname) or ""
            elif kind == "a":
                path, name = key.rsplit(":", 1)
                answer = _encode(self.module_attr(path, name, frozenset()))
            elif kind == "c":
                path, cls, name, skip = key.rsplit(":", 3)
                answer = _encode(self.member(path, cls, name, frozenset(), skip_self=skip == "1"))
            else:
                answer = ""
        finally:
            self._deps = saved
        self._answers[dep] = answer
        return answer


def dep_path(dep: str) -> str | None:
    """The file a recorded lookup is about (None for module-name and directory lookups)."""
    kind, _, key = dep.partition(":")
    if kind == "e":
        return key
    if kind == "k":
        return key.partition("#")[0]
    if kind == "a":
        return key.rsplit(":", 1)[0]
    if kind == "c":
        return key.rsplit(":", 3)[0]
    return None


def _encode(out: _Outcome) -> str:
    return json.dumps([list(out.target) if out.target is not None else None, out.heuristic])
