"""Java: resolve type names, calls and bases across the files of one repo.

Type names follow the Java scoping rules, nearest first: member types of the enclosing
classes (and of their bases), top-level types of the file, single-type imports, the
file's own package, on-demand imports (``a.b.*``), then ``java.lang``. A qualified name
(``com.acme.Foo``) is looked up as package + type. Calls resolve through the declared
type of their receiver: a local, a parameter, a field (inherited ones too), ``this``,
``super``, a type (static call), ``new T(…)``; bare calls through the enclosing classes,
then static imports. Overloads are told apart by the number of arguments; when several
remain, the edge is ``heuristic`` with their count.

What other files know of a file is its summary: package, definitions, imports, bases,
field types, parameter lists. Lookups are recorded as deps: ``f:<path>`` (the summary
of a file that was consulted, answered by its signature), ``t:<pkg>:<Name>`` (which
files declare top-level type ``Name`` in package ``pkg``) and ``p:<pkg>`` (whether the
repo has that package or a sub-package). The last two depend on what any file
declares, so their ``dep_path`` is ``ANY_FILE``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from graphsvc.ingest.resolve import FileGraph, Summary, dedupe_edges, summary_signature
from graphsvc.ingest.resolve.symbol_rows import ANY_FILE, NONE, Out, add_edge, file_rows
from graphsvc.model import FileFacts, file_id, symbol_id
from parsers.java import TYPE_KINDS, plain_type

__all__ = ["CONFIG_FILES", "Resolver", "dep_path", "make_summary", "module_names", "qualifier"]

CONFIG_FILES: tuple[str, ...] = ()
_LANG = "java"
_MAX_DEPTH = 16
_OBJECT_METHODS = frozenset({
    "equals", "hashCode", "toString", "getClass", "notify", "notifyAll", "wait", "clone", "finalize",
})
_ENUM_METHODS = frozenset({"values", "valueOf", "ordinal", "name", "compareTo", "getDeclaringClass"})
# Public types of java.lang: a simple name no import or package declares means one of these.
JAVA_LANG = frozenset("""
AbstractMethodError Appendable ArithmeticException ArrayIndexOutOfBoundsException ArrayStoreException
AssertionError AutoCloseable Boolean BootstrapMethodError Byte CharSequence Character Class ClassCastException
ClassCircularityError ClassFormatError ClassLoader ClassNotFoundException ClassValue CloneNotSupportedException
Cloneable Comparable Deprecated Double Enum EnumConstantNotPresentException Error Exception
ExceptionInInitializerError Float FunctionalInterface IllegalAccessError IllegalAccessException
IllegalArgumentException IllegalCallerException IllegalMonitorStateException IllegalStateException
IllegalThreadStateException IncompatibleClassChangeError IndexOutOfBoundsException InheritableThreadLocal
InstantiationError InstantiationException Integer InternalError InterruptedException Iterable LayerInstantiationException
LinkageError Long MatchException Math Module ModuleLayer NegativeArraySizeException NoClassDefFoundError
NoSuchFieldError NoSuchFieldException NoSuchMethodError NoSuchMethodException NullPointerException Number
NumberFormatException Object OutOfMemoryError Override Package Process ProcessBuilder ProcessHandle Readable Record
ReflectiveOperationException Runnable Runtime RuntimeException RuntimePermission SafeVarargs ScopedValue
SecurityException SecurityManager Short StackOverflowError StackTraceElement StackWalker StrictMath String
StringBuffer StringBuilder StringIndexOutOfBoundsException StringTemplate SuppressWarnings System Thread ThreadDeath
ThreadGroup ThreadLocal Throwable TypeNotPresentException UnknownError UnsatisfiedLinkError
UnsupportedClassVersionError UnsupportedOperationException VerifyError VirtualMachineError Void WrongThreadException
""".split())
# Members of external bases common enough to know: a name they lack is not inherited from them.
_KNOWN_MEMBERS: dict[str, frozenset[str]] = {
    "java.lang.Runnable": frozenset({"run"}),
    "java.lang.Comparable": frozenset({"compareTo"}),
    "java.lang.AutoCloseable": frozenset({"close"}),
    "java.io.Closeable": frozenset({"close"}),
    "java.lang.Iterable": frozenset({"iterator", "forEach", "spliterator"}),
    "java.lang.Cloneable": frozenset(),
    "java.io.Serializable": frozenset(),
    "java.lang.Record": frozenset(),
}
_PARAMS_RE = re.compile(r"\((.*)\)\s*(?:throws\b.*)?$", re.S)


def module_names(paths: Iterable[str], project_files: Iterable[str], root: Path) -> dict[str, tuple[str, ...]]:
    """Java files answer to their package, which only their contents declare: none from paths."""
    return {}


def _params(signature: str) -> list[object]:
    """``[count, varargs, [parameter types]]`` from a method's signature."""
    m = _PARAMS_RE.search(signature)
    inner = m.group(1).strip() if m else ""
    parts: list[str] = []
    depth, cur = 0, ""
    for ch in inner:
        if ch in "<([":
            depth += 1
        elif ch in ">)]":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    if cur.strip():
        parts.append(cur)
    types = []
    for part in parts:
        words = [w for w in part.replace("final ", "").split() if not w.startswith("@")]
        types.append(" ".join(words[:-1]) if len(words) > 1 else part.strip())
    return [len(types), int(any("..." in t for t in types)), types]


