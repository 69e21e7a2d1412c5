"""A full run's parse and resolve, both in worker processes that keep the facts they parsed.

Example::

    with Workers(root, 2) as pool:
        for path, failure, errors in pool.parse([(path, lang, names), ...]):
            ...                                   # why a file failed ("": parsed)
        for part in pool.resolve(repo_id, module_maps, group, meta):
            rows.extend(part.rows)                # the bulk rows of a share of the files

A file's facts are many small objects (Django: 356,000 of them), and sending them from a
parse worker to the run's process cost as much CPU as resolving them there (a second and a
half of pickling both ways against 1.6 s of resolving, docs/decisions/0020). So a worker
keeps the facts it parsed and sends back only each file's summary, which is what other
files' resolution needs of it, pickled apart from the rest of its answer: the run keeps those
bytes as they came and, once every file is parsed, hands each worker the other workers'
summaries without unpickling or pickling them again (which cost the run 0.07 s between the
parse and the resolve, with both workers idle). Each sends back the Symbol rows of the files
it parsed, which need nothing resolved, so that the run writes them meanwhile; then it
resolves the files, in path order, and sends back the rest of their bulk rows (plain tuples,
or Arrow tables for LadybugDB: cheap to pickle either way). A worker parses
files as they come, so each holds about half of the parse time, and so about half of the
resolving.

Only a full run of a repo the store holds no file of (``RepoChange.full``) takes this path:
nothing of the store is consulted, no unchanged file is re-linked, and the rows go to the
store's bulk load. An incremental run parses in ``parse_files``' pool and resolves in its own
process, against summaries read from the store.
"""

from __future__ import annotations

import pickle
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from importlib import import_module
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from graphsvc import specs
from graphsvc.errors import GraphError
from graphsvc.ingest.parse import ParseFailure, parse_path, quiet_worker, starting_workers, worker_context
from graphsvc.ingest.resolve import Summary, resolver_module
from graphsvc.ingest.resolve.symbol_rows import symbol_columns
from graphsvc.model import FileFacts
from graphsvc.store.base import BulkRows
from parsers import registry

__all__ = ["Resolved", "WorkerFailed", "Workers"]

_CHUNK = 16  # files per parse request: small enough to keep both workers busy to the end
_PART = 400  # files per part of a worker's rows: the run takes in one part while the next is resolved
_FIRST = frozenset({"Symbol"})  # rows a worker sends before it resolves (``_Worker._symbols``)


class WorkerFailed(GraphError):
    """A worker process died or raised; nothing of the run was written."""


@dataclass
class Resolved:
    """The bulk rows of some of the files one worker resolved, with their counts; ``ahead``: the Symbol
    rows of all its files, which it sends first, before it resolves them."""

    rows: BulkRows
    symbols: int
    edges: int
    ahead: bool = False


# -- in the worker ---------------------------------------------------------------------------


