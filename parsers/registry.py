"""The table of languages: one row each, checked once at import.

A row names the tree-sitter grammar (from ``tree-sitter-language-pack``), the file
extensions, the tags query file (package data beside this module), the adapter that
turns query matches into file facts, the project files the resolver reads, and the
resolver module (``graphsvc/ingest/resolve/<lang>.py``; its interface is in that
package's docstring). Adding a language is one ``.scm`` file, one adapter module, one
resolver module and one row here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import ModuleType

from tree_sitter import Language as TSLanguage
from tree_sitter import Node, Parser, Query

from graphsvc.errors import RegistryError
from graphsvc.model import FileFacts

from . import go as _go
from . import java as _java
from . import markdown as _markdown
from . import python as _python
from . import rust as _rust
from . import typescript as _typescript

__all__ = ["LANGUAGES", "LanguageSpec", "by_extension", "by_name", "compiled", "pattern_roles"]

Extractor = Callable[[str, bytes, Node, Iterable[tuple[int, dict[str, list[Node]]]]], FileFacts]

# The capture vocabulary: tree-sitter's tags roles plus the sub-captures we use, and ``scope`` (a pattern
# of its own: the nodes an adapter reads nesting from, TypeScript's functions).
_ROLE_RE = re.compile(r"^(definition|reference)\.[a-z_]+$")
_ROLE_IN_RE = re.compile(r"@((?:definition|reference)\.[a-z_]+)")
_SUB_CAPTURES = frozenset({"name", "doc", "module", "alias", "receiver", "wildcard", "value", "scope"})


@dataclass(frozen=True)
class LanguageSpec:
    """One registered language."""

    name: str
    grammar: str
    extensions: tuple[str, ...]
    query_file: str
    adapter: ModuleType
    resolver: str
    project_files: tuple[str, ...] = ()
    # Node types of the grammar that are comments: TODO/FIXME/XXX/HACK tasks are read from them
    # (graphsvc/specs.py) for every language, without the adapter's help.
    comment_nodes: tuple[str, ...] = ("comment",)

    @property
    def extract(self) -> Extractor:
        """The adapter's ``extract`` function."""
        return self.adapter.extract  # type: ignore[no-any-return]


LANGUAGES: tuple[LanguageSpec, ...] = (
    LanguageSpec(
        name="python", grammar="python", extensions=(".py", ".pyi"), query_file="python.scm",
        adapter=_python, resolver="graphsvc.ingest.resolve.python",
        project_files=("pyproject.toml", "setup.py", "setup.cfg"),
    ),
    LanguageSpec(
        name="typescript", grammar="typescript", extensions=(".ts", ".mts", ".cts"), query_file="typescript.scm",
        adapter=_typescript, resolver="graphsvc.ingest.resolve.typescript",
        project_files=("tsconfig.json", "jsconfig.json", "package.json"),
    ),
    LanguageSpec(
        name="tsx", grammar="tsx", extensions=(".tsx",), query_file="tsx.scm",
        adapter=_typescript, resolver="graphsvc.ingest.resolve.typescript",
        project_files=("tsconfig.json", "jsconfig.json", "package.json"),
    ),
    LanguageSpec(
        name="javascript", grammar="javascript", extensions=(".js", ".jsx", ".mjs", ".cjs"),
        query_file="javascript.scm", adapter=_typescript, resolver="graphsvc.ingest.resolve.typescript",
        project_files=("tsconfig.json", "jsconfig.json", "package.json"),
    ),
    LanguageSpec(
        name="go", grammar="go", extensions=(".go",), query_file="go.scm",
        adapter=_go, resolver="graphsvc.ingest.resolve.go", project_files=("go.mod", "go.work"),
    ),
    LanguageSpec(
        name="java", grammar="java", extensions=(".java",), query_file="java.scm",
        adapter=_java, resolver="graphsvc.ingest.resolve.java",
        project_files=("pom.xml", "build.gradle", "build.gradle.kts"),
        comment_nodes=("line_comment", "block_comment"),
    ),
    LanguageSpec(
        name="rust", grammar="rust", extensions=(".rs",), query_file="rust.scm",
        adapter=_rust, resolver="graphsvc.ingest.resolve.rust", project_files=("Cargo.toml",),
        comment_nodes=("line_comment", "block_comment"),
    ),
    # Spec items from headings, checklists and decision records (docs/decisions/0008).
    LanguageSpec(
        name="markdown", grammar="markdown", extensions=(".md", ".markdown"), query_file="markdown.scm",
        adapter=_markdown, resolver="graphsvc.ingest.resolve.markdown", comment_nodes=(),
    ),
)


def _check_table(rows: tuple[LanguageSpec, ...]) -> dict[str, LanguageSpec]:
    by_ext: dict[str, LanguageSpec] = {}
    names: set[str] = set()
    for row in rows:
        if row.name in names:
            raise RegistryError(f"language '{row.name}' is registered twice in parsers/registry.py")
        names.add(row.name)
        for ext in row.extensions:
            if ext in by_ext:
                raise RegistryError(
                    f"extension '{ext}' is claimed by both '{by_ext[ext].name}' and '{row.name}'"
                    " in parsers/registry.py — give it to one of them"
                )
            by_ext[ext] = row
    return by_ext


_BY_EXT = _check_table(LANGUAGES)
_BY_NAME = {row.name: row for row in LANGUAGES}


def by_extension(ext: str) -> LanguageSpec | None:
    """Return the language that owns a file extension (with its dot), or None."""
    return _BY_EXT.get(ext)


def by_name(name: str) -> LanguageSpec | None:
    """Return a language by its registered name, or None."""
    return _BY_NAME.get(name)


def query_source(spec: LanguageSpec) -> str:
    """Read a language's query file from the package data."""
    return resources.files(__package__).joinpath(spec.query_file).read_text(encoding="utf-8")


@cache
def compiled(name: str) -> tuple[Parser, Query]:
    """Return a parser and the compiled, checked tags query of a language (cached per process)."""
    from tree_sitter_language_pack import get_language

    spec = _BY_NAME[name]
    language: TSLanguage = get_language(spec.grammar)  # type: ignore[arg-type]
    query = Query(language, query_source(spec))
    for i in range(query.capture_count):
        capture = query.capture_name(i)
        if not (_ROLE_RE.match(capture) or capture in _SUB_CAPTURES):
            raise RegistryError(
                f"parsers/{spec.query_file}: capture '@{capture}' is outside the vocabulary — use"
                f" @definition.<kind>, @reference.<kind> or one of {', '.join(sorted(_SUB_CAPTURES))}"
            )
    return Parser(language), query


@cache
def pattern_roles(name: str) -> tuple[str, ...]:
    """The role capture of each pattern of a language's tags query, by pattern index
    (``"definition.function"``, ``"reference.call"``…; ``""`` for a pattern without one): an
    adapter dispatches a match on its pattern index instead of testing its captures one by one.
    Read off each pattern's text (``Query.capture_quantifier`` raises for a capture a pattern
    lacks)."""
    _, query = compiled(name)
    source = query_source(_BY_NAME[name]).encode()
    roles: list[str] = []
    for i in range(query.pattern_count):
        text = source[query.start_byte_for_pattern(i):query.end_byte_for_pattern(i)].decode()
        found = set(_ROLE_IN_RE.findall(text))
        if len(found) > 1:
            raise RegistryError(f"parsers/{_BY_NAME[name].query_file}: a pattern captures roles {sorted(found)}"
                                " — give each pattern one role")
        roles.append(found.pop() if found else "")
    return tuple(roles)
