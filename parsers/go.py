"""Go adapter: turns the matches of ``go.scm`` into file facts.

It does only what the query cannot: qualified names (a method is ``Type.Method``,
attached to its receiver's type; a field ``Struct.field``; an interface method
``Iface.Method``), kinds, signatures, Go doc comments (the comment block directly
above a declaration), the ``exported`` rule (a capitalised name), receivers as dotted
chains, and what each name is known to hold. It never looks at another file:
cross-file work is the resolver's (``graphsvc/ingest/resolve/go.py``).

Kinds: the file's ``Package`` symbol (qualified name ``""``), ``Function``, ``Method``,
``Struct``, ``Interface``, ``TypeAlias`` (``type A = B`` and every other defined type:
``type IDs []int``), ``Field``, ``Constant``, ``Variable``, and ``Test`` for
``TestX``/``BenchmarkX``/``ExampleX``/``FuzzX`` functions in ``_test.go`` files.

``LocalFact`` rows carry what the resolver needs to type a receiver; ``type_ref`` is
a chain (``("T",)``, ``("pkg", "T")``, ``("NewT()",)``, ``("x", "Get()")``; ``"F()@1"``
is the second result of calling ``F``):

* ``scope`` = a function or method, ``name`` = a local, parameter or receiver: its
  declared type or the expression it was assigned (``None``: unknown). A name bound inside
  the body is ``name@<line>:<col>:<line>:<col>``: it is visible from the end of its
  declaration to the end of its block (Go's block scoping; a function literal's parameters
  see the literal). ``"[]"`` in a chain takes an element of a slice or map (``xs[i]``, the
  value of a ``range``); a type chain that starts with ``"["`` is a slice or map of it;
* ``scope`` = a function or method, ``name`` = ``return#<i>``: its i-th result type;
* ``scope`` = a struct, ``name`` = a field: the field's type;
* ``scope`` = a defined type, ``name`` = ``=``: the type it aliases (``type A = B``);
* ``scope`` = ``""``, ``name`` = a package-level variable or constant: its type or value.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable

from tree_sitter import Node as TSNode

from graphsvc.model import FileFacts, ImportFact, LocalFact, RefFact, SymbolFact
from parsers.scopes import Scopes
from parsers.syntax import count_errors

__all__ = ["PREDECLARED_FUNCS", "PREDECLARED_TYPES", "extract", "is_test_file", "package_name_guess"]

PREDECLARED_TYPES: frozenset[str] = frozenset({
    "any", "bool", "byte", "comparable", "complex64", "complex128", "error", "float32", "float64",
    "int", "int8", "int16", "int32", "int64", "rune", "string", "uint", "uint8", "uint16", "uint32",
    "uint64", "uintptr",
})
PREDECLARED_FUNCS: frozenset[str] = frozenset({
    "append", "cap", "clear", "close", "complex", "copy", "delete", "imag", "len", "make", "max", "min",
    "new", "panic", "print", "println", "real", "recover",
})

_MAX_SIGNATURE = 400
_MAX_DOC = 2000
_WS_RE = re.compile(r"\s+")
_TEST_RE = re.compile(r"^(Test|Benchmark|Example|Fuzz)([^a-z]|$)")
_SKIP_TYPE_PARENTS = frozenset({"qualified_type"})
# Symbols whose bodies bind locals: functions, and package-level variables initialised with a function literal.
_LOCAL_SCOPES = frozenset({"Function", "Method", "Test", "Variable", "Constant"})


def _text(node: TSNode | None) -> str:
    return "" if node is None else (node.text or b"").decode("utf-8", "replace")


def _names_of(node: TSNode) -> list[TSNode]:
    """The identifiers in a node's ``name`` fields (``a, b int`` has two; commas are not names)."""
    return [n for n in node.children_by_field_name("name") if n.is_named]


def _exported(name: str) -> bool:
    return bool(name) and name[0].isupper()


