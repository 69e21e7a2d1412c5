"""Graph rows shared by the resolvers.

Every resolver turns a file's facts into its File, Symbol and DEFINES rows the same way
(``add_file_rows``). The statically scoped languages (Java, Rust) also share how a
decision about *where* a reference goes (an ``Out``) becomes an edge with the right end
label and ``resolution``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from graphsvc.ingest.resolve import FileGraph, Summary
from graphsvc.model import Edge, FileFacts, Node, SymbolFact, file_id, symbol_id

__all__ = ["ANY_FILE", "NONE", "Out", "add_edge", "add_file_rows", "file_rows", "symbol_node"]

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


def file_rows(repo: str, facts: FileFacts, summary: Summary, module: str,
              qualified: Callable[[str], str]) -> FileGraph:
    """A new file graph holding the File node, Symbol nodes and DEFINES edges of one file."""
    fg = FileGraph(path=facts.path, summary=summary)
    add_file_rows(fg, repo, facts, module, qualified)
    return fg


def add_file_rows(fg: FileGraph, repo: str, facts: FileFacts, module: str, qualified: Callable[[str], str]) -> None:
    """Append the File node, Symbol nodes and DEFINES edges of one file; ``qualified`` names a qname."""
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
