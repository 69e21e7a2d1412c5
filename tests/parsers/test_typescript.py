"""The TypeScript/TSX/JavaScript adapter: real tree-sitter parses of small sources."""

from __future__ import annotations

from graphsvc.ingest.parse import parse_source
from parsers import registry
from parsers.typescript import ModuleFacts

TS = b'''/** Anything stored under an id. */
export interface Entity<T> extends Base, ns.Named {
  id: string;
  describe(x: T): string;
}

export type Id = string | Brand<Entity<number>>;
export enum Color { Red = 1, Green }

/** Adds. */
export const add = (a: number, b: number): number => a + b;
export default function (): void {}

export abstract class Shape<T extends Entity<T>> extends Model implements Entity<T>, Other {
  private cache: Cache = new Cache();
  #secret = 1;
  constructor(private readonly repo: Repo, plain: number) {
    super(repo);
  }
  get area(): number { return 0; }
  describe(x: T): string {
    this.helper();
    super.describe(x);
    this.repo.find(x).then(() => this.helper());
    function inner() { this.lost(); }
    return fmt.pad(x, 2);
  }
  abstract helper(): void;
}

class Hidden {}
const local = 1;
export { local as renamed, Hidden };
namespace Space { export function inside() {} }
'''


def _ts(source: bytes, path: str = "src/a.ts", lang: str = "typescript") -> ModuleFacts:
    facts = parse_source(lang, path, source)
    assert isinstance(facts, ModuleFacts)
    return facts


def test_symbols_have_qualified_names_kinds_and_exported() -> None:
    facts = _ts(TS)
    got = {s.qname: (s.kind, s.exported) for s in facts.symbols}
    assert got == {
        "": ("Module", True),
        "Entity": ("Interface", True), "Entity.id": ("Property", True), "Entity.describe": ("Method", True),
        "Id": ("TypeAlias", True), "Color": ("Enum", True), "Color.Red": ("EnumMember", True),
        "Color.Green": ("EnumMember", True), "add": ("Function", True), "default": ("Function", True),
        "Shape": ("Class", True), "Shape.cache": ("Field", False), "Shape.~secret": ("Field", False),
        "Shape.constructor": ("Constructor", True), "Shape.repo": ("Field", False),
        "Shape.area": ("Property", True), "Shape.describe": ("Method", True),
        "Shape.describe.inner": ("Function", False), "Shape.helper": ("Method", True),
        "Hidden": ("Class", True), "local": ("Constant", True),
        "Space": ("Module", False), "Space.inside": ("Function", False),
    }


def test_ranges_signatures_and_jsdoc() -> None:
    by = {s.qname: s for s in _ts(TS).symbols}
    entity = by["Entity"]
    assert (entity.line, entity.column, entity.start, entity.end) == (2, 17, (2, 0), (5, 1))
    assert entity.doc == "Anything stored under an id."
    assert entity.signature == "interface Entity<T> extends Base, ns.Named"
    assert by["add"].signature == "add = (a: number, b: number): number" and by["add"].doc == "Adds."
    assert by["Shape.describe"].signature == "describe(x: T): string"
    assert by["Shape.repo"].signature == "private readonly repo: Repo"
    assert by[""].name == "a"


def test_exports_map_names_to_local_bindings() -> None:
    exports = dict(_ts(TS).exports)
    assert exports["renamed"] == ("l", "local") and exports["Hidden"] == ("l", "Hidden")
    assert exports["default"] == ("l", "default") and exports["Shape"] == ("l", "Shape")
    assert "Space" not in exports


def test_calls_carry_receivers_and_this_only_inside_methods() -> None:
    calls = {(r.name, r.receiver, r.scope) for r in _ts(TS).refs if r.kind == "call"}
    assert ("Cache", (), "Shape.cache") in calls
    assert ("constructor", ("super",), "Shape.constructor") in calls
    assert ("helper", ("this",), "Shape.describe") in calls
    assert ("describe", ("super",), "Shape.describe") in calls
    assert ("find", ("this", "repo"), "Shape.describe") in calls
    assert ("then", ("this", "repo", "find()"), "Shape.describe") in calls
    assert ("pad", ("fmt",), "Shape.describe") in calls
    # `this` in a plain function is not the instance: the receiver cannot be named.
    assert ("lost", None, "Shape.describe.inner") in calls


def test_heritage_and_type_references_skip_type_parameters() -> None:
    refs = [(r.kind, r.name, r.receiver, r.scope) for r in _ts(TS).refs if r.kind != "call"]
    assert ("base", "Base", (), "Entity") in refs and ("base", "Named", ("ns",), "Entity") in refs
    assert ("base", "Model", (), "Shape") in refs
    assert ("implements", "Entity", (), "Shape") in refs and ("implements", "Other", (), "Shape") in refs
    types = {(name, scope) for kind, name, _, scope in refs if kind == "type"}
    assert ("Brand", "Id") in types and ("Entity", "Id") in types
    assert ("Entity", "Shape") in types  # the constraint `T extends Entity<T>`
    assert ("Repo", "Shape.constructor") in types and ("Cache", "Shape.cache") in types
    assert not any(name == "T" for name, _ in types)


def test_locals_and_declared_types() -> None:
    facts = _ts(TS)
    locals_ = {(f.scope, f.name): f.type_ref for f in facts.locals}
    assert locals_[("Shape.constructor", "repo")] == ("Repo",)
    assert locals_[("Shape.constructor", "plain")] is None
    assert locals_[("add", "a")] is None
    assert dict(facts.types) == {"Shape.cache": ("Cache",), "Shape.repo": ("Repo",)}


