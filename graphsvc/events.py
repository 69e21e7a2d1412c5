"""Events: what ingest and watch report while they work, with a correlation id.

Subjects::

    graph.ingest.started     {repo, mode}
    graph.ingest.finished    {repo, mode, changed, removed, relinked, failed, seconds}
    graph.ingest.failed      {repo, error}
    graph.watch.started      {root}
    graph.watch.retrying     {root, error, delay}
    graph.watch.stopped      {root}

Subscribers are callables; a subscriber that raises is dropped from that event, never
stops the emitter. Persistence and streaming to API clients build on ``subscribe``.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

__all__ = ["Event", "emit", "new_correlation_id", "subscribe"]


@dataclass(frozen=True, slots=True)
class Event:
    """One event: subject, payload, the correlation id of the request or run, and when."""

    subject: str
    payload: dict[str, Any]
    correlation_id: str
    created_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="milliseconds"))


_subscribers: list[Callable[[Event], None]] = []
_lock = threading.Lock()


def new_correlation_id() -> str:
    """A fresh correlation id."""
    return uuid.uuid4().hex


def subscribe(callback: Callable[[Event], None]) -> Callable[[], None]:
    """Call ``callback`` for every event from now on; returns the function that unsubscribes."""
    with _lock:
        _subscribers.append(callback)

    def unsubscribe() -> None:
        with _lock:
            if callback in _subscribers:
                _subscribers.remove(callback)

    return unsubscribe


def emit(subject: str, payload: dict[str, Any], correlation_id: str) -> Event:
    """Deliver an event to every subscriber."""
    event = Event(subject, payload, correlation_id)
    with _lock:
        targets = list(_subscribers)
    for callback in targets:
        try:
            callback(event)
        except Exception:  # noqa: BLE001 — a broken subscriber must not break ingest
            continue
    return event
