"""Python adapter: turns the matches of ``python.scm`` into file facts.

It does only what the query cannot: nesting (qualified names), the kind of a
definition from where it stands (a function in a class is a method), signatures,
docstrings, the ``exported`` rule (underscore convention and ``__all__``), receivers
as dotted chains, and which names are local to a function. It never looks at
another file: cross-file work is the resolver's (``graphsvc/ingest/resolve/python.py``).
"""

from __future__ import annotations

import ast
import inspect
import posixpath
import re
from collections.abc import Iterable
from operator import itemgetter

from tree_sitter import Node as TSNode

from graphsvc.model import FileFacts, ImportFact, LocalFact, RefFact, SymbolFact
from parsers.scopes import Scopes
from parsers.syntax import count_errors

__all__ = ["BUILTINS", "extract", "module_names", "resolve_relative"]

BUILTINS: frozenset[str] = frozenset(dir(__import__("builtins")))

_MAX_SIGNATURE = 400
_MAX_DOC = 2000
_CONST_RE = re.compile(r"^_?[A-Z][A-Z0-9_]*$")
_WS_RE = re.compile(r"\s+")
# A fact built positionally, every field given, without its class's generated ``__new__`` (a Python
# call, with keywords mostly); the fields it is given in that order are checked here.
_new = tuple.__new__
assert SymbolFact._fields == ("qname", "name", "kind", "line", "column", "start", "end", "signature", "doc",
                              "exported", "parent")
assert LocalFact._fields == ("scope", "name", "type_ref")
assert RefFact._fields == ("kind", "name", "receiver", "scope", "line", "column", "arity", "arg_types")
assert RefFact._field_defaults == {"arity": -1, "arg_types": ()}
_REF_ORDER = itemgetter(4, 5, 0)  # RefFact (line, column, kind)


def _text(node: TSNode) -> str:
    return (node.text or b"").decode("utf-8", "replace")


def _is_test_file(path: str) -> bool:
    base = posixpath.basename(path)
    return base.startswith("test_") or base.endswith("_test.py")


def _docstring(body: TSNode | None) -> str:
    # ``named_child(0)``, not ``named_children[0]``: the list would wrap every statement of the body.
    if body is None or body.named_child_count == 0:
        return ""
    first = body.named_child(0)
    assert first is not None
    if first.type == "expression_statement" and first.named_child_count == 1:
        first = first.named_child(0)
        assert first is not None
    if first.type != "string":
        return ""
    raw = _text(first)
    value = _plain_string(raw)
    if value is None:
        try:
            value = ast.literal_eval(raw)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            value = raw.strip("\"'rbuRBU")
    if not isinstance(value, str):
        return ""
    return inspect.cleandoc(value)[:_MAX_DOC]


def _plain_string(raw: str) -> str | None:
    """The value of a string literal with no prefix, escape or carriage return (most docstrings), which
    is what is between its quotes; None for any other (``ast.literal_eval`` compiles each one: a
    tenth of the adapter's time on Django)."""
    if "\\" in raw or "\r" in raw or "\0" in raw:
        return None
    for quote in ('"""', "'''", '"', "'"):
        if raw.startswith(quote):
            end = len(raw) - len(quote)
            inner = raw[len(quote):end]
            if end < len(quote) or not raw.endswith(quote) or quote in inner or inner.endswith(quote[0]) \
                    or (len(quote) == 1 and "\n" in inner):
                return None  # not one whole literal (`"""""""` is two): ``literal_eval`` tells
            return inner
    return None


def _signature(entity: TSNode) -> str:
    if entity.type == "function_definition":
        name = entity.child_by_field_name("name")
        params = entity.child_by_field_name("parameters")
        ret = entity.child_by_field_name("return_type")
        first = entity.child(0) if entity.child_count else None
        prefix = "async def " if first is not None and first.type == "async" else "def "
        sig = prefix + (_text(name) if name else "") + (_text(params) if params else "()")
        if ret is not None:
            sig += " -> " + _text(ret)
    else:
        name = entity.child_by_field_name("name")
        bases = entity.child_by_field_name("superclasses")
        sig = "class " + (_text(name) if name else "") + (_text(bases) if bases else "")
    return _WS_RE.sub(" ", sig)[:_MAX_SIGNATURE]


