"""TypeScript, TSX and JavaScript adapter: turns the matches of ``typescript.scm`` /
``tsx.scm`` / ``javascript.scm`` into file facts.

It does what the query cannot: nesting (qualified names), kinds from where a definition
stands (a field whose value is an arrow function is a method, a module-level ``const`` a
constant), signatures, JSDoc, the ``exported`` rule (``export``, ``export default``,
``export { … }``, CommonJS ``module.exports``/``exports.x``), import bindings (ES modules
and ``require``), ``export … from`` re-exports, receivers as dotted chains, and which names
are local to a function. It never looks at another file: cross-file work is the resolver's
(``graphsvc/ingest/resolve/typescript.py``).
"""

from __future__ import annotations

import bisect
import posixpath
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from tree_sitter import Node as TSNode

from graphsvc.model import FileFacts, ImportFact, LocalFact, RefFact, SymbolFact
from parsers.scopes import Scopes
from parsers.syntax import count_errors

__all__ = ["SCOPE_NODES", "ModuleFacts", "extract"]

_MAX_SIGNATURE = 400
_MAX_DOC = 2000
_WS_RE = re.compile(r"\s+")
_FUNCTION_VALUES = frozenset({"arrow_function", "function_expression", "function", "generator_function"})
_FUNCTION_NODES = frozenset({
    "function_declaration", "generator_function_declaration", "function_expression", "function",
    "generator_function", "method_definition",
})
_ANONYMOUS_FUNCTIONS = frozenset({"arrow_function", "function_expression", "function", "generator_function"})
_SCOPE_KINDS = frozenset({"Function", "Method", "Constructor", "Variable", "Constant", "Field", "Property"})
_DECL_KINDS = {
    "class": "Class", "interface": "Interface", "type": "TypeAlias", "enum": "Enum",
    "enum_member": "EnumMember", "module": "Module", "function": "Function", "method": "Method",
    "field": "Field", "property": "Property",
}
_TYPE_NAME_PARENTS = frozenset({
    "class_declaration", "abstract_class_declaration", "interface_declaration", "type_alias_declaration",
    "type_parameter", "nested_type_identifier",
})
_HERITAGE = frozenset({"implements_clause", "extends_type_clause", "extends_clause", "class_heritage"})


@dataclass(frozen=True, slots=True)
class ModuleFacts(FileFacts):
    """File facts plus what an ES/CommonJS module exports.

    ``exports``: (exported name, target) where target is ``("l", local)`` for a binding of
    this file, ``("r", specifier, name)`` for ``export { name } from``, ``("ns", specifier)``
    for ``export * as x from``; ``"="`` is CommonJS ``module.exports = …`` and ``default``
    the default export. ``stars``: specifiers of ``export * from``, with their positions.
    ``types``: (qname, dotted type) of variables and fields whose type is written or built
    with ``new``, and of functions and methods whose return type is written.
    ``heads``: for each call (by line and column of its name), what the first name of the
    call is bound to by the function scopes around it, anonymous callbacks included: ``()``
    for an untyped local, else the local's dotted type; a call that is not listed names a
    file-level binding (or a global). ``statics``: qualified names of ``static`` class members.
    """

    exports: tuple[tuple[str, tuple[str, ...]], ...] = ()
    heads: tuple[tuple[int, int, tuple[str, ...] | None], ...] = ()
    statics: tuple[str, ...] = ()
    stars: tuple[tuple[str, int, int], ...] = ()
    reexports: tuple[tuple[str, str | None, int, int], ...] = ()
    types: tuple[tuple[str, tuple[str, ...]], ...] = ()


def _text(node: TSNode | None) -> str:
    return "" if node is None else (node.text or b"").decode("utf-8", "replace")


def _private(name: str) -> str:
    """``#x`` as a qualified-name segment: ``~x`` (ids keep ``#`` for duplicates; ``~`` is no identifier)."""
    return "~" + name[1:] if name.startswith("#") else name


def _string(node: TSNode | None) -> str | None:
    if node is None or node.type not in ("string", "template_string"):
        return None
    raw = _text(node)
    return raw[1:-1] if len(raw) >= 2 else None


