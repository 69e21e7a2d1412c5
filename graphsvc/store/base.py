"""The store interface: the only way graphsvc reaches storage.

Usage::

    with open_store(settings) as store:
        store.apply(change)                       # one repo's file facts, one transaction
        rows = store.read("status_repos")         # a named query from queries/
        nodes, edges = store.export()             # the canonical dump's raw rows

``apply`` replaces the facts of the files in a ``RepoChange`` atomically: edges out
of a rewritten file's nodes are replaced, symbols that vanished are removed with the
edges into them, symbols that stayed keep their incoming edges.
"""

from __future__ import annotations

import base64
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from types import TracebackType
from typing import Any

import orjson

from graphsvc.errors import WriteConflict
from graphsvc.ingest.resolve import FileGraph, Summary
from graphsvc.model import EDGE_PROPS, NODE_SCHEMA, STRUCTURAL_EDGES, Edge, Node, file_id, symbol_id

__all__ = ["BULK_EDGE_COLUMNS", "FILE_LABELS", "SCHEMA_VERSION", "BulkRows", "CypherAnswer", "RepoChange", "Rows",
           "Store", "StoredEdge", "StoredFile", "bulk_rows", "edge_props", "narrow", "node_tuple",
           "put_rows", "summary_json", "summary_of", "summary_text", "table_rows"]

# Bump when the stored shape changes; a store of another version is refused.
SCHEMA_VERSION = 6


@dataclass(frozen=True, slots=True)
class StoredFile:
    """What the store remembers of a file between runs."""

    path: str
    hash: str
    summary: Summary
    size: int | None = None
    mtime_ns: int | None = None
    inode: int | None = None

    def same_stat(self, size: int, mtime_ns: int, inode: int) -> bool:
        """True when the file on disk has the size, mtime and inode recorded at its last indexing."""
        return bool(self.mtime_ns) and (self.size, self.mtime_ns, self.inode) == (size, mtime_ns, inode)


@dataclass
class RepoChange:
    """One repo's changes for one transaction.

    ``writes`` are files whose facts are (re)written, each with ``hash``/``size`` in
    ``meta``; ``old`` holds the stored summary of every written or removed file that
    the store already had; ``removed`` lists files to delete; ``full`` says the repo is
    written from scratch (its previous facts, if any, are dropped first); ``relinked``
    names written files whose bytes did not change, so only their dependency edges and
    their File row are replaced.
    """

    project: Node
    repo: Node
    writes: list[FileGraph] = field(default_factory=list)
    meta: dict[str, dict[str, Any]] = field(default_factory=dict)
    old: dict[str, Summary] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)
    full: bool = False
    relinked: set[str] = field(default_factory=set)
    expected_generation: int | None = None
    # Labels whose nodes this run wrote ahead, while it resolved (``Store.begin_bulk``): the repo was
    # new, is marked ``writing`` by this run, and its bulk load keeps them and writes the rest.
    early: frozenset[str] = frozenset()
    # A full change's rows, built by the processes that resolved its files (``writes`` is then empty).
    rows: BulkRows | None = None

    def next_generation(self, current: dict[str, Any] | None) -> int:
        """Check the stored generation against the one this change was computed from.

        Raises:
            WriteConflict: another writer wrote the repo in between.
        """
        stored = int((current or {}).get("generation") or 0)
        if self.expected_generation is not None and stored != self.expected_generation:
            raise WriteConflict(f"{self.repo.id} was written by another run (generation {stored},"
                                f" expected {self.expected_generation})", suggestion="run again")
        return stored + 1


@dataclass
class Rows:
    """A change flattened into the rows every backend writes."""

    delete_out: dict[str, list[str]] = field(default_factory=dict)  # label -> ids whose outgoing edges go
    delete_deps: dict[str, list[str]] = field(default_factory=dict)  # label -> ids whose dependency edges go
    delete_nodes: dict[str, list[str]] = field(default_factory=dict)  # label -> ids to detach-delete
    nodes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # label -> full property rows
    edges: dict[tuple[str, str, str], list[dict[str, Any]]] = field(default_factory=dict)