def _doc(node: TSNode) -> str:
    """The Go doc comment of ``node``: the comment block ending on the line just above it."""
    lines: list[str] = []
    line = node.start_point[0]
    prev = node.prev_sibling
    while prev is not None and prev.type == "comment" and prev.end_point[0] == line - 1 \
            and (prev.prev_sibling is None or prev.prev_sibling.end_point[0] < prev.start_point[0]
                 or prev.prev_sibling.type == "comment"):
        text = _text(prev)
        if text.startswith("//"):
            body = text[2:]
            if not body.startswith(("go:", "line ", "nolint")):
                lines.insert(0, body[1:] if body.startswith(" ") else body)
        else:
            inner = text[2:-2].strip("\n")
            lines[:0] = [ln.strip() for ln in inner.splitlines()]
        line = prev.start_point[0]
        prev = prev.prev_sibling
    return "\n".join(lines).strip()[:_MAX_DOC]


def _type_chain(node: TSNode | None) -> tuple[str, ...] | None:
    """The named type a type expression denotes: ``T``, ``*T``, ``pkg.T``, ``T[int]``.

    A slice, array or map of a named type is ``("[", …)``: ``[]*pkg.T`` → ``("[", "pkg", "T")``.
    """
    if node is not None and node.type in ("slice_type", "array_type", "map_type"):
        inner = _type_chain(node.child_by_field_name("value" if node.type == "map_type" else "element"))
        return None if inner is None else ("[",) + inner
    while node is not None and node.type in ("pointer_type", "generic_type", "parenthesized_type"):
        node = node.child_by_field_name("type") if node.type == "generic_type" else node.named_children[-1] \
            if node.named_child_count else None
    if node is None:
        return None
    if node.type == "type_identifier":
        return (_text(node),)
    if node.type == "qualified_type":
        return (_text(node.child_by_field_name("package")), _text(node.child_by_field_name("name")))
    return None


def _chain(node: TSNode | None) -> tuple[str, ...] | None:
    """The dotted chain an expression names (``a.b``, ``NewT().c``), or None."""
    if node is None:
        return None
    t = node.type
    if t in ("identifier", "type_identifier", "package_identifier", "field_identifier"):
        return (_text(node),)
    if t == "selector_expression":
        head = _chain(node.child_by_field_name("operand"))
        field = node.child_by_field_name("field")
        return None if head is None or field is None else head + (_text(field),)
    if t == "parenthesized_expression" and node.named_child_count == 1:
        return _chain(node.named_children[0])
    if t == "unary_expression" and _text(node.children[0]) in ("&", "*"):
        return _chain(node.child_by_field_name("operand"))
    if t == "qualified_type":
        return _type_chain(node)
    if t == "index_expression":
        head = _chain(node.child_by_field_name("operand"))
        return None if head is None else head + ("[]",)
    if t == "call_expression":
        fn = node.child_by_field_name("function")
        if fn is not None and fn.type == "index_expression":
            fn = fn.child_by_field_name("operand")
        head = _chain(fn)
        if head is None or head[-1].endswith(")"):
            return None
        return head[:-1] + (head[-1] + "()",)
    return None


def _value_ref(expr: TSNode | None, index: int) -> tuple[str, ...] | None:
    """What the ``index``-th value of ``expr`` is known to hold, as a chain (None: unknown)."""
    if expr is None:
        return None
    if expr.type == "unary_expression" and _text(expr.children[0]) == "&":
        expr = expr.child_by_field_name("operand")
        if expr is None:
            return None
    if expr.type == "composite_literal":
        return _type_chain(expr.child_by_field_name("type")) if index == 0 else None
    if expr.type == "type_assertion_expression":
        return _type_chain(expr.child_by_field_name("type")) if index == 0 else None
    if expr.type == "type_conversion_expression":
        typ = expr.child_by_field_name("type")
        chain = _type_chain(typ) if typ is not None and typ.type != "generic_type" else None
        if chain is not None:
            return chain if index == 0 else None
        expr_chain = _type_chain(typ)
        return None if expr_chain is None else _called(expr_chain, index)
    if expr.type == "call_expression":
        fn = expr.child_by_field_name("function")
        if fn is not None and fn.type == "identifier" and _text(fn) == "new":
            args = expr.child_by_field_name("arguments")
            return _type_chain(args.named_children[0]) if args is not None and args.named_child_count else None
        chain = _chain(fn.child_by_field_name("operand") if fn is not None and fn.type == "index_expression" else fn)
        return None if chain is None or chain[-1].endswith(")") else _called(chain, index)
    if index == 0 and expr.type in ("identifier", "selector_expression", "parenthesized_expression",
                                    "index_expression"):
        return _chain(expr)
    return None


