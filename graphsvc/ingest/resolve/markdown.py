"""Markdown "resolution": a document's File row; its spec items and links come from ``graphsvc/specs.py``.

Markdown is never imported, so there are no module names and no recorded lookups; what
a document names (symbols, files) is linked repo-wide by the spec linker after every
language has resolved, which also re-links a document when what it names changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from graphsvc.ingest.resolve import FileGraph, Summary
from graphsvc.model import FileFacts, Node, file_id

__all__ = ["CONFIG_FILES", "Resolver", "dep_path", "make_summary", "module_names", "qualifier"]

CONFIG_FILES: tuple[str, ...] = ()


def module_names(paths: Iterable[str], project_files: Iterable[str], root: Path) -> dict[str, tuple[str, ...]]:
    """Markdown files answer to no import name."""
    return {p: () for p in paths}


def make_summary(facts: FileFacts, names: tuple[str, ...]) -> Summary:
    """No symbols, no name: the spec linker adds what it needs (``owned``, ``mentions``)."""
    return {"m": "", "defs": {}}


def qualifier(facts: FileFacts, summary: Summary) -> None:
    """None: a document has no Symbol rows (its headings become spec items, ``graphsvc/specs.py``)."""
    return None


def dep_path(dep: str) -> str | None:
    """Markdown records no lookups."""
    return None


class Resolver:
    """Builds the File row of a Markdown document."""

    def __init__(self, repo: str, summaries: Mapping[str, Summary], module_map: Mapping[str, tuple[str, ...]],
                 root: Path | None = None, *, symbol_nodes: bool = True) -> None:
        self.repo = repo  # a document has no Symbol nodes: ``symbol_nodes`` changes nothing
        self.summaries = summaries

    def resolve(self, facts: FileFacts) -> FileGraph:
        """The document's File node; nothing else depends on other files."""
        summary = self.summaries[facts.path]
        fg = FileGraph(path=facts.path, summary=summary)
        fg.nodes.append(Node("File", file_id(self.repo, facts.path), {
            "path": facts.path, "lang": facts.lang, "loc": facts.loc, "module": "", "parseErrors": facts.parse_errors,
        }))
        return fg

    def dep_answer(self, dep: str) -> str:
        """Never asked: Markdown records no lookups."""
        return ""