# Labels of the nodes a file's facts hold, in the order they are written.
FILE_LABELS = ("File", "Symbol", "SpecItem", "Task", "External")


def _symbol_ids(repo: str, path: str, summary: Summary) -> list[str]:
    return [symbol_id(repo, path, q) for q in summary.get("defs", {})]


def _owned(summary: Summary) -> dict[str, list[str]]:
    """The spec items and tasks a file's summary says it holds (graphsvc/specs.py)."""
    return {label: list(ids) for label, ids in (summary.get("owned") or {}).items()}


def node_row(node: Node) -> dict[str, Any]:
    """A full property row for a node: every schema property, None where unset."""
    row = {prop: node.props.get(prop) for prop in NODE_SCHEMA[node.label]}
    row["id"] = node.id
    return row


def edge_row(edge: Edge) -> dict[str, Any]:
    """A full property row for an edge: ``src``, ``dst`` and every edge property."""
    row: dict[str, Any] = {"src": edge.src, "dst": edge.dst}
    for prop in EDGE_PROPS:
        row[prop] = edge.props.get(prop)
    return row


def put_rows(nodes: list[Node], edges: list[Edge]) -> tuple[dict[str, list[dict[str, Any]]],
                                                           dict[tuple[str, str, str], list[dict[str, Any]]]]:
    """Group ``put`` input into node rows per label and edge rows per (type, from, to)."""
    node_rows: dict[str, list[dict[str, Any]]] = {}
    for node in nodes:
        node_rows.setdefault(node.label, []).append(node_row(node))
    edge_rows: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for edge in edges:
        edge_rows.setdefault((edge.type, edge.src_label, edge.dst_label), []).append(edge_row(edge))
    return node_rows, edge_rows


def flatten(change: RepoChange) -> Rows:
    """Turn a change into delete lists, node rows and edge rows grouped by (type, from, to)."""
    rid = change.repo.id
    rows = Rows()
    for path in change.removed:
        old = change.old.get(path, {})
        rows.delete_nodes.setdefault("File", []).append(file_id(rid, path))
        rows.delete_nodes.setdefault("Symbol", []).extend(_symbol_ids(rid, path, old))
        for label, ids in _owned(old).items():
            rows.delete_nodes.setdefault(label, []).extend(ids)
    for fg in change.writes:
        if fg.path in change.relinked and fg.path in change.old:
            _flatten_relinked(rows, change, fg)
            continue
        new_ids = {n.id for n in fg.nodes if n.label == "Symbol"}
        if fg.path in change.old:
            old_ids = _symbol_ids(rid, fg.path, change.old[fg.path])
            rows.delete_out.setdefault("File", []).append(file_id(rid, fg.path))
            rows.delete_out.setdefault("Symbol", []).extend(i for i in old_ids if i in new_ids)
            rows.delete_nodes.setdefault("Symbol", []).extend(i for i in old_ids if i not in new_ids)
            new_owned = {n.id for n in fg.nodes if n.label in ("SpecItem", "Task")}
            for label, ids in _owned(change.old[fg.path]).items():
                rows.delete_out.setdefault(label, []).extend(i for i in ids if i in new_owned)
                rows.delete_nodes.setdefault(label, []).extend(i for i in ids if i not in new_owned)
        else:
            rows.edges.setdefault(("CONTAINS", "Repo", "File"), []).append(
                {"src": rid, "dst": file_id(rid, fg.path)})
        for node in fg.nodes:
            row = _file_row(change, fg, node) if node.label == "File" else node_row(node)
            rows.nodes.setdefault(node.label, []).append(row)
        for ext in fg.externals.values():
            rows.nodes.setdefault("External", []).append(node_row(ext))
        for edge in fg.edges:
            rows.edges.setdefault((edge.type, edge.src_label, edge.dst_label), []).append(edge_row(edge))
    if "External" in rows.nodes:
        unique = {r["id"]: r for r in rows.nodes["External"]}
        rows.nodes["External"] = [unique[k] for k in sorted(unique)]
    return rows


