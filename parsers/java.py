"""Java adapter: turns the matches of ``java.scm`` into file facts.

It does what the query cannot: nesting (``Outer.Inner.method``), overloads (``#2``),
kinds from where a definition stands, signatures, Javadoc, the ``exported`` rule
(``public``/``protected``, interface members, inside an exported type), receivers as
dotted chains and the declared types of locals, parameters and fields. It never looks
at another file (cross-file work: ``graphsvc/ingest/resolve/java.py``).

Encodings the resolver reads:

* imports: ``ImportFact.module`` is the qualifier (``java.util`` of ``java.util.List``),
  ``name`` the last segment; a static import's module carries the prefix ``static:``;
  ``import a.b.*`` is ``module="a.b", wildcard=True``.
* call receivers: ``("this",)``, ``("super",)``, ``("a", "b")`` for ``a.b.m()``,
  ``("<new>", "pkg", "T")`` for ``new pkg.T(…).m()``, ``None`` for other expressions;
  ``new T(…)`` is a call of name ``T`` with receiver ``("<ctor>", *qualifier)``;
  ``this(…)``/``super(…)`` are calls of ``<init>`` on ``("this",)``/``("super",)``.
  Calls inside an anonymous class body get receiver ``None`` when bare or on ``this``:
  their targets depend on a base the adapter cannot see.
* locals: ``LocalFact(scope=<method>, name, type_ref)``; fields are locals of their
  class's scope. A name declared twice in one scope with different types gets ``None``.
* the Module symbol's ``signature`` is the package name (``""`` for the default package).
* each method's and constructor's ``signature`` ends with its parameter list, which the
  resolver's summary turns into arity and parameter types.
"""

from __future__ import annotations

import bisect
import posixpath
import re
from collections.abc import Iterable

from tree_sitter import Node as TSNode

from graphsvc.model import FileFacts, ImportFact, LocalFact, RefFact, SymbolFact
from parsers.scopes import Scopes
from parsers.syntax import count_errors

__all__ = ["TYPE_KINDS", "extract", "plain_type"]

TYPE_KINDS = frozenset({"Class", "Interface", "Enum"})
_MAX_SIGNATURE = 400
_MAX_DOC = 2000
_WS_RE = re.compile(r"\s+")
_ANNOTATION_RE = re.compile(r"@[\w.]+(\s*\((?:[^()]|\([^()]*\))*\))?\s*")
_KINDS = {
    "definition.class": "Class", "definition.interface": "Interface", "definition.enum": "Enum",
    "definition.method": "Method", "definition.constructor": "Constructor", "definition.field": "Field",
    "definition.enum_member": "EnumMember",
}
_TYPE_DECLS = frozenset({
    "class_declaration", "interface_declaration", "enum_declaration", "record_declaration",
    "annotation_type_declaration",
})
_BODIES = frozenset({"class_body", "interface_body", "enum_body", "enum_body_declarations",
                     "annotation_type_body"})


def _text(node: TSNode | None) -> str:
    return "" if node is None else (node.text or b"").decode("utf-8", "replace")


class _Docs:
    """``/** … */`` comments by end byte: an entity's Javadoc ends right before it (blanks between)."""

    def __init__(self, source: bytes, comments: list[TSNode]) -> None:
        self._source = source
        self._comments = sorted((c for c in comments if (c.text or b"").startswith(b"/**")), key=lambda c: c.end_byte)
        self._ends = [c.end_byte for c in self._comments]

    def before(self, entity: TSNode) -> str:
        i = bisect.bisect_right(self._ends, entity.start_byte) - 1
        if i < 0 or self._source[self._ends[i]:entity.start_byte].strip():
            return ""
        return _javadoc(self._comments[i])


