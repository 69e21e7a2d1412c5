"""Events: what ingest and watch report while they work, with a correlation id.

Subjects::

    graph.ingest.started     {repo, mode}
    graph.ingest.finished    {repo, mode, changed, removed, relinked, failed, seconds}
    graph.ingest.failed      {repo, error}
    graph.watch.started      {root}
    graph.watch.retrying     {root, error, delay}
    graph.watch.stopped      {root}

    graph.ingest.progress    {repo, stage, done, total}          (ingest started by the API)
    graph.ecosystem.linked   {repo, projectLinks, crossEdges, services, integrations}
    graph.project.registered {project}
    graph.repo.added         {repo, project, root}
    service.health.changed   {service, name, project, from, to, latencyMs, code, error, at}   (graph serve)

Subscribers are callables; a subscriber that raises is dropped from that event, never
stops the emitter.

Across processes, events travel through an append-only log beside the store (``EventLog``,
docs/decisions/0007): every process that writes (``graph ingest``, ``graph watch``, the server's
mutations) appends one JSON line per event; ``graph serve`` tails the file and streams what it
reads to its subscribers, its own events included. The log is bounded: past ``max_bytes`` it is
rotated to ``<log>.1`` (one generation kept), so a tailer that falls behind a rotation finishes the
old file first.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import platformdirs

__all__ = ["Event", "EventLog", "attach_log", "emit", "event_log_path", "new_correlation_id", "subscribe"]


@dataclass(frozen=True, slots=True)
class Event:
    """One event: subject, payload, the correlation id of the request or run, and when."""

    subject: str
    payload: dict[str, Any]
    correlation_id: str
    created_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="milliseconds"))
    id: str = field(default_factory=lambda: uuid.uuid4().hex)

    def to_json(self) -> str:
        """One log line (without the newline)."""
        return json.dumps({"id": self.id, "subject": self.subject, "payload": self.payload,
                           "correlationId": self.correlation_id, "createdAt": self.created_at},
                          sort_keys=True, separators=(",", ":"), default=str)

    @staticmethod
    def from_json(line: str) -> Event:
        """Parse one log line; ValueError/KeyError/TypeError when it is not an event."""
        d = json.loads(line)
        return Event(str(d["subject"]), dict(d["payload"]), str(d["correlationId"]), str(d["createdAt"]), str(d["id"]))


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


# ---------------------------------------------------------------------------
# The cross-process log


def event_log_path(store_url: str, data_dir: Path | None = None) -> Path:
    """Where the processes sharing a store write their events.

    Beside an embedded store's file (``graph.lbug.events.jsonl``); for a server store, under the
    per-user data directory, one file per store URL (processes on other machines are not seen).
    """
    if store_url.startswith("ladybug://"):
        return Path(store_url.removeprefix("ladybug://")).expanduser().with_name(
            Path(store_url.removeprefix("ladybug://")).name + ".events.jsonl")
    base = data_dir or Path(platformdirs.user_data_dir("graphsvc"))
    return base / "events" / (hashlib.sha256(store_url.encode()).hexdigest()[:16] + ".jsonl")


class EventLog:
    """An append-only JSON-lines file of events, rotated past ``max_bytes`` (one old generation kept)."""

    def __init__(self, path: Path, max_bytes: int = 1 << 20) -> None:
        self.path = path
        self.max_bytes = max_bytes

    def append(self, event: Event) -> None:
        """Append one event; the lock file serialises writers across processes (and rotation)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = (event.to_json() + "\n").encode()
        with open(self.path.with_name(self.path.name + ".lock"), "a+b") as lock:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
            try:
                if self.path.exists() and self.path.stat().st_size + len(line) > self.max_bytes:
                    os.replace(self.path, self.path.with_name(self.path.name + ".1"))
                fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
                try:
                    os.write(fd, line)
                finally:
                    os.close(fd)
            finally:
                fcntl.flock(lock.fileno(), fcntl.LOCK_UN)

    def read_all(self) -> list[Event]:
        """Every event still kept, oldest first (the rotated generation, then the current file)."""
        out: list[Event] = []
        for p in (self.path.with_name(self.path.name + ".1"), self.path):
            try:
                text = p.read_text(encoding="utf-8")
            except OSError:
                continue
            for line in text.splitlines():
                try:
                    out.append(Event.from_json(line))
                except (ValueError, KeyError, TypeError):
                    continue  # a torn or foreign line
        return out


class LogTail:
    """Reads the events appended to a log since the last call, following rotations."""

    def __init__(self, log: EventLog, from_start: bool = False) -> None:
        self.log = log
        self._inode, self._offset = self._stat()
        if from_start:
            self._offset = 0
        self._partial = b""
        self._started = time.time()

    def _stat(self) -> tuple[int | None, int]:
        try:
            st = self.log.path.stat()
        except OSError:
            return None, 0
        return st.st_ino, st.st_size

    def _read(self, path: Path, offset: int) -> tuple[bytes, int]:
        try:
            with open(path, "rb") as f:
                f.seek(offset)
                data = f.read()
        except OSError:
            return b"", offset
        return data, offset + len(data)

    def poll(self) -> list[Event]:
        """The complete events written since the previous poll."""
        inode, size = self._stat()
        chunks = []
        if inode != self._inode:
            # Rotated since the last poll: finish the old generation first. When there was no log
            # at all, a generation rotated away since this tail started is read whole.
            rotated = self.log.path.with_name(self.log.path.name + ".1")
            try:
                st = rotated.stat()
                if st.st_ino == self._inode:
                    chunks.append(self._read(rotated, self._offset)[0])
                elif self._inode is None and st.st_mtime >= self._started:
                    chunks.append(self._read(rotated, 0)[0])
            except OSError:
                pass
            self._inode, self._offset = inode, 0
        if inode is not None and size >= self._offset:
            data, self._offset = self._read(self.log.path, self._offset)
            chunks.append(data)
        elif inode is not None:  # truncated by hand: start over
            data, self._offset = self._read(self.log.path, 0)
            chunks.append(data)
        buf = self._partial + b"".join(chunks)
        *lines, self._partial = buf.split(b"\n")
        events = []
        for line in lines:
            try:
                events.append(Event.from_json(line.decode("utf-8")))
            except (ValueError, KeyError, TypeError, UnicodeDecodeError):
                continue
        return events


_attached: dict[Path, list[Any]] = {}  # path -> [unsubscribe, holders]


def attach_log(path: Path, max_bytes: int = 1 << 20) -> Callable[[], None]:
    """Append every event this process emits to the log at ``path``; returns the function that detaches.

    Attaching a path twice appends once; it is detached when every holder has detached.
    """
    log = EventLog(path, max_bytes)

    def write(event: Event) -> None:
        try:
            log.append(event)
        except OSError:
            pass  # a full or read-only disk must not stop an ingest; the event is still delivered in-process

    with _lock:
        entry = _attached.get(path)
        if entry is not None:
            entry[1] += 1
    if entry is None:
        unsubscribe = subscribe(write)
        with _lock:
            _attached[path] = [unsubscribe, 1]

    def detach() -> None:
        with _lock:
            held = _attached.get(path)
            if held is None:
                return
            held[1] -= 1
            if held[1] > 0:
                return
            del _attached[path]
        held[0]()

    return detach
