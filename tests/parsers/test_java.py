"""The Java adapter: names, kinds, overloads, positions, signatures, Javadoc, exported, imports, receivers."""

from __future__ import annotations

from graphsvc.ingest.parse import parse_source
from graphsvc.model import FileFacts, SymbolFact

SOURCE = b'''package com.acme.shop;

import java.util.List;
import java.util.*;
import static com.acme.util.Log.info;
import static com.acme.util.Log.*;

/**
 * A shop.
 * Sells things.
 */
@Deprecated
public class Shop<T> extends Base implements Runnable, java.io.Serializable {
    public static final int MAX = 3;
    private final List<String> items = new ArrayList<>();
    protected Order order;
    int a, b;

    public Shop(int x) { super(x); }
    Shop() { this(1); }

    /** Runs. */
    @Override
    public void run() {
        this.order.submit();
        super.run();
        info("x");
        Helper.go(a, b);
        new Order(1).submit();
        Order o = new Order();
        o.pay(1, 2);
        T t = null;
        t.hidden();
        new Thread() { public void run() { start(); } };
    }

    public void add(int n) {}
    public void add(String s) {}
    private void add(String s, int n) {}

    interface Inner extends A, B { void go(); }
    enum Color { RED, GREEN; void f() {} }
    record Point(int x, int y) implements Comparable<Point> {}
}
'''


def _facts(source: bytes = SOURCE, path: str = "src/com/acme/shop/Shop.java") -> FileFacts:
    return parse_source("java", path, source)


def _sym(facts: FileFacts, qname: str) -> SymbolFact:
    return next(s for s in facts.symbols if s.qname == qname)


def test_kinds_and_qualified_names_follow_nesting_with_overload_suffixes() -> None:
    kinds = {s.qname: s.kind for s in _facts().symbols}
    assert kinds == {
        "": "Module", "Shop": "Class", "Shop.MAX": "Constant", "Shop.items": "Field", "Shop.order": "Field",
        "Shop.a": "Field", "Shop.b": "Field",
        "Shop.Shop": "Constructor", "Shop.Shop#2": "Constructor", "Shop.run": "Method",
        "Shop.add": "Method", "Shop.add#2": "Method", "Shop.add#3": "Method",
        "Shop.Inner": "Interface", "Shop.Inner.go": "Method", "Shop.Color": "Enum",
        "Shop.Color.RED": "EnumMember", "Shop.Color.GREEN": "EnumMember", "Shop.Color.f": "Method",
        "Shop.Point": "Class",
    }


def test_package_is_the_module_signature_and_anonymous_members_are_not_symbols() -> None:
    facts = _facts()
    assert facts.symbols[0].signature == "com.acme.shop"
    assert not any(s.qname.endswith("run#2") for s in facts.symbols)


def test_positions_signature_and_javadoc() -> None:
    shop = _sym(_facts(), "Shop")
    assert (shop.line, shop.column) == (13, 13)
    assert shop.start == (12, 0)
    assert shop.signature == "public class Shop<T> extends Base implements Runnable, java.io.Serializable"
    assert shop.doc == "A shop.\nSells things."
    run = _sym(_facts(), "Shop.run")
    assert run.signature == "public void run()" and run.doc == "Runs."


def test_exported_is_public_or_protected_inside_an_exported_type() -> None:
    facts = _facts()
    exported = {s.qname for s in facts.symbols if s.exported}
    assert {"Shop", "Shop.MAX", "Shop.order", "Shop.Shop", "Shop.run", "Shop.add", "Shop.add#2"} <= exported
    assert not {"Shop.items", "Shop.Shop#2", "Shop.add#3", "Shop.Inner", "Shop.Inner.go", "Shop.a"} & exported


def test_imports_single_type_on_demand_and_static() -> None:
    imports = [(i.module, i.name, i.wildcard) for i in _facts().imports]
    assert imports == [
        ("java.util", "List", False), ("java.util", None, True),
        ("static:com.acme.util.Log", "info", False), ("static:com.acme.util.Log", None, True),
    ]


def test_calls_carry_receivers_and_arity() -> None:
    calls = {(r.name, r.receiver, r.arity) for r in _facts().refs if r.kind == "call"}
    assert ("submit", ("this", "order"), 0) in calls
    assert ("run", ("super",), 0) in calls
    assert ("info", (), 1) in calls
    assert ("go", ("Helper",), 2) in calls
    assert ("submit", ("<new>", "Order"), 0) in calls
    assert ("Order", ("<ctor>",), 1) in calls
    assert ("pay", ("o",), 2) in calls
    assert ("<init>", ("super",), 1) in calls and ("<init>", ("this",), 1) in calls
    # A bare call in an anonymous class body depends on a base the adapter cannot see.
    assert ("start", None, 0) in calls


def test_bases_interfaces_and_type_references() -> None:
    refs = {(r.kind, r.receiver, r.name, r.scope) for r in _facts().refs if r.kind != "call"}
    assert ("base", (), "Base", "Shop") in refs
    assert ("implements", (), "Runnable", "Shop") in refs
    assert ("implements", ("java", "io"), "Serializable", "Shop") in refs
    assert ("base", (), "A", "Shop.Inner") in refs
    assert ("type", (), "Order", "Shop") in refs
    # Type parameters are not references to types.
    assert not any(r.name == "T" for r in _facts().refs)


def test_locals_and_fields_carry_their_declared_types() -> None:
    found = {(loc.scope, loc.name): loc.type_ref for loc in _facts().locals}
    assert found[("Shop.run", "o")] == ("Order",)
    assert found[("Shop", "order")] == ("Order",)
    assert found[("Shop", "items")] == ("List",)
    assert found[("Shop.run", "t")] is None  # a type parameter


def test_a_name_declared_twice_with_different_types_has_no_type() -> None:
    source = b"class A { void f() { if (x) { Foo v = null; v.go(); } else { Bar v = null; v.go(); } } }"
    found = {(loc.scope, loc.name): loc.type_ref for loc in _facts(source, "A.java").locals}
    assert found[("A.f", "v")] is None


def test_syntax_errors_are_counted_not_raised() -> None:
    facts = _facts(b"class A { void f( { } ", "A.java")
    assert facts.parse_errors > 0
    assert any(s.qname == "A" for s in facts.symbols)


def test_argument_types_are_taken_from_literals_declarations_and_new() -> None:
    source = (b"class A { int[] f; void m(String s, long... xs) { int i = 0;"
              b" g(s, i, f, xs, new B<C>(), (D) o, 1.5f, null, 'c', 2L, \"t\"); } }")
    call = next(r for r in _facts(source, "A.java").refs if r.name == "g")
    assert call.arg_types == ("String", "int", "int[]", "long[]", "B", "D", "float", "", "char", "long", "String")