def _chain(node: TSNode | None) -> tuple[str, ...] | None:
    """The dotted chain an expression or type names (``this.repo`` → ("this", "repo")), or None."""
    if node is None:
        return None
    t = node.type
    if t in ("identifier", "type_identifier", "property_identifier", "shorthand_property_identifier",
             "private_property_identifier", "jsx_identifier"):
        return (_private(_text(node)),)
    if t in ("this", "super"):
        return (t,)
    if t == "member_expression":
        head = _chain(node.child_by_field_name("object"))
        prop = node.child_by_field_name("property")
        return None if head is None or prop is None else head + (_text(prop),)
    if t in ("nested_type_identifier", "nested_identifier", "member_expression"):
        head = _chain(node.child_by_field_name("module") or node.child_by_field_name("object"))
        name = node.child_by_field_name("name") or node.child_by_field_name("property")
        if head is None and node.named_child_count == 2:
            head, name = _chain(node.named_children[0]), node.named_children[1]
        return None if head is None or name is None else head + (_text(name),)
    if t == "generic_type":
        return _chain(node.child_by_field_name("name"))
    if t in ("parenthesized_expression", "non_null_expression") and node.named_child_count == 1:
        return _chain(node.named_children[0])
    if t in ("call_expression", "new_expression"):
        callee = node.child_by_field_name("function") or node.child_by_field_name("constructor")
        head = _chain(callee) if callee is not None and callee.type != "super" else None
        if head is not None and not head[-1].endswith("()"):
            return head[:-1] + (head[-1] + "()",)
    return None


def _type_chain(annotation: TSNode | None) -> tuple[str, ...] | None:
    """The dotted name of a written type (``: Foo<T>`` → ("Foo",)); None for anything else."""
    if annotation is None:
        return None
    node = annotation
    if node.type == "type_annotation" and node.named_child_count == 1:
        node = node.named_children[0]
    if node.type in ("type_identifier", "generic_type", "nested_type_identifier"):
        return _chain(node)
    return None


def _value_type(value: TSNode | None) -> tuple[str, ...] | None:
    """``new Foo(…)`` → ("Foo",): a value whose class is known."""
    if value is None:
        return None
    if value.type == "new_expression":
        return _chain(value.child_by_field_name("constructor"))
    if value.type == "call_expression":
        return _chain(value)  # ends in "name()": the resolver looks at what the callee returns
    if value.type in ("as_expression", "satisfies_expression") and value.named_child_count == 2:
        return _type_chain(value.named_children[1])
    return None


def _doc(entity: TSNode) -> str:
    """The JSDoc block right before a declaration (or its ``export`` / ``const`` statement)."""
    node = entity
    while node.parent is not None and node.parent.type in (
        "export_statement", "lexical_declaration", "variable_declaration", "ambient_declaration",
    ) and node.prev_named_sibling is None:
        node = node.parent
    prev = node.prev_sibling
    if prev is None or prev.type != "comment":
        return ""
    raw = _text(prev)
    if not raw.startswith("/**") or prev.end_point[0] + 1 < node.start_point[0]:
        return ""
    lines = [re.sub(r"^\s*\*? ?", "", line) for line in raw[3:-2].splitlines()]
    return "\n".join(lines).strip()[:_MAX_DOC]


def _signature(entity: TSNode) -> str:
    """The declaration without its body, whitespace collapsed."""
    body = entity.child_by_field_name("body")
    value = entity.child_by_field_name("value") or entity.child_by_field_name("right")
    if body is None and value is not None and value.type in _FUNCTION_VALUES:
        body = value.child_by_field_name("body")
    end = body.start_byte if body is not None else entity.end_byte
    raw = (entity.text or b"")[: end - entity.start_byte].decode("utf-8", "replace").rstrip()
    raw = raw.removesuffix("=>").rstrip().removesuffix("=").rstrip()
    return _WS_RE.sub(" ", raw).strip()[:_MAX_SIGNATURE]


def _pattern_names(node: TSNode) -> list[TSNode]:
    """The identifiers a binding pattern binds (``{a, b: c, ...d}`` → a, c, d)."""
    if node.type in ("identifier", "shorthand_property_identifier_pattern"):
        return [node]
    out: list[TSNode] = []
    for child in node.named_children:
        if node.type == "pair_pattern" and child == node.child_by_field_name("key"):
            continue
        if node.type in ("assignment_pattern", "object_assignment_pattern") and child != node.named_children[0]:
            continue
        out.extend(_pattern_names(child))
    return out


def _exported_decl(entity: TSNode) -> tuple[bool, bool]:
    """Whether a declaration stands in an ``export`` statement, and whether as ``default``."""
    node = entity
    if node.type == "variable_declarator" and node.parent is not None:
        node = node.parent
    parent = node.parent
    if parent is None or parent.type != "export_statement":
        return False, False
    return True, any(c.type == "default" for c in parent.children)