def _chain(node: TSNode) -> tuple[str, ...] | None:
    """Return the dotted chain an expression names, or None when it names none."""
    if node.type == "identifier":
        return (_text(node),)
    if node.type == "attribute":
        obj = node.child_by_field_name("object")
        attr = node.child_by_field_name("attribute")
        if obj is None or attr is None:
            return None
        head = _chain(obj)
        return None if head is None else head + (_text(attr),)
    if node.type == "call":
        fn = node.child_by_field_name("function")
        if fn is not None and fn.type == "identifier" and _text(fn) == "super":
            return ("super()",)
        head = _chain(fn) if fn is not None and fn.type in ("identifier", "attribute") else None
        if head is not None and not head[-1].endswith("()"):
            # `Foo().bar()`: the receiver is what calling `Foo` returns.
            return head[:-1] + (head[-1] + "()",)
    return None


def _split(node: TSNode) -> tuple[tuple[str, ...] | None, str]:
    """Split ``a.b.c`` into receiver ``("a", "b")`` and name ``c``."""
    chain = _chain(node)
    if chain is None:
        return None, _text(node)
    return chain[:-1], chain[-1]


def _start(node: TSNode) -> tuple[int, int]:
    """1-based line and 0-based column where ``node`` starts (each ``start_point`` read builds a tuple)."""
    row, column = node.start_point
    return row + 1, column


def _end(node: TSNode) -> tuple[int, int]:
    row, column = node.end_point
    return row + 1, column


def _all_names(value: TSNode) -> tuple[str, ...] | None:
    names = []
    for child in value.named_children:
        if child.type != "string":
            return None
        try:
            names.append(str(ast.literal_eval(_text(child))))
        except (ValueError, SyntaxError):
            return None
    return tuple(names)




def _roles() -> tuple[str, ...]:
    """The role of each pattern of ``python.scm``, by pattern index."""
    from parsers.registry import pattern_roles  # the registry imports this module

    return pattern_roles("python")