# Column order of the tuples in ``BulkRows``: a node's are its label's schema properties (``id``
# first, as every label declares it); a dependency edge's are these, a structural edge's the first two.
BULK_EDGE_COLUMNS = ("src", "dst", *EDGE_PROPS)
_NODE_PROPS = {label: tuple(props)[1:] for label, props in NODE_SCHEMA.items()}
_EDGE_PROP_NAMES = tuple(EDGE_PROPS)
assert all(next(iter(props)) == "id" for props in NODE_SCHEMA.values()), "bulk rows put the id first"


@dataclass
class BulkRows:
    """A repo written from scratch, as tuples in schema order (see ``BULK_EDGE_COLUMNS``).

    What ``flatten`` gives for a full change, without a dict per row: a repo of a few hundred
    thousand rows spends more building and reading dicts than the store spends loading them.
    Built file by file (``add``), possibly in several processes whose parts are then joined
    (``extend``); ``finish`` lists the External nodes, once each.
    """

    nodes: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)  # label -> rows
    edges: dict[tuple[str, str, str], list[tuple[Any, ...]]] = field(default_factory=dict)  # (type, from, to) -> rows
    externals: dict[str, tuple[Any, ...]] = field(default_factory=dict)  # id -> row, until ``finish``
    # (type, from, to) -> Arrow tables of edge rows (``to_arrow``), besides ``edges``
    tables: dict[tuple[str, str, str], list[Any]] = field(default_factory=dict)
    node_tables: dict[str, list[Any]] = field(default_factory=dict)  # label -> Arrow tables (``to_arrow``, ``arrow.columns_table``)

    def add(self, rid: str, fg: FileGraph, meta: dict[str, Any], early: frozenset[str] = frozenset(),
            ids: dict[str, str] | None = None) -> None:
        """The rows of one file (``meta``: what the run recorded of it), but the nodes of ``early`` labels.

        ``ids`` (kept by the caller across files) makes every row name a node by one string object:
        a resolver builds an edge's end id anew for each edge, and rows sent to another process
        pickle a string once per object (half the bytes and the time for Django's rows).
        """
        nodes, edges = self.nodes, self.edges
        one = ids.setdefault if ids is not None else _itself
        fid = file_id(rid, fg.path)
        edges.setdefault(("CONTAINS", "Repo", "File"), []).append((rid, one(fid, fid)))
        for node in fg.nodes:
            if node.label in early:
                continue
            props = _file_props(meta, fg, node) if node.label == "File" else node.props
            nodes.setdefault(node.label, []).append((one(node.id, node.id), *map(props.get, _NODE_PROPS[node.label])))
        ext_props = _NODE_PROPS["External"]
        for ext in fg.externals.values():
            self.externals[ext.id] = (one(ext.id, ext.id), *map(ext.props.get, ext_props))
        for edge in fg.edges:
            key = (edge.type, edge.src_label, edge.dst_label)
            src, dst = one(edge.src, edge.src), one(edge.dst, edge.dst)
            if edge.type in STRUCTURAL_EDGES:
                edges.setdefault(key, []).append((src, dst))
            else:
                edges.setdefault(key, []).append((src, dst, *map(edge.props.get, _EDGE_PROP_NAMES)))
        for key, rows in fg.rows.items():  # made as rows by the resolver (``edge_rows``)
            if ids is not None:
                rows = [(one(r[0], r[0]), one(r[1], r[1]), *r[2:]) for r in rows]
            edges.setdefault(key, []).extend(rows)

    def extend(self, other: BulkRows) -> None:
        """Join the rows of other files."""
        for label, rows in other.nodes.items():
            self.nodes.setdefault(label, []).extend(rows)
        for key, rows in other.edges.items():
            self.edges.setdefault(key, []).extend(rows)
        for key, tables in other.tables.items():
            self.tables.setdefault(key, []).extend(tables)
        for label, tables in other.node_tables.items():
            self.node_tables.setdefault(label, []).extend(tables)
        self.externals.update(other.externals)

    def to_arrow(self) -> None:
        """Turn the node and edge rows into Arrow tables (``node_tables``, ``tables``), the form
        LadybugDB's bulk load reads (``graphsvc/store/arrow.py``; the Neo4j store takes them back as
        rows, ``node_rows`` and ``edge_rows``). The External nodes stay rows until ``finish``."""
        from graphsvc.store.arrow import edge_table, node_table  # pyarrow: only where rows go to LadybugDB

        for label, rows in self.nodes.items():
            self.node_tables.setdefault(label, []).append(node_table(label, rows))
        for (etype, src, dst), rows in self.edges.items():
            self.tables.setdefault((etype, src, dst), []).append(edge_table(etype, rows))
        self.nodes, self.edges = {}, {}

    def node_rows(self, label: str) -> list[tuple[Any, ...]]:
        """Every node row of ``label``, those of ``node_tables`` read back as tuples."""
        rows = self.nodes.get(label, [])
        tables = self.node_tables.get(label, [])
        return rows if not tables else [*rows, *(row for table in tables for row in table_rows(table))]

    def edge_rows(self) -> dict[tuple[str, str, str], list[tuple[Any, ...]]]:
        """Every edge row by (type, from, to), those of ``tables`` read back as tuples."""
        if not self.tables:
            return self.edges
        out = {key: list(rows) for key, rows in self.edges.items()}
        for key, tables in self.tables.items():
            for table in tables:
                out.setdefault(key, []).extend(table_rows(table))
        return out

    def finish(self) -> BulkRows:
        """The rows as the stores load them: the External nodes listed once each, by id."""
        if self.externals:
            self.nodes["External"] = [self.externals[k] for k in sorted(self.externals)]
            self.externals = {}
        return self


