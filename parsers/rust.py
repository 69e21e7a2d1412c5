"""Rust adapter: turns the matches of ``rust.scm`` into file facts.

It does what the query cannot: nesting (inline ``mod``s, items in functions), methods
attached to the type their ``impl`` block names (``Shop.new``; ``#2`` for a second
``new`` in another impl block), kinds, signatures, rustdoc, the ``exported`` rule
(``pub`` all the way up from the file), ``use`` trees flattened to one binding per
leaf, receivers as chains and the declared types of ``let`` bindings and parameters.
It never looks at another file (cross-file work: ``graphsvc/ingest/resolve/rust.py``).

Encodings the resolver reads:

* imports: ``use a::b::{C, d as e, f::*}`` gives ``module="a::b", name="C"``,
  ``module="a::b", name="d", alias="e"``, ``module="a::b::f", wildcard=True``; ``self``
  in a group binds the group's module; ``mod name;`` is ``module="<mod>", name="name"``.
  ``scope`` is the qname of the module or function the ``use`` stands in.
* call receivers: ``()`` for ``f()``; ``("::", *path)`` for ``path::f()``
  (``("::", "Self")`` for ``Self::f()``); ``(".", *chain)`` for ``chain.f()``, where
  ``chain`` holds identifiers, ``self``, fields, ``"m()"`` for the result of a method call
  and ``"a::b()"`` for the result of a path call; ``None`` when unnameable.
* impl blocks: one ``LocalFact(scope="<impl>" + module qname, name=<method prefix>,
  type_ref=<self type path> [+ ("<for>", *trait path)])`` each; a trait impl also gives an
  ``implements`` ref from the type (or, when the type lives elsewhere, from the module).
* locals: ``type_ref`` is the declared type path, or ``(*path, "f()")`` for ``let x = path::f()``,
  ``None`` when unknown; a name bound twice in one function with different types gets None.
* a function's ``signature`` ends with its return type after ``->``.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from tree_sitter import Node as TSNode

from graphsvc.model import FileFacts, ImportFact, LocalFact, RefFact, SymbolFact
from parsers.scopes import Scopes
from parsers.syntax import count_errors

__all__ = ["TYPE_KINDS", "extract", "path_segments"]

TYPE_KINDS = frozenset({"Struct", "Enum", "Trait", "TypeAlias"})
_MAX_SIGNATURE = 400
_MAX_DOC = 2000
_WS_RE = re.compile(r"\s+")
_KINDS = {
    "definition.module": "Module", "definition.struct": "Struct", "definition.enum": "Enum",
    "definition.trait": "Trait", "definition.type_alias": "TypeAlias", "definition.function": "Function",
    "definition.constant": "Constant", "definition.static": "Variable", "definition.field": "Field",
    "definition.enum_member": "EnumMember", "definition.macro": "Function",
}
_DEF_PARENTS = frozenset({"struct_item", "enum_item", "union_item", "trait_item", "type_item"})


def _text(node: TSNode | None) -> str:
    return "" if node is None else (node.text or b"").decode("utf-8", "replace")


def path_segments(node: TSNode | None) -> tuple[str, ...] | None:
    """The segments of a path (``crate::a::B<T>`` → ``("crate", "a", "B")``), None when unnameable."""
    if node is None:
        return None
    t = node.type
    if t in ("identifier", "type_identifier", "crate", "self", "super", "field_identifier", "primitive_type"):
        return (_text(node),)
    if t in ("scoped_identifier", "scoped_type_identifier"):
        name = node.child_by_field_name("name")
        path = node.child_by_field_name("path")
        head: tuple[str, ...] | None = () if path is None else path_segments(path)
        return None if head is None or name is None else head + (_text(name),)
    if t == "generic_type":
        return path_segments(node.child_by_field_name("type"))
    if t in ("reference_type", "pointer_type"):
        return path_segments(node.child_by_field_name("type"))
    if t == "generic_function":
        return path_segments(node.child_by_field_name("function"))
    return None


def _expr_chain(node: TSNode) -> tuple[str, ...] | None:
    t = node.type
    if t in ("identifier", "self"):
        return (_text(node),)
    if t == "field_expression":
        value = node.child_by_field_name("value")
        fld = node.child_by_field_name("field")
        head = _expr_chain(value) if value is not None else None
        return None if head is None or fld is None else head + (_text(fld),)
    if t == "call_expression":
        fn = node.child_by_field_name("function")
        if fn is not None and fn.type == "generic_function":
            fn = fn.child_by_field_name("function")
        if fn is None:
            return None
        if fn.type == "field_expression":
            value = fn.child_by_field_name("value")
            head = _expr_chain(value) if value is not None else None
            fld = fn.child_by_field_name("field")
            return None if head is None or fld is None else head + (_text(fld) + "()",)
        segs = path_segments(fn)
        return None if segs is None else ("::".join(segs) + "()",)
    if t in ("reference_expression", "parenthesized_expression", "try_expression"):
        inner = node.named_children[-1] if node.named_children else None
        if t == "try_expression":
            return None
        return _expr_chain(inner) if inner is not None else None
    return None


def _binds(ident: TSNode) -> bool:
    """Whether an identifier in a pattern binds a variable (``Some`` in ``Some(x)``, ``None`` and
    ``a::B`` name variants or constants, by the naming convention for the bare ones)."""
    parent = ident.parent
    if parent is not None and (parent.type == "scoped_identifier" or parent.child_by_field_name("type") == ident):
        return False
    return not _text(ident)[:1].isupper()


def _visibility(entity: TSNode) -> str:
    for child in entity.children:
        if child.type == "visibility_modifier":
            return _WS_RE.sub("", _text(child))
    return ""


def _doc(entity: TSNode) -> str:
    lines: list[str] = []
    prev = entity.prev_sibling
    while prev is not None and prev.type in ("attribute_item", "line_comment", "block_comment"):
        if prev.type == "line_comment":
            doc = prev.child_by_field_name("doc")
            if prev.child_by_field_name("outer") is None or doc is None:
                break
            lines.append(_text(doc).rstrip("\n"))
        elif prev.type == "block_comment":
            raw = _text(prev)
            if not raw.startswith("/**"):
                break
            lines.append(raw[3:-2])
        prev = prev.prev_sibling
    lines.reverse()
    text = "\n".join(line[1:] if line.startswith(" ") else line for line in lines)
    return text.strip()[:_MAX_DOC]


def _module_doc(root: TSNode) -> str:
    lines = []
    for child in root.children:
        if child.type != "line_comment":
            break
        doc = child.child_by_field_name("doc")
        if child.child_by_field_name("inner") is None or doc is None:
            break
        line = _text(doc).rstrip("\n")
        lines.append(line[1:] if line.startswith(" ") else line)
    return "\n".join(lines).strip()[:_MAX_DOC]


def _signature(entity: TSNode) -> str:
    body = entity.child_by_field_name("body")
    if entity.type in ("const_item", "static_item"):
        body = entity.child_by_field_name("value")
    end = body.start_byte if body is not None else entity.end_byte
    raw = (entity.text or b"")[: end - entity.start_byte].decode("utf-8", "replace")
    return _WS_RE.sub(" ", raw).strip().rstrip("=;{").strip()[:_MAX_SIGNATURE]


def _is_test(entity: TSNode) -> bool:
    prev = entity.prev_named_sibling
    while prev is not None and prev.type in ("attribute_item", "line_comment", "block_comment"):
        if prev.type == "attribute_item" and _text(prev).replace(" ", "") in ("#[test]", "#[tokio::test]"):
            return True
        prev = prev.prev_named_sibling
    return False


@dataclass
class _Def:
    entity: TSNode
    name: str
    name_node: TSNode | None
    kind: str
    qname: str = ""
    parent: str = ""
    exported: bool = False
    extra: dict[str, object] = field(default_factory=dict)




def extract(path: str, source: bytes, root: TSNode,
            matches: Iterable[tuple[int, dict[str, list[TSNode]]]]) -> FileFacts:
    """Build the file facts of one Rust file from its tree and query matches."""
    raw_defs: list[_Def] = []
    impls: dict[int, tuple[TSNode, TSNode, TSNode | None]] = {}
    variables: dict[int, TSNode] = {}
    calls: dict[int, tuple[TSNode, TSNode, TSNode | None]] = {}
    types: list[TSNode] = []
    uses: list[TSNode] = []
    mods: list[TSNode] = []
    generics: list[tuple[int, int, str]] = []  # type parameter names with the item that declares them
    for _, caps in matches:
        role = next((k for k in caps if k.startswith(("definition.", "reference."))), "")
        name = caps.get("name", [None])[0]
        if role in _KINDS and name is not None:
            raw_defs.append(_Def(caps[role][0], _text(name), name, _KINDS[role]))
        elif role == "definition.impl":
            entity = caps[role][0]
            trait = caps.get("receiver", [None])[0]
            if entity.id not in impls or trait is not None:
                impls[entity.id] = (entity, caps["value"][0], trait)
        elif role == "definition.variable" and name is not None and _binds(name):
            variables[name.start_byte] = name
        elif role == "definition.type_parameter" and name is not None:
            owner = caps[role][0].parent
            if owner is not None:
                generics.append((owner.start_byte, owner.end_byte, _text(name)))
        elif role == "reference.call" and name is not None:
            call = caps[role][0]
            receiver = caps.get("receiver", [None])[0]
            if call.id not in calls or receiver is not None:
                calls[call.id] = (call, name, receiver)
        elif role == "reference.type" and name is not None:
            types.append(name)
        elif role == "reference.import":
            (mods if caps[role][0].type == "mod_item" else uses).append(caps["module"][0])

    for entity, self_type, trait in impls.values():
        segs = path_segments(self_type)
        if segs is not None:
            raw_defs.append(_Def(entity, segs[-1], None, "<impl>", extra={
                "type": segs, "trait": path_segments(trait) if trait is not None else None,
                "trait_node": trait,
            }))
    defs = _nest(raw_defs, path)
    spans = [(d.entity.start_byte, d.entity.end_byte, d.qname) for d in defs if d.kind != "<impl>"]
    scopes = Scopes(spans)
    kinds = {d.qname: d.kind for d in defs if d.kind != "<impl>"}
    kinds[""] = "Module"

    def scope_of(node: TSNode) -> str:
        return scopes.innermost(node.start_byte)

    def module_of(scope: str) -> str:
        s = scope
        while s and kinds.get(s) != "Module":
            s = s.rsplit(".", 1)[0] if "." in s else ""
        return s

    symbols: list[SymbolFact] = []
    locals_: list[LocalFact] = []
    refs: list[RefFact] = []
    impl_anchor_ids: set[int] = set()
    for d in defs:
        if d.kind == "<impl>":
            modq = module_of(scope_of(d.entity))
            ttype = d.extra["type"]
            trait = d.extra["trait"]
            ref = (*ttype, "<for>", *trait) if trait else tuple(ttype)  # type: ignore[misc]
            locals_.append(LocalFact(scope="<impl>" + modq, name=d.qname, type_ref=ref))  # type: ignore[arg-type]
            tnode = d.entity.child_by_field_name("type")
            if tnode is not None:
                impl_anchor_ids.add(_anchor(tnode).id)
            trait_node = d.extra["trait_node"]
            if trait and isinstance(trait_node, TSNode):
                anchor = _anchor(trait_node)
                impl_anchor_ids.add(anchor.id)
                src = d.qname if kinds.get(d.qname) in TYPE_KINDS else modq
                refs.append(RefFact("implements", trait[-1], tuple(trait[:-1]), src,  # type: ignore[index]
                                    anchor.start_point[0] + 1, anchor.start_point[1]))
            continue
        kind = d.kind
        if kind == "Function" and kinds.get(d.parent) in ("Trait", "Struct", "Enum", "TypeAlias") or d.extra.get("method"):
            kind = "Method"
        elif kind == "Function" and _is_test(d.entity):
            kind = "Test"
        kinds[d.qname] = kind
        nn = d.name_node
        symbols.append(SymbolFact(
            qname=d.qname, name=d.name, kind=kind,
            line=(nn.start_point[0] + 1) if nn else d.entity.start_point[0] + 1,
            column=nn.start_point[1] if nn else d.entity.start_point[1],
            start=(d.entity.start_point[0] + 1, d.entity.start_point[1]),
            end=(d.entity.end_point[0] + 1, d.entity.end_point[1]),
            signature=d.name if kind == "EnumMember" else _signature(d.entity), doc=_doc(d.entity),
            exported=d.exported, parent=d.parent,
        ))

    for call, name_node, receiver in calls.values():
        fn = call.child_by_field_name("function")
        if fn is not None and fn.type == "generic_function":
            fn = fn.child_by_field_name("function")
        rchain: tuple[str, ...] | None
        if receiver is None:
            rchain = ()
        elif fn is not None and fn.type == "field_expression":
            inner = _expr_chain(receiver)
            rchain = None if inner is None else (".", *inner)
        else:
            path_node = receiver.child_by_field_name("path")
            segs = path_segments(path_node) if path_node is not None else ()
            rchain = None if segs is None else ("::", *segs)
        args = call.child_by_field_name("arguments")
        arity = sum(1 for c in args.named_children if "comment" not in c.type) if args is not None else -1
        refs.append(RefFact("call", _text(name_node), rchain, scope_of(call),
                            name_node.start_point[0] + 1, name_node.start_point[1], arity))
    for tnode in types:
        ref = _type_ref(tnode, impl_anchor_ids, generics, scope_of)
        if ref is not None:
            refs.append(ref)
    locals_.extend(_locals(variables, scope_of, generics))
    imports = _imports(uses, mods, scope_of)
    refs.sort(key=lambda r: (r.line, r.column, r.kind))
    stem = posixpath.splitext(posixpath.basename(path))[0]
    if stem == "mod":
        stem = posixpath.basename(posixpath.dirname(path)) or stem
    module = SymbolFact(qname="", name=stem, kind="Module", line=1, column=0, start=(1, 0),
                        end=(root.end_point[0] + 1, root.end_point[1]), doc=_module_doc(root),
                        exported=True, parent=None)
    loc = source.count(b"\n") + (0 if source.endswith(b"\n") or not source else 1)
    return FileFacts(path=path, lang="rust", loc=loc, parse_errors=count_errors(root),
                     symbols=(module, *symbols), imports=tuple(imports), refs=tuple(refs), locals=tuple(locals_))


def _anchor(node: TSNode) -> TSNode:
    """The node of the last simple name of a type path."""
    while True:
        if node.type == "generic_type":
            inner = node.child_by_field_name("type")
        elif node.type in ("scoped_type_identifier", "scoped_identifier"):
            inner = node.child_by_field_name("name")
        elif node.type in ("reference_type", "pointer_type"):
            inner = node.child_by_field_name("type")
        else:
            return node
        if inner is None:
            return node
        node = inner


def _nest(raw: list[_Def], path: str) -> list[_Def]:
    """Give each definition its qname, parent and exported flag (outermost first)."""
    raw.sort(key=lambda d: (d.entity.start_byte, -d.entity.end_byte, d.kind != "<impl>"))
    stack: list[tuple[int, _Def]] = []
    seen: dict[str, int] = {}
    out: list[_Def] = []
    type_quals: dict[str, str] = {}
    for d in raw:
        while stack and stack[-1][0] <= d.entity.start_byte:
            stack.pop()
        container = stack[-1][1] if stack else None
        if container is not None and container.kind == "<impl>":
            prefix = container.qname
            d.extra["method"] = True
            d.parent = container.parent
            d.exported = _visibility(d.entity) == "pub" or bool(container.extra.get("trait"))
        elif container is not None:
            prefix = container.qname
            d.parent = container.qname
            own = _visibility(d.entity) == "pub" or container.kind in ("Trait", "Enum") or d.kind == "EnumMember"
            d.exported = own and container.exported
        else:
            prefix = ""
            d.parent = ""
            d.exported = _visibility(d.entity) == "pub"
        if d.kind == "<impl>":
            modq = prefix
            while container is not None and container.kind not in ("Module",):
                modq = container.parent
                container = next((c for _e, c in reversed(stack) if c.qname == modq), None)
            d.qname = f"{modq}.{d.name}" if modq else d.name
            d.parent = modq
            out.append(d)
            stack.append((d.entity.end_byte, d))
            continue
        base = f"{prefix}.{d.name}" if prefix else d.name
        n = seen.get(base, 0) + 1
        seen[base] = n
        d.qname = base if n == 1 else f"{base}#{n}"
        if d.kind in TYPE_KINDS and n == 1:
            type_quals[base] = d.qname
        out.append(d)
        if d.kind in ("Module", "Struct", "Enum", "Trait", "Function", "EnumMember"):
            stack.append((d.entity.end_byte, d))
    # Methods of an impl block hang under their type when the file defines it, else under the module.
    for d in out:
        if d.extra.get("method"):
            owner = d.qname.rsplit(".", 1)[0].split("#")[0]
            if owner in type_quals:
                d.parent = owner
    for d in out:
        if d.kind == "<impl>" or not d.extra.get("method"):
            continue
        owner = d.qname.rsplit(".", 1)[0]
        parent_def = next((x for x in out if x.qname == owner and x.kind != "<impl>"), None)
        if parent_def is not None and not parent_def.exported and _visibility(d.entity) == "pub":
            d.exported = False
    return out


def _is_generic(name: str, byte: int, generics: list[tuple[int, int, str]]) -> bool:
    return any(s <= byte < e and n == name for s, e, n in generics)


def _type_ref(tnode: TSNode, impl_anchors: set[int], generics: list[tuple[int, int, str]],
              scope_of: object) -> RefFact | None:
    parent = tnode.parent
    if parent is not None and parent.type in ("scoped_type_identifier", "type_parameter", "type_parameters",
                                              "constrained_type_parameter"):
        if not (parent.type == "constrained_type_parameter" and parent.child_by_field_name("left") != tnode):
            return None
    if parent is not None and parent.type in _DEF_PARENTS and parent.child_by_field_name("name") == tnode:
        return None
    if parent is not None and parent.type == "struct_expression" and tnode.type == "type_identifier":
        if parent.child_by_field_name("name") != tnode:
            return None
    if tnode.id in impl_anchors or _anchor(tnode).id in impl_anchors:
        return None
    segs = path_segments(tnode)
    if not segs or segs[0] == "Self" and len(segs) == 1 or _is_generic(segs[0], tnode.start_byte, generics):
        return None
    anchor = _anchor(tnode)
    # A supertrait (`trait A: B`) is a base of the trait.
    is_base = parent is not None and parent.type == "trait_bounds" and parent.parent is not None \
        and parent.parent.type == "trait_item"
    return RefFact("base" if is_base else "type", segs[-1], segs[:-1], scope_of(tnode),  # type: ignore[operator]
                   anchor.start_point[0] + 1, anchor.start_point[1])


def _local_type(name_node: TSNode, generics: list[tuple[int, int, str]]) -> tuple[str, ...] | None:
    decl = name_node.parent
    if decl is None or decl.child_by_field_name("pattern") != name_node:
        return None
    tnode = decl.child_by_field_name("type")
    if tnode is not None:
        segs = path_segments(tnode)
    elif decl.type == "let_declaration" and decl.child_by_field_name("value") is not None:
        value = decl.child_by_field_name("value")
        assert value is not None
        if value.type == "struct_expression":
            segs = path_segments(value.child_by_field_name("name"))
        elif value.type == "call_expression":
            fn = value.child_by_field_name("function")
            segs = path_segments(fn) if fn is not None and fn.type in ("scoped_identifier", "generic_function") else None
            if segs is not None and len(segs) >= 2:
                segs = (*segs[:-1], segs[-1] + "()")
            else:
                segs = None
        else:
            segs = None
    else:
        segs = None
    if segs and _is_generic(segs[0], name_node.start_byte, generics):
        return None
    return segs


def _locals(variables: dict[int, TSNode], scope_of: object, generics: list[tuple[int, int, str]]) -> list[LocalFact]:
    found: dict[tuple[str, str], tuple[str, ...] | None] = {}
    for name_node in sorted(variables.values(), key=lambda n: n.start_byte):
        scope = scope_of(name_node)  # type: ignore[operator]
        key = (scope, _text(name_node))
        segs = _local_type(name_node, generics)
        if key in found and found[key] != segs:
            segs = None
        found[key] = segs
    return [LocalFact(scope=s, name=n, type_ref=t) for (s, n), t in found.items()]


def _imports(uses: list[TSNode], mods: list[TSNode], scope_of: object) -> list[ImportFact]:
    out: list[ImportFact] = []

    def add(module: tuple[str, ...], name: str | None, alias: str | None, wildcard: bool, at: TSNode,
            scope: str) -> None:
        out.append(ImportFact("::".join(module), name, alias, wildcard, at.start_point[0] + 1, at.start_point[1],
                              scope))

    def walk(node: TSNode, prefix: tuple[str, ...], scope: str) -> None:
        t = node.type
        if t in ("identifier", "scoped_identifier", "crate", "self", "super"):
            segs = path_segments(node)
            if segs is None:
                return
            full = prefix + segs
            if full[-1] == "self" and len(full) > 1:
                add(full[:-2], full[-2], None, False, node, scope)
            else:
                add(full[:-1], full[-1], None, False, _anchor(node), scope)
        elif t == "use_as_clause":
            segs = path_segments(node.child_by_field_name("path"))
            alias = node.child_by_field_name("alias")
            if segs is None or alias is None:
                return
            full = prefix + segs
            if full[-1] == "self" and len(full) > 1:
                full = full[:-1]
            add(full[:-1], full[-1], _text(alias), False, alias, scope)
        elif t == "use_wildcard":
            inner = node.named_children[0] if node.named_children else None
            segs = path_segments(inner) if inner is not None else ()
            if segs is not None:
                add(prefix + segs, None, None, True, node, scope)
        elif t == "scoped_use_list":
            path = node.child_by_field_name("path")
            segs = path_segments(path) if path is not None else ()
            lst = node.child_by_field_name("list")
            if segs is not None and lst is not None:
                walk(lst, prefix + segs, scope)
        elif t == "use_list":
            for child in node.named_children:
                walk(child, prefix, scope)

    for arg in uses:
        walk(arg, (), scope_of(arg))  # type: ignore[operator]
    for name in mods:
        out.append(ImportFact("<mod>", _text(name), None, False, name.start_point[0] + 1, name.start_point[1],
                              scope_of(name)))  # type: ignore[operator]
    out.sort(key=lambda i: (i.line, i.column))
    return out
