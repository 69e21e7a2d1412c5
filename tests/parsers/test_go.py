"""The Go adapter: names, kinds, positions, signatures, doc comments, exported, imports, receivers, locals."""

from __future__ import annotations

from graphsvc.ingest.parse import parse_source
from graphsvc.model import FileFacts, LocalFact, RefFact, SymbolFact
from parsers.go import package_name_guess

SOURCE = b'''// Package shop sells things.
package shop

import (
	"fmt"
	h "net/http"
	. "strings"
	_ "embed"
)

// MaxItems bounds a cart.
const MaxItems, minItems = 10, 1

var client = &h.Client{}

// Cart holds items.
//
// It is not safe for concurrent use.
type Cart struct {
	Base
	*h.Server
	items, extra []string
	owner        User
}

type User = h.Client

type Total int64

// Saver saves.
type Saver interface {
	Reader
	Save(c *Cart) (int, error)
}

// Add appends an item.
func (c *Cart) Add(name string) error {
	item := NewItem(name)
	n, err := load()
	var u User
	other := Cart{}
	fmt.Println(c.owner.Name(), item.Label(), n, err, u, other)
	NewItem("x").Label()
	return nil
}

func Map[T any](xs []T) T { return xs[0] }

func init() {}
func init() {}
'''


def _facts(path: str = "shop/cart.go", source: bytes = SOURCE) -> FileFacts:
    return parse_source("go", path, source)


def _sym(facts: FileFacts, qname: str) -> SymbolFact:
    return next(s for s in facts.symbols if s.qname == qname)


def _local(facts: FileFacts, scope: str, name: str) -> LocalFact:
    return next(loc for loc in facts.locals if loc.scope == scope and loc.name.partition("@")[0] == name)


def _calls(facts: FileFacts) -> dict[str, RefFact]:
    return {r.name: r for r in facts.refs if r.kind == "call"}


def test_package_symbol_carries_name_doc_and_position() -> None:
    pkg = _sym(_facts(), "")
    assert (pkg.kind, pkg.name, pkg.line, pkg.column, pkg.doc) == ("Package", "shop", 2, 8, "Package shop sells things.")
    assert pkg.parent is None and pkg.exported


def test_kinds_and_qualified_names() -> None:
    kinds = {s.qname: s.kind for s in _facts().symbols}
    assert kinds["Cart"] == "Struct" and kinds["Saver"] == "Interface"
    assert kinds["User"] == "TypeAlias" and kinds["Total"] == "TypeAlias"
    assert kinds["Cart.Add"] == "Method" and kinds["Saver.Save"] == "Method"
    assert kinds["Cart.items"] == kinds["Cart.extra"] == kinds["Cart.owner"] == "Field"
    assert kinds["MaxItems"] == kinds["minItems"] == "Constant" and kinds["client"] == "Variable"
    assert kinds["Map"] == "Function" and kinds["init"] == kinds["init#2"] == "Function"
    assert "Cart.Base" not in kinds  # an embedded field is an EXTENDS reference, not a Field symbol


def test_method_attaches_to_its_receiver_type() -> None:
    add = _sym(_facts(), "Cart.Add")
    assert add.parent == "Cart" and add.name == "Add"
    assert (add.line, add.column, add.start, add.end) == (37, 15, (37, 0), (45, 1))
    assert add.signature == "func (c *Cart) Add(name string) error"
    assert add.doc == "Add appends an item."


def test_method_of_a_type_declared_elsewhere_hangs_off_the_package() -> None:
    facts = _facts(source=b"package shop\n\nfunc (o *Order) Pay() {}\n")
    pay = _sym(facts, "Order.Pay")
    assert pay.parent == "" and pay.kind == "Method"


def test_doc_comment_blocks_and_exported_rule() -> None:
    facts = _facts()
    assert _sym(facts, "Cart").doc == "Cart holds items.\n\nIt is not safe for concurrent use."
    assert _sym(facts, "MaxItems").doc == "MaxItems bounds a cart."
    assert _sym(facts, "Cart").signature == "type Cart struct"
    assert _sym(facts, "User").signature == "type User = h.Client"
    assert _sym(facts, "MaxItems").exported and not _sym(facts, "minItems").exported
    assert not _sym(facts, "Cart.items").exported and _sym(facts, "Cart.Add").exported


def test_imports_keep_alias_dot_and_blank() -> None:
    imports = [(i.module, i.alias, i.wildcard, i.line, i.column) for i in _facts().imports]
    assert imports == [
        ("fmt", None, False, 5, 2), ("net/http", "h", False, 6, 4),
        ("strings", ".", True, 7, 4), ("embed", "_", False, 8, 4),
    ]


