"""Reference sites: where a node is referenced, with no more than an editor's list of locations needs.

``graph.references`` and ``graph.callers`` give full references a page at a time, both ends looked
up with their files. A language server listing the 2,000 uses of a much-used name needs only each
site's file and position: ``sites_in`` reads them in one query (through Arrow when there are many),
in the order and up to the bound of those pages, and then looks up only the referrers' files::

    for site in sites_in(store, "sym:repo:shop/shop:shop/models.py#Base.save", limit=5000):
        print(site.file.path, site.line, site.column)   # 1-based line, 0-based byte column
"""

from __future__ import annotations

from dataclasses import dataclass

from graphsvc.model import split_symbol_id
from graphsvc.store.base import Store
from queries.graph import FileInfo, entities

__all__ = ["Site", "sites_in"]


@dataclass(frozen=True, slots=True)
class Site:
    """One reference to a node: the referrer, the file it is in and where (1-based line, 0-based byte column)."""

    src: str
    file: FileInfo
    line: int
    column: int


def _owner(src: str) -> str | None:
    if src.startswith("file:"):
        return src
    split = split_symbol_id(src)
    return split[0] if split else None


def sites_in(store: Store, node_id: str, limit: int, calls_only: bool = False) -> list[Site]:
    """The first ``limit`` references to ``node_id`` (only its calls when ``calls_only``) that have a
    position, by referrer, line and column; none for an unknown node."""
    query = "call_sites_in" if calls_only else "sites_in"
    if node_id.startswith("sym:"):
        query += "_symbol"  # anchored on one table (see callers_symbol.cypher)
    rows = store.read(query, id=node_id, limit=limit)
    owners: dict[str, str | None] = {}
    for r in rows:
        if r["src"] not in owners:
            owners[r["src"]] = _owner(r["src"])
    files = entities(store, {o for o in owners.values() if o})
    out = []
    for r in rows:
        f = files.get(owners[r["src"]] or "")
        if isinstance(f, FileInfo) and r["line"] is not None and r["column"] is not None:
            out.append(Site(src=r["src"], file=f, line=r["line"], column=r["column"]))
    return out