def _this_is_class(node: TSNode) -> bool:
    """Whether ``this`` at ``node`` is an instance (or the class) of the enclosing class."""
    p = node.parent
    while p is not None:
        if p.type in ("method_definition", "public_field_definition", "field_definition", "class_static_block"):
            return p.parent is not None and p.parent.type == "class_body"
        if p.type in _FUNCTION_NODES or p.type in ("program", "class_body"):
            return False
        p = p.parent
    return False


def _type_params_around(node: TSNode) -> set[str]:
    names: set[str] = set()
    p = node.parent
    while p is not None:
        tp = p.child_by_field_name("type_parameters")
        if tp is not None:
            for param in tp.named_children:
                names.add(_text(param.child_by_field_name("name")))
        if p.type in ("infer_type", "mapped_type_clause") and p.named_child_count:
            names.add(_text(p.named_children[0]))
        if p.type == "index_signature":
            name = p.child_by_field_name("name")
            if name is not None:
                names.add(_text(name))
        p = p.parent
    return names


_Emit = Callable[[str, str, "tuple[str, ...] | None", TSNode, TSNode], None]




class _Builder:
    """Collects the facts of one file while walking the query matches."""

    def __init__(self, path: str, lang: str) -> None:
        self.path = path
        self.lang = lang
        self.symbols: list[SymbolFact] = []
        self.spans: list[tuple[int, int, str]] = []
        self.kinds: dict[str, str] = {"": "Module"}
        self.exported: dict[str, bool] = {"": True}
        self.seen: dict[str, int] = {}
        self.exports: dict[str, tuple[str, ...]] = {}
        self.types: dict[str, tuple[str, ...]] = {}
        self.locals: list[tuple[TSNode, tuple[str, ...] | None]] = []
        self.imports: list[ImportFact] = []
        self.heads: dict[tuple[int, int], tuple[str, ...] | None] = {}
        self.statics: set[str] = set()
        self.import_nodes: set[int] = set()

    def add(self, parent: str, name: str, kind: str, name_node: TSNode, outer: TSNode, entity: TSNode,
            exported: bool, signature: str | None = None, scope: bool = True) -> str:
        segment = _private(name)
        base = f"{parent}.{segment}" if parent else segment
        n = self.seen.get(base, 0) + 1
        self.seen[base] = n
        qname = base if n == 1 else f"{base}#{n}"
        self.kinds[qname] = kind
        self.exported[qname] = exported
        self.symbols.append(SymbolFact(
            qname=qname, name=name, kind=kind,
            line=name_node.start_point[0] + 1, column=name_node.start_point[1],
            start=(outer.start_point[0] + 1, outer.start_point[1]),
            end=(outer.end_point[0] + 1, outer.end_point[1]),
            signature=_signature(entity) if signature is None else signature,
            doc=_doc(entity), exported=exported, parent=parent,
        ))
        if scope:
            self.spans.append((outer.start_byte, outer.end_byte, qname))
        return qname


def _member_exported(b: _Builder, parent: str, entity: TSNode, name: str) -> bool:
    if not b.exported.get(parent, False) or name.startswith("#"):
        return False
    return not any(c.type == "accessibility_modifier" and _text(c) == "private" for c in entity.children)


def _require_source(value: TSNode | None) -> str | None:
    """``require('m')`` (possibly ``await import('m')``) → 'm'."""
    if value is None or value.type != "call_expression":
        return None
    fn = value.child_by_field_name("function")
    args = value.child_by_field_name("arguments")
    if fn is None or _text(fn) != "require" or args is None or args.named_child_count != 1:
        return None
    return _string(args.named_children[0])