def table_rows(table: Any) -> list[tuple[Any, ...]]:
    """The rows of an Arrow table (``graphsvc/store/arrow.py``) as tuples, in column order."""
    return list(zip(*(col.to_pylist() for col in table.columns)))


def _itself(key: str, _default: str) -> str:
    return key


def node_tuple(node: Node) -> tuple[Any, ...]:
    """A node's bulk row: its id, then its properties in schema order (not for File nodes: ``bulk_rows``)."""
    return (node.id, *map(node.props.get, _NODE_PROPS[node.label]))


def bulk_rows(change: RepoChange) -> BulkRows:
    """The rows of every file a full change writes (or the rows it came with, ``change.rows``), but the
    nodes of the labels written ahead (``change.early``); the External nodes once each, by id."""
    if change.rows is not None:
        out = change.rows.finish()
        for label in change.early:
            out.nodes.pop(label, None)
            out.node_tables.pop(label, None)
        return out
    out = BulkRows()
    rid = change.repo.id
    for fg in change.writes:
        out.add(rid, fg, change.meta.get(fg.path, {}), change.early)
    return out.finish()


def summary_json(summary: Summary) -> str:
    """A file's summary as compact JSON, keys sorted (``orjson``: a third of what ``json.dumps`` costs on
    Django's 12 MB of them, with non-ASCII text written as it is)."""
    return orjson.dumps(summary, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS).decode()


# A summary of at least this many bytes of JSON is stored compressed (``summary_text``).
_PACK_FROM = 256
_PACKED = "lz4:"


