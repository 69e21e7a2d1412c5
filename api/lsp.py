"""``graph lsp``: a language server over the graph (pygls, stdio).

Every answer comes from the shared read layer (``queries/graph.py``, ``queries/search.py``), so
an editor sees what the API and the CLI see, and a guess stays labelled as one. Methods:
definition, declaration, references, implementation, call hierarchy, type hierarchy, document
and workspace symbols, hover and code lenses.

- **Stores.** A request reads through the indexer's held writer when this server holds the
  embedded store (``Store.lend``: a read-only view, no open), else through a kept read-only
  handle that lets go when another process wants the store (decision 0014). Each request sees
  every write committed before it.
- **Workspace.** Each workspace folder is a repo: one the store already holds (matched by the
  path it was indexed from), else a new one indexed in the background (project: the folder
  name, or ``initializationOptions.projects[<folder path>]``) with ``$/progress`` reports;
  requests answer from what the store holds meanwhile.
- **Positions.** LSP positions are UTF-16 code units; the graph's columns are UTF-8 bytes.
  Both ways go through the text of the line (``api/documents.py``).
- **Freshness.** Unsaved buffers are kept in memory (``didOpen``/``didChange``); a request on an
  edited buffer maps its positions to the indexed version through the symbols of the re-parsed
  buffer. A save or a change on disk runs an incremental ingest in the background
  (``api/indexer.py``); a request waits for the run that takes a save in.
- **Sending.** Answers are encoded with orjson, the large lists as the plain JSON they were
  built as (``_Protocol``).
- **Errors.** An unknown file or a position on whitespace answers nothing; a store that cannot
  be reached answers nothing and says so once with ``window/showMessage``. No request crashes
  the server.

Example (any editor; see the README's "Editors")::

    graph lsp --store ladybug:///home/me/.local/share/graphsvc/graph.lbug
"""

from __future__ import annotations

import asyncio
import enum
import functools
import hashlib
import inspect
import logging
import os
import re
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import orjson
from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.exceptions import JsonRpcInternalError
from pygls.protocol import LanguageServerProtocol
from pygls.uris import from_fs_path, to_fs_path

from api.collector import Collector
from api.documents import DiskTexts, FileText, LineMap, language_of, parse_buffer, stat_key
from api.indexer import Indexer
from graphsvc.errors import GraphError, QueryError, StoreError, StoreMissing
from graphsvc.model import FileFacts, repo_id, split_symbol_id, symbol_id
from graphsvc.settings import Settings
from graphsvc.store import Store
from graphsvc.store.readers import KeptReader
from queries import graph
from queries import search as search_
from queries import sites

__all__ = ["GraphServer", "create_server", "serve"]

log = logging.getLogger("api.lsp")
T = TypeVar("T")
Wire = dict[str, Any]  # an LSP object in its JSON form, sent as it is (``_Protocol``)

_WAIT_FRESH = 10.0  # seconds a request waits for the ingest run that takes a save in
_MAX_LOCATIONS = 5000  # references and implementations listed at most
_WORKSPACE_SYMBOLS = 100
_DISK_TEXTS = 16384  # files whose text is kept between requests (the least recently used go first)
_DISK_TEXT_BYTES = 32 << 20  # and their bytes of source, about twice that in memory

_KINDS = {
    "Module": lsp.SymbolKind.Module, "Package": lsp.SymbolKind.Package, "Class": lsp.SymbolKind.Class,
    "Interface": lsp.SymbolKind.Interface, "Struct": lsp.SymbolKind.Struct, "Trait": lsp.SymbolKind.Interface,
    "Enum": lsp.SymbolKind.Enum, "EnumMember": lsp.SymbolKind.EnumMember, "TypeAlias": lsp.SymbolKind.Class,
    "Type": lsp.SymbolKind.Class, "Function": lsp.SymbolKind.Function, "Method": lsp.SymbolKind.Method,
    "Constructor": lsp.SymbolKind.Constructor, "Field": lsp.SymbolKind.Field, "Property": lsp.SymbolKind.Property,
    "Variable": lsp.SymbolKind.Variable, "Var": lsp.SymbolKind.Variable, "Constant": lsp.SymbolKind.Constant,
    "Const": lsp.SymbolKind.Constant, "Test": lsp.SymbolKind.Function,
}
_TYPE_KINDS = frozenset({"Class", "Interface", "Struct", "Trait", "Enum", "TypeAlias", "Type"})


def _kind(kind: str | None) -> lsp.SymbolKind:
    return _KINDS.get(kind or "", lsp.SymbolKind.Variable)


@dataclass(frozen=True)
class _Place:
    """Where a document sits in the graph."""

    repo: str
    root: Path
    path: str  # POSIX, relative to the root


@dataclass
class _Buffer:
    """What is known of an open document at one version."""

    version: int | None
    disk_key: tuple[int, int, int] | None
    text: FileText
    dirty: bool
    facts: FileFacts | None = None
    line_map: LineMap | None = None