def _called(chain: tuple[str, ...], index: int) -> tuple[str, ...]:
    suffix = "()" if index == 0 else f"()@{index}"
    return chain[:-1] + (chain[-1] + suffix,)




def _outer(spec: TSNode) -> TSNode:
    """The node a spec's range and doc belong to: its declaration when it stands alone."""
    parent = spec.parent
    if parent is not None and parent.type in ("type_declaration", "const_declaration", "var_declaration"):
        specs = [c for c in parent.named_children if c.type != "comment"]
        if len(specs) == 1:
            return parent
    return spec


def _receiver_type(method: TSNode) -> str:
    recv = method.child_by_field_name("receiver")
    decl = next((c for c in recv.named_children if c.type == "parameter_declaration"), None) if recv else None
    chain = _type_chain(decl.child_by_field_name("type")) if decl is not None else None
    return chain[-1] if chain else ""


def _signature(entity: TSNode, kind: str) -> str:
    if kind in ("Function", "Method", "Test") and entity.type in ("function_declaration", "method_declaration"):
        body = entity.child_by_field_name("body")
        end = body.start_byte if body is not None else entity.end_byte
        text = (entity.text or b"")[: end - entity.start_byte].decode("utf-8", "replace")
    elif entity.type in ("type_spec", "type_alias"):
        typ = entity.child_by_field_name("type")
        head = f"type {_text(entity.child_by_field_name('name'))}"
        tparams = entity.child_by_field_name("type_parameters")
        if tparams is not None:
            head += _text(tparams)
        if entity.type == "type_alias":
            head += " ="
        if typ is not None and typ.type in ("struct_type", "interface_type"):
            text = head + (" struct" if typ.type == "struct_type" else " interface")
        else:
            text = f"{head} {_text(typ)}"
    elif entity.type == "const_spec":
        text = "const " + _text(entity)
    elif entity.type == "var_spec":
        text = "var " + _text(entity)
    else:
        text = _text(entity)
    return _WS_RE.sub(" ", text).strip()[:_MAX_SIGNATURE]


def _struct_of(node: TSNode) -> TSNode | None:
    """The ``type_spec`` whose struct or interface directly holds a field or method element."""
    holder = node.parent
    if holder is not None and holder.type == "field_declaration_list":
        holder = holder.parent
    spec = holder.parent if holder is not None else None
    if holder is not None and holder.type in ("struct_type", "interface_type") and spec is not None \
            and spec.type == "type_spec":
        return spec
    return None