def extract(path: str, source: bytes, root: TSNode, matches: Iterable[tuple[int, dict[str, list[TSNode]]]]) -> FileFacts:
    """Build the file facts of one Python file from its tree and query matches."""
    defs: list[tuple[TSNode, TSNode, str]] = []  # (entity, name node, role)
    variables: dict[int, tuple[TSNode, TSNode, TSNode | None]] = {}
    params: dict[int, tuple[TSNode, TSNode | None]] = {}
    globals_: list[TSNode] = []
    refs: list[tuple[str, TSNode, TSNode | None, TSNode]] = []  # (kind, name, receiver, anchor)
    imports: list[dict[str, list[TSNode]]] = []
    roles = _roles()
    for i, caps in matches:
        role = roles[i]
        if role == "reference.call":
            name = caps["name"][0]
            receiver = caps.get("receiver")
            refs.append(("call", name, receiver[0] if receiver else None, name))
        elif role == "definition.variable":
            name = caps["name"][0]
            value = caps.get("value")
            # An annotation and a callee (`x: T = f()`): the annotation, the first one.
            v = value[0] if value else None
            prev = variables.get(name.start_byte)
            if prev is None or (prev[2] is None and v is not None):
                variables[name.start_byte] = (caps[role][0], name, v)
        elif role == "definition.parameter":
            name = caps["name"][0]
            value = caps.get("value")
            v = value[0] if value else None
            prev_p = params.get(name.start_byte)
            if prev_p is None or (prev_p[1] is None and v is not None):
                params[name.start_byte] = (name, v)
        elif role == "definition.class" or role == "definition.function":
            defs.append((caps[role][0], caps["name"][0], role[11:]))
        elif role == "definition.global":
            globals_.append(caps["name"][0])
        elif role == "reference.import":
            imports.append(caps)
        elif role:  # reference.decorator, reference.base, reference.type
            name = caps["name"][0]
            refs.append((role[10:], name, None, name))

    test_file = _is_test_file(path)
    symbols: list[SymbolFact] = []
    spans: list[tuple[int, int, str]] = []
    kinds: dict[str, str] = {"": "Module"}
    seen: dict[str, int] = {}

    # Definitions, outermost first, so parents have their qnames when children come.
    defs.sort(key=lambda d: d[0].start_byte)
    def_stack: list[tuple[int, str]] = []  # (end byte, qname)
    all_names: tuple[str, ...] | None = None
    for node in root.named_children:
        if node.type == "expression_statement" and node.named_child_count == 1:
            node = node.named_children[0]
        if node.type == "assignment":
            assign = node
            left = assign.child_by_field_name("left") if assign.type == "assignment" else None
            right = assign.child_by_field_name("right") if assign.type == "assignment" else None
            if left is not None and right is not None and _text(left) == "__all__" and right.type in ("list", "tuple"):
                all_names = _all_names(right)

    def exported(name: str, parent: str) -> bool:
        if parent == "":
            return name in all_names if all_names is not None else not name.startswith("_")
        if kinds.get(parent) not in ("Class", "Test") or not exported_by_qname.get(parent, False):
            return False
        return not name.startswith("_") or (name.startswith("__") and name.endswith("__"))

    exported_by_qname: dict[str, bool] = {"": True}
    for entity, name_node, role in defs:
        up = entity.parent  # each read walks down from the root
        outer = up if up is not None and up.type == "decorated_definition" else entity
        while def_stack and def_stack[-1][0] <= entity.start_byte:
            def_stack.pop()
        parent = def_stack[-1][1] if def_stack else ""
        name = _text(name_node)
        base_qname = f"{parent}.{name}" if parent else name
        n = seen.get(base_qname, 0) + 1
        seen[base_qname] = n
        qname = base_qname if n == 1 else f"{base_qname}#{n}"
        parent_kind = kinds.get(parent, "Module")
        if role == "class":
            kind = "Test" if test_file and name.startswith("Test") and parent_kind in ("Module", "Test") else "Class"
        elif parent_kind in ("Class", "Test"):
            kind = "Test" if parent_kind == "Test" and name.startswith("test") else "Method"
        else:
            kind = "Test" if test_file and name.startswith("test") and parent == "" else "Function"
        kinds[qname] = kind
        is_exported = exported(name, parent)
        exported_by_qname[qname] = is_exported
        line, column = _start(name_node)
        symbols.append(_new(SymbolFact, (qname, name, kind, line, column, _start(outer), _end(outer), _signature(entity),
                                         _docstring(entity.child_by_field_name("body")), is_exported, parent)))
        spans.append((outer.start_byte, outer.end_byte, qname))
        def_stack.append((outer.end_byte, qname))

    scopes = Scopes(spans)
    locals_: list[LocalFact] = []
    defined_vars: set[str] = set()
    for _, (entity, name_node, value) in sorted(variables.items()):  # by the start of the name
        scope = scopes.innermost(name_node.start_byte)
        name = _text(name_node)
        type_ref = _chain(value) if value is not None else None
        scope_kind = kinds.get(scope, "Module")
        if scope_kind in ("Function", "Method", "Test") or entity.type != "assignment":
            if scope_kind in ("Function", "Method", "Test") or scope == "":
                locals_.append(_new(LocalFact, (scope, name, type_ref)))
            continue
        if name == "__all__":
            continue
        qname = f"{scope}.{name}" if scope else name
        if qname in defined_vars or qname in kinds:
            continue
        defined_vars.add(qname)
        kind = "Const" if _CONST_RE.match(name) and scope == "" else "Var"
        kinds[qname] = kind
        up = entity.parent
        stmt = up if up is not None and up.type == "expression_statement" else entity
        line, column = _start(name_node)
        symbols.append(_new(SymbolFact, (qname, name, kind, line, column, _start(stmt), _end(stmt),
                                         _WS_RE.sub(" ", _text(stmt))[:_MAX_SIGNATURE], "", exported(name, scope),
                                         scope)))
        exported_by_qname[qname] = False
        spans.append((stmt.start_byte, stmt.end_byte, qname))
    scopes = Scopes(spans)

    for name_node, value in params.values():
        scope = scopes.innermost(name_node.start_byte)
        locals_.append(_new(LocalFact, (scope, _text(name_node), _chain(value) if value is not None else None)))
    for name_node in globals_:
        # `global x` makes x a module binding again inside the function.
        locals_.append(LocalFact(scope=scopes.innermost(name_node.start_byte), name=_text(name_node),
                                 type_ref=("<global>",)))

    ref_facts: list[RefFact] = []
    innermost = scopes.innermost
    for kind, name_node, receiver, anchor in refs:
        if kind == "call":
            if receiver is None:
                rchain: tuple[str, ...] | None = ()
            elif receiver.type == "identifier":  # most receivers: `self.f()`, `os.f()`
                rchain = ((receiver.text or b"").decode("utf-8", "replace"),)  # ``_text``, inlined
            else:
                rchain = _chain(receiver)
            name = (name_node.text or b"").decode("utf-8", "replace")
        else:
            rchain, name = _split(name_node)
            if rchain is None:
                continue
            if name_node.type == "attribute":
                attr = name_node.child_by_field_name("attribute")
                anchor = attr if attr is not None else anchor
        row, column = anchor.start_point
        ref_facts.append(_new(RefFact, (kind, name, rchain, innermost(anchor.start_byte), row + 1, column, -1, ())))

    import_facts: list[ImportFact] = []
    for caps in imports:
        module = _text(caps["module"][0])
        name_n = caps.get("name", [None])[0]
        alias_n = caps.get("alias", [None])[0]
        anchor = name_n if name_n is not None else caps["module"][0]
        stmt = caps["reference.import"][0]
        line, column = _start(anchor)
        import_facts.append(ImportFact(
            module=module, name=_text(name_n) if name_n is not None else None,
            alias=_text(alias_n) if alias_n is not None else None,
            wildcard="wildcard" in caps, line=line, column=column,
            scope=scopes.innermost(stmt.start_byte),
        ))
    import_facts.sort(key=lambda i: (i.line, i.column, i.name or "", i.alias or ""))
    ref_facts.sort(key=_REF_ORDER)

    stem = posixpath.splitext(posixpath.basename(path))[0]
    mod_name = posixpath.basename(posixpath.dirname(path)) or stem if stem == "__init__" else stem
    module = SymbolFact(
        qname="", name=mod_name, kind="Module", line=1, column=0, start=(1, 0),
        end=(root.end_point[0] + 1, root.end_point[1]), doc=_docstring(root),
        exported=not mod_name.startswith("_") or stem == "__init__", parent=None,
    )
    loc = source.count(b"\n") + (0 if source.endswith(b"\n") or not source else 1)
    return FileFacts(
        path=path, lang="python", loc=loc, parse_errors=count_errors(root),
        symbols=(module, *symbols), imports=tuple(import_facts), refs=tuple(ref_facts),
        locals=tuple(locals_), all_names=all_names,
    )