def _defs(b: _Builder, defs: list[tuple[TSNode, TSNode, str]], params: list[TSNode]) -> None:
    defs.sort(key=lambda d: (d[0].start_byte, -d[0].end_byte))
    stack: list[tuple[int, str]] = []
    for entity, name_node, role in defs:
        while stack and stack[-1][0] <= entity.start_byte:
            stack.pop()
        parent = stack[-1][1] if stack else ""
        parent_kind = b.kinds.get(parent, "Module")
        in_function = parent_kind in _SCOPE_KINDS or (role == "variable" and _in_anonymous_function(entity))
        exported, default = _exported_decl(entity)
        outer = entity.parent if exported and entity.type != "variable_declarator" else entity
        assert outer is not None
        name = "default" if role == "default" and name_node == entity else _text(name_node)
        if role == "variable":
            value = entity.child_by_field_name("value")
            source = _require_source(value)
            if source is not None and not in_function:
                _require_binding(b, entity, name_node, source)
                continue
            if name_node.type != "identifier" or in_function or parent_kind in ("Class", "Interface"):
                for n in _pattern_names(name_node):
                    vtype = _type_chain(entity.child_by_field_name("type")) or _value_type(value)
                    b.locals.append((n, vtype if n == name_node else None))
                continue
            decl = entity.parent
            is_const = decl is not None and decl.type == "lexical_declaration" and _text(decl).startswith("const")
            kind = "Function" if value is not None and value.type in _FUNCTION_VALUES else (
                "Constant" if is_const else "Variable")
            qname = b.add(parent, name, kind, name_node, entity, entity,
                          exported and (parent == "" or b.exported.get(parent, False)),
                          signature=_signature(entity) if kind == "Function" else None)
            if exported and parent == "":
                b.exports.setdefault(name, ("l", qname))
            vtype = _type_chain(entity.child_by_field_name("type")) or _value_type(value)
            if kind == "Function" and value is not None:
                vtype = _type_chain(value.child_by_field_name("return_type"))
            if vtype is not None:
                b.types[qname] = vtype
            stack.append((entity.end_byte, qname))
            continue
        if role == "cjs":
            kind = "Function" if entity.child_by_field_name("right") is not None and (
                entity.child_by_field_name("right").type in _FUNCTION_VALUES) else "Variable"  # type: ignore[union-attr]
            qname = b.add("", name, kind, name_node, entity, entity, True)
            b.exports.setdefault(name, ("l", qname))
            stack.append((entity.end_byte, qname))
            continue
        if role == "default":
            kind = "Class" if entity.type in ("class", "class_declaration") else "Function"
            qname = b.add(parent, name, kind, name_node if name_node != entity else entity, entity.parent or entity,
                          entity, True)
            b.exports["default"] = ("l", qname)
            stack.append((entity.end_byte, qname))
            continue
        if role == "method" and (entity.parent is None or entity.parent.type not in ("class_body", "interface_body",
                                                                                        "object_type")):
            continue  # an object literal's method: part of the value it builds
        kind = _DECL_KINDS[role]
        if role in ("method", "field", "property"):
            if parent_kind not in ("Class", "Interface", "TypeAlias") or (
                    role != "method" and parent_kind == "TypeAlias"):
                continue
            if role == "method" and name == "constructor":
                kind = "Constructor"
            elif role == "field":
                value = entity.child_by_field_name("value")
                if value is not None and value.type in _FUNCTION_VALUES:
                    kind = "Method"
            elif role == "method" and any(c.type in ("get", "set") for c in entity.children):
                kind = "Property"
            is_exported = _member_exported(b, parent, entity, name)
        elif role == "enum_member":
            is_exported = b.exported.get(parent, False)
        elif in_function:
            is_exported = False
        else:
            is_exported = exported and (parent == "" or b.exported.get(parent, False))
        qname = b.add(parent, name, kind, name_node, outer, entity, is_exported)
        if any(c.type == "static" for c in entity.children):
            b.statics.add(qname)
        returns = _type_chain(entity.child_by_field_name("return_type"))
        if returns is not None and kind in ("Function", "Method"):
            b.types[qname] = returns
        if role in ("field", "property"):
            vtype = _type_chain(entity.child_by_field_name("type")) or _value_type(entity.child_by_field_name("value"))
            if vtype is not None:
                b.types[qname] = vtype
        if default and parent == "":
            b.exports["default"] = ("l", qname)
        elif exported and parent == "":
            b.exports.setdefault(name, ("l", qname))
        stack.append((outer.end_byte, qname))
        if kind == "Constructor":
            _parameter_properties(b, entity, parent)


def _in_anonymous_function(node: TSNode) -> bool:
    """Whether ``node`` stands inside a function body (a callback is no symbol, but is a scope)."""
    p = node.parent
    while p is not None:
        if p.type in _ANONYMOUS_FUNCTIONS or p.type in _FUNCTION_NODES:
            return True
        p = p.parent
    return False


