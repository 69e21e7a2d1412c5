"""Graph rows shared by the resolvers.

Every resolver turns a file's facts into its File, Symbol and DEFINES rows the same way
(``add_file_rows``). The statically scoped languages (Java, Rust) also share how a
decision about *where* a reference goes (an ``Out``) becomes an edge with the right end
label and ``resolution``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from graphsvc.ingest.resolve import FileGraph, Summary
from graphsvc.model import NODE_SCHEMA, Edge, FileFacts, Node, SymbolFact, file_id, symbol_id

__all__ = ["ANY_FILE", "NONE", "Out", "add_edge", "add_file_rows", "file_rows", "symbol_columns", "symbol_node"]

# ``dep_path`` of a lookup whose answer depends on names declared in files it cannot
# name in advance (a Java package's types): re-checked whenever any file's summary changed.
ANY_FILE = "*"


@dataclass(frozen=True)
class Out:
    """Where a reference resolves.

    ``target``: ``("sym", path, qname)``, ``("file", path)``, ``("ext", dotted)`` or None
    (unresolved). ``candidates`` > 1 marks a guess among that many candidates.
    """

    target: tuple[str, ...] | None
    candidates: int = 0

    def guess(self, candidates: int) -> Out:
        """The same target, as one of ``candidates`` (never fewer than it already had; 1 is no guess)."""
        return Out(self.target, max(self.candidates, candidates if candidates > 1 else 0))


NONE = Out(None)

# ``symbol_columns`` reads the facts' fields and builds the columns in these orders.
_SYMBOL_COLUMNS = ("id", "name", "qualifiedName", "kind", "signature", "doc", "line", "column", "rangeStart",
                   "rangeEnd", "exported", "lang")
assert tuple(NODE_SCHEMA["Symbol"]) == _SYMBOL_COLUMNS, "symbol_columns follows the Symbol schema"
assert SymbolFact._fields == ("qname", "name", "kind", "line", "column", "start", "end", "signature", "doc",
                              "exported", "parent"), "symbol_columns reads SymbolFact by position"


def file_rows(repo: str, facts: FileFacts, summary: Summary, module: str,
              qualified: Callable[[str], str], symbol_nodes: bool = True) -> FileGraph:
    """A new file graph holding the File node, Symbol nodes and DEFINES edges of one file (``add_file_rows``)."""
    fg = FileGraph(path=facts.path, summary=summary)
    add_file_rows(fg, repo, facts, module, qualified, symbol_nodes)
    return fg


def add_file_rows(fg: FileGraph, repo: str, facts: FileFacts, module: str, qualified: Callable[[str], str],
                  symbol_nodes: bool = True) -> None:
    """Append the File node, Symbol nodes and DEFINES edges of one file; ``qualified`` names a qname.
    ``symbol_nodes=False`` leaves the Symbol nodes out: a full run's workers write them ahead, from the
    facts (``symbol_columns``)."""
    path, lang = facts.path, facts.lang
    fid = file_id(repo, path)
    nodes, edges = fg.nodes, fg.edges
    nodes.append(Node("File", fid, {
        "path": path, "lang": lang, "loc": facts.loc, "module": module, "parseErrors": facts.parse_errors,
    }))
    # Symbol ids by qname: a parent comes before its members, so a DEFINES edge reuses its id.
    sids: dict[str, str] = {}
    for s in facts.symbols:
        qname, parent = s.qname, s.parent
        sid = sids[qname] = symbol_id(repo, path, qname)
        if symbol_nodes:
            nodes.append(symbol_node(sid, s, lang, qualified))
        if parent is None:
            edges.append(Edge("DEFINES", fid, "File", sid, "Symbol"))
        else:
            parent_id = sids.get(parent)
            if parent_id is None:
                parent_id = symbol_id(repo, path, parent)
            edges.append(Edge("DEFINES", parent_id, "Symbol", sid, "Symbol"))


def symbol_node(sid: str, s: SymbolFact, lang: str, qualified: Callable[[str], str]) -> Node:
    """The Symbol node of one symbol of a file (``add_file_rows``; also built ahead of resolving, by a
    full run's workers, ``graphsvc/ingest/workers.py``)."""
    start, end = s.start, s.end
    return Node("Symbol", sid, {
        "name": s.name, "qualifiedName": qualified(s.qname), "kind": s.kind, "signature": s.signature,
        "doc": s.doc, "line": s.line, "column": s.column, "rangeStart": f"{start[0]}:{start[1]}",
        "rangeEnd": f"{end[0]}:{end[1]}", "exported": s.exported, "lang": lang,
    })


def symbol_columns(repo: str, files: Iterable[tuple[FileFacts, Callable[[str], str]]]) -> list[list[Any]]:
    """The Symbol rows ``symbol_node`` makes of every symbol of ``files`` (their facts, and how each names
    a qname), column by column in schema order, ``id`` first.

    A full run's workers build a repo's Symbol rows so, before resolving (``graphsvc/ingest/workers.py``):
    straight from the facts, which are tuples, without a node and a row per symbol, and in the columns
    LadybugDB's bulk load reads.
    """
    ids: list[str] = []
    qualified_names: list[str] = []
    langs: list[str] = []
    symbols: list[SymbolFact] = []
    for facts, qualified in files:
        prefix = symbol_id(repo, facts.path, "")
        ids += [prefix + s.qname for s in facts.symbols]
        qualified_names += map(qualified, [s.qname for s in facts.symbols])
        langs += [facts.lang] * len(facts.symbols)
        symbols += facts.symbols
    if not symbols:
        return [[] for _ in _SYMBOL_COLUMNS]
    _qname, name, kind, line, column, start, end, signature, doc, exported, _parent = map(list, zip(*symbols))
    return [ids, name, qualified_names, kind, signature, doc, line, column,
            [f"{row}:{col}" for row, col in start], [f"{row}:{col}" for row, col in end], exported, langs]


def add_edge(fg: FileGraph, repo: str, lang: str, etype: str, src: str, src_label: str, out: Out, name: str,
             line: int, column: int, sep: str = ".") -> None:
    """Append one dependency edge for a reference to ``name`` resolved as ``out``."""
    props: dict[str, object] = {"line": line, "column": column}
    t = out.target
    if t is None or (t[0] == "file" and etype != "IMPORTS"):
        dst, label = fg.unresolved(lang, name), "External"
        props["resolution"] = "unresolved"
    else:
        if t[0] == "file":
            dst, label = file_id(repo, t[1]), "File"
        elif t[0] == "sym":
            dst, label = symbol_id(repo, t[1], t[2]), "Symbol"
        else:
            dst, label = fg.external(lang, t[1], sep), "External"
        props["resolution"] = "exact"
        if out.candidates > 1:
            props["resolution"] = "heuristic"
            props["candidates"] = out.candidates
            props["confidence"] = round(1.0 / out.candidates, 2)
    fg.edges.append(Edge(etype, src, src_label, dst, label, props))
