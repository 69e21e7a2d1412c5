"""The language table: every grammar loads offline, every query compiles, every row is documented."""

from __future__ import annotations

from pathlib import Path

import pytest
from tree_sitter import Query, QueryCursor

from graphsvc.errors import RegistryError
from parsers import registry
from tests.conftest import FIXTURES

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("spec", registry.LANGUAGES, ids=[s.name for s in registry.LANGUAGES])
def test_grammar_loads_offline_and_query_compiles(spec: registry.LanguageSpec) -> None:
    parser, query = registry.compiled(spec.name)
    assert query.pattern_count > 0
    assert parser.parse(b"").root_node is not None


@pytest.mark.parametrize("spec", registry.LANGUAGES, ids=[s.name for s in registry.LANGUAGES])
def test_pattern_roles_name_the_role_each_match_captures(spec: registry.LanguageSpec) -> None:
    """A match's pattern index tells its role: the one role capture among its captures."""
    parser, query = registry.compiled(spec.name)
    roles = registry.pattern_roles(spec.name)
    assert len(roles) == query.pattern_count
    seen = 0
    for repo in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        for path in sorted(repo.rglob("*")):
            if path.suffix not in spec.extensions:
                continue
            for index, caps in QueryCursor(query).matches(parser.parse(path.read_bytes()).root_node):
                in_caps = {c for c in caps if c.startswith(("definition.", "reference."))}
                assert in_caps == ({roles[index]} if roles[index] else set()), (path, index, caps.keys())
                seen += 1
    assert seen > 0


@pytest.mark.parametrize("spec", registry.LANGUAGES, ids=[s.name for s in registry.LANGUAGES])
def test_each_language_has_a_fixture_repo_and_a_readme_row(spec: registry.LanguageSpec) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"| {spec.name} |" in readme
    exts = tuple(spec.extensions)
    assert any(p.suffix in exts for repo in FIXTURES.iterdir() if repo.is_dir() for p in repo.rglob("*"))


def test_duplicate_extension_is_rejected_naming_both_languages() -> None:
    row = registry.LANGUAGES[0]
    twin = registry.LanguageSpec("other", row.grammar, row.extensions[:1], row.query_file, row.adapter, row.resolver)
    with pytest.raises(RegistryError, match=f"'{row.extensions[0]}' is claimed by both '{row.name}' and 'other'"):
        registry._check_table((row, twin))


def test_capture_outside_the_vocabulary_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    row = registry.LANGUAGES[0]
    bad = registry.LanguageSpec("bad", row.grammar, (".bad",), row.query_file, row.adapter, row.resolver)
    monkeypatch.setattr(registry, "_BY_NAME", {**registry._BY_NAME, "bad": bad})
    monkeypatch.setattr(registry, "query_source", lambda spec: "(identifier) @thing")
    registry.compiled.cache_clear()
    try:
        with pytest.raises(RegistryError, match="capture '@thing' is outside the vocabulary"):
            registry.compiled("bad")
    finally:
        monkeypatch.undo()
        registry.compiled.cache_clear()
    assert isinstance(registry.compiled(row.name)[1], Query)
