"""Go: resolve names across the files of one repo and build the graph rows of each file.

Packages are directories. ``go.mod`` gives the module path of its directory tree, so
each file answers to the import path of its directory (``module_names``), and an
import path leads back to one directory of the repo; any other import path (the
standard library, other modules) is an ``External``: ``ext:go:net/http`` for the
package, ``ext:go:net/http.Get`` for a name in it, ``ext:go:builtin.len`` for a
predeclared identifier.

A bare name is looked up as Go does: the locals of the enclosing function (parameters,
receiver, ``x := …``, ``var x T``), then the package block (every file of the directory
with the same package clause; ``_test.go`` files only from other test files), then the
file's imports (alias, or the imported package's name; dot imports), then the
predeclared identifiers. ``pkg.Name`` is looked up in the imported package;
``x.Method()`` through the type ``x`` is known to hold — a declared type, ``T{}``,
``&T{}``, ``new(T)``, ``y.(T)``, or the declared result of the function or method
called (``NewT()``, ``s.Get()``), a field's or a package variable's declared type —
then through the type's methods and fields in its package, then through embedded
fields, shallowest first (Go's promotion rule). An interface method call resolves to
the interface's method: that is the callee the compiler knows.

Outcome of an edge, as in the Python resolver: ``exact`` when proven, ``heuristic``
when more than one candidate remained (a name declared in several files of a package
under different build constraints, a member that may come from an external embedded
type, an import whose package name is not its last path element) with
``candidates`` and ``confidence``, ``unresolved`` otherwise.

Recorded lookups (``deps``; see ``Resolver.dep_answer``): ``g:<path>`` — the summary of
a file of the repo consulted during resolution, answered by its signature (a changed
declaration, import or type in it re-links every file that consulted it); ``d:<dir>``
— the Go files of a directory; ``i:<import path>`` — the directory an import path
names.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from graphsvc.ingest.resolve import FileGraph, Summary, dedupe_edges, summary_signature
from graphsvc.ingest.resolve.symbol_rows import add_file_rows
from graphsvc.model import Edge, FileFacts, Node, external_id, file_id, symbol_id, unresolved_id
from parsers import go as golang

__all__ = ["CONFIG_FILES", "Resolver", "dep_path", "make_summary", "module_names", "qualifier"]

CONFIG_FILES: tuple[str, ...] = ("go.mod", "go.work")
_TYPE_KINDS = frozenset({"Struct", "Interface", "TypeAlias"})
_FUNC_KINDS = frozenset({"Function", "Method", "Test"})
_VALUE_KINDS = frozenset({"Field", "Variable", "Constant"})
_LOCAL_KINDS = _FUNC_KINDS | {"Variable", "Constant"}  # a package-level var's function literal binds locals
_MAX_DEPTH = 8
_MODULE_RE = re.compile(r"^\s*module\s+\"?([^\s\"/]+[^\s\"]*)\"?", re.MULTILINE)
_PREDECLARED_VALUES = frozenset({"true", "false", "nil", "iota"})

# Targets: ("pkg", dir) | ("sym", path, qname) | ("inst", path, qname) | ("ext", import path, member)
#          | ("elems", *target) (a slice or map of values of target) | ("local",) | None; an External member is "" for the package itself, "Client.Do" for a method.
Target = tuple[str, ...] | None
Pos = tuple[int, int]  # (1-based line, 0-based column)


@dataclass
class _Outcome:
    target: Target
    heuristic: int = 0  # number of candidates when the answer is a guess (0: exact)


def _merge(out: _Outcome, *others: _Outcome) -> _Outcome:
    return _Outcome(out.target, max([out.heuristic, *(o.heuristic for o in others)]))


def module_names(paths: Iterable[str], project_files: Iterable[str], root: Path) -> dict[str, tuple[str, ...]]:
    """The import path of each Go file's package: its ``go.mod`` module path plus its directory.

    A file under no ``go.mod`` answers to its directory relative to the repo root (``.`` at the root);
    a file under ``vendor/`` to the import path below it.
    The second name, ``mod:<module path>``, names the module the file belongs to, so that an import
    of a missing package of that module is told apart from an External.
    """
    modules: dict[str, str] = {}
    for rel in project_files:
        if posixpath.basename(rel) != "go.mod":
            continue
        try:
            text = (root / rel).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        m = _MODULE_RE.search(text)
        if m:
            modules[posixpath.dirname(rel)] = m.group(1)
    result: dict[str, tuple[str, ...]] = {}
    for p in paths:
        if not p.endswith(".go"):
            continue
        d = posixpath.dirname(p)
        parts = d.split("/")
        if "vendor" in parts[:-1]:
            # A vendored package answers to the import path below vendor/, as in module mode.
            cut = len(parts) - 1 - parts[::-1].index("vendor")
            owner = "/".join(parts[:cut])
            result[p] = ("/".join(parts[cut + 1:]), "mod:" + modules.get(owner, owner or "."))
            continue
        probe = d
        while True:
            if probe in modules:
                rest = d[len(probe):].lstrip("/")
                result[p] = (modules[probe] + ("/" + rest if rest else ""), "mod:" + modules[probe])
                break
            if not probe:
                result[p] = (d or ".",)
                break
            probe = posixpath.dirname(probe)
    return result


def make_summary(facts: FileFacts, names: tuple[str, ...]) -> Summary:
    """Build the summary other files consult; ``deps`` is filled in by the resolver."""
    pkg = next((s.name for s in facts.symbols if s.qname == ""), "")
    defs = {s.qname: s.kind for s in facts.symbols}
    kinds = defs
    vt: dict[str, list[str]] = {}
    ft: dict[str, list[str]] = {}
    rt: dict[str, list[list[str] | None]] = {}
    al: dict[str, list[str]] = {}
    for loc in facts.locals:
        ref = list(loc.type_ref) if loc.type_ref is not None else None
        if loc.scope == "":
            if ref is not None:
                vt[loc.name] = ref
        elif loc.name == "=":
            if ref is not None:
                al[loc.scope] = ref
        elif loc.name.startswith("return#"):
            rt.setdefault(loc.scope, []).append(ref)
        elif kinds.get(loc.scope) == "Struct" and ref is not None:
            ft[f"{loc.scope}.{loc.name}"] = ref
    bases: dict[str, list[list[str]]] = {}
    for r in facts.refs:
        if r.kind == "base" and r.receiver is not None:
            bases.setdefault(r.scope, []).append([*r.receiver, r.name])
    return {
        "m": names[0] if names else "", "pkg": pkg, "test": golang.is_test_file(facts.path),
        "doc": any(s.qname == "" and bool(s.doc) for s in facts.symbols), "defs": defs,
        "imports": [[i.module, i.alias] for i in facts.imports], "bases": bases,
        "vt": vt, "ft": ft, "rt": {k: v for k, v in rt.items() if any(v)}, "al": al,
    }


def qualifier(facts: FileFacts, summary: Summary) -> Callable[[str], str]:
    """What ``Symbol.qualifiedName`` is for each qname of the file (its rows are built from it,
    here and ahead of resolving, ``graphsvc/ingest/workers.py``)."""
    module = str(summary["m"])
    return lambda qname: qname or module


class Resolver:
    """Resolves the files of one Go repo against the summaries of all its files."""

    def __init__(self, repo: str, summaries: Mapping[str, Summary], module_map: Mapping[str, tuple[str, ...]],
                 root: Path | None = None, *, symbol_nodes: bool = True) -> None:
        self.repo = repo
        self.symbol_nodes = symbol_nodes
        self.lang = "go"
        self.summaries = summaries
        self.dirs: dict[str, list[str]] = {}
        for path in sorted(summaries):
            self.dirs.setdefault(posixpath.dirname(path), []).append(path)
        self.imports: dict[str, str] = {}
        for path, names in sorted(module_map.items()):
            if names and path in summaries:
                self.imports.setdefault(names[0], posixpath.dirname(path))
        self.module_paths = sorted({n[1][4:] for n in module_map.values() if len(n) > 1 and n[1].startswith("mod:")})
        self._deps: set[str] = set()
        self._cache: dict[str, tuple[_Outcome, frozenset[str]]] = {}
        self._answers: dict[str, str] = {}
        self._pkg_names: dict[str, str] = {}

    # -- recorded reads --------------------------------------------------------------

    def _summary(self, path: str) -> Summary:
        self._deps.add("g:" + path)
        return self.summaries[path]

    def _dir(self, directory: str) -> list[str]:
        self._deps.add("d:" + directory)
        return self.dirs.get(directory, [])

    def _import_dir(self, import_path: str) -> str | None:
        self._deps.add("i:" + import_path)
        return self.imports.get(import_path)

    def _memo(self, key: str, compute: Callable[[], _Outcome]) -> _Outcome:
        """Answer a lookup once per run, replaying the reads it made on a cache hit."""
        cached = self._cache.get(key)
        if cached is not None:
            self._deps.update(cached[1])
            return cached[0]
        outer, self._deps = self._deps, set()
        try:
            out = compute()
        finally:
            recorded, self._deps = self._deps, outer
            self._deps.update(recorded)
        self._cache[key] = (out, frozenset(recorded))
        return out

    # -- packages ---------------------------------------------------------------------

    def package_name(self, directory: str) -> str:
        """The package clause of a directory's non-test files (the most common one)."""
        counts: dict[str, int] = {}
        for p in self._dir(directory):
            s = self._summary(p)
            if not s["test"] and s["pkg"]:
                counts[s["pkg"]] = counts.get(s["pkg"], 0) + 1
        return max(sorted(counts), key=lambda k: counts[k]) if counts else ""

    def package_files(self, directory: str, pkg: str, tests: bool) -> list[str]:
        """The files of package ``pkg`` in ``directory`` (test files only when ``tests``)."""
        out = []
        for p in self._dir(directory):
            s = self._summary(p)
            if s["pkg"] == pkg and (tests or not s["test"]):
                out.append(p)
        return out

    def in_package(self, directory: str, pkg: str, tests: bool, qname: str) -> _Outcome:
        """The declaration of ``qname`` (``Name`` or ``Type.member``) in a package."""
        def compute() -> _Outcome:
            found = [p for p in self.package_files(directory, pkg, tests) if qname in self.summaries[p]["defs"]]
            if not found:
                return _Outcome(None)
            return _Outcome(("sym", found[0], qname), len(found) if len(found) > 1 else 0)
        return self._memo(f"p:{directory}:{pkg}:{int(tests)}:{qname}", compute)

    def representative(self, directory: str) -> str | None:
        """The file an import of a package points at: ``doc.go``, ``<package>.go``, the first file with
        the package's doc comment, else the first file."""
        pkg = self.package_name(directory)
        files = self.package_files(directory, pkg, False)
        for name in ("doc.go", f"{pkg}.go"):
            cand = posixpath.join(directory, name) if directory else name
            if cand in files:
                return cand
        documented = [p for p in files if self.summaries[p]["doc"]]
        return documented[0] if documented else files[0] if files else None

    def import_binding(self, module: str, alias: str | None) -> tuple[str | None, _Outcome]:
        """The name an import binds in its file and what it denotes (a package or an External)."""
        directory = self._import_dir(module)
        if directory is not None:
            name = alias if alias not in (None, "_", ".") else self.package_name(directory)
            return (None if alias in ("_", ".") else name), _Outcome(("pkg", directory))
        guess, certain = golang.package_name_guess(module)
        if self.in_repo_module(module):
            return (None if alias in ("_", ".") else alias or guess), _Outcome(None)
        if alias in ("_", "."):
            return None, _Outcome(("ext", module, ""))
        if alias is not None:
            return alias, _Outcome(("ext", module, ""))
        return guess, _Outcome(("ext", module, ""), 0 if certain else 2)

    def in_repo_module(self, module: str) -> bool:
        """Whether an import path lies under a module of the repo (so a miss is no External)."""
        return any(module == r or module.startswith(r + "/") for r in self.module_paths)

    # -- file scope -------------------------------------------------------------------

    def file_scope(self, path: str, name: str) -> _Outcome:
        """What a bare ``name`` denotes at the top level of file ``path`` (no locals)."""
        return self._memo(f"f:{path}:{name}", lambda: self._file_scope(path, name))

    def _file_scope(self, path: str, name: str) -> _Outcome:
        s = self._summary(path)
        directory = posixpath.dirname(path)
        out = self.in_package(directory, s["pkg"], s["test"], name)
        if out.target is not None:
            return out
        dots: list[str] = []
        for module, alias in s["imports"]:
            bound, target = self.import_binding(module, alias)
            if bound == name:
                return target
            if alias == "." and target.target is not None and target.target[0] == "pkg":
                dots.append(target.target[1])
        for d in dots:
            out = self.in_package(d, self.package_name(d), False, name)
            if out.target is not None:
                return out
        if name in golang.PREDECLARED_FUNCS or name in golang.PREDECLARED_TYPES or name in _PREDECLARED_VALUES:
            return _Outcome(("ext", "builtin", name))
        return _Outcome(None)

    def chain_in_file(self, path: str, chain: list[str], depth: int = 0) -> _Outcome:
        """The value or type a chain written at the top level of ``path`` denotes."""
        return self.walk(chain, lambda head: self.file_scope(path, head), depth)

    def walk(self, chain: list[str], first: Callable[[str], _Outcome], depth: int) -> _Outcome:
        """Resolve a chain: its head with ``first``, then selectors, calls (``F()``, ``F()@1``),
        elements (``[]``); a leading ``[`` makes the whole a slice or map of what follows."""
        if chain and chain[0] == "[":
            inner = self.value_of(self.walk(chain[1:], first, depth), depth)
            if inner.target is None or inner.target[0] == "local":
                return _Outcome(("local",))
            return _Outcome(("elems", *inner.target), inner.heuristic)
        head, call = _split_call(chain[0])
        out = first(head)
        if call is not None:
            out = self.called(out, call, depth)
        for part in chain[1:]:
            if part == "[]":
                value = self.value_of(out, depth)
                t = value.target
                out = _Outcome(t[1:], value.heuristic) if t is not None and t[0] == "elems" else _Outcome(("local",))
                continue
            name, call = _split_call(part)
            out = _merge(self.attr(out, name, depth), out)
            if call is not None:
                out = self.called(out, call, depth)
        return out

    # -- values and members -----------------------------------------------------------

    def _kind(self, target: Target) -> str | None:
        if target is None or target[0] not in ("sym", "inst"):
            return None
        return self._summary(target[1])["defs"].get(target[2])  # type: ignore[no-any-return]

    def value_of(self, out: _Outcome, depth: int = 0) -> _Outcome:
        """The value a name denotes as a receiver: an instance of a named type when known."""
        t = out.target
        if t is None or t[0] in ("inst", "ext", "pkg", "local", "elems") or depth > _MAX_DEPTH:
            return out if t is None or t[0] != "local" or depth <= _MAX_DEPTH else _Outcome(("local",))
        kind = self._kind(t)
        if kind in _TYPE_KINDS:
            return _Outcome(("inst", t[1], t[2]), out.heuristic)
        if kind in _VALUE_KINDS:
            s = self._summary(t[1])
            ref = s["ft"].get(t[2]) if kind == "Field" else s["vt"].get(t[2])
            if ref is None:
                return _Outcome(("local",))
            return _merge(self.value_of(self.chain_in_file(t[1], ref, depth + 1), depth + 1), out)
        return _Outcome(("local",))

    def called(self, out: _Outcome, index: int, depth: int = 0) -> _Outcome:
        """The value calling ``out`` gives (its ``index``-th result)."""
        t = out.target
        if t is None or depth > _MAX_DEPTH:
            return _Outcome(None)
        if t[0] in ("ext", "elems", "local", "pkg"):
            return _Outcome(("local",))
        kind = self._kind(t)
        if kind in _TYPE_KINDS and index == 0:
            return _Outcome(("inst", t[1], t[2]), out.heuristic)  # a conversion T(x)
        if kind in _FUNC_KINDS:
            results = self._summary(t[1])["rt"].get(t[2], [])
            ref = results[index] if index < len(results) else None
            if ref is None:
                return _Outcome(("local",))
            typ = self.chain_in_file(t[1], ref, depth + 1)
            if typ.target is not None and typ.target[0] in ("ext", "elems"):
                return _Outcome(typ.target, max(out.heuristic, typ.heuristic))
            if self._kind(typ.target) in _TYPE_KINDS:
                return _Outcome(("inst", typ.target[1], typ.target[2]), max(out.heuristic, typ.heuristic))  # type: ignore[index]
        return _Outcome(("local",))

    def attr(self, out: _Outcome, name: str, depth: int = 0) -> _Outcome:
        """What ``.name`` selects on ``out``: a package member, a method or a field."""
        t = out.target
        if t is None or t[0] in ("local", "elems") or depth > _MAX_DEPTH:
            return _Outcome(None)
        if t[0] == "ext":
            return _Outcome(_ext_member(t, name), out.heuristic)
        if t[0] == "pkg":
            if not name[:1].isupper():
                return _Outcome(None)
            return _merge(self.in_package(t[1], self.package_name(t[1]), False, name), out)
        value = self.value_of(out, depth)
        v = value.target
        if v is None or v[0] in ("local", "elems"):
            return _Outcome(None)
        if v[0] == "ext":
            return _Outcome(_ext_member(v, name), value.heuristic)
        return _merge(self.member(v[1], v[2], name, depth), value)

    def member(self, path: str, type_q: str, name: str, depth: int = 0) -> _Outcome:
        """``name`` on type ``type_q`` of ``path``: its own methods and fields, then promoted ones."""
        return self._memo(f"c:{path}:{type_q}:{name}", lambda: self._member(path, type_q, name, depth))

    def _member(self, path: str, type_q: str, name: str, depth: int) -> _Outcome:
        s = self._summary(path)
        alias = s["al"].get(type_q)
        if alias is not None:
            typ = self.chain_in_file(path, alias, depth + 1)
            if typ.target is not None and typ.target[0] == "ext":
                return _Outcome(_ext_member(typ.target, name), typ.heuristic)
            if self._kind(typ.target) in _TYPE_KINDS and depth < _MAX_DEPTH:
                return _merge(self.member(typ.target[1], typ.target[2], name, depth + 1), typ)  # type: ignore[index]
            return _Outcome(None)
        # Promotion: breadth first over embedded fields; the shallowest depth that has the name wins.
        level: list[tuple[str, str, int]] = [(path, type_q, 0)]
        seen: set[tuple[str, str]] = set()
        for _ in range(_MAX_DEPTH):
            found: list[_Outcome] = []
            externals: list[Target] = []
            nxt: list[tuple[str, str, int]] = []
            for p, q, h in level:
                if (p, q) in seen:
                    continue
                seen.add((p, q))
                own = self._summary(p)
                hit = self.in_package(posixpath.dirname(p), own["pkg"], own["test"], f"{q}.{name}")
                if hit.target is not None:
                    found.append(_Outcome(hit.target, max(hit.heuristic, h)))
                    continue
                for chain in own["bases"].get(q, []):
                    base = self.chain_in_file(p, chain, depth + 1)
                    if chain[-1] == name and base.target is not None and base.target[0] in ("sym", "ext"):
                        # The embedded field itself: `s.Base` is a value of type Base.
                        found.append(base if base.target[0] == "ext" else
                                     _Outcome(("inst", base.target[1], base.target[2]), base.heuristic))
                    elif base.target is not None and base.target[0] == "ext":
                        externals.append(_ext_member(base.target, name))
                    elif self._kind(base.target) in _TYPE_KINDS:
                        nxt.append((base.target[1], base.target[2], max(h, base.heuristic)))  # type: ignore[index]
            if found:
                if len(found) == 1 and not externals:
                    return found[0]
                return _Outcome(found[0].target, len(found) + len(externals))
            if externals and not nxt:
                return _Outcome(externals[0], len(externals) + 1)
            if externals:
                deeper = self._promote(nxt, name, seen, depth)
                if deeper.target is None:
                    return _Outcome(externals[0], len(externals) + 1)
                return _Outcome(deeper.target, max(deeper.heuristic, 1) + len(externals))
            if not nxt:
                return _Outcome(None)
            level = nxt
        return _Outcome(None)

    def _promote(self, level: list[tuple[str, str, int]], name: str, seen: set[tuple[str, str]],
                 depth: int) -> _Outcome:
        for p, q, _h in level:
            if (p, q) in seen:
                continue
            out = self.member(p, q, name, depth + 1)
            if out.target is not None:
                return out
        return _Outcome(None)

    # -- one file ---------------------------------------------------------------------

    def resolve(self, facts: FileFacts) -> FileGraph:
        """Build the rows of one file: its nodes and outgoing edges, and record its deps."""
        self._deps = set()
        path = facts.path
        summ = self.summaries[path]
        fg = FileGraph(path=path, summary=summ)
        fid = file_id(self.repo, path)
        kinds = {s.qname: s.kind for s in facts.symbols}
        parents = {s.qname: s.parent for s in facts.symbols}
        # scope -> name -> [(visible from, visible to, type_ref)]; None bounds: the whole function.
        locals_: dict[str, dict[str, list[tuple[Pos | None, Pos | None, tuple[str, ...] | None]]]] = {}
        for loc in facts.locals:
            if kinds.get(loc.scope) in _LOCAL_KINDS and not loc.name.startswith("return#"):
                name, _, span = loc.name.partition("@")
                start, end = _parse_span(span)
                locals_.setdefault(loc.scope, {}).setdefault(name, []).append((start, end, loc.type_ref))

        def sid(qname: str) -> str:
            return symbol_id(self.repo, path, qname)

        def local(name: str, scope: str, pos: Pos) -> tuple[bool, tuple[str, ...] | None, Pos]:
            """The innermost binding of ``name`` visible at ``pos`` (Go's block scoping)."""
            s: str | None = scope
            while s:
                best = None
                for start, end, ref in locals_.get(s, {}).get(name, ()):
                    if start is None or (start < pos and (end is None or pos < end)):
                        if best is None or (start or (0, 0)) > (best[0] or (0, 0)):
                            best = (start, end, ref)
                if best is not None:
                    return True, best[2], best[0] or (0, 0)
                s = parents.get(s)
            return False, None, (0, 0)

        def lookup(name: str, scope: str, pos: Pos, depth: int = 0) -> _Outcome:
            is_local, ref, start = local(name, scope, pos)
            if is_local:
                if ref is None or depth > _MAX_DEPTH:
                    return _Outcome(("local",))
                # What a local holds is written where it is declared, just before its scope starts.
                return self.value_of(chain(list(ref), scope, start, depth + 1), depth + 1)
            return self.file_scope(path, name)

        def chain(parts: list[str], scope: str, pos: Pos, depth: int = 0) -> _Outcome:
            return self.walk(parts, lambda head: lookup(head, scope, pos, depth), depth)

        add_file_rows(fg, self.repo, facts, summ["m"], qualifier(facts, summ), self.symbol_nodes)

        for imp in facts.imports:
            _bound, out = self.import_binding(imp.module, imp.alias)
            if out.target is not None and out.target[0] == "pkg":
                rep = self.representative(out.target[1])
                out = _Outcome(("file", rep) if rep is not None else None)
            elif self.in_repo_module(imp.module):
                out = _Outcome(None)  # a package of this repo's module that is not there
            else:
                out = _Outcome(out.target)  # the import itself is proven, whatever the package's name
            self._edge(fg, "IMPORTS", fid, "File", out, imp.module, imp.line, imp.column, imp.alias)

        for ref in facts.refs:
            scope = ref.scope
            if ref.receiver is None:
                out = _Outcome(None)
            elif ref.receiver == ():
                is_local, _, _ = local(ref.name, scope, (ref.line, ref.column))
                if is_local and ref.kind == "call":
                    out = _Outcome(None)  # a call of a function value held in a local
                else:
                    out = lookup(ref.name, scope, (ref.line, ref.column))
            else:
                base = chain(list(ref.receiver), scope, (ref.line, ref.column))
                out = _merge(self.attr(base, ref.name), base)
            etype = {"call": "CALLS", "base": "EXTENDS", "type": "USES"}.get(ref.kind, "USES")
            t = out.target
            if t is not None and t[0] == "elems":
                out = _Outcome(None)
            elif t is not None and t[0] == "inst":
                out = _Outcome(None) if ref.kind == "call" else _Outcome(("sym", t[1], t[2]), out.heuristic)
            self._edge(fg, etype, sid(scope), "Symbol", out, ref.name, ref.line, ref.column)

        fg.edges = dedupe_edges(fg.edges)
        summ["deps"] = {d: self.dep_answer(d) for d in sorted(self._deps) if dep_path(d) != path}
        return fg

    def _edge(self, fg: FileGraph, etype: str, src: str, src_label: str, out: _Outcome, name: str,
              line: int, column: int, alias: str | None = None) -> None:
        props: dict[str, object] = {"line": line, "column": column}
        t = out.target
        if t is None or t[0] in ("local", "pkg") or (t[0] == "file" and etype != "IMPORTS"):
            dst, dst_label = self._placeholder(fg, name), "External"
            props["resolution"] = "unresolved"
        else:
            if t[0] == "file":
                dst, dst_label = file_id(self.repo, t[1]), "File"
            elif t[0] in ("sym", "inst"):
                dst, dst_label = symbol_id(self.repo, t[1], t[2]), "Symbol"
            else:
                dst, dst_label = self._external(fg, t[1], t[2]), "External"
            props["resolution"] = "exact"
            if out.heuristic:
                props["resolution"] = "heuristic"
                props["candidates"] = out.heuristic
                props["confidence"] = round(1.0 / out.heuristic, 2)
        if alias is not None:
            props["alias"] = alias
        fg.edges.append(Edge(etype, src, src_label, dst, dst_label, props))

    def _external(self, fg: FileGraph, module: str, member: str) -> str:
        """The External node of a package (``net/http``) or of a name in one (``net/http.Get``)."""
        eid = external_id(self.lang, f"{module}.{member}" if member else module)
        if eid not in fg.externals:
            name = member or module.rsplit("/", 1)[-1]
            fg.externals[eid] = Node("External", eid, {"name": name, "module": module, "lang": self.lang})
        return eid

    def _placeholder(self, fg: FileGraph, name: str) -> str:
        eid = unresolved_id(self.lang, name)
        if eid not in fg.externals:
            fg.externals[eid] = Node("External", eid, {"name": name, "module": "", "lang": self.lang})
        return eid

    def dep_answer(self, dep: str) -> str:
        """The current answer to one recorded lookup; a file is re-linked when one differs."""
        answer = self._answers.get(dep)
        if answer is not None:
            return answer
        kind, _, key = dep.partition(":")
        if kind == "g":
            answer = summary_signature(self.summaries[key]) if key in self.summaries else ""
        elif kind == "d":
            answer = json.dumps(self.dirs.get(key, []))
        elif kind == "i":
            answer = self.imports.get(key, "")
        else:
            answer = ""
        self._answers[dep] = answer
        return answer


def dep_path(dep: str) -> str | None:
    """The file a recorded lookup is about (None for directory and import-path lookups)."""
    kind, _, key = dep.partition(":")
    return key if kind == "g" else None


def _parse_span(span: str) -> tuple[Pos | None, Pos | None]:
    """``"3:4:9:1"`` → ``((3, 4), (9, 1))``; ``""`` → no bounds."""
    if not span:
        return None, None
    a, b, c, d = (int(x) for x in span.split(":"))
    return (a, b), (c, d)


def _split_call(part: str) -> tuple[str, int | None]:
    """``"F()"`` → ``("F", 0)``, ``"F()@1"`` → ``("F", 1)``, ``"x"`` → ``("x", None)``."""
    if "()" not in part:
        return part, None
    name, _, rest = part.partition("()")
    return name, int(rest[1:]) if rest.startswith("@") else 0


def _ext_member(target: tuple[str, ...], name: str) -> tuple[str, ...]:
    return ("ext", target[1], f"{target[2]}.{name}" if target[2] else name)