def _mark_listed_exports(b: _Builder) -> None:
    """Top-level declarations named in ``export { … }``, ``export default x`` or ``module.exports``."""
    listed = {target[1] for target in b.exports.values() if target[0] == "l"}
    for i, s in enumerate(b.symbols):
        if not s.exported and s.parent == "" and s.qname in listed:
            b.symbols[i] = s._replace(exported=True)
            b.exported[s.qname] = True
    # Members of a class exported by name after its declaration.
    for i, s in enumerate(b.symbols):
        if not s.exported and s.parent and b.kinds.get(s.parent) in ("Class", "Interface", "Enum") and (
                b.exported.get(s.parent) and not s.name.startswith("#")
                and not s.signature.startswith("private ")):
            b.symbols[i] = s._replace(exported=True)


def _parameter_properties(b: _Builder, ctor: TSNode, cls: str) -> None:
    """``constructor(private repo: Repo)`` declares the field ``repo`` of type ``Repo``."""
    params = ctor.child_by_field_name("parameters")
    for p in params.named_children if params is not None else ():
        if not any(c.type in ("accessibility_modifier", "readonly", "override_modifier") for c in p.children):
            continue
        pattern = p.child_by_field_name("pattern")
        if pattern is None or pattern.type != "identifier":
            continue
        name = _text(pattern)
        qname = b.add(cls, name, "Field", pattern, p, p, _member_exported(b, cls, p, name),
                      signature=_WS_RE.sub(" ", _text(p))[:_MAX_SIGNATURE], scope=False)
        vtype = _type_chain(p.child_by_field_name("type"))
        if vtype is not None:
            b.types[qname] = vtype


def _require_binding(b: _Builder, declarator: TSNode, name_node: TSNode, source: str) -> None:
    """``const x = require('m')`` and ``const { a, b: c } = require('m')``."""
    if name_node.type == "identifier":
        b.imports.append(ImportFact(source, "*", _text(name_node), False, name_node.start_point[0] + 1,
                                    name_node.start_point[1], ""))
        return
    if name_node.type != "object_pattern":
        return
    for child in name_node.named_children:
        if child.type == "shorthand_property_identifier_pattern":
            b.imports.append(ImportFact(source, _text(child), None, False, child.start_point[0] + 1,
                                        child.start_point[1], ""))
        elif child.type == "pair_pattern":
            key, value = child.child_by_field_name("key"), child.child_by_field_name("value")
            if key is not None and value is not None and value.type == "identifier":
                b.imports.append(ImportFact(source, _text(key), _text(value), False, value.start_point[0] + 1,
                                            value.start_point[1], ""))


def _import(b: _Builder, stmt: TSNode, source_node: TSNode) -> None:
    source = _string(source_node)
    if source is None:
        return
    clause = next((c for c in stmt.named_children if c.type in ("import_clause", "import_require_clause")), None)
    if clause is None:
        b.imports.append(ImportFact(source, None, None, False, source_node.start_point[0] + 1,
                                    source_node.start_point[1] + 1, ""))
        return
    for child in clause.named_children:
        if child.type == "identifier":  # default import, or `import x = require('m')`
            kind = "*" if clause.type == "import_require_clause" else "default"
            b.imports.append(ImportFact(source, kind, _text(child), False, child.start_point[0] + 1,
                                        child.start_point[1], ""))
        elif child.type == "namespace_import" and child.named_child_count:
            local = child.named_children[0]
            b.imports.append(ImportFact(source, "*", _text(local), False, local.start_point[0] + 1,
                                        local.start_point[1], ""))
        elif child.type == "named_imports":
            for item in child.named_children:
                if item.type != "import_specifier":
                    continue
                name, alias = item.child_by_field_name("name"), item.child_by_field_name("alias")
                anchor = alias or name
                if name is None or anchor is None:
                    continue
                b.imports.append(ImportFact(source, _string(name) or _text(name),
                                            _text(alias) if alias is not None else None, False,
                                            anchor.start_point[0] + 1, anchor.start_point[1], ""))


def _reexport(b: _Builder, stmt: TSNode, source_node: TSNode, reexports: list[tuple[str, str | None, int, int]],
              stars: list[tuple[str, int, int]]) -> None:
    source = _string(source_node)
    if source is None:
        return
    clause = next((c for c in stmt.named_children if c.type in ("export_clause", "namespace_export")), None)
    if clause is None:
        stars.append((source, source_node.start_point[0] + 1, source_node.start_point[1] + 1))
        return
    if clause.type == "namespace_export" and clause.named_child_count:
        local = clause.named_children[0]
        b.exports[_string(local) or _text(local)] = ("ns", source)
        reexports.append((source, None, local.start_point[0] + 1, local.start_point[1]))
        return
    for spec in clause.named_children:
        name, alias = spec.child_by_field_name("name"), spec.child_by_field_name("alias")
        if name is None:
            continue
        b.exports[_text(alias or name)] = ("r", source, _text(name))
        reexports.append((source, _text(name), name.start_point[0] + 1, name.start_point[1]))


