"""The id grammar: a symbol id splits back into its file id and fragment, whatever the path holds.
File facts come back whole from a parse worker."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graphsvc.ingest.parse import parse_source
from graphsvc.model import file_id, repo_id, split_file_id, split_symbol_id, symbol_id

_segment = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}(#[2-9])?", fullmatch=True)
_fragment = st.lists(_segment, max_size=3).map(".".join)
_path = st.from_regex(r"[a-z0-9#._-]{1,6}(/[a-z0-9#._-]{1,6}){0,2}", fullmatch=True)


@pytest.mark.parametrize(("symbol", "expected"), [
    ("sym:repo:shop/shop:shop/models.py#Base.save", ("file:repo:shop/shop:shop/models.py", "Base.save")),
    ("sym:repo:shop/shop:shop/models.py#", ("file:repo:shop/shop:shop/models.py", "")),
    ("sym:repo:shop/shop:shop/models.py#Product.label#2", ("file:repo:shop/shop:shop/models.py", "Product.label#2")),
    ("sym:repo:a/b:odd#name.py#Foo#2.bar", ("file:repo:a/b:odd#name.py", "Foo#2.bar")),
    ("file:repo:a/b:x.py", None),
])
def test_split_symbol_id(symbol: str, expected: tuple[str, str] | None) -> None:
    assert split_symbol_id(symbol) == expected


@given(path=_path, fragment=_fragment)
def test_split_symbol_id_inverts_symbol_id(path: str, fragment: str) -> None:
    rid = repo_id("proj", "repo")
    assert split_symbol_id(symbol_id(rid, path, fragment)) == (file_id(rid, path), fragment)


@pytest.mark.parametrize(("file", "expected"), [
    ("file:repo:shop/shop:shop/models.py", ("repo:shop/shop", "shop/models.py")),
    ("file:repo:shop/shop:odd#name.py", ("repo:shop/shop", "odd#name.py")),
    ("file:repo:shop/sh:op:models.py", None),  # repo "sh", path "op:models.py", or repo "sh:op", path "models.py"
    ("sym:repo:shop/shop:shop/models.py#Base", None),
    ("file:repo:shop", None),
])
def test_split_file_id_tells_repo_from_path_or_says_it_cannot(file: str, expected: tuple[str, str] | None) -> None:
    assert split_file_id(file) == expected


@given(path=_path)
def test_split_file_id_inverts_file_id(path: str) -> None:
    rid = repo_id("proj", "repo")
    assert split_file_id(file_id(rid, path)) == (rid, path)


def test_file_facts_cross_a_process_boundary_whole() -> None:
    """Parse workers send facts pickled; an adapter's subclass (TypeScript's) keeps its own fields."""
    for lang, path, source in (
        ("python", "pkg/mod.py", b"import os\n\nclass A(Base):\n    def run(self, x: int):\n        return os.path.join(x)\n"),
        ("typescript", "src/a.ts", b"export function f(x: number) { const y = new Map(); y.set(x, 1); }\n"),
    ):
        facts = parse_source(lang, path, source)
        back = pickle.loads(pickle.dumps(facts, protocol=pickle.HIGHEST_PROTOCOL))
        assert type(back) is type(facts)
        assert back == facts
    assert back.exports  # type: ignore[attr-defined]  # a field of ModuleFacts only
