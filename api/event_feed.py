"""Live events for subscribers: the server tails the store's event log (``graphsvc/events.py``).

Every process that shares the store appends its events to one log, the server's own
mutations and background ingests included, so one tailer sees them all in the order they
were written. The tailer runs while anyone subscribes; each subscriber has a bounded queue,
and one that falls behind by ``QUEUE_SIZE`` events loses the oldest (a slow client never stalls
the others or grows the server's memory).
"""

from __future__ import annotations

import asyncio
import contextlib
import fnmatch
from collections.abc import AsyncIterator

from graphsvc.events import Event, EventLog, LogTail

__all__ = ["EventFeed", "matches"]

POLL_SECONDS = 0.05
QUEUE_SIZE = 1000


def matches(pattern: str | None, subject: str) -> bool:
    """``None``/``""``/``*`` match everything; ``graph.ingest.*`` or ``graph.ingest.>`` a prefix; else exact."""
    if not pattern or pattern in ("*", ">"):
        return True
    if pattern.endswith(".>"):
        return subject.startswith(pattern[:-1])
    return fnmatch.fnmatchcase(subject, pattern) if any(c in pattern for c in "*?[") else subject == pattern


class EventFeed:
    """Fans the events appended to a log out to the server's subscribers."""

    def __init__(self, log: EventLog) -> None:
        self.log = log
        self._queues: set[asyncio.Queue[Event]] = set()
        self._task: asyncio.Task[None] | None = None

    async def _tail(self) -> None:
        tail = LogTail(self.log)
        while self._queues:
            for event in await asyncio.to_thread(tail.poll):
                for queue in list(self._queues):
                    if queue.full():
                        queue.get_nowait()
                    queue.put_nowait(event)
            await asyncio.sleep(POLL_SECONDS)
        self._task = None

    async def subscribe(self, subject: str | None = None, correlation_id: str | None = None) -> AsyncIterator[Event]:
        """Yield every event from now on whose subject matches (and correlation id, when given)."""
        queue: asyncio.Queue[Event] = asyncio.Queue(QUEUE_SIZE)
        self._queues.add(queue)
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._tail())
            await asyncio.sleep(0)  # the tailer records the log's end before the caller triggers anything
        try:
            while True:
                event = await queue.get()
                same_run = correlation_id is None or event.correlation_id == correlation_id
                if same_run and matches(subject, event.subject):
                    yield event
        finally:
            self._queues.discard(queue)

    async def close(self) -> None:
        """Stop tailing."""
        self._queues.clear()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