class _Builder:
    """Accumulates the symbols of one file, outermost first."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.test_file = path.endswith("_test.go")
        self.symbols: list[SymbolFact] = []
        self.spans: list[tuple[int, int, str]] = []
        self.kinds: dict[str, str] = {"": "Package"}
        self.seen: dict[str, int] = {}
        self._parents: dict[str, str | None] | None = None

    def parents(self) -> dict[str, str | None]:
        if self._parents is None:
            self._parents = {s.qname: s.parent for s in self.symbols}
        return self._parents

    def add(self, qname: str, name_node: TSNode, kind: str, outer: TSNode, parent: str, signature: str,
            doc: str) -> str:
        n = self.seen.get(qname, 0) + 1
        self.seen[qname] = n
        unique = qname if n == 1 else f"{qname}#{n}"
        name = _text(name_node)
        self.kinds.setdefault(unique, kind)
        self.symbols.append(SymbolFact(
            qname=unique, name=name, kind=kind, line=name_node.start_point[0] + 1, column=name_node.start_point[1],
            start=(outer.start_point[0] + 1, outer.start_point[1]), end=(outer.end_point[0] + 1, outer.end_point[1]),
            signature=signature, doc=doc, exported=_exported(name), parent=parent,
        ))
        self.spans.append((outer.start_byte, outer.end_byte, unique))
        return unique


def extract(path: str, source: bytes, root: TSNode, matches: Iterable[tuple[int, dict[str, list[TSNode]]]]) -> FileFacts:
    """Build the file facts of one Go file from its tree and query matches."""
    groups: dict[str, list[dict[str, list[TSNode]]]] = {}
    for _, caps in matches:
        role = next((k for k in caps if k.startswith(("definition.", "reference."))), None)
        if role is not None:
            groups.setdefault(role, []).append(caps)

    b = _Builder(path)
    package_node: TSNode | None = None
    for caps in groups.get("definition.package", []):
        package_node = caps["name"][0]
    type_specs = sorted((c["definition.type"][0] for c in groups.get("definition.type", [])), key=lambda n: n.start_byte)
    type_names: dict[int, str] = {}
    local_types: list[TSNode] = []
    for spec in type_specs:
        if spec.parent is None or spec.parent.type != "type_declaration" or spec.parent.parent is None \
                or spec.parent.parent.type != "source_file":
            local_types.append(spec)  # a type declared inside a function is local to it
            continue
        typ = spec.child_by_field_name("type")
        kind = "TypeAlias" if spec.type == "type_alias" or typ is None else \
            {"struct_type": "Struct", "interface_type": "Interface"}.get(typ.type, "TypeAlias")
        outer = _outer(spec)
        name_node = spec.child_by_field_name("name")
        assert name_node is not None
        type_names[spec.id] = b.add(_text(name_node), name_node, kind, outer, "", _signature(spec, kind), _doc(outer))
    declared_types = {s.qname for s in b.symbols}

    locals_: list[LocalFact] = []
    # Functions, methods (attached to the receiver's type when it is declared in this file).
    funcs = [(c["definition.function"][0], "function") for c in groups.get("definition.function", [])]
    funcs += [(c["definition.method"][0], "method") for c in groups.get("definition.method", [])
              if c["definition.method"][0].type == "method_declaration"]
    for entity, role in sorted(funcs, key=lambda f: f[0].start_byte):
        name_node = entity.child_by_field_name("name")
        assert name_node is not None
        name = _text(name_node)
        if role == "method":
            recv = _receiver_type(entity)
            qname, kind, parent = (f"{recv}.{name}" if recv else name), "Method", (recv if recv in declared_types else "")
        else:
            qname, parent = name, ""
            kind = "Test" if b.test_file and _TEST_RE.match(name) else "Function"
        unique = b.add(qname, name_node, kind, entity, parent, _signature(entity, kind), _doc(entity))
        locals_.extend(_results(entity, unique))

    # Fields and interface methods of package-level types.
    members = [(c["definition.field"][0], "Field") for c in groups.get("definition.field", [])]
    members += [(c["definition.method"][0], "Method") for c in groups.get("definition.method", [])
                if c["definition.method"][0].type == "method_elem"]
    done: set[int] = set()
    for entity, kind in sorted(members, key=lambda m: m[0].start_byte):
        if entity.id in done:
            continue
        done.add(entity.id)
        holder = _struct_of(entity)
        owner = type_names.get(holder.id) if holder is not None else None
        if owner is None:
            continue
        type_ref = _type_chain(entity.child_by_field_name("type")) if kind == "Field" else None
        for name_node in _names_of(entity):
            qname = b.add(f"{owner}.{_text(name_node)}", name_node, kind, entity, owner,
                          _signature(entity, kind), _doc(entity))
            if kind == "Field":
                locals_.append(LocalFact(scope=owner, name=_text(name_node), type_ref=type_ref))
            else:
                locals_.extend(_results(entity, qname))
    for spec in type_specs:
        if spec.type == "type_alias" and spec.id in type_names:
            locals_.append(LocalFact(scope=type_names[spec.id], name="=",
                                     type_ref=_type_chain(spec.child_by_field_name("type"))))

    # Package-level constants and variables.
    for role, kind in (("definition.constant", "Constant"), ("definition.variable", "Variable")):
        for caps in groups.get(role, []):
            spec = caps[role][0]
            decl = spec.parent.parent if spec.parent is not None and spec.parent.type == "var_spec_list" else spec.parent
            if decl is None or decl.parent is None or decl.parent.type != "source_file":
                continue
            name_node = caps["name"][0]
            name = _text(name_node)
            if name == "_" and len(_names_of(spec)) == 1:
                continue
            names = _names_of(spec)
            if name_node.start_byte != names[0].start_byte:
                continue
            outer = _outer(spec)
            for i, nn in enumerate(names):
                if _text(nn) == "_":
                    continue
                b.add(_text(nn), nn, kind, outer, "", _signature(spec, kind), _doc(outer))
                locals_.append(LocalFact(scope="", name=_text(nn), type_ref=_spec_ref(spec, i, len(names))))

    b.symbols.sort(key=lambda s: (s.start, s.line, s.column))
    scopes = Scopes(b.spans)

    # Locals, parameters, receivers, type parameters.
    bound: dict[tuple[str, str], tuple[str, ...] | None] = {}
    type_params: dict[str, set[str]] = {}

    def bind(scope: str, name: str, ref: tuple[str, ...] | None, span: str = "") -> None:
        if name == "_":
            return
        key = (scope, f"{name}@{span}" if span else name)
        if key in bound and bound[key] != ref:
            ref = None  # the same name holds values of different kinds in one scope
        bound[key] = ref

    for caps in groups.get("definition.parameter", []):
        entity = caps["definition.parameter"][0]
        scope = scopes.innermost(entity.start_byte)
        if not scope or b.kinds.get(scope) in ("Field",):
            continue
        if entity.type == "type_parameter_declaration":
            type_params.setdefault(scope, set()).add(_text(caps["name"][0]))
            bind(scope, _text(caps["name"][0]), None)
            continue
        if b.kinds.get(scope) not in _LOCAL_SCOPES or not _in_body_or_signature(entity):
            continue
        typ = entity.child_by_field_name("type")
        bind(scope, _text(caps["name"][0]), _type_chain(typ) if entity.type == "parameter_declaration" else None,
             _span(entity, None))
    for role in ("definition.local", "definition.constant", "definition.variable"):
        for caps in groups.get(role, []):
            entity = caps[role][0]
            scope = scopes.innermost(entity.start_byte)
            if b.kinds.get(scope) not in _LOCAL_SCOPES or (b.kinds[scope] in ("Variable", "Constant")
                                                          and not _in_body_or_signature(entity)):
                continue
            name_node = caps["name"][0]
            bind(scope, _text(name_node), _local_ref(entity, name_node), _span(entity, entity))
    for spec in local_types:
        name_node = spec.child_by_field_name("name")
        scope = scopes.innermost(spec.start_byte)
        if name_node is not None and b.kinds.get(scope) in _LOCAL_SCOPES:
            bind(scope, _text(name_node), None, _span(spec, spec))
    locals_.extend(LocalFact(scope=s, name=n, type_ref=r) for (s, n), r in sorted(bound.items()))
    if type_params:
        # A type written as a type parameter is no named type the resolver could look up.
        locals_ = [loc if loc.type_ref is None or len(loc.type_ref) != 1
                   or not _is_type_param(loc.type_ref[0], loc.scope, b, type_params)
                   else LocalFact(scope=loc.scope, name=loc.name, type_ref=None) for loc in locals_]

    refs = _references(groups, scopes, b, type_params)
    imports = _imports(groups)
    package = _text(package_node) if package_node is not None else ""
    pkg_symbol = SymbolFact(
        qname="", name=package, kind="Package",
        line=(package_node.start_point[0] + 1) if package_node is not None else 1,
        column=package_node.start_point[1] if package_node is not None else 0,
        start=(1, 0), end=(root.end_point[0] + 1, root.end_point[1]),
        signature=f"package {package}" if package else "",
        doc=_doc(package_node.parent) if package_node is not None and package_node.parent is not None else "",
        exported=True, parent=None,
    )
    loc = source.count(b"\n") + (0 if source.endswith(b"\n") or not source else 1)
    return FileFacts(
        path=path, lang="go", loc=loc, parse_errors=count_errors(root),
        symbols=(pkg_symbol, *b.symbols), imports=tuple(imports), refs=tuple(refs), locals=tuple(locals_),
    )


def _in_body_or_signature(param: TSNode) -> bool:
    """A parameter of a function, method or function literal (not of a function type)."""
    node = param.parent
    while node is not None:
        if node.type in ("function_declaration", "method_declaration", "func_literal"):
            return True
        if node.type in ("function_type", "method_elem"):
            return False
        node = node.parent
    return False


def _results(entity: TSNode, qname: str) -> list[LocalFact]:
    """``return#<i>`` rows: the named types a function or method returns, in order."""
    result = entity.child_by_field_name("result")
    if result is None:
        return []
    if result.type != "parameter_list":
        return [LocalFact(scope=qname, name="return#0", type_ref=_type_chain(result))]
    out: list[LocalFact] = []
    for decl in result.named_children:
        if decl.type not in ("parameter_declaration", "variadic_parameter_declaration"):
            continue
        ref = _type_chain(decl.child_by_field_name("type")) if decl.type == "parameter_declaration" else None
        for _ in range(max(1, len(_names_of(decl)))):
            out.append(LocalFact(scope=qname, name=f"return#{len(out)}", type_ref=ref))
    return out


