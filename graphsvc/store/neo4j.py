"""The server store: Neo4j 5 through the official driver.

``bolt://`` talks to one server, ``neo4j://`` routes on a cluster or Aura. Writes are
batched ``UNWIND`` statements inside one explicit transaction per change; uniqueness
constraints on every label's ``id`` are created on first use. Driver exceptions
become ``graphsvc.errors`` here, with the cause kept; a Ctrl-C stays a ``KeyboardInterrupt``
(``_keeps_ctrl_c``).
"""

from __future__ import annotations

import functools
import os
import signal
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

import neo4j
from neo4j import exceptions as neo4j_errors

from graphsvc.errors import QueryError, SchemaVersionError, StoreError, StoreUnavailable
from graphsvc.model import EDGE_SCHEMA, NODE_SCHEMA, Edge, Node
from graphsvc.store import cypher
from graphsvc.store.base import (FILE_LABELS, SCHEMA_VERSION, BulkRows, CypherAnswer, RepoChange, Rows, Store,
                                 StoredEdge, StoredFile, bulk_rows, edge_props, flatten, narrow, node_row, put_rows,
                                 summary_of, table_rows)
from queries import load

__all__ = ["Neo4jStore"]

_BATCH = 5000
_BULK_BATCH = 5000  # rows per transaction of a bulk load: larger ones cost the server more in garbage collection
_BULK_SESSIONS = 2  # transactions of a bulk load in flight at once (docs/decisions/0018)
# Operators a caller's Cypher may not be planned into, even in a READ transaction: LOAD CSV
# reads files and URLs, procedures reach the server's configuration and other databases.
_REFUSED_OPERATORS = ("LoadCSV", "ProcedureCall")

_P = ParamSpec("_P")
_R = TypeVar("_R")


class _CtrlC:
    """Ctrl-C, held back from the driver in the main thread while it talks to the server.

    A ``KeyboardInterrupt`` raised inside the driver can leave a connection in the middle of a
    message, and the driver's own cleanup then fails ("BeginMessage cannot be handled by a session
    in the IN_TRANSACTION state", a ``BufferError``) or never ends: ``Result._exhaust`` looped at
    full speed, for good, on a connection left so (once in 60 interrupted runs of ``graph ingest``).
    So while a call of this store runs (``_keeps_ctrl_c``), a Ctrl-C is noted, not raised; it is
    raised where the driver is between two messages: when the call returns, between two batches of
    a write (``_batched``) and while the write lock is awaited (``_WriteLock._wait``). A second
    Ctrl-C is raised at once, wherever it lands.

    Only where Ctrl-C raises ``KeyboardInterrupt`` (the main thread, with Python's own handler):
    a server's threads, or a process that handles SIGINT itself, keep what they have.
    """

    def __init__(self) -> None:
        self.depth = 0
        self.pending = False

    def hold(self) -> bool:
        """Hold Ctrl-C back; True if this call did (and must ``release``)."""
        if self.depth:
            self.depth += 1
            return True
        if threading.current_thread() is not threading.main_thread() \
                or signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
            return False
        signal.signal(signal.SIGINT, self._noted)
        self.depth = 1
        return True

    def release(self) -> bool:
        """Stop holding Ctrl-C back (the outermost ``hold``); True if one came meanwhile."""
        self.depth -= 1
        if self.depth:
            return False
        signal.signal(signal.SIGINT, signal.default_int_handler)
        pending, self.pending = self.pending, False
        return pending

    def raise_if_pending(self) -> None:
        """A point where the driver is between messages: a Ctrl-C held back is raised here."""
        if self.pending:
            raise KeyboardInterrupt

    def _noted(self, signum: int, frame: Any) -> None:
        if self.pending:  # the second: at once
            raise KeyboardInterrupt
        self.pending = True


_CTRL_C = _CtrlC()