def _export_clause(b: _Builder, clause: TSNode) -> None:
    """``export { a, b as c }`` of local bindings."""
    for spec in clause.named_children:
        name, alias = spec.child_by_field_name("name"), spec.child_by_field_name("alias")
        if name is not None:
            b.exports[_text(alias or name)] = ("l", _text(name))


def _cjs_assign(b: _Builder, entity: TSNode, left: TSNode, right: TSNode, defs: list[tuple[TSNode, TSNode, str]]) -> None:
    """``module.exports = …``, ``exports.x = …``, ``module.exports.x = …`` at the top level."""
    stmt = entity.parent
    if stmt is None or stmt.type != "expression_statement" or stmt.parent is None or stmt.parent.type != "program":
        return
    chain = _chain(left)
    if chain == ("module", "exports"):
        if right.type == "identifier":
            b.exports["="] = ("l", _text(right))
        elif right.type == "object":
            for prop in right.named_children:
                if prop.type == "shorthand_property_identifier":
                    b.exports[_text(prop)] = ("l", _text(prop))
                elif prop.type == "pair":
                    key, value = prop.child_by_field_name("key"), prop.child_by_field_name("value")
                    if key is not None and value is not None and value.type == "identifier":
                        b.exports[_text(key)] = ("l", _text(value))
        return
    if chain is not None and len(chain) in (2, 3) and chain[:-1] in (("exports",), ("module", "exports")):
        target = left.child_by_field_name("property")
        if target is None:
            return
        if right.type == "identifier":
            b.exports[chain[-1]] = ("l", _text(right))
        else:
            defs.append((entity, target, "cjs"))


def _default_value(value: TSNode, defs: list[tuple[TSNode, TSNode, str]], b: _Builder) -> None:
    if value.type == "identifier":
        b.exports["default"] = ("l", _text(value))
    elif value.type in _FUNCTION_VALUES or value.type == "class":
        defs.append((value, value.child_by_field_name("name") or value, "default"))


def extract(path: str, source: bytes, root: TSNode, matches: Iterable[tuple[int, dict[str, list[TSNode]]]],
            lang: str | None = None) -> ModuleFacts:
    """Build the facts of one TypeScript/JavaScript file from its tree and query matches."""
    ext = posixpath.splitext(path)[1]
    lang = lang or ("tsx" if ext == ".tsx" else "javascript" if ext in (".js", ".jsx", ".mjs", ".cjs") else "typescript")
    b = _Builder(path, lang)
    defs: list[tuple[TSNode, TSNode, str]] = []
    params: list[TSNode] = []
    refs: list[tuple[str, TSNode, TSNode]] = []  # (kind, node, entity)
    reexports: list[tuple[str, str | None, int, int]] = []
    stars: list[tuple[str, int, int]] = []
    scope_nodes: list[TSNode] = []
    for _, caps in matches:
        role = next((k for k in caps if k.startswith(("definition.", "reference."))), None)
        if role is None:
            found = caps.get("scope")
            if found:
                scope_nodes.append(found[0])
            continue
        entity = caps[role][0]
        name = caps.get("name", [None])[0]
        kind = role.split(".", 1)[1]
        if role.startswith("definition."):
            if kind == "parameter":
                if name is not None:
                    params.append(name)
            elif kind == "default":
                _default_value(caps["value"][0], defs, b)
            elif name is not None:
                defs.append((entity, name, kind))
        elif kind == "import":
            _import(b, entity, caps["module"][0])
        elif kind == "reexport":
            _reexport(b, entity, caps["module"][0], reexports, stars)
        elif kind == "export":
            if entity.child_by_field_name("source") is None and name is not None:
                _export_clause(b, name)
        elif kind == "assign":
            if name is not None:
                _cjs_assign(b, entity, name, caps["value"][0], defs)
        elif kind in ("call", "type") and name is not None:
            refs.append((kind, name, entity))
        elif kind == "base":
            refs.append(("base", entity, entity))
    _defs(b, defs, params)
    _mark_listed_exports(b)
    scopes = Scopes(b.spans)
    locals_ = _locals(b, scopes, params)
    functions = _Functions(scope_nodes)
    ref_facts = _refs(b, scopes, refs, _lexical_bindings(b, params, functions), functions)

    imports = tuple(sorted(b.imports, key=lambda i: (i.line, i.column, i.name or "", i.alias or "")))
    stem = posixpath.basename(path)
    for suffix in (".d.ts", ext):
        if stem.endswith(suffix) and stem != suffix:
            stem = stem[: -len(suffix)]
            break
    module = SymbolFact(
        qname="", name=stem, kind="Module", line=1, column=0, start=(1, 0),
        end=(root.end_point[0] + 1, root.end_point[1]), exported=True, parent=None,
    )
    loc = source.count(b"\n") + (0 if source.endswith(b"\n") or not source else 1)
    return ModuleFacts(
        path=path, lang=lang, loc=loc, parse_errors=count_errors(root),
        symbols=(module, *b.symbols), imports=imports, refs=tuple(sorted(ref_facts, key=lambda r: (r.line, r.column, r.kind))),
        locals=tuple(locals_), exports=tuple(sorted(b.exports.items())), stars=tuple(stars),
        heads=tuple(sorted((line, col, t) for (line, col), t in b.heads.items() if t is not None)),
        statics=tuple(sorted(b.statics)),
        reexports=tuple(reexports), types=tuple(sorted(b.types.items())),
    )