def _spec_ref(spec: TSNode, i: int, count: int) -> tuple[str, ...] | None:
    typ = spec.child_by_field_name("type")
    if typ is not None:
        return _type_chain(typ)
    value = spec.child_by_field_name("value")
    if value is None:
        return None
    values = value.named_children
    if len(values) == count:
        return _value_ref(values[i], 0)
    if len(values) == 1:
        return _value_ref(values[0], i)
    return None


_BLOCKS = frozenset({
    "block", "if_statement", "for_statement", "expression_switch_statement", "type_switch_statement",
    "expression_case", "type_case", "default_case", "communication_case", "func_literal",
    "function_declaration", "method_declaration",
})


def _span(entity: TSNode, declaration: TSNode | None) -> str:
    """Where a local is visible: from the end of its declaration to the end of its block.

    ``"<line>:<col>:<line>:<col>"`` (1-based lines, 0-based columns); ``""`` for a parameter or
    receiver of a declared function, which the whole function sees.
    """
    block = entity.parent
    while block is not None and block.type not in _BLOCKS:
        block = block.parent
    if block is None or block.type in ("function_declaration", "method_declaration"):
        return ""
    if declaration is None:
        start = block.start_point
    else:
        start = declaration.end_point
    end = block.end_point
    return f"{start[0] + 1}:{start[1]}:{end[0] + 1}:{end[1]}"


