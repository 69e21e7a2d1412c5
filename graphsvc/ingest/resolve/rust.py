"""Rust: resolve paths, calls and trait impls across the files of one repo.

Each file answers to one module path, taken from where it stands in its crate
(``src/lib.rs`` → ``<crate>``, ``src/a/mod.rs`` and ``src/a.rs`` → ``<crate>::a``,
``src/a/b.rs`` → ``<crate>::a::b``). The crate is named by the ``[package] name`` of the
nearest ``Cargo.toml`` (``-`` → ``_``); binaries, tests, examples and benches are crates of
their own (``<crate>[tests/api]``). Paths resolve through ``crate::``, ``self::``,
``super::``, inline ``mod`` blocks, child module files, ``use`` bindings (aliases, groups,
globs, re-exports) and the other crates of the repo; a first segment found nowhere is an
external crate (``ext:rust:serde::Serialize``). Methods resolve through an index of every
``impl`` block of the repo: ``x.m()`` with ``x`` of a known type (a parameter, a ``let``
with a type or ``T::new()``/``T { … }``, a field of ``self``), ``Self::f()``,
``Type::f()``; trait default methods through the traits a type implements.

Lookups are recorded as deps: ``f:<path>`` (a consulted summary, answered by its
signature), ``m:<module>`` (which files answer to a module path), ``e:<path>`` (whether a
file exists: a ``mod`` file found by its path) and
``i:<path>#<qname>`` (the methods and traits the impl index holds for one type; it
depends on every file's impl blocks, so its ``dep_path`` is ``ANY_FILE``).
"""

from __future__ import annotations

import json
import posixpath
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from graphsvc.ingest.resolve import FileGraph, Summary, dedupe_edges, summary_signature
from graphsvc.ingest.resolve.symbol_rows import ANY_FILE, NONE, Out, add_edge, file_rows
from graphsvc.model import FileFacts, file_id, symbol_id
from parsers.rust import TYPE_KINDS

__all__ = ["CONFIG_FILES", "Resolver", "dep_path", "make_summary", "module_names", "qualifier"]

CONFIG_FILES: tuple[str, ...] = ("Cargo.toml",)
_LANG = "rust"
_MAX_DEPTH = 12
_PRELUDE = {
    "Vec": "std::vec::Vec", "String": "std::string::String", "Option": "std::option::Option",
    "Some": "std::option::Option::Some", "None": "std::option::Option::None", "Result": "std::result::Result",
    "Ok": "std::result::Result::Ok", "Err": "std::result::Result::Err", "Box": "std::boxed::Box",
    "ToString": "std::string::ToString", "ToOwned": "std::borrow::ToOwned", "Clone": "std::clone::Clone",
    "Copy": "std::marker::Copy", "Send": "std::marker::Send", "Sync": "std::marker::Sync",
    "Sized": "std::marker::Sized", "Unpin": "std::marker::Unpin", "Default": "std::default::Default",
    "Drop": "std::ops::Drop", "Fn": "std::ops::Fn", "FnMut": "std::ops::FnMut", "FnOnce": "std::ops::FnOnce",
    "From": "std::convert::From", "Into": "std::convert::Into", "TryFrom": "std::convert::TryFrom",
    "TryInto": "std::convert::TryInto", "AsRef": "std::convert::AsRef", "AsMut": "std::convert::AsMut",
    "Iterator": "std::iter::Iterator", "IntoIterator": "std::iter::IntoIterator", "Extend": "std::iter::Extend",
    "FromIterator": "std::iter::FromIterator", "DoubleEndedIterator": "std::iter::DoubleEndedIterator",
    "ExactSizeIterator": "std::iter::ExactSizeIterator", "PartialEq": "std::cmp::PartialEq",
    "Eq": "std::cmp::Eq", "PartialOrd": "std::cmp::PartialOrd", "Ord": "std::cmp::Ord",
    "drop": "std::mem::drop", "Debug": "std::fmt::Debug", "Hash": "std::hash::Hash",
}
_PRIMITIVES = frozenset(
    "bool char str u8 u16 u32 u64 u128 usize i8 i16 i32 i64 i128 isize f32 f64".split())