class _Navigator:
    """Answers LSP questions from the graph; runs in worker threads, one request at a time, on the
    store ``GraphServer._store`` gives it (the indexer's held writer, else a kept read-only handle)."""

    def __init__(self, server: GraphServer) -> None:
        self.server = server
        self.roots: dict[Path, str] = {}  # repo root -> repo id
        self.disk = DiskTexts(_DISK_TEXTS, _DISK_TEXT_BYTES)
        self.buffers: dict[str, _Buffer] = {}
        self.lock = threading.Lock()
        self._request = threading.local()  # what one request looked up already (``request``)

    # -- places and texts -------------------------------------------------

    @property
    def encoding(self) -> str:
        """The position encoding agreed with the client (UTF-16 unless it offered another first)."""
        agreed = self.server.workspace.position_encoding or "utf-16"
        # pygls gives a PositionEncodingKind, whose str() is its member name ("PositionEncodingKind.Utf8").
        return str(agreed.value if isinstance(agreed, enum.Enum) else agreed)

    def refresh_roots(self, store: Store) -> None:
        found = {Path(root): rid for rid, root in graph.repo_roots(store).items() if root}
        with self.lock:
            for root, project in self.server.indexer.tracked().items():
                found.setdefault(root, repo_id(project, root.name))
            self.roots = found

    def place(self, store: Store | None, uri: str) -> _Place | None:
        path = Path(to_fs_path(uri) or "").resolve() if uri.startswith("file:") else None
        if path is None:
            return None
        found = self._place(path)
        if found is None and store is not None:
            self.refresh_roots(store)
            found = self._place(path)
        return found

    def _place(self, path: Path) -> _Place | None:
        with self.lock:
            roots = sorted(self.roots.items(), key=lambda kv: -len(str(kv[0])))
        for root, rid in roots:
            if path.is_relative_to(root):
                return _Place(repo=rid, root=root, path=path.relative_to(root).as_posix())
        return None

    def disk_text(self, path: Path) -> FileText | None:
        return self.disk.get(path, self.encoding)

    def buffer(self, uri: str, path: Path | None = None) -> _Buffer | None:
        """The open document's text, with whether it differs from the file on disk (at ``path``, when
        the caller knows it)."""
        docs = self.server.workspace.text_documents
        doc = docs.get(uri) or (docs.get(_unquoted(uri)) if "%" in uri else None)
        if path is None:
            path = Path(to_fs_path(uri) or "")
        if doc is None:
            text = self.disk_text(path)
            return _Buffer(version=None, disk_key=None, text=text, dirty=False) if text is not None else None
        try:
            disk_key: tuple[int, int, int] | None = stat_key(path.stat())
        except OSError:
            disk_key = None
        hit = self.buffers.get(uri)
        if hit is not None and hit.version == doc.version and hit.disk_key == disk_key:
            return hit
        source = doc.source
        on_disk = self.disk_text(path)
        text = FileText.of(source, self.encoding)
        buf = _Buffer(version=doc.version, disk_key=disk_key, text=text,
                      dirty=on_disk is None or on_disk.lines != text.lines)
        self.buffers[uri] = buf
        return buf

    def line_map(self, store: Store, place: _Place, uri: str, buf: _Buffer) -> LineMap | None:
        """The line map of an edited buffer against the indexed file (None when it is not edited)."""
        if not buf.dirty:
            return None
        if buf.line_map is None:
            if buf.facts is None:
                buf.facts = parse_buffer(place.path, "\n".join(buf.text.lines))
            if buf.facts is None:
                return None
            indexed = graph.file(store, place.repo, place.path)
            syms = graph.file_symbols(store, indexed)
            blocks: list[tuple[int, int, int]] = []
            disk = place.root / place.path
            try:
                data = disk.read_bytes()
            except OSError:
                data = None
            if data is not None and hashlib.sha256(data).hexdigest() == indexed.hash:
                old = FileText.of(data.decode("utf-8", errors="replace"), self.encoding)
                blocks = LineMap.blocks(old.lines, buf.text.lines)
            buf.line_map = LineMap.between(
                [((split_symbol_id(s.id) or ("", ""))[1], s.line, graph._pos(s.range_start)[0],
                  graph._pos(s.range_end)[0]) for s in syms], buf.facts, blocks)
        return buf.line_map

    @contextmanager
    def request(self) -> Iterator[None]:
        """One request's scope: the texts it looked up are kept until it ends (a list of references
        names the same files many times; an edit between two requests is seen by the next)."""
        self._request.texts = {}
        try:
            yield
        finally:
            self._request.texts = None

    def text_for(self, store: Store, repo: str, path: str) -> tuple[str, FileText | None, LineMap | None]:
        """The uri, the current text and (for an edited buffer) the line map of an indexed file."""
        texts = getattr(self._request, "texts", None)
        if texts is None:
            return self._text_for(store, repo, path)
        found = texts.get((repo, path))
        if found is None:
            found = texts[(repo, path)] = self._text_for(store, repo, path)
        return found  # type: ignore[no-any-return]

    def _text_for(self, store: Store, repo: str, path: str) -> tuple[str, FileText | None, LineMap | None]:
        root = self.root_of(store, repo)
        full, uri = _file_uri(root, path)
        buf = self.buffer(uri, full) if uri else None
        if buf is None:
            return uri, None, None
        if not buf.dirty:
            return uri, buf.text, None
        place = _Place(repo=repo, root=root or Path("/"), path=path)
        try:
            lm = self.line_map(store, place, uri, buf)
        except GraphError:
            lm = None
        return uri, buf.text, lm

    def root_of(self, store: Store, repo: str) -> Path | None:
        with self.lock:
            for root, rid in self.roots.items():
                if rid == repo:
                    return root
        self.refresh_roots(store)
        with self.lock:
            return next((root for root, rid in self.roots.items() if rid == repo), None)

    # -- positions --------------------------------------------------------

    def graph_position(self, store: Store, uri: str, pos: lsp.Position) -> tuple[_Place, int, int] | None:
        place = self.place(store, uri)
        if place is None:
            return None
        buf = self.buffer(uri)
        if buf is None:
            return None
        line, col = buf.text.to_graph(pos.line, pos.character)
        lm = self.line_map(store, place, uri, buf)
        if lm is not None:
            line = lm.to_graph(line)
        return place, line, col

    def lsp_range(self, store: Store, repo: str | None, path: str | None, line: int, column: int,
                  length: int | None = None, end: tuple[int, int] | None = None) -> tuple[str, lsp.Range] | None:
        """The uri and range of a graph span: ``length`` bytes from ``line``/``column`` (the identifier
        there when None), or up to ``end``."""
        if repo is None or path is None:
            return None
        uri, text, lm = self.text_for(store, repo, path)
        if not uri:
            return None
        if text is None:
            text = FileText((), self.encoding)
        at = lm.to_buffer(line) if lm is not None else line
        if end is None and length is None:
            return uri, _range(*_identifier_span(text, at, column))
        start = text.to_lsp(at, column)
        if end is not None:
            stop = text.to_lsp(lm.to_buffer(end[0]) if lm is not None else end[0], end[1])
        else:
            stop = text.to_lsp(at, column + (length or 0))
        return uri, lsp.Range(start=lsp.Position(*start), end=lsp.Position(*stop))

    def site_spans(self, store: Store, found: list[sites.Site]) -> list[tuple[str, int, int, int] | None]:
        """The uri, LSP line and start and end characters of the identifier at each site, in order (None
        where the file has no uri): each file's text and line map are found once for its run of sites."""
        out: list[tuple[str, int, int, int] | None] = []
        start, count = 0, len(found)
        while start < count:
            repo, path = found[start].repo, found[start].path
            end = start + 1
            while end < count and found[end].path == path and found[end].repo == repo:
                end += 1
            uri, text, lm = self.text_for(store, repo, path)
            if uri:
                out += _spans(uri, text if text is not None else FileText((), self.encoding), lm, found[start:end])
            else:
                out += [None] * (end - start)
            start = end
        return out

    def name_location(self, store: Store, target: graph.Entity) -> lsp.Location | None:
        if isinstance(target, graph.SymbolInfo):
            found = self.lsp_range(store, target.repo, target.path, target.line, target.column,
                                   len(target.name.encode("utf-8")))
        elif isinstance(target, graph.FileInfo):
            found = self.lsp_range(store, target.repo, target.path, 1, 0, 0)
        else:
            return None
        return lsp.Location(uri=found[0], range=found[1]) if found else None

    def ref_location(self, store: Store, ref: graph.Reference) -> lsp.Location | None:
        if ref.file is None or ref.line is None or ref.column is None:
            return None
        found = self.lsp_range(store, ref.file.repo, ref.file.path, ref.line, ref.column)
        return lsp.Location(uri=found[0], range=found[1]) if found else None

    # -- lookups ----------------------------------------------------------

    def at(self, store: Store, uri: str, pos: lsp.Position) -> graph.Definition | None:
        where = self.graph_position(store, uri, pos)
        if where is None:
            return None
        place, line, col = where
        try:
            return graph.definition(store, place.repo, place.path, line, col)
        except QueryError:  # NotFound: whitespace, a keyword, an unknown file
            return None

    def definition(self, store: Store, uri: str, pos: lsp.Position) -> list[lsp.Location]:
        found = self.at(store, uri, pos)
        loc = self.name_location(store, found.target) if found else None
        return [loc] if loc else []

    def declaration(self, store: Store, uri: str, pos: lsp.Position) -> list[lsp.Location]:
        found = self.at(store, uri, pos)
        if found is None:
            return []
        chain = graph.overridden(store, found.target.id) if isinstance(found.target, graph.SymbolInfo) else []
        loc = self.name_location(store, chain[-1] if chain else found.target)
        return [loc] if loc else []

    def references(self, store: Store, uri: str, pos: lsp.Position,
                   include_declaration: bool) -> list[lsp.Location | Wire]:
        found = self.at(store, uri, pos)
        if found is None:
            return []
        # Sorted as tuples (a site's end follows from its start) and sent in their JSON form.
        spans = sorted(s for s in self.site_spans(store, sites.sites_in(store, found.target.id, _MAX_LOCATIONS))
                       if s is not None)
        out: list[lsp.Location | Wire] = [_wire_location(*s) for s in spans]
        declared = self.name_location(store, found.target) if include_declaration else None
        return [declared, *out] if declared else out

    def all_references(self, store: Store, fn: Callable[[Store, str, graph.Window], graph.Page[graph.Reference]],
                       node_id: str) -> list[graph.Reference]:
        out: list[graph.Reference] = []
        offset = 0
        while len(out) < _MAX_LOCATIONS:
            page = fn(store, node_id, graph.window(graph.MAX_PAGE, offset))
            out += page.items
            if not page.has_more:
                break
            offset += page.limit
        return out

    def implementation(self, store: Store, uri: str, pos: lsp.Position) -> list[lsp.Location]:
        found = self.at(store, uri, pos)
        if found is None:
            return []
        locs = [self.name_location(store, s) for s in graph.implementations(store, found.target.id)[:_MAX_LOCATIONS]]
        return [loc for loc in locs if loc]

    def hover(self, store: Store, uri: str, pos: lsp.Position) -> lsp.Hover | None:
        found = self.at(store, uri, pos)
        if found is None:
            return None
        target, ref = found.target, found.reference
        lines = [_headline(target)]
        if isinstance(target, graph.SymbolInfo) and target.signature:
            lines.append(f"```{target.lang or ''}\n{target.signature}\n```")
        if isinstance(target, graph.SymbolInfo) and target.doc:
            lines.append(target.doc)
        callers = graph.caller_counts(store, [target.id]).get(target.id, 0)
        refs = graph.reference_counts(store, [target.id]).get(target.id, 0)
        where = f"{target.path}:{target.line}" if isinstance(target, graph.SymbolInfo) else (
            target.path if isinstance(target, graph.FileInfo) else target.id)
        lines.append(f"`{where}` · {_plural(callers, 'caller')} · {_plural(refs, 'reference')}")
        if ref is not None and ref.resolution == "heuristic":
            conf = f", confidence {ref.confidence:g}" if ref.confidence is not None else ""
            lines.append(f"**heuristic**: a guess among {ref.candidates or '?'} candidates{conf}; "
                         f"this one: `{target.id}`")
        elif ref is not None and ref.resolution == "unresolved":
            lines.append("**unresolved**: no definition found for this name")
        buf = self.buffer(uri)
        here = _word_range(buf.text, pos) if buf is not None else None
        return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value="\n\n".join(lines)),
                         range=here)

    # -- hierarchies ------------------------------------------------------

    def item_fields(self, store: Store, sym: graph.SymbolInfo) -> dict[str, Any] | None:
        name_loc = self.name_location(store, sym)
        if name_loc is None:
            return None
        start, end = graph._pos(sym.range_start), graph._pos(sym.range_end)
        full = self.lsp_range(store, sym.repo, sym.path, start[0], start[1], end=end)
        rng = full[1] if full else name_loc.range
        if not (_contains(rng, name_loc.range.start) and _contains(rng, name_loc.range.end)):
            rng = name_loc.range
        return {"name": sym.name or sym.path or sym.id, "kind": _kind(sym.kind), "uri": name_loc.uri, "range": rng,
                "selection_range": name_loc.range, "detail": f"{sym.qualified_name} · {sym.path}",
                "data": {"id": sym.id}}

    def call_item(self, store: Store, sym: graph.Entity) -> lsp.CallHierarchyItem | None:
        fields = self.item_fields(store, sym) if isinstance(sym, graph.SymbolInfo) else None
        return lsp.CallHierarchyItem(**fields) if fields else None

    def type_item(self, store: Store, sym: graph.Entity) -> lsp.TypeHierarchyItem | None:
        fields = self.item_fields(store, sym) if isinstance(sym, graph.SymbolInfo) else None
        return lsp.TypeHierarchyItem(**fields) if fields else None

    def prepare_calls(self, store: Store, uri: str, pos: lsp.Position) -> list[lsp.CallHierarchyItem]:
        found = self.at(store, uri, pos)
        item = self.call_item(store, found.target) if found else None
        return [item] if item else []

    def incoming(self, store: Store, item_id: str) -> list[lsp.CallHierarchyIncomingCall | Wire]:
        groups: dict[str, list[Wire]] = {}
        found = sites.sites_in(store, item_id, _MAX_LOCATIONS, calls_only=True)
        for site, span in zip(found, self.site_spans(store, found), strict=True):
            if span is not None:
                groups.setdefault(site.src, []).append(_wire_range(*span[1:]))
        callers = graph.entities(store, groups)
        out: list[lsp.CallHierarchyIncomingCall | Wire] = []
        for source_id, ranges in groups.items():
            source = callers.get(source_id)
            item = self.call_item(store, source) if source is not None else None
            if item is not None:
                out.append({"from": item, "fromRanges": ranges})
        return out

    def outgoing(self, store: Store, item_id: str) -> list[lsp.CallHierarchyOutgoingCall]:
        groups: dict[str, tuple[graph.Entity, list[lsp.Range]]] = {}
        for ref in self.all_references(store, graph.callees, item_id):
            loc = self.ref_location(store, ref)
            if loc is not None:
                groups.setdefault(ref.target.id, (ref.target, []))[1].append(loc.range)
        out = []
        for target, ranges in groups.values():
            item = self.call_item(store, target)
            if item is not None:
                out.append(lsp.CallHierarchyOutgoingCall(to=item, from_ranges=ranges))
        return out

    def prepare_types(self, store: Store, uri: str, pos: lsp.Position) -> list[lsp.TypeHierarchyItem]:
        found = self.at(store, uri, pos)
        if found is None or not isinstance(found.target, graph.SymbolInfo) or found.target.kind not in _TYPE_KINDS:
            return []
        item = self.type_item(store, found.target)
        return [item] if item else []

    def supertypes(self, store: Store, item_id: str) -> list[lsp.TypeHierarchyItem]:
        items = [self.type_item(store, r.target) for r in graph.supertypes(store, item_id)]
        return [i for i in items if i]

    def subtypes(self, store: Store, item_id: str) -> list[lsp.TypeHierarchyItem]:
        items = [self.type_item(store, r.source) for r in graph.subtypes(store, item_id)]
        return [i for i in items if i]

    # -- symbols ----------------------------------------------------------

    def file_symbols(self, store: Store, uri: str) -> tuple[_Place, FileText, list[_Sym]] | None:
        """The symbols of a document: re-parsed from an edited buffer, else the graph's."""
        place = self.place(store, uri)
        if place is None:
            return None
        buf = self.buffer(uri)
        if buf is None:
            return None
        if buf.dirty and language_of(place.path):
            if buf.facts is None:
                buf.facts = parse_buffer(place.path, "\n".join(buf.text.lines))
            facts = buf.facts
            assert facts is not None
            return place, buf.text, [_Sym(s.qname, s.name, s.kind, s.line, s.column, s.start, s.end,
                                          s.signature or None) for s in facts.symbols]
        try:
            syms = graph.file_symbols(store, graph.file(store, place.repo, place.path))
        except QueryError:
            return None
        return place, buf.text, [_Sym((split_symbol_id(s.id) or ("", ""))[1], s.name, s.kind, s.line, s.column,
                                      graph._pos(s.range_start), graph._pos(s.range_end), s.signature)
                                 for s in syms]

    def document_symbols(self, store: Store, uri: str) -> list[lsp.DocumentSymbol]:
        found = self.file_symbols(store, uri)
        if found is None:
            return []
        _, text, syms = found
        kids: dict[str, list[lsp.DocumentSymbol]] = {}
        roots: list[lsp.DocumentSymbol] = []
        for s in syms:
            if not s.qname:
                continue  # the module: the document itself
            name_start = text.to_lsp(s.line, s.column)
            name_end = text.to_lsp(s.line, s.column + len(s.name.encode("utf-8")))
            sel = lsp.Range(start=lsp.Position(*name_start), end=lsp.Position(*name_end))
            full = lsp.Range(start=lsp.Position(*text.to_lsp(*s.start)), end=lsp.Position(*text.to_lsp(*s.end)))
            if not (_contains(full, sel.start) and _contains(full, sel.end)):
                full = sel
            children: list[lsp.DocumentSymbol] = []
            kids[s.qname] = children
            node = lsp.DocumentSymbol(name=s.name, kind=_kind(s.kind), range=full, selection_range=sel,
                                      detail=s.signature or None, children=children)
            parent = kids.get(s.qname.rpartition(".")[0]) if "." in s.qname else None
            (parent if parent is not None else roots).append(node)
        return roots

    def code_lenses(self, store: Store, uri: str) -> list[lsp.CodeLens]:
        found = self.file_symbols(store, uri)
        if found is None:
            return []
        place, text, syms = found
        ids = {s.qname: symbol_id(place.repo, place.path, s.qname) for s in syms if s.qname}
        callers = graph.caller_counts(store, ids.values())
        refs = graph.reference_counts(store, ids.values())
        out = []
        for s in syms:
            if not s.qname:
                continue
            sid = ids[s.qname]
            start = text.to_lsp(s.line, s.column)
            end = text.to_lsp(s.line, s.column + len(s.name.encode("utf-8")))
            title = f"{_plural(callers.get(sid, 0), 'caller')} · {_plural(refs.get(sid, 0), 'reference')}"
            out.append(lsp.CodeLens(range=lsp.Range(start=lsp.Position(*start), end=lsp.Position(*end)),
                                    command=lsp.Command(title=title, command=""), data={"id": sid}))
        return out

    def workspace_symbols(self, store: Store, query: str) -> list[lsp.SymbolInformation]:
        if not query.strip():
            return []
        out = []
        for hit in search_.search(store, query, ["SYMBOLS"], _WORKSPACE_SYMBOLS):
            e = hit.entity
            if not isinstance(e, graph.SymbolInfo):
                continue
            loc = self.name_location(store, e)
            if loc is None:
                continue
            container = e.qualified_name.rpartition(".")[0] or None
            out.append(lsp.SymbolInformation(name=e.name or e.path or e.id, kind=_kind(e.kind), location=loc,
                                             container_name=container or e.path))
        return out