def _local_ref(entity: TSNode, name_node: TSNode) -> tuple[str, ...] | None:
    if entity.type == "range_clause":
        left = entity.child_by_field_name("left")
        names = left.named_children if left is not None else []
        if len(names) == 2 and names[1].start_byte == name_node.start_byte:
            right = _chain(entity.child_by_field_name("right"))
            return None if right is None else right + ("[]",)
        return None
    if entity.type in ("var_spec", "const_spec"):
        names = _names_of(entity)
        idx = next((i for i, n in enumerate(names) if n.start_byte == name_node.start_byte), 0)
        return _spec_ref(entity, idx, len(names))
    if entity.type != "short_var_declaration":
        return None
    left = entity.child_by_field_name("left")
    right_side = entity.child_by_field_name("right")
    if left is None or right_side is None:
        return None
    names = left.named_children
    idx = next((i for i, n in enumerate(names) if n.start_byte == name_node.start_byte), 0)
    values = right_side.named_children
    if len(values) == len(names):
        return _value_ref(values[idx], 0)
    if len(values) == 1:
        return _value_ref(values[0], idx)
    return None


def _references(groups: dict[str, list[dict[str, list[TSNode]]]], scopes: Scopes, b: _Builder,
                type_params: dict[str, set[str]]) -> list[RefFact]:
    refs: dict[tuple[int, int, str, str], RefFact] = {}
    handled: set[int] = set()  # type_identifier nodes already covered by a call or base reference

    def add(kind: str, name_node: TSNode, receiver: tuple[str, ...] | None, anchor: TSNode | None = None) -> None:
        anchor = anchor or name_node
        # One reference per name a declaration declares together: `From, To Point` uses Point twice.
        for scope in scopes.innermost_all(anchor.start_byte):
            key = (anchor.start_point[0], anchor.start_point[1], kind, scope)
            if key not in refs:
                refs[key] = RefFact(kind=kind, name=_text(name_node), receiver=receiver,  # type: ignore[arg-type]
                                    scope=scope, line=anchor.start_point[0] + 1, column=anchor.start_point[1])

    for caps in groups.get("reference.call", []):
        name = caps["name"][0]
        receiver = caps.get("receiver", [None])[0]
        add("call", name, () if receiver is None else _chain(receiver))
        handled.add(name.id)
    for caps in groups.get("reference.base", []):
        entity = caps["reference.base"][0]
        spec = _struct_of(entity)
        if spec is None:
            continue
        node: TSNode | None = caps["name"][0]
        while node is not None and node.type in ("pointer_type", "generic_type"):
            node = node.child_by_field_name("type") if node.type == "generic_type" else node.named_children[-1]
        if node is None:
            continue
        if node.type == "type_identifier":
            if _text(node) in PREDECLARED_TYPES:
                continue
            add("base", node, ())
            handled.add(node.id)
        elif node.type == "qualified_type":
            type_name = node.child_by_field_name("name")
            assert type_name is not None
            add("base", type_name, (_text(node.child_by_field_name("package")),))
            handled.add(type_name.id)
    for caps in groups.get("reference.type", []):
        name = caps["name"][0]
        if name.id in handled:
            continue
        receiver = caps.get("receiver", [None])[0]
        parent = name.parent
        if receiver is None:
            if parent is not None and (parent.type in _SKIP_TYPE_PARENTS or (
                    parent.type in ("type_spec", "type_alias") and parent.child_by_field_name("name") == name)):
                continue
            text = _text(name)
            scope = scopes.innermost(name.start_byte)
            if text in PREDECLARED_TYPES and not _is_type_param(text, scope, b, type_params):
                continue
            if _is_type_param(text, scope, b, type_params):
                continue
            add("type", name, ())
        else:
            add("type", name, (_text(receiver),))
    return sorted(refs.values(), key=lambda r: (r.line, r.column, r.kind, r.scope))