def summary_text(summary: Summary) -> str:
    """A file's summary as ``File.summary`` stores it: its JSON (``summary_json``) or, from
    ``_PACK_FROM`` bytes, ``lz4:<bytes of JSON>:<base64 of the JSON compressed with LZ4>``.

    Django's summaries are 12 MB of JSON, mostly recorded lookups, and LadybugDB spent 0.15 s of
    a full ingest's write copying and checkpointing them; compressed they are 4.2 MB, for 0.02 s
    of compressing in the workers (docs/decisions/0024). ``summary_of`` reads both forms.
    """
    raw = orjson.dumps(summary, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)
    if len(raw) < _PACK_FROM:
        return raw.decode()
    packed = base64.b64encode(_lz4().compress(raw, asbytes=True)).decode("ascii")
    return f"{_PACKED}{len(raw)}:{packed}"


def summary_of(text: str | None) -> Summary:
    """A stored ``File.summary`` read back (``summary_text``; what ``json.dumps`` wrote before reads the same)."""
    if text and text.startswith(_PACKED):
        size, _, packed = text[len(_PACKED):].partition(":")
        return orjson.loads(_lz4().decompress(base64.b64decode(packed), int(size), asbytes=True))  # type: ignore[no-any-return]
    return orjson.loads(text or "{}")  # type: ignore[no-any-return]


@cache
def _lz4() -> Any:
    """pyarrow's LZ4 block codec (imported where summaries are packed or unpacked, not with this module)."""
    import pyarrow as pa

    return pa.Codec("lz4_raw")


def _file_props(meta: dict[str, Any], fg: FileGraph, node: Node) -> dict[str, Any]:
    """A File node's properties with what the run recorded of the file (see ``_file_row``)."""
    return {**node.props, "hash": meta.get("hash"), "size": meta.get("size"), "lastIndexedAt": meta.get("at"),
            "mtimeNs": meta.get("mtime_ns"), "inode": meta.get("inode"),
            "summary": summary_text(fg.summary)}


def _file_row(change: RepoChange, fg: FileGraph, node: Node) -> dict[str, Any]:
    props = _file_props(change.meta.get(fg.path, {}), fg, node)
    row = {prop: props.get(prop) for prop in NODE_SCHEMA["File"]}
    row["id"] = node.id
    return row


def _flatten_relinked(rows: Rows, change: RepoChange, fg: FileGraph) -> None:
    """An unchanged file re-linked: its nodes stay, its dependency edges and summary are replaced."""
    rid = change.repo.id
    rows.delete_deps.setdefault("File", []).append(file_id(rid, fg.path))
    rows.delete_deps.setdefault("Symbol", []).extend(_symbol_ids(rid, fg.path, change.old[fg.path]))
    for label, ids in _owned(change.old[fg.path]).items():
        rows.delete_deps.setdefault(label, []).extend(ids)
    for node in fg.nodes:
        if node.label == "File":
            rows.nodes.setdefault("File", []).append(_file_row(change, fg, node))
    for ext in fg.externals.values():
        rows.nodes.setdefault("External", []).append(node_row(ext))
    for edge in fg.edges:
        if edge.type not in STRUCTURAL_EDGES:
            rows.edges.setdefault((edge.type, edge.src_label, edge.dst_label), []).append(edge_row(edge))


# One stored edge as a diff sees it: (type, from label, from id, to label, to id, property values).
StoredEdge = tuple[str, str, str, str, str, tuple[Any, ...]]