def _javadoc(comment: TSNode) -> str:
    raw = _text(comment)
    lines = []
    for line in raw[3:-2].splitlines():
        line = line.strip()
        if line.startswith("*"):
            line = line[1:]
            line = line[1:] if line.startswith(" ") else line
        lines.append(line.rstrip())
    return "\n".join(lines).strip()[:_MAX_DOC]


def _modifiers(entity: TSNode) -> set[str]:
    for child in entity.children:
        if child.type == "modifiers":
            return {_text(c) for c in child.children if not c.type.endswith("annotation")}
    return set()


def _signature(entity: TSNode) -> str:
    body = entity.child_by_field_name("body")
    end = body.start_byte if body is not None else entity.end_byte
    raw = (entity.text or b"")[: end - entity.start_byte].decode("utf-8", "replace")
    sig = _WS_RE.sub(" ", _ANNOTATION_RE.sub("", raw)).strip().rstrip(";").strip()
    return sig[:_MAX_SIGNATURE]


def _type_chain(node: TSNode | None) -> tuple[str, ...] | None:
    """The dotted name of a type node (generic arguments dropped), None for arrays and primitives."""
    if node is None:
        return None
    if node.type == "type_identifier":
        return (_text(node),)
    if node.type == "scoped_type_identifier":
        parts = tuple(_text(c) for c in node.named_children if c.type == "type_identifier")
        head = node.named_children[0]
        if head.type in ("scoped_type_identifier", "generic_type"):
            inner = _type_chain(head)
            return None if inner is None else inner + parts[-1:]
        return parts
    if node.type == "generic_type":
        return _type_chain(node.named_children[0]) if node.named_children else None
    if node.type in ("identifier", "scoped_identifier", "field_access"):
        return _expr_chain(node)
    return None


def _expr_chain(node: TSNode) -> tuple[str, ...] | None:
    """The dotted chain an expression names (``a.b.c``, ``this``, ``new T()``), or None."""
    t = node.type
    if t in ("identifier", "this", "super", "type_identifier"):
        return (_text(node),)
    if t in ("field_access", "scoped_identifier"):
        obj = node.child_by_field_name("object") or node.child_by_field_name("scope")
        name = node.child_by_field_name("field") or node.child_by_field_name("name")
        if obj is None or name is None:
            return None
        head = _expr_chain(obj)
        return None if head is None else head + (_text(name),)
    if t == "object_creation_expression" and not _anonymous(node):
        chain = _type_chain(node.child_by_field_name("type"))
        return None if chain is None else ("<new>", *chain)
    if t == "parenthesized_expression" and node.named_child_count == 1:
        return _expr_chain(node.named_children[0])
    return None


def _anonymous(new: TSNode) -> bool:
    """Whether ``new T(…) { … }`` declares an anonymous class."""
    return any(c.type == "class_body" for c in new.children)




def _in_anonymous_body(node: TSNode, stop: int) -> bool:
    """Whether ``node`` sits in an anonymous class body inside the definition starting at ``stop``."""
    p = node.parent
    while p is not None and p.start_byte >= stop:
        if p.type == "class_body" and p.parent is not None and p.parent.type == "object_creation_expression":
            return True
        if p.type in _TYPE_DECLS:
            return False
        p = p.parent
    return False


_LITERAL_TYPES = {
    "string_literal": "String", "text_block": "String", "character_literal": "char", "true": "boolean",
    "false": "boolean", "decimal_floating_point_literal": "double",
}
_INT_LITERALS = frozenset({"decimal_integer_literal", "hex_integer_literal", "octal_integer_literal",
                           "binary_integer_literal"})


def plain_type(text: str) -> str:
    """A type as overloads are told apart here: generic arguments, qualifiers and spaces dropped."""
    depth, out = 0, []
    for ch in text:
        if ch == "<":
            depth += 1
        elif ch == ">":
            depth -= 1
        elif depth == 0 and not ch.isspace():
            out.append(ch)
    flat = "".join(out).replace("...", "[]")
    head, dims = (flat.split("[", 1) + [""])[:2]
    return head.rsplit(".", 1)[-1] + ("[" + dims if dims else "")