_RET_RE = re.compile(r"->\s*(.+)$", re.S)
_PATH_RE = re.compile(r"^(?:&\s*(?:'\w+\s+)?(?:mut\s+)?)?((?:[A-Za-z_]\w*::)*[A-Za-z_]\w*)")


# -- module names ------------------------------------------------------------------------


def _crate_name(root: Path, cargo: str) -> str | None:
    try:
        data = tomllib.loads((root / cargo).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return None
    name = data.get("package", {}).get("name") if isinstance(data.get("package"), dict) else None
    return str(name).replace("-", "_") if isinstance(name, str) else None


def module_names(paths: Iterable[str], project_files: Iterable[str], root: Path) -> dict[str, tuple[str, ...]]:
    """The module path of each Rust file, from where it stands in its crate."""
    crates: dict[str, str] = {}
    for pf in project_files:
        if posixpath.basename(pf) == "Cargo.toml":
            d = posixpath.dirname(pf)
            crates[d] = _crate_name(root, pf) or (posixpath.basename(d) or root.name).replace("-", "_")
    paths = [p for p in paths if p.endswith(".rs")]
    present = set(paths)
    result: dict[str, tuple[str, ...]] = {}
    for p in paths:
        d = posixpath.dirname(p)
        while d and d not in crates:
            d = posixpath.dirname(d)
        crate = crates.get(d) or (root.name.replace("-", "_") or "crate")
        rel = p[len(d) + 1:] if d else p
        if rel == "src/main.rs" and posixpath.join(d, "src/lib.rs") in present:
            result[p] = (f"{crate}[bin/main]",)  # the binary beside a library is a crate of its own
            continue
        result[p] = (_module_of(crate, rel),)
    return result


def _module_of(crate: str, rel: str) -> str:
    parts = rel[:-3].split("/")
    if parts[0] == "src":
        parts = parts[1:]
        if parts and parts[0] == "bin":
            target = parts[1] if len(parts) > 1 else "main"
            rest = parts[2:]
            if rest in ([], ["main"]):
                return f"{crate}[bin/{target}]"
            crate, parts = f"{crate}[bin/{target}]", rest
        elif parts == ["main"]:
            return crate
    elif parts[0] in ("tests", "examples", "benches") and len(parts) >= 2:
        if len(parts) == 2 or parts[2:] == ["main"]:
            return f"{crate}[{parts[0]}/{parts[1]}]"
        crate, parts = f"{crate}[{parts[0]}/{parts[1]}]", parts[2:]
    else:
        return f"{crate}[{'/'.join(parts)}]"
    if parts and parts[-1] in ("mod", "lib"):
        parts = parts[:-1]
    return "::".join([crate, *parts])


# -- summaries ---------------------------------------------------------------------------


def _ret(signature: str) -> list[str] | None:
    m = _RET_RE.search(signature)
    if not m:
        return None
    p = _PATH_RE.match(m.group(1).strip())
    return p.group(1).split("::") if p else None


def make_summary(facts: FileFacts, names: tuple[str, ...]) -> Summary:
    """What other files need to know about a Rust file (positions left out)."""
    defs = {s.qname: s.kind for s in facts.symbols}
    uses = [[i.scope, i.module, i.name, i.alias, i.wildcard] for i in facts.imports if i.module != "<mod>"]
    impls = []
    fields: dict[str, dict[str, list[str] | None]] = {}
    for loc in facts.locals:
        if loc.scope.startswith("<impl>") and loc.type_ref:
            ref = list(loc.type_ref)
            cut = ref.index("<for>") if "<for>" in ref else len(ref)
            impls.append([loc.scope[len("<impl>"):], loc.name, ref[:cut], ref[cut + 1:] or None])
    field_types = {s.qname: s.signature for s in facts.symbols if s.kind == "Field"}
    for qname, sig in field_types.items():
        owner, _, name = qname.rpartition(".")
        _, _, tail = sig.partition(":")
        p = _PATH_RE.match(tail.strip())
        fields.setdefault(owner, {})[name] = p.group(1).split("::") if p else None
    rets = {s.qname: _ret(s.signature) for s in facts.symbols if s.kind in ("Function", "Method")}
    return {"m": names[0] if names else "", "defs": defs, "uses": uses, "impls": impls, "fields": fields,
            "rets": {k: v for k, v in rets.items() if v}}


def dep_path(dep: str) -> str | None:
    """The file a recorded lookup is about (``ANY_FILE`` for the impl index)."""
    kind, _, key = dep.partition(":")
    if kind == "f":
        return key
    return ANY_FILE if kind == "i" else None


def _parent(qname: str) -> str:
    return qname.rsplit(".", 1)[0] if "." in qname else ""


def _plain(qname: str) -> str:
    """``A.b#2`` → ``A.b``."""
    head, _, last = qname.rpartition(".")
    last = last.split("#", 1)[0]
    return f"{head}.{last}" if head else last


# Targets: ("mod", path, q) a module (q: inline module qname, "" for the file);
# ("sym", path, qname); ("ext", path::in::crate).


def qualifier(facts: FileFacts, summary: Summary) -> Callable[[str], str]:
    """What ``Symbol.qualifiedName`` is for each qname of the file (its rows are built from it,
    here and ahead of resolving, ``graphsvc/ingest/workers.py``)."""
    module = str(summary["m"])

    def qualified(qname: str) -> str:
        if not qname:
            return module
        return "::".join([module, *qname.split(".")]) if module else qname.replace(".", "::")

    return qualified


class Resolver:
    """Resolves the Rust files of one repo against the summaries of all its Rust files."""

    def __init__(self, repo: str, summaries: Mapping[str, Summary], module_map: Mapping[str, tuple[str, ...]],
                 root: Path | None = None, *, symbol_nodes: bool = True) -> None:
        self.repo = repo
        self.symbol_nodes = symbol_nodes
        self.summaries = summaries
        self.by_name: dict[str, list[str]] = {}
        self.mod_of: dict[str, str] = {}
        for path, names in sorted(module_map.items()):
            if path in summaries and names:
                self.by_name.setdefault(names[0], []).append(path)
                self.mod_of[path] = names[0]
        self._deps: set[str] = set()
        self._answers: dict[str, str] = {}
        self._index: dict[tuple[str, str], dict[str, Any]] | None = None

    # -- recorded lookups ---------------------------------------------------------------

    def _summ(self, path: str) -> Summary:
        self._deps.add("f:" + path)
        return self.summaries[path]

    def _module(self, name: str) -> Out:
        self._deps.add("m:" + name)
        paths = self.by_name.get(name, [])
        if not paths:
            return NONE
        return Out(("mod", paths[0], "")).guess(len(paths))

    def dep_answer(self, dep: str) -> str:
        """The current answer to one recorded lookup; a file is re-linked when one differs."""
        answer = self._answers.get(dep)
        if answer is None:
            kind, _, key = dep.partition(":")
            if kind == "f":
                answer = summary_signature(self.summaries[key]) if key in self.summaries else ""
            elif kind == "m":
                answer = json.dumps(self.by_name.get(key, []))
            elif kind == "e":
                answer = "1" if key in self.summaries else ""
            elif kind == "i":
                path, _, qname = key.partition("#")
                saved, self._deps = self._deps, set()
                try:
                    answer = json.dumps(self.index().get((path, qname), {}), sort_keys=True)
                finally:
                    self._deps = saved
            else:
                answer = ""
            self._answers[dep] = answer
        return answer

    # -- modules and items ----------------------------------------------------------------

    def _kind(self, path: str, qname: str) -> str | None:
        kind = self._summ(path)["defs"].get(qname)
        return None if kind is None else str(kind)

    def module_at(self, path: str, scope: str) -> tuple[str, ...]:
        """The module a scope of ``path`` belongs to."""
        defs = self.summaries[path]["defs"]
        s = scope
        while s and defs.get(s) != "Module":
            s = _parent(s)
        return ("mod", path, s)

    def crate_root(self, path: str) -> Out:
        return self._module(self.mod_of.get(path, "").split("::")[0])

    def parent_module(self, mod: tuple[str, ...]) -> Out:
        path, q = mod[1], mod[2]
        if q:
            return Out(self.module_at(path, _parent(q)))
        name = self.mod_of.get(path, "")
        if "::" not in name:
            return NONE
        return self._module(name.rsplit("::", 1)[0])

    def item(self, mod: tuple[str, ...], name: str, depth: int = 0) -> Out:
        """What ``name`` denotes inside module ``mod``: an item, a child module, a use binding."""
        if depth > _MAX_DEPTH:
            return NONE
        path, q = mod[1], mod[2]
        summ = self._summ(path)
        qn = f"{q}.{name}" if q else name
        kind = summ["defs"].get(qn)
        if kind == "Module":
            return Out(("mod", path, qn))
        if kind is not None and kind not in ("Method", "Field"):
            return Out(("sym", path, qn))
        if not q:
            child = self._module(f"{self.mod_of.get(path, '')}::{name}")
            if child.target is None:
                child = self.child_file(path, name)
            if child.target is not None:
                return child
        return self.use_binding(path, q, name, depth)

    def child_file(self, path: str, name: str) -> Out:
        """The file of ``mod name;`` declared in ``path``, found as rustc does: beside a crate root or
        ``mod.rs``, else in the directory named after the file (``tests/util/mod.rs`` from ``tests/a.rs``)."""
        stem = posixpath.basename(path)[:-3]
        root_like = stem == "mod" or "::" not in self.mod_of.get(path, "::")
        base = posixpath.dirname(path) if root_like else path[:-3]
        for cand in (posixpath.join(base, f"{name}.rs"), posixpath.join(base, name, "mod.rs")):
            self._deps.add("e:" + cand)
            if cand in self.summaries:
                return Out(("mod", cand, ""))
        return NONE

    def use_binding(self, path: str, scope: str, name: str, depth: int) -> Out:
        """A ``use`` in ``scope`` of ``path`` that binds ``name`` (direct first, then globs)."""
        summ = self._summ(path)
        for s, module, imported, alias, wildcard in summ["uses"]:
            if s == scope and not wildcard and (alias or imported) == name:
                segs = tuple(module.split("::")) if module else ()
                return self.path(path, scope, (*segs, imported), depth + 1)
        for s, module, _imported, _alias, wildcard in summ["uses"]:
            if s == scope and wildcard:
                src = self.path(path, scope, tuple(module.split("::")), depth + 1)
                if src.target is not None and src.target[0] == "mod":
                    found = self.item(src.target, name, depth + 1)
                    if found.target is not None:
                        return found.guess(src.candidates)
                elif src.target is not None and src.target[0] == "sym":
                    found = self.assoc(src.target, name, depth + 1)
                    if found.target is not None:
                        return found
        return NONE

    def _external_globs(self, path: str, scope: str) -> int:
        summ = self.summaries[path]
        count = 0
        for s, module, _i, _a, wildcard in summ["uses"]:
            if wildcard and (s == scope or scope.startswith(s + ".") or s == ""):
                head = module.split("::")[0]
                if head not in ("crate", "self", "super") and not self.by_name.get(head):
                    count += 1
        return count

    def lexical(self, path: str, scope: str, name: str, depth: int = 0) -> Out:
        """A bare name in ``scope``: items and uses of enclosing functions, then of the module."""
        defs = self.summaries[path]["defs"] if depth == 0 else self._summ(path)["defs"]
        s = scope
        while s and defs.get(s) != "Module":
            kind = defs.get(f"{s}.{name}")
            if kind is not None and kind not in ("Method", "Field", "EnumMember"):
                return Out(("sym", path, f"{s}.{name}"))
            found = self.use_binding(path, s, name, depth)
            if found.target is not None:
                return found
            s = _parent(s)
        return self.item(("mod", path, s), name, depth)

    def path(self, path: str, scope: str, segs: tuple[str, ...], depth: int = 0) -> Out:
        """A path written in ``scope`` of file ``path``."""
        if not segs or depth > _MAX_DEPTH:
            return NONE
        head, rest = segs[0], segs[1:]
        if head == "crate":
            cur = self.crate_root(path)
        elif head == "self":
            cur = Out(self.module_at(path, scope))
        elif head == "super":
            cur = self.parent_module(self.module_at(path, scope))
            while rest and rest[0] == "super" and cur.target is not None:
                cur, rest = self.parent_module(cur.target), rest[1:]
        elif head == "Self":
            cur = self.self_type(path, scope)
        else:
            cur = self.lexical(path, scope, head, depth)
            if cur.target is None:
                cur = self._module(head)  # another crate of the repo
            if cur.target is None:
                if head in _PRELUDE:
                    cur = Out(("ext", _PRELUDE[head]))
                elif head in _PRIMITIVES:
                    cur = Out(("ext", head))
                elif rest:
                    # A path whose first segment is no local name is an external crate.
                    cur = Out(("ext", head)).guess(self._external_globs(path, scope) + 1)
                    if cur.candidates == 1:
                        cur = Out(cur.target)
        for seg in rest:
            if cur.target is None:
                return NONE
            cur = self.member(cur, seg, depth + 1)
        return cur

    def member(self, cur: Out, seg: str, depth: int = 0) -> Out:
        t = cur.target
        if t is None:
            return NONE
        if t[0] == "ext":
            return Out(("ext", f"{t[1]}::{seg}"), cur.candidates)
        if t[0] == "mod":
            return self.item(t, seg, depth).guess(cur.candidates)
        return self.assoc(t, seg, depth).guess(cur.candidates)

    def assoc(self, t: tuple[str, ...], name: str, depth: int = 0) -> Out:
        """``Type::name``: a variant of an enum, an associated function or method."""
        path, qname = t[1], t[2]
        kind = self._kind(path, qname)
        if kind == "Enum" and self._kind(path, f"{qname}.{name}") == "EnumMember":
            return Out(("sym", path, f"{qname}.{name}"))
        if kind in TYPE_KINDS:
            return self.method(t, name)
        return NONE

    # -- impl blocks ------------------------------------------------------------------------

    def index(self) -> dict[tuple[str, str], dict[str, Any]]:
        """Every impl block of the repo by the type it is for: its methods by name and its traits."""
        if self._index is None:
            self._index = {}
            saved, self._deps = self._deps, set()
            try:
                for path in sorted(self.summaries):
                    summ = self.summaries[path]
                    for modq, prefix, type_chain, trait_chain in summ["impls"]:
                        t = self.path(path, modq, tuple(type_chain), 1)
                        if t.target is None or t.target[0] != "sym" or t.candidates:
                            continue
                        entry = self._index.setdefault((t.target[1], t.target[2]), {"methods": {}, "traits": []})
                        for q, kind in sorted(summ["defs"].items()):
                            if kind == "Method" and _parent(q) == prefix:
                                found = entry["methods"].setdefault(_plain(q).rsplit(".", 1)[-1], [])
                                if [path, q] not in found:
                                    found.append([path, q])
                        if trait_chain:
                            trait = self.path(path, modq, tuple(trait_chain), 1)
                            if trait.target is not None and list(trait.target) not in entry["traits"]:
                                entry["traits"].append(list(trait.target))
            finally:
                self._deps = saved
        return self._index

    def method(self, t: tuple[str, ...], name: str) -> Out:
        """Method or associated function ``name`` of type ``t``: its impls, then its traits' defaults."""
        path, qname = t[1], t[2]
        if self._kind(path, qname) == "Trait":
            q = f"{qname}.{name}"
            return Out(("sym", path, q)) if self._kind(path, q) == "Method" else NONE
        self._deps.add(f"i:{path}#{qname}")
        entry = self.index().get((path, qname), {})
        found = entry.get("methods", {}).get(name, [])
        if found:
            return Out(("sym", *found[0])).guess(len(found))
        defaults: list[tuple[str, ...]] = []
        for trait in entry.get("traits", []):
            if trait[0] == "sym" and self._kind(trait[1], f"{trait[2]}.{name}") == "Method":
                defaults.append(("sym", trait[1], f"{trait[2]}.{name}"))
            elif trait[0] == "ext":
                defaults.append(("ext", f"{trait[1]}::{name}"))
        if defaults:
            return Out(defaults[0]).guess(len(defaults))
        return NONE

    def self_type(self, path: str, scope: str) -> Out:
        """The type ``Self`` means in ``scope``: the impl block (or trait) around it."""
        summ = self.summaries[path]
        defs = summ["defs"]
        s = scope
        while s:
            parent = _parent(s)
            if defs.get(s) in ("Method",):
                prefix = _parent(s)
                if defs.get(prefix) == "Trait":
                    return Out(("sym", path, prefix))
                for modq, pfx, type_chain, _trait in summ["impls"]:
                    if pfx == prefix:
                        return self.path(path, modq, tuple(type_chain), 1)
                return NONE
            if defs.get(s) in TYPE_KINDS:
                return Out(("sym", path, s))
            s = parent
        return NONE

    def returns(self, fn: Out) -> Out:
        """The type a function or method returns, when it names one."""
        t = fn.target
        if t is None or t[0] != "sym":
            return NONE
        path, qname = t[1], t[2]
        ret = self._summ(path).get("rets", {}).get(qname)
        if not ret:
            return NONE
        if ret == ["Self"]:
            return self.self_type(path, qname).guess(fn.candidates)
        return self.type_path(path, _parent(qname), tuple(ret)).guess(fn.candidates)

    def type_path(self, path: str, scope: str, segs: tuple[str, ...]) -> Out:
        out = self.path(path, scope, segs, 1)
        t = out.target
        if t is None or t[0] == "mod":
            return NONE
        if t[0] == "sym" and self._kind(t[1], t[2]) not in TYPE_KINDS:
            return NONE
        return out

    def field(self, t: Out, name: str) -> Out:
        target = t.target
        if target is None or target[0] != "sym":
            return NONE
        path, qname = target[1], target[2]
        chain = self._summ(path).get("fields", {}).get(qname, {}).get(name)
        return self.type_path(path, _parent(qname), tuple(chain)).guess(t.candidates) if chain else NONE

    # -- one file ----------------------------------------------------------------------------

    def resolve(self, facts: FileFacts) -> FileGraph:
        """Build the rows of one file and record its lookups in other files."""
        self._deps = set()
        path = facts.path
        summ = self.summaries[path]
        module = str(summ["m"])
        defs = summ["defs"]
        fg = file_rows(self.repo, facts, summ, module, qualifier(facts, summ), self.symbol_nodes)
        fid = file_id(self.repo, path)
        locals_: dict[str, dict[str, tuple[str, ...] | None]] = {}
        for loc in facts.locals:
            if not loc.scope.startswith("<impl>"):
                locals_.setdefault(loc.scope, {})[loc.name] = loc.type_ref

        def local(name: str, scope: str) -> tuple[bool, tuple[str, ...] | None]:
            s = scope
            while s and defs.get(s) != "Module":
                if name in locals_.get(s, {}):
                    return True, locals_[s][name]
                s = _parent(s)
            return False, None

        def value(element: str, scope: str) -> Out:
            """The type of the head of a receiver chain."""
            if element == "self":
                return self.self_type(path, scope)
            if element.endswith("()"):
                fn = self.path(path, scope, tuple(element[:-2].split("::")))
                return self.returns(fn)
            is_local, chain = local(element, scope)
            if not is_local or not chain:
                return NONE
            if chain[-1].endswith("()"):
                fn = self.path(path, scope, (*chain[:-1], chain[-1][:-2]))
                return self.returns(fn)
            return self.type_path(path, scope, chain)

        def call(ref_name: str, rchain: tuple[str, ...] | None, scope: str) -> Out:
            if rchain is None:
                return NONE
            if rchain == ():
                is_local, _chain = local(ref_name, scope)
                if is_local:
                    return NONE
                out = self.lexical(path, scope, ref_name)
                if out.target is None:
                    if ref_name in _PRELUDE:
                        return Out(("ext", _PRELUDE[ref_name]))
                    if self._external_globs(path, scope):
                        return NONE
                return out
            if rchain[0] == "::":
                return self.path(path, scope, (*rchain[1:], ref_name))
            cur = value(rchain[1], scope)
            for element in rchain[2:]:
                if cur.target is None:
                    return NONE
                if element.endswith("()"):
                    cur = self.returns(receiver_method(cur, element[:-2]))
                else:
                    cur = self.field(cur, element)
            return receiver_method(cur, ref_name)

        def receiver_method(cur: Out, name: str) -> Out:
            t = cur.target
            if t is None or t[0] == "mod":
                return NONE
            if t[0] == "ext":
                return Out(("ext", f"{t[1]}::{name}"), cur.candidates)
            return self.method(t, name).guess(cur.candidates)

        def shown(out: Out) -> Out:
            t = out.target
            if t is not None and t[0] == "mod":
                return Out(("file", t[1]) if not t[2] else ("sym", t[1], t[2]), out.candidates)
            return out

        # Imports.
        for imp in facts.imports:
            if imp.module == "<mod>":
                base = self.module_at(path, imp.scope)
                out = self._module(f"{self.mod_of.get(path, '')}::{imp.name}") if not base[2] else NONE
                if base[2]:
                    out = self._module("::".join([self.mod_of.get(path, ""), *base[2].split("."), imp.name or ""]))
                elif out.target is None:
                    out = self.child_file(path, imp.name or "")
            else:
                segs = tuple(imp.module.split("::")) if imp.module else ()
                if imp.wildcard:
                    out = self.path(path, imp.scope, segs)
                else:
                    out = self.path(path, imp.scope, (*segs, imp.name or ""))
            add_edge(fg, self.repo, _LANG, "IMPORTS", fid, "File", shown(out), imp.alias or imp.name or imp.module,
                     imp.line, imp.column, "::")

        # References.
        for ref in facts.refs:
            src = symbol_id(self.repo, path, ref.scope)
            if ref.kind == "call":
                out = call(ref.name, ref.receiver, ref.scope)
                etype = "CALLS"
            else:
                scope = ref.scope
                out = self.path(path, scope, (*(ref.receiver or ()), ref.name))
                etype = {"base": "EXTENDS", "implements": "IMPLEMENTS"}.get(ref.kind, "USES")
            add_edge(fg, self.repo, _LANG, etype, src, "Symbol", shown(out), ref.name, ref.line, ref.column, "::")

        fg.edges = dedupe_edges(fg.edges)
        summ["deps"] = {d: self.dep_answer(d) for d in sorted(self._deps) if dep_path(d) != path}
        return fg