def test_calls_carry_receiver_chains() -> None:
    calls = _calls(_facts())
    assert calls["Println"].receiver == ("fmt",)
    assert calls["Name"].receiver == ("c", "owner")
    assert [r.receiver for r in _facts().refs if r.name == "Label"] == [("item",), ("NewItem()",)]
    assert calls["NewItem"].receiver == () and calls["NewItem"].scope == "Cart.Add"


def test_embedded_fields_and_interfaces_are_base_references() -> None:
    bases = [(r.scope, r.receiver, r.name) for r in _facts().refs if r.kind == "base"]
    assert bases == [("Cart", (), "Base"), ("Cart", ("h",), "Server"), ("Saver", (), "Reader")]


def test_type_references_skip_predeclared_types_and_type_parameters() -> None:
    used = {(r.receiver, r.name) for r in _facts().refs if r.kind == "type"}
    assert ((), "User") in used and (("h",), "Client") in used and ((), "Cart") in used
    assert not any(name in ("string", "error", "int", "int64", "T", "any") for _, name in used)


def test_locals_know_what_they_hold() -> None:
    facts = _facts()
    assert _local(facts, "Cart.Add", "c").type_ref == ("Cart",)
    assert _local(facts, "Cart.Add", "item").type_ref == ("NewItem()",)
    assert _local(facts, "Cart.Add", "err").type_ref == ("load()@1",)
    assert _local(facts, "Cart.Add", "u").type_ref == ("User",)
    assert _local(facts, "Cart.Add", "other").type_ref == ("Cart",)
    assert _local(facts, "Cart.Add", "return#0").type_ref == ("error",)
    assert _local(facts, "Cart", "owner").type_ref == ("User",)
    assert _local(facts, "", "client").type_ref == ("h", "Client")
    assert _local(facts, "User", "=").type_ref == ("h", "Client")
    assert _local(facts, "Map", "return#0").type_ref is None  # T is a type parameter


def test_locals_carry_the_span_of_their_block() -> None:
    src = (b"package p\n\nfunc f(a A) {\n\tif a {\n\t\tx := A{}\n\t\tx.M()\n\t} else {\n\t\tx := B{}\n\t\tx.M()\n\t}\n"
           b"\tg(func(a B) { a.M() })\n\tfor _, v := range a.All() {\n\t\tv.M()\n\t}\n}\n")
    bindings = {(loc.name, loc.type_ref) for loc in _facts(source=src).locals if loc.scope == "f"}
    assert ("a", ("A",)) in bindings  # a parameter: the whole function
    assert ("x@5:10:7:2", ("A",)) in bindings and ("x@8:10:10:2", ("B",)) in bindings
    assert ("a@11:3:11:22", ("B",)) in bindings  # a function literal's parameter: the literal
    assert ("v@12:26:14:2", ("a", "All()", "[]")) in bindings  # an element of what a.All() returns


def test_tests_are_found_in_test_files_only() -> None:
    src = b"package shop\n\nimport \"testing\"\n\nfunc TestAdd(t *testing.T) {}\nfunc Testify() {}\n"
    kinds = {s.qname: s.kind for s in _facts("shop/cart_test.go", src).symbols}
    assert kinds["TestAdd"] == "Test" and kinds["Testify"] == "Function"
    assert _sym(_facts("shop/cart.go", src), "TestAdd").kind == "Function"


def test_syntax_errors_are_counted_and_the_rest_indexed() -> None:
    facts = _facts(source=b"package p\n\nfunc ok() {}\n\nfunc broken( {\n\nfunc later() {}\n")
    assert facts.parse_errors > 0
    assert "ok" in {s.qname for s in facts.symbols}


def test_package_name_guess_follows_go_conventions() -> None:
    assert package_name_guess("net/http") == ("http", True)
    assert package_name_guess("example.com/mod/v2") == ("mod", True)
    assert package_name_guess("gopkg.in/yaml.v3") == ("yaml", True)
    assert package_name_guess("github.com/mattn/go-sqlite3") == ("sqlite3", False)


def test_names_declared_together_each_use_the_type() -> None:
    source = (b"package geo\n\nimport \"example.com/distance\"\n\ntype Segment struct {\n"
              b"\tFrom, To distance.Point\n\tName string\n}\n\nvar A, B distance.Point\n")
    facts = _facts("geo/seg.go", source)
    assert sorted((r.scope, r.line) for r in facts.refs if r.kind == "type" and r.name == "Point") == [
        ("A", 10), ("B", 10), ("Segment.From", 6), ("Segment.To", 6)]