def _arg_types(call: TSNode, declared: object) -> tuple[str, ...]:
    """The static type of each argument when it is plain to see: literals, variables, ``new T``, casts."""
    args = call.child_by_field_name("arguments")
    if args is None:
        return ()
    out: list[str] = []
    for a in args.named_children:
        if "comment" in a.type:
            continue
        t = a.type
        text = ""
        if t in _LITERAL_TYPES:
            text = _LITERAL_TYPES[t]
            if t == "decimal_floating_point_literal" and _text(a)[-1:] in "fF":
                text = "float"
        elif t in _INT_LITERALS:
            text = "long" if _text(a)[-1:] in "lL" else "int"
        elif t == "identifier":
            text = declared(a)  # type: ignore[operator]
        elif t in ("object_creation_expression", "cast_expression", "array_creation_expression"):
            tnode = a.child_by_field_name("type")
            if tnode is not None and not _anonymous(a):
                text = plain_type(_text(tnode))
                if t == "array_creation_expression":
                    dims = a.child_by_field_name("dimensions")
                    text += "[]" * max(1, _text(dims).count("[")) if dims is not None else "[]"
        out.append(text)
    return tuple(out)


def _arity(call: TSNode) -> int:
    args = call.child_by_field_name("arguments")
    if args is None:
        return -1
    return sum(1 for c in args.named_children if c.type not in ("line_comment", "block_comment"))