def _keeps_ctrl_c(fn: Callable[_P, _R]) -> Callable[_P, _R]:
    """``fn``, which calls the driver, with Ctrl-C held back from the driver (``_CtrlC``) and raised as
    the interrupt it is, and a store's driver replaced after one.

    A Ctrl-C that reached the driver all the same (a second one) makes the driver clean up after
    it, and on a connection left in the middle of a message that cleanup fails in turn. That failure,
    not the interrupt, would reach the caller: ``graph ingest`` then exited 3 with it instead of 130,
    and ``graph watch`` would take it for a store to wait for. A connection handed back so can also
    answer the next statement with the rows of the one interrupted, or with none: a store that goes
    on after an interrupt does so with a new driver (``_renew_driver``)."""

    @functools.wraps(fn)
    def keeping(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        holding = _CTRL_C.hold()
        try:
            result = fn(*args, **kwargs)
        except BaseException as exc:
            interrupted = holding and _CTRL_C.release()
            if not (interrupted or _after_interrupt(exc)):
                raise
            if fn.__name__ != "__init__" and args and isinstance(args[0], Neo4jStore) and args[0]._driver is not None:
                args[0]._renew_driver()  # (a store being opened closes its driver itself)
            if isinstance(exc, KeyboardInterrupt):
                raise
            raise KeyboardInterrupt from exc
        if holding and _CTRL_C.release():
            raise KeyboardInterrupt
        return result

    return keeping


def _after_interrupt(exc: BaseException) -> bool:
    """True when ``exc`` was raised while a ``KeyboardInterrupt`` was being handled (or caused by one)."""
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, KeyboardInterrupt):
            return True
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return False


def _batched(tx: neo4j.ManagedTransaction, statement: str, key: str, items: list[Any]) -> None:
    for i in range(0, len(items), _BATCH):
        _CTRL_C.raise_if_pending()
        tx.run(statement, {key: items[i:i + _BATCH]}).consume()