def make_summary(facts: FileFacts, names: tuple[str, ...]) -> Summary:
    """What other files need to know about a Java file (positions left out)."""
    defs = {s.qname: s.kind for s in facts.symbols}
    bases: dict[str, list[list[str]]] = {}
    for ref in facts.refs:
        if ref.kind in ("base", "implements") and ref.receiver is not None:
            bases.setdefault(ref.scope, []).append([ref.kind, *ref.receiver, ref.name])
    fields: dict[str, dict[str, list[str] | None]] = {}
    for loc in facts.locals:
        if defs.get(loc.scope) in TYPE_KINDS:
            fields.setdefault(loc.scope, {})[loc.name] = list(loc.type_ref) if loc.type_ref else None
    params = {s.qname: _params(s.signature) for s in facts.symbols if s.kind in ("Method", "Constructor")}
    return {
        "m": "", "pkg": facts.symbols[0].signature if facts.symbols else "", "defs": defs,
        "imports": [[i.module, i.name, i.wildcard] for i in facts.imports], "bases": bases,
        "fields": fields, "params": params,
    }


def dep_path(dep: str) -> str | None:
    """The file a recorded lookup is about (``ANY_FILE`` for name lookups)."""
    kind, _, key = dep.partition(":")
    if kind == "f":
        return key
    return ANY_FILE if kind in ("t", "p") else None


def _exact_match(found: dict[str, tuple[str, str]], args: tuple[str, ...]) -> dict[str, tuple[str, str]]:
    """The overloads (by parameter types, as JSON) whose parameter types equal ``args``; all of them
    when the argument types are not all known or none or several match."""
    if not args or not all(args):
        return found
    exact = {k: v for k, v in found.items() if [plain_type(t) for t in json.loads(k)] == list(args)}
    return exact if len(exact) == 1 else found


def _parent(qname: str) -> str:
    return qname.rsplit(".", 1)[0] if "." in qname else ""


def _base_name(qname: str) -> str:
    """``A.b#2`` → ``A.b``."""
    return qname.split("#", 1)[0] if "#" in qname.rsplit(".", 1)[-1] else qname


def qualifier(facts: FileFacts, summary: Summary) -> Callable[[str], str]:
    """What ``Symbol.qualifiedName`` is for each qname of the file (its rows are built from it,
    here and ahead of resolving, ``graphsvc/ingest/workers.py``)."""
    pkg = summary.get("pkg", "")
    stem = facts.symbols[0].name if facts.symbols else ""

    def qualified(qname: str) -> str:
        if not qname:
            return pkg or stem
        return f"{pkg}.{qname}" if pkg else qname

    return qualified


