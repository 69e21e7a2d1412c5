"""The Rust adapter: items, impl methods on their type, rustdoc, pub, use trees, receivers, locals."""

from __future__ import annotations

from graphsvc.ingest.parse import parse_source
from graphsvc.ingest.resolve.rust import module_names
from graphsvc.model import FileFacts, SymbolFact

SOURCE = b'''//! Crate doc.
use crate::models::{Order, self as m, util::*};
use super::store::Store as S;
use std::collections::HashMap;
pub mod api;
mod inner {
    pub fn f() {}
}

/// A shop.
/// Sells things.
#[derive(Debug)]
pub struct Shop<T> {
    pub items: Vec<T>,
    store: S,
}

pub enum Color { Red, Green(u8) }

pub trait Greet: Base {
    fn hi(&self) -> String;
    fn dflt(&self) {}
}

impl<T> Shop<T> {
    /// New.
    pub fn new(store: S) -> Self {
        Self::build();
        Self { items: Vec::new(), store }
    }

    fn run(&self, t: T) {
        self.store.save();
        m::go();
        crate::models::util::x();
        let o: Order = Order::new();
        o.submit();
        let p = Order::create();
        t.hidden();
        foo::<u8>();
    }
}

impl Greet for Shop<u8> {
    fn hi(&self) -> String { String::new() }
}

pub const MAX: usize = 3;
static NAME: &str = "x";
type Alias = Vec<u8>;

#[test]
fn checks() {}
'''


def _facts(source: bytes = SOURCE, path: str = "src/lib.rs") -> FileFacts:
    return parse_source("rust", path, source)


def _sym(facts: FileFacts, qname: str) -> SymbolFact:
    return next(s for s in facts.symbols if s.qname == qname)


def test_items_and_impl_methods_attached_to_their_type() -> None:
    kinds = {s.qname: (s.kind, s.parent) for s in _facts().symbols}
    assert kinds == {
        "": ("Module", None), "inner": ("Module", ""), "inner.f": ("Function", "inner"),
        "Shop": ("Struct", ""), "Shop.items": ("Field", "Shop"), "Shop.store": ("Field", "Shop"),
        "Color": ("Enum", ""), "Color.Red": ("EnumMember", "Color"), "Color.Green": ("EnumMember", "Color"),
        "Greet": ("Trait", ""), "Greet.hi": ("Method", "Greet"), "Greet.dflt": ("Method", "Greet"),
        "Shop.new": ("Method", "Shop"), "Shop.run": ("Method", "Shop"), "Shop.hi": ("Method", "Shop"),
        "MAX": ("Constant", ""), "NAME": ("Variable", ""), "Alias": ("TypeAlias", ""), "checks": ("Test", ""),
    }


def test_methods_of_a_type_defined_elsewhere_hang_under_the_module() -> None:
    facts = _facts(b"impl Remote { fn go(&self) {} }\n", "src/a.rs")
    go = _sym(facts, "Remote.go")
    assert (go.kind, go.parent) == ("Method", "")


def test_rustdoc_signature_position_and_pub() -> None:
    facts = _facts()
    shop = _sym(facts, "Shop")
    assert shop.doc == "A shop.\nSells things."
    assert facts.symbols[0].doc == "Crate doc."
    assert (shop.line, shop.column, shop.start) == (13, 11, (13, 0))
    assert shop.signature == "pub struct Shop<T>"
    assert _sym(facts, "Shop.new").signature == "pub fn new(store: S) -> Self"
    exported = {s.qname for s in facts.symbols if s.exported}
    assert {"Shop", "Shop.items", "Shop.new", "Greet", "Greet.hi", "Shop.hi", "MAX", "Color.Red"} <= exported
    assert not {"Shop.store", "Shop.run", "inner", "inner.f", "NAME", "Alias"} & exported


def test_use_trees_are_flattened_with_aliases_globs_and_self() -> None:
    imports = [(i.module, i.name, i.alias, i.wildcard) for i in _facts().imports]
    assert imports == [
        ("crate::models", "Order", None, False), ("crate", "models", "m", False),
        ("crate::models::util", None, None, True), ("super::store", "Store", "S", False),
        ("std::collections", "HashMap", None, False), ("<mod>", "api", None, False),
    ]


def test_calls_carry_path_and_method_receivers() -> None:
    calls = {(r.name, r.receiver) for r in _facts().refs if r.kind == "call"}
    assert ("build", ("::", "Self")) in calls
    assert ("new", ("::", "Vec")) in calls
    assert ("save", (".", "self", "store")) in calls
    assert ("go", ("::", "m")) in calls
    assert ("x", ("::", "crate", "models", "util")) in calls
    assert ("submit", (".", "o")) in calls
    assert ("foo", ()) in calls


def test_impl_blocks_trait_impls_and_supertraits() -> None:
    facts = _facts()
    impls = [loc.type_ref for loc in facts.locals if loc.scope.startswith("<impl>")]
    assert impls == [("Shop",), ("Shop", "<for>", "Greet")]
    refs = {(r.kind, r.name, r.scope) for r in facts.refs if r.kind != "call"}
    assert ("implements", "Greet", "Shop") in refs
    assert ("base", "Base", "Greet") in refs
    assert not any(r.name == "T" for r in facts.refs)


def test_locals_know_declared_types_and_constructor_calls() -> None:
    found = {(loc.scope, loc.name): loc.type_ref for loc in _facts().locals if not loc.scope.startswith("<")}
    assert found[("Shop.run", "o")] == ("Order",)
    assert found[("Shop.run", "p")] == ("Order", "create()")
    assert found[("Shop.new", "store")] == ("S",)
    assert found[("Shop.run", "t")] is None  # a type parameter


def test_module_paths_follow_the_crate_layout(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "Cargo.toml").write_text('[package]\nname = "my-shop"\n')
    paths = ["src/lib.rs", "src/main.rs", "src/a/mod.rs", "src/a/b.rs", "src/c.rs", "src/bin/tool.rs",
             "tests/api.rs", "build.rs"]
    names = {p: n[0] for p, n in module_names(paths, ["Cargo.toml"], tmp_path).items()}
    assert names == {
        "src/lib.rs": "my_shop", "src/main.rs": "my_shop[bin/main]", "src/a/mod.rs": "my_shop::a",
        "src/a/b.rs": "my_shop::a::b", "src/c.rs": "my_shop::c", "src/bin/tool.rs": "my_shop[bin/tool]",
        "tests/api.rs": "my_shop[tests/api]", "build.rs": "my_shop[build]",
    }