class _Worker:
    """What one worker process holds between requests: the facts of the files it parsed."""

    def __init__(self, root: str) -> None:
        self.root = root
        self.facts: dict[str, FileFacts] = {}
        self.langs: dict[str, str] = {}
        self.summaries: dict[str, Summary] = {}

    def parse(self, items: list[tuple[str, str, tuple[str, ...]]]) -> tuple[list[tuple[str, str, int]], bytes]:
        """Parse ``items``: per file why it failed ("": parsed) and its syntax errors, and the summaries
        of those parsed, pickled (``[(path, lang, summary), ...]``)."""
        out: list[tuple[str, str, int]] = []
        made: list[tuple[str, str, Summary]] = []
        for path, lang, names in items:
            result = parse_path((self.root, path, lang))
            if isinstance(result, ParseFailure):
                out.append((path, result.reason, 0))
                continue
            self.facts[path] = result
            self.langs[path] = lang
            self.summaries[path] = summary = resolver_module(lang).make_summary(result, names)
            made.append((path, lang, summary))
            out.append((path, "", result.parse_errors))
        return out, pickle.dumps(made, protocol=pickle.HIGHEST_PROTOCOL)

    def resolve(self, conn: Connection, rid: str, others: list[bytes],
                module_maps: dict[str, dict[str, tuple[str, ...]]], group: dict[str, str],
                meta: dict[str, dict[str, Any]], arrow: bool) -> None:
        """Resolve every file this worker parsed, against its own summaries and ``others`` (the other
        workers', as ``parse`` pickled them), and send their rows, part by part (``arrow``: their
        rows as Arrow tables, ``_symbols``, ``BulkRows.to_arrow``)."""
        every: list[tuple[str, str, Summary]] = [(p, self.langs[p], summ) for p, summ in self.summaries.items()]
        for blob in others:
            every += pickle.loads(blob)
        every.sort(key=lambda item: item[0])
        summaries: dict[str, dict[str, Summary]] = {key: {} for key in module_maps}
        for path, lang, summ in every:
            summaries[group[lang]][path] = summ
        # Without Symbol nodes: their rows are sent first, from the facts (``_symbols``).
        resolvers = {key: import_module(key).Resolver(rid, summaries[key], module_maps[key], Path(self.root),
                                                      symbol_nodes=False, **_edge_rows(key))
                     for key in {group[lang] for lang in self.langs.values()}}
        everything = {p: summ for by in summaries.values() for p, summ in by.items()}
        linker: specs.Linker | None = None
        paths = sorted(self.facts)
        first, sent = self._symbols(rid, paths, summaries, group, arrow)
        conn.send(("rows", Resolved(first, 0, 0, ahead=True)))
        # Rows sent as tuples name each node by one string object (``ids``, ``BulkRows.add``); Arrow
        # tables copy every string into their columns anyway.
        ids: dict[str, str] | None = None if arrow else {}
        part, symbols, edges = BulkRows(), 0, 0
        for i, path in enumerate(paths, 1):
            facts = self.facts.pop(path)
            fg = resolvers[group[self.langs[path]]].resolve(facts)
            specs.attach(fg, facts, rid)
            if linker is None and fg.summary.get("mentions"):
                # Built from the summaries as sent: a linker reads the files' names and symbols, not
                # the mentions ``attach`` adds (docs/decisions/0008).
                linker = specs.Linker(rid, everything)
            if linker is not None:
                specs.link(fg, linker)
            part.add(rid, fg, meta[path], early=_FIRST, ids=ids)
            symbols += sent.get(path, 0)
            edges += fg.edge_count()
            if i % _PART == 0 or i == len(paths):
                if arrow:
                    part.to_arrow()
                conn.send(("rows", Resolved(part, symbols, edges)))
                part, symbols, edges, ids = BulkRows(), 0, 0, None if arrow else {}
        conn.send(("resolved", None))


    def _symbols(self, rid: str, paths: list[str], summaries: dict[str, dict[str, Summary]],
                 group: dict[str, str], arrow: bool) -> tuple[BulkRows, dict[str, int]]:
        """The Symbol rows of the files this worker parsed (``arrow``: as an Arrow table), and how many
        each file has: they need nothing resolved, and sent first they are written while the files are
        resolved (docs/decisions/0021)."""
        files: list[tuple[FileFacts, Callable[[str], str]]] = []
        counts: dict[str, int] = {}
        for path in paths:
            facts, key = self.facts[path], group[self.langs[path]]
            qualified = import_module(key).qualifier(facts, summaries[key][path])
            if qualified is not None:
                files.append((facts, qualified))
                counts[path] = len(facts.symbols)
        columns = symbol_columns(rid, files)
        if arrow:
            from graphsvc.store.arrow import columns_table  # pyarrow: only where nodes go to LadybugDB

            return BulkRows(node_tables={"Symbol": [columns_table("Symbol", columns)]}), counts
        return BulkRows(nodes={"Symbol": list(zip(*columns))}), counts


def _edge_rows(key: str) -> dict[str, bool]:
    """The option that has a resolver module's resolver make its dependency edges as bulk rows, if it
    can (``EDGE_ROWS``, ``graphsvc/ingest/resolve/__init__.py``)."""
    return {"edge_rows": True} if getattr(import_module(key), "EDGE_ROWS", False) else {}


def _serve(conn: Connection, root: str, langs: list[str]) -> None:
    """A worker's loop: answer requests until told to stop (``None``) or the run goes away. The queries
    of ``langs`` are compiled first, before any request comes."""
    quiet_worker()  # the run stops its workers on Ctrl-C (``Workers.close``); they hold nothing to save
    for lang in langs:
        try:
            registry.compiled(lang)
        except Exception:  # noqa: BLE001 - the first file of the language reports it, with its path
            pass
    worker = _Worker(root)
    while True:
        try:
            request = conn.recv()
        except EOFError:
            return
        if request is None:
            return
        try:
            if request[0] == "parse":
                answers, summaries = worker.parse(request[1])
                conn.send(("parsed", answers, summaries))
            else:
                _, rid, others, rest = request
                worker.resolve(conn, rid, others, *pickle.loads(rest))
        except BaseException as exc:
            conn.send(("error", _picklable(exc)))
            return


def _picklable(exc: BaseException) -> BaseException:
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:
        return RuntimeError("".join(traceback.format_exception_only(exc)).strip())


# -- in the run's process --------------------------------------------------------------------