def narrow(rows: Rows, stored_nodes: dict[str, dict[str, dict[str, Any]]], stored_edges: list[StoredEdge]) -> set[
        tuple[str, str, str, str, str]]:
    """Cut ``rows`` down to what differs from the store, for a write that touches little.

    ``stored_nodes`` holds, per label, the stored properties of the nodes ``rows.nodes`` would
    write; ``stored_edges`` the stored outgoing edges of the nodes in ``rows.delete_out`` (every
    type) and ``rows.delete_deps`` (dependency types). Node rows equal to the stored node are
    dropped. Edges are compared per (type, from, to): a group that is the same (as a multiset of
    property values) is neither deleted nor created again; the groups returned must be deleted
    (all of their stored edges), and ``rows.edges`` keeps only what must be created. Both delete
    lists are emptied: the returned groups replace them.
    """
    for label, label_rows in rows.nodes.items():
        have = stored_nodes.get(label, {})
        schema = NODE_SCHEMA[label]
        rows.nodes[label] = [r for r in label_rows if r["id"] not in have
                             or any(not _same(r.get(k), have[r["id"]].get(k)) for k in schema)]
    scoped = {(label, i) for label, ids in rows.delete_out.items() for i in ids}
    deps_only = {(label, i) for label, ids in rows.delete_deps.items() for i in ids}
    old: dict[tuple[str, str, str, str, str], list[tuple[Any, ...]]] = {}
    for etype, sl, src, dl, dst, props in stored_edges:
        if (sl, src) in scoped or ((sl, src) in deps_only and etype not in STRUCTURAL_EDGES):
            old.setdefault((etype, sl, src, dl, dst), []).append(props)
    new: dict[tuple[str, str, str, str, str], list[tuple[Any, ...]]] = {}
    for (etype, sl, dl), edge_rows in rows.edges.items():
        for r in edge_rows:
            if (sl, r["src"]) in scoped or (sl, r["src"]) in deps_only:
                new.setdefault((etype, sl, r["src"], dl, r["dst"]), []).append(edge_props(etype, r))
    same = {k for k, v in new.items() if k in old and _same_bag(v, old[k])}
    if same:
        for (etype, sl, dl), edge_rows in rows.edges.items():
            rows.edges[(etype, sl, dl)] = [r for r in edge_rows if (etype, sl, r["src"], dl, r["dst"]) not in same]
    rows.delete_out, rows.delete_deps = {}, {}
    return {k for k in old if k not in same}


def edge_props(etype: str, row: dict[str, Any]) -> tuple[Any, ...]:
    """The property values a diff compares for one edge (none for structural edges)."""
    return () if etype in STRUCTURAL_EDGES else tuple(row.get(p) for p in EDGE_PROPS)


def _same(a: Any, b: Any) -> bool:
    return a == b and (a is None) == (b is None)


def _same_bag(a: list[tuple[Any, ...]], b: list[tuple[Any, ...]]) -> bool:
    return len(a) == len(b) and sorted(a, key=repr) == sorted(b, key=repr)