@dataclass(frozen=True)
class _Sym:
    """A symbol of a document, from the graph or from a re-parsed buffer."""

    qname: str
    name: str
    kind: str
    line: int
    column: int
    start: tuple[int, int]
    end: tuple[int, int]
    signature: str | None


@functools.lru_cache(maxsize=8192)
def _uri(path: str) -> str:
    return from_fs_path(path) or ""


@functools.lru_cache(maxsize=8192)
def _file_uri(root: Path | None, path: str) -> tuple[Path, str]:
    """The full path and uri of a repo's file (a list of references names hundreds, each many times)."""
    full = (root / path) if root else Path(path)
    return full, _uri(str(full))


def _unquoted(uri: str) -> str:
    from urllib.parse import unquote

    return unquote(uri)


# The bytes of an identifier: ASCII letters, digits and "_", and any byte of a multi-byte character.
_IDENTIFIER = re.compile(rb"[A-Za-z0-9_\x80-\xff]*")
_ASCII_IDENTIFIER = re.compile(r"[A-Za-z0-9_]*")


def _identifier_bytes(line: str, column: int) -> int:
    data = line.encode("utf-8", errors="replace")
    if column >= len(data):
        return 0
    match = _IDENTIFIER.match(data, column)
    return match.end() - column if match else 0