def _locals(b: _Builder, scopes: Scopes, params: list[TSNode]) -> list[LocalFact]:
    """Names bound inside each symbol, with their type when every binding of the name agrees.

    Anonymous functions are not symbols: two callbacks of one function (or of the module)
    that each bind ``x`` share a scope here, so a type is kept only when all bindings agree.
    """
    out: dict[tuple[str, str], LocalFact] = {}

    def bind(node: TSNode, vtype: tuple[str, ...] | None) -> None:
        scope, name = scopes.innermost(node.start_byte), _text(node)
        prev = out.get((scope, name))
        if prev is not None and prev.type_ref != vtype:
            vtype = None
        out[(scope, name)] = LocalFact(scope=scope, name=name, type_ref=vtype)

    for node, vtype in b.locals:
        bind(node, vtype)
    for pattern in params:
        holder = pattern.parent
        vtype = _type_chain(holder.child_by_field_name("type")) if holder is not None else None
        for n in _pattern_names(pattern):
            bind(n, vtype if n == pattern else None)
    return sorted(out.values(), key=lambda f: (f.scope, f.name))


# What the queries' ``@scope`` pattern captures (a test checks that it captures these and no other).
SCOPE_NODES = _FUNCTION_NODES | _ANONYMOUS_FUNCTIONS | {"class_static_block", "program"}
_CONFLICT = ("?",)


class _Functions:
    """The scope nodes of a file (functions, methods, static blocks, the program), by byte span: the
    nearest one around a name (``of``), and the one around a scope (``outer``), each by its index.

    Read from the spans, not by climbing ``Node.parent``: each read of it walks down from the root,
    so climbing from a name to its function cost the square of the depth, a third of this adapter's
    time on Django's JavaScript (jQuery's code nests deep in one function).
    """

    def __init__(self, nodes: list[TSNode]) -> None:
        # ``nodes``: what the query's ``@scope`` pattern captured (every node of ``SCOPE_NODES``).
        # Equal spans (a program that is one arrow function): the program is the outer one.
        spans = sorted((n.start_byte, -n.end_byte, n.type != "program") for n in nodes)
        self._starts = [start for start, _, _ in spans]
        self._ends = [-neg_end for _, neg_end, _ in spans]
        self.outer: list[int] = []  # the index of the scope around each (-1: none)
        open_: list[int] = []
        for i, start in enumerate(self._starts):
            while open_ and self._ends[open_[-1]] <= start:
                open_.pop()
            self.outer.append(open_[-1] if open_ else -1)
            open_.append(i)

    def of(self, leaf: TSNode) -> int:
        """The index of the nearest scope around ``leaf`` (a node without children: an identifier), -1: none."""
        byte = leaf.start_byte
        i = bisect.bisect_right(self._starts, byte) - 1
        while i >= 0 and not byte < self._ends[i]:
            i = self.outer[i]
        return i


