"""Garbage collection out of the request path (docs/decisions/0015).

A server's long-lived objects (the search index's names, kept graph answers, the GraphQL schema)
are hundreds of thousands of tracked objects, and a request that builds a large answer (a
1,000-node ``projectGraph`` makes about 60,000 objects) sets off the collector's full pass over
all of them: 70-250 ms on the shared 2-core machine, inside whichever request triggered it.

What a request leaves behind is frozen when it ends (``gc.freeze``, a list splice), so the
collector's passes during requests walk only what later requests make. Frozen objects that turn
into garbage are freed by reference counting like any other; only cycles among them wait for a
sweep (unfreeze, full collection, freeze), which runs once the server has been idle for
``IDLE_SECONDS``, or after ``MAX_SECONDS`` without one however busy it is.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import time

from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["Collector", "CollectorMiddleware"]

IDLE_SECONDS = 2.0
MAX_SECONDS = 300.0


class Collector:
    """Counts requests in flight and sweeps when none has been for a while."""

    def __init__(self, idle: float = IDLE_SECONDS, longest: float = MAX_SECONDS) -> None:
        self.idle, self.longest = idle, longest
        self.in_flight = 0
        self.last_end = time.monotonic()
        self.last_sweep = time.monotonic()
        self.dirty = False  # frozen since the last sweep
        self.sweeps = 0
        self._task: asyncio.Task[None] | None = None

    def started(self) -> None:
        self.in_flight += 1

    def ended(self) -> None:
        self.in_flight -= 1
        self.last_end = time.monotonic()
        if self._task is not None:  # an app run without its lifespan never sweeps: it never freezes
            gc.freeze()
            self.dirty = True

    def sweep(self) -> None:
        """Collect every generation, frozen ones included, and freeze what survives."""
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        self.dirty = False
        self.sweeps += 1
        self.last_sweep = time.monotonic()

    def due(self, now: float) -> bool:
        if not self.dirty:
            return False
        quiet = self.in_flight == 0 and now - self.last_end >= self.idle
        return quiet or now - self.last_sweep >= self.longest

    def start(self) -> None:
        self.sweep()  # what the start-up made (modules, the schema) is never walked again
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        gc.unfreeze()

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(min(self.idle, 1.0) / 2)
            if self.due(time.monotonic()):
                self.sweep()


class CollectorMiddleware:
    """Tells the collector when an HTTP request starts and ends (WebSockets stay open: not counted)."""

    def __init__(self, app: ASGIApp, collector: Collector) -> None:
        self.app, self.collector = app, collector

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self.collector.started()
        try:
            await self.app(scope, receive, send)
        finally:
            self.collector.ended()