def _identifier_span(text: FileText, line: int, column: int) -> tuple[int, int, int]:
    """The LSP line and start and end characters of the identifier at a graph position (1-based line,
    byte column): on an ASCII line, bytes are characters and code units, so no conversion is needed."""
    s = text.line(line - 1)
    if s.isascii():  # O(1) on a str
        start = max(0, min(column, len(s)))
        match = _ASCII_IDENTIFIER.match(s, column) if column < len(s) else None
        return max(line - 1, 0), start, match.end() if match else start
    start = text.to_lsp(line, column)[1]
    return max(line - 1, 0), start, text.to_lsp(line, column + _identifier_bytes(s, column))[1]


def _spans(uri: str, text: FileText, lm: LineMap | None, run: list[sites.Site]) -> list[tuple[str, int, int, int]]:
    """``_identifier_span`` of each site of one file, in one loop: 2,000 sites pay no call and no
    method lookup each on their ASCII lines."""
    lines, count = text.lines, len(text.lines)
    out = []
    for site in run:
        line = lm.to_buffer(site.line) if lm is not None else site.line
        s = lines[line - 1] if 0 < line <= count else ""
        if s.isascii():
            column, size = site.column, len(s)
            start = max(0, min(column, size))
            match = _ASCII_IDENTIFIER.match(s, column) if column < size else None
            out.append((uri, max(line - 1, 0), start, match.end() if match else start))
        else:
            out.append((uri, *_identifier_span(text, line, site.column)))
    return out