@dataclass(frozen=True, slots=True)
class CypherAnswer:
    """The rows of a read-only Cypher statement; ``truncated`` when more rows than ``max_rows`` followed."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    truncated: bool


class Store(ABC):
    """A graph store. One public call is one transaction."""

    url: str
    dialect: str = ""  # "ladybug" or "neo4j": picks the query variants and how write values are typed

    @abstractmethod
    def apply(self, change: RepoChange) -> None:
        """Write one repo's change atomically (see the module docstring)."""

    @abstractmethod
    def begin_bulk(self, project: Node, repo: Node) -> None:
        """Mark a repo the store does not hold ``writing``, ahead of its bulk load: nodes written
        now (``bulk_nodes``) belong to a load a crash leaves marked, and the next run rebuilds."""

    @abstractmethod
    def bulk_nodes(self, label: str, rows: list[tuple[Any, ...]] | Any) -> None:
        """Create nodes of a repo being bulk-loaded (``begin_bulk``), as ``node_tuple`` rows or an Arrow
        table of them (``graphsvc/store/arrow.py``), none of which exists; the bulk load (``apply`` of a
        change whose ``early`` names the label) keeps them."""

    @abstractmethod
    def put(self, nodes: list[Node], edges: list[Edge], delete: dict[str, list[str]] | None = None) -> None:
        """Write nodes that belong to no file (audits, findings, policies, checks, attestations, API tasks).

        One transaction: the nodes ``delete`` names (label -> ids) go first with their edges, then
        ``nodes`` are upserted by id (every schema property set, None clears), then ``edges``
        are created unless the same (type, from, to) edge exists. Edges to missing nodes are skipped.
        """

    def overlay_edges(self, repo_id: str) -> list[Edge]:
        """Edges into a repo's code from nodes no file owns (findings, checks, API tasks).

        A full re-ingest reloads the repo's nodes, which drops the edges into them; the bulk
        paths read these first and merge them back (``put``) once the reload is done; those
        whose target vanished are skipped.
        """
        rows = self.read("overlay_in", sym=f"sym:{repo_id}:", file=f"file:{repo_id}:", spec=f"spec:{repo_id}:")
        return [Edge(r["type"], r["src"], r["srcLabel"], r["dst"], r["dstLabel"],
                     {"line": r["line"], "resolution": r["resolution"]} if r["resolution"] else {}) for r in rows]

    @abstractmethod
    def stored_files(self, repo_id: str) -> dict[str, StoredFile]:
        """The files the store holds for a repo, with their hash and summary."""

    @abstractmethod
    def refresh_stats(self, repo_id: str, rows: list[dict[str, Any]]) -> None:
        """Record new ``mtimeNs``/``inode`` for files whose bytes did not change (rows: id, mtimeNs, inode)."""

    @abstractmethod
    def repo(self, repo_id: str) -> dict[str, Any] | None:
        """The stored properties of a repo, or None."""

    @abstractmethod
    def delete_repo(self, repo_id: str) -> None:
        """Drop every fact of a repo (its files, symbols and their edges)."""

    @abstractmethod
    def read(self, name: str, **params: Any) -> list[dict[str, Any]]:
        """Run the named read query of ``queries/`` and return its rows as dicts."""

    @abstractmethod
    def execute_writes(self, statements: list[tuple[str, dict[str, Any]]]) -> None:
        """Run write statements (Cypher text built from model constants, values as parameters) in one transaction."""

    @abstractmethod
    def export(self) -> tuple[list[tuple[str, dict[str, Any]]], list[tuple[str, str, str, dict[str, Any]]]]:
        """All nodes ``(label, props)`` and edges ``(type, from, to, props)``, unsorted."""

    @abstractmethod
    def read_only_cypher(self, statement: str, params: dict[str, Any], *, max_rows: int,
                         timeout: float) -> CypherAnswer:
        """Run a caller's Cypher statement so that the store itself refuses any write.

        At most ``max_rows`` rows come back; the statement is stopped after ``timeout`` seconds.

        Raises:
            QueryError: the store refused the statement (a write, a file or network access, a
                syntax error) or it ran out of time.
        """

    @abstractmethod
    def close(self) -> None:
        """Release the store."""

    def lock_writes(self, repo_id: str) -> None:
        """Take the store's write lock for a write of ``repo_id``, until ``apply`` ends or the store
        closes; waits up to the settings' ``lock_timeout`` for another writer.

        The embedded store's writer holds it from its open (its file lock): nothing more to take.
        Neo4j's writers take it before re-reading what a run must see alone (a new repo still
        absent) and before every write of a repo's files.

        Raises:
            StoreUnavailable: another writer held it past the timeout.
        """

    def hold(self) -> None:
        """Keep this (read-write) store for the next write of a long-lived writer, letting go of
        what other processes need meanwhile (the embedded store's write lock) when they ask.
        A backend that gains nothing from it closes the store here (Neo4j: its watched saves
        measured no faster with a kept driver)."""
        self.close()

    def take_back(self) -> bool:
        """Use a held store again; False when it had to let go (closed): open another."""
        return False

    @contextmanager
    def lend(self, timeout: float) -> Iterator[Store | None]:
        """A view of this held store for one read of its own process, which sees every committed
        write and cannot write; None when it does not hold (the reader opens its own store, as
        always). Only the embedded store lends; a Neo4j store is not held (``hold`` closes it)."""
        yield None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