def _lexical_bindings(b: _Builder, params: list[TSNode], functions: _Functions) -> dict[int, dict[str, tuple[str, ...]]]:
    """Per function (by its index in ``functions``), the names its body binds with their type (``()``: untyped)."""
    out: dict[int, dict[str, tuple[str, ...]]] = {}

    def bind(node: TSNode, vtype: tuple[str, ...] | None) -> None:
        fn = functions.of(node)
        if fn < 0:
            return
        names = out.setdefault(fn, {})
        value = vtype or ()
        prev = names.get(_text(node))
        names[_text(node)] = value if prev is None or prev == value else _CONFLICT

    for node, vtype in b.locals:
        bind(node, vtype)
    for pattern in params:
        holder = pattern.parent
        vtype = _type_chain(holder.child_by_field_name("type")) if holder is not None else None
        for n in _pattern_names(pattern):
            bind(n, vtype if n == pattern else None)
    return out


def _head(node: TSNode, name: str, bindings: dict[int, dict[str, tuple[str, ...]]], functions: _Functions
          ) -> tuple[str, ...] | None:
    fn = functions.of(node)
    while fn >= 0:
        found = bindings.get(fn, {}).get(name)
        if found is not None:
            return () if found == _CONFLICT else found
        fn = functions.outer[fn]
    return None


def _refs(b: _Builder, scopes: Scopes, refs: list[tuple[str, TSNode, TSNode]],
          bindings: dict[int, dict[str, tuple[str, ...]]] | None = None, functions: _Functions | None = None
          ) -> list[RefFact]:
    out: list[RefFact] = []

    def add(kind: str, name: str, receiver: tuple[str, ...] | None, anchor: TSNode, at: TSNode) -> None:
        line, column = anchor.start_point[0] + 1, anchor.start_point[1]
        out.append(RefFact(kind=kind, name=name, receiver=receiver,  # type: ignore[arg-type]
                           scope=scopes.innermost(at.start_byte), line=line, column=column))
        if kind == "call" and bindings is not None and receiver is not None:
            head = receiver[0] if receiver else name
            if head not in ("this", "super"):
                assert functions is not None
                b.heads[(line, column)] = _head(anchor, head.removesuffix("()"), bindings, functions)

    for kind, node, entity in refs:
        if kind == "call":
            _call(node, entity, add)
        elif kind == "base":
            _bases(node, add)
        else:
            _type_ref(node, add)
    return out


def _call(callee: TSNode, entity: TSNode, emit: _Emit) -> None:
    if callee.type == "identifier":
        emit("call", _text(callee), (), callee, entity)
    elif callee.type == "super":
        emit("call", "constructor", ("super",), callee, entity)
    elif callee.type == "member_expression":
        prop = callee.child_by_field_name("property")
        obj = callee.child_by_field_name("object")
        if prop is None or obj is None:
            return
        receiver = _chain(obj)
        if receiver is not None and receiver[0] == "this" and not _this_is_class(callee):
            receiver = None
        emit("call", _private(_text(prop)), receiver, prop, entity)


def _bases(node: TSNode, emit: _Emit) -> None:
    clauses = [node] if node.type == "extends_type_clause" else list(node.named_children)
    if node.type == "class_heritage" and not any(c.type in _HERITAGE for c in clauses):
        clauses = [node]  # JavaScript: `class A extends B` has the expression right in the heritage
    for clause in clauses:
        kind = "implements" if clause.type == "implements_clause" else "base"
        for item in clause.named_children:
            if item.type in ("type_arguments", "arguments", "comment"):
                continue
            target = item.child_by_field_name("name") if item.type == "generic_type" else item
            chain = _chain(target) if target is not None else None
            if target is None or chain is None:
                continue
            anchor = target.child_by_field_name("name") or target.child_by_field_name("property") or target
            emit(kind, chain[-1], chain[:-1], anchor, node)


def _type_ref(node: TSNode, emit: _Emit) -> None:
    parent = node.parent
    if parent is None:
        return
    if node.type in ("type_identifier", "identifier") and parent.type in _TYPE_NAME_PARENTS and (
        parent.child_by_field_name("name") == node or parent.type == "nested_type_identifier"
    ):
        return
    if parent.type in _HERITAGE or (parent.type == "generic_type" and parent.parent is not None
                                    and parent.parent.type in _HERITAGE):
        return
    if node.type in ("jsx_identifier", "identifier") and parent.type.startswith("jsx_"):
        text = _text(node)
        if not text[:1].isupper():
            return  # an intrinsic element (`<div>`)
    chain = _chain(node)
    if chain is None:
        return
    if len(chain) == 1 and chain[0] in _type_params_around(node):
        return
    anchor = node.child_by_field_name("name") or node.child_by_field_name("property") or node
    if node.type in ("nested_identifier", "member_expression") and node.named_child_count == 2:
        anchor = node.named_children[1]
    emit("type", chain[-1], chain[:-1], anchor, node)