def _range(line: int, start: int, end: int) -> lsp.Range:
    """A range on one line."""
    return lsp.Range(start=lsp.Position(line, start), end=lsp.Position(line, end))


def _wire_range(line: int, start: int, end: int) -> Wire:
    """A range on one line, in its JSON form (what the converter makes of an ``lsp.Range``)."""
    return {"start": {"line": line, "character": start}, "end": {"line": line, "character": end}}


def _wire_location(uri: str, line: int, start: int, end: int) -> Wire:
    """A location on one line, in its JSON form (what the converter makes of an ``lsp.Location``)."""
    return {"uri": uri, "range": _wire_range(line, start, end)}


class _Protocol(LanguageServerProtocol):
    """pygls's protocol, sending with orjson and a response's result as it stands.

    pygls wraps a result in a ``JsonRPCResponseMessage``, typed ``Any``, and encodes it with
    ``json.dumps``, handing what it cannot encode to its converter. So the converter unstructured
    the whole answer by its runtime types, copying every dict of a list already in its JSON form
    (``Wire``): 9 of the 13 ms that sending 1,968 references took. Here the envelope is a dict, and
    only lsprotocol objects go through the converter (orjson's ``default``). What reaches the
    client decodes to what pygls sent. Whatever orjson refuses (a key that is not a string, an
    integer past 64 bits) goes pygls's way.
    """

    def _send_response(self, msg_id: Any, result: Any = None, error: Any = None) -> None:
        if error is not None or result is None:  # pygls decides how to send those
            super()._send_response(msg_id, result, error)
            return
        self._result_types.pop(msg_id, None)
        self._send_data({"id": msg_id, "jsonrpc": self.VERSION, "result": result})

    def _send_data(self, data: Any) -> None:
        if not data or self.writer is None:
            super()._send_data(data)
            return
        try:
            body = orjson.dumps(data, default=self._serialize_message)
        except TypeError:  # orjson.JSONEncodeError
            super()._send_data(data)
            return
        if self._include_headers:
            body = (f"Content-Length: {len(body)}\r\n"  # in bytes: orjson writes UTF-8, not ASCII escapes
                    f"Content-Type: {self.CONTENT_TYPE}; charset={self.CHARSET}\r\n\r\n").encode("ascii") + body
        try:
            res = self.writer.write(body)
            if inspect.isawaitable(res):
                asyncio.ensure_future(res)
        except BrokenPipeError:
            log.exception("the client is gone")
            raise
        except Exception as error:  # as pygls does: reported, and the server goes on
            log.exception("sending failed")
            self._server._report_server_error(error, JsonRpcInternalError)