def extract(path: str, source: bytes, root: TSNode,
            matches: Iterable[tuple[int, dict[str, list[TSNode]]]]) -> FileFacts:
    """Build the file facts of one Java file from its tree and query matches."""
    package = ""
    defs: list[tuple[TSNode, TSNode, str]] = []
    variables: dict[int, tuple[TSNode, TSNode | None]] = {}
    calls: dict[int, tuple[TSNode, TSNode, TSNode | None]] = {}
    news: list[TSNode] = []
    bases: list[tuple[str, TSNode]] = []
    types: list[TSNode] = []
    imports: dict[int, dict[str, list[TSNode]]] = {}
    tparams: list[TSNode] = []
    comments: list[TSNode] = []
    for _, caps in matches:
        role = next((k for k in caps if k.startswith(("definition.", "reference."))), "")
        name = caps.get("name", [None])[0]
        if role == "definition.package" and name is not None:
            package = _WS_RE.sub("", _text(name))
        elif role in _KINDS and name is not None:
            defs.append((caps[role][0], name, _KINDS[role]))
        elif role == "definition.variable" and name is not None:
            value = caps.get("value", [None])[0]
            if name.start_byte not in variables or value is not None:
                variables[name.start_byte] = (name, value)
        elif role == "reference.call" and name is not None:
            call = caps[role][0]
            receiver = caps.get("receiver", [None])[0]
            if call.id not in calls or receiver is not None:
                calls[call.id] = (call, name, receiver)
        elif role == "reference.new" and name is not None:
            news.append(caps[role][0])
        elif role in ("reference.base", "reference.implements") and name is not None:
            bases.append(("base" if role == "reference.base" else "implements", name))
        elif role == "reference.type" and name is not None:
            types.append(name)
        elif role == "definition.type_parameter" and name is not None:
            tparams.append(name)
        elif "doc" in caps and not role:
            comments.append(caps["doc"][0])
        elif role == "reference.import":
            stmt = caps[role][0]
            if stmt.id not in imports or "wildcard" in caps:
                imports[stmt.id] = caps

    symbols, spans, kinds = _symbols(path, defs, _Docs(source, comments))
    scopes = Scopes(spans)
    starts = {q: s for s, _e, q in spans}
    type_params = _type_params(tparams, scopes)

    def scope_of(node: TSNode) -> str:
        return scopes.innermost(node.start_byte)

    texts: dict[tuple[str, str], str] = {}
    for name_node, value in variables.values():
        key = (scope_of(name_node), _text(name_node))
        text = "" if value is None else plain_type(_text(value))
        if value is not None and value.parent is not None and value.parent.type == "spread_parameter":
            text += "[]"
        if text == "var" or (key in texts and texts[key] != text) or _text(name_node) in type_params.get(key[0], ()):
            text = ""
        texts[key] = text
    for entity, name_node, kind in defs:
        if kind == "Field" and entity.type == "field_declaration":
            tnode = entity.child_by_field_name("type")
            key = (scopes.innermost(entity.start_byte), _text(name_node))
            texts.setdefault(key, plain_type(_text(tnode)) if tnode is not None else "")

    def declared(ident: TSNode) -> str:
        """The declared type of a variable, looked up from its scope outwards (fields last)."""
        name, s = _text(ident), scope_of(ident)
        while True:
            text = texts.get((s, name))
            if text is not None:
                return "" if text in type_params.get(s, ()) or text.rstrip("[]") in type_params.get(s, ()) else text
            if not s:
                return ""
            s = s.rsplit(".", 1)[0] if "." in s else ""

    refs: list[RefFact] = []
    for call, name_node, receiver in calls.values():
        scope = scope_of(call)
        anon = _in_anonymous_body(call, starts.get(scope, 0))
        if call.type == "explicit_constructor_invocation":
            rchain: tuple[str, ...] | None = (_text(name_node),)
            name, anchor = "<init>", name_node
        else:
            name, anchor = _text(name_node), name_node
            rchain = () if receiver is None else _expr_chain(receiver)
        if anon and rchain is not None and (rchain == () or rchain[0] in ("this", "super")):
            rchain = None
        refs.append(RefFact("call", name, rchain, scope, anchor.start_point[0] + 1, anchor.start_point[1],
                            _arity(call), _arg_types(call, declared)))
    base_anchors: set[int] = set()
    for new in news:
        if _anonymous(new):
            continue  # an anonymous class: its type stays a type reference
        tnode = new.child_by_field_name("type")
        chain = _type_chain(tnode)
        if chain is None or tnode is None:
            continue
        anchor = _last_identifier(tnode)
        base_anchors.add(anchor.id)
        scope = scope_of(new)
        if chain[0] in type_params.get(scope, ()):
            continue
        refs.append(RefFact("call", chain[-1], ("<ctor>", *chain[:-1]), scope,
                            anchor.start_point[0] + 1, anchor.start_point[1], _arity(new),
                            _arg_types(new, declared)))
    for kind, tnode in bases:
        chain = _type_chain(tnode)
        if chain is None:
            continue
        anchor = _last_identifier(tnode)
        base_anchors.add(anchor.id)
        owner = tnode.parent
        while owner is not None and owner.type not in _TYPE_DECLS:
            owner = owner.parent
        if owner is None:
            continue
        scope = scope_of(owner)
        refs.append(RefFact(kind, chain[-1], chain[:-1], scope,  # type: ignore[arg-type]
                            anchor.start_point[0] + 1, anchor.start_point[1]))
    for tnode in types:
        ref = _type_ref(tnode, base_anchors, type_params, scope_of)
        if ref is not None:
            refs.append(ref)

    locals_ = _locals(variables, scope_of, kinds, type_params)
    for entity, name_node, kind in defs:
        if kind == "Field" and entity.type in ("field_declaration", "constant_declaration"):
            owner = scopes.innermost(entity.start_byte)
            if kinds.get(owner) in TYPE_KINDS:
                chain = _type_chain(entity.child_by_field_name("type"))
                if chain is not None and chain[0] in type_params.get(owner, ()):
                    chain = None
                locals_.append(LocalFact(scope=owner, name=_text(name_node), type_ref=chain))
    import_facts = _imports(imports.values())
    refs.sort(key=lambda r: (r.line, r.column, r.kind))
    stem = posixpath.splitext(posixpath.basename(path))[0]
    module = SymbolFact(qname="", name=stem, kind="Module", line=1, column=0, start=(1, 0),
                        end=(root.end_point[0] + 1, root.end_point[1]), signature=package,
                        exported=True, parent=None)
    loc = source.count(b"\n") + (0 if source.endswith(b"\n") or not source else 1)
    return FileFacts(path=path, lang="java", loc=loc, parse_errors=count_errors(root),
                     symbols=(module, *symbols), imports=tuple(import_facts), refs=tuple(refs),
                     locals=tuple(locals_))