class Workers:
    """Worker processes for one full run (``with``: they stop when it leaves), which compile the queries
    of ``langs`` as they start."""

    def __init__(self, root: Path, count: int, langs: Iterable[str] = ()) -> None:
        ctx = worker_context()
        self.conns: list[Connection] = []
        self.procs: list[Any] = []
        self._summaries: dict[Connection, list[bytes]] = {}  # what each worker's parse answers held, pickled
        self._stopped: set[Connection] = set()  # told to stop (``stop``)
        compile_first = sorted(langs)
        try:
            for _ in range(count):
                ours, theirs = ctx.Pipe()
                proc = ctx.Process(target=_serve, args=(theirs, str(root), compile_first), daemon=True, name="graph parse")
                with starting_workers():
                    proc.start()
                theirs.close()
                self.conns.append(ours)
                self._summaries[ours] = []
                self.procs.append(proc)
        except BaseException:
            self.close()
            raise

    def parse(self, items: list[tuple[str, str, tuple[str, ...]]]) -> Iterator[tuple[str, str, int]]:
        """Parse ``(path, lang, names)`` items: yields ``(path, failure reason, syntax errors)`` per file
        as the workers finish them (a reason of "": the file parsed). Each worker keeps the facts; the
        summaries are kept, pickled as they came, for ``resolve`` (``summaries``, to read them)."""
        chunks = [items[i:i + _CHUNK] for i in range(0, len(items), _CHUNK)]
        chunks.reverse()
        busy: set[Connection] = set()
        for conn in self.conns:
            if chunks:
                self._send(conn, pickle.dumps(("parse", chunks.pop()), protocol=pickle.HIGHEST_PROTOCOL))
                busy.add(conn)
        while busy:
            for conn in wait(list(busy)):
                kind, answer, summaries = self._recv(conn)
                assert kind == "parsed"
                if chunks:
                    self._send(conn, pickle.dumps(("parse", chunks.pop()), protocol=pickle.HIGHEST_PROTOCOL))
                else:
                    busy.discard(conn)
                self._summaries[conn].append(summaries)
                yield from answer

    def summaries(self) -> dict[str, Summary]:
        """The summary of every file parsed so far, by path."""
        return {path: summ for blobs in self._summaries.values() for blob in blobs
                for path, _lang, summ in pickle.loads(blob)}

    def resolve(self, rid: str, module_maps: dict[str, dict[str, tuple[str, ...]]], group: Mapping[str, str],
                meta: dict[str, dict[str, Any]], arrow: bool = False) -> Iterator[Resolved]:
        """Have every worker resolve the files it parsed, against the summaries of every parsed file
        (``module_maps``: by resolver module, the names of the files, ``group`` the module of each
        language); yields their rows as they come (``arrow``: with their edges as Arrow tables, for
        LadybugDB)."""
        rest = pickle.dumps((module_maps, dict(group), meta, arrow), protocol=pickle.HIGHEST_PROTOCOL)
        for conn in self.conns:
            others = [blob for other, blobs in self._summaries.items() if other is not conn for blob in blobs]
            self._send(conn, pickle.dumps(("resolve", rid, others, rest), protocol=pickle.HIGHEST_PROTOCOL))
        busy = set(self.conns)
        while busy:
            for conn in wait(list(busy)):
                kind, answer = self._recv(conn)
                if kind == "resolved":
                    busy.discard(conn)
                else:
                    yield answer

    def _send(self, conn: Connection, request: bytes) -> None:
        try:
            conn.send_bytes(request)
        except OSError as exc:  # the worker is gone: a broken pipe (which click would exit 1 on, silently)
            raise self._died(conn) from exc

    def _recv(self, conn: Connection) -> tuple[Any, ...]:
        try:
            message = conn.recv()
        except (EOFError, OSError) as exc:
            raise self._died(conn) from exc
        if message[0] == "error":
            raise message[1]
        return message

    def _died(self, conn: Connection) -> WorkerFailed:
        proc = self.procs[self.conns.index(conn)]
        proc.join(1)
        return WorkerFailed(f"a parse worker died (exit code {proc.exitcode})",
                            suggestion="run again; if it dies again, run with GRAPH_WORKERS=1 to see the error")

    def stop(self) -> None:
        """Tell the workers to stop, without waiting for them to end (``close`` waits): a worker's end
        frees what it held (some 0.03 s for Django's), which the run need not wait for to write."""
        for conn in self.conns:
            if conn not in self._stopped:
                self._stopped.add(conn)
                try:
                    conn.send(None)
                except OSError:
                    pass

    def close(self, wait: float = 5.0) -> None:
        """Stop the workers: each is told to, and killed if it has not ended within ``wait`` seconds
        (a run that failed or was interrupted waits for none: they hold only what it gave up)."""
        self.stop()
        for proc in self.procs:
            proc.join(wait)
            if proc.is_alive():
                proc.kill()
                proc.join()
        for conn in self.conns:
            conn.close()
        self.conns, self.procs = [], []

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *exc: object) -> None:
        self.close(5.0 if exc_type is None else 0.0)
