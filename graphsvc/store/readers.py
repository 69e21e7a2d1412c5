"""A read-only store kept open between requests, for servers that answer many small ones.

Opening the embedded store costs tens of milliseconds on a Django-sized graph (hundreds on a
busy machine), more than most questions. A server therefore keeps its read-only handle between
requests, without holding the readers' lock (which would keep writers out), and before each
request takes the lock again and checks that no write happened since the handle was opened
(``LadybugStore.resume``). When one did, the handle is replaced, so every answer still reflects
every write committed before the request (docs/decisions/0010)::

    readers = KeptReader(settings)
    with readers.use() as store:
        page = callers(store, symbol_id, window())

Neo4j needs none of this: one store (its driver pools connections) serves every request.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from graphsvc.errors import QueryError
from graphsvc.settings import Settings
from graphsvc.store import Store, open_store

__all__ = ["KeptReader"]


class KeptReader:
    """One read-only store for a server's requests, one request at a time."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.embedded = settings.store.startswith("ladybug:")
        self._store: Store | None = None
        self._mutex = threading.Lock()
        self.reopened = 0  # how many times a write made the handle stale

    @contextmanager
    def use(self) -> Iterator[Store]:
        """The store for one request, current as of the request's start."""
        with self._mutex:
            store = self._store
            if store is None:
                store = self._store = open_store(self.settings, read_only=True)
            elif self.embedded and not store.resume(self.settings.lock_timeout):  # type: ignore[attr-defined]
                self._store = None
                store.close()
                self.reopened += 1
                store = self._store = open_store(self.settings, read_only=True)
            try:
                yield store
            except QueryError:
                raise  # a bad question: the handle is fine
            except BaseException:
                self._store = None
                store.close()
                raise
            finally:
                if self.embedded and self._store is not None:
                    self._store.suspend()  # type: ignore[attr-defined]

    def close(self) -> None:
        with self._mutex:
            if self._store is not None:
                self._store.close()
                self._store = None