def _last_identifier(node: TSNode) -> TSNode:
    """The node of the simple name in a (scoped, generic) type."""
    while node.type in ("scoped_type_identifier", "generic_type") and node.named_children:
        if node.type == "generic_type":
            node = node.named_children[0]
        else:
            node = [c for c in node.named_children if c.type == "type_identifier"][-1]
    return node


def _symbols(path: str, defs: list[tuple[TSNode, TSNode, str]], docs: _Docs) -> tuple[list[SymbolFact], list[tuple[int, int, str]], dict[str, str]]:
    symbols: list[SymbolFact] = []
    spans: list[tuple[int, int, str]] = []
    kinds: dict[str, str] = {"": "Module"}
    exported_by: dict[str, bool] = {"": True}
    seen: dict[str, int] = {}
    stack: list[tuple[int, str]] = []
    for entity, name_node, kind in sorted(defs, key=lambda d: (d[0].start_byte, d[1].start_byte)):
        while stack and stack[-1][0] <= entity.start_byte:
            stack.pop()
        parent = stack[-1][1] if stack else ""
        if kind != "Field" and kind != "EnumMember" and not _declared_in_body(entity):
            continue  # a local or anonymous class's member: its own scope, not a member
        name = _text(name_node)
        base = f"{parent}.{name}" if parent else name
        n = seen.get(base, 0) + 1
        seen[base] = n
        qname = base if n == 1 else f"{base}#{n}"
        mods = _modifiers(entity)
        parent_kind = kinds.get(parent, "Module")
        if kind == "Field" and "static" in mods and "final" in mods or kind == "Field" and parent_kind == "Interface":
            kind = "Constant"
        if kind in ("Field", "Constant") and entity.type == "field_declaration":
            sig = _WS_RE.sub(" ", _ANNOTATION_RE.sub("", _text(entity))).split("=")[0].strip().rstrip(";")
        elif kind == "EnumMember":
            sig = name
        else:
            sig = _signature(entity)
        own = "public" in mods or "protected" in mods or parent_kind == "Interface" or kind == "EnumMember"
        exported = own and exported_by.get(parent, False)
        kinds[qname] = kind
        exported_by[qname] = exported
        symbols.append(SymbolFact(
            qname=qname, name=name, kind=kind, line=name_node.start_point[0] + 1, column=name_node.start_point[1],
            start=(entity.start_point[0] + 1, entity.start_point[1]), end=(entity.end_point[0] + 1, entity.end_point[1]),
            signature=sig, doc=docs.before(entity), exported=exported, parent=parent,
        ))
        if kind in ("Field", "Constant"):
            # A field's span is its declarator's, so several fields in one declaration stay apart.
            decl = name_node.parent if name_node.parent is not None else entity
            spans.append((decl.start_byte, decl.end_byte, qname))
            continue
        spans.append((entity.start_byte, entity.end_byte, qname))
        stack.append((entity.end_byte, qname))
    return symbols, spans, kinds


def _declared_in_body(entity: TSNode) -> bool:
    """Whether a definition is a top-level type or a member of a named type's body."""
    parent = entity.parent
    if parent is None or parent.type == "program":
        return True
    if parent.type not in _BODIES:
        return False
    owner = parent.parent
    if owner is not None and owner.type == "enum_body":
        owner = owner.parent
    return owner is not None and owner.type in _TYPE_DECLS