def _is_type_param(name: str, scope: str, b: _Builder, type_params: dict[str, set[str]]) -> bool:
    if not type_params:
        return False
    parents = b.parents()
    s: str | None = scope
    while s:
        if name in type_params.get(s, ()):
            return True
        s = parents.get(s)
    return False


def _imports(groups: dict[str, list[dict[str, list[TSNode]]]]) -> list[ImportFact]:
    out: list[ImportFact] = []
    for caps in groups.get("reference.import", []):
        lit = caps["module"][0]
        content = next((c for c in lit.named_children if c.type.endswith("_content")), None)
        anchor = content if content is not None else lit
        module = _text(content) if content is not None else _text(lit).strip("`\"")
        alias_n = caps.get("alias", [None])[0]
        alias = _text(alias_n) if alias_n is not None else None
        out.append(ImportFact(module=module, name=None, alias=alias, wildcard=alias == ".",
                              line=anchor.start_point[0] + 1, column=anchor.start_point[1], scope=""))
    out.sort(key=lambda i: (i.line, i.column))
    return out


def package_name_guess(import_path: str) -> tuple[str, bool]:
    """The package name an import path conventionally declares, and whether the convention is certain.

    ``net/http`` → ``("http", True)``; ``example.com/mod/v2`` → ``("mod", True)``;
    ``gopkg.in/yaml.v3`` → ``("yaml", True)``; ``github.com/mattn/go-sqlite3`` →
    ``("sqlite3", False)`` (the last element is no identifier, so the name is a guess).
    """
    parts = import_path.split("/")
    last = parts[-1]
    if re.fullmatch(r"v[0-9]+", last) and len(parts) > 1:
        last = parts[-2]
    certain = True
    m = re.fullmatch(r"(.+)\.v[0-9]+", last)
    if m and import_path.startswith("gopkg.in/"):
        last = m.group(1)
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", last):
        certain = False
        last = re.sub(r"^go-|-go$|\.go$", "", last)
        last = re.sub(r"[^A-Za-z0-9_]", "", last.split(".")[0])
    return last, certain


def is_test_file(path: str) -> bool:
    """A ``_test.go`` file (compiled only with ``go test``)."""
    return posixpath.basename(path).endswith("_test.go")