def test_es_module_imports_and_re_exports() -> None:
    facts = _ts(b'''import D, { a as b, c } from "./m";
import * as N from "n";
import "side-effect";
import type { T } from "./types";
import legacy = require("legacy");
export { q as r } from "./r";
export * from "./s";
export * as ns from "./t";
''')
    imports = [(i.module, i.name, i.alias, i.line, i.column) for i in facts.imports]
    assert imports == [
        ("./m", "default", "D", 1, 7), ("./m", "a", "b", 1, 17), ("./m", "c", None, 1, 20),
        ("n", "*", "N", 2, 12), ("side-effect", None, None, 3, 8), ("./types", "T", None, 4, 14),
        ("legacy", "*", "legacy", 5, 7),
    ]
    assert dict(facts.exports) == {"r": ("r", "./r", "q"), "ns": ("ns", "./t")}
    assert facts.stars == (("./s", 7, 15),)


def test_commonjs_require_and_exports_in_javascript() -> None:
    facts = _ts(b'''const fs = require("fs");
const { join, resolve: res } = require("path");
function helper() {}
exports.run = function () { helper(); };
module.exports.helper = helper;
class Base {}
class Child extends lib.Base { go() { this.run(); } }
module.exports = { Child };
''', path="lib/x.js", lang="javascript")
    assert facts.lang == "javascript"
    assert [(i.module, i.name, i.alias) for i in facts.imports] == [
        ("fs", "*", "fs"), ("path", "join", None), ("path", "resolve", "res")]
    exports = dict(facts.exports)
    assert exports["run"] == ("l", "run") and exports["helper"] == ("l", "helper") and exports["Child"] == ("l", "Child")
    kinds = {s.qname: (s.kind, s.exported) for s in facts.symbols}
    assert kinds["run"] == ("Function", True) and kinds["helper"] == ("Function", True)
    assert kinds["Base"] == ("Class", False) and kinds["Child.go"] == ("Method", True)
    bases = [(r.name, r.receiver) for r in facts.refs if r.kind == "base"]
    assert bases == [("Base", ("lib",))]


def test_jsx_components_are_type_uses_and_intrinsic_elements_are_not() -> None:
    facts = _ts(b'''import { Card } from "./Card";
export const App = () => <div><Card title="x" /><ui.Button /></div>;
''', path="src/App.tsx", lang="tsx")
    uses = [(r.name, r.receiver, r.scope) for r in facts.refs if r.kind == "type"]
    assert uses == [("Card", (), "App"), ("Button", ("ui",), "App")]


def test_syntax_errors_are_counted_and_the_rest_still_indexed() -> None:
    facts = _ts(b"export function ok() {}\nexport class {\n  m( {\n}\nexport const after = 1;\n")
    assert facts.parse_errors >= 1
    assert "ok" in {s.qname for s in facts.symbols}


def test_registry_rows_share_one_adapter_and_resolver() -> None:
    rows = [registry.by_extension(e) for e in (".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts")]
    assert [r.name for r in rows if r] == ["typescript", "tsx", "javascript", "javascript", "javascript",
                                           "javascript", "typescript", "typescript"]
    assert {r.resolver for r in rows if r} == {"graphsvc.ingest.resolve.typescript"}
    assert all(r is not None and r.project_files == ("tsconfig.json", "jsconfig.json", "package.json") for r in rows)


def test_call_heads_are_bound_by_the_nearest_function_scope_including_callbacks() -> None:
    facts = _ts(b'''import { repo } from "./repo";
run(() => { const x = new A(); x.go(); });
run(() => { const x: B = make(); x.go(); repo.find(); });
run((x: C) => x.go());
''')
    heads = {(line, column): t for line, column, t in facts.heads}
    assert heads[(2, 33)] == ("A",) and heads[(3, 35)] == ("B",) and heads[(4, 16)] == ("C",)
    # `repo` and `run` are file-level names: no function binds them.
    assert (3, 46) not in heads and (2, 0) not in heads


def test_the_scope_pattern_captures_every_scope_node_of_each_grammar() -> None:
    # ``_Functions`` reads nesting from what ``@scope`` captures: a scope node the pattern missed would
    # bind a callback's names to the function around it.
    import re

    from parsers.typescript import SCOPE_NODES

    for lang in ("javascript", "typescript", "tsx"):
        parser, _ = registry.compiled(lang)
        text = registry.query_source(registry.by_name(lang))
        pattern = text[text.rindex("["):text.index("@scope")]
        kinds = set(re.findall(r"\((\w+)\)", pattern))
        assert kinds == {k for k in SCOPE_NODES if parser.language.id_for_node_kind(k, True)}, lang


def test_call_heads_are_found_through_deep_nesting_and_a_program_that_is_one_function() -> None:
    src = b"(function () { var a = new A(); [1].map(function () { return [2].map(x => x && a.f()); }); })"
    facts = parse_source("javascript", "deep.js", src)
    assert isinstance(facts, ModuleFacts)
    assert [t for _, _, t in facts.heads] == [("A",)]
    # The program spans exactly one arrow function: two scopes of one span.
    facts = parse_source("javascript", "one.js", b"() => { const b = new B(); b.g(); }")
    assert isinstance(facts, ModuleFacts) and [t for _, _, t in facts.heads] == [("B",)]