def _type_params(names: list[TSNode], scopes: Scopes) -> dict[str, set[str]]:
    """Type parameter names by the scope that declares them, inherited by nested scopes."""
    own: dict[str, set[str]] = {}
    for ident in names:
        decl = ident.parent.parent.parent if ident.parent is not None and ident.parent.parent is not None else None
        if decl is not None:
            own.setdefault(scopes.innermost(decl.start_byte), set()).add(_text(ident))
    return _Inherited(own)


class _Inherited(dict):  # type: ignore[type-arg]
    """Type parameters visible in a scope: its own and those of every enclosing scope."""

    def __init__(self, own: dict[str, set[str]]) -> None:
        super().__init__()
        self._own = own

    def get(self, scope: str, default: object = ()) -> set[str]:  # type: ignore[override]
        found: set[str] = set()
        s = scope
        while True:
            found |= self._own.get(s, set())
            if not s:
                return found
            s = s.rsplit(".", 1)[0] if "." in s else ""


def _type_ref(tnode: TSNode, base_anchors: set[int], type_params: dict[str, set[str]],
              scope_of: object) -> RefFact | None:
    parent = tnode.parent
    if parent is not None and parent.type in ("scoped_type_identifier", "type_parameter"):
        return None
    if tnode.id in base_anchors:
        return None
    if tnode.type == "scoped_type_identifier" and _last_identifier(tnode).id in base_anchors:
        return None
    chain = _type_chain(tnode)
    if chain is None or chain == ("var",):
        return None
    scope = scope_of(tnode)  # type: ignore[operator]
    if chain[0] in type_params.get(scope, ()):
        return None
    anchor = _last_identifier(tnode)
    return RefFact("type", chain[-1], chain[:-1], scope, anchor.start_point[0] + 1, anchor.start_point[1])


def _locals(variables: dict[int, tuple[TSNode, TSNode | None]], scope_of: object, kinds: dict[str, str],
            type_params: dict[str, set[str]]) -> list[LocalFact]:
    found: dict[tuple[str, str], tuple[str, ...] | None] = {}
    for name_node, value in sorted(variables.values(), key=lambda v: v[0].start_byte):
        scope = scope_of(name_node)  # type: ignore[operator]
        if kinds.get(scope) in ("Field", "Constant"):
            continue
        chain = _type_chain(value)
        if value is not None and value.type == "type_identifier" and _text(value) == "var":
            decl = name_node.parent
            init = decl.child_by_field_name("value") if decl is not None else None
            chain = _expr_chain(init)[1:] if init is not None and init.type == "object_creation_expression" and _expr_chain(init) else None
        if chain is not None and chain[0] in type_params.get(scope, ()):
            chain = None
        key = (scope, _text(name_node))
        if key in found and found[key] != chain:
            chain = None
        found[key] = chain
    # Fields are locals of their class.
    return [LocalFact(scope=s, name=n, type_ref=t) for (s, n), t in found.items()]


def _imports(matches: Iterable[dict[str, list[TSNode]]]) -> list[ImportFact]:
    out: list[ImportFact] = []
    for caps in matches:
        stmt = caps["reference.import"][0]
        module_node = caps["module"][0]
        dotted = _WS_RE.sub("", _text(module_node))
        static = any(c.type == "static" for c in stmt.children)
        prefix = "static:" if static else ""
        anchor = module_node.child_by_field_name("name") or module_node
        line, col = anchor.start_point[0] + 1, anchor.start_point[1]
        if "wildcard" in caps:
            out.append(ImportFact(prefix + dotted, None, None, True, line, col, ""))
        else:
            qualifier, _, name = dotted.rpartition(".")
            out.append(ImportFact(prefix + qualifier, name, None, False, line, col, ""))
    out.sort(key=lambda i: (i.line, i.column))
    return out