class Neo4jStore(Store):
    """A Neo4j 5 database."""

    dialect = "neo4j"

    @_keeps_ctrl_c
    def __init__(self, url: str, user: str, password: str, database: str = "neo4j", *,
                 lock_timeout: float = 60.0) -> None:
        self.url = url
        self.database = database
        self.lock_timeout = lock_timeout
        self._auth = (user, password)
        self._lock: _WriteLock | None = None
        # The element id of each node a bulk load created, by id: its edges find their ends by it.
        self._element_ids: dict[str, str] = {}
        try:
            self._driver = self._new_driver()
            self._driver.verify_connectivity()
        except neo4j_errors.AuthError as exc:
            self._close_quietly()
            raise StoreUnavailable(f"Neo4j at {url} refused the credentials of user '{user}'",
                                   suggestion="check --neo4j-user/--neo4j-password or GRAPH_NEO4J_USER/"
                                   "GRAPH_NEO4J_PASSWORD") from exc
        except (neo4j_errors.ServiceUnavailable, neo4j_errors.DriverError, OSError, ValueError) as exc:
            self._close_quietly()
            raise StoreUnavailable(f"cannot reach Neo4j at {url} ({exc.__class__.__name__})",
                                   suggestion="start the server or fix --store") from exc
        except BaseException:
            self._close_quietly()
            raise
        try:
            self._ensure_schema()
        except BaseException:
            self._close_quietly()
            raise

    def _new_driver(self) -> neo4j.Driver:
        return neo4j.GraphDatabase.driver(
            self.url, auth=self._auth, connection_timeout=10, max_transaction_retry_time=5,
            # Server notices (e.g. "property does not exist" on a fresh database) are not errors.
            notifications_min_severity="OFF")

    def _renew_driver(self) -> None:
        """A new driver in place of one whose connections a Ctrl-C may have left mid-message
        (``_keeps_ctrl_c``); the old one's connections are dropped."""
        old, self._driver = self._driver, self._new_driver()
        try:
            old.close()
        except Exception:  # noqa: BLE001 - a connection left mid-message may fail to close; it is dropped
            pass

    def _close_quietly(self) -> None:
        driver = getattr(self, "_driver", None)
        if driver is not None:
            driver.close()
        self._driver = None  # type: ignore[assignment]

    def _session(self) -> neo4j.Session:
        return self._driver.session(database=self.database)

    @_keeps_ctrl_c
    def _rows(self, statement: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        try:
            records, _, _ = self._driver.execute_query(statement, params or {}, database_=self.database)
        except neo4j_errors.Neo4jError as exc:
            raise StoreError(f"Neo4j refused a statement: {exc.message}", where=self.url) from exc
        except neo4j_errors.DriverError as exc:
            raise StoreUnavailable(f"lost the connection to Neo4j at {self.url}: {exc}") from exc
        return [r.data() for r in records]

    def _ensure_schema(self) -> None:
        # One round trip to list what exists, where creating each constraint "IF NOT EXISTS" took
        # 19 (0.1-0.15 s of every open); only the missing ones are created.
        have = {r["name"] for r in self._rows("SHOW CONSTRAINTS YIELD name RETURN name")}
        for label in (*NODE_SCHEMA, "Meta"):
            key = "key" if label == "Meta" else "id"
            name = f"{label.lower()}_{key}"
            if name not in have:
                self._rows(f"CREATE CONSTRAINT {name} IF NOT EXISTS FOR (n:{label}) REQUIRE n.{key} IS UNIQUE")
        rows = self._rows("MATCH (m:Meta {key: 'schemaVersion'}) RETURN m.value AS v")
        if not rows:
            self._rows("MERGE (m:Meta {key: 'schemaVersion'}) SET m.value = $v", {"v": str(SCHEMA_VERSION)})
        elif rows[0]["v"] != str(SCHEMA_VERSION):
            raise SchemaVersionError(
                f"Neo4j at {self.url} holds schema version {rows[0]['v']}, this graphsvc writes {SCHEMA_VERSION}",
                suggestion="drop the graph (MATCH (n) DETACH DELETE n) and run `graph ingest` again")

    # -- Store -------------------------------------------------------------------------

    def repo(self, repo_id: str) -> dict[str, Any] | None:
        rows = self._rows("MATCH (r:Repo {id: $id}) RETURN properties(r) AS r", {"id": repo_id})
        return dict(rows[0]["r"]) if rows else None

    def refresh_stats(self, repo_id: str, rows: list[dict[str, Any]]) -> None:
        self._write(lambda tx: _batched(tx, cypher.refresh_stats(), "rows", rows))

    def stored_files(self, repo_id: str) -> dict[str, StoredFile]:
        rows = self._rows(load("stored_files", "neo4j"), {"repo": repo_id})
        return {r["path"]: StoredFile(r["path"], r["hash"], summary_of(r["summary"]), r["size"],
                                      r["mtimeNs"], r["inode"]) for r in rows}

    def delete_repo(self, repo_id: str) -> None:
        # Batched: one repo's facts can exceed the server's transaction memory limit.
        for label, prefix in (("Symbol", "sym"), ("SpecItem", "spec"), ("Task", "task"), ("File", "file")):
            statement = (f"MATCH (n:{label}) WHERE n.id STARTS WITH $p WITH n LIMIT {_BATCH} "
                         "DETACH DELETE n RETURN count(*) AS deleted")
            while self._rows(statement, {"p": f"{prefix}:{repo_id}:"})[0]["deleted"]:
                pass
        self._rows(cypher.gc_externals())

    @_keeps_ctrl_c
    def _write(self, work: Any) -> Any:
        try:
            with self._session() as session:
                return session.execute_write(work)
        except neo4j_errors.Neo4jError as exc:
            raise StoreError(f"Neo4j refused a write: {exc.message}", where=self.url) from exc
        except neo4j_errors.DriverError as exc:
            raise StoreUnavailable(f"lost the connection to Neo4j at {self.url}: {exc}",
                                   suggestion="nothing was written; run again when it is back") from exc

    def lock_writes(self, repo_id: str) -> None:
        if self._lock is None:
            self._lock = _WriteLock.take(self, repo_id)

    def _release_lock(self) -> None:
        lock, self._lock = self._lock, None
        if lock is not None:
            lock.release()

    def apply(self, change: RepoChange) -> None:
        self.lock_writes(change.repo.id)
        try:
            self._apply_locked(change)
        finally:
            self._release_lock()

    def _apply_locked(self, change: RepoChange) -> None:
        existing = self.repo(change.repo.id)
        if change.full or (existing is not None and existing.get("state") == "writing"):
            self._apply_bulk(change)
            return

        def work(tx: neo4j.ManagedTransaction) -> None:
            rows = flatten(change)  # here, not outside: the driver may run `work` again
            record = tx.run("MATCH (r:Repo {id: $id}) RETURN properties(r) AS r", id=change.repo.id).single()
            change.repo.props["generation"] = change.next_generation(dict(record["r"]) if record else None)
            self._write_repo_nodes(tx, change, "ok")
            # Write only what differs from the store (see the LadybugDB store).
            drop = narrow(rows, _stored_nodes(tx, rows.nodes), _stored_out_edges(tx, rows))
            by_type: dict[tuple[str, str, str], list[dict[str, str]]] = {}
            for etype, sl, src, dl, dst in sorted(drop):
                by_type.setdefault((etype, sl, dl), []).append({"src": src, "dst": dst})
            for (etype, sl, dl), pairs in by_type.items():
                _batched(tx, f"UNWIND $rows AS p MATCH (a:{sl} {{id: p.src}})-[r:{etype}]->(b:{dl} {{id: p.dst}}) "
                             f"USING INDEX SEEK a:{sl}(id) DELETE r", "rows", pairs)
            for label, ids in rows.delete_nodes.items():
                _batched(tx, cypher.delete_nodes(label), "ids", ids)
            for label in FILE_LABELS:
                if rows.nodes.get(label):
                    _batched(tx, cypher.merge_nodes(label), "rows", rows.nodes[label])
            for (etype, src, dst), edge_rows in rows.edges.items():
                if edge_rows:
                    _batched(tx, cypher.create_edges(etype, src, dst), "rows", edge_rows)
            if any(dl == "External" for _, _, _, dl, _ in drop) or any(rows.delete_nodes.values()):
                tx.run(cypher.gc_externals()).consume()

        self._write(work)

    def put(self, nodes: list[Node], edges: list[Edge], delete: dict[str, list[str]] | None = None) -> None:
        node_rows, edge_rows = put_rows(nodes, edges)

        def work(tx: neo4j.ManagedTransaction) -> None:
            for label, ids in (delete or {}).items():
                _batched(tx, cypher.delete_nodes(label), "ids", ids)
            for label, label_rows in node_rows.items():
                _batched(tx, cypher.merge_nodes(label), "rows", label_rows)
            for (etype, src, dst), rows in edge_rows.items():
                _batched(tx, cypher.merge_edges(etype, src, dst), "rows", rows)

        self._write(work)

    @staticmethod
    def _write_repo_nodes(tx: neo4j.ManagedTransaction, change: RepoChange, state: str) -> None:
        _batched(tx, cypher.merge_nodes("Project"), "rows", [node_row(change.project)])
        repo = node_row(change.repo)
        repo["state"] = state
        _batched(tx, cypher.merge_nodes("Repo"), "rows", [repo])
        tx.run("MATCH (p:Project {id: $p}) MATCH (r:Repo {id: $r}) MERGE (p)-[:HAS_REPO]->(r)",
               p=change.project.id, r=change.repo.id).consume()

    def _apply_bulk(self, change: RepoChange) -> None:
        """Write a whole repo in bounded transactions, marked ``writing`` until the last one.

        A whole repo can exceed a server's transaction memory limit
        (``dbms.memory.transaction.total.max``), so the bulk path commits batch by batch; a run
        that finds the mark left behind by a crash rebuilds the repo (see the LadybugDB store).
        """
        change.repo.props["generation"] = change.next_generation(self.repo(change.repo.id))
        self._write(lambda tx: self._write_repo_nodes(tx, change, "writing"))
        # A repo this run marked itself (``begin_bulk``) holds only what the run wrote ahead.
        kept = [] if change.early else self.overlay_edges(change.repo.id)
        if not change.early:
            self.delete_repo(change.repo.id)
        for fg in change.writes:
            change.old.pop(fg.path, None)
        change.removed = []
        rows = bulk_rows(change)
        if not change.early:
            self._element_ids = {}
        try:
            # Every node before any edge: an edge's MATCH must find both ends.
            self._write_concurrently([
                # The repo's own nodes are gone (delete_repo above): CREATE skips MERGE's lookup. External
                # nodes are shared with other repos.
                (cypher.returning_ids(cypher.merge_node_rows(label) if label == "External"
                                      else cypher.create_node_rows(label)), rows.node_rows(label))
                for label in FILE_LABELS], keep_ids=True)
            self._write_concurrently(self._edge_statements(rows))
        finally:
            self._element_ids = {}
        if kept:
            self.put([], kept)
        self._write(lambda tx: (tx.run(cypher.gc_externals()).consume(),
                                self._write_repo_nodes(tx, change, "ok")))

    def _edge_statements(self, rows: BulkRows) -> list[tuple[str, list[tuple[Any, ...]]]]:
        """The statements that create the load's edges, with their rows: by the element ids of their
        ends where this load created both (every edge but the repo's own, on Django), else by id.
        The write lock (decision 0019) is held from the nodes' creation to here, so no other writer
        can have deleted a node and had its element id reused."""
        element = self._element_ids
        statements: list[tuple[str, list[tuple[Any, ...]]]] = []
        for (etype, src, dst), edge_rows in rows.edge_rows().items():
            between: list[tuple[Any, ...]] = []
            by_id: list[tuple[Any, ...]] = []
            for row in edge_rows:
                a, b = element.get(row[0]), element.get(row[1])
                if a is None or b is None:
                    by_id.append(row)
                else:
                    between.append((a, b, *row[2:]))
            statements += [(cypher.create_edge_rows_between(etype), between),
                           (cypher.create_edge_rows(etype, src, dst), by_id)]
        return statements

    def begin_bulk(self, project: Node, repo: Node) -> None:
        change = RepoChange(project=project, repo=repo)
        self._write(lambda tx: self._write_repo_nodes(tx, change, "writing"))
        self._element_ids = {}

    def bulk_nodes(self, label: str, rows: list[tuple[Any, ...]] | Any) -> None:
        if not isinstance(rows, list):  # an Arrow table
            rows = table_rows(rows)
        self._write_concurrently([(cypher.returning_ids(cypher.create_node_rows(label)), rows)], keep_ids=True)

    def _write_concurrently(self, statements: list[tuple[str, list[tuple[Any, ...]]]], *,
                            keep_ids: bool = False) -> None:
        """Run each statement over its rows in transactions of ``_BULK_BATCH`` rows, ``_BULK_SESSIONS`` at a time;
        ``keep_ids``: the statements return ``(id, element id)`` rows, kept for the load's edges.

        The batches of one call must not depend on each other. While one transaction runs on the
        server the next is packed and sent, and a server with a core to spare runs both. Two batches
        may share end nodes: Neo4j 5 locks them at commit, in one order, so none deadlocked when
        measured (docs/decisions/0018); the driver retries one anyway.
        """

        def batch(tx: neo4j.ManagedTransaction, statement: str, chunk: list[tuple[Any, ...]]) -> list[Any] | None:
            result = tx.run(statement, {"rows": chunk})
            if keep_ids:
                return result.values()
            result.consume()
            return None

        with ThreadPoolExecutor(_BULK_SESSIONS, thread_name_prefix="neo4j-bulk") as pool:
            futures = [pool.submit(self._write,
                                   lambda tx, st=statement, c=items[i:i + _BULK_BATCH]: batch(tx, st, c))
                       for statement, items in statements for i in range(0, len(items), _BULK_BATCH)]
            try:
                for future in futures:
                    pairs = future.result()
                    if pairs:
                        self._element_ids.update(pairs)
            finally:
                for future in futures:
                    future.cancel()

    def read(self, name: str, **params: Any) -> list[dict[str, Any]]:
        return self._rows(load(name, "neo4j"), params)

    @_keeps_ctrl_c
    def read_only_cypher(self, statement: str, params: dict[str, Any], *, max_rows: int,
                         timeout: float) -> CypherAnswer:
        # The server refuses any write in a READ access-mode transaction; the plan check keeps
        # LOAD CSV and procedure calls out, which READ mode alone would allow.
        try:
            with self._driver.session(database=self.database, default_access_mode=neo4j.READ_ACCESS) as session:
                with session.begin_transaction(timeout=timeout) as tx:
                    plan = tx.run("EXPLAIN " + statement, params).consume().plan or {}
                    refused = _refused_operator(plan)
                    if refused:
                        raise QueryError(f"the statement is not a read of the graph (it plans to {refused})",
                                         suggestion="MATCH … RETURN over the graph's nodes and edges only; "
                                         "no LOAD CSV, no CALL of procedures")
                    result = tx.run(statement, params)
                    columns = tuple(result.keys())
                    rows: list[tuple[Any, ...]] = []
                    for record in result:
                        rows.append(tuple(_plain(v) for v in record.values()))
                        if len(rows) > max_rows:
                            break
                    tx.rollback()
        except neo4j_errors.Neo4jError as exc:
            raise _cypher_error(exc, timeout) from exc
        except neo4j_errors.DriverError as exc:
            raise StoreUnavailable(f"lost the connection to Neo4j at {self.url}: {exc}") from exc
        return CypherAnswer(columns=columns, rows=tuple(rows[:max_rows]), truncated=len(rows) > max_rows)
    def execute_writes(self, statements: list[tuple[str, dict[str, Any]]]) -> None:
        def work(tx: neo4j.ManagedTransaction) -> None:
            for statement, params in statements:
                tx.run(statement, params).consume()

        self._write(work)

    def export(self) -> tuple[list[tuple[str, dict[str, Any]]], list[tuple[str, str, str, dict[str, Any]]]]:
        nodes = []
        for label in NODE_SCHEMA:
            for row in self._rows(f"MATCH (n:{label}) RETURN properties(n) AS n"):
                nodes.append((label, dict(row["n"])))
        edges = []
        for etype in EDGE_SCHEMA:
            for row in self._rows(f"MATCH (a)-[r:{etype}]->(b) RETURN a.id AS src, b.id AS dst, properties(r) AS r"):
                edges.append((etype, row["src"], row["dst"], dict(row["r"])))
        return nodes, edges

    @_keeps_ctrl_c
    def close(self) -> None:
        try:
            self._release_lock()
        finally:
            self._close_quietly()


class _WriteLock:
    """The write lock of a Neo4j database: a transaction of its own connection that has written the
    lock row (a ``Meta`` node) and stays open, so the server holds that node's write lock until it
    ends. Another writer's same write waits for it; a writer that dies loses its connection and the
    server ends the transaction, lock and all: nothing is left to clean up or expire.

    One lock for the database, not one per repo: a load creates the External nodes of its repo
    before the edges into them, and another repo's write deletes the External nodes nothing points
    at (docs/decisions/0019).

    The wait runs in a thread so that it can be bounded: past the timeout the connection is closed,
    which ends the waiting transaction on the server. Who holds the lock is written beside it, in a
    row of its own (the lock row's own value is not visible before the holder commits, which it
    never does); a waiter that gives up names it.
    """

    def __init__(self, repo: str, driver: neo4j.Driver, session: neo4j.Session, tx: neo4j.Transaction) -> None:
        self.repo, self._driver, self._session, self._tx = repo, driver, session, tx

    @classmethod
    @_keeps_ctrl_c
    def take(cls, store: Neo4jStore, repo_id: str) -> _WriteLock:
        key = "writeLock"
        driver = neo4j.GraphDatabase.driver(store.url, auth=store._auth, connection_timeout=10,
                                            notifications_min_severity="OFF")
        session = driver.session(database=store.database)
        waiting: list[threading.Thread] = []

        def give_up() -> None:
            driver.close()  # ends a transaction still waiting on the server, and with it its thread
            for thread in waiting:
                thread.join(10)
            try:
                session.close()
            except (neo4j_errors.DriverError, neo4j_errors.Neo4jError, OSError):
                pass

        try:
            tx = session.begin_transaction()  # connecting is not waiting for the lock
            while not cls._wait(tx, key, store.lock_timeout, waiting):
                tx.rollback()  # the database's first writer: the lock row is made, committed, then taken
                session.run("MERGE (m:Meta {key: $k})", k=key).consume()
                tx = session.begin_transaction()
        except TimeoutError:
            give_up()
            holder = store._rows("MATCH (m:Meta {key: $k}) RETURN m.value AS v", {"k": key + ":holder"})
            who = holder[0]["v"] if holder and holder[0]["v"] else "another writer"
            raise StoreUnavailable(f"the graph is being written by {who} (waited {store.lock_timeout:g}s)",
                                   where=store.url, suggestion="wait for it to finish, or raise GRAPH_LOCK_TIMEOUT"
                                   ) from None
        except neo4j_errors.Neo4jError as exc:
            give_up()
            raise StoreError(f"Neo4j refused the write lock: {exc.message}", where=store.url) from exc
        except (neo4j_errors.DriverError, OSError) as exc:
            give_up()
            raise StoreUnavailable(f"lost the connection to Neo4j at {store.url}: {exc}",
                                   suggestion="nothing was written; run again when it is back") from exc
        except BaseException:
            give_up()
            raise
        at = datetime.now(UTC).isoformat(timespec="seconds")
        store._rows("MERGE (m:Meta {key: $k}) SET m.value = $v",
                    {"k": key + ":holder",
                     "v": f"process {os.getpid()} on {socket.gethostname()}, writing {repo_id}, since {at}"})
        return cls(repo_id, driver, session, tx)

    @staticmethod
    def _wait(tx: neo4j.Transaction, key: str, timeout: float, waiting: list[threading.Thread]) -> bool:
        """Write the lock row in ``tx``, waiting at most ``timeout`` s for its lock; False when the
        row does not exist yet.

        Raises:
            TimeoutError: another writer held the lock past the timeout.
        """
        outcome: list[Any] = []
        done = threading.Event()

        def write() -> None:
            try:
                outcome.append(tx.run("MATCH (m:Meta {key: $k}) SET m.value = $v RETURN count(*) AS n",
                                      k=key, v=str(time.time_ns())).single(strict=True)["n"])
            except BaseException as exc:  # handed to the caller
                outcome.append(exc)
            finally:
                done.set()

        thread = threading.Thread(target=write, name="neo4j write lock", daemon=True)
        waiting.append(thread)
        thread.start()
        deadline = time.monotonic() + timeout
        while not done.wait(min(0.05, max(0.0, deadline - time.monotonic()))):
            _CTRL_C.raise_if_pending()
            if time.monotonic() >= deadline:
                raise TimeoutError
        if isinstance(outcome[0], BaseException):
            raise outcome[0]
        return bool(outcome[0])

    @_keeps_ctrl_c
    def release(self) -> None:
        """End the transaction, which lets the lock go; quietly, as a lost connection lets it go too."""
        try:
            self._tx.rollback()
            self._session.close()
        except (neo4j_errors.DriverError, neo4j_errors.Neo4jError, OSError):
            pass
        finally:
            self._driver.close()


def _refused_operator(plan: dict[str, Any]) -> str | None:
    op = str(plan.get("operatorType", "")).split("@")[0]
    if any(op.startswith(r) for r in _REFUSED_OPERATORS):
        return op
    for child in plan.get("children", []):
        found = _refused_operator(child)
        if found:
            return found
    return None


def _plain(value: Any) -> Any:
    """A result value as JSON-ready data: a node or edge becomes its properties and ``label``/``type``."""
    from neo4j import graph as neo4j_graph

    if isinstance(value, neo4j_graph.Node):
        return {**{k: _plain(v) for k, v in value.items()}, "label": next(iter(value.labels), None)}
    if isinstance(value, neo4j_graph.Relationship):
        return {**{k: _plain(v) for k, v in value.items()}, "label": value.type}
    if isinstance(value, neo4j_graph.Path):
        return {"nodes": [_plain(n) for n in value.nodes], "edges": [_plain(r) for r in value.relationships]}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def _cypher_error(exc: neo4j_errors.Neo4jError, timeout: float) -> QueryError:
    code = exc.code or ""
    msg = (exc.message or code).strip().splitlines()[0]
    if "TransactionTimedOut" in code or "Terminated" in code:
        return QueryError(f"the Cypher statement ran past its {timeout:g}s timeout",
                          suggestion="narrow the MATCH, anchor it on an id, or add a LIMIT")
    if "AccessMode" in code or "Forbidden" in code:
        return QueryError(f"the store refused a write: {msg}",
                          suggestion="the graph is read-only here; ask with MATCH … RETURN")
    return QueryError(f"Neo4j refused the Cypher statement: {msg}",
                      suggestion="check the syntax; labels are Project, Repo, File, Symbol, External")


def _stored_nodes(tx: neo4j.ManagedTransaction,
                  nodes: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, dict[str, Any]]]:
    """The stored properties of the nodes about to be written, by label and id."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for label, label_rows in nodes.items():
        have = out.setdefault(label, {})
        ids = [r["id"] for r in label_rows]
        for i in range(0, len(ids), _BATCH):
            for rec in tx.run(f"UNWIND $ids AS i MATCH (n:{label} {{id: i}}) USING INDEX SEEK n:{label}(id) "
                              "RETURN properties(n) AS n",
                              ids=ids[i:i + _BATCH]):
                have[rec["n"]["id"]] = dict(rec["n"])
    return out


def _stored_out_edges(tx: neo4j.ManagedTransaction, rows: Rows) -> list[StoredEdge]:
    """The stored outgoing edges of the nodes whose edges a change replaces."""
    out: list[StoredEdge] = []
    for label in sorted(set(rows.delete_out) | set(rows.delete_deps)):
        ids = sorted(set(rows.delete_out.get(label, [])) | set(rows.delete_deps.get(label, [])))
        for i in range(0, len(ids), _BATCH):
            # A seek per id, by hint (see ``cypher._seek``): after a repo was deleted and loaded again, the
            # plan in the server's cache scanned the index instead, 0.85 s a call (every save of `graph watch`).
            for r in tx.run(f"UNWIND $ids AS i MATCH (a:{label} {{id: i}})-[r]->(b) USING INDEX SEEK a:{label}(id) "
                            "RETURN a.id AS src, type(r) AS t, b.id AS dst, head(labels(b)) AS dl, properties(r) AS r",
                            ids=ids[i:i + _BATCH]):
                out.append((r["t"], label, r["src"], r["dl"], r["dst"], edge_props(r["t"], dict(r["r"]))))
    return out