# ---------------------------------------------------------------------------
# Module naming, used by the resolver.

_ROOT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg")


def module_names(paths: Iterable[str], project_files: Iterable[str] = ()) -> dict[str, tuple[str, ...]]:
    """Map each Python file to the dotted names it can be imported as, primary first.

    A file is importable relative to the nearest directory above its package chain
    (the first ancestor without ``__init__.py``), relative to any source root (``src/``,
    a directory holding ``pyproject.toml``/``setup.py``/``setup.cfg``), and relative to
    the repo root. The primary name is relative to the nearest of those roots that
    keeps the package chain whole.
    """
    paths = [p for p in paths if p.endswith((".py", ".pyi"))]
    packages = {posixpath.dirname(p) for p in paths if posixpath.basename(p) in ("__init__.py", "__init__.pyi")}
    roots = {""}
    for marker in project_files:
        roots.add(posixpath.dirname(marker))
    for p in paths:
        parts = p.split("/")
        for i, part in enumerate(parts[:-1]):
            if part == "src":
                roots.add("/".join(parts[: i + 1]))
    result: dict[str, tuple[str, ...]] = {}
    for p in paths:
        parts = posixpath.splitext(p)[0].split("/")
        if parts[-1] == "__init__":
            parts = parts[:-1]
        # The nearest ancestor that is not a package is where the package chain starts.
        top = posixpath.dirname(p)
        while top and top in packages:
            top = posixpath.dirname(top)
        candidates = sorted((r for r in roots if r == "" or p.startswith(r + "/")), key=len, reverse=True)
        primary = next((_relative_name(parts, r) for r in candidates if len(r) <= len(top)), None)
        names: list[str] = []
        for r in [top, *candidates]:
            name = _relative_name(parts, r)
            if name and name not in names:
                names.append(name)
        if primary and primary in names:
            names.remove(primary)
            names.insert(0, primary)
        if names:
            result[p] = tuple(names)
    return result


def _relative_name(parts: list[str], root: str) -> str | None:
    prefix = root.split("/") if root else []
    if parts[: len(prefix)] != prefix or len(parts) == len(prefix):
        return None
    return ".".join(parts[len(prefix):])


def resolve_relative(importer_module: str, is_package: bool, module: str) -> str | None:
    """Turn ``..a.b`` written in ``importer_module`` into an absolute dotted name."""
    dots = len(module) - len(module.lstrip("."))
    rest = module[dots:]
    if dots == 0:
        return module
    base = importer_module.split(".") if importer_module else []
    if not is_package:
        base = base[:-1]
    up = dots - 1
    if up > len(base):
        return None
    base = base[: len(base) - up] if up else base
    parts = [*base, *([rest] if rest else [])]
    return ".".join(parts) if parts else None