def _word_range(text: FileText, pos: lsp.Position) -> lsp.Range | None:
    span = text.word_at(pos.line, pos.character)
    if span is None:
        return None
    return lsp.Range(start=lsp.Position(pos.line, span[0]), end=lsp.Position(pos.line, span[1]))


def _contains(rng: lsp.Range, pos: lsp.Position) -> bool:
    return (rng.start.line, rng.start.character) <= (pos.line, pos.character) <= (rng.end.line, rng.end.character)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _headline(target: graph.Entity) -> str:
    if isinstance(target, graph.SymbolInfo):
        return f"**{target.kind}** `{target.qualified_name or target.name}`"
    if isinstance(target, graph.FileInfo):
        return f"**File** `{target.path}`"
    return f"**External** `{(target.module + '.' if target.module else '') + target.name}`"


class GraphServer(LanguageServer):
    """The language server: pygls wiring around ``_Navigator``."""

    def __init__(self, settings: Settings) -> None:
        super().__init__("graphsvc", _version(), text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental,
                         protocol_cls=_Protocol)
        self.settings = settings
        self.access = KeptReader(settings)
        self._serial = threading.Lock()  # one request at a time, whichever store it reads (``_store``)
        self.indexer = Indexer(settings, progress=self._progress, failed=self._failed, ready=self._warm)
        self.nav = _Navigator(self)
        self.ready = asyncio.Event()
        self._shown: set[str] = set()
        self._tokens: dict[Path, str] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        # Full garbage collections out of the request path, as in `graph serve` (api/collector.py):
        # the indexer's cache, the search index and the kept texts are hundreds of thousands of objects.
        self.collector = Collector()

    # -- running answers --------------------------------------------------

    async def answer(self, default: T, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(store, *args)`` in a worker thread with a store current as of the request (``_store``); failures answer ``default``."""
        try:
            await asyncio.wait_for(self.ready.wait(), timeout=30)
        except TimeoutError:
            pass
        self.collector.started()
        try:
            return await asyncio.to_thread(self._call, fn, *args)
        except StoreMissing as exc:
            if not any(self.indexer.indexing(r) for r in self.indexer.tracked()):
                self.say(lsp.MessageType.Warning, f"graphsvc: {exc.line()}")
            return default
        except StoreError as exc:
            self.say(lsp.MessageType.Warning, f"graphsvc: {exc.line()}")
            return default
        except QueryError:
            return default
        except Exception as exc:  # the boundary: an answer fails, the server goes on
            log.exception("request failed")
            self.say(lsp.MessageType.Error, f"graphsvc: {exc.__class__.__name__}: {exc}")
            return default
        finally:
            self.collector.ended()

    def _call(self, fn: Callable[..., T], *args: Any) -> T:
        # Saved changes first, with no store open: a reader would hold off the writer it waits for.
        for root in self.indexer.tracked():
            self.indexer.wait_fresh(root, _WAIT_FRESH)
        with self._store() as store, self.nav.request():
            return fn(store, *args)

    @contextmanager
    def _store(self) -> Iterator[Store]:
        """The store for one request: through the indexer's held writer when it holds the embedded
        store (no open, and the writer keeps it for the next save), else the kept read-only handle.
        Only these answers go through the writer, and its view cannot write (``Store.lend``).
        Requests take turns, as they do on the kept handle: ``_Navigator`` expects one at a time."""
        with self._serial:
            with self.indexer.reading() as lent:
                if lent is not None:
                    yield lent
                    return
            with self.access.use() as store:
                yield store

    def say(self, kind: lsp.MessageType, message: str) -> None:
        """``window/showMessage``, once per distinct message until the next success."""
        if message in self._shown:
            return
        self._shown.add(message)
        self.window_show_message(lsp.ShowMessageParams(type=kind, message=message))

    def _threadsafe(self, fn: Callable[..., Any], *args: Any) -> None:
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(functools.partial(fn, *args))

    # -- the workspace ----------------------------------------------------

    async def open_workspace(self, options: Any) -> None:
        """Map the workspace folders to repos and start keeping them current."""
        self._loop = asyncio.get_running_loop()
        self.collector.start()
        folders = [Path(to_fs_path(f.uri) or "").resolve() for f in self.workspace.folders.values()]
        if not folders and self.workspace.root_uri:
            folders = [Path(to_fs_path(self.workspace.root_uri) or "").resolve()]
        projects = (options or {}).get("projects", {}) if isinstance(options, dict) else {}
        try:
            roots, paths = await asyncio.to_thread(self._call, _roots_and_paths, folders)
        except StoreMissing:
            roots, paths = {}, {}
        except GraphError as exc:
            self.say(lsp.MessageType.Warning, f"graphsvc: {exc.line()}")
            roots, paths = {}, {}
        known = {Path(root): rid for rid, root in roots.items() if root}
        for root, rel in paths.items():
            self._warm(root, rel)
        for folder in folders:
            inside = [r for r in known if r == folder or r.is_relative_to(folder) or folder.is_relative_to(r)]
            if inside:
                for root in inside:
                    rid = known[root]
                    self.indexer.track(root, rid.removeprefix("repo:").partition("/")[0], indexed=True)
                continue
            if not folder.is_dir():
                continue
            project = projects.get(str(folder)) or projects.get(folder.name) or folder.name
            await self._begin_progress(folder)
            self.indexer.track(folder, project, indexed=False)
        with self.nav.lock:
            self.nav.roots = {**known, **{r: repo_id(p, r.name) for r, p in self.indexer.tracked().items()}}
        self.ready.set()

    async def _begin_progress(self, folder: Path) -> None:
        caps = self.client_capabilities.window
        if caps is None or not caps.work_done_progress:
            return
        token = f"graphsvc-index-{os.getpid()}-{len(self._tokens)}"
        try:
            await self.work_done_progress.create_async(token)
        except Exception:  # the client refused a token: index without reports
            return
        self._tokens[folder] = token
        self.work_done_progress.begin(token, lsp.WorkDoneProgressBegin(
            title=f"graphsvc: indexing {folder.name}", cancellable=False, percentage=0))

    def _progress(self, root: Path, stage: str, done: int, total: int) -> None:
        token = self._tokens.get(root)
        if token is None:
            return
        if stage == "done":
            self._tokens.pop(root, None)
            self._threadsafe(self.work_done_progress.end, token,
                             lsp.WorkDoneProgressEnd(message=f"{root.name} indexed"))
            return
        pct = int(100 * done / total) if total else 0
        self._threadsafe(self.work_done_progress.report, token,
                         lsp.WorkDoneProgressReport(message=f"{stage} {done}/{total}", percentage=min(pct, 99)))

    def _warm(self, root: Path, paths: list[str]) -> None:
        """Read the texts of a root's indexed files in the background, until the kept texts are full
        (``DiskTexts.warm``): the first list of references to a much-used name then reads no file.
        Django's 2,773 Python files take 137 ms and 39 MiB. It runs as the server starts, before
        the indexer's priming (which takes most of a second of Python on Django), and lets a
        request in between two files."""
        threading.Thread(target=self.nav.disk.warm, args=([root / p for p in paths], self.nav.encoding),
                         kwargs={"stop": self.indexer.stopped}, name=f"texts {root.name}", daemon=True).start()

    def _failed(self, root: Path, message: str) -> None:
        self._threadsafe(self.say, lsp.MessageType.Warning, f"graphsvc: {root.name}: {message}")

    def saved(self, uri: str) -> None:
        path = Path(to_fs_path(uri) or "").resolve()
        for root in self.indexer.tracked():
            if path.is_relative_to(root):
                self.indexer.touch(root, [str(path)])


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("graphsvc")
    except Exception:  # not installed: running from a checkout
        return "0"


def _register(server: GraphServer) -> None:
    """Bind the LSP methods to the navigator."""
    nav = server.nav

    def feature(method: str, options: Any = None) -> Callable[[Callable[..., Any]], Any]:
        return server.feature(method, options) if options is not None else server.feature(method)

    @feature(lsp.INITIALIZED)
    async def initialized(ls: GraphServer, params: lsp.InitializedParams) -> None:
        await ls.open_workspace(getattr(ls, "_init_options", None))

    @feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: GraphServer, params: lsp.DidSaveTextDocumentParams) -> None:
        ls.nav.buffers.pop(params.text_document.uri, None)
        ls.saved(params.text_document.uri)

    @feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: GraphServer, params: lsp.DidCloseTextDocumentParams) -> None:
        ls.nav.buffers.pop(params.text_document.uri, None)

    @feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched(ls: GraphServer, params: lsp.DidChangeWatchedFilesParams) -> None:
        for change in params.changes:
            ls.saved(change.uri)

    @feature(lsp.TEXT_DOCUMENT_DEFINITION)
    async def definition(ls: GraphServer, p: lsp.DefinitionParams) -> list[lsp.Location]:
        return await ls.answer([], nav.definition, p.text_document.uri, p.position)

    @feature(lsp.TEXT_DOCUMENT_DECLARATION)
    async def declaration(ls: GraphServer, p: lsp.DeclarationParams) -> list[lsp.Location]:
        return await ls.answer([], nav.declaration, p.text_document.uri, p.position)

    @feature(lsp.TEXT_DOCUMENT_REFERENCES)
    async def references(ls: GraphServer, p: lsp.ReferenceParams) -> list[lsp.Location | Wire]:
        return await ls.answer([], nav.references, p.text_document.uri, p.position, p.context.include_declaration)

    @feature(lsp.TEXT_DOCUMENT_IMPLEMENTATION)
    async def implementation(ls: GraphServer, p: lsp.ImplementationParams) -> list[lsp.Location]:
        return await ls.answer([], nav.implementation, p.text_document.uri, p.position)

    @feature(lsp.TEXT_DOCUMENT_HOVER)
    async def hover(ls: GraphServer, p: lsp.HoverParams) -> lsp.Hover | None:
        return await ls.answer(None, nav.hover, p.text_document.uri, p.position)

    @feature(lsp.TEXT_DOCUMENT_PREPARE_CALL_HIERARCHY)
    async def prepare_calls(ls: GraphServer, p: lsp.CallHierarchyPrepareParams) -> list[lsp.CallHierarchyItem]:
        return await ls.answer([], nav.prepare_calls, p.text_document.uri, p.position)

    @feature(lsp.CALL_HIERARCHY_INCOMING_CALLS)
    async def incoming(ls: GraphServer, p: lsp.CallHierarchyIncomingCallsParams
                       ) -> list[lsp.CallHierarchyIncomingCall | Wire]:
        return await ls.answer([], nav.incoming, _item_id(p.item))

    @feature(lsp.CALL_HIERARCHY_OUTGOING_CALLS)
    async def outgoing(ls: GraphServer, p: lsp.CallHierarchyOutgoingCallsParams
                       ) -> list[lsp.CallHierarchyOutgoingCall]:
        return await ls.answer([], nav.outgoing, _item_id(p.item))

    @feature(lsp.TEXT_DOCUMENT_PREPARE_TYPE_HIERARCHY)
    async def prepare_types(ls: GraphServer, p: lsp.TypeHierarchyPrepareParams) -> list[lsp.TypeHierarchyItem]:
        return await ls.answer([], nav.prepare_types, p.text_document.uri, p.position)

    @feature(lsp.TYPE_HIERARCHY_SUPERTYPES)
    async def supertypes(ls: GraphServer, p: lsp.TypeHierarchySupertypesParams) -> list[lsp.TypeHierarchyItem]:
        return await ls.answer([], nav.supertypes, _item_id(p.item))

    @feature(lsp.TYPE_HIERARCHY_SUBTYPES)
    async def subtypes(ls: GraphServer, p: lsp.TypeHierarchySubtypesParams) -> list[lsp.TypeHierarchyItem]:
        return await ls.answer([], nav.subtypes, _item_id(p.item))

    @feature(lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    async def document_symbols(ls: GraphServer, p: lsp.DocumentSymbolParams) -> list[lsp.DocumentSymbol]:
        return await ls.answer([], nav.document_symbols, p.text_document.uri)

    @feature(lsp.WORKSPACE_SYMBOL)
    async def workspace_symbols(ls: GraphServer, p: lsp.WorkspaceSymbolParams) -> list[lsp.SymbolInformation]:
        return await ls.answer([], nav.workspace_symbols, p.query)

    @feature(lsp.TEXT_DOCUMENT_CODE_LENS, lsp.CodeLensOptions(resolve_provider=False))
    async def code_lens(ls: GraphServer, p: lsp.CodeLensParams) -> list[lsp.CodeLens]:
        return await ls.answer([], nav.code_lenses, p.text_document.uri)


def _roots_and_paths(store: Store, folders: list[Path]) -> tuple[dict[str, str], dict[Path, list[str]]]:
    """Every repo's root, and the indexed paths of the repos inside or around ``folders``."""
    roots = graph.repo_roots(store)
    paths = {}
    for rid, root in roots.items():
        where = Path(root) if root else None
        if where is not None and any(where == f or where.is_relative_to(f) or f.is_relative_to(where) for f in folders):
            paths[where] = sorted(r["path"] for r in store.read("repo_paths", repo=rid))
    return roots, paths


def _item_id(item: lsp.CallHierarchyItem | lsp.TypeHierarchyItem) -> str:
    data = item.data
    if isinstance(data, dict) and isinstance(data.get("id"), str):
        return str(data["id"])
    raise QueryError("the hierarchy item carries no graph id", suggestion="prepare the hierarchy again")


def create_server(settings: Settings) -> GraphServer:
    """A language server over the store the settings name."""
    server = GraphServer(settings)
    _register(server)

    @server.feature(lsp.INITIALIZE)
    def initialize(ls: GraphServer, params: lsp.InitializeParams) -> None:
        ls._init_options = params.initialization_options  # type: ignore[attr-defined]

    @server.feature(lsp.SHUTDOWN)
    def shutdown(ls: GraphServer, params: None) -> None:
        ls.indexer.stop()
        ls.access.close()

    return server


def serve(settings: Settings) -> None:
    """Serve LSP over stdin/stdout until the client says exit."""
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="graph lsp: %(levelname)s %(name)s: %(message)s")
    server = create_server(settings)
    try:
        server.start_io()
    finally:
        server.indexer.stop()
        server.access.close()
