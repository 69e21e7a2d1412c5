"""The embedded store: LadybugDB, one file on disk, Cypher in-process.

A repo written from scratch is loaded with ``COPY … FROM`` Arrow tables (the bulk
path); every other change goes through ``UNWIND $rows`` statements inside one
explicit transaction. ``COPY`` cannot run inside an explicit transaction, so the
bulk path marks the repo ``state = "writing"`` first and ``"ok"`` last: a run that
finds a repo still ``writing`` (a crash mid-load) drops its facts and loads it
again, so a rerun always converges.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import signal
import sys
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any, ClassVar, TextIO

import ladybug
import pyarrow as pa

from graphsvc.errors import QueryError, SchemaVersionError, StoreError, StoreMissing, StoreUnavailable
from graphsvc.model import ECOSYSTEM_EDGE_PROPS, EDGE_PROPS, EDGE_SCHEMA, NODE_SCHEMA, STRUCTURAL_EDGES, Edge, Node
from graphsvc.store import cypher
from graphsvc.store.arrow import edge_table, joined, node_table
from graphsvc.store.base import (FILE_LABELS, SCHEMA_VERSION, CypherAnswer, RepoChange, Rows, Store, StoredEdge,
                                 StoredFile, bulk_rows, edge_props, flatten, narrow, node_row, put_rows,
                                 summary_of)
from queries import load

__all__ = ["LadybugStore", "files_state", "writer_waiting"]


# -- Ctrl-C and LadybugDB -------------------------------------------------------------------
# LadybugDB's Python package takes a Ctrl-C that lands in two of its calls for something else,
# and a run interrupted there went on, or failed with the wrong error, instead of stopping with
# "interrupted" (exit 130). Both happen only in the main thread, the one Python raises
# KeyboardInterrupt in.


def _load_native() -> None:
    """Load LadybugDB's native extension with a Ctrl-C held back until it is loaded: its loader takes
    an interrupt during the load for a failed load, after which every open in the process fails
    ("Could not find lbug C API shared library")."""
    load = getattr(ladybug, "get_pybind_module", None)
    if load is None or threading.current_thread() is not threading.main_thread():
        if load is not None:
            load()
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, _frame: caught.append(signum))
    try:
        load()
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        signal.raise_signal(signal.SIGINT)  # to the handler it was meant for


def _interrupts_not_swallowed(previous: Any) -> Any:
    """An ``sys.unraisablehook`` that raises again, in the main thread, a Ctrl-C LadybugDB dropped:
    before each query it asks Python whether it runs in the main thread, and an interrupt raised
    during that question is reported as unraisable ("Exception ignored in: 'checking the SIGINT
    handler before a query'") and lost. Everything else goes to ``previous``."""

    def hook(unraisable: Any) -> None:
        if isinstance(unraisable.exc_value, KeyboardInterrupt) \
                and threading.current_thread() is threading.main_thread():
            if not sys.is_finalizing():  # else the process is ending anyway
                signal.raise_signal(signal.SIGINT)
            return
        previous(unraisable)

    hook.graphsvc_interrupts = True  # type: ignore[attr-defined]
    return hook


_load_native()
if not getattr(sys.unraisablehook, "graphsvc_interrupts", False):
    sys.unraisablehook = _interrupts_not_swallowed(sys.unraisablehook)

_WAL_CHECKPOINT_BYTES = 1 << 20
_HOLD_POLL = 0.01  # seconds between two looks of a held writer for someone waiting (``hold``)
_PREFIX_MAX_FILES = 8  # files whose symbols' stored edges are read by id prefix, one statement each
_DIFF_MAX_SOURCES = 2000  # nodes whose edges a diff write reads (an `IN` list grows worse than linearly)
# The properties a diff compares, as columns: plain values come back through Arrow, about half
# the time of a whole edge as a dict (``_stored_out_edges``).
_EDGE_COLUMNS = ", ".join(f"r.`{p}` AS `{p}`" for p in EDGE_PROPS)
_SEP = "\x1f"  # joins two ids into one key (ids never hold control characters)
_DDL_TYPES = {"STRING": "STRING", "INT64": "INT64", "BOOL": "BOOLEAN", "DOUBLE": "DOUBLE"}

# What a caller's Cypher may not be planned into. A read-only database refuses writes, but it
# still lets `LOAD FROM '<file>'` read files, `COPY … TO` and `EXPORT DATABASE` write them,
# `INSTALL`/`LOAD` fetch and run extensions, `ATTACH` open other databases and `CALL x=…` change
# settings. The planner's physical plan (EXPLAIN) names each operator; every source of rows
# that is not the graph is a table function, so those are allowed by name.
_REFUSED_OPERATOR = re.compile(
    r"(COPY|EXPORT|IMPORT|INSTALL|UNINSTALL|LOAD|ATTACH|DETACH|USE_DATABASE|STANDALONE_CALL|TRANSACTION|CREATE"
    r"|DROP|ALTER|INSERT|SET|DELETE|MERGE|BATCH|PARTITIONER|MACRO|SEQUENCE|PROFILE)|.*EXTENSION")
_READ_TABLE_FUNCTIONS = frozenset({"READ_FTABLE", "SHOW_TABLES", "TABLE_INFO", "SHOW_CONNECTION"})
_PLAN_OPERATOR = re.compile(r"([A-Z][A-Z_]+)\[\d+\]")
_PLAN_FUNCTION = re.compile(r"Function: ([A-Z_]+)")


def _flock(lock: TextIO, mode: int, deadline: float) -> bool:
    """Take ``mode`` on ``lock``, retrying with backoff until ``deadline``; False when it passed."""
    pause = 0.002
    while True:
        try:
            fcntl.flock(lock.fileno(), mode | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(pause)
            pause = min(pause * 2, 0.05)


def _acquire(path: Path, *, exclusive: bool, deadline: float, timeout: float) -> TextIO:
    """Take the store's readers-writer lock: shared for a reader, exclusive for a writer.

    LadybugDB lets one read-write handle and any number of read-only ones open a file, but a
    read-only open replays the WAL and reads pages a writer may be appending or checkpointing
    at that moment (a torn WAL fails its checksum). Readers therefore hold a shared ``flock``
    on ``<store>.lock`` for as long as their handle lives (a request, a command) and a writer
    holds it exclusively for one write; each waits, bounded, for the other.

    ``flock`` does not queue, so a stream of overlapping readers (servers under load) could keep
    a writer out forever. A turnstile makes the lock writer-preferring: a writer takes
    ``<store>.wlock`` exclusively while it waits for the readers in flight, and a reader passes
    through ``<store>.wlock`` (shared, released at once) before it takes its shared lock. So a
    waiting writer waits only for the requests already running, and new readers wait for it.
    """
    # Say that someone waits (``_wanted``), so a long-lived writer holding the write lock between
    # its writes (``hold``) lets go of it.
    want = open(path.with_name(path.name + ".want"), "a+", encoding="utf-8")  # noqa: SIM115
    fcntl.flock(want.fileno(), fcntl.LOCK_SH)
    try:
        if not exclusive:
            return _acquire_lock(path, exclusive=False, deadline=deadline, timeout=timeout)
        # Say that a writer waits (``writer_waiting``), so a server holding a reader open between
        # requests lets go of it.
        intent = open(path.with_name(path.name + ".intent"), "a+", encoding="utf-8")  # noqa: SIM115
        fcntl.flock(intent.fileno(), fcntl.LOCK_SH)
        try:
            return _acquire_lock(path, exclusive=True, deadline=deadline, timeout=timeout)
        finally:
            _release(intent)
    finally:
        _release(want)


def writer_waiting(path: Path) -> bool:
    """True while a writer waits for (or is taking) the store's lock."""
    try:
        intent = open(path.with_name(path.name + ".intent"), "a+", encoding="utf-8")  # noqa: SIM115
    except OSError:
        return False
    try:
        fcntl.flock(intent.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        intent.close()
        return True
    _release(intent)
    return False


def _wanted(want: TextIO) -> bool:
    """True while another handle (a reader or a writer, of any process) waits for the store's lock;
    ``want`` is the store's ``.want`` file, which each holds shared while it waits."""
    try:
        fcntl.flock(want.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    fcntl.flock(want.fileno(), fcntl.LOCK_UN)
    return False


def _hold_until_wanted(ref: weakref.ref[LadybugStore], stop: threading.Event) -> None:
    """The watcher of a held store (``LadybugStore.hold``): close it once someone waits for the lock.

    It keeps no reference to the store between two looks, so a store its owner drops (a cache that
    goes away without ``close``) is freed, which closes the database and releases the lock.
    """
    store = ref()
    if store is None:
        return
    want = open(store.path.with_name(store.path.name + ".want"), "a+", encoding="utf-8")  # noqa: SIM115
    del store
    try:
        while not stop.wait(_HOLD_POLL):
            store = ref()
            if store is None:
                return
            if _wanted(want):
                store._let_go()
                return
            del store
    finally:
        want.close()


def _acquire_lock(path: Path, *, exclusive: bool, deadline: float, timeout: float) -> TextIO:
    """Pass the turnstile, then take the lock itself (see ``_acquire``)."""
    turnstile = open(path.with_name(path.name + ".wlock"), "a+", encoding="utf-8")  # noqa: SIM115
    lock = open(path.with_name(path.name + ".lock"), "a+", encoding="utf-8")  # noqa: SIM115 — held until close
    try:
        got = _flock(turnstile, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH, deadline)
        got = got and _flock(lock, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH, deadline)
    finally:
        turnstile.close()  # releases the turnstile: the next writer may queue, readers pass
    if not got:
        lock.seek(0)
        holder = lock.read().strip()
        lock.close()
        who = f"process {holder}" if holder.isdigit() else "another process"
        raise StoreUnavailable(
            f"the graph store {path} is {'in use' if exclusive else 'being written'} by {who}"
            f" (waited {timeout:g}s)",
            suggestion="wait for it to finish, or raise GRAPH_LOCK_TIMEOUT")
    if exclusive:
        lock.seek(0)
        lock.truncate()
        lock.write(str(os.getpid()))
        lock.flush()
    return lock


def files_state(path: Path) -> tuple[Any, ...]:
    """What changes on disk with every write to the store at ``path``: inode, size and mtime of the
    database file, of its WAL (a commit appends to it, a checkpoint empties it) and of the lock
    file (every writer writes its PID into it)."""
    out: list[Any] = []
    for p in (path, path.with_name(path.name + ".wal"), path.with_name(path.name + ".lock")):
        try:
            st = p.stat()
            out.append((st.st_ino, st.st_size, st.st_mtime_ns))
        except FileNotFoundError:
            out.append(None)
    return tuple(out)


def _file_key(path: Path) -> tuple[int, int] | None:
    """Device and inode of the file at ``path``; None when there is none."""
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _release(lock: TextIO) -> None:
    fcntl.flock(lock.fileno(), fcntl.LOCK_UN)
    lock.close()


class LadybugStore(Store):
    """A LadybugDB database file."""

    dialect = "ladybug"
    opened: ClassVar[int] = 0  # databases this process opened (every handle, read-only or not)

    def __init__(self, path: Path, *, read_only: bool = False, lock_timeout: float = 60.0) -> None:
        self.url = f"ladybug://{path}"
        self.path = path
        self.snapshot = read_only  # a read-only handle sees the store as it was when opened
        # What a derived in-process index (search's names) is cached against: the handle whose
        # snapshot it reflects; a view (``view``) shares its handle's.
        self.origin: LadybugStore = self
        self._idle: list[Any] = []  # the connections of closed views, for the next ones (``view``)
        self._idle_lock = threading.Lock()
        self._closing = False
        # A held writer lends itself to this process's reads (``lend``): ``_lending`` guards whether
        # it may (``_lendable``: held, open), whether a write through it is under way (``_writing``:
        # reads wait for it) and how many reads are in flight (``_lent``: a release waits for them).
        self._lending = threading.Condition()
        self._lendable = self._writing = False
        self._lent = 0
        if read_only and not path.exists():
            raise StoreMissing(f"no graph at {path}", suggestion="run `graph ingest PATH` first")
        path.parent.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        deadline = started + lock_timeout
        self._lock: TextIO | None = _acquire(path, exclusive=not read_only, deadline=deadline, timeout=lock_timeout)
        self.lock_wait = time.monotonic() - started  # seconds spent waiting for the lock
        try:
            self._open(read_only, deadline, lock_timeout, recover=read_only)
            if not read_only:
                # Closing would checkpoint the WAL into the main file, which costs about 0.5 s on a
                # Django-sized graph however small the write. The WAL is durable at COMMIT and every
                # opener (read-only ones too) replays it, at about 75 ms per MiB, so `close`
                # checkpoints only once the WAL has grown past _WAL_CHECKPOINT_BYTES.
                self._run("CALL force_checkpoint_on_close=false")
                self._ensure_schema()
            self._check_version()
            self._state = files_state(path) if read_only else None
        except BaseException:
            self.close()
            raise

    # -- a read-only handle kept between requests --------------------------------------------

    def suspend(self) -> None:
        """Release the readers' lock between two requests, keeping the read-only handle open.

        While suspended the handle must not be used: a writer may write and checkpoint.
        """
        if self._db is None or not self._db.read_only:
            raise StoreError("only a read-only store can be suspended", where=str(self.path))
        if self._lock is not None:
            _release(self._lock)
            self._lock = None

    def resume(self, lock_timeout: float = 60.0) -> bool:
        """Take the readers' lock again; True when nothing was written since the handle opened, so
        its snapshot is the store's current state and it may answer. On False, close it and open a
        new one."""
        if not self.path.exists():
            return False  # removed under the handle: reopening says what is missing
        if self._lock is None:
            deadline = time.monotonic() + lock_timeout
            try:
                self._lock = _acquire(self.path, exclusive=False, deadline=deadline, timeout=lock_timeout)
            except FileNotFoundError:
                return False
        return files_state(self.path) == self._state

    # -- a read-write handle kept between writes ---------------------------------------------

    def hold(self) -> None:
        """Keep this read-write handle, and so the write lock, for the next write of a long-lived
        writer (``graph watch``, the language server), until another process asks for the store.

        Opening the store for a write costs tens of milliseconds (hundreds on a busy machine), and
        a new connection prepares every statement again: more than an edit's write itself. While
        held, a watcher thread looks every ``_HOLD_POLL`` seconds whether a reader or a writer
        waits for the lock (``_acquire`` says so); then it closes the handle, as after any write,
        and the waiter goes in. Meanwhile this process's reads may go through it (``lend``).
        Call ``take_back`` before using the handle again.
        """
        if getattr(self, "_db", None) is None or self._db.read_only:
            raise StoreError("only an open read-write store can be held", where=str(self.path))
        self._checkpoint_if_due()
        self._held_file = _file_key(self.path)
        self._stop_holding = threading.Event()
        self._holder = threading.Thread(target=_hold_until_wanted, args=(weakref.ref(self), self._stop_holding),
                                        name="store-holder", daemon=True)
        self._holder.start()
        with self._lending:
            self._lendable, self._writing = True, False
            self._lending.notify_all()

    def take_back(self) -> bool:
        """End ``hold``; True when the handle is still open (nobody asked for the store meanwhile).

        Waits for the reads in flight through the handle (``lend``); reads that come meanwhile wait
        for the write, until ``hold`` or ``close``.
        """
        with self._lending:
            self._lendable, self._writing = False, True
            while self._lent:
                self._lending.wait()
        holder = getattr(self, "_holder", None)
        if holder is not None:
            self._stop_holding.set()
            holder.join()
            self._holder = None
        self.lock_wait = 0.0
        if getattr(self, "_db", None) is not None and not self._moved():
            return True
        self._close_handle()  # let go, or the file was deleted or replaced meanwhile: open it again
        return False

    def _moved(self) -> bool:
        """True when the held database's file is no longer at its path (deleted, or replaced by
        another store): its handle would read and write a file nobody else sees."""
        return _file_key(self.path) != getattr(self, "_held_file", None)

    @contextmanager
    def lend(self, timeout: float) -> Iterator[Store | None]:
        """A read through this held writer, for its own process: no open, and so no release of the
        write lock and no new read-only handle (together 100-200 ms on Django, more than a save).

        While held, nobody else can write, so the handle sees every committed write. A read that
        comes during a write through it waits for the write, up to ``timeout`` seconds; a read
        that finds it neither held nor writing (closed, let go) gets None and opens its own handle
        as before. A release (``take_back``, the watcher that closes for another process) waits
        for the reads in flight, and stops lending first, so reads cannot keep it waiting.

        The read gets a view on its own connection, inside a read-only transaction
        (``_ReadOnlyConnection``): the database refuses any write through it. A caller's Cypher is
        refused outright (``read_only_cypher`` wants a read-only handle).
        """
        if not self._borrow(timeout):
            yield None
            return
        view = None
        try:
            view = self._read_view()
            yield view
        finally:
            if view is not None:
                view.close()
            self._give_back()

    def _read_view(self) -> LadybugStore | None:
        """A view inside a read-only transaction; None when LadybugDB refuses to begin one."""
        view = self.view()
        try:
            view._conn = _ReadOnlyConnection(view._conn)  # type: ignore[assignment]
        except RuntimeError:
            view._conn.close()
            return None
        return view

    def _borrow(self, timeout: float) -> bool:
        lending = getattr(self, "_lending", None)
        if lending is None:
            return False  # a view
        deadline = time.monotonic() + timeout
        with lending:
            while self._writing:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                lending.wait(left)
            if not self._lendable or self._moved():
                return False
            self._lent += 1
            return True

    def _give_back(self) -> None:
        with self._lending:
            self._lent -= 1
            self._lending.notify_all()

    def _let_go(self) -> None:
        """Close the held handle for someone who waits for the lock (the holder's watcher), once
        the reads in flight through it are done; no read starts meanwhile."""
        with self._lending:
            self._lendable = False
            while self._lent:
                self._lending.wait()
        self._close_handle()

    def _end_lending(self) -> None:
        lending = getattr(self, "_lending", None)
        if lending is not None:
            with lending:
                self._lendable = self._writing = False
                lending.notify_all()

    def _open(self, read_only: bool, deadline: float, lock_timeout: float, recover: bool = False) -> None:
        pause = 0.02
        while True:
            try:
                # A writer killed mid-write leaves a torn, uncommitted WAL tail; replay stops there
                # instead of refusing the store (every committed record is checksummed).
                self._db = ladybug.Database(str(self.path), read_only=read_only, throw_on_wal_replay_failure=False)
                LadybugStore.opened += 1
                self._conn = ladybug.Connection(self._db)
                return
            except RuntimeError as exc:
                _raise_if_interrupted(exc)
                msg = str(exc)
                if recover and "recovery" in msg.lower():
                    # A writer died before checkpointing (SIGKILL): a read-only handle cannot
                    # replay what it left, so recover once as a writer, then read.
                    self._recover(deadline, lock_timeout)
                    recover = False
                    continue
                if "lock" not in msg.lower():
                    raise StoreUnavailable(f"cannot open the graph store {self.path}: {msg}",
                                           suggestion="check the path, or remove the file if it is not a graph") from exc
                # One writer at a time: another process holds the write lock for one write; wait for it.
                if time.monotonic() >= deadline:
                    holder = re.search(r"PID (\d+)", msg)
                    who = f"process {holder.group(1)}" if holder else "another process"
                    raise StoreUnavailable(
                        f"the graph store {self.path} is locked by {who} (waited {lock_timeout:g}s)",
                        suggestion="wait for it to finish, or raise GRAPH_LOCK_TIMEOUT") from exc
                time.sleep(pause)
                pause = min(pause * 2, 0.5)

    def _recover(self, deadline: float, lock_timeout: float) -> None:
        assert self._lock is not None
        _release(self._lock)
        self._lock = None
        writer_lock = _acquire(self.path, exclusive=True, deadline=deadline, timeout=lock_timeout)
        try:
            db = ladybug.Database(str(self.path), throw_on_wal_replay_failure=False)
            db.close()  # replays the WAL and checkpoints it
        except RuntimeError as exc:
            raise StoreUnavailable(f"cannot recover the graph store {self.path}: {exc}",
                                   suggestion="run `graph ingest` on a repo to rebuild it") from exc
        finally:
            _release(writer_lock)
        self._lock = _acquire(self.path, exclusive=False, deadline=deadline, timeout=lock_timeout)

    # -- schema ------------------------------------------------------------------------

    def _ensure_schema(self) -> None:
        statements = ["CREATE NODE TABLE IF NOT EXISTS Meta(key STRING PRIMARY KEY, value STRING)"]
        for label, props in NODE_SCHEMA.items():
            cols = ", ".join(f"`{p}` {_DDL_TYPES[t]}" + (" PRIMARY KEY" if p == "id" else "") for p, t in props.items())
            statements.append(f"CREATE NODE TABLE IF NOT EXISTS {label}({cols})")
        for etype, pairs in EDGE_SCHEMA.items():
            ends = ", ".join(f"FROM {a} TO {b}" for a, b in pairs)
            props = "" if etype in STRUCTURAL_EDGES else ", " + ", ".join(
                f"`{p}` {_DDL_TYPES[t]}" for p, t in ECOSYSTEM_EDGE_PROPS.get(etype, EDGE_PROPS).items())
            statements.append(f"CREATE REL TABLE IF NOT EXISTS {etype}({ends}{props})")
        # The tables are created once per schema: a writer that finds the fingerprint of these
        # statements stored skips them (some 40 statements, tens of ms on every open).
        fingerprint = hashlib.sha256("\n".join(statements).encode()).hexdigest()[:16]
        try:
            if self._rows("MATCH (m:Meta {key: 'schemaDdl'}) RETURN m.value AS v") == [{"v": fingerprint}]:
                return
        except StoreError:
            pass  # a new store: no Meta table yet
        for statement in statements:
            self._run(statement)
        rows = self._rows("MATCH (m:Meta {key: 'schemaVersion'}) RETURN m.value AS v")
        if not rows:
            self._run("CREATE (m:Meta {key: 'schemaVersion', value: $v})", {"v": str(SCHEMA_VERSION)})
        self._run("MERGE (m:Meta {key: 'schemaDdl'}) SET m.value = $v", {"v": fingerprint})

    def _check_version(self) -> None:
        try:
            rows = self._rows("MATCH (m:Meta {key: 'schemaVersion'}) RETURN m.value AS v")
        except StoreError:
            rows = []
        if not rows and self._db.read_only:
            # The version is written after the tables: a store without it was never finished
            # (its first writer was killed while creating it) and holds nothing yet.
            raise StoreMissing(f"the graph at {self.path} holds nothing yet",
                               suggestion="run `graph ingest PATH` to fill it")
        if rows and rows[0]["v"] != str(SCHEMA_VERSION):
            raise SchemaVersionError(
                f"the store {self.path} holds schema version {rows[0]['v']}, this graphsvc writes {SCHEMA_VERSION}",
                suggestion=f"remove {self.path} and run `graph ingest` again")

    # -- low level -----------------------------------------------------------------------

    def _run(self, statement: str, params: dict[str, Any] | None = None) -> Any:
        try:
            return self._conn.execute(statement, params or {})
        except RuntimeError as exc:
            _raise_if_interrupted(exc)
            raise StoreError(f"LadybugDB refused a statement: {exc}", where=str(self.path)) from exc

    def _rows(self, statement: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        result = self._run(statement, params)
        cols = result.get_column_names()
        if result.get_num_tuples() >= _ARROW_ROWS and _SCALAR_TYPES.issuperset(result.get_column_data_types()):
            # Many rows of plain values: column by column through Arrow, about twice as fast as
            # row by row (the same Python values).
            columns = [c.to_pylist() for c in result.get_as_arrow(0).columns]
            return [dict(zip(cols, row, strict=True)) for row in zip(*columns, strict=True)]
        return [dict(zip(cols, row, strict=True)) for row in result.get_all()]

    def _batched(self, statement: str, key: str, rows: list[Any], size: int = 20000) -> None:
        for i in range(0, len(rows), size):
            self._run(statement, {key: rows[i:i + size]})

    # -- Store -----------------------------------------------------------------------------

    def repo(self, repo_id: str) -> dict[str, Any] | None:
        rows = self._rows("MATCH (r:Repo {id: $id}) RETURN r", {"id": repo_id})
        if not rows:
            return None
        return {k: v for k, v in rows[0]["r"].items() if not k.startswith("_")}

    def refresh_stats(self, repo_id: str, rows: list[dict[str, Any]]) -> None:
        self._batched(cypher.refresh_stats(typed=True), "rows", rows)

    def stored_files(self, repo_id: str) -> dict[str, StoredFile]:
        rows = self._rows(load("stored_files"), {"repo": repo_id})
        return {r["path"]: StoredFile(r["path"], r["hash"], summary_of(r["summary"]), r["size"],
                                      r["mtimeNs"], r["inode"]) for r in rows}

    def delete_repo(self, repo_id: str) -> None:
        self._run("BEGIN TRANSACTION")
        try:
            self._delete_repo_facts(repo_id)
            self._run("COMMIT")
        except BaseException:
            self._run("ROLLBACK")
            raise

    def _delete_repo_facts(self, repo_id: str) -> None:
        self._run("MATCH (s:Symbol) WHERE s.id STARTS WITH $p DETACH DELETE s", {"p": f"sym:{repo_id}:"})
        self._run("MATCH (s:SpecItem) WHERE s.id STARTS WITH $p DETACH DELETE s", {"p": f"spec:{repo_id}:"})
        self._run("MATCH (t:Task) WHERE t.id STARTS WITH $p DETACH DELETE t", {"p": f"task:{repo_id}:"})
        self._run("MATCH (f:File) WHERE f.id STARTS WITH $p DETACH DELETE f", {"p": f"file:{repo_id}:"})
        self._run(cypher.gc_externals())

    def apply(self, change: RepoChange) -> None:
        existing = self.repo(change.repo.id)
        # The write lock is exclusive, so checking the generation here is atomic with the write.
        change.repo.props["generation"] = change.next_generation(existing)
        bulk = change.full or (existing is not None and existing.get("state") == "writing")
        if bulk:
            # A repo this run marked itself (``begin_bulk``) holds only what the run wrote ahead.
            self._apply_bulk(change, existing is not None and not change.early)
            return
        rows = flatten(change)
        self._run("BEGIN TRANSACTION")
        try:
            self._write_repo_nodes(change, state="ok")
            sources = sum(map(len, rows.delete_out.values())) + sum(map(len, rows.delete_deps.values()))
            gc = any(rows.delete_nodes.values())
            if sources <= _DIFF_MAX_SOURCES:
                # Write only what differs from the store: an edit rewrites a few rows, not every row
                # of the file, which keeps the write and the WAL (replayed by every opener) small.
                drop = narrow(rows, self._stored_nodes(rows.nodes), self._stored_out_edges(rows))
                gc = gc or any(dl == "External" for _, _, _, dl, _ in drop)
                by_type: dict[tuple[str, str, str], list[str]] = {}
                for etype, sl, src, dl, dst in sorted(drop):
                    by_type.setdefault((etype, sl, dl), []).append(src + _SEP + dst)
                for (etype, sl, dl), pairs in by_type.items():
                    srcs = sorted({p.split(_SEP, 1)[0] for p in pairs})
                    self._run(f"MATCH (a:{sl})-[r:{etype}]->(b:{dl}) WHERE a.id IN $srcs "
                              "AND (a.id + $sep + b.id) IN $pairs DELETE r", {"srcs": srcs, "pairs": pairs, "sep": _SEP})
            else:
                # Many files at once (a checkout): an `IN` list this long costs more than it saves.
                gc = True
                for label, ids in rows.delete_deps.items():
                    for etype in cypher.dependency_types(label):
                        self._batched(cypher.delete_out(label, etype, typed=True), "ids", ids)
                for label, ids in rows.delete_out.items():
                    self._batched(cypher.delete_out(label, typed=True), "ids", ids)
            for label, ids in rows.delete_nodes.items():
                self._batched(cypher.delete_nodes(label, typed=True), "ids", ids)
            for label in FILE_LABELS:
                if rows.nodes.get(label):
                    self._batched(cypher.merge_nodes(label, typed=True), "rows", rows.nodes[label])
            for (etype, src, dst), edge_rows in rows.edges.items():
                if edge_rows:
                    self._batched(cypher.create_edges(etype, src, dst, typed=True), "rows", edge_rows)
            if gc:
                self._run(cypher.gc_externals())
            self._run("COMMIT")
        except BaseException:
            self._run("ROLLBACK")
            raise

    def _stored_nodes(self, nodes: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, dict[str, Any]]]:
        """The stored properties of the nodes about to be written, by label and id."""
        out: dict[str, dict[str, dict[str, Any]]] = {}
        for label, label_rows in nodes.items():
            ids = [r["id"] for r in label_rows]
            have = out.setdefault(label, {})
            for i in range(0, len(ids), 20000):
                # UNWIND over a primary key lookup is an index probe per id (an `IN` list scans).
                for rec in self._rows(f"UNWIND $ids AS i MATCH (n:{label} {{id: i}}) RETURN n", {"ids": ids[i:i + 20000]}):
                    have[rec["n"]["id"]] = rec["n"]
        return out

    def _stored_out_edges(self, rows: Rows) -> list[StoredEdge]:
        """The stored outgoing edges of the nodes whose edges a change replaces."""
        out: list[StoredEdge] = []
        for label in sorted(set(rows.delete_out) | set(rows.delete_deps)):
            ids = sorted(set(rows.delete_out.get(label, [])) | set(rows.delete_deps.get(label, [])))
            files = {i.partition("#")[0] for i in ids} if label == "Symbol" else set()
            if label == "Symbol" and len(files) <= _PREFIX_MAX_FILES:
                # A symbol's id starts with its file's: a scan by that prefix costs a third of
                # an `IN` list's over the same label, for an edit of a file or a few.
                wanted = set(ids)
                for file in sorted(files):
                    for r in self._rows("MATCH (a:Symbol)-[r]->(b) WHERE a.id STARTS WITH $p "
                                        f"RETURN a.id AS src, label(r) AS t, b.id AS dst, label(b) AS dl, {_EDGE_COLUMNS}",
                                        {"p": file + "#"}):
                        if r["src"] in wanted:
                            out.append((r["t"], label, r["src"], r["dl"], r["dst"], edge_props(r["t"], r)))
                continue
            for i in range(0, len(ids), 20000):
                # `IN` scans the label once; UNWIND with a pattern would expand every edge per id.
                for r in self._rows(f"MATCH (a:{label}) WHERE a.id IN $ids MATCH (a)-[r]->(b) "
                                    f"RETURN a.id AS src, label(r) AS t, b.id AS dst, label(b) AS dl, {_EDGE_COLUMNS}",
                                    {"ids": ids[i:i + 20000]}):
                    out.append((r["t"], label, r["src"], r["dl"], r["dst"], edge_props(r["t"], r)))
        return out

    def put(self, nodes: list[Node], edges: list[Edge], delete: dict[str, list[str]] | None = None) -> None:
        node_rows, edge_rows = put_rows(nodes, edges)
        self._run("BEGIN TRANSACTION")
        try:
            for label, ids in (delete or {}).items():
                self._batched(cypher.delete_nodes(label, typed=True), "ids", ids)
            for label, label_rows in node_rows.items():
                self._batched(cypher.merge_nodes(label, typed=True), "rows", label_rows)
            for (etype, src, dst), rows in edge_rows.items():
                self._batched(cypher.merge_edges(etype, src, dst, typed=True), "rows", rows)
            self._run("COMMIT")
        except BaseException:
            self._run("ROLLBACK")
            raise

    def _write_repo_nodes(self, change: RepoChange, state: str) -> None:
        self._batched(cypher.merge_nodes("Project", typed=True), "rows", [node_row(change.project)])
        repo = node_row(change.repo)
        repo["state"] = state
        self._batched(cypher.merge_nodes("Repo", typed=True), "rows", [repo])
        self._run("MATCH (p:Project {id: $p}) MATCH (r:Repo {id: $r}) MERGE (p)-[:HAS_REPO]->(r)",
                  {"p": change.project.id, "r": change.repo.id})

    def begin_bulk(self, project: Node, repo: Node) -> None:
        self._run("BEGIN TRANSACTION")
        try:
            self._write_repo_nodes(RepoChange(project=project, repo=repo), state="writing")
            self._run("COMMIT")
        except BaseException:
            self._run("ROLLBACK")
            raise

    def bulk_nodes(self, label: str, rows: list[tuple[Any, ...]] | pa.Table) -> None:
        if len(rows):
            # Checkpointed as it commits: written ahead while the run resolves, what this copy wrote
            # is then not left for the one checkpoint at the end of the load (``_apply_bulk``).
            arrow_rows = joined([rows]) if isinstance(rows, pa.Table) else node_table(label, rows)
            self._copy(f"COPY {label} FROM arrow_rows", arrow_rows)

    @contextmanager
    def _checkpoints_held(self) -> Iterator[None]:
        """No automatic checkpoint in between: a bulk load's copies go to the WAL and are checkpointed
        once, at its end (``_apply_bulk``). With LadybugDB's automatic checkpoint each copy commits
        and checkpoints, at some 10 ms a copy however small and more for a large one: Django's
        copies took 1.37 s so, against 0.78 s plus one checkpoint of 0.47 s."""
        self._run("CALL auto_checkpoint=false")
        try:
            yield
        finally:
            self._run("CALL auto_checkpoint=true")

    def _apply_bulk(self, change: RepoChange, existed: bool) -> None:
        with self._checkpoints_held():
            self._load_bulk(change, existed)
            self._run("CHECKPOINT")

    def _load_bulk(self, change: RepoChange, existed: bool) -> None:
        # Mark first: a crash between here and the final mark leaves "writing" behind.
        final_state = change.repo.props.get("state") or "ok"
        self._run("BEGIN TRANSACTION")
        self._write_repo_nodes(change, state="writing")
        self._run("COMMIT")
        kept = self.overlay_edges(change.repo.id) if existed else []
        if existed:
            self.delete_repo(change.repo.id)
        for fg in change.writes:
            change.old.pop(fg.path, None)
        rows = bulk_rows(change)
        known = {r["id"] for r in self._rows("MATCH (e:External) RETURN e.id AS id")}
        rows.nodes["External"] = [r for r in rows.nodes.get("External", []) if r[0] not in known]
        for label in FILE_LABELS:
            tables = rows.node_tables.get(label, [])
            if rows.nodes.get(label) or any(t.num_rows for t in tables):
                self._copy(f"COPY {label} FROM arrow_rows",
                           joined([node_table(label, rows.nodes.get(label, [])), *tables]))
        for (etype, src, dst), edge_rows in rows.edges.items():
            tables = rows.tables.pop((etype, src, dst), [])
            self._copy_edges(etype, src, dst, joined([edge_table(etype, edge_rows), *tables]))
        for (etype, src, dst), tables in rows.tables.items():  # one COPY per edge type: a second costs the
            if any(t.num_rows for t in tables):  # checkpoint more (decision 0021)
                self._copy_edges(etype, src, dst, joined(tables))
        if kept:
            self.put([], kept)
        self._run("BEGIN TRANSACTION")
        self._write_repo_nodes(change, state=final_state)
        self._run("COMMIT")

    def _copy_edges(self, etype: str, src: str, dst: str, arrow_rows: pa.Table) -> None:
        """COPY an edge table (``graphsvc/store/arrow.py``)."""
        self._copy(f"COPY {etype} FROM arrow_rows (from='{src}', to='{dst}')", arrow_rows)

    def _copy(self, statement: str, arrow_rows: pa.Table) -> None:
        # LadybugDB binds the Arrow table named in the statement from this frame.
        try:
            self._conn.execute(statement)
        except RuntimeError as exc:
            _raise_if_interrupted(exc)
            raise StoreError(f"LadybugDB bulk load failed: {exc}", where=str(self.path)) from exc

    def read(self, name: str, **params: Any) -> list[dict[str, Any]]:
        text = load(name, "ladybug")
        ids = params.get("ids")
        single = _per_id(text) if name in _PER_ID_QUERIES else None
        if single is None or not isinstance(ids, list) or len(ids) > _PER_ID_MAX:
            return self._rows(text, params)
        rest = {k: v for k, v in params.items() if k != "ids"}
        rows: list[dict[str, Any]] = []
        for one in ids:
            rows += self._rows(single, {**rest, "id": one})
        return rows

    def execute_writes(self, statements: list[tuple[str, dict[str, Any]]]) -> None:
        self._run("BEGIN TRANSACTION")
        try:
            for statement, params in statements:
                self._run(statement, params)
            self._run("COMMIT")
        except BaseException:
            self._run("ROLLBACK")
            raise

    def read_only_cypher(self, statement: str, params: dict[str, Any], *, max_rows: int,
                         timeout: float) -> CypherAnswer:
        if not self._db.read_only:
            raise QueryError("caller's Cypher runs only on a store opened read-only",
                             suggestion="open the store with read_only=True")
        self._check_plan(statement, params)
        self._conn.set_query_timeout(max(1, int(timeout * 1000)))
        try:
            result = self._conn.execute(statement, params)
            columns = tuple(result.get_column_names())
            rows: list[tuple[Any, ...]] = []
            while result.has_next() and len(rows) <= max_rows:
                rows.append(tuple(_plain(v) for v in result.get_next()))
        except RuntimeError as exc:
            _raise_if_interrupted(exc)
            raise _cypher_error(exc, timeout) from exc
        finally:
            self._conn.set_query_timeout(0)
        return CypherAnswer(columns=columns, rows=tuple(rows[:max_rows]), truncated=len(rows) > max_rows)

    def _check_plan(self, statement: str, params: dict[str, Any]) -> None:
        try:
            explained = self._conn.execute("EXPLAIN " + statement, params)
        except RuntimeError as exc:
            _raise_if_interrupted(exc)
            raise _cypher_error(exc, 0) from exc
        if isinstance(explained, list):
            raise QueryError("send one Cypher statement at a time", suggestion="drop the ';' and what follows")
        plan = "\n".join(str(r[0]) for r in explained.get_all())
        ops = set(_PLAN_OPERATOR.findall(plan))
        funcs = set(_PLAN_FUNCTION.findall(plan))
        refused = sorted(op for op in ops if _REFUSED_OPERATOR.match(op)) + sorted(funcs - _READ_TABLE_FUNCTIONS)
        if refused:
            raise QueryError(f"the statement is not a read of the graph (it plans to {refused[0]})",
                             suggestion="MATCH … RETURN over the graph's nodes and edges only; no LOAD FROM, "
                             "COPY, INSTALL, CALL of settings or transactions")

    def export(self) -> tuple[list[tuple[str, dict[str, Any]]], list[tuple[str, str, str, dict[str, Any]]]]:
        nodes = []
        for label in NODE_SCHEMA:
            for row in self._rows(f"MATCH (n:{label}) RETURN n"):
                nodes.append((label, {k: v for k, v in row["n"].items() if not k.startswith("_")}))
        edges = []
        for etype in EDGE_SCHEMA:
            for row in self._rows(f"MATCH (a)-[r:{etype}]->(b) RETURN a.id AS src, b.id AS dst, r"):
                props = {k: v for k, v in row["r"].items() if not k.startswith("_")}
                edges.append((etype, row["src"], row["dst"], props))
        return nodes, edges

    def view(self) -> LadybugStore:
        """Another connection to this (read-only) handle, for one request; closing it leaves the handle open.

        A closed view's connection is kept for the next view: a connection keeps the statements it
        prepared (LadybugDB caches them per connection, about 1 ms each to prepare again).
        """
        base = self.origin
        other = object.__new__(LadybugStore)
        other.url, other.path, other.snapshot, other.origin = self.url, self.path, self.snapshot, base
        with base._idle_lock:
            conn = base._idle.pop() if base._idle else None
        other._db, other._conn, other._lock = self._db, conn or ladybug.Connection(self._db), None
        other._is_view = True
        return other

    def _take_back(self, conn: Any) -> bool:
        """Keep a closed view's connection for the next view; False when this handle is closing."""
        with self._idle_lock:
            if self._closing or len(self._idle) >= _IDLE_CONNECTIONS:
                return False
            self._idle.append(conn)
            return True

    def _close_idle(self) -> None:
        lock = getattr(self, "_idle_lock", None)
        if lock is None:
            return
        with lock:
            self._closing = True
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()

    def close(self) -> None:
        if getattr(self, "_is_view", False):
            conn = self._conn.end() if isinstance(self._conn, _ReadOnlyConnection) else self._conn
            if conn is not None and not self.origin._take_back(conn):
                conn.close()
            self._conn = self._db = None  # type: ignore[assignment]
            return
        self.take_back()
        self._close_handle()

    def _checkpoint_if_due(self) -> None:
        wal = self.path.with_name(self.path.name + ".wal")
        if wal.exists() and wal.stat().st_size > _WAL_CHECKPOINT_BYTES:
            self._run("CHECKPOINT")

    def _close_handle(self) -> None:
        self._close_idle()
        conn, db = getattr(self, "_conn", None), getattr(self, "_db", None)
        if conn is not None and not db.read_only:
            self._checkpoint_if_due()
        if conn is not None:
            conn.close()
        if db is not None:
            db.close()
        self._conn = self._db = None  # type: ignore[assignment]
        lock = getattr(self, "_lock", None)
        if lock is not None:
            _release(lock)
            self._lock = None
        self._end_lending()


class _ReadOnlyConnection:
    """A held writer's connection lent to one read (``LadybugStore.lend``): every statement runs
    inside a read-only transaction, so the database refuses any write through it.

    LadybugDB ends a transaction on most errors (a binder error, a failed cast, a refused
    ``BEGIN``), and a statement after that would run on its own, writes included. So after any
    error the transaction is begun again, and statements that would end it are refused; when it
    cannot be begun again, every further statement is refused.
    """

    def __init__(self, conn: Any) -> None:
        self._conn: Any = conn
        self._conn.execute(_BEGIN_READ)

    def execute(self, statement: str, params: dict[str, Any] | None = None) -> Any:
        if self._conn is None or _ENDS_TRANSACTION.match(statement):
            raise RuntimeError("a store lent for a read only reads: the statement was refused")
        try:
            return self._conn.execute(statement, params or {})
        except RuntimeError:
            self._begin_again()
            raise

    def _begin_again(self) -> None:
        # An error may have ended the transaction or not; a refused BEGIN ends it, so a second
        # one begins it either way.
        for _ in range(2):
            try:
                self._conn.execute(_BEGIN_READ)
                return
            except RuntimeError:
                continue
        self._conn.close()
        self._conn = None

    def set_query_timeout(self, ms: int) -> None:
        if self._conn is not None:
            self._conn.set_query_timeout(ms)

    def end(self) -> Any:
        """End the read: its connection, for the next, or None when it is closed."""
        conn, self._conn = self._conn, None
        if conn is None:
            return None
        try:
            conn.execute("COMMIT")
        except RuntimeError:
            conn.close()
            return None
        return conn


def _plain(value: Any) -> Any:
    """A result value as JSON-ready data: a node or edge becomes its properties and ``label``, a path
    its ``nodes`` and ``edges`` (inside a path a node carries every label's properties: unset ones go)."""
    if isinstance(value, dict):
        keys = {k.lower(): k for k in value if k.startswith("_")}
        if "_nodes" in keys and "_rels" in keys:
            return {"nodes": _plain(value[keys["_nodes"]]), "edges": _plain(value[keys["_rels"]])}
        out = {k: _plain(v) for k, v in value.items() if not k.startswith("_") and (v is not None or not keys)}
        if "_label" in keys:
            out["label"] = value[keys["_label"]]
        return out
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def _cypher_error(exc: RuntimeError, timeout: float) -> QueryError:
    msg = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
    if "interrupt" in msg.lower() or "timeout" in msg.lower():
        return QueryError(f"the Cypher statement ran past its {timeout:g}s timeout",
                          suggestion="narrow the MATCH, anchor it on an id, or add a LIMIT")
    if "read-only" in msg.lower():
        return QueryError(f"the store refused a write: {msg}", suggestion="the graph is read-only here; ask with MATCH … RETURN")
    return QueryError(f"LadybugDB refused the Cypher statement: {msg}",
                      suggestion="check the syntax; labels are Project, Repo, File, Symbol, External")
_PER_ID_MAX = 1000
_ARROW_ROWS = 256  # from this many rows of plain values a result is read through Arrow (``_rows``)
_SCALAR_TYPES = frozenset({"STRING", "INT64", "INT32", "INT16", "INT8", "UINT64", "UINT32", "UINT16", "UINT8",
                           "DOUBLE", "FLOAT", "BOOL"})
_IDLE_CONNECTIONS = 8  # closed views' connections a handle keeps (a server's concurrent requests)
_UNWIND_IDS = "UNWIND $ids AS id\n"
_BEGIN_READ = "BEGIN TRANSACTION READ ONLY"
_ENDS_TRANSACTION = re.compile(r"\s*(BEGIN|COMMIT|ROLLBACK|CHECKPOINT)\b", re.IGNORECASE)
# The queries asked one id at a time (see _per_id): those whose batch form joins the CALLS table.
_PER_ID_QUERIES = frozenset({"deps_in", "deps_out", "deps_in_other", "supertypes"})


@cache
def _per_id(text: str) -> str | None:
    """The one-id form of a query that anchors a batch of ids by primary key, or None.

    LadybugDB 0.22 plans ``UNWIND $ids AS id MATCH (a:Symbol {id: id})-[e]->(b)`` as a join over the
    whole edge table: about 0.5 s on Django for one id or a hundred when the table is CALLS (180,000
    edges). The same pattern anchored on a parameter (``{id: $id}``) is a primary-key lookup, about
    0.3 ms a row, so up to ``_PER_ID_MAX`` ids are asked one by one — for the queries in
    ``_PER_ID_QUERIES`` only. Everywhere else the batch form is the cheaper one, by far: a node
    lookup (``symbols``, ``files``, ``externals``) takes about 10 ms for 300 ids against 100 ms one by
    one, ``imports_out`` (17,000 IMPORTS edges) 20 ms against 110-390 ms, and the counts of
    ``caller_counts``/``reference_counts`` and ``subtypes``, whose one-id form anchors on several
    labels and scans, 10-40 ms against several seconds (Django 5.0.14; docs/decisions/0013).
    """
    if text.count(_UNWIND_IDS) != 1 or "{id: id}" not in text:
        return None
    return text.replace(_UNWIND_IDS, "").replace("{id: id}", "{id: $id}")


def _raise_if_interrupted(exc: RuntimeError) -> None:
    """Ctrl-C inside a LadybugDB call (the Arrow scan calls back into Python) comes back
    wrapped in a RuntimeError; it is an interrupt, not a store failure."""
    if str(exc).startswith("KeyboardInterrupt"):
        raise KeyboardInterrupt from exc
