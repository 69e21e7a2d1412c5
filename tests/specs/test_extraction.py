"""Extraction without a store: comment tasks for any grammar, Markdown spec items, mention linking."""

from __future__ import annotations

import pytest
from tree_sitter_language_pack import get_parser

from graphsvc import specs
from graphsvc.ingest.parse import parse_source
from graphsvc.model import SymbolFact
from parsers import registry


def test_comment_tasks_come_from_the_registry_row_for_any_grammar(monkeypatch: pytest.MonkeyPatch) -> None:
    # A row added later (Rust: line_comment/block_comment) gets tasks with no adapter code.
    python = registry.by_name("python")
    assert python is not None
    rust = registry.LanguageSpec("rust-test", "rust", (".rs",), python.query_file, python.adapter, python.resolver,
                                 comment_nodes=("line_comment", "block_comment"))
    monkeypatch.setattr(registry, "_BY_NAME", {**registry._BY_NAME, "rust-test": rust})
    source = b"fn pay() {\n    // TODO(bo): retry on timeout\n}\n/* FIXME: crate docs */\n"
    root = get_parser("rust").parse(source).root_node
    pay = SymbolFact("pay", "pay", "Function", 1, 3, (1, 0), (3, 1))
    tasks = specs.comment_tasks("rust-test", root, source, (pay,))
    assert [(t.kind, t.title, t.line, t.scope, t.assignee) for t in tasks] == [
        ("TODO", "retry on timeout", 2, "pay", "bo"), ("FIXME", "crate docs", 4, "\0file", "")]


def test_python_comment_tasks_name_the_innermost_symbol() -> None:
    source = b"class A:\n    def f(self):\n        x = 1  # HACK: fix later\n\n# XXX module level\n"
    facts = parse_source("python", "a.py", source)
    assert [(t.kind, t.scope, t.line) for t in facts.tasks] == [("HACK", "A.f", 3), ("XXX", "", 5)]


def test_markdown_items_keys_status_priority_and_mentions() -> None:
    source = (b"# Spec\n\n## Login (P0)\n\nUsers MUST sign in via `auth.login`.\n\n- [x] form\n- [ ] `reset_password`\n"
              b"\n## Login\n\nAgain.\n")
    facts = parse_source("markdown", "docs/spec.md", source)
    items = {s.key: s for s in facts.specs}
    assert set(items) == {"spec", "spec/login-p0", "spec/login-p0/form", "spec/login-p0/reset-password", "spec/login"}
    assert items["spec/login-p0"].priority == "P0" and items["spec/login-p0"].mentions == (("auth.login", 5),)
    assert items["spec/login-p0/form"].status == "done" and items["spec/login-p0/reset-password"].status == "planned"
    assert ("reset_password", 8) in facts.mentions


def test_readme_headings_are_not_spec_items_but_checklists_are() -> None:
    facts = parse_source("markdown", "README.md", b"# Tool\n\n## Usage\n\n- [ ] docs\n")
    assert [(s.key, s.source) for s in facts.specs] == [("tool/usage/docs", "checklist")]


def test_decision_record_is_one_item_with_its_status() -> None:
    facts = parse_source("markdown", "docs/adr/0002-x.md", b"# Use X\n\n## Status\n\nSuperseded\n\n## Context\n")
    assert [(s.source, s.title, s.status) for s in facts.specs] == [("adr", "Use X", "superseded")]


def test_linker_exact_ambiguous_and_fuzzy() -> None:
    summaries = {"a.py": {"m": "pkg.a", "defs": {"": "Module", "Model.save": "Method"}},
                 "b.py": {"m": "pkg.b", "defs": {"": "Module", "refund": "Function", "Other.save": "Method"}}}
    linker = specs.Linker("repo:p/r", summaries)
    assert linker.resolve("pkg.a.Model.save") == ("sym:repo:p/r:a.py#Model.save", "Symbol", {"resolution": "exact"})
    assert linker.resolve("Other.save") == ("sym:repo:p/r:b.py#Other.save", "Symbol", {"resolution": "exact"})
    assert linker.resolve("b.py") == ("file:repo:p/r:b.py", "File", {"resolution": "exact"})
    _, _, ambiguous = linker.resolve("save") or ("", "", {})
    assert ambiguous == {"resolution": "heuristic", "candidates": 2, "confidence": 0.5}
    target, _, fuzzy = linker.resolve("refnd") or ("", "", {})
    assert target == "sym:repo:p/r:b.py#refund" and fuzzy["resolution"] == "heuristic" and fuzzy["confidence"] >= 0.88
    assert linker.resolve("nothing_like_it") is None


def test_markers_outside_comments_make_no_task_and_every_marked_comment_does() -> None:
    # Markers are found in the bytes first; only those inside a comment node count, a comment
    # with two markers gives two tasks, and a marker split from its comment by a string does not.
    source = (b'TODO = "TODO: not a comment"\n'
              b"def f():\n    return 1  # FIXME: first\n"
              b"# one TODO: second\n# XXX: third\n"
              b'"""HACK: a docstring"""\n')
    facts = parse_source("python", "m.py", source)
    assert [(t.kind, t.title, t.line) for t in facts.tasks] == [
        ("FIXME", "first", 3), ("TODO", "second", 4), ("XXX", "third", 5)]