class Resolver:
    """Resolves the Java files of one repo against the summaries of all its Java files."""

    def __init__(self, repo: str, summaries: Mapping[str, Summary], module_map: Mapping[str, tuple[str, ...]],
                 root: Path | None = None, *, symbol_nodes: bool = True) -> None:
        self.repo = repo
        self.symbol_nodes = symbol_nodes
        self.summaries = summaries
        self.types: dict[tuple[str, str], list[str]] = {}
        self.packages: set[str] = set()
        for path, summ in sorted(summaries.items()):
            pkg = summ.get("pkg", "")
            parts = pkg.split(".") if pkg else []
            for i in range(1, len(parts) + 1):
                self.packages.add(".".join(parts[:i]))
            for qname, kind in summ["defs"].items():
                if qname and "." not in qname and "#" not in qname and kind in TYPE_KINDS:
                    self.types.setdefault((pkg, qname), []).append(path)
        self._deps: set[str] = set()
        self._answers: dict[str, str] = {}

    # -- recorded lookups ---------------------------------------------------------------

    def _summ(self, path: str) -> Summary:
        self._deps.add("f:" + path)
        return self.summaries[path]

    def _types_in(self, pkg: str, name: str) -> list[str]:
        self._deps.add(f"t:{pkg}:{name}")
        return self.types.get((pkg, name), [])

    def _is_package(self, pkg: str) -> bool:
        self._deps.add("p:" + pkg)
        return pkg in self.packages

    def dep_answer(self, dep: str) -> str:
        """The current answer to one recorded lookup; a file is re-linked when one differs."""
        answer = self._answers.get(dep)
        if answer is None:
            kind, _, key = dep.partition(":")
            if kind == "f":
                answer = summary_signature(self.summaries[key]) if key in self.summaries else ""
            elif kind == "t":
                pkg, _, name = key.rpartition(":")
                answer = json.dumps(self.types.get((pkg, name), []))
            elif kind == "p":
                answer = "1" if key in self.packages else ""
            else:
                answer = ""
            self._answers[dep] = answer
        return answer

    # -- types ---------------------------------------------------------------------------

    def _kind(self, path: str, qname: str) -> str | None:
        kind = self._summ(path)["defs"].get(qname)
        return None if kind is None else str(kind)

    def _is_type(self, out: Out) -> bool:
        t = out.target
        return t is not None and t[0] == "sym" and self._kind(t[1], t[2]) in TYPE_KINDS

    def nested(self, cls: tuple[str, ...], name: str, depth: int = 0) -> Out:
        """Member type ``name`` of class ``cls`` (a "sym" target), declared or inherited."""
        if depth > _MAX_DEPTH:
            return NONE
        path, qname = cls[1], cls[2]
        inner = f"{qname}.{name}"
        if self._kind(path, inner) in TYPE_KINDS:
            return Out(("sym", path, inner))
        for base in self._summ(path)["bases"].get(qname, []):
            out = self.type_in(path, tuple(base[1:]), _parent(qname), depth + 1)
            if self._is_type(out):
                found = self.nested(out.target, name, depth + 1)  # type: ignore[arg-type]
                if found.target is not None:
                    return found
        return NONE

    def simple_type(self, path: str, name: str, scope: str, depth: int = 0) -> Out:
        """What the simple type name ``name`` denotes in ``scope`` of file ``path``."""
        summ = self.summaries[path] if depth == 0 else self._summ(path)
        defs = summ["defs"]
        s = scope
        while s:
            if defs.get(s) in TYPE_KINDS:
                member = self.nested(("sym", path, s), name, depth)
                if member.target is not None:
                    return member
            s = _parent(s)
        if defs.get(name) in TYPE_KINDS:
            return Out(("sym", path, name))
        for module, imported, wildcard in summ["imports"]:
            if not wildcard and imported == name and not module.startswith("static:"):
                return self.qualified(tuple(module.split(".")) + (name,), depth)
        pkg = summ.get("pkg", "")
        same = [p for p in self._types_in(pkg, name) if p != path]
        if same:
            return Out(("sym", same[0], name)).guess(len(same))
        found: list[Out] = []
        external: list[str] = []
        for module, imported, wildcard in summ["imports"]:
            if not wildcard or module.startswith("static:"):
                continue
            paths = self._types_in(module, name)
            if paths:
                found.extend(Out(("sym", p, name)) for p in paths)
                continue
            owner = self.qualified(tuple(module.split(".")), depth, allow_external=False)
            if self._is_type(owner):
                inner = self.nested(owner.target, name, depth + 1)  # type: ignore[arg-type]
                if inner.target is not None:
                    found.append(inner)
                continue
            if not self._is_package(module):
                external.append(module)
        if found:
            return found[0].guess(len(found))
        if name in JAVA_LANG:
            return Out(("ext", f"java.lang.{name}"))
        if external:
            return Out(("ext", f"{external[0]}.{name}")).guess(len(external) + 1)
        return NONE

    def qualified(self, chain: tuple[str, ...], depth: int = 0, allow_external: bool = True) -> Out:
        """A fully qualified type name: the longest package prefix that declares the next name."""
        for k in range(len(chain) - 1, -1, -1):
            pkg = ".".join(chain[:k])
            paths = self._types_in(pkg, chain[k])
            if paths:
                out = Out(("sym", paths[0], chain[k])).guess(len(paths))
                for part in chain[k + 1:]:
                    if not self._is_type(out):
                        return NONE
                    out = self.nested(out.target, part, depth + 1).guess(out.candidates)  # type: ignore[arg-type]
                return out
        if allow_external and not self._is_package(chain[0]):
            return Out(("ext", ".".join(chain)))
        return NONE

    def type_in(self, path: str, chain: tuple[str, ...], scope: str, depth: int = 0) -> Out:
        """A (possibly qualified) type name written in ``scope`` of ``path``."""
        if not chain:
            return NONE
        out = self.simple_type(path, chain[0], scope, depth)
        if out.target is None:
            if len(chain) == 1:
                return NONE
            return self.qualified(chain, depth)
        for part in chain[1:]:
            if out.target[0] == "ext":
                out = Out(("ext", f"{out.target[1]}.{part}"), out.candidates)
            elif self._is_type(out):
                out = self.nested(out.target, part, depth + 1).guess(out.candidates)  # type: ignore[arg-type]
            else:
                return NONE
        return out

    # -- members -------------------------------------------------------------------------

    def _hierarchy(self, cls: tuple[str, ...], skip_self: bool = False) -> tuple[list[tuple[str, str]], list[str]]:
        """The in-repo classes from ``cls`` up (nearest first) and the external bases met."""
        order: list[tuple[str, str]] = []
        external: list[str] = []
        queue = [(cls[1], cls[2])]
        seen: set[tuple[str, str]] = set()
        while queue and len(seen) < 64:
            path, qname = queue.pop(0)
            if (path, qname) in seen:
                continue
            seen.add((path, qname))
            order.append((path, qname))
            for base in self._summ(path)["bases"].get(qname, []):
                out = self.type_in(path, tuple(base[1:]), _parent(qname), 1)
                if self._is_type(out):
                    queue.append((out.target[1], out.target[2]))  # type: ignore[index]
                elif out.target is not None and out.target[0] == "ext":
                    if out.target[1] not in ("java.lang.Object",):
                        external.append(out.target[1])
                else:
                    external.append("?")
        if skip_self:
            order = order[1:]
        return order, external

    def member(self, cls: tuple[str, ...], name: str, arity: int, skip_self: bool = False,
               args: tuple[str, ...] = ()) -> Out:
        """Method ``name`` called with ``arity`` arguments on class ``cls``, declared or inherited.

        Among several overloads, the one whose parameter types are exactly the argument types (all
        known) is the one Java picks: it is more specific than any other applicable overload.
        """
        order, external = self._hierarchy(cls, skip_self)
        found: dict[str, tuple[str, str]] = {}
        for path, qname in order:
            summ = self._summ(path)
            prefix = f"{qname}.{name}"
            for q, kind in summ["defs"].items():
                if kind != "Method" or _base_name(q) != prefix:
                    continue
                count, varargs, types = summ["params"].get(q, [0, 0, []])
                if arity >= 0 and not (count == arity or (varargs and arity >= count - 1)):
                    continue
                found.setdefault(json.dumps(types), (path, q))
        if len(found) > 1:
            found = _exact_match(found, args)
        if found:
            first = next(iter(found.values()))
            return Out(("sym", *first)).guess(len(found) + (1 if "?" in external and len(found) == 1 else 0))
        kinds = {self._kind(p, q) for p, q in order[:1]} if order else set()
        real = [e for e in external if e != "?" and name in _KNOWN_MEMBERS.get(e, frozenset({name}))]
        if real:
            return Out(("ext", f"{real[0]}.{name}")).guess(len(external) + 1)
        if "?" in external:
            return NONE
        if name in _ENUM_METHODS and "Enum" in kinds:
            return Out(("ext", f"java.lang.Enum.{name}"))
        if name in _OBJECT_METHODS:
            return Out(("ext", f"java.lang.Object.{name}"))
        return NONE

    def constructor(self, cls: tuple[str, ...], arity: int, args: tuple[str, ...] = ()) -> Out:
        """The constructor ``new C(…)`` with ``arity`` arguments calls (the class when none is declared)."""
        path, qname = cls[1], cls[2]
        summ = self._summ(path)
        simple = qname.rsplit(".", 1)[-1]
        ctors = [q for q, k in summ["defs"].items() if k == "Constructor" and _base_name(q) == f"{qname}.{simple}"]
        if not ctors:
            return Out(("sym", path, qname))
        fits = []
        for q in ctors:
            count, varargs, _types = summ["params"].get(q, [0, 0, []])
            if arity < 0 or count == arity or (varargs and arity >= count - 1):
                fits.append(q)
        if not fits:
            return Out(("sym", path, qname)).guess(2)
        if len(fits) > 1:
            by_types = {json.dumps(summ["params"].get(q, [0, 0, []])[2]): (path, q) for q in fits}
            fits = [q for _p, q in _exact_match(by_types, args).values()]
        return Out(("sym", path, fits[0])).guess(len(fits))

    def field_type(self, cls: tuple[str, ...], name: str) -> Out:
        """The declared type of field ``name`` of ``cls`` (inherited ones too)."""
        order, external = self._hierarchy(cls)
        for path, qname in order:
            fields = self._summ(path).get("fields", {}).get(qname, {})
            if name in fields:
                chain = fields[name]
                return self.type_in(path, tuple(chain), qname, 1) if chain else NONE
        return NONE

    def has_field(self, cls: tuple[str, ...], name: str) -> bool:
        """Whether ``name`` may be a field of ``cls``: declared, or (for a variable-like name) inherited
        from a base outside the repo."""
        order, external = self._hierarchy(cls)
        declared = any(name in self._summ(p).get("fields", {}).get(q, {}) for p, q in order)
        return declared or (bool(external) and name[:1].islower())

    # -- one file ------------------------------------------------------------------------

    def resolve(self, facts: FileFacts) -> FileGraph:
        """Build the rows of one file and record its lookups in other files."""
        self._deps = set()
        path = facts.path
        summ = self.summaries[path]
        pkg = summ.get("pkg", "")
        fg = file_rows(self.repo, facts, summ, pkg, qualifier(facts, summ), self.symbol_nodes)
        fid = file_id(self.repo, path)
        defs = summ["defs"]
        locals_: dict[str, dict[str, tuple[str, ...] | None]] = {}
        for loc in facts.locals:
            locals_.setdefault(loc.scope, {})[loc.name] = loc.type_ref

        def enclosing_class(scope: str) -> str | None:
            s = scope
            while s:
                if defs.get(s) in TYPE_KINDS:
                    return s
                s = _parent(s)
            return None

        def value(name: str, scope: str) -> Out | None:
            """The declared type of variable ``name`` seen from ``scope`` (None: no such variable)."""
            s = scope
            while s:
                if defs.get(s) not in TYPE_KINDS and name in locals_.get(s, {}):
                    chain = locals_[s][name]
                    return self.type_in(path, chain, s) if chain else NONE
                if defs.get(s) in TYPE_KINDS:
                    cls = ("sym", path, s)
                    if self.has_field(cls, name):
                        return self.field_type(cls, name)
                s = _parent(s)
            return None

        def receiver(chain: tuple[str, ...], scope: str) -> Out:
            head = chain[0]
            if head in ("this", "super"):
                cls = enclosing_class(scope)
                out = Out(("sym", path, cls)) if cls else NONE
                if head == "super" and cls:
                    order, external = self._hierarchy(out.target)  # type: ignore[arg-type]
                    out = Out(("sym", *order[1])) if len(order) > 1 else NONE
            elif head == "<new>":
                return self.type_in(path, chain[1:], scope)
            else:
                var = value(head, scope)
                if var is not None:
                    out = var
                else:
                    out = self.type_in(path, chain, scope)
                    if out.target is not None:
                        return out
                    return self.qualified(chain) if not self._is_package(chain[0]) and head[:1].islower() else NONE
            for part in chain[1:]:
                t = out.target
                if t is None:
                    return NONE
                if t[0] == "ext":
                    out = Out(("ext", f"{t[1]}.{part}"), out.candidates)
                elif self._is_type(out):
                    inner = self.nested(t, part)
                    out = inner if inner.target is not None else self.field_type(t, part).guess(out.candidates)
                else:
                    return NONE
            return out

        def call(ref_name: str, rchain: tuple[str, ...] | None, scope: str, arity: int,
                 args: tuple[str, ...] = ()) -> Out:
            if rchain is None:
                return NONE
            if ref_name == "<init>":
                cls = enclosing_class(scope)
                if cls is None:
                    return NONE
                if rchain == ("this",):
                    return self.constructor(("sym", path, cls), arity, args)
                supers = [b for b in summ["bases"].get(cls, []) if b[0] == "base"]
                if not supers or defs.get(cls) != "Class":
                    return Out(("ext", "java.lang.Object.<init>")) if not supers else NONE
                sup = self.type_in(path, tuple(supers[0][1:]), _parent(cls))
                if self._is_type(sup):
                    return self.constructor(sup.target, arity, args).guess(sup.candidates)  # type: ignore[arg-type]
                return Out(("ext", f"{sup.target[1]}.<init>"), sup.candidates) if sup.target else NONE
            if rchain and rchain[0] == "<ctor>":
                created = self.type_in(path, rchain[1:] + (ref_name,), scope)
                if self._is_type(created):
                    return self.constructor(created.target, arity, args).guess(created.candidates)  # type: ignore[arg-type]
                return created
            if rchain == ():
                s: str | None = enclosing_class(scope)
                guess = NONE
                while s:
                    out = self.member(("sym", path, s), ref_name, arity, args=args)
                    if out.target is not None and out.target[0] == "sym":
                        return out
                    if guess.target is None:
                        guess = out
                    s = enclosing_class(_parent(s))
                imported = static_import(ref_name, arity, args)
                if imported.target is not None:
                    # A method inherited from a base outside the repo would shadow the import.
                    return imported.guess(2) if guess.target is not None else imported
                return guess
            if rchain == ("super",):
                cls = enclosing_class(scope)
                return self.member(("sym", path, cls), ref_name, arity, skip_self=True, args=args) if cls else NONE
            base = receiver(rchain, scope)
            t = base.target
            if t is None:
                return NONE
            if t[0] == "ext":
                return Out(("ext", f"{t[1]}.{ref_name}"), base.candidates)
            if self._is_type(base):
                return self.member(t, ref_name, arity, args=args).guess(base.candidates)
            return NONE

        def static_import(name: str, arity: int, args: tuple[str, ...] = ()) -> Out:
            found: list[Out] = []
            for module, imported, wildcard in summ["imports"]:
                if not module.startswith("static:") or (not wildcard and imported != name):
                    continue
                owner = self.qualified(tuple(module[len("static:"):].split(".")))
                if self._is_type(owner):
                    out = self.member(owner.target, name, arity, args=args)  # type: ignore[arg-type]
                    if out.target is not None:
                        found.append(out.guess(owner.candidates))
                elif owner.target is not None and not wildcard:
                    return Out(("ext", f"{owner.target[1]}.{name}"))
                elif owner.target is not None:
                    found.append(Out(("ext", f"{owner.target[1]}.{name}")))
            if len(found) == 1:
                return found[0] if found[0].target[0] == "sym" else found[0].guess(2)  # type: ignore[index]
            return found[0].guess(len(found)) if found else NONE

        # Imports.
        for imp in facts.imports:
            module = imp.module.removeprefix("static:")
            chain = tuple(module.split(".")) if module else ()
            if imp.wildcard:
                out = self.qualified(chain, allow_external=False)
                if out.target is None and not self._is_package(module):
                    out = Out(("ext", module))
                shown = module
            elif imp.module.startswith("static:"):
                owner = self.qualified(chain)
                if self._is_type(owner):
                    out = self.member(owner.target, imp.name or "", -1)  # type: ignore[arg-type]
                    if out.target is None:
                        fields = self._summ(owner.target[1]).get("fields", {}).get(owner.target[2], {})  # type: ignore[index]
                        out = owner if imp.name in fields else NONE
                    out = Out(out.target, 0) if out.target is not None else NONE
                elif owner.target is not None:
                    out = Out(("ext", f"{owner.target[1]}.{imp.name}"))
                else:
                    out = NONE
                shown = imp.name or module
            else:
                out = self.qualified(chain + (imp.name or "",))
                shown = imp.name or module
            if out.target is None and imp.wildcard:
                continue  # a package of this repo: no single node stands for it
            add_edge(fg, self.repo, _LANG, "IMPORTS", fid, "File", out, shown, imp.line, imp.column)

        # References.
        for ref in facts.refs:
            src = symbol_id(self.repo, path, ref.scope)
            if ref.kind == "call":
                out = call(ref.name, ref.receiver, ref.scope, ref.arity, ref.arg_types)
                etype = "CALLS"
            else:
                scope = _parent(ref.scope) if ref.kind in ("base", "implements") else ref.scope
                out = self.type_in(path, (*(ref.receiver or ()), ref.name), scope)
                etype = {"base": "EXTENDS", "implements": "IMPLEMENTS"}.get(ref.kind, "USES")
            add_edge(fg, self.repo, _LANG, etype, src, "Symbol", out, ref.name, ref.line, ref.column)

        fg.edges = dedupe_edges(fg.edges)
        summ["deps"] = {d: self.dep_answer(d) for d in sorted(self._deps) if dep_path(d) != path}
        return fg
