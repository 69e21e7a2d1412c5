"""Source lines of an indexed symbol or file, read from its repo's working tree.

The graph holds other people's source and the server exposes it, so only files the graph
indexed are read, and only under the root their repo was indexed from: the path is resolved
(symlinks followed) and must stay inside the resolved root. Lines are decoded as UTF-8 with
replacement; a client renders them as text, never as markup.

Example::

    with open_store(settings, read_only=True) as store:
        snippet = source(store, "sym:repo:shop/shop:shop/models.py#Base.save")
        print(snippet.path, snippet.start, snippet.lines[0])
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from graphsvc.errors import NotFound, QueryError
from graphsvc.store.base import Store
from queries.graph import FileInfo, SymbolInfo, entity

__all__ = ["MAX_SOURCE_LINES", "Source", "source"]

MAX_SOURCE_LINES = 400


@dataclass(frozen=True, slots=True)
class Source:
    """Lines ``start``..``start + len(lines) - 1`` (1-based) of ``path``; ``truncated`` when the entity is longer."""

    repo: str
    path: str
    start: int
    lines: tuple[str, ...]
    truncated: bool


def _span(e: SymbolInfo | FileInfo, max_lines: int) -> tuple[int, int]:
    if isinstance(e, FileInfo):
        return 1, e.loc or max_lines
    first = int(e.range_start.partition(":")[0] or e.line)
    end_line, _, end_col = e.range_end.partition(":")
    # The end is exclusive: a range ending at column 0 stops on the line before.
    last = int(end_line) - (1 if end_col == "0" and int(end_line) > first else 0)
    return first, last


def _resolve_under(root: str, path: str) -> Path:
    base = Path(root).resolve()
    target = (base / path).resolve()
    if not target.is_relative_to(base):
        raise NotFound(f"'{path}' resolves outside its repo root {base}",
                       suggestion="source is served only from files under the indexed root")
    if not target.is_file():
        raise NotFound(f"'{path}' is no longer in {base}", suggestion="re-index the repo (graph ingest --incremental)")
    return target


def source(store: Store, node_id: str, max_lines: int = 60) -> Source:
    """The source lines of a symbol (its whole range) or the first lines of a file, at most ``max_lines``.

    Raises:
        NotFound: no such symbol or file, its repo has no recorded root, or the file is gone or
            resolves outside that root.
        QueryError: ``max_lines`` out of 1..``MAX_SOURCE_LINES``.
    """
    if not 1 <= max_lines <= MAX_SOURCE_LINES:
        raise QueryError(f"maxLines must be between 1 and {MAX_SOURCE_LINES}, got {max_lines}")
    e = entity(store, node_id)
    if not isinstance(e, (SymbolInfo, FileInfo)) or e.repo is None or e.path is None:
        raise NotFound(f"'{node_id}' has no source in an indexed repo")
    repo = store.repo(e.repo) or {}
    if not repo.get("root"):
        raise NotFound(f"repo {e.repo} has no recorded root", suggestion="re-index it with graph ingest")
    target = _resolve_under(str(repo["root"]), e.path)
    first, last = _span(e, max_lines)
    wanted = min(last, first + max_lines - 1)
    lines: list[str] = []
    with target.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if number > wanted:
                break
            if number >= first:
                lines.append(raw.decode("utf-8", errors="replace").rstrip("\r\n"))
    return Source(repo=e.repo, path=e.path, start=first, lines=tuple(lines), truncated=last > wanted)
