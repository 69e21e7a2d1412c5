"""TypeScript / TSX / JavaScript: resolve module specifiers and names across the files of one repo.

Inputs are the same as for Python (``python.py`` explains the scheme): the facts of the
files being (re)written and the summaries of every file of the repo (definitions, import
bindings, exports, re-exports, class bases, declared types of variables and fields).

Module specifiers resolve the way ``tsc`` (``moduleResolution: bundler``/``node16``) does
for sources inside the repo:

* relative specifiers (``./a``, ``../b/c.js``): the file as written, the ``.js`` → ``.ts``
  source of an ESM-style specifier, then ``<spec><ext>`` and ``<spec>/index<ext>`` for
  ``.ts .tsx .d.ts .js .jsx .mts .cts .mjs .cjs``;
* ``compilerOptions.paths`` and ``baseUrl`` of the nearest ``tsconfig.json`` /
  ``jsconfig.json`` (following relative ``extends``);
* packages *inside the repo* by their ``package.json`` ``name``: ``exports`` (string,
  subpath map, conditions ``types``/``import``/``require``/``default``), else ``types``,
  ``module``, ``main``, else ``index``; a built path (``dist/x.js``) with no file falls
  back to the same path under ``src/``;
* anything else is a package outside the repo: an ``External`` named by the specifier.

Those files' contents are ``CONFIG_FILES``: an edit re-resolves every file of the group.
Every file probe is recorded as a lookup (``e:<path>``), so a file that appears where a
probe missed re-links its importers.

Names: a binding of a file is a top-level declaration or an import; an export is a local
binding, a re-export (``export { a } from``, ``export * as ns from``, ``export * from``
chains) or CommonJS ``module.exports``. ``this.m()`` / ``super.m()`` look through the
class and its ``extends`` chain; ``this.repo.find()`` and ``x.m()`` go through the written
type (or ``new`` class) of the field or variable. What cannot be proven stays unresolved
(a wrong ``exact`` edge is the worst outcome); ``export *`` from several files that export
the name, and members possibly inherited from an external base, are ``heuristic``.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graphsvc.ingest.resolve import FileGraph, Summary, dedupe_edges
from graphsvc.ingest.resolve.symbol_rows import add_file_rows
from graphsvc.model import Edge, FileFacts, Node, external_id, file_id, symbol_id, unresolved_id

__all__ = ["CONFIG_FILES", "Resolver", "dep_path", "make_summary", "module_names", "qualifier"]

CONFIG_FILES: tuple[str, ...] = ("tsconfig.json", "jsconfig.json", "package.json")
_SOURCE_EXTS = (".ts", ".tsx", ".d.ts", ".js", ".jsx", ".mts", ".cts", ".mjs", ".cjs")
_JS_TO_TS = {".js": (".ts", ".tsx", ".d.ts"), ".jsx": (".tsx",), ".mjs": (".mts",), ".cjs": (".cts",)}
_CLASS_KINDS = frozenset({"Class", "Interface"})
_VALUE_KINDS = frozenset({"Variable", "Constant", "Field", "Property"})
_NOT_SCOPES = frozenset({"Class", "Interface", "Enum", "TypeAlias"})
_NESTED_DECLS = frozenset({"Function", "Class", "Interface", "Enum", "TypeAlias", "Module"})
_MAX_DEPTH = 24
_SKIP_DIRS = frozenset({"node_modules", ".git"})
_CONDITIONS = ("types", "import", "module", "require", "node", "default")

# Global names of ECMAScript, the DOM, Node.js and TypeScript's standard library: a bare
# name no declaration or import of the file binds and that is listed here is that global.
GLOBALS: frozenset[str] = frozenset("""
Array ArrayBuffer ArrayLike AsyncGenerator AsyncIterable AsyncIterableIterator AsyncIterator Atomics
BigInt BigInt64Array BigUint64Array Boolean DataView Date Error EvalError FinalizationRegistry Float32Array
Float64Array Function Generator Infinity Int16Array Int32Array Int8Array Intl Iterable IterableIterator
Iterator JSON Map Math NaN Number Object Promise PromiseLike Proxy RangeError ReferenceError Reflect RegExp
Set SharedArrayBuffer String Symbol SyntaxError TypeError URIError Uint16Array Uint32Array Uint8Array
Uint8ClampedArray WeakMap WeakRef WeakSet decodeURI decodeURIComponent encodeURI encodeURIComponent
escape eval globalThis isFinite isNaN parseFloat parseInt undefined unescape
Awaited Capitalize ConstructorParameters Exclude Extract InstanceType Lowercase NoInfer NonNullable Omit
OmitThisParameter Parameters Partial Pick Readonly ReadonlyArray ReadonlyMap ReadonlySet Record Required
ReturnType TemplateStringsArray ThisParameterType ThisType Uncapitalize Uppercase PropertyKey
PropertyDescriptor TypedPropertyDescriptor ClassDecorator MethodDecorator PropertyDecorator
AbortController AbortSignal Blob console crypto CustomEvent document Event EventTarget fetch File FormData
Headers HTMLElement Element Node localStorage location navigator performance queueMicrotask Request
Response sessionStorage setInterval setTimeout clearInterval clearTimeout setImmediate clearImmediate
structuredClone TextDecoder TextEncoder URL URLSearchParams WebSocket window Worker atob btoa
Buffer process require module exports __dirname __filename global NodeJS
""".split())


def module_names(paths: Iterable[str], project_files: Iterable[str], root: Path) -> dict[str, tuple[str, ...]]:
    """TS/JS files are imported by path, not by a name: none are needed."""
    return {}


def make_summary(facts: FileFacts, names: tuple[str, ...]) -> Summary:
    """What other files need to know about a file; ``deps`` is filled in by the resolver."""
    imports: dict[str, list[Any]] = {}
    for imp in facts.imports:
        local = imp.alias or (imp.name if imp.name not in (None, "*", "default") else None)
        if imp.scope == "" and local:
            imports[local] = [imp.module, imp.name]
    bases: dict[str, list[list[str]]] = {}
    for ref in facts.refs:
        if ref.kind == "base" and ref.receiver is not None:
            bases.setdefault(ref.scope, []).append([*ref.receiver, ref.name])
    exports = getattr(facts, "exports", ())
    return {
        "m": "", "defs": {s.qname: s.kind for s in facts.symbols}, "imports": imports,
        "exp": {name: list(target) for name, target in exports},
        "stars": [spec for spec, _, _ in getattr(facts, "stars", ())],
        "bases": bases, "types": {q: list(t) for q, t in getattr(facts, "types", ())},
        "static": list(getattr(facts, "statics", ())),
    }


# Targets: ("file", path) | ("sym", path, qname) | ("inst", path, qname) | ("ext", module, name)
#          | ("local",) | None
Target = tuple[str, ...] | None


@dataclass
class _Outcome:
    target: Target
    heuristic: int = 0  # number of candidates when the answer is a guess (0: exact)


def _strip_json_comments(text: str) -> str:
    """tsconfig.json allows comments and trailing commas; strip both, leaving strings alone."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        elif text.startswith("//", i):
            while i < n and text[i] != "\n":
                i += 1
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = n if end == -1 else end + 2
        else:
            out.append(c)
            i += 1
    return re.sub(r",(\s*[}\]])", r"\1", "".join(out))


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(_strip_json_comments(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


@dataclass(frozen=True)
class _Config:
    """The module-resolution options of one tsconfig/jsconfig (repo-relative directories)."""

    base_url: str | None
    paths_base: str
    paths: tuple[tuple[str, tuple[str, ...]], ...]


def _load_config(root: Path, rel: str, depth: int = 0) -> _Config:
    data = _read_json(root / rel)
    here = posixpath.dirname(rel)
    inherited = _Config(None, here, ())
    parent = data.get("extends")
    if isinstance(parent, str) and parent.startswith(".") and depth < 5:
        target = posixpath.normpath(posixpath.join(here, parent))
        if not target.endswith(".json"):
            target += ".json"
        if not target.startswith("..") and (root / target).is_file():
            inherited = _load_config(root, target, depth + 1)
    raw_opts = data.get("compilerOptions")
    opts: dict[str, Any] = raw_opts if isinstance(raw_opts, dict) else {}
    base_url = inherited.base_url
    if isinstance(opts.get("baseUrl"), str):
        base_url = posixpath.normpath(posixpath.join(here, opts["baseUrl"]))
    paths = inherited.paths
    paths_base = inherited.paths_base
    if isinstance(opts.get("paths"), dict):
        paths = tuple((k, tuple(v for v in vs if isinstance(v, str)))
                      for k, vs in opts["paths"].items() if isinstance(vs, list))
        paths_base = here
    if base_url is not None:
        paths_base = base_url if isinstance(opts.get("paths"), dict) or inherited.paths else paths_base
    return _Config(base_url, paths_base, paths)


def _norm(path: str) -> str | None:
    path = posixpath.normpath(path)
    return None if path == ".." or path.startswith("../") else ("" if path == "." else path)


def qualifier(facts: FileFacts, summary: Summary) -> Callable[[str], str]:
    """What ``Symbol.qualifiedName`` is for each qname of the file (its rows are built from it,
    here and ahead of resolving, ``graphsvc/ingest/workers.py``)."""
    module = _module_name(facts.path)
    return lambda qname: qname or module


class Resolver:
    """Resolves the TS/TSX/JS files of one repo against the summaries of all its files."""

    def __init__(self, repo: str, summaries: Mapping[str, Summary], module_map: Mapping[str, tuple[str, ...]],
                 root: Path | None = None, *, symbol_nodes: bool = True) -> None:
        self.repo = repo
        self.symbol_nodes = symbol_nodes
        self.summaries = summaries
        self.root = root
        self._deps: set[str] = set()
        self._cache: dict[str, tuple[_Outcome, frozenset[str]]] = {}
        self._active: set[str] = set()
        self._cut = 0
        self._answers: dict[str, str] = {}
        self._spec_cache: dict[tuple[str, str], tuple[_Outcome | None, frozenset[str]]] = {}
        dirs: set[str] = {""}
        for path in summaries:
            d = posixpath.dirname(path)
            while d and d not in dirs:
                dirs.add(d)
                d = posixpath.dirname(d)
        self.configs: dict[str, _Config] = {}
        self.packages: dict[str, tuple[str, dict[str, Any]]] = {}
        if root is not None:
            for d in sorted(dirs):
                if any(part in _SKIP_DIRS for part in d.split("/")):
                    continue
                for name in ("tsconfig.json", "jsconfig.json"):
                    rel = posixpath.join(d, name) if d else name
                    if (root / rel).is_file():
                        self.configs.setdefault(d, _load_config(root, rel))
                pkg = posixpath.join(d, "package.json") if d else "package.json"
                if (root / pkg).is_file():
                    data = _read_json(root / pkg)
                    if isinstance(data.get("name"), str):
                        self.packages.setdefault(data["name"], (d, data))

    # -- bookkeeping ---------------------------------------------------------------------

    def _memo(self, key: str, compute: Callable[[], _Outcome]) -> _Outcome:
        """Answer a lookup once per run; record it as ``key`` plus the lookups it made.

        A lookup that meets itself (an import or inheritance cycle) answers None, and no
        answer computed through a cycle is cached, so answers never depend on the order
        files are resolved in.
        """
        self._deps.add(key)
        cached = self._cache.get(key)
        if cached is not None:
            self._deps.update(cached[1])
            return cached[0]
        if key in self._active or len(self._active) > _MAX_DEPTH:
            self._cut += 1
            return _Outcome(None)
        outer, self._deps = self._deps, set()
        cut = self._cut
        self._active.add(key)
        try:
            out = compute()
        finally:
            self._active.discard(key)
            recorded, self._deps = self._deps, outer
            self._deps.update(recorded)
        if self._cut == cut:
            self._cache[key] = (out, frozenset(recorded))
        return out

    def _exists(self, path: str) -> bool:
        self._deps.add("e:" + path)
        return path in self.summaries

    def _kind(self, path: str, qname: str) -> str | None:
        self._deps.add(f"k:{path}#{qname}")
        kind = self.summaries[path]["defs"].get(qname)
        return None if kind is None else str(kind)

    # -- module specifiers ------------------------------------------------------------------

    def _file(self, stem: str) -> str | None:
        """The source file a path without (or with) an extension denotes, probing like tsc."""
        ext = posixpath.splitext(stem)[1]
        if ext in _JS_TO_TS:
            for alt in _JS_TO_TS[ext]:
                if self._exists(stem[: -len(ext)] + alt):
                    return stem[: -len(ext)] + alt
        if ext and self._exists(stem):
            return stem
        for e in _SOURCE_EXTS:
            if self._exists(stem + e):
                return stem + e
        for e in _SOURCE_EXTS:
            cand = posixpath.join(stem, "index" + e) if stem else "index" + e
            if self._exists(cand):
                return cand
        return None

    def _config_for(self, importer: str) -> _Config | None:
        d = posixpath.dirname(importer)
        while True:
            if d in self.configs:
                return self.configs[d]
            if not d:
                return None
            d = posixpath.dirname(d)

    def resolve_spec(self, importer: str, spec: str) -> _Outcome | None:
        """What a module specifier written in ``importer`` denotes: a file, an External, or None."""
        key = (posixpath.dirname(importer), spec)
        cached = self._spec_cache.get(key)
        if cached is not None:
            self._deps.update(cached[1])
            return cached[0]
        outer, self._deps = self._deps, set()
        try:
            out = self._resolve_spec(importer, spec)
        finally:
            recorded, self._deps = self._deps, outer
            self._deps.update(recorded)
        self._spec_cache[key] = (out, frozenset(recorded))
        return out

    def _resolve_spec(self, importer: str, spec: str) -> _Outcome | None:
        if spec.startswith(("./", "../")) or spec in (".", ".."):
            stem = _norm(posixpath.join(posixpath.dirname(importer), spec))
            if stem is None:
                return None
            found = self._file(stem)
            return _Outcome(("file", found)) if found else None
        if spec.startswith("/"):
            return None
        config = self._config_for(importer)
        if config is not None:
            found = self._via_paths(config, spec)
            if found is None and config.base_url is not None:
                stem = _norm(posixpath.join(config.base_url, spec))
                found = self._file(stem) if stem is not None else None
            if found is not None:
                return _Outcome(("file", found))
        package = self._via_package(spec)
        if package is not None:
            return package
        return _Outcome(("ext", spec, ""))

    def _via_paths(self, config: _Config, spec: str) -> str | None:
        best: tuple[int, str, tuple[str, ...]] | None = None
        for pattern, targets in config.paths:
            if "*" in pattern:
                prefix, _, suffix = pattern.partition("*")
                if spec.startswith(prefix) and spec.endswith(suffix) and len(spec) >= len(prefix) + len(suffix):
                    star = spec[len(prefix): len(spec) - len(suffix)]
                    if best is None or len(prefix) > best[0]:
                        best = (len(prefix), star, targets)
            elif pattern == spec:
                best = (len(pattern) + 1, "", targets)
                break
        if best is None:
            return None
        for target in best[2]:
            stem = _norm(posixpath.join(config.paths_base, target.replace("*", best[1])))
            found = self._file(stem) if stem is not None else None
            if found is not None:
                return found
        return None

    def _via_package(self, spec: str) -> _Outcome | None:
        parts = spec.split("/")
        name = "/".join(parts[:2]) if spec.startswith("@") else parts[0]
        if name not in self.packages:
            return None
        directory, data = self.packages[name]
        sub = spec[len(name):].lstrip("/")
        entries: list[str] = []
        exports = data.get("exports")
        if exports is not None:
            entries.extend(_export_entries(exports, "./" + sub if sub else "."))
        if not sub:
            entries.extend(str(data[k]) for k in ("types", "typings", "module", "main") if isinstance(data.get(k), str))
            entries.append("index")
        else:
            entries.append(sub)
        for entry in entries:
            stem = _norm(posixpath.join(directory, entry))
            if stem is None:
                continue
            found = self._file(stem)
            if found is None and "/" in entry.lstrip("./"):
                # A built path (dist/x.js) whose sources are checked in under src/.
                built = entry.lstrip("./").split("/", 1)[1]
                src = _norm(posixpath.join(directory, "src", built))
                found = self._file(src) if src is not None else None
            if found is not None:
                return _Outcome(("file", found))
        return _Outcome(("ext", spec, ""))

    # -- names ---------------------------------------------------------------------------

    def binding(self, path: str, name: str) -> _Outcome:
        """What the top-level name ``name`` of ``path`` denotes (a declaration or an import)."""
        return self._memo(f"a:{path}:{name}", lambda: self._binding(path, name))

    def _binding(self, path: str, name: str) -> _Outcome:
        summ = self.summaries[path]
        if name in summ["defs"] and name:
            return _Outcome(("sym", path, name))
        imp = summ["imports"].get(name)
        if imp is not None:
            return self.import_target(path, imp[0], imp[1])
        return _Outcome(None)

    def import_target(self, path: str, spec: str, name: str | None) -> _Outcome:
        """What ``import { name } from spec`` binds (``name``: ``*`` namespace, ``default``)."""
        src = self.resolve_spec(path, spec)
        if src is None or src.target is None:
            return _Outcome(None)
        if src.target[0] == "ext":
            if name in (None, "*", "default"):
                return _Outcome(("ext", spec, ""))
            return _Outcome(("ext", spec, name))
        if name in (None, "*"):
            return _Outcome(src.target)
        return self.export(src.target[1], name)

    def export(self, path: str, name: str) -> _Outcome:
        """What ``path`` exports as ``name``, through re-export chains."""
        return self._memo(f"x:{path}:{name}", lambda: self._export(path, name))

    def _export(self, path: str, name: str) -> _Outcome:
        summ = self.summaries[path]
        exp = summ["exp"].get(name)
        if exp is not None:
            if exp[0] == "l":
                return self.binding(path, exp[1])
            if exp[0] == "r":
                return self.import_target(path, exp[1], exp[2])
            if exp[0] == "ns":
                return self.import_target(path, exp[1], "*")
        if name == "default" and "=" in summ["exp"]:
            return self.export(path, "=")
        found: list[_Outcome] = []
        ext_stars = 0
        if name != "default":
            for spec in summ["stars"]:
                src = self.resolve_spec(path, spec)
                if src is None or src.target is None:
                    continue
                if src.target[0] == "ext":
                    ext_stars += 1
                    continue
                out = self.export(src.target[1], name)
                if out.target is not None and out.target not in [f.target for f in found]:
                    found.append(out)
        if len(found) == 1 and not ext_stars:
            return found[0]
        if found:
            return _Outcome(found[0].target, max(len(found) + ext_stars, found[0].heuristic))
        if "=" in summ["exp"] and name != "=":
            return self.attr(self.export(path, "="), name)
        return _Outcome(None)

    def attr(self, out: _Outcome, name: str) -> _Outcome:
        """What ``name`` denotes as a property of ``out``."""
        t = out.target
        if t is None:
            return _Outcome(None)
        if t[0] == "ext":
            return _Outcome(("ext", t[1], f"{t[2]}.{name}" if t[2] else name), out.heuristic)
        if t[0] == "file":
            res = self.export(t[1], name)
        elif t[0] == "inst":
            res = self.member(t[1], t[2], name)
        elif t[0] == "sym":
            kind = self._kind(t[1], t[2])
            if kind in _CLASS_KINDS or kind == "Enum":
                res = self.member(t[1], t[2], name, static=True)
            elif kind == "Module":
                res = _Outcome(("sym", t[1], f"{t[2]}.{name}")) if self._kind(t[1], f"{t[2]}.{name}") else _Outcome(None)
            elif kind in _VALUE_KINDS:
                res = self.attr(self.type_of(t[1], t[2]), name)
            else:
                res = _Outcome(None)
        else:
            res = _Outcome(None)
        return _Outcome(res.target, max(res.heuristic, out.heuristic))

    def type_of(self, path: str, qname: str) -> _Outcome:
        """The instance a variable or field holds, from its written type or ``new`` class."""
        return self._memo(f"t:{path}:{qname}", lambda: self._type_of(path, qname))

    def _type_of(self, path: str, qname: str) -> _Outcome:
        chain = self.summaries[path]["types"].get(qname)
        if not chain:
            return _Outcome(None)
        return self.instance(self.chain_at_top(path, chain))

    def instance(self, out: _Outcome) -> _Outcome:
        """An instance of the class or interface ``out`` names (kept if it already is one)."""
        t = out.target
        if t is not None and t[0] == "inst":
            return out
        if t is not None and t[0] == "sym" and self._kind(t[1], t[2]) in _CLASS_KINDS:
            return _Outcome(("inst", t[1], t[2]), out.heuristic)
        return _Outcome(None)

    def value(self, out: _Outcome) -> _Outcome:
        """The value declaration merged with an interface or type alias of the same name.

        ``interface E {}`` + ``const E: ECtor = …`` (``E``, ``E#2``): a call or ``new`` of ``E``
        means the constant, as in tsc.
        """
        t = out.target
        if t is None or t[0] != "sym" or self._kind(t[1], t[2]) not in ("Interface", "TypeAlias"):
            return out
        for n in range(2, 5):
            kind = self._kind(t[1], f"{t[2]}#{n}")
            if kind is None:
                break
            if kind not in ("Interface", "TypeAlias"):
                return _Outcome(("sym", t[1], f"{t[2]}#{n}"), out.heuristic)
        return out

    def called(self, out: _Outcome) -> _Outcome:
        """What calling (or ``new``-ing) ``out`` gives: an instance of a class, else unknown."""
        out = self.value(out)
        t = out.target
        if t is not None and t[0] == "sym" and self._kind(t[1], t[2]) in _CLASS_KINDS:
            return _Outcome(("inst", t[1], t[2]), out.heuristic)
        if t is not None and t[0] == "sym" and self._kind(t[1], t[2]) in ("Function", "Method"):
            # A written return type names the class of the result.
            returned = self.type_of(t[1], t[2])
            if returned.target is not None:
                return _Outcome(returned.target, max(returned.heuristic, out.heuristic))
        return _Outcome(("local",) if t is not None else None)

    def chain_at_top(self, path: str, chain: list[str]) -> _Outcome:
        """Resolve a dotted chain written at the top level of ``path`` (``a.b()`` parts are calls)."""
        out = self.binding(path, chain[0].removesuffix("()"))
        if chain[0].endswith("()"):
            out = self.called(out)
        for part in chain[1:]:
            if out.target is None or out.target[0] == "local":
                return _Outcome(None)
            out = self.attr(out, part.removesuffix("()"))
            if part.endswith("()"):
                out = self.called(out)
        return out

    def member(self, path: str, cls: str, name: str, skip_self: bool = False, static: bool = False) -> _Outcome:
        """``name`` on class/interface ``cls`` of ``path`` or along its ``extends`` chain.

        ``static``: looked up on the class itself (``Cls.m()``) rather than on an instance;
        it picks between a static and an instance member of the same name.
        """
        return self._memo(f"c:{path}:{cls}:{name}:{int(skip_self)}{'s' if static else ''}",
                          lambda: self._member(path, cls, name, skip_self, static))

    def _member(self, path: str, cls: str, name: str, skip_self: bool, static: bool) -> _Outcome:
        summ = self.summaries[path]
        qname = f"{cls}.{name}"
        if not skip_self and summ["defs"].get(qname) is not None:
            statics = summ.get("static", [])
            if (qname in statics) != static:
                for n in range(2, 6):
                    other = f"{qname}#{n}"
                    if summ["defs"].get(other) is None:
                        break
                    if (other in statics) == static:
                        return _Outcome(("sym", path, other))
            return _Outcome(("sym", path, qname))
        externals: list[Target] = []
        for chain in summ["bases"].get(cls, []):
            base = self.chain_at_top(path, chain)
            t = base.target
            if t is None:
                externals.append(None)
            elif t[0] == "sym" and self._kind(t[1], t[2]) in _CLASS_KINDS:
                out = self.member(t[1], t[2], name, static=static)
                if out.target is not None:
                    return out
            elif t[0] == "ext":
                externals.append(self.attr(base, name).target)
        named = [e for e in externals if e is not None]
        if named:
            return _Outcome(named[0], heuristic=len(externals) + 1)
        return _Outcome(None)

    # -- one file ---------------------------------------------------------------------------

    def resolve(self, facts: FileFacts) -> FileGraph:
        """Build the rows of one file: its nodes and outgoing edges, and record its deps."""
        self._deps = set()
        return _FileResolution(self, facts).run()

    def dep_answer(self, dep: str) -> str:
        """The current answer to one recorded lookup (keys in ``dep_path``)."""
        answer = self._answers.get(dep)
        if answer is not None:
            return answer
        kind, _, key = dep.partition(":")
        saved, self._deps = self._deps, set()
        try:
            path = dep_path(dep) or ""
            if kind == "e":
                answer = "1" if key in self.summaries else ""
            elif path not in self.summaries:
                answer = ""
            elif kind == "k":
                answer = self._kind(path, key.partition("#")[2]) or ""
            elif kind in ("a", "x", "t"):
                name = key.rsplit(":", 1)[1]
                fn = {"a": self.binding, "x": self.export, "t": self.type_of}[kind]
                answer = _encode(fn(path, name))
            elif kind == "c":
                _, cls, name, skip = key.rsplit(":", 3)
                answer = _encode(self.member(path, cls, name, skip_self=skip.startswith("1"),
                                             static=skip.endswith("s")))
            else:
                answer = ""
        finally:
            self._deps = saved
        self._answers[dep] = answer
        return answer


def _export_entries(exports: Any, sub: str) -> list[str]:
    """The files ``package.json`` ``exports`` maps a subpath to, in condition order."""
    if isinstance(exports, str):
        return [exports] if sub == "." else []
    if isinstance(exports, list):
        return [e for x in exports for e in _export_entries(x, sub)]
    if not isinstance(exports, dict):
        return []
    if exports and all(not k.startswith(".") for k in exports):
        return [e for c in _CONDITIONS if c in exports for e in _conditional(exports[c])] if sub == "." else []
    target = exports.get(sub)
    if target is not None:
        return _conditional(target)
    for pattern, value in exports.items():
        if "*" in pattern:
            prefix, _, suffix = pattern.partition("*")
            if sub.startswith(prefix) and sub.endswith(suffix):
                star = sub[len(prefix): len(sub) - len(suffix)]
                return [e.replace("*", star) for e in _conditional(value)]
    return []


def _conditional(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [e for v in value for e in _conditional(v)]
    if isinstance(value, dict):
        return [e for c in _CONDITIONS if c in value for e in _conditional(value[c])]
    return []


class _FileResolution:
    """Resolution of the references of one file (its scopes, locals, edges)."""

    def __init__(self, resolver: Resolver, facts: FileFacts) -> None:
        self.r = resolver
        self.facts = facts
        self.path = facts.path
        self.lang = "javascript" if facts.lang == "javascript" else "typescript"
        self.fg = FileGraph(path=facts.path, summary=resolver.summaries[facts.path])
        self.kinds = {s.qname: s.kind for s in facts.symbols}
        self.parent = {s.qname: s.parent for s in facts.symbols}
        self.children: dict[str, set[str]] = {}
        for s in facts.symbols:
            if s.parent is not None:
                self.children.setdefault(s.parent, set()).add(s.name)
        self.locals: dict[str, dict[str, tuple[str, ...] | None]] = {}
        for loc in facts.locals:
            self.locals.setdefault(loc.scope, {})[loc.name] = loc.type_ref
        # Calls whose first name a function scope binds (anonymous callbacks included), by site.
        self.heads: dict[tuple[int, int], tuple[str, ...]] | None = None
        if hasattr(facts, "heads"):
            self.heads = {(line, column): t for line, column, t in facts.heads}
        summ = resolver.summaries[facts.path]
        self.top_bound = set(summ["imports"]) | {q for q in summ["defs"] if q and "." not in q}

    def sid(self, qname: str) -> str:
        return symbol_id(self.r.repo, self.path, qname)

    # -- lookups -----------------------------------------------------------------------

    def lookup(self, name: str, scope: str, site: tuple[int, int] | None = None) -> _Outcome:
        """What a bare ``name`` denotes in ``scope``: nested declarations, locals, file bindings, globals.

        At a call ``site`` the adapter already knows whether a function scope binds the name
        (``heads``); elsewhere the locals of the enclosing symbols are consulted.
        """
        lexical = self.heads is not None and site is not None
        if lexical and site in self.heads:  # type: ignore[operator]
            t = self.heads[site]  # type: ignore[index]
            return self.local(t or None, self.parent.get(scope) or "")
        s: str | None = scope
        while s:
            if self.kinds.get(s) not in _NOT_SCOPES:
                if name in self.children.get(s, ()) and (self.kinds.get(s) == "Module" or self.kinds.get(
                        f"{s}.{name}") in _NESTED_DECLS):
                    return _Outcome(("sym", self.path, f"{s}.{name}"))
                if name in self.locals.get(s, {}) and not lexical:
                    return self.local(self.locals[s][name], self.parent.get(s) or "")
            s = self.parent.get(s)
        if name in self.locals.get("", {}) and name not in self.top_bound and not lexical:
            return _Outcome(("local",))
        out = self.r.binding(self.path, name)
        if out.target is None and name in GLOBALS and name not in self.top_bound:
            return _Outcome(("ext", "globalThis", name))
        return out

    def local(self, type_ref: tuple[str, ...] | None, scope: str) -> _Outcome:
        if type_ref is None:
            return _Outcome(("local",))
        inst = self.r.instance(self.chain(list(type_ref), scope))
        return inst if inst.target is not None else _Outcome(("local",))

    def chain(self, parts: list[str], scope: str, site: tuple[int, int] | None = None) -> _Outcome:
        first = parts[0]
        if first == "this":
            cls = self.enclosing_class(scope)
            out = _Outcome(("inst", self.path, cls) if cls else None)
        else:
            out = self.lookup(first.removesuffix("()"), scope, site)
            if first.endswith("()"):
                out = self.called(out)
        for part in parts[1:]:
            if out.target is None or out.target[0] == "local":
                return _Outcome(None)
            out = self.r.attr(out, part.removesuffix("()"))
            if part.endswith("()"):
                out = self.called(out)
        return out

    def called(self, out: _Outcome) -> _Outcome:
        """What calling (or ``new``-ing) ``out`` gives: an instance of a class, else unknown."""
        return self.r.called(out)

    def enclosing_class(self, scope: str) -> str | None:
        s: str | None = scope
        while s:
            if self.kinds.get(s) == "Class":
                return s
            s = self.parent.get(s)
        return None

    def reference(self, receiver: tuple[str, ...] | None, name: str, scope: str,
                  site: tuple[int, int] | None = None) -> _Outcome:
        if receiver is None:
            return _Outcome(None)
        if receiver == ():
            out = self.lookup(name, scope, site)
            t = out.target
            if t is not None and t[0] == "inst":
                return _Outcome(("local",))  # calling a typed local calls the value, not its type
            if t is not None and t[0] == "file":
                # Calling a module binding (`const debug = require('debug')`) calls module.exports.
                return self.r.export(t[1], "=")
            return out
        if receiver == ("super",):
            cls = self.enclosing_class(scope)
            if cls is None:
                return _Outcome(None)
            out = self.r.member(self.path, cls, name, skip_self=True)
            if out.target is None and name == "constructor":
                bases = self.r.summaries[self.path]["bases"].get(cls, [])
                out = self.r.chain_at_top(self.path, bases[0]) if bases else _Outcome(None)
            return out
        base = self.chain(list(receiver), scope, site)
        if base.target is None or base.target[0] == "local":
            return _Outcome(None)
        return self.r.attr(base, name)

    # -- rows ----------------------------------------------------------------------------

    def external(self, module: str, name: str) -> str:
        dotted = f"{module}.{name}" if name else module
        eid = external_id(self.lang, dotted)
        if eid not in self.fg.externals:
            self.fg.externals[eid] = Node("External", eid, {"name": name or module, "module": module if name else "",
                                                            "lang": self.lang})
        return eid

    def edge(self, etype: str, src: str, src_label: str, out: _Outcome, name: str, line: int, column: int,
             alias: str | None = None) -> None:
        props: dict[str, object] = {"line": line, "column": column, "resolution": "exact"}
        t = out.target
        if t is None or t[0] == "local" or (t[0] == "file" and etype != "IMPORTS"):
            eid = unresolved_id(self.lang, name)
            if eid not in self.fg.externals:
                self.fg.externals[eid] = Node("External", eid, {"name": name, "module": "", "lang": self.lang})
            dst, dst_label = eid, "External"
            props["resolution"] = "unresolved"
        elif t[0] == "file":
            dst, dst_label = file_id(self.r.repo, t[1]), "File"
        elif t[0] in ("sym", "inst"):
            dst, dst_label = symbol_id(self.r.repo, t[1], t[2]), "Symbol"
        else:
            dst, dst_label = self.external(t[1], t[2]), "External"
        if out.heuristic and props["resolution"] == "exact":
            props["resolution"] = "heuristic"
            props["candidates"] = out.heuristic
            props["confidence"] = round(1.0 / out.heuristic, 2)
        if alias is not None:
            props["alias"] = alias
        self.fg.edges.append(Edge(etype, src, src_label, dst, dst_label, props))

    def run(self) -> FileGraph:
        facts, fg, r = self.facts, self.fg, self.r
        fid = file_id(r.repo, self.path)
        add_file_rows(fg, r.repo, facts, "", qualifier(facts, fg.summary), r.symbol_nodes)
        for imp in facts.imports:
            if imp.name is None or imp.name == "*":
                out = r.resolve_spec(self.path, imp.module) or _Outcome(None)
            else:
                out = r.import_target(self.path, imp.module, imp.name)
            alias = imp.alias if imp.alias is not None and imp.name not in (None, "*", "default") else None
            self.edge("IMPORTS", fid, "File", out, imp.alias or imp.name or imp.module, imp.line, imp.column, alias)
        for spec, name, line, column in getattr(facts, "reexports", ()):
            out = (r.import_target(self.path, spec, name) if name is not None
                   else r.resolve_spec(self.path, spec) or _Outcome(None))
            self.edge("IMPORTS", fid, "File", out, name or spec, line, column)
        for spec, line, column in getattr(facts, "stars", ()):
            self.edge("IMPORTS", fid, "File", r.resolve_spec(self.path, spec) or _Outcome(None), spec, line, column)
        for ref in facts.refs:
            scope = ref.scope
            if ref.kind in ("base", "implements"):
                scope = self.parent.get(scope) or ""
            out = self.reference(ref.receiver, ref.name, scope, (ref.line, ref.column) if ref.kind == "call" else None)
            if ref.kind == "call":
                out = r.value(out)
            if out.target is not None and out.target[0] == "inst":
                out = _Outcome(("sym", *out.target[1:]), out.heuristic)
            etype = {"call": "CALLS", "base": "EXTENDS", "implements": "IMPLEMENTS", "type": "USES"}[ref.kind]
            self.edge(etype, self.sid(ref.scope), "Symbol", out, ref.name, ref.line, ref.column)
        fg.edges = dedupe_edges(fg.edges)
        summ = fg.summary
        summ["deps"] = {d: r.dep_answer(d) for d in sorted(r._deps) if dep_path(d) != self.path}
        return fg


def dep_path(dep: str) -> str | None:
    """The file a recorded lookup is about.

    Keys: ``e:<path>`` (a file exists), ``k:<path>#<qname>`` (kind of a symbol),
    ``a:<path>:<name>`` (a top-level binding), ``x:<path>:<name>`` (an export),
    ``t:<path>:<qname>`` (the type of a variable or field), ``c:<path>:<class>:<name>:<skip>``
    (a class member).
    """
    kind, _, key = dep.partition(":")
    if kind == "e":
        return key
    if kind == "k":
        return key.partition("#")[0]
    if kind in ("a", "x", "t"):
        return key.rsplit(":", 1)[0]
    if kind == "c":
        return key.rsplit(":", 3)[0]
    return None


def _encode(out: _Outcome) -> str:
    return json.dumps([list(out.target) if out.target is not None else None, out.heuristic])


def _module_name(path: str) -> str:
    """A file's module as a path without its extension (``src/core/models``)."""
    for ext in sorted(_SOURCE_EXTS, key=len, reverse=True):
        if path.endswith(ext):
            return path[: -len(ext)]
    return path
