"""How a request reaches the store.

The embedded store (LadybugDB) is opened read-only for each request and closed after it: a
read-only handle sees the snapshot it opened, so a fresh one per request sees every write
committed before the request began, and the server never holds the write lock that ``graph
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


class StoreAccess:
    """Opens stores for requests: one per request for the embedded store, one shared for Neo4j."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.shared = not settings.store.startswith("ladybug:")
        self._store: Store | None = None
        self._lock = threading.Lock()

    def acquire(self) -> Store:
        """A store for one request; give it back with ``release``."""
        if not self.shared:
            return open_store(self.settings, read_only=True)
        with self._lock:
            if self._store is None:
                self._store = open_store(self.settings, read_only=True)
            return self._store

    def release(self, store: Store) -> None:
        """Give back a store from ``acquire``."""
        if not self.shared:
            store.close()

    def session(self) -> StoreSession:
        """A lazily opened store for one request."""
        return StoreSession(self)

    def close(self) -> None:
        """Close the shared store, if one was opened."""
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None


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
    """The context of a GraphQL request: its store session."""

    def __init__(self, session: StoreSession) -> None:
        super().__init__()
        self.session = session
