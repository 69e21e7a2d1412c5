"""How a request reaches the store.

The embedded store (LadybugDB) is read through a read-only handle. Opening one costs tens of
milliseconds on a Django-sized graph (hundreds on a busy machine), so the server keeps one open
between requests, each request using a connection of its own to it (``LadybugStore.view``). While
that handle lives it holds the store's shared lock, so no write can commit and it is never stale;
a writer that wants the lock says so (``writer_waiting``), and a watcher thread then retires the
handle: no new request uses it, and it closes when the last one using it finishes. Until the
writer is done, requests open a handle of their own and close it after (the snapshot they open
holds every write committed before), and the server never holds the write lock that ``graph
ingest`` and ``graph watch`` need. Neo4j is reached through one store for the whole app (its
driver pools connections and is safe to share between threads).

Store calls block, so they run in the thread pool; the calls of one request share its store
handle one at a time (the resolvers of a GraphQL request run concurrently)::

    session = access.session()
    try:
        page = await session.run(graph.callers, symbol_id, graph.window())
    finally:
        await session.aclose()
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from starlette.concurrency import run_in_threadpool
from strawberry.fastapi import BaseContext

from graphsvc.settings import Settings
from graphsvc.store import Store, open_store

__all__ = ["GraphContext", "StoreAccess", "StoreSession"]

R = TypeVar("R")
_MAX_OWN_HANDLES = 4


class StoreAccess:
    """Opens stores for requests: a kept read-only handle (or one per request while a writer waits)
    for the embedded store, one shared store for Neo4j."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.shared = not settings.store.startswith("ladybug:")
        self._store: Store | None = None
        self._lock = threading.Lock()
        self._kept: Any = None  # the embedded store's kept read-only handle
        self._users = 0
        self._retired = False
        self._watcher: threading.Thread | None = None
        self._stop = threading.Event()
        # Each LadybugDB handle reserves a large address-space region (about 8 TiB of mmap): fifty
        # handles at once fail, so per-request handles are few at a time and the others wait.
        self._opens = threading.BoundedSemaphore(_MAX_OWN_HANDLES)

    def acquire(self) -> Store:
        """A store for one request; give it back with ``release``."""
        if self.shared:
            with self._lock:
                if self._store is None:
                    self._store = open_store(self.settings, read_only=True)
                return self._store
        with self._lock:
            if self._kept is not None and not self._retired:
                self._users += 1
                kept = self._kept
            else:
                kept = None
        if kept is not None:
            return kept.view()  # type: ignore[no-any-return]
        from graphsvc.store.ladybug import writer_waiting

        self._opens.acquire()
        try:
            store = open_store(self.settings, read_only=True)
        except BaseException:
            self._opens.release()
            raise
        with self._lock:
            if self._kept is None and not writer_waiting(store.path):  # type: ignore[attr-defined]
                self._kept, self._users, self._retired = store, 1, False
                self._watch()
                keep = True
            else:
                keep = False
        if keep:
            self._opens.release()  # the kept handle is one for all requests
            return store.view()  # type: ignore[attr-defined, no-any-return]
        store._own = True  # type: ignore[attr-defined]
        return store

    def release(self, store: Store) -> None:
        """Give back a store from ``acquire``."""
        if self.shared:
            return
        store.close()
        if getattr(store, "_own", False):
            self._opens.release()
        if not getattr(store, "_is_view", False):
            return
        with self._lock:
            self._users -= 1
            done = self._retired and self._users == 0 and self._kept is not None
            kept = self._kept if done else None
            if done:
                self._kept = None
        if kept is not None:
            kept.close()

    def _watch(self) -> None:  # started with the first kept handle
        if self._watcher is None:
            self._watcher = threading.Thread(target=self._watch_writers, name="store-watcher", daemon=True)
            self._watcher.start()

    def _watch_writers(self) -> None:
        from graphsvc.store.ladybug import writer_waiting

        while not self._stop.wait(0.01):
            with self._lock:
                kept = self._kept if not self._retired else None
            if kept is None or not writer_waiting(kept.path):
                continue
            with self._lock:
                self._retired = True
                idle = self._users == 0 and self._kept is kept
                if idle:
                    self._kept = None
            if idle:
                kept.close()

    def session(self) -> StoreSession:
        """A lazily opened store for one request."""
        return StoreSession(self)

    def close(self) -> None:
        """Close the shared store and the kept handle, if any."""
        self._stop.set()
        with self._lock:
            stores = [s for s in (self._store, self._kept) if s is not None]
            self._store = self._kept = None
        for store in stores:
            store.close()


class StoreSession:
    """One request's store: opened on first use, used by one call at a time, closed at the end."""

    def __init__(self, access: StoreAccess) -> None:
        self._access = access
        self._store: Store | None = None
        self._lock = threading.Lock()

    @property
    def settings(self) -> Settings:
        """The settings of the store (a mutation opens its own writer with them, for one write)."""
        return self._access.settings

    def call(self, fn: Callable[..., R], *args: Any, **kwargs: Any) -> R:
        """Run ``fn(store, *args, **kwargs)`` in the calling thread."""
        with self._lock:
            if self._store is None:
                self._store = self._access.acquire()
            return fn(self._store, *args, **kwargs)

    async def run(self, fn: Callable[..., R], *args: Any, **kwargs: Any) -> R:
        """Run ``fn(store, *args, **kwargs)`` in the thread pool."""
        return await run_in_threadpool(self.call, fn, *args, **kwargs)

    def close(self) -> None:
        """Give the store back."""
        with self._lock:
            if self._store is not None:
                self._access.release(self._store)
                self._store = None

    async def aclose(self) -> None:
        """Give the store back, from the event loop."""
        await run_in_threadpool(self.close)


class GraphContext(BaseContext):
    """The context of a GraphQL request: its store session and the app's services (settings, API keys,
    the live event feed, background ingest runs) for the fields that need them."""

    def __init__(self, session: StoreSession, services: Any = None) -> None:
        super().__init__()
        self.session = session
        self.services = services
        self.keys = getattr(services, "keys", None)
